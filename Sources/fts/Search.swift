import ArgumentParser
import Foundation
import Indexer
import Query

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search an index: ranked results with snippets.",
        discussion: """
            Words are all required; OR, -word / NOT word, "exact phrases", "near words"~N, prefix*, \
            fuzzy~ / fuzzy~N, wild?ca*rds, field:word and parentheses are described in docs/QUERY.md. \
            Accents and case do not matter. The exit status is grep's: 0 when documents match, 1 when \
            none does, 2 on an error (a bad query, an unreadable index).
            """
    )

    @Option(help: "The index folder (default: $FTS_INDEX or ./index).")
    var index: String?

    @Option(help: "Results to show.")
    var limit = 10

    @Option(help: "Results to skip (pagination).")
    var offset = 0

    @Flag(help: "Print only the number of matching documents.")
    var count = false

    @Flag(help: "Print one JSON object a hit, then a summary object.")
    var json = false

    @Flag(help: "Show each term's contribution to each hit's score.")
    var explain = false

    @Option(help: "BM25 k1.")
    var k1 = 1.2

    @Option(help: "BM25 b.")
    var b = 0.75

    @Option(help: "Boost of the title field.")
    var titleBoost = 2.0

    @Option(help: "Length of a snippet, in bytes (about as many characters).")
    var snippetLength = 160

    @Option(help: "Text before a highlighted word of a snippet (JSON gives byte offsets instead).")
    var highlightOpen = "["

    @Option(help: "Text after a highlighted word of a snippet.")
    var highlightClose = "]"

    /// Unrecognized arguments are the query's: `fts search jardin -potager` excludes a word as the
    /// query language does, instead of failing on an unknown option `-potager`.
    @Argument(parsing: .allUnrecognized, help: "The query (several arguments are joined with spaces; -word excludes a word).")
    var query: [String]

    func validate() throws {
        // A mistyped long option (`--limt 3`) would otherwise be searched for, silently: the query
        // language reads `--limt` as the word `limt` (a doubled dash excludes nothing). Inside one
        // quoted argument (`'jardin --limt'`) it is still read as that word.
        if let option = query.first(where: { $0.hasPrefix("--") && $0.dropFirst(2).first?.isLetter == true }) {
            throw ValidationError("Unknown option '\(option)' (to exclude a word, use one dash: -word)")
        }
        guard (16...10_000).contains(snippetLength) else { throw ValidationError("--snippet-length must be between 16 and 10000") }
    }

    func run() throws {
        let path = index ?? Defaults.index
        let searcher: Searcher
        do {
            searcher = Searcher(reader: try IndexReader(path: path), parameters: BM25Parameters(k1: k1, b: b, titleBoost: titleBoost))
            searcher.snippetLength = snippetLength
        } catch {
            Output.error("fts search: \(path): \(error)")
            throw ExitCode(2)
        }
        let text = query.joined(separator: " ")
        let matches: Int
        do {
            if count {
                matches = try searcher.count(text)
                print(matches)
            } else {
                let results = try searcher.search(text, limit: limit, offset: offset, explain: explain)
                let suggestion = try searcher.suggest(text)
                json ? printJSON(results, suggestion: suggestion) : printTable(results, suggestion: suggestion)
                matches = results.total
            }
        } catch {
            Output.error("fts search: \(error)")
            throw ExitCode(2)
        }
        // As grep: a script can test whether anything matched.
        if matches == 0 { throw ExitCode(1) }
    }

    private func printTable(_ results: SearchResults, suggestion: String?) {
        for hit in results.hits {
            let rank = Output.padded(String(hit.rank), width: 3), score = Output.fixed(hit.score, decimals: 4, width: 8)
            print("\(rank)  \(score)  \(hit.id)  \(hit.title)")
            print("               \(hit.snippet.marked(open: highlightOpen, close: highlightClose))")
            for line in hit.explanation ?? [] { print("               \(line)") }
        }
        let took = Double(results.tookMicroseconds) / 1000
        print("\(results.hits.count) of \(Output.count(results.total)) document\(results.total == 1 ? "" : "s") in "
              + Output.fixed(took, decimals: 2) + " ms")
        if let suggestion { print("did you mean: \(suggestion)") }
    }

    private func printJSON(_ results: SearchResults, suggestion: String?) {
        for hit in results.hits {
            let highlights = hit.snippet.highlights.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ",")
            var line = "{\"rank\":\(hit.rank),\"id\":\(JSON.quote(hit.id)),\"score\":\(hit.score),\"path\":\(JSON.quote(hit.path)),"
                + "\"line\":\(hit.line),\"title\":\(JSON.quote(hit.title)),\"snippet\":\(JSON.quote(hit.snippet.text)),"
                + "\"highlights\":[\(highlights)]"
            if let explanation = hit.explanation {
                line += ",\"explanation\":[\(explanation.map(JSON.quote).joined(separator: ","))]"
            }
            print(line + "}")
        }
        print("{\"total\":\(results.total),\"exact\":\(results.totalIsExact),\"took_us\":\(results.tookMicroseconds)"
              + (suggestion.map { ",\"suggestion\":\(JSON.quote($0))" } ?? "") + "}")
    }
}

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "get", abstract: "Print one stored document by its id.")

    @Option(help: "The index folder (default: $FTS_INDEX or ./index).")
    var index: String?

    @Flag(help: "Print one JSON object with every stored field.")
    var json = false

    @Argument(help: "The document's id, as in search results (e.g. 004_b485c98c060516cb.txt#3).")
    var id: String

    func run() throws {
        let path = index ?? Defaults.index
        do {
            let reader = try IndexReader(path: path)
            guard let doc = try reader.document(id: id) else {
                Output.error("fts get: no document with id \"\(id)\"")
                throw ExitCode(1)
            }
            let fields = try reader.storedFields(doc)
            let names = reader.meta.fields.map(\.name)
            if json {
                let pairs = fields.values.map { "\(JSON.quote(names[$0.field])):\(JSON.quote($0.value))" }
                print("{" + pairs.joined(separator: ",") + "}")
            } else {
                for (field, value) in fields.values where field != StandardField.body {
                    print("\(names[field]): \(value)")
                }
                print("")
                print(fields.value(of: StandardField.body) ?? "")
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Output.error("fts get: \(path): \(error)")
            throw ExitCode(1)
        }
    }
}
