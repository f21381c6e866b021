import Foundation
import TestSupport
import Testing
@testable import Indexer

@Suite struct EditDistanceTests {
    /// Random words over a small alphabet (accented letters included), so that many are near each other.
    static func words(_ count: Int, seed: UInt64) -> [String] {
        var generator = SplitMix64(seed: seed)
        let letters = Array("abceéo")
        return (0..<count).map { _ in
            String((0..<Int(generator.next() % 9)).map { _ in letters[Int(generator.next() % UInt64(letters.count))] })
        }
    }

    static func sortedKeys(_ words: [String]) -> [[UInt8]] {
        Set(words).map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Keys walked in order, each told what it shares with the one before: the distances kept within
    /// the bound are the reference's, whatever the rows reused or the prefixes given up.
    @Test func matchesTheReferenceOverASortedWalk() {
        let keys = Self.sortedKeys(Self.words(3_000, seed: 5))
        for target in ["", "a", "éco", "abba", "ocbae", "éééé", "abcabcab"] {
            for maxEdits in 0...2 {
                let distance = EditDistance(target: target, maxEdits: maxEdits)!
                var previous: [UInt8] = []
                var mismatches: [String] = []
                for key in keys {
                    let shared = zip(previous, key).prefix { $0 == $1 }.count
                    let found = key.withUnsafeBytes { distance.distance(to: $0, shared: shared) }
                    let word = String(decoding: key, as: UTF8.self)
                    let expected = referenceEditDistance(target, word)
                    if found != (expected <= maxEdits ? expected : nil) { mismatches.append(word) }
                    previous = key
                }
                #expect(mismatches.isEmpty, "\(target)~\(maxEdits): \(mismatches.prefix(5))")
            }
        }
        // Transpositions count one edit; edits count characters, not bytes.
        #expect(referenceEditDistance("économie", "éconmoie") == 1)
        var distance = EditDistance(target: "ecnomie", maxEdits: 1)!
        #expect(Array("ecnoime".utf8).withUnsafeBytes { distance.distance(to: $0, shared: 0) } == 1)
        distance = EditDistance(target: "economie", maxEdits: 1)!
        #expect(Array("économie".utf8).withUnsafeBytes { distance.distance(to: $0, shared: 0) } == 1)
    }

    /// With `prefixes`, a key's distance is its nearest prefix's, and it must start with the word's
    /// first scalar: the reference's over every prefix. The keys the walk is told to skip are none of
    /// those within the bound.
    @Test func prefixesMatchTheReferenceOverASortedWalk() {
        let keys = Self.sortedKeys(Self.words(3_000, seed: 6) + ["ecnomie", "économie", "economie", "economique", "ecologie"])
        func expected(_ target: String, _ key: [UInt8], _ maxEdits: Int) -> Int? {
            let word = Array(String(decoding: key, as: UTF8.self).unicodeScalars)
            guard word.first == target.unicodeScalars.first else { return nil }
            let nearest = (0...word.count).map { referenceEditDistance(target, String(String.UnicodeScalarView(word[..<$0]))) }.min()!
            return nearest <= maxEdits ? nearest : nil
        }
        for target in ["a", "éco", "abba", "ocbae", "éééé", "abcabcab", "ecnom"] {
            for maxEdits in 0...2 {
                for skipping in [false, true] {
                    let distance = EditDistance(target: target, maxEdits: maxEdits, prefixes: true)!
                    var previous: [UInt8] = []
                    var hopeless = Int.max
                    var mismatches: [String] = []
                    for key in keys {
                        let shared = zip(previous, key).prefix { $0 == $1 }.count
                        if skipping && shared >= hopeless {
                            if expected(target, key, maxEdits) != nil { mismatches.append("skipped " + String(decoding: key, as: UTF8.self)) }
                            continue
                        }
                        let found = key.withUnsafeBytes { distance.distance(to: $0, shared: shared) }
                        if found != expected(target, key, maxEdits) { mismatches.append(String(decoding: key, as: UTF8.self)) }
                        hopeless = distance.hopelessPrefix
                        previous = key
                    }
                    let firstMismatches = mismatches.prefix(5)
                    #expect(firstMismatches.isEmpty, "\(target)~\(maxEdits) skipping \(skipping)")
                }
            }
        }
        let distance = EditDistance(target: "ecnom", maxEdits: 1, prefixes: true)!
        #expect(Array("economique".utf8).withUnsafeBytes { distance.distance(to: $0, shared: 0) } == 1)
        #expect(Array("conomie".utf8).withUnsafeBytes { distance.distance(to: $0, shared: 0) } == nil)
        #expect(EditDistance(target: "", maxEdits: 1, prefixes: true) == nil)
    }

    /// Words up to the longest a row holds, against keys a few random edits from them (so that many
    /// are within the bound): the distances are the reference's, up to the word's last scalar. A
    /// longer word is refused.
    @Test func longWordsMatchTheReference() {
        var generator = SplitMix64(seed: 11)
        let letters = Array("abceéoœ")
        func random() -> Character { letters[Int(generator.next() % UInt64(letters.count))] }
        for length in [1, 2, 30, 62, EditDistance.maximumTargetScalars] {
            let target = String((0..<length).map { _ in random() })
            var variants: Set<String> = [target]
            for _ in 0..<400 {
                var word = Array(target)
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    let at = Int(generator.next() % UInt64(word.count + 1))
                    switch generator.next() % 4 {
                    case 0: word.insert(random(), at: at)
                    case 1: if at < word.count { word.remove(at: at) }
                    case 2: if at < word.count { word[at] = random() }
                    default: if at + 1 < word.count { word.swapAt(at, at + 1) }
                    }
                }
                variants.insert(String(word))
            }
            let keys = Self.sortedKeys(Array(variants))
            for maxEdits in 0...3 {
                let distance = EditDistance(target: target, maxEdits: maxEdits)!
                var previous: [UInt8] = []
                var within = 0
                var mismatches: [String] = []
                for key in keys {
                    let shared = zip(previous, key).prefix { $0 == $1 }.count
                    let found = key.withUnsafeBytes { distance.distance(to: $0, shared: shared) }
                    let expected = referenceEditDistance(target, String(decoding: key, as: UTF8.self))
                    if found != (expected <= maxEdits ? expected : nil) { mismatches.append(String(decoding: key, as: UTF8.self)) }
                    if found != nil { within += 1 }
                    previous = key
                }
                #expect(mismatches.isEmpty, "\(length) scalars ~\(maxEdits): \(mismatches.prefix(3))")
                #expect(within > 0)
            }
        }
        #expect(EditDistance(target: String(repeating: "é", count: EditDistance.maximumTargetScalars + 1), maxEdits: 1) == nil)
    }

    /// A table's walk gives every key with what it shares with the one before (across blocks too); its
    /// decoded copy too, and skips exactly the keys that share the length `body` returns.
    @Test func tableWalkGivesSharedLengthsAndSkipsBranches() throws {
        let folder = try TemporaryFolder()
        let keys = Self.sortedKeys(Self.words(2_000, seed: 8))
        let (table, mapped) = try SortedTableTests.table(keys.map { ($0, Array("v\($0.count)".utf8)) }, in: folder)
        let decoded = try DecodedTable(table)
        for walk in [{ body in try table.forEachEntry { try body($0, $1, $2); return .max } },
                     { body in try decoded.forEachEntry { try body($0, $1, $2); return .max } }]
            as [((UnsafeRawBufferPointer, Int, UnsafeRawBufferPointer) throws -> Void) throws -> Void] {
            var walked: [[UInt8]] = []
            var previous: [UInt8] = []
            try walk { key, shared, value in
                #expect(shared == zip(previous, key).prefix { $0 == $1 }.count)
                #expect(Array(value) == Array("v\(key.count)".utf8))
                walked.append(Array(key))
                previous = Array(key)
            }
            #expect(walked == keys)
        }
        // Skipping the keys that extend any key of n bytes or more by its first n, for n of 1 to 4.
        for walk in [{ body in try table.forEachEntry(body) }, { body in try decoded.forEachEntry(body) }]
            as [((UnsafeRawBufferPointer, Int, UnsafeRawBufferPointer) throws -> Int) throws -> Void] {
            for n in 1...4 {
                var given: [[UInt8]] = []
                try walk { key, _, _ in
                    given.append(Array(key))
                    return key.count >= n ? n : .max
                }
                var expected: [[UInt8]] = []
                var branch: [UInt8]?
                for key in keys {
                    if let branch, key.starts(with: branch) { continue }
                    expected.append(key)
                    branch = key.count >= n ? Array(key.prefix(n)) : nil
                }
                #expect(given == expected, "n = \(n)")
                #expect(given.count < keys.count)
            }
        }
        // The shared lengths the decoded walk gives after a skip: with the key given before.
        var previous: [UInt8] = []
        decoded.forEachEntry { key, shared, _ in
            #expect(shared == zip(previous, key).prefix { $0 == $1 }.count)
            previous = Array(key)
            return key.count >= 2 ? 2 : .max
        }
        withExtendedLifetime(mapped) {}
    }
}
