import Dispatch
import Foundation
import Indexer

/// One result.
public struct Hit: Sendable {
    /// 1-based rank in the whole result list (offset included).
    public var rank: Int
    public var doc: Int
    public var score: Double
    /// The stored document: its fields' bytes, made strings only when asked for.
    public var record: StoredRecord
    public var snippet: Snippet
    /// UTF-8 byte ranges of the title's words that match the query, when asked for.
    public var titleHighlights: [Range<Int>] = []
    /// Each term's contribution, when asked for (`--explain`).
    public var explanation: [String]?

    public var id: String { record.string(of: StandardField.id) ?? "" }
    public var title: String { record.string(of: StandardField.title) ?? "" }
    public var path: String { record.string(of: StandardField.path) ?? "" }
    public var line: Int { record.string(of: StandardField.line).flatMap { Int($0) } ?? 0 }

    /// Calls `body` with each stored field beyond the id, path, line, title and body (a JSON Lines
    /// document's own, such as a URL; a page's front matter), by number, in the record's order.
    public func forEachOtherField(_ body: (_ field: Int, _ utf8: ArraySlice<UInt8>) throws -> Void) rethrows {
        try record.forEachField { field, utf8 in
            if field > StandardField.body { try body(field, utf8) }
        }
    }
}

public struct SearchResults: Sendable {
    public var hits: [Hit]
    /// Documents matching the query.
    public var total: Int
    /// Whether `total` is exact (it always is here; a lower bound would say false, as in Lucene).
    public var totalIsExact: Bool
    public var tookMicroseconds: Int
    /// The index's field names, by number: what `Hit.forEachOtherField` numbers.
    public var fieldNames: [String]
    /// The field the hits are sorted by, when they are not sorted by score (the first, when several).
    public var sortField: Int? { sortFields.first }
    /// The fields the hits are sorted by, in turn; none when they are sorted by score.
    public var sortFields: [Int] = []
    /// The values of each requested facet among all the matches, in the requests' order.
    public var facets: [FacetCounts] = []
    /// With a collapsed search, the groups among the matches: what its pages go through.
    public var groups: Int?
    /// Where the next page starts (`search(after:)`), when the search was asked for cursors and
    /// returned a hit.
    public var next: SearchCursor?
    /// Whether the search was asked for cursors (`search(cursor:)` or `after:`).
    public var pagedByCursor = false
}

/// A stored document with the words of a query marked (`Searcher.highlight`).
public struct HighlightedDocument: Sendable {
    public var doc: Int
    /// Every stored field, in the record's order, with the UTF-8 byte ranges of its matching words in
    /// `value` (increasing); nil for a field not searched (the id, the path, the line).
    public var fields: [(field: Int, value: String, highlights: [Range<Int>]?)]
}

/// Runs queries over one opened index. Thread-safe: any number of threads may search at once.
public final class Searcher: @unchecked Sendable {
    /// `offset + limit` may not exceed this (the deepest page, as Elasticsearch's max_result_window).
    public static let maximumWindow = 10_000
    /// The most completions `complete` returns.
    public static let maximumCompletions = 100

    public let reader: IndexReader
    public let parameters: BM25Parameters
    /// Words and phrases searched as others too (`Synonyms`), nil for none.
    public let synonyms: Synonyms?
    /// A snippet's length in bytes (about as many characters), by default and at the least and most.
    public static let defaultSnippetLength = 160
    public static let snippetLengths = 16...10_000
    /// When pruning checks bounds; the pruning tests set `.everywhere`, so that the pruned paths run on
    /// their small corpora too.
    var pruning = PruningPolicy()
    private let lock = NSLock()
    private var analyzers: [FrenchAnalyzer] = []

    /// Worked out once: every query of a word without a field searches these.
    private let allFields: [(field: Int, boost: Double)]
    /// Knows the index's fields, so that `title: mer` names one.
    private var parser: QueryParser
    /// What `now` is in ranges' date math: the clock's time, but in tests (which set it before any search).
    var clock: @Sendable () -> Date {
        get { parser.clock }
        set { parser.clock = newValue }
    }
    /// Every field's name, by number, for the results.
    private let fieldNames: [String]
    /// What completions keep, made by the first one: making their generic caches' types costs a
    /// one-shot search a sixth of its instructions (conformances looked up through the whole program).
    private var completionCaches: WordCompleter.Caches?

    public init(reader: IndexReader, parameters: BM25Parameters = BM25Parameters(), synonyms: Synonyms? = nil) {
        self.reader = reader
        self.parameters = parameters
        self.synonyms = synonyms
        allFields = QueryPlanner.allFields(of: reader, parameters: parameters)
        parser = QueryParser(fields: Set(reader.meta.fields.filter(\.indexed).map(\.name)))
        fieldNames = reader.meta.fields.map(\.name)
    }

    /// A planner for one query, with the searcher's parameters or `ranking`'s; `ranks` for a planner
    /// whose scores are ranked (with the proximity of the query's words, when asked), not only counted.
    private func makePlanner(_ analyzer: FrenchAnalyzer, ranking: (parameters: BM25Parameters, allFields: [(field: Int, boost: Double)])? = nil,
                             ranks: Bool = false) -> QueryPlanner {
        QueryPlanner(reader: reader, analyzer: analyzer, parameters: ranking?.parameters ?? parameters, allFields: ranking?.allFields ?? allFields,
                     synonyms: synonyms, ranks: ranks)
    }

    /// The searcher's parameters with `boosts` (`FIELD` as typed to its boost) in place of its own
    /// boosts of those fields and `proximity`'s boost and slop in place of its own, and the fields a
    /// word without one is searched in with them: `fields` (as typed) when given, else every searched
    /// field. Nil for none of them.
    private func ranking(boosting boosts: [String: Double], searching fields: [String]? = nil,
                         proximity: (boost: Double?, slop: Int?) = (nil, nil)) throws
        -> (parameters: BM25Parameters, allFields: [(field: Int, boost: Double)])? {
        guard !boosts.isEmpty || fields != nil || proximity.boost != nil || proximity.slop != nil else { return nil }
        var boosted = parameters
        if proximity.boost != nil || proximity.slop != nil {
            boosted.proximityBoost = proximity.boost ?? parameters.proximityBoost
            boosted.proximitySlop = proximity.slop ?? parameters.proximitySlop
            if let problem = boosted.problem { throw QueryError(problem) }
        }
        if !boosts.isEmpty {
            boosted = BM25Parameters(k1: parameters.k1, b: parameters.b, titleBoost: parameters.titleBoost, fieldBoosts: boosts,
                                     proximityBoost: boosted.proximityBoost, proximitySlop: boosted.proximitySlop)
            if let problem = boosted.problem { throw QueryError(problem) }
            boosted = try boosted.resolved(in: reader.meta)
            boosted.fieldBoosts.merge(parameters.fieldBoosts) { requested, _ in requested }
        }
        var searched = QueryPlanner.allFields(of: reader, parameters: boosted)
        if let fields {
            let numbers = try searchedFields(fields)
            searched = searched.filter { numbers.contains($0.field) }
        }
        return (boosted, searched)
    }

    /// The searched fields `names` name, as a query types them (`Title`, `categorie`): where a search's
    /// `fields` confine its words. An error names the fields there are.
    public func searchedFields(_ names: [String]) throws(QueryError) -> Set<Int> {
        let meta = reader.meta
        var numbers = Set<Int>()
        for name in names {
            guard let number = meta.field(typed: name), meta.fields[number].indexed else {
                throw QueryError("cannot search in \"\(name)\": the index searches no such field (fields: "
                                 + meta.fields.filter(\.indexed).map(\.name).joined(separator: ", ") + ")")
            }
            numbers.insert(number)
        }
        guard !numbers.isEmpty else { throw QueryError("no field to search in") }
        return numbers
    }

    private func withAnalyzer<T>(_ body: (FrenchAnalyzer) throws -> T) throws -> T {
        let analyzer = try lock.withLock { analyzers.popLast() } ?? FrenchAnalyzer()
        defer { lock.withLock { analyzers.append(analyzer) } }
        return try body(analyzer)
    }

    /// The `limit` best documents from `offset` on, with snippets, and the number of matches: exact by
    /// default, else possibly a lower bound (`totalIsExact` says), which saves counting what pruning
    /// skipped. `like` searches the documents like the one with that id (Lucene's MoreLikeThis), which the
    /// query, then optional, narrows. `prune: false` scores every match (to measure what pruning buys). `titleHighlights`
    /// marks the titles' matching words too, analysing each title. `sort` orders the results by
    /// fields' numbers, dates or text values (`FieldSort`) instead of by score; the total is then exact. `facets` counts the
    /// values of fields among all the matches, in a second walk over them. `filters` narrow the
    /// matches to values of fields (`FacetFilter`): a facet on a filtered field counts the matches of
    /// the query and the other fields' filters, in a walk of its own. `collapse` keeps the best match
    /// of each value of a field (`FieldCollapse`), in score order or `sort`'s, and counts the groups.
    /// `snippets: false` leaves the snippets empty, and saves reading the positions and the bodies'
    /// text for them. `fieldBoosts` (a field's name as a query types it, to its boost) weigh fields
    /// for this search alone, over the searcher's own boosts of them (`BM25Parameters.fieldBoosts`).
    /// `fields` (names as a query types them) are where a word without a field is searched, and what
    /// `like` reads, instead of every searched field (Lucene's MultiFieldQueryParser fields).
    /// `proximityBoost` weighs the query's words near each other for this search alone, over the
    /// searcher's own (`BM25Parameters.proximityBoost`), and `proximitySlop` says how far apart they
    /// may stand (`BM25Parameters.proximitySlop`).
    public func search(_ query: String, like: String? = nil, limit: Int = 10, offset: Int = 0, sort: FieldSort? = nil,
                       collapse: FieldCollapse? = nil, facets: [FacetRequest] = [], filters: [FacetFilter] = [], explain: Bool = false,
                       exactTotal: Bool = true, prune: Bool = true, snippets: Bool = true, snippetLength: Int = Searcher.defaultSnippetLength,
                       fieldBoosts: [String: Double] = [:], fields: [String]? = nil, proximityBoost: Double? = nil,
                       proximitySlop: Int? = nil, titleHighlights: Bool = false, cursor: Bool = false, after: SearchCursor? = nil) throws -> SearchResults {
        try Self.checkWindow(limit: limit, offset: offset)
        var hits: [Hit] = []
        var results = try execute(query, like: like, capacity: offset + limit, offset: offset, pageSize: max(limit, 1), sort: sort,
                                  collapse: collapse, facets: facets, filters: filters, explain: explain, exactTotal: exactTotal,
                                  prune: prune, snippets: snippets, snippetLength: snippetLength, fieldBoosts: fieldBoosts,
                                  fields: fields, proximity: (proximityBoost, proximitySlop), titleHighlights: titleHighlights,
                                  cursor: cursor || after != nil, after: after) { _, page in
            hits = try page()
        }
        results.hits = hits
        return results
    }

    /// Every match from `offset` on, in `search`'s order, past the maximum window: what `grep -l` and a
    /// script going through all the results need, as Lucene's searchAfter and Elasticsearch's scroll
    /// give it page after page. `page` gets the hits `pageSize` at a time, each page's stored
    /// documents and snippets read as it comes, so that memory holds one page of hits beside every
    /// match's number and score. Returns what `search` does, with no hits: the total (always exact),
    /// the groups, the facets. The options are `search`'s.
    public func searchAll(_ query: String, like: String? = nil, offset: Int = 0, pageSize: Int = 500, sort: FieldSort? = nil,
                          collapse: FieldCollapse? = nil, facets: [FacetRequest] = [], filters: [FacetFilter] = [], explain: Bool = false,
                          snippets: Bool = true, snippetLength: Int = Searcher.defaultSnippetLength, fieldBoosts: [String: Double] = [:],
                          fields: [String]? = nil, titleHighlights: Bool = false, page: ([Hit]) throws -> Void) throws -> SearchResults {
        guard offset >= 0 else { throw QueryError("the offset cannot be negative") }
        guard pageSize > 0 else { throw QueryError("a page holds at least one hit") }
        return try execute(query, like: like, capacity: nil, offset: offset, pageSize: pageSize, sort: sort, collapse: collapse,
                           facets: facets, filters: filters, explain: explain, exactTotal: true, prune: false, snippets: snippets,
                           snippetLength: snippetLength, fieldBoosts: fieldBoosts, fields: fields, proximity: (nil, nil),
                           titleHighlights: titleHighlights, cursor: false, after: nil) { _, hits in try page(hits()) }
    }

    /// The paths of the files of the hits that `search` (with a `limit`) or `searchAll` (with none)
    /// returns, in their order, a path a hit: what `fts search -l` prints, each file once. They are
    /// read from the paths' column (facets.fts), not from the stored documents, so that listing the
    /// files of every match of a common word costs about twice what counting them does. `page` gets them
    /// `pageSize` at a time; the results hold no hits. The options are `search`'s.
    public func searchPaths(_ query: String, like: String? = nil, limit: Int?, offset: Int = 0, pageSize: Int = 500, sort: FieldSort? = nil,
                            collapse: FieldCollapse? = nil, filters: [FacetFilter] = [], fields: [String]? = nil,
                            page: ([String]) throws -> Void) throws -> SearchResults {
        if let limit {
            try Self.checkWindow(limit: limit, offset: offset)
        } else {
            guard offset >= 0 else { throw QueryError("the offset cannot be negative") }
        }
        guard pageSize > 0 else { throw QueryError("a page holds at least one hit") }
        var names: [Int: String] = [:]
        return try execute(query, like: like, capacity: limit.map { offset + $0 }, offset: offset, pageSize: pageSize, sort: sort,
                           collapse: collapse, facets: [], filters: filters, explain: false, exactTotal: true, prune: limit != nil,
                           snippets: false, snippetLength: Self.defaultSnippetLength, fieldBoosts: [:], fields: fields,
                           proximity: (nil, nil), titleHighlights: false, cursor: false, after: nil) { ranked, _ in
            try page(paths(of: ranked, names: &names))
        }
    }

    /// The paths of the files none of whose documents match the query, in byte order, and the number of
    /// matches: what `fts search -L` prints, as grep -L does. Every file the index holds is either one
    /// of them or the file of a match. The paths come from the paths' column, a path too long for it
    /// (over 256 bytes) from the store. The options are `count`'s.
    public func pathsWithoutMatch(_ query: String, like: String? = nil, filters: [FacetFilter] = [],
                                  fields: [String]? = nil) throws -> (paths: [String], matches: Int) {
        let documentCount = reader.documentCount
        let matched = DocumentBitset(documentCount: documentCount)
        try withMatches(query, like: like, filters: filters, fields: fields) { root in
            try MatchCounter.forEachMatch(root, documentCount: documentCount) { matched.mark(Int($0)) }
        }
        let values = reader.facetValues
        // By ordinal (each path a document holds): whether one of its documents matches.
        var matchedFile = [Bool](repeating: false, count: values.valueCount(field: StandardField.path))
        var long: [(doc: Int, matched: Bool)] = []
        let column = values.column(field: StandardField.path)
        var cursor = FacetValuesReader.Cursor()
        for doc in 0..<documentCount {
            var ordinal: Int?
            column?.forEachOrdinal(doc: doc, cursor: &cursor) { ordinal = $0 }
            let isMatch = matched.contains(UInt32(doc))
            guard let ordinal else {
                long.append((doc, isMatch))
                continue
            }
            if isMatch { matchedFile[ordinal] = true }
        }
        var paths = try matchedFile.indices.filter { !matchedFile[$0] }.map { try values.value(ordinal: $0, field: StandardField.path) }
        if !long.isEmpty {
            var longMatched: [String: Bool] = [:]
            for (entry, record) in zip(long, try reader.storedRecords(long.map(\.doc))) {
                let path = record.string(of: StandardField.path) ?? ""
                longMatched[path] = (longMatched[path] ?? false) || entry.matched
            }
            paths += longMatched.filter { !$0.value }.keys
            paths.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        return (paths, matched.count)
    }

    /// The paths of `ranked`'s documents, from the paths' column, each value made a string once
    /// (`names`, by ordinal); a path too long for the column (over 256 bytes) from the store.
    private func paths(of ranked: [ScoredDocument], names: inout [Int: String]) throws -> [String] {
        var paths = [String](repeating: "", count: ranked.count)
        var stored: [Int] = []
        if let column = reader.facetValues.column(field: StandardField.path) {
            for (index, scored) in ranked.enumerated() {
                var ordinal: Int?
                // The hits are in rank order: a cursor for each, as a sparse column searches forward.
                var cursor = FacetValuesReader.Cursor()
                column.forEachOrdinal(doc: Int(scored.doc), cursor: &cursor) { ordinal = $0 }
                guard let ordinal else {
                    stored.append(index)
                    continue
                }
                let name = try names[ordinal] ?? reader.facetValues.value(ordinal: ordinal, field: StandardField.path)
                names[ordinal] = name
                paths[index] = name
            }
        } else {
            stored = Array(ranked.indices)
        }
        let records = try reader.storedRecords(stored.map { Int(ranked[$0].doc) })
        for (index, record) in zip(stored, records) { paths[index] = record.string(of: StandardField.path) ?? "" }
        return paths
    }

    /// A page of `limit` results from `offset`: neither negative, and within the maximum window.
    private static func checkWindow(limit: Int, offset: Int) throws {
        guard limit >= 0, offset >= 0 else { throw QueryError("limit and offset cannot be negative") }
        guard limit + offset <= maximumWindow else {
            throw QueryError("offset + limit is over the maximum window of \(maximumWindow) results")
        }
    }

    /// `search`, `searchAll` and `searchPaths`: the first `capacity` matches ranked (every match when nil:
    /// then none can be pruned, and they are scored exhaustively), and those from `offset` on handed to
    /// `page`, `pageSize` at a time, with a function that makes them hits (reading the store). With
    /// `cursor`, the matches ranked are those after `after`, and the results say where their last hit stands.
    private func execute(_ query: String, like: String?, capacity: Int?, offset: Int, pageSize: Int, sort: FieldSort?,
                         collapse: FieldCollapse?, facets: [FacetRequest], filters: [FacetFilter], explain: Bool, exactTotal: Bool,
                         prune: Bool, snippets: Bool, snippetLength: Int, fieldBoosts: [String: Double], fields: [String]?,
                         proximity: (boost: Double?, slop: Int?), titleHighlights: Bool, cursor: Bool, after: SearchCursor?,
                         page: (_ ranked: [ScoredDocument], _ hits: () throws -> [Hit]) throws -> Void) throws -> SearchResults {
        let started = DispatchTime.now().uptimeNanoseconds
        guard !snippets || Self.snippetLengths.contains(snippetLength) else {
            throw QueryError("a snippet is \(Self.snippetLengths.lowerBound) to \(Self.snippetLengths.upperBound) bytes long")
        }
        let parsed = try parser.parse(query, beside: like.map { .similar(id: $0) })
        let sorted = try sort.map { ($0, try $0.fieldNumbers(in: reader)) }
        let collapsed = try collapse?.fieldNumber(in: reader)
        let ranking = try ranking(boosting: fieldBoosts, searching: fields, proximity: proximity)
        let facetFields = try facets.map { ($0, try $0.fieldNumber(in: reader)) }
        let groups = try filterGroups(filters)
        // Facets on a filtered field count apart (drill sideways); the others, over the hits' matches.
        let sideways = facetFields.indices.filter { index in groups.contains { $0.field == facetFields[index].1 } }
        let direct = facetFields.indices.filter { !sideways.contains($0) }
        return try withAnalyzer { analyzer in
            let planner = makePlanner(analyzer, ranking: ranking, ranks: true)
            let root = try planner.plan(Self.narrowed(parsed, by: groups))
            // Every match: as many as there are, counted first.
            let capacity = try capacity ?? {
                defer { root.rewind() }
                return try count(root)
            }()
            // Facets walk every match: that walk counts them, so the ranking need not.
            var best: [ScoredDocument], total: Int, totalIsExact: Bool, collapsedGroups: Int?
            var places: [SortedByFields] = []
            let order = cursor ? sorted.map { Self.cursorOrder($0.0, fields: $0.1) } ?? [] : []
            if cursor {
                try checkPaging(after: after, order: order, collapsed: collapsed != nil)
                (places, total) = try rank(root, capacity: capacity, sort: sorted, after: after?.place)
                best = places.map(\.scored)
                totalIsExact = true
            } else if let collapsed {
                (best, total, collapsedGroups) = try collapsedRanking(root, field: collapsed, capacity: capacity, sort: sorted)
                totalIsExact = true
            } else {
                (best, total, totalIsExact) = try rank(root, capacity: capacity, sort: sorted, prune: prune,
                                                       exactTotal: exactTotal && direct.isEmpty)
            }
            var facetCounts = [FacetCounts?](repeating: nil, count: facetFields.count)
            if !direct.isEmpty {
                root.rewind()
                let counted = try FacetCounter.count(root, requests: direct.map { facetFields[$0] }, reader: reader)
                for (index, facet) in zip(direct, counted.facets) { facetCounts[index] = facet }
                total = counted.matches
                totalIsExact = true
            }
            for index in sideways {
                let others = groups.filter { $0.field != facetFields[index].1 }
                let matches = try makePlanner(analyzer, ranking: ranking)
                    .plan(Self.narrowed(parsed, by: others))
                facetCounts[index] = try FacetCounter.count(matches, requests: [facetFields[index]], reader: reader).facets[0]
            }
            var generator = SnippetGenerator(length: snippetLength)
            let titles = titleHighlights ? TextHighlighter(planner: planner, field: StandardField.title) : nil
            var first = offset
            while first < best.count {
                let ranked = Array(best[first..<min(first + pageSize, best.count)])
                try page(ranked) {
                    try hits(ranked, from: first, root: root, planner: planner, analyzer: analyzer, generator: &generator, snippets: snippets,
                             explain: explain, titles: titles)
                }
                first += pageSize
            }
            let took = Int((DispatchTime.now().uptimeNanoseconds - started) / 1000)
            let next = places.count > offset ? SearchCursor(index: SearchCursor.index(of: reader.meta.indexID), sort: order, place: places.last!) : nil
            return SearchResults(hits: [], total: total, totalIsExact: totalIsExact, tookMicroseconds: took, fieldNames: fieldNames,
                                 sortFields: sorted?.1 ?? [], facets: facetCounts.compactMap { $0 }, groups: collapsedGroups, next: next,
                                 pagedByCursor: cursor)
        }
    }

    /// The ranked documents made hits, ranked from `first` on: their stored documents, and their
    /// snippets, explanations and titles' highlights as asked.
    private func hits(_ ranked: [ScoredDocument], from first: Int, root: Scorer, planner: QueryPlanner, analyzer: FrenchAnalyzer,
                      generator: inout SnippetGenerator, snippets: Bool, explain: Bool, titles: TextHighlighter?) throws -> [Hit] {
        let positions = snippets ? try matchPositions(in: ranked.map(\.doc), planner: planner) : nil
        var hits: [Hit] = []
        hits.reserveCapacity(ranked.count)
        var compounds = CompoundMatcher(terms: positions?.terms ?? [], analyzer: analyzer)
        let records = try reader.storedRecords(ranked.map { Int($0.doc) })
        // What the snippets analysed mark in each field, made once a page when one is.
        var highlighters: [Int: TextHighlighter] = [:]
        func marks(_ field: Int) -> TextHighlighter {
            if let made = highlighters[field] { return made }
            let made = TextHighlighter(planner: planner, field: field)
            highlighters[field] = made
            return made
        }
        for index in ranked.indices {
            let scored = ranked[index], record = records[index]
            var snippet = Snippet(utf8: [], highlights: [])
            if snippets {
                if let positions, record.body != nil {
                    snippet = try positions.withMatches(of: index) { try generator.snippet(of: record.body!, matches: $0, compounds: &compounds) }
                } else if let body = record.body {
                    // Too many terms to read their positions: the text is analysed.
                    snippet = try generator.snippet(of: String(decoding: body.bytes, as: UTF8.self), marks: marks(StandardField.body), analyzer: analyzer)
                } else {
                    // No body: the other fields where the query matched there (or with no title to show), else the title.
                    let title = record.string(of: StandardField.title) ?? ""
                    let parts = searchedFields(of: record).map { (text: $0.text, marks: marks($0.field)) }
                    let fields = parts.isEmpty ? nil : try generator.snippet(of: parts, separator: " · ", analyzer: analyzer)
                    if let fields, !fields.highlights.isEmpty || title.isEmpty {
                        snippet = fields
                    } else {
                        snippet = try generator.snippet(of: title, marks: marks(StandardField.title), analyzer: analyzer)
                    }
                }
            }
            var explanation: [String]?
            if explain {
                root.rewind()
                var lines: [String] = []
                if try root.advance(to: scored.doc) == scored.doc { try root.explain(into: &lines, reader: reader) }
                explanation = lines
            }
            hits.append(Hit(rank: first + index + 1, doc: Int(scored.doc), score: scored.score, record: record,
                            snippet: snippet, explanation: explanation))
        }
        if let titles {
            let highlights = try titles.highlights(of: hits.map(\.title), analyzer: analyzer)
            for index in hits.indices { hits[index].titleHighlights = highlights[index] }
        }
        return hits
    }

    /// What a document with no body (a table's row, a JSON object of other fields) may show as its
    /// text: its searched fields' values but the title's, in the order of the index's fields, so that
    /// its snippet shows the words matched there, as a body's would.
    private func searchedFields(of record: StoredRecord) -> [(field: Int, text: String)] {
        var fields: [(field: Int, text: String)] = []
        record.forEachField { field, utf8 in
            guard field > StandardField.body, reader.meta.fields[field].indexed else { return }
            fields.append((field, String(decoding: utf8, as: UTF8.self)))
        }
        return fields
    }

    /// The document with this id, its searched fields' words that match `query` marked over the whole
    /// of each (as Elasticsearch's highlighter marks a whole field with `number_of_fragments: 0`, and
    /// Sphinx's excerpts with no limit): what a front end shows when a result is opened, which it
    /// could not work out itself without the French analysis. A phrase's words are marked where the
    /// phrase occurs, as in snippets; whether the document matches the query is not asked. Nil when
    /// the index has no such document.
    public func highlight(_ query: String, inDocument id: String) throws -> HighlightedDocument? {
        let parsed = try parser.parse(query, beside: nil)
        guard let doc = try reader.document(id: id) else { return nil }
        let values = try reader.storedFields(doc).values
        let searched = values.indices.filter { reader.meta.fields[values[$0].field].indexed }
        return try withAnalyzer { analyzer in
            let planner = makePlanner(analyzer)
            _ = try planner.plan(parsed)
            var highlights = [[Range<Int>]?](repeating: nil, count: values.count)
            // Each field with its own words, its values analysed together.
            for field in Set(searched.map { values[$0].field }) {
                let ofField = searched.filter { values[$0].field == field }
                let marks = try TextHighlighter(planner: planner, field: field).highlights(of: ofField.map { values[$0].value }, analyzer: analyzer)
                for (index, ranges) in zip(ofField, marks) { highlights[index] = ranges }
            }
            return HighlightedDocument(doc: doc, fields: values.indices.map { (values[$0].field, values[$0].value, highlights[$0]) })
        }
    }

    /// `filters` by field, in the order their fields first come: each field's values as one node, any
    /// of them (checked against the index, so that a mistyped field is an error, not no match).
    private func filterGroups(_ filters: [FacetFilter]) throws -> [(field: Int, node: QueryNode)] {
        var groups: [(field: Int, values: [QueryNode])] = []
        for filter in filters {
            let field = try filter.fieldNumber(in: reader)
            let value = QueryNode.value(filter.value, field: reader.meta.fields[field].name, prefix: filter.prefix, column: 1)
            if let group = groups.firstIndex(where: { $0.field == field }) {
                groups[group].values.append(value)
            } else {
                groups.append((field, [value]))
            }
        }
        return groups.map { ($0.field, $0.values.count == 1 ? $0.values[0] : .or($0.values)) }
    }

    /// The query, and every group of filters.
    private static func narrowed(_ query: QueryNode, by groups: [(field: Int, node: QueryNode)]) -> QueryNode {
        groups.isEmpty ? query : .and([query] + groups.map(\.node))
    }

    /// Snippets read at most this many terms' positions; past it (a short prefix), they analyse the
    /// start of the document instead.
    static let maximumSnippetTerms = 64

    /// Where the highlighted terms stand in the body of each of `docs` (in that order), from the
    /// positions in the index; nil when there are too many terms to read.
    private func matchPositions(in docs: [UInt32], planner: QueryPlanner) throws -> MatchPositions? {
        let terms = planner.distinctHighlightTerms(in: StandardField.body)
        guard terms.count <= Self.maximumSnippetTerms else { return nil }
        // Each highlighted term found in the body, numbered in sorted order: most have a cursor that
        // planning opened (the ranking is done with it: it starts again), the others (a prefix's
        // expansions, a range's numbers: planned without one) are looked up now.
        var cursors: [PostingsCursor] = []
        var numbers: [Int] = []
        cursors.reserveCapacity(terms.count)
        numbers.reserveCapacity(terms.count)
        for (number, term) in terms.enumerated() {
            if let planned = planner.bodyCursors.first(where: { $0.term == term }) {
                guard let cursor = planned.cursor else { continue }
                cursor.rewind()
                cursors.append(cursor)
            } else {
                guard let info = try reader.termInfo(field: StandardField.body, term: term) else { continue }
                cursors.append(try reader.postings(info))
            }
            numbers.append(number)
        }
        let filter = planner.highlightFilter(in: StandardField.body, terms: terms)
        // Borrowed: the loops below run per hit and per term, with no reference counting.
        let borrowed = borrowedBuffer(cursors)
        var result = MatchPositions(terms: terms, matches: [], bounds: [Int](repeating: 0, count: 2 * docs.count))
        var positions = PositionBuffer()
        // Each hit as `doc << 32 | index`, sorted: cursors only move forward, so documents are visited
        // in increasing order.
        let order = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: docs.count)
        defer {
            positions.deallocate()
            borrowed.deallocate()
            order.deallocate()
        }
        for index in docs.indices { order[index] = UInt64(docs[index]) << 32 | UInt64(index) }
        Self.sortSmall(order)
        for (visited, key) in order.enumerated() {
            let doc = UInt32(truncatingIfNeeded: key >> 32), index = Int(key & 0xFFFF_FFFF)
            var total = 0
            for cursor in borrowed {
                total += try cursor.with { try $0.advance(to: doc) == doc ? Int($0.freq) : 0 }
            }
            let first = result.matches.count
            // Room for as many matches in each hit left as in this one, doubled when that falls short.
            if result.matches.capacity < first + total {
                result.matches.reserveCapacity(max(2 * result.matches.capacity, first + total * (docs.count - visited)))
            }
            var sorted = true
            for (slot, cursor) in borrowed.enumerated() {
                try cursor.with { cursor in
                    guard cursor.doc == doc else { return }
                    positions.reserve(Int(cursor.freq))
                    positions.count = try cursor.decodePositions(into: positions.base)
                    if positions.count > 0, result.matches.count > first,
                       Int(positions.base[0]) < MatchPositions.position(result.matches[result.matches.count - 1]) { sorted = false }
                    for position in positions.positions { result.matches.append(MatchPositions.match(position: position, term: numbers[slot])) }
                }
            }
            if !sorted {
                result.matches.withUnsafeMutableBufferPointer { Self.sortSmall(UnsafeMutableBufferPointer(rebasing: $0[first...])) }
            }
            filter?.apply(to: &result.matches, from: first)
            result.bounds[2 * index] = first
            result.bounds[2 * index + 1] = result.matches.count
        }
        return result
    }

    /// Sorts in place: by insertion up to a few dozen values (a page's hits, a hit's matches), cheaper
    /// there than the library's sort; by that sort past it.
    private static func sortSmall(_ values: UnsafeMutableBufferPointer<UInt64>) {
        guard values.count <= 32 else {
            var values = values
            values.sort()
            return
        }
        for next in values.indices.dropFirst() {
            let moving = values[next]
            var slot = next
            while slot > 0 && values[slot - 1] > moving {
                values[slot] = values[slot - 1]
                slot -= 1
            }
            values[slot] = moving
        }
    }

    /// Only the ranking: the best `limit` documents and scores (or the first by `sort`), without stored
    /// fields or snippets (what a peer's top-docs collector returns), and the total, exact or a lower
    /// bound. `like` as `search` takes it.
    public func topDocuments(_ query: String, like: String? = nil, limit: Int = 10, sort: FieldSort? = nil, exactTotal: Bool = false,
                             prune: Bool = true) throws -> (documents: [(doc: Int, score: Double)], total: Int, totalIsExact: Bool) {
        guard limit >= 0, limit <= Self.maximumWindow else { throw QueryError("limit must be between 0 and \(Self.maximumWindow)") }
        let node = try parser.parse(query, beside: like.map { .similar(id: $0) })
        let sorted = try sort.map { ($0, try $0.fieldNumbers(in: reader)) }
        return try withAnalyzer { analyzer in
            let planner = makePlanner(analyzer, ranks: true)
            let root = try planner.plan(node)
            let (best, total, exact) = try rank(root, capacity: limit, sort: sorted, prune: prune, exactTotal: exactTotal)
            return (best.map { (Int($0.doc), $0.score) }, total, exact)
        }
    }

    /// The first `capacity` matches of the planned query, best first (or in `sort`'s order, in field
    /// number `field`), and its number of matches, exact when `exactTotal`; else a lower bound when
    /// pruning skipped matches, which are then counted in a second pass.
    private func rank(_ root: Scorer, capacity: Int, sort: (order: FieldSort, fields: [Int])?, prune: Bool, exactTotal: Bool) throws
        -> (best: [ScoredDocument], total: Int, exact: Bool) {
        // No page to fill (a count, or facets alone): nothing to score or sort.
        if capacity == 0 { return ([], exactTotal ? try count(root) : 0, exactTotal) }
        if let sort {
            let (best, total) = try FieldSort.collect(root, keys: SortKeys(sort.order, fields: sort.fields, reader: reader), capacity: capacity,
                                                      documentCount: reader.documentCount)
            return (best, total, true)
        }
        // Counting a phrase's matches reads every candidate's positions, as scoring them all does:
        // one exhaustive pass then costs less than a pruned one and a count (measured on frdocs'
        // phrases, 0.75 of the instructions; on proximity searches, 0.72).
        let prune = prune && !(exactTotal && TopDocs.matchesReadPositions(root))
        let top = try TopDocs.collect(root, capacity: capacity, prune: prune, policy: pruning)
        guard !top.totalIsExact && exactTotal else { return (top.collector.sorted(), top.collector.total, top.totalIsExact) }
        root.rewind()
        return (top.collector.sorted(), try count(root), true)
    }

    /// The first `capacity` matches after `after` in the order of `sort` (by score without one), each
    /// with its place, and the number of matches. Every match is scored, and every page of a cursor
    /// ranked this one way: a pruned search may sum a score in another order, a last bit apart, which
    /// could move a hit across a page's end.
    private func rank(_ root: Scorer, capacity: Int, sort: (order: FieldSort, fields: [Int])?, after: SortedByFields?) throws
        -> (best: [SortedByFields], total: Int) {
        var keys = try sort.map { try SortKeys($0.order, fields: $0.fields, reader: reader) }
        var collector = TopKeeper<SortedByFields>(capacity: capacity)
        var total = 0
        try TopDocs.forEachScoredMatch(root) { doc, score in
            total += 1
            let scored = ScoredDocument(doc: doc, score: score)
            let place = keys?.sorted(scored) ?? SortedByFields(key: 0, scored: scored)
            if let after, !after.ranksBefore(place) { return }
            collector.collect(place)
        }
        return (collector.sorted(), total)
    }

    /// Throws unless a search in `sort` (by score when nil), collapsed or not, can be paged by cursor,
    /// after `after` when given: what `search(cursor:after:)` checks first, for a caller that tells
    /// these errors from the query's.
    public func checkPaging(after: SearchCursor?, sort: FieldSort?, collapse: FieldCollapse?) throws(QueryError) {
        var order: [SearchCursor.SortField] = []
        if let sort { order = Self.cursorOrder(sort, fields: try sort.fieldNumbers(in: reader)) }
        try checkPaging(after: after, order: order, collapsed: collapse != nil)
    }

    private static func cursorOrder(_ sort: FieldSort, fields: [Int]) -> [SearchCursor.SortField] {
        zip(sort.keys, fields).map { SearchCursor.SortField(field: $1, descending: $0.descending) }
    }

    private func checkPaging(after cursor: SearchCursor?, order: [SearchCursor.SortField], collapsed: Bool) throws(QueryError) {
        guard !collapsed else { throw QueryError("a cursor cannot page collapsed results: page them with an offset") }
        guard let cursor else { return }
        guard cursor.index == SearchCursor.index(of: reader.meta.indexID) else {
            throw QueryError("the cursor comes from another index (built or reloaded since): start again from the first page")
        }
        guard cursor.sort == order else {
            let names = reader.meta.fields.map(\.name)
            let made = cursor.sort.isEmpty ? "by score"
                : "sorted by " + cursor.sort.map { (names.indices.contains($0.field) ? names[$0.field] : "?") + ($0.descending ? ":desc" : "") }
                    .joined(separator: ",")
            throw QueryError("the cursor was made for results \(made): page them in that order")
        }
    }

    /// The best `capacity` groups of a collapsed search (`FieldCollapse`), by score or by `sort`.
    private func collapsedRanking(_ root: Scorer, field: Int, capacity: Int, sort: (order: FieldSort, fields: [Int])?) throws
        -> (best: [ScoredDocument], total: Int, groups: Int) {
        guard let sort else {
            return try FieldCollapse.collect(root, field: field, capacity: capacity, values: reader.facetValues) { $0 }
        }
        var keys = try SortKeys(sort.order, fields: sort.fields, reader: reader)
        let found = try FieldCollapse.collect(root, field: field, capacity: capacity, values: reader.facetValues) { keys.sorted($0) }
        return (found.best.map(\.scored), found.total, found.groups)
    }

    /// The documents a search's query and `like` match, as `suggest` counts them, when its results tell:
    /// their exact total, unless `filters`, `fields` or `collapse` made it count other matches.
    public static func queryMatches(of results: SearchResults, filters: [FacetFilter], fields: [String]?, collapse: FieldCollapse?) -> Int? {
        results.totalIsExact && filters.isEmpty && fields == nil && collapse == nil ? results.total : nil
    }

    /// "Did you mean": the query with each word the index has never seen replaced by its nearest known
    /// spelling (`SpellingSuggester`); nil when there is nothing to correct. `like` as `search` takes it:
    /// the query beside it may be empty, or exclusions alone. `matches`: the documents the query and
    /// `like` match, when the caller has counted them (a search's exact total, without filters), so
    /// that they are not counted again.
    public func suggest(_ query: String, like: String? = nil, matches: Int? = nil) throws -> String? {
        let beside = like.map { QueryNode.similar(id: $0) }
        let node = try parser.parse(query, beside: beside)
        return try withAnalyzer { analyzer in
            let planner = makePlanner(analyzer)
            var suggester = SpellingSuggester(reader: reader, analyzer: analyzer, synonyms: synonyms) { try self.count(planner.plan($0)) }
                matchesQuery: { text in
                    guard let node = try? self.parser.parse(text, beside: beside) else { return nil }
                    return try? self.count(self.makePlanner(analyzer).plan(node))
                }
            return try suggester.suggestion(for: query, parsed: node, matching: matches)
        }
    }

    /// Search as you type: `text` with its last word completed by the spellings the index holds, at
    /// most `limit` (1 to `maximumCompletions`), each with its matches (`WordCompleter`).
    public func complete(_ text: String, limit: Int = 10) throws -> [Completion] {
        guard (1...Self.maximumCompletions).contains(limit) else {
            throw QueryError("a completion limit is 1 to \(Self.maximumCompletions), not \(limit)")
        }
        return try withAnalyzer { analyzer in
            let caches = lock.withLock {
                if let completionCaches { return completionCaches }
                let made = WordCompleter.Caches()
                completionCaches = made
                return made
            }
            let completer = WordCompleter(reader: reader, analyzer: analyzer, caches: caches)
            return try completer.completions(of: text, limit: limit) { try countCompletions($0, analyzer: analyzer) }
        }
    }

    /// The matches of each of `texts` (completions of one text, which differ only in their last word).
    /// When each is the words before, all required, and its last word, the words before are matched
    /// once and each last word's matches are counted among them; otherwise each text is counted.
    private func countCompletions(_ texts: [String], analyzer: FrenchAnalyzer) throws -> [Int] {
        let nodes = try texts.map { try parser.parse($0) }
        // What the last word is counted among: the words required before it. After MAYBE, among the
        // documents of what it adds to, those it would lift: counted as the whole text, every
        // completion would count them all.
        func split(_ node: QueryNode) -> (head: [QueryNode], word: QueryNode)? {
            switch node {
            case .and(let children) where children.count >= 2:
                if case .word = children.last! { return (Array(children.dropLast()), children.last!) }
                guard let inner = split(children.last!) else { return nil }
                return (children.dropLast() + inner.head, inner.word)
            case .maybe(let required, let optional):
                return ([required], optional.last!)
            default:
                return nil
            }
        }
        let parts = nodes.compactMap(split)
        // The words before must require something: exclusions alone only narrow the last word.
        guard parts.count == nodes.count, let head = parts.first?.head, parts.allSatisfy({ $0.head == head }),
              head.contains(where: { if case .not = $0 { false } else { true } })
        else { return try texts.map { try count($0) } }
        let planner = makePlanner(analyzer)
        let before = DocumentBitset(documentCount: reader.documentCount)
        try MatchCounter.forEachMatch(try planner.plan(head.count == 1 ? head[0] : .and(head)), documentCount: reader.documentCount) {
            before.mark(Int($0))
        }
        return try parts.map { part in
            var matches = 0
            try MatchCounter.forEachMatch(try planner.plan(part.word), documentCount: reader.documentCount) {
                if before.contains($0) { matches += 1 }
            }
            return matches
        }
    }

    /// The exact number of documents matching the query (and `like`, `filters` and `fields`, as `search`
    /// applies them).
    public func count(_ query: String, like: String? = nil, filters: [FacetFilter] = [], fields: [String]? = nil) throws -> Int {
        try withMatches(query, like: like, filters: filters, fields: fields) { try count($0) }
    }

    /// `body` with the scorer of `query`'s matches (filtered, confined to `fields`): what `count` and
    /// `pathsWithoutMatch` walk.
    private func withMatches<T>(_ query: String, like: String?, filters: [FacetFilter], fields: [String]?,
                                _ body: (Scorer) throws -> T) throws -> T {
        let node = Self.narrowed(try parser.parse(query, beside: like.map { .similar(id: $0) }), by: try filterGroups(filters))
        let ranking = try ranking(boosting: [:], searching: fields)
        return try withAnalyzer { try body(makePlanner($0, ranking: ranking).plan(node)) }
    }

    /// Matches counted without scoring.
    private func count(_ root: Scorer) throws -> Int {
        try MatchCounter.count(root, documentCount: reader.documentCount)
    }
}
