/// What a `TopKeeper` keeps: an order in which the best come first.
protocol Ranked {
    func ranksBefore(_ other: Self) -> Bool
}

/// A scored document.
struct ScoredDocument: Equatable, Ranked {
    var doc: UInt32
    var score: Double

    /// Ranks first: higher score, then lower document number, so results are deterministic and pages
    /// never overlap.
    func ranksBefore(_ other: ScoredDocument) -> Bool {
        score != other.score ? score > other.score : doc < other.doc
    }
}

/// What a search sorted by fields keeps of a document: its value in the first field, made to sort
/// highest first (negated for an ascending sort, -∞ for none, so that documents without a value come
/// last either way), its score and number (which order equal values), and whatever the next fields
/// need (`complete(with:)`).
protocol SortedEntry: Ranked {
    var key: Double { get }
    var scored: ScoredDocument { get set }
    init(key: Double, scored: ScoredDocument)
    /// The next fields' keys filled in from `keys`: for the few documents that can rank.
    mutating func complete(with keys: inout SortKeys)
}

/// A document of a search sorted by one field.
struct SortedDocument: Equatable, SortedEntry {
    var key: Double
    var scored: ScoredDocument

    func ranksBefore(_ other: SortedDocument) -> Bool {
        key != other.key ? key > other.key : scored.ranksBefore(other.scored)
    }

    func complete(with keys: inout SortKeys) {}
}

/// A document of a search sorted by two or three fields: the next fields' keys (0 for a field the
/// sort does not have) order equal first keys, before the score.
struct SortedByFields: Equatable, SortedEntry {
    var key: Double
    var second = 0.0
    var third = 0.0
    var scored: ScoredDocument

    init(key: Double, scored: ScoredDocument) {
        self.key = key
        self.scored = scored
    }

    func ranksBefore(_ other: SortedByFields) -> Bool {
        if key != other.key { return key > other.key }
        if second != other.second { return second > other.second }
        if third != other.third { return third > other.third }
        return scored.ranksBefore(other.scored)
    }

    mutating func complete(with keys: inout SortKeys) {
        (second, third) = keys.next(of: scored.doc)
    }
}

/// The best `capacity` documents by score, the top k of a ranked search.
typealias TopCollector = TopKeeper<ScoredDocument>

/// Keeps the best `capacity` elements in a heap whose root is the worst kept, and counts every match.
struct TopKeeper<Element: Ranked> {
    let capacity: Int
    private(set) var heap: [Element] = []
    private(set) var total = 0

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    /// The score a document must beat to enter, once the heap is full.
    var threshold: Element? { heap.count == capacity ? heap.first : nil }

    /// Counts the candidate and keeps it if it ranks before the worst kept. Inlined: in a full heap,
    /// most candidates stop at the first comparison.
    @inline(__always)
    mutating func collect(_ candidate: Element) {
        total += 1
        if heap.count == capacity, capacity == 0 || !candidate.ranksBefore(heap[0]) { return }
        keep(candidate)
    }

    /// Adds a candidate that enters: the heap is not full yet, or the candidate ranks before its root.
    /// The heap is sifted through its buffer: the array's uniqueness and bounds checks would otherwise
    /// run at every step.
    private mutating func keep(_ candidate: Element) {
        if heap.count < capacity {
            heap.append(candidate)
            heap.withUnsafeMutableBufferPointer { heap in
                var child = heap.count - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard heap[parent].ranksBefore(heap[child]) else { break }
                    heap.swapAt(parent, child)
                    child = parent
                }
            }
        } else {
            // The candidate replaces the root: children that rank after it move up into the hole.
            heap.withUnsafeMutableBufferPointer { heap in
                let count = heap.count
                var hole = 0
                while true {
                    let left = 2 * hole + 1
                    guard left < count else { break }
                    let worse = left + 1 < count && heap[left].ranksBefore(heap[left + 1]) ? left + 1 : left
                    guard candidate.ranksBefore(heap[worse]) else { break }
                    heap[hole] = heap[worse]
                    hole = worse
                }
                heap[hole] = candidate
            }
        }
    }

    /// The kept documents, best first.
    func sorted() -> [Element] {
        heap.sorted { $0.ranksBefore($1) }
    }
}
