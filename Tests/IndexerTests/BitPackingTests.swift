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

