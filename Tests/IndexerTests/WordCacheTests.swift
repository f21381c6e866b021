import Testing
@testable import Indexer
import TestSupport

/// The analyzer's cache of words: every key found again after the table grows, with its entry number,
/// long keys that share their first 16 bytes told apart, and keys read from inside a longer text.
@Suite struct WordCacheTests {
    @Test func findsEveryKeyAcrossGrowth() {
        var generator = SplitMix64(seed: 41)
        var cache = WordCache<String>()
        var words: [String] = []
        var seen = Set<String>()
        let long = "anticonstitutionnellement"  // 25 bytes: keys past 16 bytes live in the arena
        while words.count < 20_000 {
            let length = Int(generator.next() % 12) + 1
            var word = String((0..<length).map { _ in Character(UnicodeScalar(UInt8(97 + generator.next() % 26))) })
            if generator.next() % 4 == 0 { word = long + word }
            guard seen.insert(word).inserted else { continue }
            let bytes = Array(word.utf8)
            let index = bytes.withUnsafeBytes { cache.insert(word, for: WordCache<String>.key($0, 0..<$0.count), bytes: $0) }
            #expect(index == words.count)
            words.append(word)
        }
        for (index, word) in words.enumerated() {
            // Each key read from the middle of a longer text: the loads past its end must not count.
            let text = Array(("xx " + word + " yyyyyyyyyyyyyyyy").utf8)
            let found = text.withUnsafeBytes { text in
                let range = 3..<(3 + word.utf8.count)
                return cache.value(for: WordCache<String>.key(text, range), bytes: UnsafeRawBufferPointer(rebasing: text[range]))
            }
            #expect(found?.value == word && found?.index == index, "\(word)")
        }
        let missing = Array((long + "zzzzzzzzzzzzzzzzzz").utf8)
        #expect(missing.withUnsafeBytes { cache.value(for: WordCache<String>.key($0, 0..<$0.count), bytes: $0) } == nil)
    }
}
