/// Little-endian encoding into a growable buffer: fixed-width integers, LEB128 variable-length integers
/// (`VInt`), length-prefixed strings.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public var count: Int { bytes.count }

    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    @inline(__always)
    public mutating func u8(_ value: UInt8) { bytes.append(value) }

    public mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    public mutating func u64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    public mutating func vint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    @inline(__always)
    public mutating func vint(_ value: Int) { vint(UInt64(value)) }

    public mutating func string(_ value: String) {
        vint(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    public mutating func append<C: Collection>(_ data: C) where C.Element == UInt8 {
        bytes.append(contentsOf: data)
    }

    /// Overwrites 4 bytes at `offset` (for lengths known only after the fact).
    public mutating func setU32(_ value: UInt32, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for k in 0..<4 { bytes[offset + k] = raw[k] }
        }
    }
}
