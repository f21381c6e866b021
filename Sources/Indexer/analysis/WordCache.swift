#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open-addressing hash map from a word's raw UTF-8 bytes to its analysis, so that the expensive
/// steps (lower-casing, stemming, folding) run once per distinct spelling, not once per occurrence.
/// Keys live in one byte arena: a lookup allocates nothing.
struct WordCache<Value> {
    private struct Entry {
        var hash: UInt64
        var offset: Int32
        var length: Int32
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

    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    func value(for key: UnsafeRawBufferPointer, hash: UInt64) -> Value? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                arena.withUnsafeBytes { arena in
                    while true {
                        let index = Int(slots[slot])
                        if index < 0 { return nil }
                        let entry = entries[index]
                        if entry.hash == hash, Int(entry.length) == key.count,
                           key.count == 0 || memcmp(arena.baseAddress! + Int(entry.offset), key.baseAddress!, key.count) == 0 {
                            return values[index]
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    mutating func insert(_ value: Value, for key: UnsafeRawBufferPointer, hash: UInt64) {
        if values.count >= limit { removeAll() }
        if (values.count + 1) * 2 > slots.count { grow() }
        entries.append(Entry(hash: hash, offset: Int32(arena.count), length: Int32(key.count)))
        arena.append(contentsOf: key)
        values.append(value)
        place(index: values.count - 1, hash: hash)
    }

    private mutating func place(index: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(index)
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for index in entries.indices { place(index: index, hash: entries[index].hash) }
    }

    private mutating func removeAll() {
        slots = Array(repeating: -1, count: 1 << 12)
        entries.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        arena.removeAll(keepingCapacity: true)
    }
}
