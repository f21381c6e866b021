import Foundation
import Testing
@testable import Indexer
@testable import Query

/// Field collapsing: the engine's groups against the brute force's matches grouped by the values the
/// test wrote into the corpus.
@Suite struct CollapseTests {
    /// The brute force over the faceted corpus: one a test, as it is not shared between threads.
    static func brute() throws -> BruteForce { try BruteForce(reader: FacetTests.FacetedCorpus.shared.searcher.reader) }

    /// The first of a document's values in byte order, as the index orders them; nil for none.
    static func firstValue(_ doc: Int, _ field: String) -> String? {
        FacetTests.FacetedCorpus.shared.values[doc][field]?.filter { !$0.isEmpty }.min { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The best match of each value (`better` says which of two is), and each match without a value:
    /// all of them, best first.
    static func collapsed(_ matches: [Int: Double], field: String, better: (ScoredDocument, ScoredDocument) -> Bool) -> [ScoredDocument] {
        var best: [String: ScoredDocument] = [:]
        var alone: [ScoredDocument] = []
        for (doc, score) in matches {
            let scored = ScoredDocument(doc: UInt32(doc), score: score)
            guard let value = firstValue(doc, field) else {
                alone.append(scored)
                continue
            }
            if let kept = best[value], !better(scored, kept) { continue }
            best[value] = scored
        }
        return (Array(best.values) + alone).sorted(by: better)
    }

    @Test(arguments: FacetTests.queries)
    func theBestMatchOfEachValue(query: String) throws {
        let searcher = FacetTests.FacetedCorpus.shared.searcher
        let matches = try #require(try Self.brute().evaluate(QueryParser().parse(query)))
        // A field of several values a document, one of one, and a sparse one: most matches alone.
        for field in ["tags", "catégorie", "rare"] {
            let expected = Self.collapsed(matches, field: field) { $0.ranksBefore($1) }
            for (limit, offset) in [(10, 0), (7, 3), (1_000, 0)] {
                let results = try searcher.search(query, limit: limit, offset: offset, collapse: FieldCollapse(field: field))
                #expect(results.total == matches.count && results.totalIsExact && results.groups == expected.count, "\(query) \(field)")
                let page = Array(expected.dropFirst(offset).prefix(limit))
                #expect(results.hits.map(\.doc) == page.map { Int($0.doc) }, "\(query) \(field) \(offset)")
                for (hit, reference) in zip(results.hits, page) {
                    #expect(abs(hit.score - reference.score) <= 1e-4 * max(reference.score, 1e-9), "\(query) \(field): doc \(hit.doc)")
                }
                // At most one hit a value.
                let values = results.hits.compactMap { Self.firstValue($0.doc, field) }
                #expect(Set(values).count == values.count, "\(query) \(field)")
            }
        }
    }

    /// Sorted by a field, a group's first match is its first in that order, and the groups come in it.
    @Test func collapsedAndSorted() throws {
        let searcher = FacetTests.FacetedCorpus.shared.searcher
        let reader = searcher.reader
        let prix = try #require(reader.meta.field(named: "prix"))
        let brute = try Self.brute()
        for query in ["jardin", "jardin OR abeille", "*:*"] {
            let matches = try #require(try brute.evaluate(QueryParser().parse(query)))
            func key(_ scored: ScoredDocument) -> Double { reader.sortValues.value(doc: Int(scored.doc), field: prix, largest: true) ?? -.infinity }
            let expected = Self.collapsed(matches, field: "catégorie") { a, b in key(a) != key(b) ? key(a) > key(b) : a.ranksBefore(b) }
            let results = try searcher.search(query, limit: 20, sort: FieldSort(field: "prix", descending: true),
                                              collapse: FieldCollapse(field: "categorie"))
            #expect(results.groups == expected.count && results.hits.map(\.doc) == expected.prefix(20).map { Int($0.doc) }, "\(query)")
        }
    }

    /// A field of many values keeps its groups in a dictionary: the same groups as in an array.
    @Test(arguments: FacetTests.queries)
    func groupsKeptSparselyAsDensely(query: String) throws {
        let reader = FacetTests.FacetedCorpus.shared.searcher.reader
        for name in ["tags", "rare"] {
            let field = try #require(reader.meta.field(named: name))
            func collapsed(denseUpTo: Int) throws -> (best: [ScoredDocument], total: Int, groups: Int) {
                let root = try QueryPlanner(reader: reader, analyzer: FrenchAnalyzer(), parameters: BM25Parameters()).plan(QueryParser().parse(query))
                return try FieldCollapse.collect(root, field: field, capacity: 1_000, values: reader.facetValues, denseUpTo: denseUpTo) { $0 }
            }
            let dense = try collapsed(denseUpTo: .max), sparse = try collapsed(denseUpTo: 0)
            #expect(sparse.best == dense.best && sparse.total == dense.total && sparse.groups == dense.groups, "\(query) \(name)")
        }
    }

    @Test func facetsAndCountsStayThoseOfEveryMatch() throws {
        let searcher = FacetTests.FacetedCorpus.shared.searcher
        let plain = try searcher.search("jardin", limit: 0, facets: [FacetRequest(field: "tags")])
        let collapsed = try searcher.search("jardin", limit: 5, collapse: FieldCollapse(field: "tags"), facets: [FacetRequest(field: "tags")])
        #expect(collapsed.facets == plain.facets && collapsed.total == plain.total && collapsed.hits.count == 5)
        #expect(plain.groups == nil)
        #expect(throws: QueryError("cannot collapse on \"body\": the index keeps no values of it (fields with values: path, catégorie, tags, jour, prix, rare)")) {
            try searcher.search("jardin", collapse: FieldCollapse(field: "body"))
        }
    }
}
