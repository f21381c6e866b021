import Foundation
import Histogram
import Indexer
import Logging
import Query

/// Per-connection state: its reply format and whether it has authenticated.
final class Session {
    var format = ReplyFormat.text
    var authenticated: Bool

    init(authenticated: Bool) { self.authenticated = authenticated }
}

/// What every connection shares: the opened index (swapped whole on reload, so queries in flight
/// finish on the one they started with) and the statistics. Thread-safe.
public final class SearchService: @unchecked Sendable {
    public let indexPath: String
    /// The synonym file, read at start and on every reload.
    public let synonymsPath: String?
    /// BM25's parameters, their field boosts checked against each index opened.
    public let parameters: BM25Parameters
    let authToken: String?
    let logger: Logger
    /// Searches and counts taking at least this long (µs) are logged with their query; nil for none.
    let slowQueryMicroseconds: UInt64?
    private let lock = NSLock()
    private var searcher: Searcher
    private let analyzers = AnalyzerPool()
    private let started = Date()
    private var queries = 0
    /// Searches and counts logged as slow (`slowQueryMicroseconds`).
    private var slowQueries = 0
    private var latencies = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    private(set) var connections = 0
    /// The replies not yet read by their clients, over every connection (`ReplyMemory`).
    let replyMemory = ReplyMemory()

    /// Opens the index, checking every file's checksum: a server never answers from a damaged file.
    /// `slowQueryMicroseconds`: searches and counts that take at least this long are logged as
    /// warnings with their query, as Elasticsearch's search slow log and Sphinx's `query_log_min_msec`
    /// keep them.
    public init(indexPath: String, authToken: String?, logger: Logger, synonymsPath: String? = nil,
                parameters: BM25Parameters = BM25Parameters(), slowQueryMicroseconds: UInt64? = nil) throws {
        self.indexPath = indexPath
        self.synonymsPath = synonymsPath
        self.parameters = parameters
        self.authToken = authToken
        self.logger = logger
        self.slowQueryMicroseconds = slowQueryMicroseconds
        searcher = try Self.open(indexPath, synonymsPath: synonymsPath, parameters: parameters)
    }

    private static func open(_ indexPath: String, synonymsPath: String?, parameters: BM25Parameters) throws -> Searcher {
        let reader = try IndexReader(path: indexPath, checksums: true)
        return Searcher(reader: reader, parameters: try parameters.resolved(in: reader.meta),
                        synonyms: try synonymsPath.map { try Synonyms(contentsOf: $0) })
    }

    var currentSearcher: Searcher { lock.withLock { searcher } }

    public var currentDocumentCount: Int { currentSearcher.reader.documentCount }

    /// Opens the index and reads the synonym file again; a new index that fails its checks or lacks a
    /// boosted field, or a synonym file that cannot be read, is refused and the old ones serve on.
    public func reload() throws -> Int {
        let opened = try Self.open(indexPath, synonymsPath: synonymsPath, parameters: parameters)
        lock.withLock { searcher = opened }
        logger.info("reloaded \(indexPath): \(opened.reader.documentCount) documents")
        return opened.reader.documentCount
    }

    func connectionOpened(limit: Int) -> Bool {
        lock.withLock {
            guard connections < limit else { return false }
            connections += 1
            return true
        }
    }

    func connectionClosed() { lock.withLock { connections -= 1 } }

    /// Counts a search or count that took `microseconds`, and logs it when it was slow: `what` the
    /// request (`SEARCH`, `COUNT`), `matches` what it found, and its query (at most 1,024 characters:
    /// a longer one is refused).
    private func record(microseconds: UInt64, _ what: String, query: String, matches: Int) {
        let slow = slowQueryMicroseconds.map { microseconds >= $0 } ?? false
        lock.withLock {
            queries += 1
            _ = latencies.record(max(microseconds, 1))
            if slow { slowQueries += 1 }
        }
        guard slow else { return }
        logger.warning("slow \(what): \(String(format: "%.1f", Double(microseconds) / 1000)) ms, \(matches) matches: \(query)")
    }

    /// `execute`, unless the replies not yet read reach `replyMemoryLimit` and the request's reply may
    /// be large (`ReplyMemory`): then `busy`.
    func execute(_ request: Request, session: Session, replyMemoryLimit limit: Int) -> Reply {
        replyMemory.refuses(request, limit: limit) ? .error(replyMemory.busy(limit: limit)) : execute(request, session: session)
    }

    /// Runs one request (on a thread of the pool, never on an event loop).
    func execute(_ request: Request, session: Session) -> Reply {
        if authToken != nil && !session.authenticated {
            switch request {
            case .auth, .ping, .quit: break
            default: return .error(ProtocolError(code: .unauthorized, message: "AUTH first"))
            }
        }
        do {
            switch request {
            case .ping: return .pong
            case .quit: return .bye
            case .help: return .help(Self.help)
            case .format(let format):
                session.format = format
                return .ok("format \(format.rawValue)")
            case .auth(let token):
                guard let expected = authToken else { return .ok("no authentication needed") }
                // Compare in constant time: the comparison must not tell how much of a guess was right.
                let given = Array(token.utf8), wanted = Array(expected.utf8)
                var difference = given.count ^ wanted.count
                for index in 0..<wanted.count { difference |= Int(wanted[index] ^ (index < given.count ? given[index] : 0)) }
                guard difference == 0 else { return .error(ProtocolError(code: .unauthorized, message: "wrong token")) }
                session.authenticated = true
                return .ok("authenticated")
            case .search(let request):
                let start = DispatchTime.now().uptimeNanoseconds
                let searcher = currentSearcher
                // A field that cannot sort, be counted, filter, be boosted or be searched in is the request's error, not the query's.
                do throws(QueryError) {
                    _ = try request.sort?.fieldNumber(in: searcher.reader)
                    _ = try request.collapse?.fieldNumber(in: searcher.reader)
                    let boosts = BM25Parameters(fieldBoosts: request.boosts)
                    if let problem = boosts.problem { throw QueryError(problem) }
                    _ = try boosts.resolved(in: searcher.reader.meta)
                    for facet in request.facets { _ = try facet.fieldNumber(in: searcher.reader) }
                    for filter in request.filters { _ = try filter.fieldNumber(in: searcher.reader) }
                    if let fields = request.fields { _ = try searcher.searchedFields(fields) }
                    if request.cursor { try searcher.checkPaging(after: request.after, sort: request.sort, collapse: request.collapse) }
                } catch {
                    return .error(ProtocolError(code: .badRequest, message: error.description))
                }
                if let like = request.like, try searcher.reader.document(id: like) == nil {
                    return .error(ProtocolError(code: .notFound, message: "no document with id \(like)"))
                }
                // Text replies show no title highlights: only JSON's need the titles analysed.
                let results = try searcher.search(request.query, like: request.like, limit: request.limit, offset: request.offset,
                                                  sort: request.sort, collapse: request.collapse, facets: request.facets,
                                                  filters: request.filters,
                                                  explain: request.explain, snippets: request.snippetLength > 0,
                                                  snippetLength: request.snippetLength, fieldBoosts: request.boosts,
                                                  fields: request.fields, proximityBoost: request.proximityBoost, proximitySlop: request.proximitySlop,
                                                  titleHighlights: session.format == .json,
                                                  cursor: request.cursor, after: request.after)
                let typedMatches = Searcher.queryMatches(of: results, filters: request.filters, fields: request.fields, collapse: request.collapse)
                let suggestion: String?? = request.suggest ? .some(try searcher.suggest(request.query, like: request.like, matches: typedMatches)) : nil
                record(microseconds: (DispatchTime.now().uptimeNanoseconds - start) / 1000, "SEARCH", query: request.query, matches: results.total)
                return .results(results, suggestion: suggestion)
            case .count(let query):
                let start = DispatchTime.now().uptimeNanoseconds
                let count = try currentSearcher.count(query)
                record(microseconds: (DispatchTime.now().uptimeNanoseconds - start) / 1000, "COUNT", query: query, matches: count)
                return .count(count)
            case .suggest(let query):
                return .suggestion(try currentSearcher.suggest(query))
            case .complete(let limit, let text):
                return .completions(try currentSearcher.complete(text, limit: limit))
            case .get(let id):
                let reader = currentSearcher.reader
                guard let doc = try reader.document(id: id) else {
                    return .error(ProtocolError(code: .notFound, message: "no document with id \(id)"))
                }
                let names = reader.meta.fields.map(\.name)
                return .document(try reader.storedFields(doc).values.map { Self.replyField($0.field, names[$0.field], $0.value, nil) },
                                 highlighted: false)
            case .highlight(let id, let query):
                let searcher = currentSearcher
                guard let document = try searcher.highlight(query, inDocument: id) else {
                    return .error(ProtocolError(code: .notFound, message: "no document with id \(id)"))
                }
                let names = searcher.reader.meta.fields.map(\.name)
                return .document(document.fields.map { Self.replyField($0.field, names[$0.field], $0.value, $0.highlights) },
                                 highlighted: true)
            case .analyze(let text):
                let utf8 = Array(text.utf8)
                let tokens = try analyzers.with { try $0.tokens(text, joiningCompounds: true) }
                return .analysis(tokens.map { ($0, String(decoding: utf8[$0.range], as: UTF8.self)) })
            case .terms(let request):
                let reader = currentSearcher.reader
                let fields: [Int]
                do {
                    fields = try Vocabulary.fields(request.field, in: reader)
                } catch {
                    return .error(ProtocolError(code: .badRequest, message: error.description))
                }
                let prefix = Vocabulary.folded(prefix: request.prefix)
                // One more than asked for tells whether the list is complete.
                var entries: [Vocabulary.Entry] = []
                if request.top {
                    entries = try Vocabulary.top(request.limit + 1, in: reader, fields: fields, prefix: prefix)
                } else {
                    try Vocabulary.forEach(in: reader, fields: fields, prefix: prefix) { entry in
                        entries.append(entry)
                        return entries.count <= request.limit
                    }
                }
                let names = reader.meta.fields.map(\.name)
                return .vocabulary(entries.prefix(request.limit).map { (names[$0.field], $0) }, complete: entries.count <= request.limit)
            case .stats: return .stats(statistics())
            case .fields: return .fields(try FieldSummary.all(in: currentSearcher.reader))
            case .reload:
                do {
                    return .ok("reloaded \(try reload()) documents")
                } catch {
                    logger.error("reload refused: \(error)")
                    return .error(ProtocolError(code: .reloadFailed, message: "\(error); the previous index keeps serving"))
                }
            }
        } catch let error as QueryError {
            return .error(ProtocolError(code: .syntax, message: error.description))
        } catch {
            logger.error("request failed: \(error)")
            return .error(ProtocolError(code: .internalError, message: "\(error)"))
        }
    }

    /// A stored field as `GET` and `HIGHLIGHT` give it: the line number a number, as in SEARCH's
    /// replies; every other field text.
    private static func replyField(_ field: Int, _ name: String, _ value: String, _ highlights: [Range<Int>]?)
        -> (name: String, value: ReplyValue, highlights: [Range<Int>]?) {
        let number = field == StandardField.line ? Int(value) : nil
        return (name, number.map(ReplyValue.number) ?? .text(value), highlights)
    }

    private func statistics() -> [(key: String, value: ReplyValue)] {
        let meta = currentSearcher.reader.meta
        let size = meta.components.reduce(UInt64(0)) { $0 + $1.length }
        return lock.withLock {
            [("documents", .number(meta.documentCount)), ("terms", .number(Int(clamping: meta.termCount))),
             ("postings", .number(Int(clamping: meta.postingCount))), ("index_bytes", .number(Int(clamping: size))),
             ("index", .text(indexPath)), ("version", .text(Release.version)), ("format_version", .number(Int(FileFormat.version))),
             ("uptime_s", .number(Int(Date().timeIntervalSince(started).rounded()))),
             ("connections", .number(connections)), ("queries", .number(queries)), ("slow_queries", .number(slowQueries)),
             ("replies_unread_bytes", .number(replyMemory.bytesHeld)), ("refused_busy", .number(replyMemory.refusals)),
             ("latency_p50_us", .number(queries > 0 ? Int(clamping: latencies.valueAtPercentile(50)) : 0)),
             ("latency_p99_us", .number(queries > 0 ? Int(clamping: latencies.valueAtPercentile(99)) : 0))]
        }
    }

    static let help = [
        "PING                                   PONG",
        "SEARCH [LIMIT n] [OFFSET n] <query>    RESULTS <returned> <total> <took_us>, then one line a hit:",
        "                                       rank, id, score, title, snippet (tab-separated)",
        "  SORT field[:desc]                    order by a field's numbers or dates, or its values A to Z;",
        "                                       SORT a,b:desc by a, then b (SORT in capitals)",
        "  COLLAPSE field                       the best match of each value of a field only; RESULTS then ends",
        "                                       with the number of groups (COLLAPSE in capitals)",
        "  FACET field[:n]                      then FACET <field> <returned> <distinct> <missing>, and one line",
        "                                       a value among all the matches: value, count (FACET in capitals)",
        "  FACET field:year|month|day           the field's dates counted by year, month or day, in time order",
        "  FACET field:interval=w               the field's numbers counted by intervals of w, in order",
        "  FILTER field:=value                  only the matches holding the value (FILTER in capitals)",
        "  LIKE id                              the documents like that one, which the query (then optional)",
        "                                       narrows (LIKE in capitals; the id quoted when it holds a space)",
        "  BOOST field=w                        weigh a field's part of the scores by w, this search only",
        "                                       (BOOST in capitals; may be given again)",
        "  PROXIMITY w[~n]                      weigh the query's words found near each other (at most n",
        "                                       words between them) by w, this search only (PROXIMITY in",
        "                                       capitals; 0: BM25 alone)",
        "  FIELDS a,b                           search the words that name no field in these fields only",
        "                                       (FIELDS in capitals)",
        "  SNIPPET n                            snippets of about n characters (16 to 10000; 0: none; default 160)",
        "  EXPLAIN                              then EXPLAIN <rank> <n>, and one line each term's part of the score",
        "  SUGGEST                              then SUGGESTION <corrected query>, or SUGGESTION alone, as SUGGEST",
        "                                       answers (SUGGEST in capitals)",
        "  CURSOR                               then NEXT <cursor>: where the last hit stands (NEXT alone: no hit)",
        "  AFTER cursor                         the page after that hit, past OFFSET's 10000 too, then NEXT",
        "COUNT <query>                          COUNT <n>",
        "SUGGEST <query>                        SUGGESTION <corrected query>, or SUGGESTION alone",
        "COMPLETE [LIMIT n] <text>              COMPLETIONS <n>, then one line a completion of the text's",
        "                                       last word: completed text, count (LIMIT in capitals)",
        "GET <id>                               DOCUMENT <n>, then one line a field: name, value",
        "HIGHLIGHT <id> <query>                 GET's reply, the query's words marked [like this] in the",
        "                                       searched fields (the id quoted when it holds a space)",
        "ANALYZE <text>                         TERMS <n>, then position, term, start, end, text",
        "TERMS [FIELD f] [PREFIX p] [LIMIT n]   TERMS <n> complete|partial, then field, term, documents, occurrences:",
        "                                       the first n terms (100) in byte order, or with TOP n the n held by",
        "                                       the most documents",
        "STATS                                  STATS <n>, then key, value",
        "FIELDS                                 FIELDS <n>, then one line a field: name, indexed, stored, documents,",
        "                                       average length, documents with values, distinct values, dates, numbers",
        "RELOAD                                 open the index again",
        "FORMAT text|json                       reply format of this connection",
        "AUTH <token>                           authenticate (with --auth-token)",
        "HELP                                   this list",
        "QUIT                                   BYE, then close",
        "Queries: docs/QUERY.md. Protocol: docs/PROTOCOL.md.",
    ]
}

/// Analyzers for ANALYZE, one per concurrent use.
final class AnalyzerPool: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [FrenchAnalyzer] = []

    func with<T>(_ body: (FrenchAnalyzer) throws -> T) throws -> T {
        let analyzer = try lock.withLock { free.popLast() } ?? FrenchAnalyzer()
        defer { lock.withLock { free.append(analyzer) } }
        return try body(analyzer)
    }
}
