import CSupport
import Foundation

/// The frame every index file shares (docs/FORMAT.md): a 32-byte header naming the component, the
/// format version and the index it belongs to, and an 8-byte footer ending in the CRC-32C of all that
/// precedes it, in the manner of Lucene's CodecUtil.
public enum FileFormat {
    public static let magic: [UInt8] = Array("FTSI".utf8)
    public static let footerMagic: [UInt8] = Array("FEND".utf8)
    public static let version: UInt32 = 21
    public static let headerLength = 32
    public static let footerLength = 8

    /// A component's four-letter tag, as written in its header.
    public enum Tag: String, CaseIterable, Sendable {
        case meta = "META", terms = "TERM", postings = "POST", positions = "POSN", norms = "NORM"
        case store = "STOR", lexicon = "LEXI", ids = "IDS_", values = "VALS", facets = "FACE", files = "FILE"
        /// A temporary sorted run of an index build: never part of a published index.
        case run = "RUN_"

        public var fileName: String {
            switch self {
            case .meta: return "meta.fts"
            case .terms: return "terms.fts"
            case .postings: return "postings.fts"
            case .positions: return "positions.fts"
            case .norms: return "norms.fts"
            case .store: return "store.fts"
            case .lexicon: return "lexicon.fts"
            case .ids: return "ids.fts"
            case .values: return "values.fts"
            case .facets: return "facets.fts"
            case .files: return "files.fts"
            case .run: return "run.tmp"
            }
        }
    }

    static func header(tag: Tag, indexID: [UInt8]) -> [UInt8] {
        precondition(indexID.count == 16)
        var writer = ByteWriter(capacity: headerLength)
        writer.append(magic)
        writer.append(Array(tag.rawValue.utf8))
        writer.u32(version)
        writer.append(indexID)
        writer.u32(0)
        return writer.bytes
    }

    /// Checks a mapped file's header and footer: O(1), no checksum. Returns the body's byte range.
    static func validateFrame(_ bytes: UnsafeRawBufferPointer, file: String, tag: Tag, indexID: [UInt8]?) throws -> Range<Int> {
        guard bytes.count >= headerLength + footerLength else {
            throw IndexError.corrupt(file: file, reason: "file of \(bytes.count) bytes is shorter than its header and footer")
        }
        guard Array(bytes[0..<4]) == magic else { throw IndexError.corrupt(file: file, reason: "not an fts index file (bad magic)") }
        guard Array(bytes[4..<8]) == Array(tag.rawValue.utf8) else {
            throw IndexError.corrupt(file: file, reason: "expected a \(tag.rawValue) component, found \(String(decoding: bytes[4..<8], as: UTF8.self))")
        }
        let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard version == Self.version else { throw IndexError.unsupportedVersion(file: file, version: version) }
        if let indexID, Array(bytes[12..<28]) != indexID {
            throw IndexError.corrupt(file: file, reason: "file belongs to another index (index id differs from meta.fts)")
        }
        let footer = bytes.count - footerLength
        guard Array(bytes[footer..<footer + 4]) == footerMagic else {
            throw IndexError.corrupt(file: file, reason: "missing footer (truncated or overwritten)")
        }
        return headerLength..<footer
    }

    /// The format version in the header of the index file at `path`, or nil when it cannot be read:
    /// enough to tell that an index was written by another version and must be built again.
    public static func version(ofFileAt path: String) -> UInt32? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 12), header.count == 12, Array(header.prefix(4)) == magic else { return nil }
        return header.suffix(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func indexID(of bytes: UnsafeRawBufferPointer) -> [UInt8] {
        Array(bytes[12..<28])
    }

    /// Recomputes the file's CRC-32C and compares it with its footer: O(file size).
    static func verifyChecksum(_ bytes: UnsafeRawBufferPointer, file: String) throws {
        let stored = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self))
        let computed = fts_crc32c(0, bytes.baseAddress, bytes.count - 4)
        guard stored == computed else {
            throw IndexError.corrupt(file: file, reason: "checksum mismatch (stored \(hex(stored)), computed \(hex(computed)))")
        }
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
