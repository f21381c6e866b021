import Foundation
import TestSupport
import Testing
@testable import Indexer
@testable import Query

/// Synonym files: what a line makes searched, and searches with them against the brute force.
@Suite(.serialized) struct SynonymTests {
    static let lines = """
        # equivalent words, each finding the others
        vélo, bicyclette
        recyclerie, ressourcerie
        jardin, potager, verger

        # one way: the left searched as the right
        ESS => économie sociale et solidaire, ESS
        emploi => travail
        \u{20}\u{20}Clichy-sous-Bois, banlieue\r
        """

    @Test func linesAreReadAsSolrReadsThem() throws {
        let synonyms = try Synonyms(text: Self.lines)
        let analyzer = try FrenchAnalyzer()
        func searched(_ text: String) throws -> [String]? {
            try synonyms.expansions(of: analyzer.tokens(text))?.map { $0.map(\.term).joined(separator: " ") }
        }
        #expect(try searched("vélo") == ["velo", "bicyclet"])
        // Entries are analysed: capitals, no accents or a plural Snowball stems alike find the line.
        #expect(try searched("VELO") == ["velo", "bicyclet"])
        #expect(try searched("BICYCLETTES") == ["velo", "bicyclet"])
        #expect(try searched("verger") == ["jardin", "potag", "verg"])
        #expect(try searched("ess") == ["econom social et solidair", "ess"])
        // One way: the right side does not search the left, and a word only on the right has no line.
        #expect(try searched("économie sociale et solidaire") == nil)
        #expect(try searched("emploi") == ["travail"])
        #expect(try searched("travail") == nil)
        #expect(try searched("clichy sous bois") == ["clichy sous bois", "banlieu"])
        #expect(try searched("ville") == nil)
        #expect(synonyms.count == 11)
        // A word on several lines searches what each names.
        let merged = try Synonyms(text: "mer, océan\nmer => marée")
        #expect(try merged.expansions(of: analyzer.tokens("mer"))?.map { $0.map(\.term) } == [["mer"], ["ocean"], ["mar"]])
    }

    @Test func linesThatCannotBeReadAreErrorsNamingThem() throws {
        #expect(throws: QueryError("line 2: more than one =>")) { try Synonyms(text: "a, b\na => b => c") }
        #expect(throws: QueryError("line 1: an empty entry")) { try Synonyms(text: "vélo, , bicyclette") }
        #expect(throws: QueryError("line 3: \"!!\" holds no word")) { try Synonyms(text: "\n#\n!!, vélo") }
        #expect(throws: QueryError("cannot read the synonym file /nonexistent/synonyms.txt")) {
            try Synonyms(contentsOf: "/nonexistent/synonyms.txt")
        }
    }

    /// Searches with synonyms, alone and beside other words, in fields, boosted and excluded: the same
    /// matches, scores and order as the brute force's.
    @Test func searchesMatchTheBruteForce() throws {
        let folder = ProcessScratch.path("synonyms")
        _ = try IndexBuilder.build(paths: [QueryFixtures.corpus], output: folder)
        let reader = try IndexReader(path: folder)
        let synonyms = try Synonyms(text: Self.lines)
        let searcher = Searcher(reader: reader, synonyms: synonyms)
        searcher.pruning = .everywhere
        let brute = try BruteForce(reader: reader)
        brute.synonyms = synonyms
        let plain = Searcher(reader: reader)
        var widened = 0
        for query in ["recyclerie", "ressourceries", "ESS", "ess solidaire", "\"économie sociale et solidaire\"", "vélo OR jardin",
                      "title:jardin", "jardin -emploi", "emploi^3 OR recyclerie", "Clichy-sous-Bois", "\"clichy sous bois\"~2",
                      "travail", "potager emploi"] {
            let expected = try #require(try brute.evaluate(QueryParser().parse(query)), "\(query)")
            let ranked = expected.map { ScoredDocument(doc: UInt32($0.key), score: $0.value) }.sorted { $0.ranksBefore($1) }
            let results = try searcher.search(query, limit: 20)
            #expect(results.total == expected.count, "\(query): \(results.total) matches, brute force \(expected.count)")
            #expect(try searcher.count(query) == expected.count, "\(query)")
            #expect(results.hits.count == min(20, ranked.count), "\(query)")
            for (hit, reference) in zip(results.hits, ranked) {
                let score = expected[hit.doc] ?? .nan
                #expect(abs(hit.score - score) <= 1e-4 * max(score, 1e-9), "\(query): doc \(hit.doc) scored \(hit.score), brute force \(score)")
                #expect(abs(hit.score - reference.score) <= 1e-9 * max(reference.score, 1), "\(query): rank \(hit.rank)")
            }
            if try searcher.count(query) > plain.count(query) { widened += 1 }
        }
        // The lines change what most of these find.
        #expect(widened >= 6, "\(widened)")
        // A word the index lacks but a line names is searched, not corrected; the others still are.
        let named = Searcher(reader: reader, synonyms: try Synonyms(text: "ecolo, écologie"))
        #expect(try named.count("ecolo") > 0 && plain.count("ecolo") == 0)
        #expect(try plain.suggest("ecolo") != nil)
        #expect(try named.suggest("ecolo") == nil)
        #expect(try named.suggest("ecolo ecnomie") == "ecolo économie")
        // A synonym found is highlighted as the word typed is.
        let hit = try #require(try searcher.search("ressourcerie", limit: 10).hits.first { $0.snippet.marked().lowercased().contains("[recyclerie") })
        #expect(!hit.snippet.marked().lowercased().contains("[ressourcerie"))
    }
}
