import TestSupport
import Testing
@testable import Query

/// The collector's heap against sorting every candidate: the same k documents in the same order,
/// with many tied scores (ties go to the lower document number).
@Suite struct TopCollectorTests {
    @Test func keepsTheBestKAsSortingAll() {
        var generator = SplitMix64(seed: 5)
        for capacity in [1, 2, 3, 10, 25] {
            for round in 0..<50 {
                let count = Int(generator.next() % 300)
                // Few distinct scores, so that most comparisons are ties broken by document number.
                let distinct = round % 2 == 0 ? 4 : 1_000
                let candidates = (0..<count).map { _ in
                    ScoredDocument(doc: UInt32(generator.next() % 100_000), score: Double(generator.next() % UInt64(distinct)) / 7)
                }
                // Document numbers are unique in a search.
                var seen = Set<UInt32>()
                let unique = candidates.filter { seen.insert($0.doc).inserted }
                var collector = TopCollector(capacity: capacity)
                for candidate in unique { collector.collect(candidate) }
                let expected = Array(unique.sorted { $0.ranksBefore($1) }.prefix(capacity))
                #expect(collector.sorted() == expected, "capacity \(capacity), round \(round)")
                #expect(collector.total == unique.count)
                #expect(collector.threshold == (unique.count >= capacity ? expected.last : nil))
            }
        }
    }
}
