#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open-addressing hash map from a word's raw UTF-8 bytes to its analysis, so that the expensive
/// steps (lower-casing, stemming, folding) run once per distinct spelling, not once per occurrence.
/// Keys of up to 16 bytes (nearly every word) are held inline in their entry and compared as two
/// integers; longer ones live in a byte arena. A lookup allocates nothing.
struct WordCache<Value> {
    struct Key {
        var hash: UInt64
        var head: UInt64
        var tail: UInt64
        var length: Int
    }

    /// 56 bytes with a value of two strings: a hit reads one or two cache lines. The hash is not kept:
    /// growing the table computes it again.
    private struct Entry {
        var head: UInt64
        var tail: UInt64
        var length: Int32
        /// Where a key of over 16 bytes starts in `arena` (under 2^30 before a text, which adds fewer
        /// bytes than it holds, at most 2^31).
        var offset: UInt32
        var value: Value
    }

    private var slots: [Int32]
    /// Values sit in their entry: a hit touches one slot and one entry.
    private var entries: [Entry] = []
    private var arena: [UInt8] = []
    private let limit: Int
    /// Bumped each time the cache starts afresh: entry numbers are stable within a generation.
    private(set) var generation = 0

    /// `limit` bounds memory: past that many distinct words the cache starts afresh (between texts).
    init(limit: Int = 1 << 18) {
        self.limit = limit
        slots = Array(repeating: -1, count: 1 << 12)
    }

    var count: Int { entries.count }

    /// The key of the word at `range` of `text`. The loads may read past the word, within `text`, and
    /// mask what they read there: a short word costs one load, not a byte loop.
    static func key(_ text: UnsafeRawBufferPointer, _ range: Range<Int>) -> Key {
        let count = range.count
        let head = Bytes.load(text, range.lowerBound, end: range.upperBound)
        let tail = count > 8 ? Bytes.load(text, range.lowerBound + 8, end: range.upperBound) : 0
        var hash = firstHash(head: head, tail: tail, count: count)
        var offset = range.lowerBound + 16
        while offset < range.upperBound {
            hash = mix(hash ^ 0x8EBC_6AF0_9C88_C6E3, Bytes.load(text, offset, end: range.upperBound) ^ 0x5899_65CC_7537_4CC3)
            offset += 8
        }
        return Key(hash: hash, head: head, tail: tail, length: count)
    }

    /// The hash of a key of at most 16 bytes, and where a longer key's starts.
    @inline(__always)
    private static func firstHash(head: UInt64, tail: UInt64, count: Int) -> UInt64 {
        // Both operands of each multiplication must be full-width: `tail` is 0 for short words, and a
        // small multiplier would leave the low bits (the slot) to the first letters alone.
        mix(head ^ 0xA076_1D64_78BD_642F, tail ^ 0xE703_7ED1_A0B4_28DB ^ UInt64(count))
    }

    @inline(__always)
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b | 1)
        return product.high ^ product.low
    }

    /// The value and its entry number (stable until the cache starts afresh).
    func value(for key: Key, bytes: UnsafeRawBufferPointer) -> (value: Value, index: Int)? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: key.hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                while true {
                    let index = Int(slots[slot])
                    if index < 0 { return nil }
                    // Keys are compared in place: copying the entry would retain its value's strings.
                    let candidate = entries.baseAddress! + index
                    if candidate.pointee.head == key.head && Int(candidate.pointee.length) == key.length
                        && candidate.pointee.tail == key.tail
                        && (key.length <= 16 || arena.withUnsafeBytes { arena in
                            memcmp(arena.baseAddress! + Int(candidate.pointee.offset), bytes.baseAddress!, key.length) == 0
                        }) {
                        return (candidate.pointee.value, index)
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// Inserts and returns the new entry's number.
    mutating func insert(_ value: Value, for key: Key, bytes: UnsafeRawBufferPointer) -> Int {
        if (entries.count + 1) * 2 > slots.count { grow() }
        entries.append(Entry(head: key.head, tail: key.tail, length: Int32(key.length), offset: UInt32(arena.count), value: value))
        if key.length > 16 { arena.append(contentsOf: bytes) }
        place(index: entries.count - 1, hash: key.hash)
        return entries.count - 1
    }

    private mutating func place(index: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index)
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for index in entries.indices {
            let entry = entries[index]
            let length = Int(entry.length)
            let hash = length <= 16
                ? Self.firstHash(head: entry.head, tail: entry.tail, count: length)
                : arena.withUnsafeBytes { Self.key($0, Int(entry.offset)..<Int(entry.offset) + length).hash }
            place(index: index, hash: hash)
        }
    }

    /// Empties the cache once it holds `limit` words (or a gigabyte of long ones). Called between texts,
    /// never during one, so that entry numbers stay valid for a whole text.
    mutating func startAfreshIfFull() {
        if entries.count >= limit || arena.count >= 1 << 30 { removeAll() }
    }

    private mutating func removeAll() {
        slots = Array(repeating: -1, count: 1 << 12)
        entries.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
        generation += 1
    }
}
