/// A scored document.
struct ScoredDocument: Equatable {
    var doc: UInt32
    var score: Double

    /// Ranks first: higher score, then lower document number, so results are deterministic and pages
    /// never overlap.
    func ranksBefore(_ other: ScoredDocument) -> Bool {
        score != other.score ? score > other.score : doc < other.doc
    }
}

/// Keeps the best `capacity` documents in a heap whose root is the worst kept, and counts every match.
struct TopCollector {
    let capacity: Int
    private(set) var heap: [ScoredDocument] = []
    private(set) var total = 0

    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    /// The score a document must beat to enter, once the heap is full.
    var threshold: ScoredDocument? { heap.count == capacity ? heap.first : nil }

    /// Counts the candidate and keeps it if it ranks before the worst kept. Inlined: in a full heap,
    /// most candidates stop at the first comparison.
    @inline(__always)
    mutating func collect(_ candidate: ScoredDocument) {
        total += 1
        if heap.count == capacity, capacity == 0 || !candidate.ranksBefore(heap[0]) { return }
        keep(candidate)
    }

    /// Adds a candidate that enters: the heap is not full yet, or the candidate ranks before its root.
    /// The heap is sifted through its buffer: the array's uniqueness and bounds checks would otherwise
    /// run at every step.
    private mutating func keep(_ candidate: ScoredDocument) {
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
    func sorted() -> [ScoredDocument] {
        heap.sorted { $0.ranksBefore($1) }
    }
}
