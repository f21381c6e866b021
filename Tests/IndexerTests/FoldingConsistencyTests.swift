import Foundation
import Testing
import TestSupport
@testable import Indexer

/// A query typed in capitals or without accents must reach exactly the terms of the accented word.
@Suite struct FoldingConsistencyTests {
    /// Latin text folded letter by letter from the table is what decomposing it whole gives, on
    /// random words of ASCII and Latin letters (marks, ligatures and symbols among them).
    @Test func latinLettersFoldAsTheirDecomposition() {
        #expect(Folding.latinFolds.count == 0x100)
        for (offset, fold) in Folding.latinFolds.enumerated() {
            let letter = String(Unicode.Scalar(UInt32(0x80 + offset))!)
            #expect(fold == Folding.removeAccentsByDecomposition(letter), "U+\(String(0x80 + offset, radix: 16))")
        }
        var random = SplitMix64(seed: 71)
        let latin = (0x20..<0x180).compactMap { Unicode.Scalar(UInt32($0)) }.filter { !(0x7F..<0xA0).contains($0.value) }
        for _ in 0..<20_000 {
            var word = String.UnicodeScalarView()
            for _ in 0..<(random.next() % 12 + 1) { word.append(latin[Int(random.next() % UInt64(latin.count))]) }
            let text = String(word)
            #expect(Folding.removeAccents(text) == Folding.removeAccentsByDecomposition(text), "\(text.debugDescription)")
        }
        #expect(Folding.removeAccents("économie œuvre ĳssel ſ ½") == "economie oeuvre ijssel s 1⁄2")
        // Past the table, or with a combining mark: decomposed whole.
        #expect(Folding.removeAccents("e\u{301}conomie ǆ ﬁ") == "economie dz fi")
    }

    /// Beyond French: capitals reach the same terms in other scripts too, the Greek final sigma
    /// included (`ΟΔΟΣ` lower-cases to `οδοσ`, where `οδός` ends with `ς`).
    @Test func otherScriptsReachTheSameTermsInCapitals() throws {
        let analyzer = try FrenchAnalyzer()
        for word in ["οδός", "Σίσυφος", "λόγος", "ΛΌΓΟΣ", "Straße", "Москва", "İstanbul", "Ærø"] {
            #expect(try analyzer.terms(word.uppercased()) == analyzer.terms(word), "\(word)")
            #expect(try analyzer.terms(word.lowercased()) == analyzer.terms(word), "\(word)")
        }
        #expect(try analyzer.terms("οδός ΟΔΟΣ οδοσ") == ["οδοσ", "οδοσ", "οδοσ"])
    }

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
