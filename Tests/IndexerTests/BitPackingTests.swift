import Testing
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

/// A small deterministic generator for tests (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
