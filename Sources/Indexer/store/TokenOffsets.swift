/// Where each token of a text stands in its UTF-8 bytes, by position: what snippets highlight from,
/// without analysing the text again (as Lucene's highlighters do with offsets in the index). Built
/// while indexing, stored after the fields of a record (docs/FORMAT.md, "store.fts").
public struct TokenOffsets: Sendable, Equatable {
    /// `start, end` of token `i` at `2i` and `2i + 1`, increasing and not overlapping.
    public private(set) var bounds: [UInt32]

    public init(bounds: [UInt32] = []) { self.bounds = bounds }

    public var count: Int { bounds.count / 2 }

    public subscript(position: Int) -> Range<Int> { Int(bounds[2 * position])..<Int(bounds[2 * position + 1]) }

    /// Adds the next token. A range that would overlap the previous one (the analyser never makes one)
    /// is clipped to start where it ended, so that the stored form stays increasing.
    mutating func append(_ range: Range<Int>) {
        let previousEnd = bounds.last ?? 0
        let start = max(UInt32(clamping: range.lowerBound), previousEnd)
        bounds.append(start)
        bounds.append(max(UInt32(clamping: range.upperBound), start))
    }

    /// Tokens in a stride: the stored form says where each stride after the first starts, so that a
    /// snippet deep in a long text skips to its tokens without walking those before.
    static let stride = 128

    /// `VInt count`, `VInt tableLength`, the stride table, then the tokens. A token is one byte
    /// `gap << 5 | length` (gap = start - previousEnd ≤ 7, length = end - start ≤ 30: nearly every
    /// word), else 0xFF, `VInt gap`, `VInt length`. The table has an entry per stride of 128 tokens that
    /// more tokens follow: `VInt bytes` (its tokens' encoded length) and `VInt advance` (the last end
    /// of its tokens minus that of the stride before, 0 before the first).
    func encode(into writer: inout ByteWriter) {
        writer.vint(count)
        var tokens = ByteWriter(capacity: count + 8)
        var table = ByteWriter()
        var previousEnd: UInt32 = 0
        var strideStart = (bytes: 0, end: UInt32(0))
        for index in 0..<count {
            if index > 0 && index % Self.stride == 0 {
                table.vint(tokens.count - strideStart.bytes)
                table.vint(UInt64(previousEnd - strideStart.end))
                strideStart = (tokens.count, previousEnd)
            }
            let gap = bounds[2 * index] - previousEnd, length = bounds[2 * index + 1] - bounds[2 * index]
            if gap <= 7 && length <= 30 {
                tokens.u8(UInt8(gap << 5 | length))
            } else {
                tokens.u8(0xFF)
                tokens.vint(UInt64(gap))
                tokens.vint(UInt64(length))
            }
            previousEnd = bounds[2 * index + 1]
        }
        writer.vint(table.count)
        writer.append(table.bytes)
        writer.append(tokens.bytes)
    }
}

/// A stored text's token offsets as the store holds them, decoded on demand: a snippet reads the
/// ranges of its matches and of the tokens around its passage, and skips the others eight at a time.
public struct StoredTokens: Sendable {
    /// Tokens in the text.
    public let count: Int
    /// The stride table at `source[table..<start]`, the encoded tokens at `source[start..<end]`, in a
    /// text of `textLength` bytes.
    private let source: [UInt8]
    private let table: Int
    private let start: Int
    private let end: Int
    private let textLength: Int
    private let file: String

    /// Reads the count and the stride table's length at the reader's offset; the table and the tokens
    /// after them are read only when asked for.
    init(source: [UInt8], reader: inout ByteReader, textLength: Int) throws {
        count = try reader.vint(max: textLength)
        let tableLength = try reader.vint(max: reader.remaining)
        self.source = source
        table = reader.offset
        start = table + tableLength
        end = reader.end
        self.textLength = textLength
        file = reader.file
    }

    /// Calls `body` with a reader at the first token, valid for the length of the call.
    public func withCursor<Result>(_ body: (inout Cursor) throws -> Result) rethrows -> Result {
        try source.withUnsafeBytes { source in
            var cursor = Cursor(source: source, table: table, start: start, end: end, count: count, textLength: textLength, file: file)
            return try body(&cursor)
        }
    }

    /// Every token's range, checked against the text and the stride table.
    public func decoded() throws -> TokenOffsets {
        var bounds: [UInt32] = []
        bounds.reserveCapacity(2 * count)
        try withCursor { cursor in
            while true {
                try cursor.checkStride()
                guard let range = try cursor.next() else { break }
                bounds.append(UInt32(range.lowerBound))
                bounds.append(UInt32(range.upperBound))
            }
            try cursor.checkTableEnd()
        }
        return TokenOffsets(bounds: bounds)
    }

    /// Reads the tokens in order. Every token read must lie within the text: a damaged record throws.
    public struct Cursor {
        private let source: UnsafeRawBufferPointer
        private let start: Int
        private let end: Int
        private let count: Int
        private let textLength: Int
        private let file: String
        /// The position of the token `next()` returns.
        public private(set) var position = 0
        private var previousEnd = 0
        private var offset: Int
        /// The next unread entry of the stride table, and where the stride it ends with stands.
        private var tableOffset: Int
        private var stride = (position: 0, offset: 0, previousEnd: 0)

        fileprivate init(source: UnsafeRawBufferPointer, table: Int, start: Int, end: Int, count: Int, textLength: Int, file: String) {
            self.source = source
            tableOffset = table
            self.start = start
            offset = start
            stride.offset = start
            self.end = end
            self.count = count
            self.textLength = textLength
            self.file = file
        }

        private func corrupt(_ reason: String) -> IndexError {
            .corrupt(file: file, reason: "\(reason) (token offsets at byte \(offset))")
        }

        /// The range of the token at `position`, then moves past it; nil after the last.
        public mutating func next() throws -> Range<Int>? {
            guard position < count else { return nil }
            let token = try advance()
            return token.start..<token.stop
        }

        /// Reads the token at `position` (there is one), checked against the text, and moves past it.
        @inline(__always)
        private mutating func advance() throws -> (start: Int, stop: Int) {
            guard offset < end, previousEnd <= textLength else { throw corrupt("token offsets run past the record or the text") }
            let code = source[offset]
            offset += 1
            let start: Int, stop: Int
            if code == 0xFF {
                var reader = ByteReader(source, file: file, offset: offset, end: end)
                start = previousEnd + (try reader.vint(max: textLength - previousEnd))
                stop = start + (try reader.vint(max: textLength - start))
                offset = reader.offset
            } else {
                start = previousEnd + Int(code >> 5)
                stop = start + Int(code & 0x1F)
            }
            guard stop <= textLength else { throw corrupt("token offsets past the end of the text") }
            previousEnd = stop
            position += 1
            return (start, stop)
        }

        /// Writes `start, end` of the tokens from the current one on to `output`, up to the last one
        /// that starts at most `budget` bytes after token `anchor` does and the one after it (to the last
        /// token when `anchor` is past it), or until `output` is full: the tokens of a snippet's
        /// passage and where the text after it goes on, read in one loop. Returns how many values it
        /// wrote (two a token); the cursor is then past the last token it wrote.
        public mutating func read(into output: UnsafeMutableBufferPointer<UInt32>, through anchor: Int, budget: Int) throws -> Int {
            guard let base = output.baseAddress else { return 0 }
            var limit = Int.max
            var written = 0
            // Held in locals, as in `skip`; the arithmetic wraps, bounded by the record and the output.
            var position = self.position, offset = self.offset, previousEnd = self.previousEnd
            defer { (self.position, self.offset, self.previousEnd) = (position, offset, previousEnd) }
            while position < count && written &+ 2 <= output.count {
                // Eight one-byte tokens from one word, when the record, the output and the text have
                // room for them all: a one-byte token ends at most 37 bytes after the one before.
                if count &- position >= 8 && end &- offset >= 8 && output.count &- written >= 16 && textLength &- previousEnd >= 8 * 37 {
                    var word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    if !Self.hasEscape(word) {
                        for _ in 0..<8 {
                            let code = Int(truncatingIfNeeded: word & 0xFF)
                            word >>= 8
                            let start = previousEnd &+ (code >> 5), stop = start &+ (code & 0x1F)
                            previousEnd = stop
                            offset &+= 1
                            position &+= 1
                            base[written] = UInt32(truncatingIfNeeded: start)
                            base[written &+ 1] = UInt32(truncatingIfNeeded: stop)
                            written &+= 2
                            // The token after the passage's, written too.
                            guard start <= limit else { return written }
                            if position == anchor &+ 1 { limit = start &+ budget }
                        }
                        continue
                    }
                }
                (self.position, self.offset, self.previousEnd) = (position, offset, previousEnd)
                let token = try advance()
                (position, offset, previousEnd) = (self.position, self.offset, self.previousEnd)
                base[written] = UInt32(truncatingIfNeeded: token.start)
                base[written &+ 1] = UInt32(truncatingIfNeeded: token.stop)
                written &+= 2
                guard token.start <= limit else { break }
                if position == anchor &+ 1 { limit = token.start &+ budget }
            }
            return written
        }

        /// Reads the stride table's next entry: where the next stride starts.
        private mutating func readStride() throws {
            var reader = ByteReader(source, file: file, offset: tableOffset, end: start)
            let bytes = try reader.vint(max: end - stride.offset)
            let advance = try reader.vint(max: textLength - stride.previousEnd)
            tableOffset = reader.offset
            stride = (stride.position + TokenOffsets.stride, stride.offset + bytes, stride.previousEnd + advance)
        }

        /// Moves forward to the token at `target` (at most `count`) without returning the ones before:
        /// to the start of its stride from the table, then up to eight one-byte tokens at a time (their
        /// gaps and lengths add up in one word; the last step masks off the bytes past the target).
        public mutating func skip(to target: Int) throws {
            let target = min(target, count)
            if target - position >= TokenOffsets.stride {
                while stride.position + TokenOffsets.stride <= target && tableOffset < start { try readStride() }
                if stride.position > position {
                    (position, offset, previousEnd) = stride
                }
            }
            // Held in locals, so the loop keeps them in registers; written back before `next` reads them.
            // The arithmetic wraps: offsets and ends are bounded by the record, far from overflowing.
            var position = self.position, offset = self.offset, previousEnd = self.previousEnd
            let lastWord = end &- 8
            while position < target {
                // Whole words of eight one-byte tokens.
                while target &- position >= 8 && offset <= lastWord {
                    let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    guard !Self.hasEscape(word) else { break }
                    previousEnd &+= Self.advance(word)
                    offset &+= 8
                    position &+= 8
                }
                guard position < target else { break }
                // The last step, under eight tokens: the bytes past the target masked off (a masked byte is
                // 0: no gap, no length, and no escape).
                if target &- position < 8 && offset <= lastWord {
                    let step = target &- position
                    let word = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                        & ((1 &<< (UInt64(truncatingIfNeeded: step) &* 8)) &- 1)
                    if !Self.hasEscape(word) {
                        previousEnd &+= Self.advance(word)
                        offset &+= step
                        position &+= step
                        break
                    }
                }
                // One token: a one-byte one read here, an escaped one (or the end of the record) by `next`.
                if offset < end && source[offset] != 0xFF {
                    let code = source[offset]
                    previousEnd &+= Int(code >> 5) &+ Int(code & 0x1F)
                    offset &+= 1
                    position &+= 1
                } else {
                    (self.position, self.offset, self.previousEnd) = (position, offset, previousEnd)
                    _ = try next()
                    (position, offset, previousEnd) = (self.position, self.offset, self.previousEnd)
                }
            }
            (self.position, self.offset, self.previousEnd) = (position, offset, previousEnd)
        }

        /// Whether one of the word's bytes is 0xFF (an escaped token).
        @inline(__always)
        private static func hasEscape(_ word: UInt64) -> Bool {
            (~word &- 0x0101_0101_0101_0101) & word & 0x8080_8080_8080_8080 != 0
        }

        /// The gaps and lengths of the word's eight one-byte tokens, added up: eight gaps ≤ 56 and eight
        /// lengths ≤ 248 each fit in a byte of the horizontal sums.
        @inline(__always)
        private static func advance(_ word: UInt64) -> Int {
            let gaps = (word >> 5) & 0x0707_0707_0707_0707, lengths = word & 0x1F1F_1F1F_1F1F_1F1F
            return Int(truncatingIfNeeded: (gaps &* 0x0101_0101_0101_0101) >> 56) &+ Int(truncatingIfNeeded: (lengths &* 0x0101_0101_0101_0101) >> 56)
        }

        /// At a stride's first token (reading every token in order), checks that the table says the
        /// same of where it starts.
        fileprivate mutating func checkStride() throws {
            guard position > 0 && position % TokenOffsets.stride == 0 && position < count else { return }
            guard tableOffset < start else { throw corrupt("stride table shorter than the tokens") }
            try readStride()
            guard stride.position == position && stride.offset == offset && stride.previousEnd == previousEnd else {
                throw corrupt("stride table does not match the tokens")
            }
        }

        /// After the last token: the table holds nothing more.
        fileprivate func checkTableEnd() throws {
            guard tableOffset == start else { throw corrupt("stride table longer than the tokens") }
        }
    }
}
