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
        // Lines saved on Windows end with "\r\n".
        let windows = try Synonyms(text: "mer, océan\r\nvélo, bicyclette\r\n")
        let ocean = try windows.expansions(of: analyzer.tokens("océan"))
        #expect(windows.count == 4 && ocean?.count == 2)
        // A word on several lines searches what each names.
        let merged = try Synonyms(text: "mer, océan\nmer => marée")
        #expect(try merged.expansions(of: analyzer.tokens("mer"))?.map { $0.map(\.term) } == [["mer"], ["ocean"], ["mar"]])
    }

    /// Bare words in a row that make an entry are found as one: the longest run from each start, in one
    /// field, with the entries of its line less the run itself, and whether the words are searched.
    @Test func wordsInARowMakeAnEntry() throws {
        let synonyms = try Synonyms(text: Self.lines + "\nESS, économie sociale et solidaire\nsocial, solidaire\nmer bleue => océan")
        let analyzer = try FrenchAnalyzer()
        func runs(_ query: String) throws -> [String] {
            guard case .and(let nodes) = try QueryParser().parse(query) else { return [] }
            return try synonyms.wordRuns(in: nodes, analyzer: analyzer).map { run in
                "\(run.range.lowerBound)..<\(run.range.upperBound) \(run.keepsWords) " + run.entries.map { $0.map(\.term).joined(separator: " ") }.joined(separator: ",")
            }
        }
        #expect(try runs("économie sociale et solidaire") == ["0..<4 true ess"])
        #expect(try runs("projet Économie Sociale et Solidaire jardin") == ["1..<5 true ess"])
        #expect(try runs("clichy sous bois") == ["0..<3 true banlieu"])
        #expect(try runs("mer bleue") == ["0..<2 false ocean"])
        // Fields must agree; a boosted or excluded word, or one inside a phrase, breaks the run.
        #expect(try runs("title:mer bleue") == [])
        #expect(try runs("title:mer title:bleue") == ["0..<2 false ocean"])
        #expect(try runs("mer^2 bleue") == [])
        #expect(try runs("mer -bleue") == [])
        #expect(try runs("économie sociale solidaire") == [])
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
        let synonyms = try Synonyms(text: Self.lines + "\nESS, économie sociale et solidaire\nbois, forêt")
        let searcher = Searcher(reader: reader, synonyms: synonyms)
        searcher.pruning = .everywhere
        let brute = try BruteForce(reader: reader)
        brute.synonyms = synonyms
        let plain = Searcher(reader: reader)
        var widened = 0
        for query in ["recyclerie", "ressourceries", "ESS", "ess solidaire", "\"économie sociale et solidaire\"", "vélo OR jardin",
                      "title:jardin", "jardin -emploi", "emploi^3 OR recyclerie", "Clichy-sous-Bois", "\"clichy sous bois\"~2",
                      "travail", "potager emploi", "économie sociale et solidaire", "projet économie sociale et solidaire -emploi",
                      "title:économie title:sociale title:et title:solidaire", "clichy sous bois", "(économie sociale et solidaire) OR vélo",
                      "économie sociale et solidaire^2"] {
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
