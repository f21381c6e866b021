/// Blocks of 128 unsigned integers stored with the bit width of the largest (frame of reference, as in
/// Lucene and tantivy), in four interleaved lanes (tantivy's BitPacker4x layout): value `i` is row
/// `i / 4` of lane `i % 4`; each lane is a little-endian stream of 32-bit words holding row `r` in bits
/// `[r·w, (r+1)·w)`, and word `k` of lane `l` is stored at byte `16·k + 4·l`. A block takes exactly
/// `16·w` bytes, and unpacking shifts and masks four values with each SSE2 instruction.
public enum BitPacking {
    public static let blockSize = 128

    /// Bytes a packed block of width `bits` takes.
    @inline(__always)
    public static func packedLength(bits: Int) -> Int { bits * blockSize / 8 }

    public static func bitWidth(_ values: UnsafeBufferPointer<UInt32>) -> Int {
        let maximum = values.reduce(0, |)
        return maximum == 0 ? 0 : 32 - maximum.leadingZeroBitCount
    }

    /// Packs 128 values, each below 2^`bits`.
    public static func pack(_ values: UnsafeBufferPointer<UInt32>, bits: Int, into writer: inout ByteWriter) {
        precondition(values.count == blockSize && (0...32).contains(bits))
        guard bits > 0 else { return }
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 4 * bits) { words in
            words.initialize(repeating: 0)
            for (index, value) in values.enumerated() {
                let lane = index & 3, bit = (index >> 2) * bits
                let word = bit >> 5, shift = bit & 31
                words[4 * word + lane] |= value << UInt32(shift)
                if shift + bits > 32 { words[4 * (word + 1) + lane] |= value >> UInt32(32 - shift) }
            }
            for word in words { writer.u32(word) }
        }
    }

    /// Unpacks one block, reading its `16·bits` bytes and none past them. One specialisation per width
    /// (as Lucene's generated ForUtil): with the width a constant, every shift and offset is one too.
    public static func unpack(_ source: UnsafeRawPointer, bits: Int, into output: UnsafeMutablePointer<UInt32>) {
        switch bits {
        case 1: PackedLanes<1>.unpack(source, into: output)
        case 2: PackedLanes<2>.unpack(source, into: output)
        case 3: PackedLanes<3>.unpack(source, into: output)
        case 4: PackedLanes<4>.unpack(source, into: output)
        case 5: PackedLanes<5>.unpack(source, into: output)
        case 6: PackedLanes<6>.unpack(source, into: output)
        case 7: PackedLanes<7>.unpack(source, into: output)
        case 8: PackedLanes<8>.unpack(source, into: output)
        case 9: PackedLanes<9>.unpack(source, into: output)
        case 10: PackedLanes<10>.unpack(source, into: output)
        case 11: PackedLanes<11>.unpack(source, into: output)
        case 12: PackedLanes<12>.unpack(source, into: output)
        case 13: PackedLanes<13>.unpack(source, into: output)
        case 14: PackedLanes<14>.unpack(source, into: output)
        case 15: PackedLanes<15>.unpack(source, into: output)
        case 16: PackedLanes<16>.unpack(source, into: output)
        case 17: PackedLanes<17>.unpack(source, into: output)
        case 18: PackedLanes<18>.unpack(source, into: output)
        case 19: PackedLanes<19>.unpack(source, into: output)
        case 20: PackedLanes<20>.unpack(source, into: output)
        case 21: PackedLanes<21>.unpack(source, into: output)
        case 22: PackedLanes<22>.unpack(source, into: output)
        case 23: PackedLanes<23>.unpack(source, into: output)
        case 24: PackedLanes<24>.unpack(source, into: output)
        case 25: PackedLanes<25>.unpack(source, into: output)
        case 26: PackedLanes<26>.unpack(source, into: output)
        case 27: PackedLanes<27>.unpack(source, into: output)
        case 28: PackedLanes<28>.unpack(source, into: output)
        case 29: PackedLanes<29>.unpack(source, into: output)
        case 30: PackedLanes<30>.unpack(source, into: output)
        case 31: PackedLanes<31>.unpack(source, into: output)
        case 32: PackedLanes<32>.unpack(source, into: output)
        default: output.update(repeating: 0, count: blockSize)
        }
    }
}

/// Unpacking at one width, a generic parameter so that each width gets a specialisation of its own
/// (a function taking the width as an argument is not inlined into 32 cases, and stays generic).
enum PackedLanes<let bits: Int> {
    /// The 32 rows of the four lanes, four values at a time. Words are loaded as they lie, which is
    /// their little-endian value on the little-endian machines fts builds for (x86-64, arm64).
    static func unpack(_ source: UnsafeRawPointer, into output: UnsafeMutablePointer<UInt32>) {
        let mask = SIMD4<UInt32>(repeating: bits == 32 ? .max : (1 << UInt32(bits)) &- 1)
        let out = UnsafeMutableRawPointer(output)
        @inline(__always) func row(_ row: Int) {
            let bit = row &* bits
            let word = bit >> 5, shift = UInt32(bit & 31)
            var value = source.loadUnaligned(fromByteOffset: word &* 16, as: SIMD4<UInt32>.self) &>> SIMD4(repeating: shift)
            if Int(shift) &+ bits > 32 {
                // Added, not or-ed (the bits do not overlap): the or of two such shifts is matched as a
                // funnel shift, which SSE2 lacks, and done one lane at a time.
                value &+= source.loadUnaligned(fromByteOffset: (word &+ 1) &* 16, as: SIMD4<UInt32>.self) &<< SIMD4(repeating: 32 &- shift)
            }
            out.storeBytes(of: value & mask, toByteOffset: row &* 16, as: SIMD4<UInt32>.self)
        }
        // Written out: the compiler does not unroll a loop of 32 rows, and its shifts would be variables.
        row(0); row(1); row(2); row(3); row(4); row(5); row(6); row(7)
        row(8); row(9); row(10); row(11); row(12); row(13); row(14); row(15)
        row(16); row(17); row(18); row(19); row(20); row(21); row(22); row(23)
        row(24); row(25); row(26); row(27); row(28); row(29); row(30); row(31)
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
    /// `exceptions` ≤ 15) and whose bytes lie inside the file. A damaged exception
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
