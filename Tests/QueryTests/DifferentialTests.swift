import Foundation
import TestSupport
import Testing
@testable import Indexer
@testable import Query

/// The engine against the brute-force evaluator, for random queries of every kind.
@Suite(.serialized) struct DifferentialTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Query text generated from the documents' own words: deterministic for a seed.
    struct QueryGenerator {
        var generator: SplitMix64
        let words: [String]
        let sentences: [[String]]
        let fields: [String]
        /// Spellings that share some of their terms but not all (`donner`, `donnees`), for proximity
        /// searches where one occurrence could stand for two words.
        let sharing: [(String, String)]
        /// The numbers of the indexed fields, as terms (`2024`, `2,5`), for ranges.
        let numbers: [String]

        init(reader: IndexReader, seed: UInt64) throws {
            generator = SplitMix64(seed: seed)
            var words: [String] = []
            var sentences: [[String]] = []
            for doc in 0..<min(reader.documentCount, 400) {
                let body = try reader.storedFields(doc).value(of: StandardField.body) ?? ""
                let tokens = body.split(whereSeparator: { $0.isWhitespace }).map { $0.trimmingCharacters(in: .punctuationCharacters) }
                    .filter { $0.count > 1 && !$0.contains("\"") && !$0.contains("(") && !$0.contains(")") && !$0.hasPrefix("-") && !$0.contains("*") && !$0.contains("?") && !$0.contains(":") }
                words.append(contentsOf: tokens)
                if tokens.count > 6 { sentences.append(tokens) }
            }
            self.words = words
            self.sentences = sentences
            fields = reader.meta.fields.filter(\.indexed).map(\.name)
            let entries = try reader.lexiconEntries(prefix: "")
            var spellings: [String: [Int]] = [:]
            for (index, entry) in entries.enumerated() { for term in entry.terms { spellings[term, default: []].append(index) } }
            var sharing: [(String, String)] = []
            for term in spellings.keys.sorted() {
                let list = spellings[term]!
                for a in list { for b in list where a < b && entries[a].terms != entries[b].terms && sharing.count < 200 {
                    sharing.append((entries[a].surface, entries[b].surface))
                } }
            }
            self.sharing = sharing
            var numbers = Set<String>()
            for field in reader.meta.fields.indices where reader.meta.fields[field].indexed {
                for entry in try reader.terms(field: field, prefix: "") where entry.term.first?.isNumber == true { numbers.insert(entry.term) }
            }
            self.numbers = numbers.sorted()
        }

        /// A range between two of the index's numbers (or open), in a field or not, now and then beside a word.
        mutating func range() -> String {
            func bound() -> String {
                guard !numbers.isEmpty, generator.next() % 6 != 0 else { return "*" }
                let number = pick(numbers)
                return number.first == "0" || generator.next() % 4 != 0 ? number : "-" + number
            }
            var (low, high) = (bound(), bound())
            if let a = NumberRange.value(ofBound: low), let b = NumberRange.value(ofBound: high), a > b, generator.next() % 4 != 0 { swap(&low, &high) }
            let range = pick(["[", "{"]) + "\(low) TO \(high)" + pick(["]", "}"])
            switch generator.next() % 3 {
            case 0: return range
            case 1: return "\(pick(fields)):\(range)"
            default: return generator.next() % 2 == 0 ? "\(word()) \(range)" : "\(word()) OR \(pick(fields)):\(range)^2"
            }
        }

        mutating func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }

        /// A word as people type it: as written, without accents, or in capitals.
        mutating func word() -> String {
            let word = pick(words)
            switch generator.next() % 4 {
            case 0: return word.folding(options: .diacriticInsensitive, locale: nil)
            case 1: return word.uppercased()
            // A compound typed without its hyphen (`écopâturage` for `éco-pâturage`).
            case 2 where word.contains("-"): return word.replacingOccurrences(of: "-", with: "")
            default: return word
            }
        }

        mutating func phrase() -> String {
            let sentence = pick(sentences)
            let length = Int(generator.next() % 3) + 2
            let start = Int(generator.next() % UInt64(sentence.count - length))
            let words = sentence[start..<(start + length)]
            // At times its compounds typed without their hyphens (`"écopâturage des prairies"`).
            guard words.contains(where: { $0.contains("-") }), generator.next() % 2 == 0 else { return words.joined(separator: " ") }
            return words.map { $0.replacingOccurrences(of: "-", with: "") }.joined(separator: " ")
        }

        /// A word with a typo or none (a letter dropped, doubled or swapped with the next), searched fuzzy.
        mutating func fuzzy() -> String {
            var letters = Array(word())
            let at = Int(generator.next() % UInt64(letters.count))
            switch generator.next() % 4 {
            case 0: letters.remove(at: at)
            case 1: letters.insert(letters[at], at: at)
            case 2: if at + 1 < letters.count { letters.swapAt(at, at + 1) }
            default: break
            }
            return String(letters) + ["~", "~0", "~1", "~2"][Int(generator.next() % 4)]
        }

        /// A word with a letter or two replaced by `?`, or a run of them by `*`, past its first three.
        mutating func wildcard() -> String {
            var letters = Array(word())
            guard letters.count > 4 else { return String(letters) + "*" }
            let at = Int(generator.next() % UInt64(letters.count - 3)) + 3
            switch generator.next() % 3 {
            case 0: letters[at] = "?"
            case 1: letters.replaceSubrange(at..<min(at + Int(generator.next() % 4), letters.count), with: ["*"])
            default:
                letters[at] = "?"
                letters.insert("*", at: 3)
            }
            return String(letters)
        }

        /// A word of letters as a regular expression: a letter or a run of them made `.` or `.*`, a
        /// class or a repetition, an ending made optional or an alternative.
        mutating func regex() -> String {
            var letters = Array(word()).map(String.init)
            guard letters.count > 3, letters.allSatisfy({ $0.first!.isLetter }) else { return "/\(letters.joined())[a-z]*/" }
            // Now and then from the first letter: no literal start, the whole lexicon walked.
            let at = generator.next() % 4 == 0 ? 0 : Int(generator.next() % UInt64(letters.count - 2)) + 1
            switch generator.next() % 6 {
            case 0: letters[at] = "."
            case 1: letters.replaceSubrange(at..<min(at + Int(generator.next() % 4), letters.count), with: [".*"])
            case 2: letters[at] = "[\(letters[at])xyz]"
            case 3: letters[at] = "[^\(letters[at])]"
            case 4: letters[at] += pick(["+", "?", "{1,2}", "*"])
            default: letters.replaceSubrange(at..., with: ["(" + letters[at...].joined() + "|s|es)?"])
            }
            return "/" + letters.joined() + "/"
        }

        mutating func next() -> String {
            switch generator.next() % 19 {
            case 0: return word()
            case 1: return "\(word()) \(word())"
            case 2: return "\(word()) \(word()) \(word())"
            case 3: return "\(word()) OR \(word())"
            case 4: return "\(word()) OR \(word()) OR \(word())"
            case 5: return "\(word()) -\(word())"
            case 6: return "\"\(phrase())\""
            case 7:
                // Now and then a word twice, or two words that share a term: each needs an occurrence
                // of its own.
                var first = word(), second = word(), slop = generator.next() % 5
                if !sharing.isEmpty && generator.next() % 3 == 0 {
                    // Rarely close together: a wider window finds some.
                    (first, second) = pick(sharing)
                    slop = generator.next() % 40
                }
                let words = generator.next() % 3 == 0 ? "\(first) \(second) \(first)" : "\(first) \(second)"
                // In order, as often: the same words joined by ADJ.
                if generator.next() % 2 == 0 { return words.replacingOccurrences(of: " ", with: " ADJ/\(slop + 1) ") }
                return "\"\(words)\"~\(slop)"
            case 8:
                let stem = String(word().prefix(Int(generator.next() % 3) + 3))
                return stem.count >= 3 ? "\(stem)* \(word())" : word()
            case 9: return "\(pick(fields)):\(word())"
            case 10: return "\(word()) (\(word()) OR \(word())) NOT \(word())"
            case 11: return generator.next() % 2 == 0 ? fuzzy() : "\(pick(fields)):\(fuzzy()) OR \(word())"
            case 12:
                let boosts = ["0.5", "2", "3.25", "10"]
                return "(\(word()) OR \"\(phrase())\"^\(pick(boosts)))^\(pick(boosts)) \(word())^\(pick(boosts))"
            case 13: return generator.next() % 2 == 0 ? wildcard() : "\(pick(fields)):\(wildcard()) OR \(word())"
            case 14: return pick(["*:* -\(word())", "(*:* OR \(word()))^2 -\(word())", "* \(word())", "\(word()) OR *^0.5",
                                  "\(pick(fields)):* \(word())", "\(word()) OR \(pick(fields)):*^2", "\(word()) -\(pick(fields)):*"])
            case 15:
                // Optional words, phrases and groups adding to the scores of what comes before MAYBE.
                switch generator.next() % 5 {
                case 0: return "\(word()) MAYBE \(word())"
                case 1: return "\(word()) \(word()) MAYBE \"\(phrase())\""
                case 2: return "(\(word()) OR \(word())) MAYBE \(word()) MAYBE \(word())^2"
                case 3: return "\(word()) MAYBE \(pick(fields)):\(word()) -\(word())"
                default: return "(\(word()) MAYBE \(word())) OR \(word())"
                }
            case 16: return range()
            case 17: return generator.next() % 2 == 0 ? regex() : "\(pick(fields)):\(regex()) OR \(word())"
            case 18:
                // A phrase as it is being typed: its last word cut to 2 letters or more, then `*`.
                var words = phrase().split(separator: " ").map(String.init)
                let last = words.removeLast()
                let kept = last.prefix(max(2, Int(generator.next() % UInt64(max(last.count, 1))) + 1))
                let typed = "\"" + (words + [kept + "*"]).joined(separator: " ") + "\""
                return generator.next() % 3 == 0 ? "\(pick(fields)):\(typed) \(word())" : typed
            default: return "\(pick(fields)):\"\(phrase())\" \(word())"
            }
        }
    }

    static func compare(reader: IndexReader, queries: Int, seed: UInt64, parameters: BM25Parameters = BM25Parameters(),
                        next: (inout QueryGenerator) -> String = { $0.next() }) throws -> (checked: Int, matched: Int) {
        let searcher = Searcher(reader: reader, parameters: parameters)
        let brute = try BruteForce(reader: reader, parameters: parameters)
        var generator = try QueryGenerator(reader: reader, seed: seed)
        var checked = 0, withMatches = 0
        for _ in 0..<queries {
            let query = next(&generator)
            let node: QueryNode
            do { node = try QueryParser().parse(query) } catch { continue }
            let evaluated: [Int: Double]?
            do {
                evaluated = try brute.evaluate(node, atRoot: true)
            } catch is QueryError {
                // `Clichy-sous-Bois~`: the brute force refuses it as the engine must.
                #expect(throws: QueryError.self, "\(query)") { try searcher.search(query) }
                continue
            }
            guard let expected = evaluated else {
                #expect(throws: QueryError.self, "\(query)") { try searcher.search(query) }
                continue
            }
            let ranked = expected.map { ScoredDocument(doc: UInt32($0.key), score: $0.value) }.sorted { $0.ranksBefore($1) }
            let results: SearchResults
            do {
                results = try searcher.search(query, limit: 20)
            } catch let error as QueryError where error.message.hasPrefix("a prefix needs at least 2 letters") {
                continue  // `l’e*`: one letter once elision is removed, which the brute force does not check
            }
            checked += 1
            if !expected.isEmpty { withMatches += 1 }
            #expect(results.total == expected.count, "\(query): \(results.total) matches, brute force \(expected.count)")
            #expect(try searcher.count(query) == expected.count, "\(query)")
            // Same documents in the same order (near-ties, equal to 1e-9, may come in either order), same scores.
            #expect(results.hits.count == min(20, ranked.count), "\(query)")
            for (hit, reference) in zip(results.hits, ranked) {
                let expectedScore = expected[hit.doc] ?? .nan
                #expect(abs(hit.score - expectedScore) <= 1e-4 * max(abs(expectedScore), 1e-9), "\(query): doc \(hit.doc) scored \(hit.score), brute force \(expectedScore)")
                #expect(abs(hit.score - reference.score) <= 1e-9 * max(reference.score, 1), "\(query): rank \(hit.rank) is doc \(hit.doc), brute force doc \(reference.doc)")
            }
        }
        return (checked, withMatches)
    }

    /// The index of `documents` (JSON objects), in a folder removed when the test process exits.
    static func index(of documents: [[String: Any]]) throws -> IndexReader {
        let folder = ProcessScratch.path("fts-differential")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var lines = ""
        for object in documents {
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try lines.write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        return try IndexReader(path: folder + "/index")
    }

    /// `query`'s top `limit`, pruned and with every match scored: the same documents in the same
    /// order, the same scores but for the order of their sums. Returns the pruned search's.
    @discardableResult
    func expectPruningAgrees(_ searcher: Searcher, _ query: String, limit: Int,
                             sourceLocation: SourceLocation = #_sourceLocation) throws -> SearchResults {
        let exhaustive = try searcher.search(query, limit: limit, prune: false, snippets: false)
        let pruned = try searcher.search(query, limit: limit, exactTotal: false, snippets: false)
        #expect(pruned.hits.map(\.doc) == exhaustive.hits.map(\.doc), "\(query) top \(limit)", sourceLocation: sourceLocation)
        for (a, b) in zip(pruned.hits, exhaustive.hits) {
            #expect(abs(a.score - b.score) <= 1e-9 * max(b.score, 1), "\(query) top \(limit): rank \(a.rank)", sourceLocation: sourceLocation)
        }
        return pruned
    }

    /// Pruning skips work, never results: the same top k as scoring every match.
    @Test func pruningKeepsTheTopK() throws {
        let folder = NSTemporaryDirectory() + "fts-prune-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try QueryFixtures.generateCorpus(at: folder + "/corpus.jsonl", documents: 4_000, seed: 9)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        let reader = try IndexReader(path: folder + "/index")
        // Pruned whatever the query's cost, so that the pruned paths run on small queries too; the
        // searcher as configured scores small queries exhaustively (checked below).
        let searcher = Searcher(reader: reader)
        searcher.pruning = .everywhere
        // Conjunctions of words either score their lead's documents first, or only once they match.
        let matchingFirst = Searcher(reader: reader)
        matchingFirst.pruning = .everywhere
        matchingFirst.pruning.leadScoredFirstFromMatchRate = .infinity
        // Unions of words scored whole, window by window, in windows of 64 documents: many of them.
        let windowed = Searcher(reader: reader)
        windowed.pruning = .everywhere
        windowed.pruning.windowedFromClauses = 2
        windowed.pruning.unionWindow = 64
        let configured = Searcher(reader: reader)
        var generator = try QueryGenerator(reader: searcher.reader, seed: 21)
        var prunedSomething = 0, small = 0
        for round in 0..<300 {
            let query = generator.next()
            guard let exhaustive = try? searcher.search(query, limit: 10 + round % 3 * 20, prune: false, snippets: false) else { continue }
            for pruning in [searcher, matchingFirst, windowed] {
                let pruned = try pruning.search(query, limit: 10 + round % 3 * 20, exactTotal: false, snippets: false)
                if !pruned.totalIsExact && pruning === searcher { prunedSomething += 1 }
                #expect(pruned.total <= exhaustive.total, "\(query)")
                #expect(pruned.hits.count == exhaustive.hits.count, "\(query)")
                for (a, b) in zip(pruned.hits, exhaustive.hits) {
                    #expect(a.doc == b.doc || abs(a.score - b.score) <= 1e-9 * max(b.score, 1), "\(query): rank \(a.rank)")
                    #expect(abs(a.score - b.score) <= 1e-9 * max(b.score, 1), "\(query): rank \(a.rank)")
                }
            }
            #expect(try searcher.search(query, limit: 10, snippets: false).total == exhaustive.total, "\(query)")
            // Counting marks bitsets of the documents, or merges and skips through the lists, whichever
            // costs less: each way agrees with scoring every match.
            let planned = try QueryPlanner(reader: reader, analyzer: FrenchAnalyzer(), parameters: BM25Parameters()).plan(QueryParser().parse(query))
            var matchesByMethod: [[UInt32]] = []
            for method in [MatchCounter.Method.cheapest, .bitsets, .merging] {
                planned.rewind()
                #expect(try MatchCounter.count(planned, documentCount: reader.documentCount, method: method) == exhaustive.total, "\(query): counted, \(method)")
                // Facets read the matches themselves, the same ways.
                planned.rewind()
                var matches: [UInt32] = []
                try MatchCounter.forEachMatch(planned, documentCount: reader.documentCount, method: method) { matches.append($0) }
                #expect(matches.count == exhaustive.total && zip(matches, matches.dropFirst()).allSatisfy { $0 < $1 }, "\(query): read, \(method)")
                #expect(Set(exhaustive.hits.map { UInt32($0.doc) }).isSubset(of: matches), "\(query): read, \(method)")
                matchesByMethod.append(matches)
            }
            #expect(Set(matchesByMethod.map { $0 }).count == 1, "\(query): each way reads the same matches")
            let cost = planned.cost
            if cost <= PruningPolicy().exhaustiveUpToCost {
                small += 1
                let direct = try configured.search(query, limit: 10 + round % 3 * 20, exactTotal: false, snippets: false)
                #expect(direct.totalIsExact && direct.total == exhaustive.total, "\(query)")
                #expect(direct.hits.map(\.doc) == exhaustive.hits.map(\.doc) && direct.hits.map(\.score) == exhaustive.hits.map(\.score), "\(query)")
            }
        }
        #expect(prunedSomething > 50, "pruning skipped matches in \(prunedSomething) queries")
        #expect(small > 20, "\(small) queries cheap enough to score exhaustively")
    }

    /// Phrases whose matches fill many blocks, so that their block bounds (from their words' impacts)
    /// do the skipping: the pruned top-k must equal the exhaustive one.
    @Test func pruningKeepsTheTopKOfPhrases() throws {
        var generator = SplitMix64(seed: 31)
        let filler = ["projet", "coopérative", "territoire", "habitants", "emploi", "association", "local", "réseau"]
        var documents: [[String: Any]] = []
        for index in 0..<3_000 {
            var words: [String] = []
            for _ in 0..<(Int(generator.next() % 120) + 2) {
                switch generator.next() % 10 {
                case 0: words += ["économie", "sociale"]
                case 1: words += ["sociale", "et", "économie"]
                case 2: words += ["économie", "très", "sociale"]
                default: words.append(filler[Int(generator.next() % UInt64(filler.count))])
                }
            }
            let title = generator.next() % 4 == 0 ? "économie sociale" : "projet local"
            let object: [String: Any] = ["id": "doc-\(index)", "title": title, "body": words.joined(separator: " ")]
            documents.append(object)
        }
        let searcher = Searcher(reader: try Self.index(of: documents))
        searcher.pruning = .everywhere
        var prunedSomething = 0
        for query in ["\"économie sociale\"", "\"sociale économie\"~2", "\"économie sociale\"~1", "body:\"économie sociale\"",
                      "\"économie très sociale\"", "\"sociale et économie\" OR \"économie sociale\"", "\"économie sociale\" -coopérative",
                      "\"économie sociale\" OR coopérative", "projet OR \"économie très sociale\" OR réseau"] {
            for limit in [1, 10, 50] where try !expectPruningAgrees(searcher, query, limit: limit).totalIsExact {
                prunedSomething += 1
            }
        }
        #expect(prunedSomething >= 12, "pruning skipped matches in \(prunedSomething) searches")

        // Past the threshold, a phrase passes over candidates whose words are too rare in them to
        // reach it, without reading their positions; the top k stays that of exhaustive scoring.
        for query in ["\"économie sociale\"", "body:\"économie sociale\"", "\"sociale économie\"~2"] {
            for limit in [1, 10] {
                let planner = QueryPlanner(reader: searcher.reader, analyzer: try FrenchAnalyzer(), parameters: BM25Parameters())
                let root = try planner.plan(QueryParser().parse(query))
                let phrases = ((root as? DisjunctionScorer)?.scorers ?? [root]).compactMap { $0 as? PhraseScorer }
                let top = try TopDocs.collect(root, capacity: limit, prune: true, policy: .everywhere)
                let passedOver = phrases.reduce(0) { $0 + $1.passedOver }
                #expect(passedOver > 0 && !top.totalIsExact, "\(query) top \(limit): \(passedOver) candidates passed over")
                let exhaustive = try searcher.search(query, limit: limit, prune: false, snippets: false)
                #expect(top.collector.sorted().map { Int($0.doc) } == exhaustive.hits.map(\.doc), "\(query) top \(limit)")
                root.rewind()
                #expect(phrases.allSatisfy { $0.passedOver == 0 }, "\(query): rewinding forgets the competition")
                #expect(try MatchCounter.count(root, documentCount: searcher.reader.documentCount) == exhaustive.total, "\(query): counting after a pruned top k")
            }
        }
    }

    /// A conjunction whose other words match most of its lead's documents scores the lead's
    /// candidates first; one whose others match few of them moves the others first. Either way, the
    /// top k is the exhaustive one.
    @Test func conjunctionsScoreTheirLeadFirstWhereMostCandidatesMatch() throws {
        var documents: [[String: Any]] = []
        for index in 0..<3_000 {
            var words = ["commun"]
            if index % 5 == 0 { words += index < 60 ? ["rare", "rare", "rare"] : ["rare"] }
            if index % 50 == 0 { words.append("autre") }
            words += Array(repeating: "remplissage", count: 10)
            documents.append(["id": "doc-\(index)", "title": "titre", "body": words.joined(separator: " ")])
        }
        let searcher = Searcher(reader: try Self.index(of: documents))
        let planner = QueryPlanner(reader: searcher.reader, analyzer: try FrenchAnalyzer(), parameters: BM25Parameters())
        func matchRate(_ query: String) throws -> Double {
            let root = try #require(try planner.plan(QueryParser().parse(query)) as? ConjunctionScorer)
            let words = try #require(WordConjunction(root))
            defer { words.deallocate() }
            return words.matchRate
        }
        let cutOff = PruningPolicy().leadScoredFirstFromMatchRate
        // `rare` leads `commun`, in every document; `autre` leads `rare`, in a fifth of them.
        #expect(try matchRate("rare commun") == 1 && matchRate("commun rare") == 1)
        #expect(try abs(matchRate("autre rare") - 0.2) < 1e-9 && 0.2 < cutOff)
        for query in ["rare commun", "commun rare", "autre rare", "autre commun rare"] {
            try expectPruningAgrees(searcher, query, limit: 10)
        }
        // 600 matches, past the policy's first 256: the lead's later documents, with one `rare` each,
        // cannot rank beside the first ones' three.
        #expect(try !searcher.search("rare commun", limit: 10, exactTotal: false, snippets: false).totalIsExact)
    }

    /// `a MAYBE b`, a common `a` in the titles and the bodies and a rarer `b`: the documents of
    /// `b` and of `a`'s title lead, a phrase among them told what it must reach, and a document of
    /// `b` alone is no match (`habitants`, in some documents only); or, with `a` a conjunction,
    /// blocks are passed by `a`'s and `b`'s bounds together, and `b` leads where `a`'s bound alone
    /// cannot enter. The top k must equal the exhaustive one.
    @Test func maybeKeepsTheTopK() throws {
        var generator = SplitMix64(seed: 43)
        let filler = ["projet", "territoire", "habitants", "emploi", "association", "local"]
        func words(_ most: Int) -> [String] { (0..<Int(generator.next() % UInt64(most))).map { _ in filler[Int(generator.next() % 6)] } }
        var documents: [[String: Any]] = []
        for index in 0..<4_000 {
            var body = ["commun"] + words(30)
            if generator.next() % 25 == 0 { body += Array(repeating: "rare", count: Int(generator.next() % 3) + 1) }
            if generator.next() % 3 == 0 { body.append("commun") }
            let title = generator.next() % 9 == 0 ? "commun " + words(3).joined(separator: " ") : words(4).joined(separator: " ")
            documents.append(["id": "doc-\(index)", "title": title, "body": body.shuffled(using: &generator).joined(separator: " ")])
        }
        let searcher = Searcher(reader: try Self.index(of: documents))
        searcher.pruning = .everywhere
        var passed = 0
        for query in ["commun MAYBE rare", "commun MAYBE rare MAYBE projet", "(commun OR habitants) MAYBE rare", "commun MAYBE title:rare^3",
                      "commun MAYBE \"rare commun\"~2", "commun emploi MAYBE rare", "habitants MAYBE rare", "title:commun MAYBE rare OR local",
                      "rare MAYBE commun", "habitants MAYBE \"rare commun\"~2"] {
            for limit in [1, 5, 10, 25, 50] where try !expectPruningAgrees(searcher, query, limit: limit).totalIsExact {
                passed += 1
            }
            let total = try searcher.search(query, limit: 1, prune: false, snippets: false).total
            #expect(try total == searcher.count(query) && total == searcher.count(query.components(separatedBy: " MAYBE ")[0]), "\(query)")
        }
        #expect(passed > 15, "pruning passed matches in \(passed) searches")
    }

    /// A rare word beside common ones starts the pass with a primed threshold: the top k must still
    /// equal the exhaustive one, ties (identical documents) included, ranked by document number.
    @Test func primedThresholdKeepsTheTopK() throws {
        var generator = SplitMix64(seed: 41)
        let filler = ["projet", "territoire", "habitants", "emploi", "association", "local"]
        var documents: [[String: Any]] = []
        for index in 0..<3_000 {
            let body: String
            if index % 97 == 5 {
                body = "coopérative rare commun projet"  // identical documents: tied scores
            } else if index % 53 == 7 {
                body = "coopérative " + (0..<Int(generator.next() % 40)).map { _ in filler[Int(generator.next() % 6)] }.joined(separator: " ")
            } else {
                body = "commun " + (0..<Int(generator.next() % 60)).map { _ in filler[Int(generator.next() % 6)] }.joined(separator: " ")
            }
            let object: [String: Any] = ["id": "doc-\(index)", "title": index % 5 == 0 ? "commun" : "titre", "body": body]
            documents.append(object)
        }
        let searcher = Searcher(reader: try Self.index(of: documents))
        searcher.pruning = .everywhere
        for query in ["rare OR commun", "coopérative OR commun", "rare OR coopérative OR commun OR projet", "commun OR rare -emploi"] {
            let planner = QueryPlanner(reader: searcher.reader, analyzer: try FrenchAnalyzer(), parameters: BM25Parameters())
            let root = try planner.plan(QueryParser().parse(query))
            let clauses = (root as? DisjunctionScorer)?.scorers ?? [root]
            for limit in [1, 10, 25] {
                if !query.contains("-") {
                    #expect(try (TopDocs.prime(clauses, bounds: clauses.map(\.maxScore), capacity: limit)?.threshold ?? 0) > 0,
                            "\(query): no priming at top \(limit)")
                }
                try expectPruningAgrees(searcher, query, limit: limit)
            }
        }
    }

    /// A long rare list: once the priming pass holds k documents, it passes over the windows of the
    /// rare word's blocks that cannot reach the k-th best sum with the common word's whole bound, and
    /// keeps only what can. Documents there that the common word lifts into the top k (a mid score of
    /// each) are not passed over: the top k must equal the exhaustive one.
    @Test func primingPassesOverTheRareWindowsThatCannotEnter() throws {
        var generator = SplitMix64(seed: 59)
        let filler = ["projet", "territoire", "habitants", "emploi", "association", "local"]
        func fill(_ count: Int) -> [String] { (0..<count).map { _ in filler[Int(generator.next() % 6)] } }
        var documents: [[String: Any]] = []
        for index in 0..<8_000 {
            let words: [String]
            if index % 13 == 0 && index < 300 {
                // The rare word thrice in short documents: the k-th best sum, from the first block.
                words = ["rare", "rare", "rare"] + fill(2)
            } else if index == 650 || index == 1_950 {
                // Less of the rare word, but the common one's utmost: into the top k.
                words = ["rare", "rare"] + Array(repeating: "commun", count: 12) + fill(16)
            } else if index % 13 == 0 {
                // The rare word once in a long document: below the k-th, with anything the common adds.
                words = ["rare"] + fill(120 + Int(generator.next() % 80))
            } else if generator.next() % 20 < 14 {
                words = Array(repeating: "commun", count: 1 + Int(generator.next() % 3)) + fill(5 + Int(generator.next() % 200))
            } else {
                words = fill(5 + Int(generator.next() % 200))
            }
            documents.append(["id": "doc-\(index)", "title": "titre", "body": words.joined(separator: " ")])
        }
        let searcher = Searcher(reader: try Self.index(of: documents))
        searcher.pruning = .everywhere
        let planner = QueryPlanner(reader: searcher.reader, analyzer: try FrenchAnalyzer(), parameters: BM25Parameters())
        let root = try planner.plan(QueryParser().parse("rare OR commun"))
        let clauses = (root as? DisjunctionScorer)?.scorers ?? [root]
        let rareDocuments = try searcher.count("rare")
        for limit in [1, 5, 10, 20] {
            let priming = try #require(try TopDocs.prime(clauses, bounds: clauses.map(\.maxScore), capacity: limit), "top \(limit)")
            for clause in clauses { clause.rewind() }
            #expect(priming.matches.count < rareDocuments / 2, "top \(limit): \(priming.matches.count) of \(rareDocuments) kept")
            let pruned = try expectPruningAgrees(searcher, "rare OR commun", limit: limit)
            // The two documents the common word lifts lead.
            #expect(Set(pruned.hits.prefix(2).map(\.id)) == (limit == 1 ? [pruned.hits[0].id] : ["doc-650", "doc-1950"]), "top \(limit)")
        }
    }

    /// When a common word can still lift documents into the top k past the priming pass's floor, the
    /// pass after it reads only the common word's clauses, passing over the documents the priming pass
    /// ranked: the top k must still equal the exhaustive one, each document in it once.
    @Test func thePassAfterPrimingSkipsWhatPrimingRanked() throws {
        let filler = ["projet", "territoire", "habitants", "emploi", "association", "local"]
        var documents: [[String: Any]] = []
        for index in 0..<3_000 {
            let body: String
            if index % 300 == 0 {
                // Both words, "commun" as often as below: primed, and a candidate again after.
                body = "rare " + Array(repeating: "commun", count: 10).joined(separator: " ")
            } else if index % 30 == 0 {
                // "rare" in long documents that also hold "commun".
                body = "rare commun " + (0..<300).map { filler[($0 + index) % 6] }.joined(separator: " ")
            } else if index % 75 == 1 {
                // "commun" ten times in a short document outscores any "rare" one.
                body = Array(repeating: "commun", count: 10).joined(separator: " ")
            } else if index % 3 == 1 {
                body = "commun " + (0..<60).map { filler[($0 * 7 + index) % 6] }.joined(separator: " ")
            } else {
                body = (0..<20).map { filler[($0 + index) % 6] }.joined(separator: " ")
            }
            documents.append(["id": "doc-\(index)", "title": "titre", "body": body])
        }
        let searcher = Searcher(reader: try Self.index(of: documents))
        let planner = QueryPlanner(reader: searcher.reader, analyzer: try FrenchAnalyzer(), parameters: BM25Parameters())
        let root = try planner.plan(QueryParser().parse("rare OR commun"))
        let clauses = (root as? DisjunctionScorer)?.scorers ?? [root]
        for limit in [50, 100] {
            #expect(try TopDocs.prime(clauses, bounds: clauses.map(\.maxScore), capacity: limit) != nil, "no priming at top \(limit)")
            let pruned = try expectPruningAgrees(searcher, "rare OR commun", limit: limit)
            // Documents of both kinds rank: the pass after priming found the short ones.
            let withRare = pruned.hits.filter { $0.doc % 30 == 0 }.count
            #expect(withRare > 0 && withRare < limit, "top \(limit): \(withRare) with \"rare\"")
        }
    }

    /// A conjunction checks its block bounds only past its first matches (`PruningPolicy`): a small one
    /// is scored whole, its total exact, and a large one still skips blocks; both keep the top k.
    @Test func conjunctionsCheckBoundsPastTheirFirstMatches() throws {
        var generator = SplitMix64(seed: 53)
        let filler = ["projet", "territoire", "habitants", "emploi", "association", "local"]
        var documents: [[String: Any]] = []
        for index in 0..<4_000 {
            // "commun partage": every document, several times in the first ones. "rare mutuelle": 134
            // documents, several times in the first ones, words with postings enough (over 256) to be
            // pruned at all.
            var words = index < 40 ? ["commun", "commun", "commun", "partage", "partage"] : ["commun", "partage"]
            if index % 10 == 0 { words += index < 300 ? ["rare", "rare", "rare"] : ["rare"] }
            if index % 30 == 0 { words += index < 300 ? ["mutuelle", "mutuelle"] : ["mutuelle"] }
            if index % 7 == 1 { words.append("mutuelle") }
            // Lengths alike, so that frequency decides the scores and the later blocks' bounds are low.
            words += (0..<20).map { _ in filler[Int(generator.next() % 6)] }
            let object: [String: Any] = ["id": "doc-\(index)", "title": "titre", "body": words.joined(separator: " ")]
            documents.append(object)
        }
        let configured = Searcher(reader: try Self.index(of: documents))
        let everywhere = Searcher(reader: configured.reader)
        everywhere.pruning = .everywhere
        let policy = PruningPolicy()
        for (query, small) in [("rare mutuelle", true), ("commun partage", false)] {
            let exhaustive = try configured.search(query, limit: 10, prune: false, snippets: false)
            #expect((exhaustive.total < policy.conjunctionBoundsAfterMatches) == small, "\(query): \(exhaustive.total) matches")
            let planner = QueryPlanner(reader: configured.reader, analyzer: try FrenchAnalyzer(), parameters: BM25Parameters())
            #expect(try planner.plan(QueryParser().parse(query)).cost > policy.exhaustiveUpToCost, "\(query): too cheap to prune")
            let bounded = try everywhere.search(query, limit: 10, exactTotal: false, snippets: false)
            let pruned = try configured.search(query, limit: 10, exactTotal: false, snippets: false)
            // Checked from the first match, the bounds skip blocks of both.
            #expect(!bounded.totalIsExact, "\(query): nothing skipped with bounds checked throughout")
            #expect(pruned.totalIsExact == small, "\(query): total \(pruned.total), exact \(pruned.totalIsExact)")
            for result in [bounded, pruned] {
                #expect(result.hits.map(\.doc) == exhaustive.hits.map(\.doc), "\(query)")
                #expect(zip(result.hits, exhaustive.hits).allSatisfy { abs($0.score - $1.score) <= 1e-9 * max($1.score, 1) }, "\(query)")
            }
            if small { #expect(pruned.total == exhaustive.total, "\(query)") }
        }
    }

    /// Any index, such as frdocs' (`FTS_DIFFERENTIAL_INDEX=PATH swift test --filter givenIndex`, with
    /// `FTS_DIFFERENTIAL_QUERIES` and `FTS_DIFFERENTIAL_SEED` optional):
    /// a large lexicon reaches bounds that the corpora above do not. Not run by default, as the brute
    /// force takes minutes over a large corpus.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FTS_DIFFERENTIAL_INDEX"] != nil))
    func givenIndex() throws {
        let environment = ProcessInfo.processInfo.environment
        let queries = Int(environment["FTS_DIFFERENTIAL_QUERIES"] ?? "") ?? 200
        let seed = UInt64(environment["FTS_DIFFERENTIAL_SEED"] ?? "") ?? 13
        let (checked, matched) = try Self.compare(reader: IndexReader(path: environment["FTS_DIFFERENTIAL_INDEX"]!), queries: queries, seed: seed)
        #expect(checked > queries / 2 && matched > queries / 4, "\(checked) checked, \(matched) with matches")
    }

    @Test func bundledCorpus() throws {
        let folder = NSTemporaryDirectory() + "fts-diff-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try IndexBuilder.build(paths: [Self.root.appendingPathComponent("Corpus/seeds").path], output: folder)
        let (checked, matched) = try Self.compare(reader: IndexReader(path: folder), queries: 400, seed: 11)
        #expect(checked > 300 && matched > 200, "\(checked) queries checked, \(matched) with matches")
    }

    /// Compounds of two words typed as one (`ecopaturage` for `éco-pâturage`) where they need the
    /// lexicon's account of them: in phrases, followed by more words, and as prefixes no longer than
    /// their first word, or longer; and typed with their hyphen in phrases and near other words. The brute force reads the
    /// compounds from the documents.
    @Test func compoundsTypedAsOneWord() throws {
        let folder = NSTemporaryDirectory() + "fts-diff-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try IndexBuilder.build(paths: [Self.root.appendingPathComponent("Corpus/seeds").path], output: folder)
        let reader = try IndexReader(path: folder)
        // Where a compound of two words stands before the end of a sentence.
        var places: [(sentence: [String], at: Int)] = []
        for sentence in try QueryGenerator(reader: reader, seed: 0).sentences {
            for at in sentence.indices.dropLast() where sentence[at].split(separator: "-", omittingEmptySubsequences: false).count == 2
                && !sentence[at].hasSuffix("-") && !sentence[at].contains(where: \.isNumber) {
                places.append((sentence, at))
            }
        }
        #expect(places.count > 100)
        func compound(_ generator: inout QueryGenerator) -> String {
            let (sentence, at) = generator.pick(places)
            let parts = sentence[at].split(separator: "-").map(String.init)
            let joined = parts.joined()
            let before = at > 0 && generator.generator.next() % 3 == 0 ? sentence[at - 1] + " " : ""
            let after = sentence[(at + 1)..<min(at + 1 + Int(generator.generator.next() % 3) + 1, sentence.count)].joined(separator: " ")
            switch generator.generator.next() % 7 {
            case 0: return "\"\(before)\(joined) \(after)\""
            case 1: return "\"\(before)\(sentence[at]) \(after)\""
            case 2: return "\"\(before)\(generator.pick([joined, sentence[at]])) \(after.prefix(max(2, after.count - 2)))*\""
            case 3: return "\(generator.pick(generator.fields)):\"\(joined) \(after)\" \(generator.word())"
            case 4: return String(joined.prefix(max(2, parts[0].count + Int(generator.generator.next() % 3)))) + "*"
            case 5: return "\"\(before)\(sentence[at]) \(after)\"~\(generator.generator.next() % 3)"
            default: return "\"\(joined) \(after)\"~\(generator.generator.next() % 2) OR \(joined)"
            }
        }
        let (checked, matched) = try Self.compare(reader: reader, queries: 300, seed: 17, next: compound)
        #expect(checked > 250 && matched > 150, "\(checked) queries checked, \(matched) with matches")
    }

    /// Ranges over fields of numbers (years, prices with a decimal comma, counts) and the numbers of
    /// the text; `field:*` over fields some documents lack.
    @Test func rangesOfNumbers() throws {
        var random = SplitMix64(seed: 31)
        let words = ["jardin", "vélo", "atelier", "coopérative", "réemploi", "2024", "12,5", "300"]
        let documents: [[String: Any]] = (0..<600).map { doc in
            // Titles without numbers: 600 of them would pass the bound of 512 terms in every open range.
            var object: [String: Any] = ["id": "d\(doc)", "title": "Fiche " + words[doc % 5],
                                         "body": (0..<8).map { _ in words[Int(random.next() % UInt64(words.count))] }.joined(separator: " ")]
            if random.next() % 5 != 0 { object["année"] = 1950 + Int(random.next() % 76) }
            if random.next() % 3 != 0 { object["prix"] = "\(random.next() % 60),\(random.next() % 4 * 25)" }
            if random.next() % 2 == 0 { object["stock"] = [Int(random.next() % 50), Int(random.next() % 50)] }
            return object
        }
        // Now and then `field:*`: these fields are missing from some documents.
        let (checked, matched) = try Self.compare(reader: Self.index(of: documents), queries: 300, seed: 14) { generator in
            generator.generator.next() % 5 == 0 ? "\(generator.pick(generator.fields)):* -\(generator.word())" : generator.range()
        }
        #expect(checked == 300 && matched > 150, "\(checked) queries checked, \(matched) with matches")
    }

    /// An index of `QueryFixtures.generateCorpus` (1,500 documents), removed when the test process exits.
    static func generatedIndex(seed: UInt64) throws -> IndexReader {
        let folder = ProcessScratch.path("fts-generated")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try QueryFixtures.generateCorpus(at: folder + "/corpus.jsonl", documents: 1_500, seed: seed)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        return try IndexReader(path: folder + "/index")
    }

    /// An index of the bundled corpus, removed when the test process exits.
    static func bundledIndex() throws -> IndexReader {
        let folder = ProcessScratch.path("fts-bundled")
        _ = try IndexBuilder.build(paths: [root.appendingPathComponent("Corpus/seeds").path], output: folder)
        return try IndexReader(path: folder)
    }

    @Test func generatedCorpus() throws {
        let (checked, matched) = try Self.compare(reader: Self.generatedIndex(seed: 5), queries: 300, seed: 12)
        #expect(checked > 250 && matched > 150, "\(checked) queries checked, \(matched) with matches")
    }

    /// Exact forms (`fts index --exact-words`): `=word` alone, beside words, in a field, excluded,
    /// boosted, and hyphenated (the phrase of its parts' exact forms), against the brute force's
    /// reading of the words as written; and the other queries' answers as without them.
    @Test func exactForms() throws {
        let folder = ProcessScratch.path("fts-exact")
        var options = IndexBuildOptions()
        options.exactForms = true
        _ = try IndexBuilder.build(paths: [Self.root.appendingPathComponent("Corpus/seeds").path], output: folder, options: options)
        let reader = try IndexReader(path: folder)
        #expect(reader.meta.fields.allSatisfy { $0.exactForms == $0.indexed })
        let hyphenated = try QueryGenerator(reader: reader, seed: 0).words.filter { $0.split(separator: "-").count > 1 }
        #expect(hyphenated.count > 20)
        // A run of words, some of them (at least one) typed exact: `écopâturage =des prairies`.
        func exactRun(_ generator: inout QueryGenerator) -> String {
            var words = generator.phrase().split(separator: " ").map(String.init)
            let marked = Int(generator.generator.next() % UInt64(words.count))
            for index in words.indices where index == marked || generator.generator.next() % 3 == 0 { words[index] = "=" + words[index] }
            return words.joined(separator: " ")
        }
        // A compound written with its hyphens and the words around it, the compound exact.
        let compoundRuns = try QueryGenerator(reader: reader, seed: 0).sentences.flatMap { sentence in
            sentence.indices.filter { sentence[$0].contains("-") }.map { index in
                sentence[max(index - 1, 0)...min(index + 1, sentence.count - 1)].map { $0 == sentence[index] ? "=" + $0 : $0 }
            }
        }
        #expect(compoundRuns.count > 20)
        let (checked, matched) = try Self.compare(reader: reader, queries: 720, seed: 23) { generator in
            switch generator.generator.next() % 18 {
            case 0: return "=\(generator.word())"
            case 1:
                // Now and then a prefix of forms (`=écon*`), alone or in a field.
                let word = generator.word()
                guard generator.generator.next() % 2 == 0 else { return "=\(word) \(generator.word())" }
                return "\(generator.pick(["", "title:", "body:"]))=\(word.prefix(Int(generator.generator.next() % UInt64(word.count)) + 2))*"
            case 2: return "=\(generator.word()) OR \(generator.word())"
            case 3: return "\(generator.pick(generator.fields)):(=\(generator.word()))"
            case 4: return "\(generator.word()) -=\(generator.word())"
            case 5: return "(=\(generator.word()))^2 OR \"\(generator.phrase())\""
            // A compound with its hyphens, or as one word (`=écopâturage`), as the index holds it too.
            case 6: return generator.generator.next() % 2 == 0 ? "=\(generator.pick(hyphenated))"
                                                               : "=\(generator.pick(hyphenated).replacingOccurrences(of: "-", with: ""))"
            case 7: return "=\(generator.word()) MAYBE =\(generator.word())"
            // Exact words in quotes: a phrase, a proximity search, a quorum, one being typed, all of
            // them exact (`="…"`), beside NEAR and ADJ, and a word twice, exact and not.
            case 9: return "\"\(exactRun(&generator))\""
            case 10: return "\"\(exactRun(&generator))\"~\(generator.generator.next() % 4)"
            case 11: return "\"\(exactRun(&generator))\"/\(generator.generator.next() % 2 + 1)"
            // The word being typed a prefix of forms too, up to a whole word (`=économies*`:
            // économies, not économie).
            case 12:
                var words = exactRun(&generator).split(separator: " ").map(String.init)
                let last = QueryNode.exactText(words.removeLast())
                words.append(generator.pick(["", "="]) + last.prefix(2 + Int(generator.generator.next() % UInt64(max(last.count - 1, 1)))) + "*")
                return "\"\(words.joined(separator: " "))\""
            case 13:
                return generator.generator.next() % 2 == 0 ? "=\"\(generator.phrase())\""
                    : "\(generator.pick(generator.fields)):(=\"\(generator.phrase())\"~1)"
            case 14: return "=\(generator.word()) \(generator.pick(["NEAR/3", "ADJ/2", "ADJ"])) \(generator.word())"
            case 15:
                let word = generator.word()
                return "\"=\(word) \(word)\"~\(generator.generator.next() % 3)"
            // As a phrase, the compound typed with its hyphens or as one word.
            case 16:
                let run = generator.pick(compoundRuns).joined(separator: " ")
                return "\"\(generator.generator.next() % 2 == 0 ? run : run.replacingOccurrences(of: "-", with: ""))\""
            // A compound near itself, or its joined word near its first word, each exact or not: the
            // joined word stands where its first word does, one occurrence for the two.
            case 17:
                let compound = QueryNode.exactText(generator.pick(compoundRuns).first { $0.hasPrefix("=") }!)
                let parts = compound.split(separator: "-").map(String.init)
                let other = generator.generator.next() % 2 == 0 ? compound : parts[0]
                let first = generator.generator.next() % 2 == 0 ? compound : parts.joined()
                return "\"\(generator.pick(["", "="]))\(first) \(generator.pick(["", "="]))\(other)\"~\(generator.generator.next() % 4)"
            default: return generator.next()
            }
        }
        #expect(checked > 300 && matched > 200, "\(checked) queries checked, \(matched) with matches")
    }

    /// Quorums (`"a b c d"/2`), alone, in a field, beside other words, boosted inside a union and with
    /// an exclusion: the documents holding that many of the words, scored as their union.
    @Test func quorums() throws {
        func quorum(_ generator: inout QueryGenerator) -> String {
            let count = Int(generator.generator.next() % 4) + 2
            let words = (0..<count).map { _ in generator.word() }.joined(separator: " ")
            let minimum = generator.generator.next() % 4 == 0 ? "\(generator.pick([25, 50, 75, 100]))%"
                : "\(Int(generator.generator.next() % UInt64(count)) + 1)"
            let quorum = "\"\(words)\"/\(minimum)"
            switch generator.generator.next() % 5 {
            case 0: return quorum
            case 1: return "\(generator.pick(generator.fields)):\(quorum)"
            case 2: return "\(quorum) \(generator.word())"
            case 3: return "\(generator.word()) OR \(quorum)^2"
            default: return "\(quorum) -\(generator.word())"
            }
        }
        let reader = try Self.generatedIndex(seed: 8)
        let (checked, matched) = try Self.compare(reader: reader, queries: 120, seed: 41, next: quorum)
        #expect(checked > 100 && matched > 70, "\(checked) queries checked, \(matched) with matches")
        // A quorum among a union's clauses, pruned on however small a query: the top k of scoring every
        // match. Its leading clauses' documents tested first (`.everywhere`), or only its blocks' bounds.
        var blocksOnly = PruningPolicy.everywhere
        blocksOnly.leadScoredFirstFromMatchRate = .infinity
        for policy in [PruningPolicy.everywhere, blocksOnly] {
            let pruning = Searcher(reader: reader)
            pruning.pruning = policy
            var generator = try QueryGenerator(reader: reader, seed: 42)
            var compared = 0
            for round in 0..<100 {
                let query = quorum(&generator)
                guard let exhaustive = try? pruning.search(query, limit: 10 + round % 2 * 20, prune: false, snippets: false) else { continue }
                let pruned = try pruning.search(query, limit: 10 + round % 2 * 20, snippets: false)
                compared += 1
                #expect(pruned.total == exhaustive.total && pruned.hits.count == exhaustive.hits.count, "\(query)")
                // Equal scores (to 1e-9, sums in another order) may come in either order.
                for (a, b) in zip(pruned.hits, exhaustive.hits) {
                    #expect(a.doc == b.doc || abs(a.score - b.score) <= 1e-9 * max(b.score, 1), "\(query): rank \(a.rank)")
                    #expect(abs(a.score - b.score) <= 1e-9 * max(b.score, 1), "\(query): rank \(a.rank)")
                }
            }
            #expect(compared > 80)
        }
    }

    /// The proximity boost (`--proximity-boost`): each two words typed one after the other add their
    /// proximity search's score to the documents that match, and no match. The words are taken in a
    /// row from the documents' sentences, so that many pairs stand near each other, alone, as quorums,
    /// and beside queries of every kind; the brute force adds the pairs its own way
    /// (`BruteForce.proximity`).
    @Test func proximityBoost() throws {
        func words(_ generator: inout QueryGenerator) -> String {
            guard generator.generator.next() % 4 != 0 else { return generator.next() }
            let run = generator.phrase()
            // A pair broken by what is not a word of its own: an exclusion, a prefix, a field.
            var broken = run.split(separator: " ").map(String.init)
            let at = Int(generator.generator.next() % UInt64(broken.count - 1)) + 1
            switch generator.generator.next() % 12 {
            case 0: return run
            // A question typed whole, as a quorum: its words near each other count too.
            case 8: return "\"\(run) \(generator.word())\"/\(generator.pick(["75%", "50%", "2", "1"]))"
            case 9: return "\(generator.pick(generator.fields)):\"\(run)\"/2 -\(generator.word())"
            case 1: return "\(run) -\(generator.word())"
            case 2: return "\(generator.pick(generator.fields)):(\(run))"
            case 3: return "\(run) \(generator.word()) \(generator.phrase())"
            case 4: broken.insert("-" + generator.word(), at: at)
            case 5: broken[at] += "*"
            case 6: broken[at] = "\(generator.pick(generator.fields)):\(broken[at])"
            // A boosted word still pairs: its boost weighs its own score.
            case 10: broken[at] += "^" + generator.pick(["2", "0.5", "3"])
            // So do a boosted group's.
            case 11: return "(\(run))^\(generator.pick(["2", "0.5"])) \(generator.word())"
            // Words required, then an optional one: the required words pair, the optional one not.
            case 7: return generator.generator.next() % 2 == 0 ? "(\(run)) MAYBE \(generator.word())" : "\(run) MAYBE \(generator.word())"
            // A group among the words: all of it required too.
            default: return "(\(run)) \(generator.word())"
            }
            return broken.joined(separator: " ")
        }
        // The default slop (2) on the generated corpus, 4 on the bundled one, 0 on the generated again.
        for (reader, seed, boost, slop, queries) in [(try Self.generatedIndex(seed: 5), UInt64(51), 0.5, 2, 60), (try Self.bundledIndex(), 52, 3, 4, 120),
                                                     (try Self.generatedIndex(seed: 5), 53, 1, 0, 80)] {
            let parameters = BM25Parameters(proximityBoost: boost, proximitySlop: slop)
            let (checked, matched) = try Self.compare(reader: reader, queries: queries, seed: seed, parameters: parameters, next: words)
            #expect(checked > queries * 5 / 6 && matched > queries / 2, "\(checked) queries checked, \(matched) with matches")
            // The pairs do move scores: the same queries' best scores without them are lower.
            let plain = Searcher(reader: reader), boosted = Searcher(reader: reader, parameters: parameters)
            var generator = try QueryGenerator(reader: reader, seed: seed)
            var raised = 0
            for _ in 0..<queries {
                let query = words(&generator)
                guard let a = try? plain.search(query, limit: 1, snippets: false).hits.first,
                      let b = try? boosted.search(query, limit: 1, snippets: false).hits.first else { continue }
                #expect(b.score >= a.score * (1 - 1e-9), "\(query)")
                if b.score > a.score * (1 + 1e-9) { raised += 1 }
            }
            #expect(raised > queries / 4, "\(raised) queries whose best score the pairs raised")
            // Pruned however small the query (bounds read from the first match): the pairs are passed
            // where they cannot lift a document into the top k, never where they could.
            let pruning = Searcher(reader: reader, parameters: parameters)
            pruning.pruning = .everywhere
            generator = try QueryGenerator(reader: reader, seed: seed + 100)
            var skipped = 0
            for round in 0..<queries {
                let query = words(&generator)
                guard let exhaustive = try? pruning.search(query, limit: 5 + round % 3 * 10, prune: false, snippets: false) else { continue }
                let pruned = try pruning.search(query, limit: 5 + round % 3 * 10, exactTotal: false, snippets: false)
                if !pruned.totalIsExact { skipped += 1 }
                #expect(pruned.hits.count == exhaustive.hits.count, "\(query)")
                for (a, b) in zip(pruned.hits, exhaustive.hits) {
                    #expect(abs(a.score - b.score) <= 1e-9 * max(b.score, 1), "\(query): rank \(a.rank)")
                }
                #expect(try pruning.search(query, limit: 5, snippets: false).total == exhaustive.total, "\(query)")
            }
            #expect(skipped >= queries / 12, "\(skipped) queries pruned")
            // Beside a filter, the query's conjunction with its pairs is one clause of another: its
            // block bounds are read through it.
            guard reader.meta.field(named: "source") != nil else { continue }
            let filter = try FacetFilter(parsing: "source:=alpha")
            for round in 0..<queries / 2 {
                let query = words(&generator)
                guard let exhaustive = try? pruning.search(query, limit: 10, filters: [filter], prune: false, snippets: false) else { continue }
                let pruned = try pruning.search(query, limit: 10 + round % 2 * 10, filters: [filter], exactTotal: false, snippets: false)
                for (a, b) in zip(pruned.hits, exhaustive.hits) {
                    #expect(abs(a.score - b.score) <= 1e-9 * max(b.score, 1), "\(query): rank \(a.rank)")
                }
            }
        }
    }

    /// BM25's parameters set otherwise (`--k1`, `--b`, `--title-boost`, `--boost`), a field's boost 0
    /// among them: the engine, pruning included, scores and ranks as the brute force does.
    @Test func configuredRanking() throws {
        let reader = try Self.generatedIndex(seed: 6)
        let settings: [(seed: UInt64, k1: Double, b: Double, boosts: [String], boosted: [String])] = [
            (21, 0.8, 0.3, ["body=1.7", "Source=0.5"], ["body", "source"]),
            (22, 2, 1, ["title=0.3", "source=0"], ["source", "title"]),
        ]
        for setting in settings {
            let parameters = try BM25Parameters.parsing(k1: setting.k1, b: setting.b, titleBoost: 3, boosts: setting.boosts)
                .resolved(in: reader.meta)
            #expect(parameters.fieldBoosts.keys.sorted() == setting.boosted)
            let (checked, matched) = try Self.compare(reader: reader, queries: 150, seed: setting.seed, parameters: parameters)
            #expect(checked > 120 && matched > 75, "\(setting.boosts): \(checked) queries checked, \(matched) with matches")
        }
    }
}
