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

    private struct Entry {
        var key: Key
        var offset: Int
    }

    private var slots: [Int32]
    private var entries: [Entry] = []
    private var values: [Value] = []
    private var arena: [UInt8] = []
    private let limit: Int

    /// `limit` bounds memory: past that many distinct words the cache starts afresh.
    init(limit: Int = 1 << 18) {
        self.limit = limit
        slots = Array(repeating: -1, count: 1 << 12)
    }

    var count: Int { values.count }

    static func key(_ bytes: UnsafeRawBufferPointer) -> Key {
        let count = bytes.count
        let head = Bytes.load(bytes, 0, end: count)
        let tail = count > 8 ? Bytes.load(bytes, 8, end: count) : 0
        var hash = mix(head ^ 0x9E37_79B9_7F4A_7C15, tail ^ UInt64(count))
        var offset = 16
        while offset < count {
            hash = mix(hash, Bytes.load(bytes, offset, end: count) ^ 0xA076_1D64_78BD_642F)
            offset += 8
        }
        return Key(hash: hash, head: head, tail: tail, length: count)
    }

    @inline(__always)
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b | 1)
        return product.high ^ product.low
    }

    func value(for key: Key, bytes: UnsafeRawBufferPointer) -> Value? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: key.hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                while true {
                    let index = Int(slots[slot])
                    if index < 0 { return nil }
                    let entry = entries[index]
                    if entry.key.hash == key.hash && entry.key.length == key.length && entry.key.head == key.head
                        && entry.key.tail == key.tail
                        && (key.length <= 16 || arena.withUnsafeBytes { arena in
                            memcmp(arena.baseAddress! + entry.offset, bytes.baseAddress!, key.length) == 0
                        }) {
                        return values[index]
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    mutating func insert(_ value: Value, for key: Key, bytes: UnsafeRawBufferPointer) {
        if values.count >= limit { removeAll() }
        if (values.count + 1) * 2 > slots.count { grow() }
        entries.append(Entry(key: key, offset: arena.count))
        if key.length > 16 { arena.append(contentsOf: bytes) }
        values.append(value)
        place(index: values.count - 1, hash: key.hash)
    }

    private mutating func place(index: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index)
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for index in entries.indices { place(index: index, hash: entries[index].key.hash) }
    }

    private mutating func removeAll() {
        slots = Array(repeating: -1, count: 1 << 12)
        entries.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
    }
}
