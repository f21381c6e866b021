import TestSupport
import Testing
@testable import Indexer

@Suite struct TokenOffsetsTests {
    /// Offsets of a text with mostly short words and, now and then, a long gap or a long word: the
    /// stored form mixes one-byte tokens with escaped ones.
    static func randomOffsets(count: Int, escapes: UInt64, generator: inout SplitMix64) -> (TokenOffsets, textLength: Int) {
        var offsets = TokenOffsets()
        var position = 0
        for _ in 0..<count {
            let escaped = generator.next() % 100 < escapes
            let gap = escaped && generator.next() % 2 == 0 ? Int(generator.next() % 300) + 8 : Int(generator.next() % 8)
            let length = escaped ? Int(generator.next() % 60) + 1 : Int(generator.next() % 30) + 1
            offsets.append((position + gap)..<(position + gap + length))
            position += gap + length
        }
        return (offsets, position + Int(generator.next() % 5))
    }

    static func stored(_ offsets: TokenOffsets, textLength: Int) throws -> StoredTokens {
        var writer = ByteWriter()
        offsets.encode(into: &writer)
        let bytes = writer.bytes
        return try bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw, file: "test")
            return try StoredTokens(source: bytes, reader: &reader, textLength: textLength)
        }
    }

    /// Skipping to any position and reading from there gives the built ranges, whether the skipped
    /// tokens are one byte each (read eight at a time) or escaped.
    @Test(arguments: [0, 3, 30, 100] as [UInt64])
    func skippingLandsOnTheRightToken(escapes: UInt64) throws {
        var generator = SplitMix64(seed: 7 + escapes)
        for _ in 0..<50 {
            let (offsets, textLength) = Self.randomOffsets(count: Int(generator.next() % 1000), escapes: escapes, generator: &generator)
            let tokens = try Self.stored(offsets, textLength: textLength)
            #expect(try tokens.decoded() == offsets)
            try tokens.withCursor { cursor in
                var targets = (0..<6).map { _ in Int(generator.next() % UInt64(offsets.count + 2)) }
                targets.sort()
                for target in targets where target >= cursor.position {
                    try cursor.skip(to: target)
                    #expect(cursor.position == min(target, offsets.count))
                    let range = try cursor.next()
                    #expect(range == (target < offsets.count ? offsets[target] : nil), "token \(target) of \(offsets.count)")
                }
            }
        }
    }

    /// Reading a passage's tokens in one call gives what reading them one by one does: from any
    /// token, up to the last starting within the budget after the anchor's start, whether the tokens
    /// are one byte each (read eight at a time) or escaped. The cursor is then past the last token it
    /// wrote.
    @Test(arguments: [0, 10] as [UInt64])
    func readingAPassageMatchesReadingTokenByToken(escapes: UInt64) throws {
        var generator = SplitMix64(seed: 13 + escapes)
        for _ in 0..<200 {
            let (offsets, textLength) = Self.randomOffsets(count: Int(generator.next() % 300), escapes: escapes, generator: &generator)
            let tokens = try Self.stored(offsets, textLength: textLength)
            let from = Int(generator.next() % UInt64(offsets.count + 1))
            let anchor = from + Int(generator.next() % 20)
            let budget = Int(generator.next() % 200)
            var expected: [UInt32] = []
            var limit = Int.max
            // The tokens that start within the budget after the anchor's start, and the one after them.
            for position in from..<offsets.count {
                expected += [UInt32(offsets[position].lowerBound), UInt32(offsets[position].upperBound)]
                if offsets[position].lowerBound > limit { break }
                if position == anchor { limit = offsets[position].lowerBound + budget }
            }
            for room in [expected.count, expected.count + 7, max(0, expected.count - 4)] {
                var position = 0
                let read = try [UInt32](unsafeUninitializedCapacity: room) { buffer, count in
                    count = try tokens.withCursor { cursor in
                        try cursor.skip(to: from)
                        defer { position = cursor.position }
                        return try cursor.read(into: UnsafeMutableBufferPointer(rebasing: buffer[..<room]), through: anchor, budget: budget)
                    }
                }
                // With too little room, the first tokens that fit.
                #expect(read == Array(expected.prefix(room - room % 2)), "from \(from), anchor \(anchor), budget \(budget) of \(offsets.count)")
                #expect(position == from + read.count / 2)
            }
        }
    }

    /// A damaged stride table: the verifier's full read says so, and skipping with it never reads
    /// outside the record or the text.
    @Test func aDamagedStrideTableIsCaught() throws {
        var generator = SplitMix64(seed: 9)
        let (offsets, textLength) = Self.randomOffsets(count: 700, escapes: 5, generator: &generator)
        var writer = ByteWriter()
        offsets.encode(into: &writer)
        let good = writer.bytes
        let (table, tableLength) = try good.withUnsafeBytes { raw in
            var reader = ByteReader(raw, file: "test")
            _ = try reader.vint(max: Int.max)
            let length = try reader.vint(max: Int.max)
            return (reader.offset, length)
        }
        #expect(tableLength > 0)
        for index in table..<(table + tableLength) {
            for value: UInt8 in [0, 1, 0x7F, good[index] ^ 1] where value != good[index] {
                var bytes = good
                bytes[index] = value
                let tokens = try bytes.withUnsafeBytes { raw in
                    var reader = ByteReader(raw, file: "test")
                    return try StoredTokens(source: bytes, reader: &reader, textLength: textLength)
                }
                #expect(throws: IndexError.self, "byte \(index) = \(value)") { try tokens.decoded() }
                for target in [100, 300, 650, 699] {
                    _ = try? tokens.withCursor { cursor in
                        try cursor.skip(to: target)
                        return try cursor.next()
                    }
                }
            }
        }
    }

    /// A text shorter than its offsets claim: reading past it throws, whether the token is reached by
    /// reading or by skipping.
    @Test func offsetsPastTheTextThrow() throws {
        var generator = SplitMix64(seed: 3)
        let (offsets, textLength) = Self.randomOffsets(count: 200, escapes: 5, generator: &generator)
        let tokens = try Self.stored(offsets, textLength: textLength / 2)
        #expect(throws: IndexError.self) { try tokens.decoded() }
        #expect(throws: IndexError.self) {
            try tokens.withCursor { cursor in
                try cursor.skip(to: 150)
                _ = try cursor.next()
            }
        }
    }
}
