import Foundation
import Testing
@testable import Indexer
@testable import Query

/// `Searcher.highlight`: a document's searched fields whole, the query's words marked.
@Suite struct HighlightTests {
    let searcher = BundledIndex.shared.searcher
    let id = "002_93f8321c060206ad.txt#6"

    /// The ranges of the tokens of `text` whose term is one of those the analyzer makes of `words`:
    /// worked out apart from the searcher.
    func expected(_ text: String, words: String) throws -> [Range<Int>] {
        let analyzer = try FrenchAnalyzer()
        let terms = Set(try analyzer.tokens(words).map(\.term))
        return try analyzer.tokens(text).filter { terms.contains($0.term) }.map(\.range)
    }

    func fields(_ query: String) throws -> [String: (value: String, highlights: [Range<Int>]?)] {
        let document = try #require(try searcher.highlight(query, inDocument: id))
        let names = searcher.reader.meta.fields.map(\.name)
        return Dictionary(uniqueKeysWithValues: document.fields.map { (names[$0.field], ($0.value, $0.highlights)) })
    }

    @Test func everyOccurrenceOfTheWordsInEverySearchedField() throws {
        let fields = try fields("économie solidaire Suisse")
        let body = try #require(fields["body"]), title = try #require(fields["title"])
        #expect(try body.highlights == expected(body.value, words: "économie solidaire Suisse"))
        #expect(try title.highlights == expected(title.value, words: "économie solidaire Suisse"))
        #expect(body.highlights?.count == 3 && title.highlights?.count == 2)
        #expect(body.highlights.map { $0.map { String(decoding: Array(body.value.utf8)[$0], as: UTF8.self) } }
                == ["économie", "solidaire", "Suisse"])
        // Fields no query searches are given as stored, unmarked.
        #expect(fields["id"]?.highlights == nil && fields["path"]?.highlights == nil && fields["line"]?.highlights == nil)
        #expect(fields["id"]?.value == id)
    }

    /// A phrase's words where the phrase occurs only; an excluded word, nowhere.
    @Test func phrasesWhereTheyOccurAndNotTheExcludedWords() throws {
        let phrase = try #require(try fields("\"économie sociale\" -Suisse")["body"])
        #expect(try phrase.highlights == expected(phrase.value, words: "économie sociale"))
        #expect(phrase.highlights?.count == 2)
        let reversed = try #require(try fields("\"sociale économie\"")["body"])
        #expect(reversed.highlights == [])
        let none = try #require(try fields("zzzzqq")["body"])
        #expect(none.highlights == [] && none.value == phrase.value)
    }

    /// A word restricted to a field is marked there only; a word without one, in every field.
    @Test func aFieldsWordsOnlyInThatField() throws {
        let fields = try fields("title:économie solidaire")
        let body = try #require(fields["body"]), title = try #require(fields["title"])
        #expect(try title.highlights == expected(title.value, words: "économie solidaire"))
        #expect(try body.highlights == expected(body.value, words: "solidaire"))
        #expect(title.highlights?.count == 2 && body.highlights?.count == 1)
        let phrase = try self.fields("title:\"économie sociale\"")
        #expect(phrase["title"]?.highlights?.count == 2 && phrase["body"]?.highlights == [])
    }

    @Test func anUnknownDocumentOrABadQuery() throws {
        #expect(try searcher.highlight("économie", inDocument: "nope#1") == nil)
        #expect(throws: QueryError.self) { try searcher.highlight("économie (", inDocument: id) }
    }
}
