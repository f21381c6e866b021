/// Blocks of 128 unsigned integers stored with the bit width of the largest (frame of reference, as in
/// Lucene and tantivy): value `i` occupies bits `[i·w, (i+1)·w)` of a little-endian bit stream, so a
/// block takes exactly `16·w` bytes.
public enum BitPacking {
    public static let blockSize = 128

    /// Bytes a packed block of width `bits` takes.
    @inline(__always)
    public static func packedLength(bits: Int) -> Int { bits * blockSize / 8 }

    public static func bitWidth(_ values: UnsafeBufferPointer<UInt32>) -> Int {
        let maximum = values.reduce(0, |)
        return maximum == 0 ? 0 : 32 - maximum.leadingZeroBitCount
    }

    public static func pack(_ values: UnsafeBufferPointer<UInt32>, bits: Int, into writer: inout ByteWriter) {
        precondition(values.count == blockSize && (0...32).contains(bits))
        var accumulator: UInt64 = 0
        var filled = 0
        for value in values {
            accumulator |= UInt64(value) << UInt64(filled)
            filled += bits
            while filled >= 8 {
                writer.u8(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                filled -= 8
            }
        }
    }

    /// Unpacks one block. Reads up to 8 bytes past the packed bytes, which every index file has (its
    /// footer at least): callers check that `source + packedLength(bits) + 8` is inside the file.
    @inline(__always)
    public static func unpack(_ source: UnsafeRawPointer, bits: Int, into output: UnsafeMutablePointer<UInt32>) {
        guard bits > 0 else {
            output.update(repeating: 0, count: blockSize)
            return
        }
        let mask: UInt64 = (1 << UInt64(bits)) - 1
        var bit = 0
        for index in 0..<blockSize {
            let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            output[index] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            bit += bits
        }
    }
}
