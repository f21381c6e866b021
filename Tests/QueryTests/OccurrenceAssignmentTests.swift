import TestSupport
import Testing
@testable import Query

/// The assignment kept up to date as a window slides, against Hall's condition checked from scratch:
/// every word gets occurrences of its own exactly when every set of words is offered, by the
/// occurrences that can stand for one of them, at least as many as they need together.
@Suite struct OccurrenceAssignmentTests {
    static func hall(masks: [UInt64], needs: [Int32], window: [Int]) -> Bool {
        (1..<(UInt64(1) << UInt64(needs.count))).allSatisfy { words in
            let offered = window.filter { masks[$0] & words != 0 }.count
            let needed = needs.indices.filter { words & (1 << UInt64($0)) != 0 }.reduce(0) { $0 + Int(needs[$1]) }
            return offered >= needed
        }
    }

    @Test func slidingAgreesWithHallsCondition() {
        var generator = SplitMix64(seed: 5)
        var completeWindows = 0
        for _ in 0..<300 {
            let words = Int(generator.next() % 4) + 2
            let needs = (0..<words).map { _ in Int32(generator.next() % 3) + 1 }
            // The phrase: each word needs[w] times, word w's copies after its first in the group of it.
            var groups: [Int] = []
            for need in needs {
                let first = groups.count
                groups += Array(repeating: first, count: Int(need))
            }
            // Every word has a type of its own, and a few types are shared.
            var masks = Set((0..<words).map { UInt64(1) << UInt64($0) })
            for _ in 0..<(generator.next() % 4 + 1) {
                let shared = generator.next() % (UInt64(1) << UInt64(words))
                if shared != 0 { masks.insert(shared) }
            }
            let sorted = masks.sorted()
            // Every type known at the start, or only the words' own, the others met on the way.
            let known = generator.next() % 2 == 0 ? sorted : sorted.filter { $0.nonzeroBitCount == 1 }
            let assignment = OccurrenceAssignment(masks: known, groups: groups)
            let occurrences = (0..<Int(generator.next() % 40) + 1).map { _ in
                let mask = sorted[Int(generator.next() % UInt64(sorted.count))]
                let type = assignment.type(of: mask)
                #expect(assignment.masks[type] == mask)
                return type
            }
            // The window moves as the proximity sweep moves it: grown on the right until complete,
            // shrunk on the left; and at random, to reach every state.
            var window: [Int] = [], right = 0
            assignment.reset()
            while right < occurrences.count || !window.isEmpty {
                if right < occurrences.count && (window.isEmpty || generator.next() % 3 != 0) {
                    assignment.add(occurrences[right])
                    window.append(occurrences[right])
                    right += 1
                } else {
                    assignment.remove(window.removeFirst())
                }
                let expected = Self.hall(masks: assignment.masks, needs: needs, window: window)
                #expect(assignment.complete == expected, "masks \(sorted), needs \(needs), window \(window)")
                if expected { completeWindows += 1 }
            }
        }
        #expect(completeWindows > 500)
    }

    @Test func typesOnlyWhenWordsShareSomeTerms() {
        #expect(OccurrenceAssignment.types(terms: [["de"], ["de", "des"]], groups: [0, 1]) == [0b10, 0b11])
        #expect(OccurrenceAssignment.types(terms: [["de"], ["la"], ["de"]], groups: [0, 1, 0]) == nil)
        #expect(OccurrenceAssignment.types(terms: [["a", "b"], ["c", "d"], ["a", "b"]], groups: [0, 1, 0]) == nil)
        #expect(OccurrenceAssignment.types(terms: [["a", "b"], ["c"], ["b", "d"]], groups: [0, 1, 2]) == [0b010, 0b100, 0b001, 0b101].sorted())
    }
}
