import CZlib
import Foundation

/// The entries of a ZIP archive (PKWARE's APPNOTE.TXT), as office documents (`.docx`, `.odt`) hold
/// their parts: listed by the central directory at the archive's end, each read whole, stored or
/// inflated, and checked against its size and CRC-32. ZIP64 archives and encrypted entries are
/// refused; an office document needs neither.
struct ZipArchive {
    struct Failure: Error, Equatable {
        var reason: String
    }

    private struct Entry {
        var flags: UInt16
        var method: UInt16
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    /// An entry inflating past this is refused: a few kilobytes can inflate to gigabytes.
    static let maximumEntrySize = 256 << 20

    private let bytes: Data
    private var entries: [String: Entry] = [:]

    init(_ bytes: Data) throws(Failure) {
        self.bytes = bytes
        let endRecord = 22
        guard bytes.count >= endRecord else { throw Failure(reason: "not a ZIP archive (too short)") }
        // The end record is the archive's last 22 bytes and a comment of at most 65,535.
        let lowest = max(0, bytes.count - endRecord - 65_535)
        guard let end = stride(from: bytes.count - endRecord, through: lowest, by: -1).first(where: { signature(at: $0) == 0x0605_4B50 }) else {
            throw Failure(reason: "not a ZIP archive (no end of central directory)")
        }
        let count = Int(uint16(at: end + 10)), size = Int(uint32(at: end + 12)), offset = Int(uint32(at: end + 16))
        guard count != 0xFFFF && offset != 0xFFFF_FFFF else { throw Failure(reason: "ZIP64 archives are not read") }
        guard offset + size <= end else { throw Failure(reason: "the central directory runs past the archive's end") }
        var position = offset
        for _ in 0..<count {
            guard position + 46 <= offset + size, signature(at: position) == 0x0201_4B50 else {
                throw Failure(reason: "the central directory is damaged at byte \(position)")
            }
            let nameLength = Int(uint16(at: position + 28)), extraLength = Int(uint16(at: position + 30)), commentLength = Int(uint16(at: position + 32))
            guard position + 46 + nameLength <= offset + size else { throw Failure(reason: "the central directory is damaged at byte \(position)") }
            let name = String(decoding: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
            entries[name] = Entry(flags: uint16(at: position + 8), method: uint16(at: position + 10), crc: uint32(at: position + 16),
                                  compressedSize: Int(uint32(at: position + 20)), size: Int(uint32(at: position + 24)),
                                  localHeaderOffset: Int(uint32(at: position + 42)))
            position += 46 + nameLength + extraLength + commentLength
        }
    }

    func contains(_ name: String) -> Bool { entries[name] != nil }

    /// The start of the relationship types Office Open XML defines (`…/slide`, `…/sharedStrings`).
    static let relationshipType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

    /// An Office Open XML part's relationships (its `_rels/NAME.rels`) by id: each one's type and the
    /// entry it targets.
    func relationships(of part: String) throws(Failure) -> [String: (type: String, part: String)] {
        var folder = part.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let name = folder.removeLast()
        guard let xml = try data(of: (folder + ["_rels", name + ".rels"]).joined(separator: "/")) else { return [:] }
        var relationships: [String: (type: String, part: String)] = [:]
        var scanner = XMLScanner(xml, attributesOf: ["Relationship"])
        while let event = scanner.next() {
            guard case .start("Relationship", let attributes, _) = event, let id = attributes["Id"], let target = attributes["Target"] else { continue }
            relationships[id] = (attributes["Type"] ?? "", Self.entryName(target, in: folder))
        }
        return relationships
    }

    /// The entry a link names: a URL relative to `folder` (an EPUB's manifest href, an Office
    /// relationship's target), percent-encoded, or from the archive's root when it starts with `/`.
    static func entryName(_ href: String, in folder: [String]) -> String {
        let path = (href.split(separator: "#", maxSplits: 1).first.map(String.init) ?? "").removingPercentEncoding ?? href
        var parts = path.hasPrefix("/") ? [] : folder
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(String(part))
            }
        }
        return parts.joined(separator: "/")
    }

    /// The entry's bytes, or nil when the archive has no such entry.
    func data(of name: String) throws(Failure) -> [UInt8]? {
        guard let entry = entries[name] else { return nil }
        guard entry.flags & 1 == 0 else { throw Failure(reason: "\(name) is encrypted") }
        guard entry.size <= Self.maximumEntrySize else {
            throw Failure(reason: "\(name) would inflate to \(entry.size) bytes, more than the \(Self.maximumEntrySize) read")
        }
        let header = entry.localHeaderOffset
        guard header + 30 <= bytes.count, signature(at: header) == 0x0403_4B50 else { throw Failure(reason: "\(name): no local header where the directory says") }
        let start = header + 30 + Int(uint16(at: header + 26)) + Int(uint16(at: header + 28))
        guard start + entry.compressedSize <= bytes.count else { throw Failure(reason: "\(name) runs past the archive's end (truncated?)") }
        let stored = bytes[start..<(start + entry.compressedSize)]
        var output: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.size else { throw Failure(reason: "\(name): a stored entry whose sizes differ") }
            output = Array(stored)
        case 8:
            output = try Self.inflate(stored, size: entry.size, name: name)
        default:
            throw Failure(reason: "\(name) is compressed by method \(entry.method), which is not read (only stored and deflated)")
        }
        let crc = output.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        guard crc == entry.crc else { throw Failure(reason: "\(name) is damaged (its CRC-32 does not match)") }
        return output
    }

    /// Raw deflate (no zlib or gzip header), which must come to exactly `size` bytes.
    private static func inflate(_ input: Data, size: Int, name: String) throws(Failure) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: size)
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(reason: "\(name): zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var input = Array(input)
        // One byte more than announced, to tell a stream that runs long from one that ends on time.
        var spare: UInt8 = 0
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                var status = CZlib.inflate(&stream, Z_FINISH)
                if status == Z_BUF_ERROR && stream.avail_out == 0 {
                    withUnsafeMutablePointer(to: &spare) { pointer in
                        stream.next_out = pointer
                        stream.avail_out = 1
                        status = CZlib.inflate(&stream, Z_FINISH)
                    }
                }
                return status
            }
        }
        guard status == Z_STREAM_END, Int(stream.total_out) == size else {
            throw Failure(reason: "\(name) is damaged (its deflated data does not inflate to its \(size) bytes)")
        }
        return output
    }

    private func signature(at offset: Int) -> UInt32 { uint32(at: offset) }

    private func uint16(at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private func uint32(at offset: Int) -> UInt32 {
        UInt32(uint16(at: offset)) | UInt32(uint16(at: offset + 2)) << 16
    }
}
