import Foundation
import Testing
@testable import Indexer
@testable import Query
import TestSupport

/// One index of the bundled corpus for the suite.
final class BundledIndex: @unchecked Sendable {
    static let shared = try! BundledIndex()
    let folder = ProcessScratch.path("searcher")
    let reader: IndexReader
    let searcher: Searcher

    init() throws {
        _ = try IndexBuilder.build(paths: [QueryFixtures.corpus], output: folder)
        reader = try IndexReader(path: folder)
        searcher = Searcher(reader: reader)
    }
}

@Suite struct SearcherTests {
    let searcher = BundledIndex.shared.searcher

    @Test func accentsCaseAndElisionDoNotMatter() throws {
        let reference = try searcher.search("économie", limit: 50)
        #expect(reference.total > 20)
        for variant in ["ÉCONOMIE", "economie", "l’économie", "L'ECONOMIE", "Économie"] {
            let results = try searcher.search(variant, limit: 50)
            #expect(results.total == reference.total, "\(variant)")
            #expect(results.hits.map(\.doc) == reference.hits.map(\.doc), "\(variant)")
        }
        // Snowball stems `activité` and `activite` differently; the lexicon joins them.
        #expect(try searcher.count("activite") == searcher.count("activité"))
        #expect(try searcher.count("activite") > 10)
    }

    @Test func aTitleMadeOfCommonWordsFindsItsDocument() throws {
        let results = try searcher.search("Il était deux fois")
        #expect(results.hits.first?.title == "Il était deux fois...")
    }

    /// The searcher tells its parser the index's fields: `title: économie` is `title:économie`.
    @Test func aFieldNameFollowedBySpacesRestrictsToIt() throws {
        let spaced = try searcher.search("title: économie", limit: 50)
        #expect(spaced.total > 0)
        #expect(try spaced.total < searcher.count("économie"))
        #expect(try spaced.hits.map(\.doc) == searcher.search("title:économie", limit: 50).hits.map(\.doc))
    }

    /// Escaped, the query's special characters are the text's, which the analyzer reads as it reads
    /// the documents: `\-économie` is a word, not an exclusion, and quotes inside a phrase are punctuation.
    @Test func escapedCharactersAreSearchedAsText() throws {
        let word = try searcher.count("économie")
        #expect(word > 0)
        #expect(try searcher.count(#"\(économie\)"#) == word)
        #expect(try searcher.count(#"\-économie"#) == word)
        let phrase = try searcher.count(#""économie sociale""#)
        #expect(phrase > 0 && phrase < word)
        #expect(try searcher.count(#""économie \"sociale\"""#) == phrase)
    }

    /// A phrase being typed: its last word a prefix from 2 letters on, as typed before.
    @Test func aPhraseBeingTypedEndsWithAPrefix() throws {
        let typed = try searcher.count("\"économie soc*\""), whole = try searcher.count("\"économie sociale\"")
        #expect(whole > 0 && typed >= whole)
        #expect(try searcher.count("\"économie soc*\"") == searcher.count("\"économie soc*\" (\"économie sociale\" OR \"économie sociales\" OR \"économie socialement\" OR \"économie société\" OR \"économie sociétés\" OR \"économie social\" OR \"économie sociaux\")"))
        #expect(try searcher.count("\"économie s*\"") == searcher.count("\"économie s\""))
        let hits = try searcher.search("\"économie soc*\"", limit: 3)
        #expect(hits.hits.allSatisfy { $0.snippet.marked().range(of: "[économie] [soc", options: [.caseInsensitive, .diacriticInsensitive]) != nil })
    }

    /// A compound being typed (`Clichy-sous-Bo*`) is the phrase of its words being typed.
    @Test func aCompoundBeingTypedIsAPhraseBeingTyped() throws {
        #expect(try searcher.count("Clichy-sous-Bo*") == 1)
        #expect(try searcher.count("Clichy-sous-Bo*") == searcher.count("\"clichy sous bo*\""))
        #expect(try searcher.count("clichy-sou*") == searcher.count("\"clichy sou*\""))
        #expect(try searcher.count("title:salarié-e*") == searcher.count("title:\"salarié-e*\""))
        // One letter after the last hyphen: the phrase as typed, as in quotes.
        #expect(try searcher.count("Clichy-s*") == searcher.count("\"clichy s\""))
        let hits = try searcher.search("Clichy-sous-Bo*", limit: 1)
        #expect(hits.hits.first?.snippet.marked().contains("[Clichy-sous-Bois]") == true)
    }

    /// A compound of two words typed with its hyphen or without (`en-tête`, `entête`) finds both; with
    /// it, also the two words apart, and quoted, those alone; near other words, written either way.
    /// The match is highlighted whole.
    @Test func compoundsAreFoundWrittenEitherWay() throws {
        let reader = try DifferentialTests.index(of: [["id": "a", "title": "L’en-tête", "body": "Modifier l’en-tête de la page"],
                                                      ["id": "b", "body": "Modifier l’entête de la page"],
                                                      ["id": "c", "body": "Il est en tête de la course"],
                                                      ["id": "d", "body": "Envoyez un e-mail ou un email, dit-il."],
                                                      ["id": "f", "body": "Un entête rouge et un en-tête bleu"]])
        let small = Searcher(reader: reader)
        for (query, ids) in [("entête", ["a", "b", "f"]), ("ENTETE", ["a", "b", "f"]), ("en-tête", ["a", "b", "c", "f"]), ("\"en-tête\"", ["a", "b", "c", "f"]),
                             ("\"entête de la page\"", ["a", "b"]), ("\"modifier entête\"", ["a", "b"]), ("\"entête de la page\"~1", ["a", "b"]),
                             ("\"entête de la course\"", []), ("\"modifier entête de la pa*\"", ["a", "b"]), ("\"un entête rouge\"", ["f"]),
                             ("\"modifier l’en-tête de la page\"", ["a", "b"]), ("\"un en-tête rouge\"", ["f"]), ("\"un entête bleu\"", ["f"]),
                             ("\"en-tête de la\"~0", ["a", "b", "c"]), ("\"en-tête\"~1", ["a", "c", "f"]),
                             ("\"page en-tête\"~2", ["a", "b"]), ("\"la en-tête\"~1", ["a", "b", "c"]), ("\"la en-tête\"~0", []),
                             ("\"modifier l’en-tête de la pa*\"", ["a", "b"]), ("\"un en-tête ro*\"", ["f"]), ("\"un en-tê*\"", ["f"]),
                             ("email", ["d"]), ("e-mail", ["d"]), ("ditil", []),
                             ("page -entête", []), ("title:entête", ["a"]), ("entê*", ["a", "b", "f"])] {
            #expect(try Set(small.search(query).hits.map { $0.id }) == Set(ids), "\(query)")
        }
        // A compound whose second word is still being typed is searched as typed.
        let typing = Searcher(reader: try DifferentialTests.index(of: [["id": "g", "body": "un entête vert"], ["id": "h", "body": "un en-tête vert"]]))
        #expect(try typing.search("\"un en-tête*\"").hits.map(\.id) == ["h"])
        #expect(try typing.search("\"un en-tête ve*\"").hits.map(\.id).sorted() == ["g", "h"])
        // Quoted, a compound alone is searched as unquoted: the phrase of its words or the joined word.
        let quoted = try small.search("\"en-tête\"", explain: true).hits, unquoted = try small.search("en-tête", explain: true).hits
        #expect(quoted.map(\.id) == unquoted.map(\.id) && quoted.map(\.score) == unquoted.map(\.score))
        #expect(quoted.map(\.explanation) == unquoted.map(\.explanation))
        // Written as typed ranks first: `en-tête` is the phrase or the word, and `a` holds both.
        let asTyped = try small.search("en-tête page")
        #expect(asTyped.hits.first?.id == "a")
        #expect(asTyped.hits.first?.snippet.marked() == "Modifier l’[en-tête] de la [page]")
        let hit = try #require(try small.search("entête").hits.first { $0.id == "a" })
        #expect(hit.snippet.marked() == "Modifier l’[en-tête] de la page")
        #expect(try small.search("email").hits.first?.snippet.marked() == "Envoyez un [e-mail] ou un [email], dit-il.")
        // Where the joined word is only part of a phrase found elsewhere, the compound is not marked whole.
        #expect(try small.search("en \"entête rouge\"").hits.first?.snippet.marked() == "Un [entête] [rouge] et un [en]-tête bleu")
        // In a title too, and once where the words also match apart (the phrase of `en-tête`).
        for query in ["entête", "en-tête"] {
            let title = try small.highlight(query, inDocument: "a")?.fields.first { $0.field == StandardField.title }
            #expect(title?.highlights == ["L’".utf8.count..<"L’en-tête".utf8.count], "\(query)")
        }
        // The joined word adds no length: six words.
        #expect(reader.length(field: StandardField.body, doc: 0) == 6)
        let bundled = try searcher.count("éco-pâturage")
        #expect(try bundled > 0 && searcher.count("écopâturage") == bundled)
    }

    /// A phrase's word that compounds make (`portemonnaie` of `porte-monnaie`) finds the compound
    /// followed by the phrase's next words, as one word would be: the compound's second word, searched
    /// after it, adds nothing to the phrase's weight, so both spellings score alike.
    @Test func aPhraseFindsACompoundWrittenAsOneWordAnywhere() throws {
        let reader = try DifferentialTests.index(of: [["id": "s", "body": "un porte-monnaie vide"], ["id": "t", "body": "un portemonnaie vide rouge"],
                                                      ["id": "u", "body": "la porte monnaie vide"], ["id": "v", "body": "un portemonnaie bien vide"]])
        let small = Searcher(reader: reader)
        for query in ["\"portemonnaie vide\"", "\"un portemonnaie vide\"", "\"portemonnaie vid*\"", "\"un portemonnaie\" \"portemonnaie vide\""] {
            let hits = try small.search(query).hits
            #expect(hits.map(\.id).sorted() == ["s", "t"], "\(query)")
            #expect(hits.count == 2 && abs(hits[0].score - hits[1].score) < 1e-12, "\(query): \(hits.map(\.score))")
        }
        #expect(try small.search("\"portemonnaie vide\"").hits.first { $0.id == "s" }?.snippet.marked() == "un [porte-monnaie] [vide]")
        // Not a proximity search's: there the joined word is one word among the others.
        #expect(try small.search("\"portemonnaie vide\"~1").hits.map(\.id).sorted() == ["s", "t", "v"])
        // Two such words in one phrase, each written either way.
        let two = Searcher(reader: try DifferentialTests.index(of: [["id": "w", "body": "un porte-monnaie et un porte-clés bleu"],
                                                                    ["id": "x", "body": "un portemonnaie et un porte-clés bleu"]]))
        #expect(try two.search("\"portemonnaie et un porteclés bleu\"").hits.map(\.id).sorted() == ["w", "x"])
    }

    /// A prefix that reaches a compound's first word leaves out the compound's joined spelling, which no
    /// document writes: the compound counts once, as its first word (`info*` scores `info-bulle` as it
    /// scores `info bulle`), and the joined spelling is reached by a longer prefix only (`infob*`).
    @Test func aPrefixCountsACompoundOnce() throws {
        let reader = try DifferentialTests.index(of: [["id": "p", "body": "une info-bulle bleue"], ["id": "q", "body": "une info bulle bleue"],
                                                      ["id": "a", "body": "les méta-données"], ["id": "b", "body": "les métadonnées"]])
        let lexicon = Dictionary(uniqueKeysWithValues: try reader.lexiconEntries(prefix: "").map { ($0.surface, $0.joined) })
        #expect(lexicon["infobulle"] == JoinedSpelling(firstLength: 4, isWritten: false) && lexicon["info"] == .some(nil))
        #expect(lexicon["metadonnees"] == JoinedSpelling(firstLength: 4, isWritten: true))
        // Of several compounds, the shortest first word; an apostrophe-less spelling is not written.
        let joined = Lexicon.resolved(Set((2...30).map { Lexicon.joinedMark(firstLength: $0) + "a\($0 % 2)" }))
        #expect(joined.terms == ["a0", "a1"] && joined.joined == JoinedSpelling(firstLength: 2, isWritten: false))
        #expect(Lexicon.resolved([Lexicon.joinedMark(firstLength: 3) + "ab", "ab"]).joined == JoinedSpelling(firstLength: 3, isWritten: true))
        let fallback = Lexicon.resolved([Lexicon.joinedMark(firstLength: 3) + "ab", Lexicon.fallbackMark + "ac"])
        #expect(fallback.terms == ["ab"] && fallback.joined == JoinedSpelling(firstLength: 3, isWritten: false))
        #expect(Lexicon.resolved([Lexicon.joinedMark(firstLength: 3) + "ab", Lexicon.joinedMark(firstLength: 0) + "ab"]).joined == nil)
        let small = Searcher(reader: reader)
        for query in ["info*", "inf*", "\"une info*\""] {
            let hits = try small.search(query).hits
            #expect(hits.map(\.id).sorted() == ["p", "q"], "\(query)")
            #expect(hits.count == 2 && abs(hits[0].score - hits[1].score) < 1e-12, "\(query): \(hits.map(\.score))")
        }
        #expect(try small.search("infob*").hits.map(\.id) == ["p"])
        #expect(try small.search("info*").hits.first?.snippet.marked() == "une [info]-bulle bleue")
        // Written as one word somewhere, the spelling is a word's too: a prefix keeps it.
        #expect(try small.search("metad*").hits.map(\.id).sorted() == ["a", "b"])
    }

    /// A word with an apostrophe inside, typed without it (`aujourdhui`, `oreilly`), reaches the word;
    /// not when one letter follows it (`don't` is no `dont`), nor an English contraction's ending.
    @Test func aWordTypedWithoutItsApostropheReachesIt() throws {
        #expect(Lexicon.withoutApostrophes("aujourd'hui") == "aujourdhui" && Lexicon.withoutApostrophes("rock'n'roll") == "rocknroll")
        #expect(Lexicon.withoutApostrophes("don't") == nil && Lexicon.withoutApostrophes("economie") == nil)
        #expect(["we'll", "we're", "they've", "l'"].allSatisfy { Lexicon.withoutApostrophes($0) == nil })
        #expect(Lexicon.resolved(["solidair", Lexicon.fallbackMark + "solid'air"]).terms == ["solidair"])
        #expect(Lexicon.resolved([Lexicon.fallbackMark + "aujourd'hui"]).terms == ["aujourd'hui"])
        let bundled = try searcher.count("aujourd’hui")
        #expect(try bundled > 0 && searcher.count("aujourdhui") == bundled && searcher.count("AUJOURDHUI") == bundled)
        let reader = try DifferentialTests.index(of: [["id": "a", "body": "Don't panic"], ["id": "b", "body": "le livre dont je parle"],
                                                      ["id": "c", "body": "chez O'Reilly aujourd’hui, quelqu’un"],
                                                      ["id": "d", "body": "le projet Solid’Aire"], ["id": "e", "body": "une épicerie solidaire"]])
        let small = Searcher(reader: reader)
        // A spelling a document writes itself keeps its own meaning: `solidaire` is not `Solid’Aire`.
        for (query, ids) in [("dont", ["b"]), ("don't", ["a"]), ("oreilly", ["c"]), ("aujourdhui", ["c"]), ("quelquun", ["c"]), ("O'Reilly", ["c"]),
                             ("solidaire", ["e"]), ("Solid'Aire", ["d"])] {
            #expect(try small.search(query).hits.map { $0.id } == ids, "\(query)")
        }
    }

    /// `*:*` matches every document with the same score (1, times a boost): the first documents come
    /// first, the total is the index's, and `*:* -word` excludes from all of them.
    @Test func starStarMatchesEveryDocument() throws {
        let documents = BundledIndex.shared.reader.documentCount
        let all = try searcher.search("*:*", limit: 5, exactTotal: false)
        #expect(all.total == documents && all.totalIsExact)
        #expect(all.hits.map(\.doc) == Array(0..<5) && all.hits.allSatisfy { $0.score == 1 })
        #expect(try searcher.search("*:*", limit: 5, offset: documents - 2).hits.map(\.doc) == [documents - 2, documents - 1])
        #expect(try searcher.count("*:* -économie") == documents - searcher.count("économie"))
        #expect(try searcher.search("*^3", limit: 1).hits.first?.score == 3)
        // Beside a word, it adds its constant to every match: the word's order, and all documents.
        let word = try searcher.search("économie", limit: 10)
        let beside = try searcher.search("économie OR *:*", limit: 10)
        #expect(beside.total == documents && beside.hits.map(\.doc) == word.hits.map(\.doc))
        let hit = try #require(try searcher.search("*:*", limit: 1, explain: true).hits.first)
        #expect(hit.explanation == ["1.0000  every document (*:*)"] && !hit.snippet.text.isEmpty)
    }

    @Test func phrasesNeedAdjacentWords() throws {
        #expect(try searcher.count("\"clichy sous bois\"") == 1)
        #expect(try searcher.count("\"bois sous clichy\"") == 0)
        #expect(try searcher.count("\"bois sous clichy\"~4") == 1)
        #expect(try searcher.count("Clichy-sous-Bois") == 1)
        #expect(try searcher.count("\"salariés accompagnés\"") == searcher.count("\"salarié-e-s accompagné-e-s\""))
    }

    /// A field one document in seven holds (sparse lengths in norms.fts): `note:*` finds exactly them,
    /// and `-note:*` the others, read from the lengths spread into memory.
    @Test func aSparseFieldExistsWhereItsDocumentsHoldIt() throws {
        let folder = ProcessScratch.path("sparse-field")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try QueryFixtures.generateCorpus(at: folder + "/corpus.jsonl", documents: 700, seed: 4)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        let reader = try IndexReader(path: folder + "/index")
        let searcher = Searcher(reader: reader)
        // The documents whose stored note has a word, as the analyzer reads it.
        let note = try #require(reader.meta.field(named: "note"))
        let analyzer = try FrenchAnalyzer()
        let expected = try Set((0..<reader.documentCount).filter { doc in
            try reader.storedFields(doc).value(of: note).map { try !analyzer.tokens($0).isEmpty } ?? false
        })
        #expect(expected.count > 80)
        #expect(Set(try searcher.search("note:*", limit: 200).hits.map(\.doc)) == expected)
        #expect(try searcher.count("*:* -note:*") == 700 - expected.count)
    }

    /// An index of one document per body (ids `d0`, `d1`, …), titled `t` unless `titles` are given.
    static func index(bodies: [String], titles: [String]? = nil, in name: String) throws -> IndexReader {
        let folder = ProcessScratch.path(name)
        var lines = ""
        for (index, body) in bodies.enumerated() {
            let object: [String: Any] = ["id": "d\(index)", "title": titles?[index] ?? "t", "body": body]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try lines.write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        return try IndexReader(path: folder + "/index")
    }

    /// `=word` finds the word as written (folded, not stemmed) in an index built with exact forms, marks
    /// it in titles and bodies alone, and leaves every other search and listing as it was; in an index
    /// without them it is an error that says how to build one.
    /// Searchers over the (title, body) documents `d0`, `d1`…, indexed with exact forms and without.
    private static func exactAndPlain(_ documents: [(String, String)], in name: String) throws -> (exact: Searcher, plain: Searcher) {
        let folder = ProcessScratch.path(name)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var lines = ""
        for (index, (title, body)) in documents.enumerated() {
            lines += String(decoding: try JSONSerialization.data(withJSONObject: ["id": "d\(index)", "title": title, "body": body]), as: UTF8.self) + "\n"
        }
        try lines.write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        var options = IndexBuildOptions()
        options.exactForms = true
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/exact", options: options)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/plain")
        return (Searcher(reader: try IndexReader(path: folder + "/exact")), Searcher(reader: try IndexReader(path: folder + "/plain")))
    }

    @Test func exactWordsFindTheFormAsWritten() throws {
        let (exact, plain) = try Self.exactAndPlain([("Économies d'énergie", "Les économies locales"), ("Sociale", "L’économie sociale et solidaire"),
                                                     ("Politique", "Une politique économique"), ("Fiche", "Clichy-sous-Bois et ses économies")],
                                                    in: "exact-words")
        func ids(_ query: String) throws -> [String] { try exact.search(query, limit: 10).hits.map(\.id).sorted() }
        #expect(try ids("économie") == ["d0", "d1", "d2", "d3"])
        #expect(try ids("=économie") == ["d1"])
        #expect(try ids("=ECONOMIES") == ["d0", "d3"])
        #expect(try ids("=économique") == ["d2"])
        #expect(try ids("=économies -title:fiche") == ["d0"])
        #expect(try ids("=Clichy-sous-Bois") == ["d3"])
        #expect(try ids("title:(=économies)") == ["d0"])
        // The forms starting with a prefix, where a prefix of stems reaches every form of their stems.
        #expect(try ids("économie*") == ["d0", "d1", "d2", "d3"])
        #expect(try ids("=économie*") == ["d0", "d1", "d3"])
        #expect(try ids("=ÉCONOMIQ*") == ["d2"])
        #expect(try ids("\"les =économie*\"") == ["d0"])
        #expect(try ids("=clichy-sous-bo*") == ["d3"])
        #expect(throws: QueryError("a prefix needs at least 2 letters before *", column: 1)) { try exact.search("=é*") }
        let prefixed = try exact.search("=économie*", explain: true).hits.first { $0.id == "d1" }?.explanation
        #expect(prefixed?.contains { $0.contains("body:=economie (=economie*)") } == true, "\(prefixed ?? [])")
        // Scores, counts and listings otherwise as in an index without exact forms.
        for query in ["économie", "\"économie sociale\"", "écon*", "ecnomie~", "/econom.*/"] {
            #expect(try exact.search(query, limit: 10).hits.map(\.score) == plain.search(query, limit: 10).hits.map(\.score), "\(query)")
        }
        #expect(try exact.reader.terms(field: StandardField.body, prefix: "").map(\.term) == plain.reader.terms(field: StandardField.body, prefix: "").map(\.term))
        // Marked where the form is written, in the title and the body.
        // Explained as typed, with no NUL byte.
        let explained = try exact.search("=économies", explain: true).hits.first { $0.id == "d0" }?.explanation
        #expect(explained?.map { $0.drop { $0 != " " } } == ["  title:=economies  tf=1 idf=1.2040 boost=2 length=2 avg=1.2",
                                                             "  body:=economies  tf=1 idf=0.6931 boost=1 length=3 avg=4.0"], "\(explained ?? [])")
        let hit = try #require(try exact.search("=économies", titleHighlights: true).hits.first { $0.id == "d0" })
        #expect(Snippet(text: hit.title, highlights: hit.titleHighlights).marked() == "[Économies] d'énergie")
        let body = try #require(try exact.highlight("=économies", inDocument: "d3")?.fields.first { $0.field == StandardField.body })
        #expect(Snippet(text: body.value, highlights: body.highlights ?? []).marked() == "Clichy-sous-Bois et ses [économies]")
        #expect(throws: QueryError("=économie: this index holds no exact forms; build it with fts index --exact-words", column: 3)) {
            try plain.search("a =économie")
        }
    }

    /// Exact words between quotes: `"=économies locales"` holds one, `="…"` is all of them, in a
    /// phrase, a proximity search, a quorum and beside NEAR; each stands where its form is written.
    @Test func exactWordsBetweenQuotes() throws {
        let (exact, plain) = try Self.exactAndPlain([("Économies d'énergie", "Les économies locales"), ("Locale", "Une économie locale et sociale"),
                                                     ("Solidaire", "L’économie sociale et solidaire"), ("Deux", "économie, économies"),
                                                     ("Économie", "Économies locales, économie sociale")], in: "exact-quoted")
        func ids(_ query: String) throws -> [String] { try exact.search(query, limit: 10).hits.map(\.id).sorted() }
        #expect(try ids("\"économies locales\"") == ["d0", "d1", "d4"])
        #expect(try ids("\"=économies locales\"") == ["d0", "d4"])
        #expect(try ids("\"économies =locale\"") == ["d1"])
        #expect(try ids("=\"économie locale\"") == ["d1"])
        #expect(try ids("=« Économies locales »") == ["d0", "d4"])
        #expect(try ids("\"=économie sociale\"~1") == ["d2", "d4"])
        #expect(try ids("\"=économie sociale\"~2") == ["d1", "d2", "d4"])
        #expect(try ids("=économie ADJ/3 =sociale") == ["d1", "d2", "d4"])
        #expect(try ids("=économies NEAR/3 =sociale") == ["d4"])
        #expect(try ids("\"=économies =locales solidaire\"/2") == ["d0", "d4"])
        #expect(try ids("\"=économie =locale solidaire\"/2") == ["d1", "d2"])
        #expect(try ids("title:(=\"économie\")") == ["d4"])
        // An occurrence of a form is one of its word's too: each word needs one of its own.
        #expect(try ids("\"=économie économie\"~3") == ["d3", "d4"])
        // Every form, the form typed adding to the scores of the documents writing it (QUERY.md).
        func scores(_ query: String) throws -> [String: Double] {
            Dictionary(uniqueKeysWithValues: try exact.search(query, limit: 10).hits.map { ($0.id, $0.score) })
        }
        let (stems, favoured) = (try scores("économie"), try scores("économie MAYBE =économie"))
        #expect(Set(favoured.keys) == Set(stems.keys) && stems.count == 5)
        #expect(favoured["d0"] == stems["d0"] && ["d1", "d2", "d3", "d4"].allSatisfy { favoured[$0]! > stems[$0]! }, "\(stems) \(favoured)")
        #expect(try ids("\"=économies économie\"~0") == ["d3"])
        // Marked where the phrase is, each word as written; explained as typed.
        let hit = try #require(try exact.search("\"=économies d’énergie\"", titleHighlights: true).hits.first)
        #expect(Snippet(text: hit.title, highlights: hit.titleHighlights).marked() == "[Économies] d'[énergie]")
        let body = try #require(try exact.highlight("\"=économie sociale\"", inDocument: "d4")?.fields.first { $0.field == StandardField.body })
        #expect(Snippet(text: body.value, highlights: body.highlights ?? []).marked() == "Économies locales, [économie] [sociale]")
        let explained = try exact.search("\"=économies locales\"", explain: true).hits.first { $0.id == "d0" }?.explanation
        #expect(explained?.contains { $0.contains("body:\"=economies locales\"") } == true, "\(explained ?? [])")
        // Typed as meant: not respelt (the word beside it is).
        #expect(try exact.suggest("\"=économiies locaels\"") == "\"=économiies locales\"")
        #expect(try exact.suggest("\"économiies locaels\"") == "\"économies locales\"")
        #expect(throws: QueryError("=économie: this index holds no exact forms; build it with fts index --exact-words", column: 3)) {
            try plain.search("a \"b =économie\"")
        }
        #expect(try plain.search("\"\\=économie locale\"").total == 3)
        // Typed as Sphinx writes it (`@title ="…"`), a field's value: the error says how to write the words.
        #expect(throws: QueryError("field \"title\" keeps no values to match exactly (fields with values: path); its words as written: "
                                   + "title:(=\"économie locale\")", column: 1)) { try exact.search("title:=\"économie locale\"") }
        #expect(throws: QueryError("field \"title\" keeps no values to match exactly (fields with values: path)", column: 1)) {
            try plain.search("title:=économie")
        }
    }

    /// Each word of a proximity search needs an occurrence of its own: a word typed twice must occur
    /// twice in the window, as in Lucene's sloppy phrases (an occurrence used to count for both).
    @Test func proximityCountsRepeatedWordsOnce() throws {
        let bodies = ["le bois est beau", "bois et bois", "bois bois", "bois bois bois", "forêt du bois, puis la forêt",
                      "un savoir-faire", "savoir-faire et savoir-faire"]
        let searcher = Searcher(reader: try Self.index(bodies: bodies, in: "proximity-repeats"))
        func ids(_ query: String) throws -> [String] { try searcher.search(query, limit: 10).hits.map(\.id).sorted() }
        #expect(try ids("\"bois bois\"~0") == ids("\"bois bois\""))
        #expect(try ids("\"bois bois\"~0") == ["d2", "d3"])
        #expect(try ids("\"bois bois\"~1") == ["d1", "d2", "d3"])
        #expect(try ids("\"bois bois\"~5") == ["d1", "d2", "d3"])
        #expect(try ids("\"bois bois bois\"~3") == ["d3"])
        #expect(try ids("\"forêt bois forêt\"~3") == ["d4"])
        #expect(try ids("\"forêt bois forêt\"~2") == [])
        // Spellings that reach the same terms are the same word.
        #expect(try ids("\"forêt bois foret\"~3") == ["d4"])
        // A compound's joined word stands where its first word does: one occurrence for the two.
        #expect(try ids("\"savoir-faire savoir-faire\"~1") == ["d6"])
        #expect(try ids("\"savoirfaire savoir\"~3") == ["d6"])
    }

    /// `a NEAR/N b` finds the two at most N positions apart, in either order, and 10 apart without
    /// `/N`, as Xapian's NEAR does; the same documents, scores and order as `"a b"~(N-1)`.
    @Test func nearFindsWordsAtMostNPositionsApart() throws {
        let between = { (count: Int) in Array(repeating: "mot", count: count).joined(separator: " ") }
        let bodies = ["jardin potager", "potager du jardin", "jardin \(between(2)) potager",
                      "jardin \(between(9)) potager", "potager \(between(10)) jardin"]
        let searcher = Searcher(reader: try Self.index(bodies: bodies, in: "near"))
        func ids(_ query: String) throws -> [String] { try searcher.search(query, limit: 10).hits.map(\.id).sorted() }
        #expect(try ids("jardin NEAR/1 potager") == ["d0"])
        #expect(try ids("potager NEAR/2 jardin") == ["d0", "d1"])
        #expect(try ids("jardin NEAR/3 potager") == ["d0", "d1", "d2"])
        #expect(try ids("jardin NEAR/9 potager") == ["d0", "d1", "d2"])
        #expect(try ids("jardin NEAR potager") == ["d0", "d1", "d2", "d3"])
        #expect(try ids("jardin NEAR/11 potager") == ["d0", "d1", "d2", "d3", "d4"])
        #expect(try ids("jardin NEAR/2 mot NEAR/11 potager") == ["d2", "d3", "d4"])
        let near = try searcher.search("jardin NEAR/3 potager", limit: 10).hits.map { [$0.id, String($0.score)] }
        #expect(near == (try searcher.search("\"jardin potager\"~2", limit: 10).hits.map { [$0.id, String($0.score)] }))
    }

    /// `a ADJ/N b` finds `a` then `b` at most N positions after it, never `b` before `a`; each word at
    /// an occurrence after the one before's (`bois ADJ bois` needs two), and only the occurrences of
    /// a match are highlighted.
    @Test func adjFindsWordsInOrder() throws {
        let between = { (count: Int) in Array(repeating: "mot", count: count).joined(separator: " ") }
        let bodies = ["jardin potager", "potager du jardin", "jardin \(between(2)) potager", "jardin \(between(9)) potager",
                      "potager \(between(3)) jardin \(between(12)) potager", "bois", "bois bois", "bois du bois",
                      "jardin potager jardin"]
        let searcher = Searcher(reader: try Self.index(bodies: bodies, in: "adj"))
        func ids(_ query: String) throws -> [String] { try searcher.search(query, limit: 10).hits.map(\.id).sorted() }
        #expect(try ids("jardin ADJ/1 potager") == ["d0", "d8"])
        #expect(try ids("potager ADJ/1 jardin") == ["d8"])
        #expect(try ids("potager ADJ/2 jardin") == ["d1", "d8"])
        #expect(try ids("jardin ADJ/3 potager") == ["d0", "d2", "d8"])
        #expect(try ids("jardin ADJ potager") == ["d0", "d2", "d3", "d8"])
        #expect(try ids("jardin ADJ/13 potager") == ["d0", "d2", "d3", "d4", "d8"])
        #expect(try ids("potager ADJ/4 jardin") == ["d1", "d4", "d8"])
        #expect(try ids("jardin ADJ/2 mot ADJ/11 potager") == ["d2", "d3"])
        #expect(try ids("bois ADJ/1 bois") == ["d6"])
        #expect(try ids("bois ADJ/2 bois") == ["d6", "d7"])
        // In order, one match where NEAR finds it either way.
        #expect(try ids("potager NEAR/4 jardin") == ["d0", "d1", "d2", "d4", "d8"])
        let hit = try searcher.search("potager ADJ/4 jardin", limit: 10).hits.first { $0.id == "d4" }!
        let marked = hit.snippet.highlights.map { String(decoding: hit.snippet.utf8[$0], as: UTF8.self) }
        #expect(marked == ["potager", "jardin"], "\(marked)")
        // Here NEAR's highlights would take the first `jardin` too.
        let inOrder = try searcher.search("potager ADJ/1 jardin", limit: 10).hits[0].snippet
        #expect(inOrder.highlights.map { inOrder.utf8[$0.lowerBound] } == [UInt8(ascii: "p"), UInt8(ascii: "j")] && inOrder.highlights[0].lowerBound > 0)
        #expect(try searcher.search("potager ADJ/4 jardin", limit: 1, explain: true, snippets: false).hits[0].explanation?
                    .contains { $0.contains("~3 in order") } == true)
    }

    /// `a MAYBE b` finds `a`'s documents, no more, and adds `b`'s score to those that hold it: the
    /// order changes, the matches and their count do not.
    @Test func maybeRanksWithoutMatching() throws {
        let bodies = ["jardin jardin jardin", "jardin potager", "potager seul", "jardin bio potager", "jardin"]
        let searcher = Searcher(reader: try Self.index(bodies: bodies, in: "maybe"))
        func ranked(_ query: String) throws -> [String] { try searcher.search(query, limit: 10, snippets: false).hits.map(\.id) }
        let alone = try searcher.search("jardin", limit: 10, snippets: false)
        let lifted = try searcher.search("jardin MAYBE potager", limit: 10, snippets: false)
        #expect(try lifted.total == 4 && alone.total == 4 && searcher.count("jardin MAYBE potager") == 4)
        #expect(Set(lifted.hits.map(\.id)) == Set(alone.hits.map(\.id)))
        #expect(try ranked("jardin") == ["d0", "d4", "d1", "d3"])
        #expect(try ranked("jardin MAYBE potager") == ["d1", "d3", "d0", "d4"])
        // Each document's score is `jardin`'s, plus `potager`'s where it is found.
        let potager = try searcher.search("jardin potager", limit: 10, snippets: false)
        for hit in lifted.hits {
            let expected = potager.hits.first { $0.id == hit.id }?.score ?? alone.hits.first { $0.id == hit.id }!.score
            #expect(abs(hit.score - expected) <= 1e-12 * expected, "\(hit.id)")
        }
        // Several optional clauses add up; one that matches nothing changes nothing.
        #expect(try ranked("jardin MAYBE potager MAYBE bio") == ["d3", "d1", "d0", "d4"])
        #expect(try ranked("jardin MAYBE absent") == (try ranked("jardin")))
        // Excluded, it excludes what it requires.
        #expect(try ranked("potager -(jardin MAYBE bio)") == ["d2"])
        // Explained: the optional word's part where it counts.
        let explained = try searcher.search("jardin MAYBE potager", limit: 1, explain: true, snippets: false).hits[0].explanation ?? []
        #expect(explained.contains { $0.contains("potager") } && explained.contains { $0.contains("jardin") })
        // The optional words are highlighted too.
        let snippet = try searcher.search("jardin MAYBE bio", limit: 10).hits.first { $0.id == "d3" }!.snippet
        #expect(snippet.highlights.map { String(decoding: snippet.utf8[$0], as: UTF8.self) } == ["jardin", "bio"])
    }

    /// The proximity boost's slop (`BM25Parameters.proximitySlop`): a pair lifts the documents where its
    /// words stand within it, and no other; the matches stay the conjunction's.
    @Test func proximitySlopDecidesWhichDocumentsAPairLifts() throws {
        let bodies = ["économie solidaire", "économie sociale et solidaire", "une économie ici, et là-bas une vie solidaire",
                      "solidaire économie"]
        let reader = try Self.index(bodies: bodies, in: "proximity-slop")
        let plain = try Searcher(reader: reader).search("économie solidaire", limit: 10, snippets: false)
        func lifted(slop: Int) throws -> [String] {
            let searcher = Searcher(reader: reader, parameters: BM25Parameters(proximityBoost: 1, proximitySlop: slop))
            let results = try searcher.search("économie solidaire", limit: 10, snippets: false)
            #expect(results.total == plain.total)
            return results.hits.filter { hit in hit.score > plain.hits.first { $0.id == hit.id }!.score * (1 + 1e-9) }.map(\.id).sorted()
        }
        // At most `slop` words between the two, in either order: side by side at 0, two words between
        // from 2, six (`ici et là bas une vie`) from 6.
        #expect(try lifted(slop: 0) == ["d0", "d3"])
        #expect(try lifted(slop: 1) == ["d0", "d3"])
        #expect(try lifted(slop: 2) == ["d0", "d1", "d3"])
        #expect(try lifted(slop: 5) == ["d0", "d1", "d3"])
        #expect(try lifted(slop: 6) == ["d0", "d1", "d2", "d3"])
        #expect(BM25Parameters(proximitySlop: 65).problem == "the proximity slop must be between 0 and 64 (it is 65)")
        #expect(BM25Parameters(proximitySlop: -1).problem != nil)
    }

    /// A boosted word pairs as typed (`économie^3 solidaire`): the pair adds to each document what it
    /// adds to the same words unboosted, and the boost weighs the word's own score alone.
    @Test func boostedWordsStillMakePairs() throws {
        let bodies = ["économie solidaire", "économie sociale et solidaire", "une économie ici, et là-bas une vie solidaire"]
        let reader = try Self.index(bodies: bodies, in: "proximity-boosted")
        let plain = Searcher(reader: reader), near = Searcher(reader: reader, parameters: BM25Parameters(proximityBoost: 1))
        func scores(_ searcher: Searcher, _ query: String) throws -> [String: Double] {
            Dictionary(uniqueKeysWithValues: try searcher.search(query, limit: 10, snippets: false).hits.map { ($0.id, $0.score) })
        }
        for query in ["économie^3 solidaire", "économie solidaire^0.5", "économie^2 solidaire^2", "(économie solidaire)^2",
                      "(économie solidaire)^0.5 *:*", "\"économie solidaire\"/1^2"] {
            let added = try scores(near, query).merging(try scores(plain, query)) { $0 - $1 }
            let pairs = try scores(near, "économie solidaire").merging(try scores(plain, "économie solidaire")) { $0 - $1 }
            #expect(added.keys.sorted() == ["d0", "d1", "d2"], "\(query)")
            for (id, pair) in pairs {
                #expect(abs(added[id]! - pair) <= 1e-9 * max(pair, 1), "\(query): \(id)")
            }
            #expect(pairs["d0"]! > 0 && pairs["d1"]! > 0 && pairs["d2"]! == 0)
            let explained = try near.search(query, limit: 1, explain: true, snippets: false).hits[0].explanation ?? []
            #expect(explained.contains { $0.contains("body:\"economie solidaire\"~2  phrase freq=1") }, "\(explained)")
        }
    }

    /// Words that share some terms but not all: `données` reaches `don` (données) and `donne`
    /// (donnees, stemmed without its accent), `donner` only `don`. One occurrence of `don` stands for
    /// one of them, never for both (it used to count for both).
    @Test func proximityWordsSharingTermsNeedTheirOwnOccurrences() throws {
        let bodies = ["les données du projet", "donner des données", "les donnees brutes", "donner ces donnees",
                      "données données", "donnees donnees", "données puis donnees", "donner", "des jours, dès demain"]
        let reader = try Self.index(bodies: bodies, in: "proximity-sharing")
        #expect(try reader.lexiconTerms(surface: "donnees") == ["don", "donne"])
        #expect(try reader.lexiconTerms(surface: "donner") == ["don"])
        let searcher = Searcher(reader: reader)
        func ids(_ query: String) throws -> [String] { try searcher.search(query, limit: 20).hits.map(\.id).sorted() }
        #expect(try ids("\"donner données\"~3") == ["d1", "d3", "d4", "d6"])
        #expect(try ids("\"données donner\"~0") == ["d4"])
        #expect(try ids("\"données données donner\"~1") == [])
        #expect(try ids("\"données donnees donner\"~0") == [])
        #expect(try ids("\"donner données données\"~4") == [])
        #expect(try ids("\"données données\"~0") == ["d4", "d5"])
        // `des` (and `dès`, folded alike) reaches `de` (des) and `des` (dès), `de` only `de`: d1's
        // lone `des` is not both.
        #expect(try ids("\"des dès\"~2") == ["d8"])
        #expect(try ids("\"de des\"~5") == ["d8"])
        #expect(try ids("\"des des\"~2") == ["d8"])
        let brute = try BruteForce(reader: reader)
        for query in ["\"donner données\"~3", "\"données donner\"~0", "\"données donnees donner\"~0", "\"des dès\"~2", "\"de des\"~5"] {
            let expected = try #require(try brute.evaluate(QueryParser().parse(query)))
            #expect(try searcher.search(query, limit: 20).hits.map(\.doc).sorted() == expected.keys.sorted(), "\(query)")
        }
    }

    /// A correction that only titles hold is spelt as a title writes it: titles are analysed again
    /// to find it, where the body's token offsets serve otherwise.
    @Test func suggestionsSpeltAsTitlesWriteThem() throws {
        let reader = try Self.index(bodies: ["un jardin partagé", "un jardin ouvert"],
                                    titles: ["Les Coopératives d’habitants", "Les coopératives d’habitants"], in: "suggest-titles")
        let searcher = Searcher(reader: reader)
        #expect(try searcher.suggest("coopratives jardn") == "coopératives jardin")
        #expect(try searcher.suggest("Coopratives habitnts") == "Coopératives habitants")
    }

    /// A space typed inside a word or left out between two: unknown words are joined to the word
    /// beside them, or split in two words that a document writes side by side, or after an elided
    /// article, spelt as the documents write them.
    @Test func suggestionsJoinAndSplitWords() throws {
        #expect(try searcher.suggest("aujourd hui") == "aujourd'hui")
        #expect(try searcher.suggest("AUJOURD HUI") == "AUJOURD'HUI")
        #expect(try searcher.suggest("coop ératives") == "coopératives")
        #expect(try searcher.suggest("jardin sala riés") == "jardin salariés")
        #expect(try searcher.suggest("economiesociale") == "économie sociale")
        #expect(try searcher.suggest("jardinsde cocagne") == "jardins de cocagne")
        #expect(try searcher.suggest("\"jardinsde cocagne\"") == "\"jardins de cocagne\"")
        #expect(try searcher.suggest("dinsertion") == "d'insertion")
        // A split word of a field stays in it, both its words.
        #expect(try searcher.suggest("title:jardinsde") == "title:\"jardins de\"")
        // Words apart by more than spaces, or searched in different fields, are not joined.
        #expect(try searcher.suggest("aujourd OR hui") == "autour OR qui")
        #expect(try searcher.suggest("title:aujourd hui") == "title:autour qui")
        // Two known words written side by side by no document are no split: `ecnomie` is respelt.
        #expect(try searcher.suggest("ecnomie") == "économie")
        // A quorum keeps its number of words.
        #expect(try searcher.suggest("\"jardin economiesociale\"/2") == nil)

        // The split goes first unless a spelling one edit away is in ten times more documents.
        let bodies = ["une lava box"] + Array(repeating: "un lavabo", count: 11)
        let splits = Searcher(reader: try Self.index(bodies: bodies, in: "suggest-splits"))
        #expect(try splits.suggest("lavabox") == "lavabo")
        let fewer = Searcher(reader: try Self.index(bodies: Array(bodies.prefix(11)), in: "suggest-splits-fewer"))
        #expect(try fewer.suggest("lavabox") == "lava box")
        #expect(try fewer.suggest("lavabx") == "lavabo")
    }

    /// A query names the title and the body by their French names too, unless a field has that name.
    @Test func frenchNamesOfTheTitleAndTheBody() throws {
        #expect(try searcher.count("titre:jardin") == searcher.count("title:jardin") && searcher.count("title:jardin") > 0)
        #expect(try searcher.count("Texte:jardin") == searcher.count("body:jardin") && searcher.count("contenu:jardin") == searcher.count("body:jardin"))
        #expect(throws: QueryError("unknown field \"corps\" (fields: title, body)", column: 1)) { try searcher.count("corps:jardin") }
        let folder = ProcessScratch.path("french-field")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "{\"title\": \"mer\", \"titre\": \"lac\"}\n".write(toFile: folder + "/c.jsonl", atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [folder + "/c.jsonl"], output: folder + "/index")
        let own = Searcher(reader: try IndexReader(path: folder + "/index"))
        #expect(try own.count("titre:lac") == 1 && own.count("titre:mer") == 0 && own.count("title:mer") == 1)
    }

    /// A word some documents misspell is known, yet respelt as the word one letter doubled or
    /// undoubled, or two letters swapped, away when that is in ten times the documents and the query
    /// as typed finds few.
    @Test func suggestionsRespellRareKnownSlips() throws {
        func suggest(_ query: String, bodies: [String], in name: String) throws -> String? {
            try Searcher(reader: try Self.index(bodies: bodies, in: name)).suggest(query)
        }
        let slip = ["une instalation", "un paysage"] + Array(repeating: "une installation, un passage", count: 10)
        #expect(try suggest("instalation", bodies: slip, in: "popular-slip") == "installation")
        #expect(try suggest("Instalation du paquet", bodies: slip, in: "popular-slip") == "Installation du paquet")
        // Two letters swapped are a likely slip too.
        let swapped = ["une intsallation"] + Array(repeating: "une installation", count: 10)
        #expect(try suggest("intsallation", bodies: swapped, in: "popular-swapped") == "installation")
        // One edit but no likely slip: `paysage` is a word of its own.
        #expect(try suggest("paysage", bodies: slip, in: "popular-slip") == nil)
        // Fewer than ten times the documents.
        #expect(try suggest("instalation", bodies: Array(slip.prefix(11)), in: "popular-fewer") == nil)
        // The query as typed finds more than five documents.
        let many = Array(repeating: "une instalation", count: 6) + Array(repeating: "une installation", count: 60)
        let common = Searcher(reader: try Self.index(bodies: many, in: "popular-many"))
        #expect(try common.suggest("instalation") == nil)
        // A search's total stands for the count of the query as typed, unless it counted other matches.
        #expect(try common.suggest("instalation", matches: 5) == "installation" && common.suggest("instalation", matches: 6) == nil)
        let results = try common.search("instalation", limit: 1)
        #expect(Searcher.queryMatches(of: results, filters: [], fields: nil, collapse: nil) == 6)
        #expect(Searcher.queryMatches(of: results, filters: [], fields: ["title"], collapse: nil) == nil)
        #expect(Searcher.queryMatches(of: results, filters: [], fields: nil, collapse: FieldCollapse(field: "path")) == nil)
        // Words of four letters have too many neighbours of their own: `cane` stays.
        #expect(try suggest("cane", bodies: ["une cane"] + Array(repeating: "une canne", count: 10), in: "popular-short") == nil)
        // Among spellings one edit from an unknown word, a letter doubled goes before more documents.
        let mission = ["la mission", "la mission"] + Array(repeating: "la vision", count: 5)
        #expect(try suggest("mision", bodies: mission, in: "doubled-first") == "mission")
        #expect(SpellingSuggester.doublings(of: Array("abbc".unicodeScalars)) == ["aabbc", "abbbc", "abbcc", "abc"])
        #expect(SpellingSuggester.doublings(of: Array("courier".unicodeScalars)).contains("courrier"))
    }

    /// Of an unknown word's nearest spellings, the words typed beside it choose: a later spelling goes
    /// first when the query finds twice the documents with it. Letters swapped are a likely slip, as
    /// a letter doubled is, and such a slip goes before an elided article.
    @Test func suggestionsWeighTheWordsAroundAndLikelySlips() throws {
        func suggest(_ query: String, bodies: [String], in name: String) throws -> String? {
            try Searcher(reader: try Self.index(bodies: bodies, in: name)).suggest(query)
        }
        // `ponte` is in more documents than `porte`, but only `porte` goes with `garage`.
        let doors = Array(repeating: "la ponte des oeufs", count: 6) + ["la porte du garage", "la porte du garage", "une porte"]
        #expect(try suggest("pobte", bodies: doors, in: "context") == "ponte")
        #expect(try suggest("garage pobte", bodies: doors, in: "context") == "garage porte")
        // Found twice with each: the first spelling stays.
        let even = doors + ["la ponte du garage", "la ponte du garage"]
        #expect(try suggest("garage pobte", bodies: even, in: "context-even") == "garage ponte")
        let mail = Array(repeating: "un mal", count: 5) + ["un mail", "un mail"]
        #expect(try suggest("mial", bodies: mail, in: "swapped") == "mail")
        #expect(SpellingSuggester.likelySlips(of: Array("mial".unicodeScalars)).contains("mail"))
        #expect(!SpellingSuggester.likelySlips(of: Array("amil".unicodeScalars)).contains("mail"))
        let addresses = Array(repeating: "des ordonnées", count: 30) + ["des coordonnées", "des coordonnées"]
        #expect(try suggest("cordonnées", bodies: addresses, in: "elided-or-slip") == "coordonnées")
        #expect(try suggest("dordonnées", bodies: addresses, in: "elided-or-slip") == "d'ordonnées")
    }

    /// A misspelt word finds the word's documents, and highlights what it matched.
    @Test func fuzzyWordsForgiveTypos() throws {
        let exact = try searcher.count("économie")
        #expect(try searcher.count("ecnomie") == 0)
        #expect(try searcher.count("ecnomie~") >= exact)  // two edits for seven letters: also `economic`
        #expect(try searcher.count("ecnomie~1") == exact)
        #expect(try searcher.count("ecnomie~0") == 0)
        #expect(try searcher.count("éocnomie~1") == exact)  // a transposition is one edit
        #expect(try searcher.count("économie~0") == exact)
        // Two edits reach more spellings (économique, …) than the word's own.
        #expect(try searcher.count("économie~2") > exact)
        // A spelling weighs by its distance: `ecnomie` is one edit from `economie` (and from nothing
        // else here), so each of its documents scores 7/8 of what `économie` gives it.
        let near = try searcher.search("ecnomie~1", limit: 5), word = try searcher.search("économie", limit: 5)
        #expect(near.hits.map(\.doc) == word.hits.map(\.doc))
        for (a, b) in zip(near.hits, word.hits) { #expect(abs(a.score - 7.0 / 8.0 * b.score) <= 1e-9 * b.score) }
        #expect(try searcher.search("économie~0", limit: 5).hits.map(\.score) == word.hits.map(\.score))
        // --explain shows the weight in the boost, unrounded.
        let lines = try #require(try searcher.search("ecnomie~1", limit: 1, explain: true).hits.first?.explanation)
        #expect(lines.contains { $0.contains("body:econom (ecnomie~)") && $0.contains("boost=0.875 ") }, "\(lines)")
        let hit = try #require(try searcher.search("title:cooprative~", titleHighlights: true).hits.first)
        #expect(Snippet(text: hit.title, highlights: hit.titleHighlights).marked().lowercased().contains("[coopérative"))
        // Searched in the title only, the word is not marked in the body.
        #expect(hit.snippet.highlights.isEmpty && hit.snippet.marked().lowercased().contains("coopérative"))
        #expect(throws: QueryError("fuzzy search needs a single word (Clichy-sous-Bois~)", column: 1)) { try searcher.search("Clichy-sous-Bois~") }
        // A word of 63 characters is compared, bit by bit up to its last; a longer one is refused.
        let long = String(repeating: "é", count: 62)
        #expect(try searcher.count(long + "é~1") == 0)
        #expect(try searcher.count("économie OR " + long + "é~2") == (try searcher.count("économie")))
        #expect(throws: QueryError("a fuzzy word may have at most 63 characters", column: 3)) { try searcher.search("a " + long + "éé~") }
    }

    /// A wildcard reaches the terms of the spellings it matches: `écon?mie` the same documents as
    /// `économie`; a `?` ending a word is a question mark; inside quotes, wildcards are punctuation.
    @Test func wildcardsMatchWholeSpellings() throws {
        let economie = try searcher.count("économie")
        let pattern = try searcher.count("écon?mie"), typed = try searcher.count("L’ÉCON?MIE")
        #expect(economie > 0 && pattern == economie && typed == economie)
        #expect(try searcher.count("économie?") == economie)
        // Whole spellings: `organizations` is not `organi*ation`, but `organi*ation*` reaches it.
        let spellings = try searcher.count("organisation OR organizations")
        #expect(try searcher.count("organi*ation") < spellings && (try searcher.count("organi*ation*")) == spellings)
        #expect(try searcher.count("\"écon?mie\"") == 0)
        #expect(throws: QueryError("a wildcard needs at least 2 letters before it", column: 1)) { try searcher.search("l’é?onomie") }
    }

    /// "Did you mean": unknown words get their nearest known spelling, in place, the query's syntax
    /// kept; at one distance the spelling in more documents wins (`locale` comes first in byte order).
    @Test func suggestionsCorrectUnknownWords() throws {
        #expect(try searcher.suggest("ecnomie socale") == "économie sociale")
        #expect(try searcher.search("economie sociale").total > 0)
        #expect(try searcher.suggest("title:jardn^2 \"economie socale\"~2 -coopratives") == "title:jardin^2 \"economie sociale\"~2 -coopératives")
        #expect(try searcher.suggest("l’ecnomie (jardn OR potager)") == "l’économie (jardin OR potager)")
        // Words NEAR joins are respelt in place, the operators as typed, and never split: `économie
        // sociale NEAR emploi` would be `économie (sociale NEAR emploi)`.
        #expect(try searcher.suggest("ecnomie NEAR socale") == "économie NEAR sociale")
        #expect(try searcher.suggest("jardn OR socale NEAR/2\tecnomie  NEAR   jardn") == "jardin OR sociale NEAR/2\téconomie  NEAR   jardin")
        #expect(try searcher.suggest("economiesociale emploi") == "économie sociale emploi")
        #expect(try searcher.suggest("economiesociale NEAR emploi") == nil)
        #expect(try searcher.suggest("ecnomie ADJ/2 socale") == "économie ADJ/2 sociale")
        // Both sides of MAYBE, the operator as typed.
        #expect(try searcher.suggest("jardn MAYBE ecnomie socale") == "jardin MAYBE économie sociale")
        // Known words, numbers, short words and what already reaches other spellings stay as typed.
        #expect(try searcher.suggest("économie solidaire 2014") == nil)
        #expect(try searcher.suggest("econ* socale~ soc?ale ab") == nil)
        #expect(try searcher.suggest("xyzzyq") == nil)
        // A field's name with nothing after it is searched as a word, but names the field.
        #expect(try searcher.suggest("jardn title:") == "jardin title:")
        #expect(try searcher.suggest("jardn TITLE:") == "jardin TITLE:")
        // Spelt as the documents write it, in the typed letters' case.
        #expect(try searcher.suggest("Écnomie socale") == "Économie sociale")
        #expect(try searcher.suggest("ÉCNOMIE SOCALE") == "ÉCONOMIE SOCIALE")
        #expect(try searcher.suggest("l’écnomie") == "l’économie")
        #expect(try searcher.suggest("Ecnomie ecnomie") == "Économie économie")
        #expect(try searcher.suggest("salarix") == "salarié")
        // Text escaped as a front end escapes it keeps its backslashes around the correction.
        #expect(try searcher.suggest(#"l\’ecnomie \(socale\) \-jardn"#) == #"l\’économie \(sociale\) \-jardin"#)
        #expect(try searcher.suggest(#""ecnomie \"socale\"" \\jardn"#) == #""économie \"sociale\"" \\jardin"#)
        #expect(SpellingSuggester.respell("economie", asTyped: "Éconnomié", written: "économie") == "Économie")
        #expect(SpellingSuggester.respell("economie", asTyped: "ECNOMIE", written: "économie") == "ÉCONOMIE")
        #expect(SpellingSuggester.respell("oeuvre", asTyped: "ovre", written: "œuvre") == "oeuvre")
        // With no written form (none found in the stored text), or one that does not fold to the
        // correction: typed letters where the two agree, accents kept, the rest folded.
        #expect(SpellingSuggester.respell("oeuvre", asTyped: "Œvre") == "oeuvre")
        #expect(SpellingSuggester.respell("economie", asTyped: "Éconnomié") == "Économié")
        #expect(SpellingSuggester.respell("economie", asTyped: "ecnomie", written: "économique") == "economie")
        // At most 16 unknown words are looked up, as a query holds at most 16 fuzzy words.
        let many = Array(repeating: "jardn", count: 17).joined(separator: " ")
        #expect(try searcher.suggest(many) == Array(repeating: "jardin", count: 16).joined(separator: " ") + " jardn")
    }

    /// A boost multiplies a word's score, and so reorders an OR; it changes no match.
    @Test func boostsMultiplyScores() throws {
        let plain = try searcher.search("économie", limit: 5), boosted = try searcher.search("économie^2.5", limit: 5)
        #expect(boosted.total == plain.total && boosted.hits.map(\.doc) == plain.hits.map(\.doc))
        for (a, b) in zip(plain.hits, boosted.hits) { #expect(abs(b.score - 2.5 * a.score) <= 1e-9 * b.score) }
        let first = try #require(try searcher.search("économie OR coopérative").hits.first)
        let lifted = try searcher.search("économie OR coopérative^20", limit: 1).hits.first
        #expect(lifted?.doc != first.doc)
        #expect(try searcher.search("(économie OR coopérative)^3", limit: 3).hits.map(\.doc) == searcher.search("économie OR coopérative", limit: 3).hits.map(\.doc))
    }

    /// `fields` confine the words that name no field to those fields, as if the query were written
    /// inside `title:( … )`: the same documents, scores and counts; a word that names its field keeps
    /// it, and the documents like one are read from those fields alone.
    @Test func fieldsConfineTheWordsThatNameNone() throws {
        for query in ["économie", "\"économie sociale\"", "écon*", "économie OR jardin", "économie -solidaire", "projet^2 territoire"] {
            let confined = try searcher.search(query, limit: 50, fields: ["Title"])
            let written = try searcher.search("title:(\(query))", limit: 50)
            #expect(confined.total == written.total && confined.total > 0, "\(query)")
            #expect(confined.hits.map(\.doc) == written.hits.map(\.doc) && confined.hits.map(\.score) == written.hits.map(\.score), "\(query)")
            #expect(try searcher.count(query, fields: ["title"]) == written.total, "\(query)")
            #expect(try searcher.search(query, limit: 50, fields: ["title", "body"]).hits.map(\.doc) == searcher.search(query, limit: 50).hits.map(\.doc))
        }
        #expect(try searcher.search("body:jardin", fields: ["title"]).total == searcher.count("body:jardin"))
        let like = try searcher.search("", like: "002_93f8321c060206ad.txt#6", limit: 20, explain: true, fields: ["title"])
        let unconfined = try searcher.search("", like: "002_93f8321c060206ad.txt#6")
        #expect(like.total > 0 && like.total < unconfined.total)
        #expect(like.hits.allSatisfy { $0.explanation?.allSatisfy { $0.contains(" title:") } == true })
        #expect(throws: QueryError("cannot search in \"tags\": the index searches no such field (fields: title, body)")) {
            try searcher.search("économie", fields: ["title", "tags"])
        }
    }

    /// Boosts given with one search weigh its fields as a searcher set up with them would, over the
    /// searcher's own boosts of those fields and beside its others; a field the index does not
    /// search, or a boost out of range, is an error.
    @Test func fieldBoostsOfOneSearch() throws {
        let reader = FacetTests.FacetedCorpus.shared.searcher.reader
        func searcher(_ boosts: [String: Double]) throws -> Searcher {
            Searcher(reader: reader, parameters: try BM25Parameters(titleBoost: 3, fieldBoosts: boosts).resolved(in: reader.meta))
        }
        let server = try searcher(["tags": 5, "body": 2])
        for query in ["jardin", "jardin OR bio", "tags:bio verger", "\"jardin potager\"", "comp*"] {
            let requested = try server.search(query, limit: 20, fieldBoosts: ["Tags": 0.5, "title": 1])
            let expected = try searcher(["tags": 0.5, "title": 1, "body": 2]).search(query, limit: 20)
            #expect(requested.hits.map(\.doc) == expected.hits.map(\.doc) && requested.total == expected.total, "\(query)")
            for (hit, reference) in zip(requested.hits, expected.hits) { #expect(abs(hit.score - reference.score) <= 1e-9 * reference.score, "\(query)") }
            // The request's boosts change the scores: the server's own would give others.
            #expect(!requested.hits.isEmpty, "\(query)")
            #expect(try server.search(query, limit: 20).hits.map(\.score) != requested.hits.map(\.score), "\(query)")
        }
        #expect(throws: QueryError.self) { try server.search("jardin", fieldBoosts: ["nope": 2]) }
        #expect(throws: QueryError("the boost of tags must be between 0 and 10000 (it is -1.0)")) {
            try server.search("jardin", fieldBoosts: ["tags": -1])
        }
    }

    @Test func pagesDoNotOverlapAndTiesAreDeterministic() throws {
        let all = try searcher.search("de", limit: 60)
        #expect(all.total > 60)
        var pages: [Int] = []
        for offset in stride(from: 0, to: 60, by: 7) {
            let page = try searcher.search("de", limit: 7, offset: offset)
            #expect(page.hits.first?.rank == offset + 1)
            pages.append(contentsOf: page.hits.map(\.doc))
        }
        #expect(pages.prefix(60) == all.hits.map(\.doc)[...])
        #expect(zip(all.hits, all.hits.dropFirst()).allSatisfy { $0.score > $1.score || ($0.score == $1.score && $0.doc < $1.doc) })
    }

    @Test func snippetsHighlightTheWordsAndKeepAccents() throws {
        let hit = try #require(searcher.search("economie solidaire").hits.first)
        let marked = hit.snippet.marked()
        #expect(marked.contains("[économie]") && marked.contains("[solidaire]"))
        #expect(hit.snippet.text.count <= 200)
        let bytes = Array(hit.snippet.text.utf8)
        for range in hit.snippet.highlights {
            let word = String(decoding: bytes[range], as: UTF8.self).lowercased()
            #expect(word == "économie" || word == "solidaire", "\(word)")
        }
        #expect(!hit.snippet.text.contains("\n"))
        #expect(hit.snippet.marked(open: "<b>", close: "</b>").contains("<b>économie</b>"))
    }

    /// A document with no body (a table's row, a JSON object of other fields) has its searched fields'
    /// values for a snippet when the query matched there, the words marked; else its title.
    @Test func aDocumentWithoutABodyShowsItsFieldsInItsSnippet() throws {
        let folder = ProcessScratch.path("no-body")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
            {"id":"a","nom":"Jardin partagé","description":"Un potager ouvert aux habitants","ville":"Lyon"}
            {"id":"b","title":"Le rucher","date":"2024-05-01"}
            {"id":"c","title":"Le verger","body":"Des pommiers et un potager"}

            """.write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        let searcher = Searcher(reader: try IndexReader(path: folder + "/index"))
        let hits = try searcher.search("potager").hits
        #expect(hits.map(\.id).sorted() == ["a", "c"])
        #expect(hits.first { $0.id == "a" }?.snippet.marked() == "Un [potager] ouvert aux habitants · Jardin partagé · Lyon")
        #expect(hits.first { $0.id == "c" }?.snippet.marked() == "Des pommiers et un [potager]")
        // Matched in the title alone: the title stands in.
        #expect(try searcher.search("rucher").hits.first?.snippet.marked() == "Le [rucher]")
        #expect(try searcher.search("lyon").hits.first?.snippet.marked() == "Un potager ouvert aux habitants · Jardin partagé · [Lyon]")
    }

    /// Every hit's snippet highlights only query words (the terms the lexicon takes them to), and holds
    /// the passage with the most of them.
    @Test func snippetsOfEveryHitHighlightQueryWordsOnly() throws {
        for query in ["economie solidaire", "jardin", "coopérative habitants", "\"insertion par\"", "emploi OR formation"] {
            let results = try searcher.search(query, limit: 20)
            #expect(!results.hits.isEmpty, "\(query)")
            let analyzer = try FrenchAnalyzer()
            let wanted = Set(try analyzer.tokens(query.replacingOccurrences(of: "OR", with: "")).flatMap {
                try BundledIndex.shared.reader.lexiconTerms(surface: $0.surface) ?? [$0.term]
            })
            for hit in results.hits {
                let bytes = hit.snippet.utf8
                // Cut at token boundaries of valid text: the bytes searchd writes as they are are UTF-8.
                #expect(String(validating: bytes, as: UTF8.self) == hit.snippet.text, "\(query): \(hit.id)")
                #expect(!hit.snippet.highlights.isEmpty, "\(query): \(hit.id)")
                for range in hit.snippet.highlights {
                    let word = String(decoding: bytes[range], as: UTF8.self)
                    #expect(try analyzer.tokens(word).allSatisfy { wanted.contains($0.term) }, "\(query): \(word)")
                }
            }
        }
    }

    /// Many short words just before the match: the passage still starts at the first word within its
    /// lead, as when the text is analysed whole.
    @Test func snippetsKeepTheWholeLeadBeforeAMatch() throws {
        let folder = NSTemporaryDirectory() + "fts-lead-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let body = Array(repeating: "le jardin est ouvert à tous les habitants du quartier.", count: 10).joined(separator: " ")
            + " a b c d e f g h i j k l m n o p monnaie " + Array(repeating: "un texte de suite", count: 20).joined(separator: " ")
        let object: [String: Any] = ["id": "lead", "title": "Titre", "body": body]
        let line = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        try (line + "\n").write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        let reader = try IndexReader(path: folder + "/index")
        let hit = try #require(Searcher(reader: reader).search("monnaie").hits.first)
        let analysed = try SnippetGenerator().snippet(of: body, marks: TextHighlighter(terms: ["monnai"]), analyzer: FrenchAnalyzer())
        #expect(hit.snippet == analysed, "\(hit.snippet.marked())\n\(analysed.marked())")
        #expect(hit.snippet.marked().hasPrefix("… b c d e f g h i j k l m n o p [monnaie]"), "\(hit.snippet.marked())")
        // Snippets shorter than the lead widen their window as far.
        for length in [16, 24] {
            let short = try #require(Searcher(reader: reader).search("monnaie", snippetLength: length).hits.first).snippet
            #expect(short == (try SnippetGenerator(length: length).snippet(of: body, marks: TextHighlighter(terms: ["monnai"]), analyzer: FrenchAnalyzer())),
                    "\(length): \(short.marked())")
        }
    }

    /// A passage that reaches the text's end spends what is left of its length before the match: a
    /// short text is shown whole, a match in the last words has more of what leads to it. The offsets
    /// in the store and an analysis of the text agree.
    @Test func aPassageAtTheTextsEndTakesItsLengthBeforeTheMatch() throws {
        let long = Array(repeating: "le jardin est ouvert à tous les habitants du quartier.", count: 10).joined(separator: " ")
            + " Et la monnaie locale aussi."
        // Many short words after the match: the passage reaches the end all the same.
        let letters = "abcdefghijklmnopqrstuvwxyz".map { String($0) }.joined(separator: " ")
        let bodies = ["Paris · Épicerie · Une épicerie solidaire et un café associatif pour la monnaie", long,
                      long.replacingOccurrences(of: " Et la monnaie locale aussi.", with: " Et la monnaie \(letters)."),
                      // Short words before the match: more of them than the lead's bytes count.
                      "Le début. " + Array(repeating: letters, count: 4).joined(separator: " ") + " monnaie."]
        let searcher = Searcher(reader: try Self.index(bodies: bodies, in: "snippet-at-the-end"))
        let hits = try searcher.search("monnaie").hits
        let short = try #require(hits.first { $0.id == "d0" }).snippet
        #expect(short.marked() == "Paris · Épicerie · Une épicerie solidaire et un café associatif pour la [monnaie]")
        let end = try #require(hits.first { $0.id == "d1" }).snippet
        #expect(end.marked().hasSuffix("quartier. Et la [monnaie] locale aussi."), "\(end.marked())")
        #expect(end.marked().hasPrefix("… "), "\(end.marked())")
        #expect(end.utf8.count > 140 && end.utf8.count <= 180 + 4, "\(end.utf8.count): \(end.marked())")
        let manyWords = try #require(hits.first { $0.id == "d2" }).snippet
        #expect(manyWords.marked().hasSuffix("quartier. Et la [monnaie] \(letters)."), "\(manyWords.marked())")
        #expect(manyWords.utf8.count > 140 && manyWords.utf8.count <= 180 + 4, "\(manyWords.utf8.count): \(manyWords.marked())")
        let shortWords = try #require(hits.first { $0.id == "d3" }).snippet
        #expect(shortWords.marked().hasSuffix("x y z [monnaie]."), "\(shortWords.marked())")
        #expect(shortWords.utf8.count > 140 && shortWords.utf8.count <= 180 + 4, "\(shortWords.utf8.count): \(shortWords.marked())")
        let analyzer = try FrenchAnalyzer()
        for (snippet, body) in [(short, bodies[0]), (end, bodies[1]), (manyWords, bodies[2]), (shortWords, bodies[3])] {
            #expect(snippet == (try SnippetGenerator().snippet(of: body, marks: TextHighlighter(terms: ["monnai"]), analyzer: analyzer)))
        }
    }

    /// A passage keeps the punctuation and the elided article joined to its first and last words, as
    /// written (`l’économie`, a final stop, `« … »`), within its length; a word that goes on another
    /// (`Clichy-sous-Bois`) is cut without its hyphen.
    @Test func snippetsKeepWhatIsJoinedToTheirEndWords() throws {
        let bodies = ["Un jardin partagé en ville.", "« Le potager » ouvre ses portes !",
                      "Au début, les solidarités locales, l’économie solidaire et la monnaie locale du quartier vont ensemble, et chaque habitant y trouve sa place : dans les jardins, les ateliers, les épiceries et les cafés associatifs de toute la ville."]
        let searcher = Searcher(reader: try Self.index(bodies: bodies, in: "snippet-attached"))
        func snippet(_ query: String) throws -> String { try #require(searcher.search(query).hits.first).snippet.marked() }
        #expect(try snippet("jardin") == "Un [jardin] partagé en ville.")
        #expect(try snippet("potager") == "« Le [potager] » ouvre ses portes !")
        let analyzer = try FrenchAnalyzer()
        // Short passages: what follows the last word is kept when it fits, up to the next space.
        let comma = try SnippetGenerator(length: 17).snippet(of: "Le jardin partagé, puis la ville.", marks: TextHighlighter(terms: ["jardin"]), analyzer: analyzer)
        #expect(comma.marked() == "Le [jardin] partagé, …", "\(comma.marked())")
        let tight = try SnippetGenerator(length: 16).snippet(of: "Le jardin partagé, puis la ville.", marks: TextHighlighter(terms: ["jardin"]), analyzer: analyzer)
        #expect(tight.marked() == "Le [jardin] partagé …", "\(tight.marked())")
        let hyphen = try SnippetGenerator(length: 17).snippet(of: "Le jardin de Clichy-sous-Bois est grand.", marks: TextHighlighter(terms: ["jardin"]), analyzer: analyzer)
        #expect(hyphen.marked() == "Le [jardin] de Clichy …", "\(hyphen.marked())")
        // A snippet shorter than the lead, and a word longer than the snippet: the match is in it
        // (they read past the matches' offsets, and crashed, before).
        for length in [16, 30, 60] {
            let short = try SnippetGenerator(length: length).snippet(of: "Au début du projet, un jardin partagé en ville.", marks: TextHighlighter(terms: ["jardin"]), analyzer: analyzer)
            #expect(short.marked().contains("[jardin]"), "\(length): \(short.marked())")
        }
        let word = String(repeating: "x", count: 200)
        let long = try SnippetGenerator().snippet(of: "Au début \(word) et la suite", marks: TextHighlighter(terms: [word]), analyzer: analyzer)
        #expect(long.marked().contains("[\(word)]"), "\(long.marked())")
        // A passage that starts inside the text takes the elided article of its first word.
        let elided = try snippet("monnaie")
        #expect(elided.hasPrefix("… l’économie solidaire et la [monnaie]"), "\(elided)")
        // The offsets in the store and an analysis of the text give the same passages.
        for (query, term, body) in [("jardin", "jardin", bodies[0]), ("potager", "potag", bodies[1]), ("monnaie", "monnai", bodies[2])] {
            let stored = try #require(searcher.search(query).hits.first).snippet
            #expect(stored == (try SnippetGenerator().snippet(of: body, marks: TextHighlighter(terms: [term]), analyzer: analyzer)), "\(query)")
        }
    }

    /// Random texts of French punctuation, elisions, compounds, long words and odd white space: every
    /// snippet is valid text within its length (a word longer than that alone), highlights only query
    /// words, holds a match when the text has one, and the stored offsets give the same snippet as an
    /// analysis of the text. (Random texts found the offsets path missing the word after a passage,
    /// whose gap decides what ends it.)
    @Test func snippetsOfRandomTexts() throws {
        var generator = SplitMix64(seed: 42)
        func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
        let pieces = ["jardin", "l’économie", "(CJS)", "Clichy-sous-Bois", "ville.", "«", "»", "!", "?", "\u{202F}!", "d’un", "a", "é",
                      String(repeating: "y", count: 60), "2,5", "—", "\n\n", "  ", "\t", "économie,", "solidaire;", "…", "potager", "la"]
        func text(_ words: Int) -> String {
            (0..<words).map { _ in pick(pieces) + pick([" ", "", " ", "  ", "\n"]) }.joined()
        }
        let analyzer = try FrenchAnalyzer()
        let queries = ["jardin", "économie", "cjs", "ville", "clichy", "sous", "potager", "la", String(repeating: "y", count: 60)]
        let terms = try queries.map { try analyzer.tokens($0)[0].term }
        for round in 0..<2_000 {
            let body = text(Int(generator.next() % 60) + 1)
            let length = Int(generator.next() % 300) + 16
            let wanted: Set<String> = [pick(terms)]
            let snippet = try SnippetGenerator(length: length).snippet(of: body, marks: TextHighlighter(terms: Array(wanted)), analyzer: analyzer)
            #expect(String(validating: snippet.utf8, as: UTF8.self) != nil, "\(round)")
            let longest = try analyzer.tokens(body).map(\.range.count).max() ?? 0
            #expect(snippet.utf8.count <= max(length + length / 8, longest) + 8, "\(round): \(snippet.text)")
            for range in snippet.highlights {
                #expect(try analyzer.tokens(String(decoding: snippet.utf8[range], as: UTF8.self)).contains { wanted.contains($0.term) }, "\(round)")
            }
            if try analyzer.tokens(body).contains(where: { wanted.contains($0.term) }) { #expect(!snippet.highlights.isEmpty, "\(round)") }
        }
        let bodies = (0..<200).map { _ in text(Int(generator.next() % 120) + 1) }
        let searcher = Searcher(reader: try Self.index(bodies: bodies, in: "snippet-random"))
        var compared = 0
        // Short snippets too: their windows are the smallest (one sized for the default length overran
        // them, found by random requests to searchd).
        for (query, term) in zip(queries, terms) {
            for length in [Searcher.defaultSnippetLength, 16, 40, 300] {
                for hit in try searcher.search(query, limit: 100, snippetLength: length).hits {
                    let analysed = try SnippetGenerator(length: length).snippet(of: bodies[hit.doc], marks: TextHighlighter(terms: [term]), analyzer: analyzer)
                    #expect(hit.snippet == analysed, "\(query) \(length) \(hit.id): \(hit.snippet.marked()) | \(analysed.marked())")
                    compared += 1
                }
            }
        }
        #expect(compared > 1_200)
    }

    /// A phrase's words are highlighted where the phrase occurs, not wherever they stand; a word typed
    /// on its own everywhere; a proximity search's words where the others are within reach; and when
    /// the body holds no occurrence (the phrase is in the title), its words where they stand.
    @Test func snippetsHighlightPhrasesWhereTheyOccur() throws {
        let folder = NSTemporaryDirectory() + "fts-phrase-highlight-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let documents: [[String: Any]] = [
            ["id": "body", "title": "Mode d’emploi",
             "body": "La ligne de commande lance le programme de démonstration. Plus loin, une commande isolée, puis rien."],
            ["id": "title", "title": "Ligne de commande", "body": "Une commande par ligne, et rien d’autre."],
        ]
        let lines = try documents.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        let searcher = Searcher(reader: try IndexReader(path: folder + "/index"))
        func marked(_ query: String, _ id: String) throws -> String {
            try #require(searcher.search(query).hits.first { $0.id == id }).snippet.marked()
        }
        let phrase = try marked("\"ligne de commande\"", "body")
        #expect(phrase.contains("La [ligne] [de] [commande] lance le programme de démonstration"), "\(phrase)")
        #expect(phrase.contains("une commande isolée"), "\(phrase)")
        let word = try marked("de \"ligne de commande\"", "body")
        #expect(word.contains("[ligne] [de] [commande] lance le programme [de] démonstration"), "\(word)")
        #expect(word.contains("une commande isolée"), "\(word)")
        let near = try marked("\"ligne commande\"~2", "body")
        #expect(near.contains("[ligne] de [commande] lance") && near.contains("une commande isolée"), "\(near)")
        let inTitle = try marked("\"ligne de commande\"", "title")
        #expect(inTitle.contains("Une [commande] par [ligne]"), "\(inTitle)")

        // Titles, when asked for, are marked by the same rules, but only where the phrase occurs.
        func title(_ query: String, _ id: String) throws -> String {
            let hit = try #require(searcher.search(query, titleHighlights: true).hits.first { $0.id == id })
            return Snippet(text: hit.title, highlights: hit.titleHighlights).marked()
        }
        #expect(try title("\"ligne de commande\"", "title") == "[Ligne] [de] [commande]")
        #expect(try title("\"de commande\" emploi", "body") == "Mode d’[emploi]")
        #expect(try title("\"programme de démonstration\" mode", "body") == "[Mode] d’emploi")
        #expect(try title("\"ligne de commande\"", "body") == "Mode d’emploi")
        #expect(try title("ligne OR commande", "title") == "[Ligne] de [commande]")
        #expect(try searcher.search("commande").hits.allSatisfy { $0.titleHighlights.isEmpty })
    }

    /// A word searched in one field is highlighted in that field only (Elasticsearch's
    /// `require_field_match`, tantivy's snippets): `title:jardin` marks the title's jardin, not the
    /// body's; a word without a field, every field it is searched in.
    @Test func wordsAreHighlightedInTheFieldsTheyAreSearchedIn() throws {
        let searcher = Searcher(reader: try DifferentialTests.index(of: [
            ["id": "page", "title": "Le jardin partagé", "body": "Le jardin partagé du quartier accueille un potager bio."],
            ["id": "row", "title": "Fiche", "tags": "bio jardin", "auteur": "Jardin Bio"],
            ["id": "phrase", "title": "Aide", "note": "La ligne de commande de base, et le mode de démonstration."],
            ["id": "compound", "title": "Aide", "auteur": "Jean", "note": "Voir l’en-tête de la page."],
        ]))
        func marked(_ query: String, _ id: String) throws -> (snippet: String, title: String) {
            let hit = try #require(searcher.search(query, titleHighlights: true).hits.first { $0.id == id }, "\(query)")
            return (hit.snippet.marked(), Snippet(text: hit.title, highlights: hit.titleHighlights).marked())
        }
        let title = try marked("title:jardin potager", "page")
        #expect(title.snippet == "Le jardin partagé du quartier accueille un [potager] bio.", "\(title)")
        #expect(title.title == "Le [jardin] partagé", "\(title)")
        let body = try marked("body:jardin", "page")
        #expect(body.snippet == "Le [jardin] partagé du quartier accueille un potager bio." && body.title == "Le jardin partagé", "\(body)")
        let phrase = try marked("title:\"jardin partagé\"", "page")
        #expect(phrase.snippet == "Le jardin partagé du quartier accueille un potager bio." && phrase.title == "Le [jardin] [partagé]",
                "\(phrase)")
        let both = try marked("jardin", "page")
        #expect(both.snippet.hasPrefix("Le [jardin] partagé") && both.title == "Le [jardin] partagé", "\(both)")
        // A document without a body: its fields' values joined (in the index's order of fields, here
        // auteur's first), each marked with its own words.
        let tags = try marked("tags:bio", "row")
        #expect(tags.snippet == "Jardin Bio · [bio] jardin", "\(tags)")
        let auteur = try marked("auteur:bio OR tags:jardin", "row")
        #expect(auteur.snippet == "Jardin [Bio] · bio [jardin]", "\(auteur)")
        // Analysed, as a document without a body is, a phrase's words are marked where it occurs only.
        let analysed = try marked("\"ligne de commande\"", "phrase")
        #expect(analysed.snippet == "La [ligne] [de] [commande] de base, et le mode de démonstration.", "\(analysed)")
        // A compound the query finds joined (`entête` in `en-tête`), in a field after the first, is one
        // highlight there too.
        let compound = try marked("entête", "compound")
        #expect(compound.snippet == "Jean · Voir l’[en-tête] de la page.", "\(compound)")
        // `fts get --query` marks each field with its own words too.
        let document = try #require(try searcher.highlight("title:jardin potager", inDocument: "page"))
        let marks = Dictionary(uniqueKeysWithValues: document.fields.compactMap { field in
            field.highlights.map { (field.field, Snippet(text: field.value, highlights: $0).marked()) }
        })
        #expect(marks[StandardField.title] == "Le [jardin] partagé", "\(marks)")
        #expect(marks[StandardField.body] == "Le jardin partagé du quartier accueille un [potager] bio.", "\(marks)")
    }

    /// Words joined by hyphens that all match are one highlight, in snippets and titles, as a compound
    /// found as one word is: a compound typed in a phrase (`"l’en-tête de"`), a word of three; a word
    /// of a compound matched alone stays alone.
    @Test func wordsJoinedByHyphensAreOneHighlight() throws {
        let searcher = Searcher(reader: try DifferentialTests.index(of: [
            ["id": "page", "title": "L’en-tête de Clichy-sous-Bois",
             "body": "On lit l’en-tête de la page, puis l’entête du site ; à Clichy-sous-Bois, l’entre-deux-guerres ‑ et en – tête."],
        ]))
        func marked(_ query: String) throws -> (snippet: String, title: String) {
            let hit = try #require(searcher.search(query, titleHighlights: true).hits.first)
            return (hit.snippet.marked(), Snippet(text: hit.title, highlights: hit.titleHighlights).marked())
        }
        let phrase = try marked("\"l’en-tête de la page\"")
        #expect(phrase.snippet.contains("On lit l’[en-tête] [de] [la] [page], puis l’entête"), "\(phrase)")
        let words = try marked("en tête")
        #expect(words.snippet.contains("l’[en-tête] de la page") && words.snippet.contains("et [en] – [tête]."), "\(words)")
        #expect(words.title == "L’[en-tête] de Clichy-sous-Bois", "\(words)")
        let three = try marked("Clichy sous Bois")
        #expect(three.snippet.contains("à [Clichy-sous-Bois], l’entre"), "\(three)")
        #expect(three.title == "L’en-tête de [Clichy-sous-Bois]", "\(three)")
        let two = try marked("\"Clichy-sous\" guerres")
        #expect(two.snippet.contains("à [Clichy-sous]-Bois, l’entre-deux-[guerres]"), "\(two)")
        #expect(two.title == "L’en-tête de [Clichy-sous]-Bois", "\(two)")
        let one = try marked("sous")
        #expect(one.snippet.contains("à Clichy-[sous]-Bois") && one.title == "L’en-tête de Clichy-[sous]-Bois", "\(one)")
    }

    /// A passage far into a long document (past the 10,000 bytes analysed without positions) is found
    /// through the positions, and only its surroundings are analysed.
    @Test func snippetsFindAPassageDeepInALongDocument() throws {
        let folder = NSTemporaryDirectory() + "fts-far-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let filler = Array(repeating: "le projet local d’un quartier-témoin, 2,5 ha de jardins partagés.", count: 400).joined(separator: " ")
        let body = filler + " Enfin, la monnaie locale complémentaire circule entre les habitants. " + filler
        let object: [String: Any] = ["id": "long", "title": "Un long document", "body": body]
        let line = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        try (line + "\n").write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        let searcher = Searcher(reader: try IndexReader(path: folder + "/index"))
        let hit = try #require(searcher.search("monnaie complementaire").hits.first)
        let marked = hit.snippet.marked()
        #expect(marked.contains("[monnaie] locale [complémentaire] circule"), "\(marked)")
        #expect(marked.hasPrefix("… ") && marked.hasSuffix(" …"))
        #expect(hit.snippet.text.utf8.count <= 260)
    }

    /// The store's token offsets are the analyser's own ranges, position by position, on every
    /// document of the bundled corpus: snippets highlight from them without analysing.
    @Test func storedTokenOffsetsAreTheAnalyzers() throws {
        let reader = BundledIndex.shared.reader
        let analyzer = try FrenchAnalyzer()
        var checked = 0
        let stored = try reader.storedFieldsWithBody(Array(0..<reader.documentCount))
        for (doc, (fields, body)) in stored.enumerated() {
            let text = try #require(body, "document \(doc) has no body")
            #expect(fields.value(of: StandardField.body) == nil)
            let tokens = try analyzer.tokens(String(decoding: text.bytes, as: UTF8.self))
            let offsets = try text.tokens.decoded()
            #expect(offsets.count == tokens.count, "document \(doc)")
            #expect(offsets.count == Int(reader.length(field: StandardField.body, doc: UInt32(doc))), "document \(doc)")
            for token in tokens where token.position < offsets.count {
                #expect(offsets[token.position] == token.range, "document \(doc), position \(token.position)")
                checked += 1
            }
        }
        #expect(checked > 20_000)
    }

    /// A snippet from the stored offsets and one from analysing the text pick the same passage and the
    /// same highlights, for every hit of queries of several kinds.
    @Test func snippetsFromOffsetsMatchSnippetsFromAnalysis() throws {
        let reader = BundledIndex.shared.reader
        let analyzer = try FrenchAnalyzer()
        let generator = SnippetGenerator()
        var compared = 0
        for query in ["économie solidaire", "jardin OR monnaie", "\"commerce équitable\"", "coopérative -agricole", "habitants",
                      "réemploi", "ré-emploi savoir-faire", "savoirfaire OR sous-traitance", "title:jardin OR habitants",
                      "\"économie sociale et solidaire\"", "\"de la\" monnaie"] {
            let planner = QueryPlanner(reader: reader, analyzer: analyzer, parameters: BM25Parameters())
            _ = try planner.plan(QueryParser().parse(query))
            for hit in try searcher.search(query, limit: 20).hits {
                let (_, body) = try reader.storedFieldsWithBody([hit.doc])[0]
                let text = try #require(body)
                let analysed = try generator.snippet(of: String(decoding: text.bytes, as: UTF8.self), marks: TextHighlighter(planner: planner, field: StandardField.body), analyzer: analyzer)
                // Within the first 10,000 bytes (all the analysed path reads), they agree exactly.
                guard text.bytes.count <= generator.maximumAnalyzedBytes else { continue }
                #expect(hit.snippet == analysed, "\(query): \(hit.id)\n\(hit.snippet.marked())\n\(analysed.marked())")
                compared += 1
            }
        }
        #expect(compared > 30)
    }

    @Test func explainAddsUpToTheScore() throws {
        let hit = try #require(searcher.search("jardin cocagne", explain: true).hits.first)
        let lines = try #require(hit.explanation)
        let total = lines.compactMap { Double($0.split(separator: " ")[0]) }.reduce(0, +)
        #expect(abs(total - hit.score) < 1e-3)
        #expect(lines.contains { $0.contains("title:") } && lines.contains { $0.contains("tf=") })
    }

    /// An explanation names the index's terms a word searched, and the word as written when they
    /// differ: Snowball makes `des` of both `dès` and `désir`, which a reader would not guess.
    @Test func explainNamesTheTermsSearched() throws {
        let small = Searcher(reader: try DifferentialTests.index(of: [["id": "a", "body": "Dès que la variable est déclarée"],
                                                                       ["id": "b", "body": "un jardin partagé, des jardins, dessins, décors, dépôts et dehors"]]))
        let desire = try #require(try small.search("désir", explain: true).hits.first?.explanation)
        #expect(desire.contains { $0.contains("  body:des (desir)  tf=1 ") }, "\(desire)")
        let garden = try #require(try small.search("jardin", explain: true).hits.first?.explanation)
        #expect(garden.contains { $0.contains("  body:jardin  tf=2 ") }, "\(garden)")
        // A prefix's terms that the document holds are listed, a few; past four, counted.
        let few = try #require(try small.search("ja*", explain: true).hits.first?.explanation)
        #expect(few.contains { $0.contains("  body:jardin (ja*)  tf=2 ") }, "\(few)")
        let many = try #require(try small.search("de*", explain: true).hits.first { $0.id == "b" }?.explanation)
        #expect(many.contains { $0.contains("  body:de* (5 terms)  tf=5 ") }, "\(many)")
        let other = try #require(try small.search("de*", explain: true).hits.first { $0.id == "a" }?.explanation)
        #expect(other.contains { $0.contains("  body:declar|des (de*)  tf=2 ") }, "\(other)")
    }

    /// A number written in groups of digits is found however its groups are spaced, or written without
    /// them, and highlighted whole; its groups alone are other numbers.
    @Test func numbersInGroupsAreFoundWhole() throws {
        let small = Searcher(reader: try DifferentialTests.index(of: [["id": "a", "body": "Un budget de 100\u{202F}000 euros en 2024"],
                                                                       ["id": "b", "body": "Le prix : 2 500,50 € pour 000 et 100 places"],
                                                                       ["id": "c", "body": "Soit 100000 euros"]]))
        for query in ["100 000", "100000", "100\u{A0}000", "100\u{2009}000 euros", "\"100 000 euros\"", "body:100 000"] {
            #expect(try small.search(query).hits.map(\.id).sorted() == ["a", "c"], "\(query)")
        }
        #expect(try small.search("2500,50").hits.map(\.id) == ["b"])
        #expect(try small.search("2 500,50").hits.map(\.id) == ["b"])
        #expect(try small.search("000").hits.map(\.id) == ["b"])
        #expect(try small.search("100").hits.map(\.id) == ["b"])
        #expect(try small.search("-100 000 euros").total == 0)
        #expect(try small.search("[50 000 TO 200\u{202F}000]").hits.map(\.id).sorted() == ["a", "c"])
        #expect(try small.search("[2 000 TO 2 600]").hits.map(\.id).sorted() == ["a", "b"])
        #expect(try small.search("100 000").hits.first { $0.id == "a" }?.snippet.marked() == "Un budget de [100\u{202F}000] euros en 2024")
    }

    /// A proximity search holds at most 64 different words (the bits of its assignment's masks); words
    /// typed again count once, and exact phrases have no such limit.
    @Test func proximityWordLimit() throws {
        let words = (0..<65).map { "m" + String(UnicodeScalar(97 + $0 / 26)!) + String(UnicodeScalar(97 + $0 % 26)!) + "k" }
        let sixtyFour = words.prefix(64).joined(separator: " ")
        #expect(try searcher.search("\"\(sixtyFour)\"~2").total == 0)
        #expect(try searcher.search("\"\(sixtyFour) mabk mack\"~2").total == 0)
        #expect(try searcher.search("\"\(words.joined(separator: " "))\"").total == 0)
        #expect(throws: QueryError("a proximity search may hold at most 64 different words", column: 8)) {
            try searcher.search("jardin \"\(words.joined(separator: " "))\"~2")
        }
    }

    @Test(arguments: [
        ("auteur:jardin", "unknown field \"auteur\" (fields: title, body) at column 1"),
        ("e* jardin", "a prefix needs at least 2 letters before * at column 1"),
        ("é*", "a prefix needs at least 2 letters before * at column 1"),
        ("!!! ???", "no searchable words in the query"),
        ("!!! -jardin", "no searchable words in the query"),
        (Array(repeating: "jardn~", count: 16).joined(separator: " "), ""),
        (Array(repeating: "jardn~", count: 17).joined(separator: " "), "more than 16 fuzzy words (~) in one query at column 113"),
    ])
    func plannerErrors(query: String, message: String) {
        do {
            _ = try searcher.search(query)
            #expect(message.isEmpty, "\(query)")
        } catch {
            #expect(String(describing: error) == message, "\(query)")
        }
    }

    @Test func windowLimits() {
        #expect(throws: QueryError.self) { try searcher.search("emploi", limit: 10, offset: 9_995) }
        #expect(throws: QueryError.self) { try searcher.search("emploi", limit: -1) }
    }

    @Test func concurrentSearchesAgree() async throws {
        let queries = ["économie", "emploi insertion", "\"économie sociale\"", "coop*", "jardin OR mer", "title:panier"]
        let shared = searcher
        let expected = try queries.map { try shared.search($0, limit: 5).hits.map(\.doc) }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for round in 0..<40 {
                group.addTask {
                    let index = round % queries.count
                    return try shared.search(queries[index], limit: 5).hits.map(\.doc) == expected[index]
                }
            }
            for try await agreed in group { #expect(agreed) }
        }
    }

    /// An exact total of a query holding a phrase comes from one pass that scores every match: counting
    /// after a pruned pass would read the same positions again. Words alone are pruned, then counted.
    @Test func onlyQueriesWithPhrasesAreScoredWholeForAnExactTotal() throws {
        let planner = QueryPlanner(reader: BundledIndex.shared.reader, analyzer: try FrenchAnalyzer(), parameters: BM25Parameters())
        let cases: [(String, Bool)] = [
            ("économie sociale", false), ("économie OR solidaire", false), ("solidar* -emploi", false), ("title:économie", false),
            ("\"économie sociale\"", true), ("\"économie solidaire\"~3 OR emploi", true), ("emploi -\"économie sociale\"", true),
            ("title:\"économie sociale\" emploi", true),
        ]
        for (query, readsPositions) in cases {
            #expect(TopDocs.matchesReadPositions(try planner.plan(QueryParser().parse(query))) == readsPositions, "\(query)")
        }
        let phrase = try searcher.search("\"économie sociale\"", limit: 3)
        let counted = try searcher.count("\"économie sociale\"")
        #expect(phrase.totalIsExact && phrase.total == counted && counted > 3)
    }
}
