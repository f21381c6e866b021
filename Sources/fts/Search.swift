import Arguments
import Foundation
import Indexer
import Query

struct Search: Command {
    static let spec = CommandSpec(
        name: "search",
        abstract: "Search an index: ranked results with snippets.",
        discussion: """
            Words are all required; OR, -word / NOT word, word MAYBE optional, "exact phrases", \
            "near words"~N, word NEAR/N word, word ADJ/N word, prefix*, fuzzy~ / fuzzy~N, wild?ca*rds, \
            /regular.expressions/, =exact (an index built with --exact-words), field:word and parentheses are \
            described in docs/QUERY.md. \
            Accents and case do not matter. The exit status is grep's: 0 when documents match, 1 when \
            none does, 2 on an error (a bad query, an unreadable index, an unknown option).
            """,
        options: [
            Defaults.indexOption,
            .option("limit", default: "10", help: "Results to show (--all: every one)."),
            .option("offset", default: "0", help: "Results to skip (pagination)."),
            .flag("all", help: """
                Show every match, in the results' order, however many (not with --limit; past the \(Searcher.maximumWindow) \
                results of the deepest page): printed a page at a time as they are read, for a script to go through.
                """),
            .flag("cursor", help: """
                Also say where the last result stands, as a cursor (the JSON summary's "next", the table's last \
                line), for --after: pages past the \(Searcher.maximumWindow) results offsets reach, as Elasticsearch's \
                search_after. Every match is then scored.
                """),
            .option("after", value: "cursor", help: """
                Show the results after the one this cursor names (--cursor gave it, in the same order, on the same \
                index): the next page, however deep; with its own cursor.
                """),
            .option("like", value: "id", help: """
                The documents like the one with this id, itself left out (Lucene's MoreLikeThis): any of the 25 \
                terms that tell it apart, ranked by BM25. The query is then optional, and narrows them.
                """),
            .option("sort", value: "field[:desc],…", help: """
                Order by a field's numbers or dates (a field of text values: alphabetically) instead of by \
                score: ascending, or descending with :desc (documents without one last); then by the next \
                field after a comma (at most 3), then by score.
                """),
            .option("collapse", value: "field", help: """
                Show only the best match of each value of a field (one a package, a site, an author), as \
                Elasticsearch's collapse does: a match is grouped under its first value, one without a value \
                stands alone; pages go through the groups.
                """),
            .option("facet", value: "field[:n]", help: """
                Also count the values of a field among all the matches (a JSON array's elements, a list's \
                entries), and show the n most frequent (10 by default, at most 1000); field:year, \
                field:month or field:day counts its dates by year, month or day, field:interval=10 its \
                numbers by intervals of 10. May be given again.
                """),
            .option("filter", value: "field:=value", help: """
                Keep the matches holding this value of the field, as --facet counts it (quoted when it holds a \
                space: tags:="économie sociale"), or a value starting with a prefix (path:=docs/*). Values of one \
                field are alternatives; of different fields, all apply; a facet on a filtered field counts \
                without that field's filters. May be given again.
                """),
            .option("fields", value: "field,…", help: """
                Search the words that name no field in these fields only (title,tags), instead of in every \
                searched field, as Lucene's MultiFieldQueryParser does; --like reads them alone too.
                """),
            .option("synonyms", value: "file", help: """
                A synonym file, as Solr and Elasticsearch write them (docs/QUERY.md, "Synonyms"): vélo, bicyclette \
                on a line searches each word as either; ESS => économie sociale et solidaire, the left as the right.
                """),
            .flag("count", help: "Print only the number of matching documents."),
            .flag("quiet", short: "q", help: """
                Print nothing but errors: the exit status says whether a document matches (0) or none does (1), \
                as grep -q's does; the matches are counted, not ranked.
                """),
            .flag("files-with-matches", short: "l", help: """
                Print only the path of each file holding a match, once, best match first, as grep -l does: \
                every match's file, however many, or those of the first --limit matches when --limit is given.
                """),
            .flag("files-without-match", short: "L", help: """
                Print only the path of each file none of whose documents match, in the paths' byte order, as \
                grep -L does (the exit status stays 0 when a document matches).
                """),
            .flag("null", short: "Z", help: """
                With -l or -L, end each path with a NUL byte instead of a line feed, as grep -Z does, for \
                xargs -0: a file's name may hold a line feed.
                """),
            .flag("json", help: "Print one JSON object a hit, then a summary object."),
            .flag("explain", help: "Show each term's contribution to each hit's score."),
            .option("snippet-length", default: "\(Searcher.defaultSnippetLength)", help: "Length of a snippet, in bytes (about as many characters); 0 for none."),
            .option("highlight-open", default: "[", help: "Text before a highlighted word of a snippet (JSON gives byte offsets instead)."),
            .option("highlight-close", default: "]", help: "Text after a highlighted word of a snippet."),
            .option("color", value: "when", default: "auto", help: """
                Color the table as grep does (highlighted words in bold red, ids in magenta, titles in bold): \
                always, never, or auto (when the output is a terminal and NO_COLOR is not set). Markers given \
                by --highlight-open or --highlight-close are kept.
                """),
        ] + RankingOptions.specs,
        arguments: [ArgumentSpec(name: "query", help: """
            The query (several arguments are joined with spaces; -word excludes a word); optional with --like.
            """, repeats: true)],
        // `fts search jardin -potager` excludes a word as the query language does, instead of failing
        // on an unknown option `-potager`; a mistyped long option (`--limt 3`) still fails, where the
        // query language would read `--limt` as the word `limt`, silently.
        dashedArgumentsHint: "to exclude a word, use one dash: -word"
    )

    var index: String?
    var limit: Int
    var offset: Int
    /// Every match (`--all`, and `-l` without `--limit`), past the maximum window.
    var all: Bool
    /// Whether to say where the last result stands (`--cursor`, or `--after`).
    var cursor: Bool
    var after: SearchCursor?
    var like: String?
    /// Where words without a field are searched, when not in every searched field.
    var fields: [String]?
    var synonyms: String?
    var sort: FieldSort?
    var collapse: FieldCollapse?
    var facets: [FacetRequest]
    var filters: [FacetFilter]
    var count: Bool
    var quiet: Bool
    var filesWithMatches: Bool
    var filesWithoutMatch: Bool
    /// What ends each path of -l and -L: a NUL byte with -Z, else a line feed.
    var pathEnd: String
    var json: Bool
    var explain: Bool
    var ranking: BM25Parameters
    var snippetLength: Int
    var highlightOpen: String
    var highlightClose: String
    var style: TableStyle
    var query: [String]

    init(_ arguments: ParsedArguments) throws {
        index = arguments.string("index")
        limit = try arguments.number("limit")!
        offset = try arguments.number("offset")!
        like = arguments.string("like")
        fields = try arguments.string("fields").map { list in
            let names = list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty }) else { throw UsageError("--fields takes field names separated by commas, as in title,tags") }
            return names
        }
        synonyms = arguments.string("synonyms")
        sort = try SortOption.parse(arguments)
        collapse = arguments.string("collapse").map(FieldCollapse.init(field:))
        count = arguments.flag("count")
        quiet = arguments.flag("quiet")
        (facets, filters) = try FacetOptions.parse(arguments)
        if count && !facets.isEmpty { throw UsageError("--facet counts values beside the results: use --limit 0, not --count") }
        json = arguments.flag("json")
        explain = arguments.flag("explain")
        filesWithMatches = arguments.flag("files-with-matches")
        filesWithoutMatch = arguments.flag("files-without-match")
        all = arguments.flag("all")
        pathEnd = arguments.flag("null") ? "\0" : "\n"
        if arguments.flag("null") && !filesWithMatches && !filesWithoutMatch {
            throw UsageError("--null ends the paths of -l or -L: not without one of them")
        }
        do {
            after = try arguments.string("after").map { try SearchCursor(token: $0) }
        } catch {
            throw UsageError("--after: \(error)")
        }
        cursor = arguments.flag("cursor") || after != nil
        if cursor && (all || count || filesWithMatches) {
            throw UsageError("--cursor and --after page the results: not with --all, --count or --files-with-matches")
        }
        if all && (arguments.isGiven("limit") || count) {
            throw UsageError("--all shows every match: not with --limit or --count")
        }
        if filesWithoutMatch {
            let paged = ["limit", "offset", "sort", "collapse", "after"].filter(arguments.isGiven)
            if filesWithMatches || count || json || explain || !facets.isEmpty || all || cursor || !paged.isEmpty {
                throw UsageError("--files-without-match prints the paths of the files without a match, in order: not with "
                                 + "-l, --count, --json, --explain, --facet, --all, --cursor, --after, --limit, --offset, --sort or --collapse")
            }
        }
        if filesWithMatches {
            if count || json || explain || !facets.isEmpty {
                throw UsageError("--files-with-matches prints paths alone: not with --count, --json, --explain or --facet")
            }
            // Every match's file, as grep -l lists them, unless a page is asked for.
            if !arguments.isGiven("limit") { all = true }
        }
        // Refused by the engine too; here the refusal says how to go further.
        if !all, limit >= 0, offset >= 0, offset > Searcher.maximumWindow - limit {
            throw UsageError("--offset + --limit is over the maximum window of \(Searcher.maximumWindow) results: "
                             + "--all shows every match, and --cursor then --after page past it")
        }
        let options = try RankingOptions.parse(arguments)
        do {
            ranking = try BM25Parameters.parsing(k1: options.k1, b: options.b, titleBoost: options.titleBoost, boosts: options.boosts,
                                                  proximityBoost: options.proximityBoost, proximitySlop: options.proximitySlop)
        } catch {
            throw UsageError("BM25: \(error)")
        }
        snippetLength = try arguments.number("snippet-length")!
        highlightOpen = arguments.string("highlight-open")!
        highlightClose = arguments.string("highlight-close")!
        style = try TableStyle(arguments.string("color")!)
        if style.colored && !arguments.isGiven("highlight-open") && !arguments.isGiven("highlight-close") {
            (highlightOpen, highlightClose) = (TableStyle.highlight, TableStyle.reset)
        }
        query = arguments.arguments("query")
        if query.isEmpty && like == nil { throw UsageError("missing <query>") }
        guard snippetLength == 0 || Searcher.snippetLengths.contains(snippetLength) else {
            throw UsageError("--snippet-length must be 0 (no snippet) or between \(Searcher.snippetLengths.lowerBound) and \(Searcher.snippetLengths.upperBound)")
        }
    }

    func run() throws {
        let path = index ?? Defaults.index
        let reader: IndexReader
        let synonyms = try Defaults.synonyms(self.synonyms, command: "search")
        do {
            reader = try Defaults.openIndex(index, command: "search")
        } catch {
            Output.error("fts search: \(path): \(error)")
            throw ExitStatus(2)
        }
        let searcher: Searcher
        do {
            searcher = Searcher(reader: reader, parameters: try ranking.resolved(in: reader.meta), synonyms: synonyms)
        } catch {
            Output.error("fts search: --boost: \(error)")
            throw ExitStatus(2)
        }
        // Joined by hand: `joined(separator:)` runs unspecialized here, and its first call costs a
        // one-shot search 0.2M instructions of type lookups.
        var text = "", first = true
        for word in query {
            text += first ? word : " " + word
            first = false
        }
        let matches: Int
        do {
            if count || quiet {
                matches = try searcher.count(text, like: like, filters: filters, fields: fields)
                if !quiet { writeStandardOutput("\(matches)\n") }
            } else if filesWithoutMatch {
                let files = try searcher.pathsWithoutMatch(text, like: like, filters: filters, fields: fields)
                writeStandardOutput(files.paths.map { $0 + pathEnd }.joined())
                matches = files.matches
            } else if filesWithMatches {
                var seen = Set<String>()
                matches = try searcher.searchPaths(text, like: like, limit: all ? nil : limit, offset: offset, sort: sort, collapse: collapse,
                                                   filters: filters, fields: fields) { paths in
                    writeStandardOutput(paths.compactMap { seen.insert($0).inserted ? $0 + pathEnd : nil }.joined())
                }.total
            } else {
                let results: SearchResults
                let fieldNames = reader.meta.fields.map(\.name)
                let sortFields = try sort.map { sort in try sort.fieldNumbers(in: reader) }?.map { ($0, fieldNames[$0]) } ?? []
                var shown: ClosedRange<Int>?
                let write = { (hits: [Hit]) in
                    if let first = hits.first, let last = hits.last { shown = (shown?.lowerBound ?? first.rank)...last.rank }
                    writeStandardOutput(json ? jsonLines(hits, fieldNames: fieldNames) : table(hits, sortFields: sortFields))
                }
                if all {
                    results = try searcher.searchAll(text, like: like, offset: offset, sort: sort, collapse: collapse, facets: facets,
                                                     filters: filters, explain: explain, snippets: snippetLength > 0,
                                                     snippetLength: snippetLength, fields: fields, titleHighlights: true, page: write)
                } else {
                    results = try searcher.search(text, like: like, limit: limit, offset: offset, sort: sort, collapse: collapse, facets: facets,
                                                  filters: filters, explain: explain, snippets: snippetLength > 0, snippetLength: snippetLength,
                                                  fields: fields, titleHighlights: true, cursor: cursor, after: after)
                    write(results.hits)
                }
                let typedMatches = Searcher.queryMatches(of: results, filters: filters, fields: fields, collapse: collapse)
                let suggestion = try searcher.suggest(text, like: like, matches: typedMatches)
                writeStandardOutput(json ? jsonSummary(results, suggestion: suggestion) : tableSummary(results, shown: shown, suggestion: suggestion))
                matches = results.total
            }
        } catch {
            Output.error("fts search: \(error)")
            throw ExitStatus(2)
        }
        // As grep: a script can test whether anything matched.
        if matches == 0 { throw ExitStatus(1) }
    }

    /// The hits' rows of the table: rank, score, id, title (and the sort field's value), then the
    /// snippet and the explanation below.
    private func table(_ hits: [Hit], sortFields: [(number: Int, name: String)]) -> String {
        var text = ""
        for hit in hits {
            let rank = Output.padded(String(hit.rank), width: 3), score = Output.fixed(hit.score, decimals: 4, width: 8)
            text += "\(rank)  \(score)  \(style.id(hit.id))  \(style.title(hit.title, highlights: hit.titleHighlights, open: highlightOpen, close: highlightClose))"
            // What the results are sorted by, as the document writes it.
            if !sortFields.isEmpty {
                text += "  (" + sortFields.map { field in hit.record.string(of: field.number).map { "\(field.name): \($0)" } ?? "no \(field.name)" }
                    .joined(separator: ", ") + ")"
            }
            text += "\n"
            if snippetLength > 0 { text += "               \(hit.snippet.marked(open: highlightOpen, close: highlightClose))\n" }
            for line in hit.explanation ?? [] { text += "               \(line)\n" }
        }
        return text
    }

    /// The table's last lines: which results it showed, of how many, the facets, and "did you mean".
    private func tableSummary(_ results: SearchResults, shown: ClosedRange<Int>?, suggestion: String?) -> String {
        var text = ""
        let took = Output.fixed(Double(results.tookMicroseconds) / 1000, decimals: 2)
        if results.total == 0 {
            text += "no document matches (\(took) ms)\n"
        } else {
            // A later page says which results it shows, as a search page does ("11–20 of 33").
            var range = shown.map { $0.lowerBound > 1 ? "\(Output.count($0.lowerBound))–\(Output.count($0.upperBound))" : Output.count($0.count) } ?? "0"
            // Ranks count from the cursor.
            if after != nil { range += " after the cursor," }
            let of = results.groups.map { "\(Output.count($0, "group")) (\(Output.count(results.total, "document")))" }
                ?? Output.count(results.total, "document")
            text += "\(range) of \(of) in \(took) ms\n"
        }
        for facet in results.facets {
            text += "\(facet.field): \(Output.count(facet.distinct, "value")), \(Output.count(facet.missing, "match", plural: "matches")) without one\n"
            let width = String(facet.values.first?.count ?? 0).count
            for value in facet.values { text += "  \(Output.padded(String(value.count), width: width))  \(value.value)\n" }
        }
        if let suggestion { text += "did you mean: \(suggestion)\n" }
        if let next = results.next { text += "next page: --after \(next.token)\n" }
        return text
    }

    /// One JSON object a hit, a line each.
    private func jsonLines(_ hits: [Hit], fieldNames: [String]) -> String {
        var text = ""
        for hit in hits {
            func ranges(_ ranges: [Range<Int>]) -> String { ranges.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ",") }
            var line = "{\"rank\":\(hit.rank),\"id\":\(JSON.quote(hit.id)),\"score\":\(hit.score),\"path\":\(JSON.quote(hit.path)),"
                + "\"line\":\(hit.line),\"title\":\(JSON.quote(hit.title)),\"title_highlights\":[\(ranges(hit.titleHighlights))],"
                + "\"snippet\":\(JSON.quote(hit.snippet.text)),\"highlights\":[\(ranges(hit.snippet.highlights))],\"fields\":{"
            var separator = ""
            hit.forEachOtherField { field, utf8 in
                line += separator + JSON.quote(fieldNames[field]) + ":" + JSON.quote(String(decoding: utf8, as: UTF8.self))
                separator = ","
            }
            line += "}"
            if let explanation = hit.explanation {
                line += ",\"explanation\":[\(explanation.map(JSON.quote).joined(separator: ","))]"
            }
            text += line + "}\n"
        }
        return text
    }

    /// The JSON summary object, after the hits.
    private func jsonSummary(_ results: SearchResults, suggestion: String?) -> String {
        "{\"total\":\(results.total),\"exact\":\(results.totalIsExact),\"took_us\":\(results.tookMicroseconds)"
            + (results.groups.map { ",\"groups\":\($0)" } ?? "")
            + (results.facets.isEmpty ? "" : ",\"facets\":" + JSON.facets(results.facets))
            + (suggestion.map { ",\"suggestion\":\(JSON.quote($0))" } ?? "")
            + (results.pagedByCursor ? ",\"next\":" + (results.next.map { JSON.quote($0.token) } ?? "null") : "") + "}\n"
    }
}

struct Get: Command {
    static let spec = CommandSpec(
        name: "get",
        abstract: "Print one stored document by its id.",
        options: [
            Defaults.indexOption,
            .flag("json", help: "Print one JSON object with every stored field."),
            .option("query", help: """
                Mark the words this query matches, over the whole of each searched field, as a snippet marks \
                them (with --json: "highlights", each field's UTF-8 byte ranges, beside "document").
                """),
            .option("highlight-open", default: "[", help: "Text before a word --query matches."),
            .option("highlight-close", default: "]", help: "Text after a word --query matches."),
            .option("color", value: "when", default: "auto", help: """
                Color the words --query matches as grep does (bold red): always, never, or auto (when the output \
                is a terminal and NO_COLOR is not set).
                """),
        ],
        arguments: [ArgumentSpec(name: "id", help: "The document's id, as in search results (e.g. 004_b485c98c060516cb.txt#3).",
                                 required: true)]
    )

    var index: String?
    var json: Bool
    var query: String?
    var highlightOpen: String
    var highlightClose: String
    var id: String

    init(_ arguments: ParsedArguments) throws {
        index = arguments.string("index")
        json = arguments.flag("json")
        query = arguments.string("query")
        highlightOpen = arguments.string("highlight-open")!
        highlightClose = arguments.string("highlight-close")!
        let style = try TableStyle(arguments.string("color")!)
        if style.colored && !arguments.isGiven("highlight-open") && !arguments.isGiven("highlight-close") {
            (highlightOpen, highlightClose) = (TableStyle.highlight, TableStyle.reset)
        }
        id = arguments.argument("id")!
    }

    func run() throws {
        let path = index ?? Defaults.index
        let reader: IndexReader
        let fields: [(field: Int, value: String, highlights: [Range<Int>]?)]
        do {
            reader = try Defaults.openIndex(index, command: "get")
        } catch {
            Output.error("fts get: \(path): \(error)")
            throw ExitStatus(2)
        }
        do {
            if let query {
                guard let document = try Searcher(reader: reader).highlight(query, inDocument: id) else {
                    Output.error("fts get: no document with id \"\(id)\"")
                    throw ExitStatus(1)
                }
                fields = document.fields
            } else {
                guard let doc = try reader.document(id: id) else {
                    Output.error("fts get: no document with id \"\(id)\"")
                    throw ExitStatus(1)
                }
                fields = try reader.storedFields(doc).values.map { ($0.field, $0.value, nil) }
            }
        } catch let exit as ExitStatus {
            throw exit
        } catch let error as QueryError {
            Output.error("fts get: \(error)")
            throw ExitStatus(2)
        } catch {
            Output.error("fts get: \(path): \(error)")
            throw ExitStatus(1)
        }
        let names = reader.meta.fields.map(\.name)
        if json {
            let document = "{" + fields.map { "\(JSON.quote(names[$0.field])):\(JSON.quote($0.value))" }.joined(separator: ",") + "}"
            guard query != nil else { return writeStandardOutput(document + "\n") }
            let highlights = fields.compactMap { field in
                field.highlights.map { ranges in
                    JSON.quote(names[field.field]) + ":[" + ranges.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ",") + "]"
                }
            }
            writeStandardOutput("{\"document\":\(document),\"highlights\":{\(highlights.joined(separator: ","))}}\n")
        } else {
            func marked(_ field: (field: Int, value: String, highlights: [Range<Int>]?)) -> String {
                guard let highlights = field.highlights else { return field.value }
                return Snippet(text: field.value, highlights: highlights).marked(open: highlightOpen, close: highlightClose)
            }
            var text = ""
            for field in fields where field.field != StandardField.body {
                text += "\(names[field.field]): \(marked(field))\n"
            }
            writeStandardOutput(text + "\n" + (fields.first { $0.field == StandardField.body }.map(marked) ?? "") + "\n")
        }
    }
}

/// How `fts search` colors its table: as grep colors its matches (`GREP_COLORS`' defaults), so that a
/// terminal shows at a glance what matched.
struct TableStyle {
    static let highlight = "\u{1B}[1;31m"
    static let reset = "\u{1B}[0m"
    let colored: Bool

    init(_ when: String) throws {
        switch when {
        case "always": colored = true
        case "never": colored = false
        case "auto":
            colored = isatty(STDOUT_FILENO) != 0 && (Defaults.environment("NO_COLOR") ?? "").isEmpty && Defaults.environment("TERM") != "dumb"
        default: throw UsageError("--color takes always, never or auto, not '\(when)'")
        }
    }

    func id(_ text: String) -> String { colored ? "\u{1B}[35m" + text + Self.reset : text }
    /// The title in bold, its matching words marked as the snippet's are (and bold again after each).
    func title(_ text: String, highlights: [Range<Int>], open: String, close: String) -> String {
        let bold = "\u{1B}[1m"
        let marked = Snippet(text: text, highlights: highlights).marked(open: open, close: colored ? close + bold : close)
        return colored ? bold + marked + Self.reset : marked
    }
}
