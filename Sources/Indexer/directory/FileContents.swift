import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes, read whole. Foundation's readers (`FileManager.contents(atPath:)`,
/// `Data(contentsOf:)`) leak the 4 KiB buffer they read an empty file into (swift-foundation with
/// Swift 6.3), at every build `searchd --watch` starts (BENCHMARKS.md, "Empty files read without a
/// leak"). An empty regular file is answered here without them. `size` is the file's size when the
/// caller knows it (a corpus walk stats every file), which spares a second look.
public enum FileContents {
    /// The file's bytes; nil when it cannot be read (`errno` says why).
    public static func read(_ path: String, size: Int? = nil) -> Data? {
        if isEmpty(path, size: size) { return Data() }
        return FileManager.default.contents(atPath: path)
    }

    /// The file's bytes, memory-mapped.
    public static func mapped(_ path: String, size: Int? = nil) throws -> Data {
        if isEmpty(path, size: size) { return Data() }
        return try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    }

    /// Empty and readable: of 0 bytes, by the caller's `size` or by its status if a regular file (a
    /// special one is left to Foundation, whatever size it says). One that cannot be read is left to
    /// Foundation too, which fails and says why, as for any other file.
    private static func isEmpty(_ path: String, size: Int?) -> Bool {
        if let size {
            guard size == 0 else { return false }
        } else {
            var info = stat()
            guard stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_size == 0 else { return false }
        }
        return access(path, R_OK) == 0
    }
}
