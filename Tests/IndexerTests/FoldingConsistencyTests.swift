import Foundation
import Testing
@testable import Indexer

/// A query typed in capitals or without accents must reach exactly the terms of the accented word.
@Suite struct FoldingConsistencyTests {
    @Test func everyCorpusWordReachesTheSameTermsInCapitalsAndWithoutAccents() throws {
        let analyzer = try FrenchAnalyzer()
        var lexicon = Lexicon()
        var words = Set<String>()
        for (_, text) in try Fixtures.corpus() {
            try analyzer.analyze(text) { lexicon.add($0) }
            words.formUnion(text.split(whereSeparator: \.isWhitespace).map(String.init))
        }
        #expect(words.count > 5_000)

        func queryTerms(_ word: String) throws -> [[String]] {
            try analyzer.tokens(word).map { lexicon.terms(for: $0) }
        }
        var failures: [String] = []
        var accentedWords = 0
        var missesWithoutLexicon = 0
        for word in words.sorted() {
            let terms = try queryTerms(word)
            let accentless = ConflationQuality.typedWithoutAccents(word)
            if accentless != word { accentedWords += 1 }
            if try analyzer.terms(accentless) != analyzer.terms(word) { missesWithoutLexicon += 1 }
            if try queryTerms(word.uppercased()) != terms || queryTerms(accentless) != terms {
                failures.append(word)
            }
            // The index side needs no lexicon for capitals: lower-casing comes first.
            if try analyzer.terms(word.uppercased()) != analyzer.terms(word) { failures.append("index side: \(word)") }
        }
        #expect(accentedWords > 1_000)
        // Snowball reads accents: without the lexicon, these words typed without accents would miss.
        #expect(missesWithoutLexicon > 50, "\(missesWithoutLexicon)")
        #expect(failures.isEmpty, "\(failures.count) words differ, e.g. \(failures.prefix(10))")
    }

    /// Stemming before folding keeps every conflation of the reference stemmer; the lexicon makes the
    /// vocabulary typed without accents reach the same terms.
    @Test func keepsEveryReferenceConflationAndIsAccentInsensitiveOnTheSnowballVocabulary() throws {
        let words = try Fixtures.lines("voc.txt")
        let stems = try Fixtures.lines("output.txt")
        let analyzer = try FrenchAnalyzer()
        var lexicon = Lexicon()
        var terms: [String] = []
        for word in words {
            let tokens = try analyzer.tokens(word)
            try #require(tokens.count == 1, "\(word)")
            lexicon.add(tokens[0])
            terms.append(tokens[0].term)
        }
        let quality = ConflationQuality(words: words, referenceStems: stems, terms: terms)
        #expect(quality.referencePairs > 30_000)
        #expect(quality.keptPairs == quality.referencePairs)

        var missed: [String] = []
        for (word, term) in zip(words, terms) {
            let reached = try analyzer.tokens(ConflationQuality.typedWithoutAccents(word).uppercased()).map { lexicon.terms(for: $0) }
            if reached.count != 1 || !reached[0].contains(term) { missed.append(word) }
        }
        #expect(missed.isEmpty, "\(missed.count) words missed, e.g. \(missed.prefix(10))")
    }
}
