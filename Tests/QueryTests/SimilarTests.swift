import Foundation
import TestSupport
import Testing
@testable import Indexer
@testable import Query

/// `--like`: the documents like one, against the brute force's own choice of terms and scores.
@Suite(.serialized) struct SimilarTests {
    static func index(_ name: String, generated documents: Int?) throws -> IndexReader {
        let folder = ProcessScratch.path(name)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard let documents else {
            _ = try IndexBuilder.build(paths: [QueryFixtures.corpus], output: folder)
            return try IndexReader(path: folder)
        }
        try QueryFixtures.generateCorpus(at: folder + "/corpus.jsonl", documents: documents, seed: 11)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        return try IndexReader(path: folder + "/index")
    }

    /// Every match, its score and its rank, for one document in five (in ten of the generated corpus),
    /// alone and narrowed by a query.
    @Test(arguments: [nil, 600] as [Int?])
    func similarDocumentsAreTheBruteForces(generated: Int?) throws {
        let reader = try Self.index("similar-\(generated ?? 0)", generated: generated)
        let searcher = Searcher(reader: reader)
        let brute = try BruteForce(reader: reader)
        var withMatches = 0
        let step = generated == nil ? 5 : 10
        for doc in stride(from: 0, to: reader.documentCount, by: step) {
            let id = try #require(try reader.storedFields(doc).value(of: StandardField.id))
            for query in ["", "économie OR projet", "-solidaire"] {
                let node = try QueryParser().parse(query, beside: .similar(id: id))
                let expected = try #require(try brute.evaluate(node))
                let ranked = expected.map { ScoredDocument(doc: UInt32($0.key), score: $0.value) }.sorted { $0.ranksBefore($1) }
                let results = try searcher.search(query, like: id, limit: max(1, min(ranked.count, Searcher.maximumWindow)))
                #expect(results.total == expected.count, "\(id) \(query)")
                #expect(try searcher.count(query, like: id) == expected.count, "\(id) \(query)")
                #expect(results.hits.count == min(ranked.count, Searcher.maximumWindow), "\(id) \(query)")
                #expect(!results.hits.contains { $0.doc == doc }, "\(id) is like itself")
                for (hit, reference) in zip(results.hits, ranked) {
                    let score = expected[hit.doc] ?? .nan
                    #expect(abs(hit.score - score) <= 1e-4 * max(score, 1e-9), "\(id) \(query): doc \(hit.doc) scored \(hit.score), brute force \(score)")
                    #expect(abs(hit.score - reference.score) <= 1e-9 * max(reference.score, 1), "\(id) \(query): rank \(hit.rank)")
                }
                if query.isEmpty && !expected.isEmpty { withMatches += 1 }
            }
        }
        // Most documents share terms with others: the comparison is not of empty lists.
        #expect(withMatches * 10 >= reader.documentCount / step * 8, "\(withMatches)")
    }

    /// The terms chosen are the document's, never a stop word, never one no other document holds, at
    /// most 25, best first; and the snippets highlight them.
    @Test func theTermsChosenTellTheDocumentApart() throws {
        let reader = try Self.index("similar-terms", generated: nil)
        let analyzer = try FrenchAnalyzer()
        var chosen = 0
        let searched = Set(reader.meta.fields.indices.filter { reader.meta.fields[$0].indexed })
        for doc in 0..<reader.documentCount {
            let terms = try SimilarTerms.select(doc: doc, reader: reader, analyzer: analyzer, fields: searched)
            chosen += terms.count
            #expect(terms.count <= SimilarTerms.maximumTerms)
            #expect(zip(terms, terms.dropFirst()).allSatisfy { $0.weight >= $1.weight })
            for selected in terms {
                #expect(!SimilarTerms.stopWords.contains(selected.surface), "\(selected.surface)")
                #expect(try reader.termInfo(field: selected.field, term: selected.term)!.docFreq >= 2)
            }
        }
        #expect(chosen > reader.documentCount * 10)
        for word in ["de", "la", "les", "est", "été", "à", "même"] {
            #expect(SimilarTerms.stopWords.contains(Folding.removeAccents(Folding.lowercase(word))), "\(word)")
        }
        let searcher = Searcher(reader: reader)
        let id = try #require(try reader.storedFields(0).value(of: StandardField.id))
        let hit = try #require(try searcher.search("", like: id, limit: 1).hits.first)
        #expect(hit.snippet.marked().contains("["), "\(hit.snippet.marked())")
    }

    /// A long field is read up to `bytesRead` bytes, cut after a whole word.
    @Test func longFieldsAreReadUpToALimit() {
        let limit = SimilarTerms.bytesRead
        #expect(SimilarTerms.readPart(of: "court texte") == "court texte")
        let words = String(repeating: "économie ", count: limit / 4)
        let part = SimilarTerms.readPart(of: words)
        #expect(part.utf8.count <= limit && part.utf8.count > limit - 12 && part.hasSuffix("économie"))
        // No space: cut at a character's start, never inside one.
        let accents = String(repeating: "é", count: limit)
        let cut = SimilarTerms.readPart(of: accents)
        #expect(cut.utf8.count == limit && cut.allSatisfy { $0 == "é" })
        let odd = "a" + accents
        #expect(SimilarTerms.readPart(of: odd).utf8.count == limit - 1)
    }

    /// An unknown id is the query's error; without `like`, an empty query or exclusions alone still are.
    @Test func errors() throws {
        let searcher = Searcher(reader: try Self.index("similar-errors", generated: nil))
        #expect(throws: QueryError("no document with id nope#1")) { try searcher.search("", like: "nope#1") }
        #expect(throws: QueryError.self) { try searcher.search("") }
        #expect(throws: QueryError.self) { try searcher.search("-solidaire") }
        #expect(throws: QueryError.self) { try searcher.search("(", like: "nope#1") }
    }
}
