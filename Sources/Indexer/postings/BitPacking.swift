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
    /// One specialisation per width (as Lucene's generated ForUtil): with the width a constant, every
    /// shift and offset below is one too.
    public static func unpack(_ source: UnsafeRawPointer, bits: Int, into output: UnsafeMutablePointer<UInt32>) {
        switch bits {
        case 1: unpackGroups(source, bits: 1, into: output)
        case 2: unpackGroups(source, bits: 2, into: output)
        case 3: unpackGroups(source, bits: 3, into: output)
        case 4: unpackGroups(source, bits: 4, into: output)
        case 5: unpackGroups(source, bits: 5, into: output)
        case 6: unpackGroups(source, bits: 6, into: output)
        case 7: unpackGroups(source, bits: 7, into: output)
        case 8: unpackGroups(source, bits: 8, into: output)
        case 9: unpackGroups(source, bits: 9, into: output)
        case 10: unpackGroups(source, bits: 10, into: output)
        case 11: unpackGroups(source, bits: 11, into: output)
        case 12: unpackGroups(source, bits: 12, into: output)
        case 13: unpackGroups(source, bits: 13, into: output)
        case 14: unpackGroups(source, bits: 14, into: output)
        case 15: unpackGroups(source, bits: 15, into: output)
        case 16: unpackGroups(source, bits: 16, into: output)
        case 17: unpackGroups(source, bits: 17, into: output)
        case 18: unpackGroups(source, bits: 18, into: output)
        case 19: unpackGroups(source, bits: 19, into: output)
        case 20: unpackGroups(source, bits: 20, into: output)
        case 21: unpackGroups(source, bits: 21, into: output)
        case 22: unpackGroups(source, bits: 22, into: output)
        case 23: unpackGroups(source, bits: 23, into: output)
        case 24: unpackGroups(source, bits: 24, into: output)
        case 25: unpackGroups(source, bits: 25, into: output)
        case 26: unpackGroups(source, bits: 26, into: output)
        case 27: unpackGroups(source, bits: 27, into: output)
        case 28: unpackGroups(source, bits: 28, into: output)
        case 29: unpackGroups(source, bits: 29, into: output)
        case 30: unpackGroups(source, bits: 30, into: output)
        case 31: unpackGroups(source, bits: 31, into: output)
        case 32: unpackGroups(source, bits: 32, into: output)
        default: output.update(repeating: 0, count: blockSize)
        }
    }

    /// Eight values take exactly `bits` bytes: a block is 16 such groups.
    @inline(__always)
    private static func unpackGroups(_ source: UnsafeRawPointer, bits: Int, into output: UnsafeMutablePointer<UInt32>) {
        let mask: UInt64 = (1 << UInt64(bits)) - 1
        for group in 0..<16 {
            let base = source + group * bits
            let out = output + group * 8
            for k in 0..<8 {
                let bit = k * bits
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                out[k] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            }
        }
    }
}

/// Blocks of 128 values packed at a width most of them fit, the few wider ones patched (PFOR, as
/// Lucene's PForUtil): position gaps are mostly small, with now and then a long jump that would
/// otherwise widen all 128.
///
///     u8      bits                        width of the packed values (0 to 32)
///     u8      exceptions                  0 to 15
///     exceptions × { u8 index, u8 high }  value[index] += high << bits
///     16·bits bytes                       the 128 values' low `bits` bits, bit-packed
public enum PatchedBitPacking {
    public static let maximumExceptions = 15
    public static let headerLength = 2

    /// Bytes of a block with this header.
    @inline(__always)
    public static func length(bits: Int, exceptions: Int) -> Int {
        headerLength + 2 * exceptions + BitPacking.packedLength(bits: bits)
    }

    /// Writes the 128 values at the width that makes the block smallest.
    public static func encode(_ values: UnsafeBufferPointer<UInt32>, into writer: inout ByteWriter) {
        precondition(values.count == BitPacking.blockSize)
        let widest = BitPacking.bitWidth(values)
        var bits = widest, exceptions = 0
        // A high part must fit a byte: no narrower than 8 bits under the widest.
        for width in max(0, widest - 8)..<widest {
            let wider = values.reduce(0) { $0 + ($1 >> UInt32(width) != 0 ? 1 : 0) }
            if wider <= maximumExceptions && length(bits: width, exceptions: wider) < length(bits: bits, exceptions: exceptions) {
                bits = width
                exceptions = wider
            }
        }
        writer.u8(UInt8(bits))
        writer.u8(UInt8(exceptions))
        let mask: UInt32 = bits == 32 ? .max : (1 << UInt32(bits)) - 1
        var low = [UInt32](repeating: 0, count: BitPacking.blockSize)
        for (index, value) in values.enumerated() {
            low[index] = value & mask
            if bits < 32 && value >> UInt32(bits) != 0 {
                writer.u8(UInt8(index))
                writer.u8(UInt8(value >> UInt32(bits)))
            }
        }
        low.withUnsafeBufferPointer { BitPacking.pack($0, bits: bits, into: &writer) }
    }

    /// Decodes the block at `source`, whose header the caller has read and checked (`bits` ≤ 32,
    /// `exceptions` ≤ 15) and whose bytes, and 8 more, lie inside the file. A damaged exception
    /// index throws.
    public static func decode(_ source: UnsafeRawPointer, bits: Int, exceptions: Int, into output: UnsafeMutablePointer<UInt32>,
                              corrupt: () -> Error) throws {
        BitPacking.unpack(source + headerLength + 2 * exceptions, bits: bits, into: output)
        for exception in 0..<exceptions {
            let index = Int(source.load(fromByteOffset: headerLength + 2 * exception, as: UInt8.self))
            let high = UInt32(source.load(fromByteOffset: headerLength + 2 * exception + 1, as: UInt8.self))
            guard index < BitPacking.blockSize, bits < 32 else { throw corrupt() }
            output[index] |= high << UInt32(bits)
        }
    }
}
