import Foundation
import Testing
import TestSupport
@testable import Indexer

@Suite struct WildcardPatternTests {
    @Test func examples() {
        #expect(WildcardPattern("econ?mie").matches("economie"))
        #expect(!WildcardPattern("econ?mie").matches("econmie"))
        #expect(WildcardPattern("organi*ation").matches("organisation") && WildcardPattern("organi*ation").matches("organiation"))
        #expect(!WildcardPattern("organi*ation").matches("organisations"))
        #expect(WildcardPattern("a*b*c").matches("aXbYbZc") && !WildcardPattern("a*b*c").matches("aXbYbZ"))
        #expect(WildcardPattern("caf?").matches("café") && !WildcardPattern("ca?").matches("café"))
        #expect(WildcardPattern("ab**").matches("ab") && WildcardPattern("ab*").literalPrefix == "ab")
        #expect(WildcardPattern("éc?n*").literalPrefix == "éc")
    }

    /// Against a regular expression, on random patterns and words over a small alphabet (so that
    /// matches are frequent), accented letters included.
    @Test func agreesWithARegularExpression() throws {
        var generator = SplitMix64(seed: 3)
        let letters: [Character] = ["a", "b", "é", "ab".first!]
        func random(_ count: Int, from alphabet: [Character]) -> String {
            String((0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        }
        var matched = 0
        for _ in 0..<3_000 {
            let pattern = random(Int(generator.next() % 7), from: letters + ["?", "*"])
            let text = random(Int(generator.next() % 8), from: letters)
            var expression = "^"
            for character in pattern {
                switch character {
                case "?": expression += "."
                case "*": expression += ".*"
                default: expression += NSRegularExpression.escapedPattern(for: String(character))
                }
            }
            let regex = try NSRegularExpression(pattern: expression + "$")
            let expected = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            #expect(WildcardPattern(pattern).matches(text) == expected, "\(pattern) against \(text)")
            if expected { matched += 1 }
        }
        #expect(matched > 300)
    }
}
