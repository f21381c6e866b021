import Foundation

/// Values worked out once for an open index (a `Searcher`'s) and kept, shared by its threads: what
/// completions find again at every key a user types. At most `capacity` values; past it, the cache
/// starts afresh (cheaper than tracking use, and bounded).
final class BoundedCache<Key: Hashable & Sendable, Value>: @unchecked Sendable {
    let capacity: Int
    private let lock = NSLock()
    private var values: [Key: Value] = [:]

    init(capacity: Int) { self.capacity = capacity }

    /// The value kept for `key`, or `make`'s, then kept. `make` runs outside the lock: two threads may
    /// both make a missing value, and either is kept.
    func value(for key: Key, _ make: () throws -> Value) rethrows -> Value {
        if let found = lock.withLock({ values[key] }) { return found }
        let made = try make()
        lock.withLock {
            if values.count >= capacity { values.removeAll(keepingCapacity: true) }
            values[key] = made
        }
        return made
    }
}
