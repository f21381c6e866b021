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
        writer.append([UInt8](repeating: 0xAB, count: 8))  // the slack every file has after a block
        var decoded = [UInt32](repeating: 1, count: BitPacking.blockSize)
        writer.bytes.withUnsafeBytes { raw in
            decoded.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress!, bits: bits, into: $0.baseAddress!) }
        }
        #expect(decoded == values)
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
        writer.append([UInt8](repeating: 0xCD, count: 8))
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
            writer.append([UInt8](repeating: 0, count: 8))
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
