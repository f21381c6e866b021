import Testing
import TestSupport
@testable import Indexer

@Suite struct BitPackingTests {
    @Test(arguments: 0...32)
    func roundTripsEveryWidth(bits: Int) {
        var generator = SplitMix64(seed: UInt64(bits))
        let mask: UInt64 = bits == 0 ? 0 : (1 << UInt64(bits)) - 1
        var values = (0..<BitPacking.blockSize).map { _ in UInt32(truncatingIfNeeded: generator.next() & mask) }
        if bits > 0 { values[77] = UInt32(truncatingIfNeeded: mask) }  // the widest value is present
        let width = values.withUnsafeBufferPointer { BitPacking.bitWidth($0) }
        #expect(width == bits)
        var writer = ByteWriter()
        values.withUnsafeBufferPointer { BitPacking.pack($0, bits: bits, into: &writer) }
        #expect(writer.count == BitPacking.packedLength(bits: bits))
        var decoded = [UInt32](repeating: 1, count: BitPacking.blockSize)
        writer.bytes.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress!, bits: bits, into: $0.baseAddress!) }
        }
        #expect(decoded == values)
    }

    /// The layout of docs/FORMAT.md: value i is row i / 4 of lane i % 4, and word k of lane l is at
    /// byte 16k + 4l. At width 8 a word holds four rows, one a byte, so byte 16k + 4l + j is row 4k + j
    /// of lane l: value 4(4k + j) + l.
    @Test func lanesAreInterleavedAsDocumented() {
        var writer = ByteWriter()
        let values = (0..<BitPacking.blockSize).map { UInt32($0) }
        values.withUnsafeBufferPointer { BitPacking.pack($0, bits: 8, into: &writer) }
        for k in 0..<8 {
            for l in 0..<4 {
                for j in 0..<4 { #expect(writer.bytes[16 * k + 4 * l + j] == UInt8(4 * (4 * k + j) + l)) }
            }
        }
        // At width 1, lane 0's 32 rows fill its only word (bytes 0 to 3) and the other lanes' are empty.
        var single = ByteWriter()
        let lane0 = (0..<BitPacking.blockSize).map { UInt32($0 % 4 == 0 ? 1 : 0) }
        lane0.withUnsafeBufferPointer { BitPacking.pack($0, bits: 1, into: &single) }
        #expect(single.bytes == [0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 12))
    }
}


@Suite struct PatchedBitPackingTests {
    /// Mostly small values with a few wide ones: the block is narrower than the widest value, the wide
    /// ones come back whole, and the block is no bigger than plain bit packing.
    @Test(arguments: [0, 1, 5, 15, 16, 40] as [Int])
    func roundTripsWithExceptions(wide: Int) throws {
        var generator = SplitMix64(seed: UInt64(wide) + 100)
        var values = (0..<BitPacking.blockSize).map { _ in UInt32(generator.next() % 16) }
        for _ in 0..<wide { values[Int(generator.next() % 128)] = UInt32(generator.next() % 5000) + 16 }
        var writer = ByteWriter()
        values.withUnsafeBufferPointer { PatchedBitPacking.encode($0, into: &writer) }
        let bits = Int(writer.bytes[0]), exceptions = Int(writer.bytes[1])
        #expect(writer.count == PatchedBitPacking.length(bits: bits, exceptions: exceptions))
        #expect(exceptions <= PatchedBitPacking.maximumExceptions)
        let plain = BitPacking.packedLength(bits: values.withUnsafeBufferPointer { BitPacking.bitWidth($0) }) + 2
        #expect(writer.count <= plain)
        if wide > 0 && wide <= 5 { #expect(exceptions > 0 && bits < 13) }
        var decoded = [UInt32](repeating: 7, count: BitPacking.blockSize)
        try writer.bytes.withUnsafeBytes { raw in
            try decoded.withUnsafeMutableBufferPointer {
                try PatchedBitPacking.decode(raw.baseAddress!, bits: bits, exceptions: exceptions, into: $0.baseAddress!) { IndexError.corrupt(file: "t", reason: "") }
            }
        }
        #expect(decoded == values)
    }

    @Test func everyWidthRoundTrips() throws {
        var generator = SplitMix64(seed: 9)
        for bits in 0...32 {
            let mask: UInt64 = bits == 0 ? 0 : (1 << UInt64(bits)) - 1
            let values = (0..<BitPacking.blockSize).map { _ in UInt32(truncatingIfNeeded: generator.next() & mask) }
            var writer = ByteWriter()
            values.withUnsafeBufferPointer { PatchedBitPacking.encode($0, into: &writer) }
            var decoded = [UInt32](repeating: 1, count: BitPacking.blockSize)
            try writer.bytes.withUnsafeBytes { raw in
                try decoded.withUnsafeMutableBufferPointer {
                    try PatchedBitPacking.decode(raw.baseAddress!, bits: Int(raw[0]), exceptions: Int(raw[1]), into: $0.baseAddress!) {
                        IndexError.corrupt(file: "t", reason: "")
                    }
                }
            }
            #expect(decoded == values, "width \(bits)")
        }
    }
}
