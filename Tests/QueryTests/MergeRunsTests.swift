import TestSupport
import Testing
@testable import Query

/// Merging runs against sorting their concatenation: the positions of a word's several terms, and a
/// proximity search's words, are merged this way.
@Suite struct MergeRunsTests {
    @Test func mergesAsSortingWould() {
        var generator = SplitMix64(seed: 3)
        for runs in [1, 2, 3, 5, 8, 17] {
            for _ in 0..<40 {
                var values: [UInt32] = []
                var bounds: [Int] = []
                for _ in 0..<runs {
                    bounds.append(values.count)
                    // Empty runs, and repeats across runs, included.
                    let run = (0..<Int(generator.next() % 12)).map { _ in UInt32(generator.next() % 40) }
                    values += run.sorted()
                }
                bounds.append(values.count)
                let expected = values.sorted()
                var scratch = [UInt32](repeating: 0, count: values.count)
                values.withUnsafeMutableBufferPointer { values in
                    bounds.withUnsafeMutableBufferPointer { bounds in
                        scratch.withUnsafeMutableBufferPointer { scratch in
                            guard let base = values.baseAddress else { return }
                            mergeRuns(base, bounds: bounds.baseAddress!, runs: runs, scratch: scratch.baseAddress!)
                        }
                    }
                }
                #expect(values == expected, "\(runs) runs")
            }
        }
    }
}
