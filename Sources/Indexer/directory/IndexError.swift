/// What can go wrong reading or writing an index. Messages name the file concerned.
public enum IndexError: Error, CustomStringConvertible, Equatable {
    /// The file's bytes do not follow the format: a flipped byte, a truncation, a file from elsewhere.
    case corrupt(file: String, reason: String)
    /// The operating system refused: a missing file, a permission, a full disk.
    case io(path: String, reason: String)
    /// No index at the path: the folder, or its meta.fts, is not there.
    case noIndex(path: String)
    /// The index was written by a format this build does not read.
    case unsupportedVersion(file: String, version: UInt32)
    /// The input cannot be indexed as asked (too many fields, a field name too long...).
    case invalidInput(String)
    case cancelled

    public var description: String {
        switch self {
        case let .corrupt(file, reason): return "\(file): index is corrupt: \(reason)"
        case let .io(path, reason): return "\(path): \(reason)"
        case let .noIndex(path):
            return "no index (no meta.fts in \(path)); build one with `fts index -o \(path) CORPUS`"
        case let .unsupportedVersion(file, version):
            return "\(file): index format version \(version) is not supported (this build reads version \(FileFormat.version)); build the index again with `fts index`"
        case let .invalidInput(message): return message
        case .cancelled: return "cancelled"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func systemError(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
