#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-wise comparison, the order of every key in the index.
@inline(__always)
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let common = min(a.count, b.count)
    if common > 0 {
        let order = memcmp(a.baseAddress!, b.baseAddress!, common)
        if order != 0 { return Int(order) }
    }
    return a.count - b.count
}

/// `strings` in byte order of their UTF-8 (the index's order), faster than comparing `String.utf8` views.
func sortedByBytes(_ strings: some Collection<String>) -> [(string: String, bytes: [UInt8])] {
    strings.map { ($0, Array($0.utf8)) }.sorted { a, b in
        a.bytes.withUnsafeBytes { x in b.bytes.withUnsafeBytes { y in compareBytes(x, y) < 0 } }
    }
}

/// Writes a sorted string table (docs/FORMAT.md, "Sorted tables"): keys in strictly increasing byte
/// order, each with an opaque value, in prefix-compressed blocks of `blockSize` entries, followed by a
/// fixed-width index of the blocks' offsets and their first keys' first eight bytes, which readers
/// binary-search in place.
struct SortedTableWriter {
    private let file: OutputFile
    private let blockSize: Int
    private var block = ByteWriter(capacity: 4096)
    private var blockEntries = 0
    private var blockOffsets: [UInt64] = []
    private var blockPrefixes: [UInt64] = []
    private var previousKey: [UInt8] = []
    private(set) var entryCount = 0

    init(file: OutputFile, blockSize: Int = 16) {
        self.file = file
        self.blockSize = blockSize
    }

    mutating func add(key: [UInt8], value: [UInt8]) throws {
        let ordered = key.withUnsafeBytes { k in previousKey.withUnsafeBytes { p in compareBytes(p, k) < 0 } }
        precondition(entryCount == 0 || ordered, "sorted table keys must be strictly increasing")
        if blockEntries == blockSize { try flushBlock() }
        if blockEntries == 0 { blockPrefixes.append(key.withUnsafeBytes { SortedTable.prefix(of: $0) }) }
        var shared = 0
        if blockEntries > 0 {
            let limit = min(key.count, previousKey.count)
            while shared < limit && key[shared] == previousKey[shared] { shared += 1 }
        }
        block.vint(shared)
        block.vint(key.count - shared)
        block.append(key[shared...])
        block.vint(value.count)
        block.append(value)
        blockEntries += 1
        entryCount += 1
        previousKey = key
    }

    private mutating func flushBlock() throws {
        guard blockEntries > 0 else { return }
        blockOffsets.append(UInt64(file.position))
        var header = ByteWriter()
        header.vint(blockEntries)
        try file.write(header)
        try file.write(block)
        block.removeAll()
        blockEntries = 0
    }

    /// Writes the last block, the block index and the trailer. The caller finishes the file.
    mutating func finish() throws {
        try flushBlock()
        let indexOffset = file.position
        var index = ByteWriter(capacity: blockOffsets.count * 16 + 20)
        for offset in blockOffsets { index.u64(offset) }
        for prefix in blockPrefixes { index.u64(prefix) }
        index.u64(UInt64(indexOffset))
        index.u32(UInt32(blockOffsets.count))
        index.u64(UInt64(entryCount))
        try file.write(index)
    }
}

/// Reads a sorted table in place. Opening reads its 20-byte trailer and nothing else: the block index
/// is searched where it lies (a one-shot search opens three tables and looks up a few keys).
struct SortedTable: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
    let file: String
    let blockCount: Int
    let entryCount: Int
    private let indexOffset: Int
    /// Where the blocks' first-key prefixes start, after their offsets.
    private let prefixesOffset: Int
    private let body: Range<Int>

    static let trailerLength = 20

    init(bytes: UnsafeRawBufferPointer, file: String, body: Range<Int>) throws {
        self.bytes = bytes
        self.file = file
        self.body = body
        var trailer = ByteReader(bytes, file: file, offset: body.upperBound - Self.trailerLength, end: body.upperBound)
        guard body.count >= Self.trailerLength else { throw trailer.corrupt("sorted table shorter than its trailer") }
        let indexOffset = try trailer.u64()
        let blockCount = try trailer.u32()
        let entryCount = try trailer.u64()
        guard indexOffset >= UInt64(body.lowerBound),
              indexOffset + UInt64(blockCount) * 16 + UInt64(Self.trailerLength) == UInt64(body.upperBound),
              entryCount >= UInt64(blockCount), entryCount <= UInt64(body.count)
        else { throw IndexError.corrupt(file: file, reason: "sorted table trailer does not match the file's length") }
        self.indexOffset = Int(indexOffset)
        self.blockCount = Int(blockCount)
        self.entryCount = Int(entryCount)
        prefixesOffset = self.indexOffset + self.blockCount * 8
    }

    /// A key's first eight bytes as a big-endian integer, zero-padded: if a's is below b's, a is below
    /// b. The block index holds each block's first key's, so that a lookup's binary search compares
    /// integers and reads a key from a block only on a tie.
    @inline(__always)
    static func prefix(of key: UnsafeRawBufferPointer) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<8 { value = value << 8 | UInt64(index < key.count ? key[index] : 0) }
        return value
    }

    /// The stored prefix of a block's first key. A damaged one misdirects a lookup, which then finds
    /// nothing; `verify` compares each with its block's key.
    @inline(__always)
    private func firstKeyPrefix(ofBlock block: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: prefixesOffset &+ block &* 8, as: UInt64.self))
    }

    /// Checks that the block index's prefixes are those of the blocks' first keys (`fts verify`).
    func verifyBlockIndex() throws {
        for block in 0..<blockCount {
            guard try firstKey(ofBlock: block, { Self.prefix(of: $0) }) == firstKeyPrefix(ofBlock: block) else {
                throw IndexError.corrupt(file: file, reason: "block \(block)'s first-key prefix differs from its first key")
            }
        }
    }

    private func blockOffset(_ block: Int) throws -> Int {
        // Compared before converting: a damaged offset may not even fit an Int.
        let stored = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: indexOffset + block * 8, as: UInt64.self))
        let offset = Int(truncatingIfNeeded: stored)
        guard stored >= UInt64(body.lowerBound) && stored < UInt64(indexOffset) else {
            throw IndexError.corrupt(file: file, reason: "block \(block) starts outside the table")
        }
        return offset
    }

    /// Decodes the VInt at `offset` (before `end`), moving past it: lookups decode in place, with one
    /// bounds check a byte.
    @inline(__always)
    private func vint(at offset: inout Int, end: Int, block: Int) throws -> Int {
        // Nearly every VInt of a block (lengths, shared prefixes) is one byte.
        if offset < end, bytes[offset] < 0x80 {
            offset &+= 1
            return Int(bytes[offset &- 1])
        }
        var result = 0, shift = 0
        while true {
            guard offset < end, shift < 63 else { throw IndexError.corrupt(file: file, reason: "block \(block) is truncated") }
            let byte = bytes[offset]
            offset += 1
            result |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// Calls `body` with the first key of a block (stored whole: its shared length is 0), read in place.
    private func firstKey<Result>(ofBlock block: Int, _ body: (UnsafeRawBufferPointer) -> Result) throws -> Result {
        var offset = try blockOffset(block)
        let end = indexOffset
        _ = try vint(at: &offset, end: end, block: block)
        guard try vint(at: &offset, end: end, block: block) == 0 else {
            throw IndexError.corrupt(file: file, reason: "first key of block \(block) shares a prefix")
        }
        let length = try vint(at: &offset, end: end, block: block)
        guard length <= end - offset else { throw IndexError.corrupt(file: file, reason: "block \(block) is truncated") }
        return body(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]))
    }

    /// The last block whose first key is ≤ `key`, or nil when `key` precedes every key.
    private func block(for key: UnsafeRawBufferPointer) throws -> Int? {
        let target = Self.prefix(of: key)
        var low = 0, high = blockCount - 1, found: Int?
        while low <= high {
            let middle = (low + high) / 2
            let prefix = firstKeyPrefix(ofBlock: middle)
            let order = prefix != target ? (prefix < target ? -1 : 1) : try firstKey(ofBlock: middle) { compareBytes($0, key) }
            if order <= 0 {
                found = middle
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return found
    }

    /// The entry at `offset` (moved past it): how many bytes its key shares with the one before, where
    /// the rest of its key and its value lie, both checked to end within the blocks.
    private func entry(at offset: inout Int, block: Int) throws -> (shared: Int, suffix: Range<Int>, value: Range<Int>) {
        let end = indexOffset
        let shared = try vint(at: &offset, end: end, block: block)
        let suffixLength = try vint(at: &offset, end: end, block: block)
        guard suffixLength <= end &- offset else { throw IndexError.corrupt(file: file, reason: "block \(block) has a malformed entry") }
        let suffix = Range(uncheckedBounds: (offset, offset &+ suffixLength))
        offset &+= suffixLength
        let valueLength = try vint(at: &offset, end: end, block: block)
        guard valueLength <= end &- offset else { throw IndexError.corrupt(file: file, reason: "block \(block) is truncated") }
        let value = Range(uncheckedBounds: (offset, offset &+ valueLength))
        offset &+= valueLength
        return (shared, suffix, value)
    }

    /// The value of `key`, found without rebuilding the block's keys: keys increase and each shares
    /// exactly `shared` bytes with the one before, so comparing with the target only needs how much of
    /// it the previous key matched. Entries are decoded in place.
    func value(for key: [UInt8]) throws -> UnsafeRawBufferPointer? {
        try key.withUnsafeBytes { try value(for: $0) }
    }

    func value(for target: UnsafeRawBufferPointer) throws -> UnsafeRawBufferPointer? {
        guard let block = try block(for: target) else { return nil }
        var offset = try blockOffset(block)
        let end = indexOffset
        let entries = try vint(at: &offset, end: end, block: block)
        guard entries > 0 else { throw IndexError.corrupt(file: file, reason: "block \(block) is empty") }
        // The previous key is below the target and shares its first `matched` bytes. The arithmetic
        // wraps: every length is checked against the block's end before it is added.
        var matched = 0
        var previousLength = 0
        // Entries decoded here rather than by `entry(at:block:)`: the call (never inlined) costs a
        // prefix query's thousand lookups 5% more instructions.
        for _ in 0..<entries {
            let shared = try vint(at: &offset, end: end, block: block)
            let suffixLength = try vint(at: &offset, end: end, block: block)
            guard shared <= previousLength, suffixLength <= end &- offset else {
                throw IndexError.corrupt(file: file, reason: "block \(block) has a malformed entry")
            }
            let suffix = offset
            offset &+= suffixLength
            let valueLength = try vint(at: &offset, end: end, block: block)
            guard valueLength <= end &- offset else { throw IndexError.corrupt(file: file, reason: "block \(block) is truncated") }
            let value = offset
            offset &+= valueLength
            previousLength = shared &+ suffixLength
            // Sharing less than the previous key matched: this key is past the target.
            if shared < matched { return nil }
            // Sharing more: this key differs from the target where the previous one did, and is below it.
            if shared > matched { continue }
            let rest = target.count &- matched
            let limit = min(suffixLength, rest)
            var common = 0
            while common < limit && bytes[suffix &+ common] == target[matched &+ common] { common &+= 1 }
            if common == limit {
                if suffixLength == rest { return UnsafeRawBufferPointer(rebasing: bytes[value..<(value + valueLength)]) }
                // The target is a prefix of this key: the key is past it.
                if suffixLength > rest { return nil }
            } else if bytes[suffix &+ common] > target[matched &+ common] {
                return nil
            }
            matched &+= common
        }
        return nil
    }

    /// Calls `body` with the index and the value of each of `targets` (in increasing byte order) the
    /// table holds, in that order. The search for each target goes on from where the one before ended
    /// (a prefix's expansions are neighbours in the table) and jumps by the blocks' first keys only at
    /// the end of a block: no target costs more than a block's entries, and neighbours cost one each.
    func forEachValue(ofSorted count: Int, _ targets: (Int) -> UnsafeRawBufferPointer,
                      _ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        var capacity = 64
        var key = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { key.deallocate() }
        let end = indexOffset
        var target = 0
        var block = -1, entries = 0, entry = 0, offset = 0, length = 0
        while target < count {
            if entry == entries {
                // Past this block's keys: the target is in a later block, or in none.
                guard let next = try self.block(for: targets(target)), next > block else {
                    target += 1
                    continue
                }
                block = next
                offset = try blockOffset(block)
                entries = try vint(at: &offset, end: end, block: block)
                guard entries > 0 else { throw IndexError.corrupt(file: file, reason: "block \(block) is empty") }
                entry = 0
                length = 0
            }
            let shared = try vint(at: &offset, end: end, block: block)
            let suffixLength = try vint(at: &offset, end: end, block: block)
            guard shared <= length, suffixLength <= end &- offset else {
                throw IndexError.corrupt(file: file, reason: "block \(block) has a malformed entry")
            }
            if capacity < shared &+ suffixLength {
                let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(shared &+ suffixLength, 2 * capacity))
                grown.update(from: key, count: shared)
                key.deallocate()
                key = grown
                capacity = max(shared &+ suffixLength, 2 * capacity)
            }
            for index in 0..<suffixLength { key[shared &+ index] = bytes[offset &+ index] }
            offset &+= suffixLength
            length = shared &+ suffixLength
            let valueLength = try vint(at: &offset, end: end, block: block)
            guard valueLength <= end &- offset else { throw IndexError.corrupt(file: file, reason: "block \(block) is truncated") }
            let value = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + valueLength)])
            offset &+= valueLength
            entry += 1
            let current = UnsafeRawBufferPointer(start: key, count: length)
            // Targets up to this key are settled: found at it, or absent (it is past them).
            while target < count {
                let order = compareBytes(current, targets(target))
                if order < 0 { break }
                if order == 0 { try body(target, value) }
                target += 1
            }
        }
    }

    /// Calls `body` with the entries in key order: each one's key (valid for the call), how many of its
    /// first bytes it shares with the key before, and its value. `body` returns a length: the entries
    /// after it that share at least that many bytes with it are skipped (`Int.max` skips none), as a
    /// walk down a trie leaves a branch. Decoded in place with no array per key, and a skipped entry
    /// only has its lengths read: a walk over a whole table (a fuzzy query's) is cheap.
    func forEachEntry(_ body: (_ key: UnsafeRawBufferPointer, _ shared: Int, _ value: UnsafeRawBufferPointer) throws -> Int) throws {
        var capacity = 64
        var key = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { key.deallocate() }
        let end = indexOffset
        // The key last given to `body`. The bytes of the entries skipped since are not copied: past the
        // first `skipping`, which they all share, the buffer holds the given key's.
        var length = 0
        var skipping = Int.max
        for block in 0..<blockCount {
            // When the next block's first key starts with the bytes skipped, so does every key of this
            // block: it is passed over unread.
            if skipping <= 8 && block + 1 < blockCount && firstKey(ofBlock: block + 1, startsWith: key, count: skipping) { continue }
            var offset = try blockOffset(block)
            let entries = try vint(at: &offset, end: end, block: block)
            for entry in 0..<entries {
                var (shared, suffix, value) = try self.entry(at: &offset, block: block)
                guard shared <= (entry == 0 ? 0 : length) || (shared >= skipping && entry > 0) else {
                    throw IndexError.corrupt(file: file, reason: "block \(block) has a malformed entry")
                }
                // A block's first key is stored whole: what it shares with the key before is found by
                // comparing (with the buffer's bytes: where they are stale, the key is skipped either way).
                if entry == 0 {
                    let limit = min(length, suffix.count)
                    while shared < limit && key[shared] == bytes[suffix.lowerBound &+ shared] { shared &+= 1 }
                }
                if shared >= skipping { continue }
                // The bytes past the shared ones: all of a later entry's suffix, the rest of a first key.
                let copied = (entry == 0 ? suffix.lowerBound &+ shared : suffix.lowerBound)..<suffix.upperBound
                length = shared &+ copied.count
                if capacity < length {
                    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(length, 2 * capacity))
                    grown.update(from: key, count: shared)
                    key.deallocate()
                    key = grown
                    capacity = max(length, 2 * capacity)
                }
                for index in copied { key[shared &+ index &- copied.lowerBound] = bytes[index] }
                skipping = try body(UnsafeRawBufferPointer(start: key, count: length), shared, UnsafeRawBufferPointer(rebasing: bytes[value]))
            }
        }
    }

    /// Whether a block's first key starts with the `count` (1 to 8) bytes at `key`, from the first
    /// eight bytes kept in memory. Those are zero-padded: a prefix holding a 0 byte says no.
    private func firstKey(ofBlock block: Int, startsWith key: UnsafePointer<UInt8>, count: Int) -> Bool {
        var value: UInt64 = 0
        for index in 0..<count {
            guard key[index] != 0 else { return false }
            value = value << 8 | UInt64(key[index])
        }
        return firstKeyPrefix(ofBlock: block) >> UInt64(64 - 8 * count) == value
    }

    /// A cursor on the first entry whose key is ≥ `key`.
    func seek(atLeast key: [UInt8]) throws -> Cursor {
        let start = try key.withUnsafeBytes { try block(for: $0) } ?? 0
        var cursor = try Cursor(table: self, block: start)
        try cursor.skip(below: key)
        return cursor
    }

    func cursor() throws -> Cursor { try Cursor(table: self, block: 0) }

    /// Walks entries in key order. `next()` returns each entry's value; `key` holds its key.
    struct Cursor {
        let table: SortedTable
        private var block: Int
        private var reader: ByteReader
        private var left = 0
        private(set) var key: [UInt8] = []
        private var pending: UnsafeRawBufferPointer?

        init(table: SortedTable, block: Int) throws {
            self.table = table
            self.block = block
            reader = ByteReader(table.bytes, file: table.file, offset: 0, end: table.indexOffset)
            try enter(block)
        }

        private mutating func enter(_ block: Int) throws {
            self.block = block
            guard block < table.blockCount else {
                left = 0
                return
            }
            reader.offset = try table.blockOffset(block)
            left = try reader.vint(max: 1 << 20)
            guard left > 0 else { throw reader.corrupt("empty block") }
        }

        mutating func next() throws -> UnsafeRawBufferPointer? {
            if let entry = pending {
                pending = nil
                return entry
            }
            if left == 0 {
                guard block + 1 < table.blockCount else { return nil }
                try enter(block + 1)
            }
            let shared = try reader.vint(max: key.count)
            let suffix = try reader.bytes(try reader.vint(max: reader.remaining))
            key.removeSubrange(shared...)
            key.append(contentsOf: suffix)
            let value = try reader.bytes(try reader.vint(max: reader.remaining))
            left -= 1
            return value
        }

        /// Moves past entries below `target`, leaving the first entry ≥ `target` to the next `next()`.
        mutating func skip(below target: [UInt8]) throws {
            while let value = try next() {
                let below = target.withUnsafeBytes { t in key.withUnsafeBytes { compareBytes($0, t) < 0 } }
                if !below {
                    pending = value
                    return
                }
            }
        }
    }
}
