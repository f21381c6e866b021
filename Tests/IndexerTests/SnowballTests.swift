import Testing
@testable import Indexer

@Suite struct SnowballTests {
    @Test func stemmerMatchesTheReferenceVocabulary() throws {
        let words = try Fixtures.lines("voc.txt")
        let stems = try Fixtures.lines("output.txt")
        #expect(words.count == 20_805)
        #expect(words.count == stems.count)
        let stemmer = try SnowballStemmer(language: "french")
        var mismatches: [String] = []
        for (word, expected) in zip(words, stems) where stemmer.stem(word) != expected {
            mismatches.append("\(word) → \(stemmer.stem(word)), expected \(expected)")
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
    }

    @Test func unknownLanguageIsAnError() {
        #expect(throws: AnalysisError.self) { try SnowballStemmer(language: "klingon") }
    }
}
