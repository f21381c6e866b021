/// Positions of one word in one document, in a buffer that grows but is never an array: phrase
/// matching runs per candidate document, where arrays' allocation, uniqueness checks and reference
/// counting were most of the cost. Its owner calls `deallocate`.
struct PositionBuffer {
    private(set) var base: UnsafeMutablePointer<UInt32>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 64) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    /// Room for `needed` positions; the content is not kept.
    mutating func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        base.deallocate()
        capacity = max(needed, capacity * 2)
        base = .allocate(capacity: capacity)
    }

    var positions: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: base, count: count) }

    func deallocate() { base.deallocate() }
}
