import Foundation
import Testing
import TestSupport
@testable import Indexer

@Suite struct RegexPatternTests {
    private func pattern(_ text: String) throws -> RegexPattern { try RegexPattern(text) }

    @Test func examples() throws {
        #expect(try pattern("joh?n(ath[oa]n)").matches("jonathan") && pattern("joh?n(ath[oa]n)").matches("johnathon"))
        #expect(try !pattern("joh?n(ath[oa]n)").matches("jonathun") && !pattern("joh?n(ath[oa]n)").matches("jonathanx"))
        #expect(try pattern("econom.*").matches("economie") && !pattern("econom").matches("economie"))
        #expect(try pattern("caf.").matches("café") && !pattern("ca.").matches("café"))
        #expect(try pattern("Éco[a-z]+").matches("economie") && pattern("[É]conomie").matches("economie"))
        #expect(try pattern("a{2,3}b").matches("aab") && pattern("a{2,3}b").matches("aaab") && !pattern("a{2,3}b").matches("ab"))
        #expect(try pattern("a{2,}").matches("aaaaa") && !pattern("a{2,}").matches("a") && pattern("a{2}").matches("aa"))
        #expect(try pattern("20\\d\\d").matches("2024") && !pattern("20\\d\\d").matches("20x4"))
        #expect(try pattern("[^aeiou]+").matches("xyz") && !pattern("[^aeiou]+").matches("xaz"))
        #expect(try pattern("a\\.b").matches("a.b") && !pattern("a\\.b").matches("axb") && pattern("a.b").matches("axb"))
        #expect(try pattern("(ab|cd)*").matches("") && pattern("(ab|cd)*").matches("abcdab") && !pattern("(ab|cd)*").matches("abc"))
        #expect(try pattern("œuvre").matches("oeuvre") && pattern("()x").matches("x"))
        #expect(try pattern("jard.n").literalPrefix == "jard" && pattern("Éco(a|b)").literalPrefix == "eco")
        #expect(try pattern("a+b").literalPrefix == "a" && pattern("(a|b)c").literalPrefix == "" && pattern("20[0-9]").literalPrefix == "20")
    }

    /// What is not a regular expression, or not one this syntax has, is an error that says what and
    /// where.
    @Test func errorsSayWhatAndWhere() {
        func error(_ text: String) -> (String, Int?) {
            do {
                _ = try RegexPattern(text)
                return ("no error", nil)
            } catch {
                return (error.message, error.offset)
            }
        }
        #expect(error("") == ("an empty regular expression", nil))
        #expect(error("ab(c") == ("unbalanced parenthesis", 2))
        #expect(error("abc)") == ("unbalanced parenthesis", 3))
        #expect(error("[abc") == ("unbalanced [", 0))
        #expect(error("*a") == ("* repeats what comes before it, and nothing does", 0))
        #expect(error("a{3,1}") == ("a repetition {n,m} with m below n", 1))
        #expect(error("a{65}") == ("a repetition over 64", 1))
        #expect(error("a{x}") == ("{ needs a count, as in a{2} or a{1,3}", 1))
        #expect(error("[z-a]") == ("a range [a-z] that goes down", 0))
        #expect(error("a~b") == ("~ is not supported in a regular expression; write \\~ for the character", 1))
        #expect(error("a\\") == ("\\ needs a character after it", 1))
        #expect(error("[œ]").0.contains("stands for several letters"))
        #expect(error("(((((((((((((((((a)))))))))))))))))").0 == "parentheses nested deeper than 16")
        #expect(error("(a{64}){64}").0.hasPrefix("a regular expression too long"))
    }

    /// Against Foundation's regular expressions (ICU's), on random expressions over a small alphabet
    /// and random texts, each text matched alone and in a walk over them all sorted, as the lexicon
    /// is walked: sharing prefixes, skipping those no match can start with.
    @Test func agreesWithFoundationsRegularExpressions() throws {
        var generator = SplitMix64(seed: 9)
        func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
        let letters = ["a", "b", "c", "é"]
        func expression(_ depth: Int) -> String {
            var text = ""
            for _ in 0..<(Int(generator.next() % 3) + 1) {
                var atom: String
                switch generator.next() % 7 {
                case 0: atom = "."
                case 1: atom = pick(["[ab]", "[^a]", "[a-c]", "[é]", "\\d"])
                case 2 where depth < 2: atom = "(" + expression(depth + 1) + "|" + expression(depth + 1) + ")"
                default: atom = pick(letters)
                }
                atom += pick(["", "", "", "*", "+", "?", "{1,2}", "{2}", "{0,}"])
                text += atom
            }
            return text
        }
        let texts = Set((0..<400).map { _ in (0..<Int(generator.next() % 6)).map { _ in pick(["a", "b", "c", "e", "1", "é"]) }.joined() }).sorted {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }
        var matched = 0
        for _ in 0..<400 {
            let typed = expression(0)
            let compiled = try RegexPattern(typed)
            let folded = Folding.removeAccents(Folding.lowercase(typed))
            let reference = try NSRegularExpression(pattern: "^(?:" + folded + ")$")
            var walker = RegexPattern.Walker(compiled)
            var previous: [UInt8] = [], skipping = Int.max
            for text in texts {
                let expected = reference.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                #expect(compiled.matches(text) == expected, "\(typed) \(text)")
                matched += expected ? 1 : 0
                let bytes = Array(text.utf8)
                let shared = zip(previous, bytes).prefix { $0 == $1 }.count
                // A text the walk skips must not match.
                if shared >= skipping {
                    #expect(!expected, "\(typed) \(text) skipped")
                    continue
                }
                let walked = bytes.withUnsafeBytes { walker.matches($0, shared: shared) }
                #expect(walked == expected, "\(typed) \(text) walked")
                previous = bytes
                skipping = walker.hopelessPrefix
            }
        }
        #expect(matched > 500)
    }
}
