/// Bounds-checked little-endian decoding over mapped bytes. Every read checks its bounds and throws
/// `IndexError.corrupt` naming the file, so that a damaged index gives an error, never a crash.
public struct ByteReader {
    public let bytes: UnsafeRawBufferPointer
    public var offset: Int
    public let end: Int
    public let file: String

    public init(_ bytes: UnsafeRawBufferPointer, file: String, offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = min(end ?? bytes.count, bytes.count)
        self.file = file
    }

    public var remaining: Int { end - offset }
    public var isAtEnd: Bool { offset >= end }

    public func corrupt(_ reason: String) -> IndexError {
        .corrupt(file: file, reason: "\(reason) (at byte \(offset))")
    }

    @inline(__always)
    public mutating func need(_ count: Int) throws {
        guard count >= 0, offset >= 0, count <= end - offset else { throw corrupt("unexpected end of data") }
    }

    @inline(__always)
    public mutating func u8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u32() throws -> UInt32 {
        try need(4)
        defer { offset += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    public mutating func u64() throws -> UInt64 {
        try need(8)
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    public mutating func vint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw corrupt("unexpected end of data in a variable-length integer") }
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            guard shift < 64 else { throw corrupt("variable-length integer too long") }
        }
    }

    /// A variable-length integer that must fit `limit` (a count, a length, an offset).
    @inline(__always)
    public mutating func vint(max limit: Int) throws -> Int {
        let value = try vint()
        guard value <= UInt64(limit) else { throw corrupt("value \(value) over its bound \(limit)") }
        return Int(value)
    }

    public mutating func bytes(_ count: Int) throws -> UnsafeRawBufferPointer {
        try need(count)
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    public mutating func string() throws -> String {
        let length = try vint(max: remaining)
        let raw = try bytes(length)
        guard let string = String(validUTF8: raw) else { throw corrupt("invalid UTF-8 in a string") }
        return string
    }

    public mutating func skip(_ count: Int) throws {
        try need(count)
        offset += count
    }
}
