import Dispatch
import Arguments
import Foundation
import Histogram
import Indexer
import Query

struct Bench: Command {
    /// The network mode: the same queries through searchd's protocol.
    private func runAgainst(_ address: String, _ list: [Query]) throws {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw UsageError("--server takes HOST:PORT")
        }
        let host = String(address[..<colon])
        let requests = (0..<runs).flatMap { _ in list.map { count ? "COUNT \($0.text)\n" : "SEARCH LIMIT \(top) \($0.text)\n" } }
        // A warm-up pass, then the timed one.
        _ = NetworkLoad(host: host, port: port, requests: list.map { "COUNT \($0.text)\n" }, depth: depth).run(connections: 1)
        let load = NetworkLoad(host: host, port: port, requests: requests, depth: max(depth, 1))
        let seconds = load.run(connections: max(connections, 1))
        if let failure = load.failure { throw ValidationErrorMessage("searchd: \(failure)") }
        let h = load.histogram
        if json {
            print("{\"mode\":\(JSON.quote(count ? "count" : "top\(top)")),\"connections\":\(connections),\"depth\":\(depth),"
                  + "\"requests\":\(requests.count),\"errors\":\(load.errors),\"queries_per_second\":\(Double(requests.count) / seconds),"
                  + "\"p50_us\":\(h.valueAtPercentile(50)),\"p90_us\":\(h.valueAtPercentile(90)),\"p99_us\":\(h.valueAtPercentile(99)),"
                  + "\"p999_us\":\(h.valueAtPercentile(99.9)),\"max_us\":\(h.max)}")
        } else {
            print(String(format: "%d requests over %d connection%@, depth %d, in %.2f s: %.0f queries/s, %d errors",
                         requests.count, connections, connections == 1 ? "" : "s", depth, seconds, Double(requests.count) / seconds, load.errors))
            print("latency µs: p50 \(h.valueAtPercentile(50))  p90 \(h.valueAtPercentile(90))  p99 \(h.valueAtPercentile(99))  "
                  + "p99.9 \(h.valueAtPercentile(99.9))  max \(h.max)")
        }
    }

    static let spec = CommandSpec(
        name: "bench",
        abstract: "Measure query latency per class of queries, in process.",
        discussion: """
            QUERIES is UTF-8 TSV, one query a line: CLASS<TAB>QUERY, in fts's query syntax; lines starting \
            with # are comments. With --server HOST:PORT the queries go to searchd over --connections \
            connections, each keeping --depth requests in flight, and the report is queries/s and latency \
            percentiles (p50 to p99.9) over all of them. Each query runs once to warm up, then --runs times; per class, the latency \
            percentiles (HdrHistogram) are over all runs of all its queries. A line of the class like holds a \
            document id, searched as fts search --like ID searches it. Top-k runs return the ranking only \
            (no stored documents, no snippets) with a total that may be a lower bound, as peers' top-docs collectors do.
            """,
        options: [
            .option("index", help: "The index folder (default: $FTS_INDEX or ./index)."),
            .option("queries", help: "The query file."),
            .option("top", default: "10", help: "Results per query."),
            .flag("count", help: "Count all matches instead of collecting the top results."),
            .flag("no-prune", help: "Score every match (no dynamic pruning), to show what pruning buys."),
            .flag("alongside-exhaustive", help: """
                Also score every query exhaustively, in turn with its pruned run (which goes first swaps from run to \
                run and from query to query), and report both: what pruning buys, free of the machine's drift \
                between two separate runs.
                """),
            .flag("full", help: "Run full searches, as SEARCH does: stored fields, snippets and an exact total."),
            .flag("complete", help: "Complete each line's last word, as fts complete does (--top completions, 1 to 100)."),
            .option("sort", value: "field[:desc]", help: "Order the results by a field's numbers or dates (or text values), as fts search --sort does."),
            .option("facet", value: "field[:n]", help: "Count a field's values among the matches, as fts search --facet does (full searches). May be given again."),
            .option("filter", value: "field:=value", help: "Keep the matches holding a value, as fts search --filter does (full searches). May be given again."),
            .option("collapse", value: "field", help: "Keep the best match of each value of a field, as fts search --collapse does (full searches)."),
            .option("proximity-boost", default: "0", help: "Weigh the query's words near each other, as fts search --proximity-boost does."),
            .option("proximity-slop", default: "2", help: "How far apart those words may stand, as fts search --proximity-slop says."),
            .option("runs", default: "5", help: "Timed runs of each query."),
            .option("threads", default: "1", help: "Threads running queries at once (each takes the next query)."),
            .flag("json", help: "Print one JSON object."),
            .option("server", help: "Replay the queries against searchd at HOST:PORT instead of in process."),
            .option("connections", default: "1", help: "With --server: connections at once."),
            .option("depth", default: "1", help: "With --server: requests each connection keeps in flight (pipelining)."),
        ]
    )

    var index: String?
    var queries: String
    var top: Int
    var count: Bool
    var noPrune: Bool
    var alongsideExhaustive: Bool
    var full: Bool
    var complete: Bool
    var sort: FieldSort?
    var facets: [FacetRequest]
    var filters: [FacetFilter]
    var collapse: FieldCollapse?
    /// BM25's defaults, with the proximity options.
    var ranking: BM25Parameters
    var runs: Int
    var threads: Int
    var json: Bool
    var server: String?
    var connections: Int
    var depth: Int

    init(_ arguments: ParsedArguments) throws {
        index = arguments.string("index")
        guard let queries = arguments.string("queries") else { throw UsageError("missing --queries <queries>") }
        self.queries = queries
        top = try arguments.number("top")!
        count = arguments.flag("count")
        noPrune = arguments.flag("no-prune")
        alongsideExhaustive = arguments.flag("alongside-exhaustive")
        full = arguments.flag("full")
        sort = try SortOption.parse(arguments)
        (facets, filters) = try FacetOptions.parse(arguments)
        collapse = arguments.string("collapse").map(FieldCollapse.init(field:))
        full = full || !facets.isEmpty || !filters.isEmpty || collapse != nil
        complete = arguments.flag("complete")
        ranking = BM25Parameters(proximityBoost: try arguments.number("proximity-boost")!, proximitySlop: try arguments.number("proximity-slop")!)
        if let problem = ranking.problem { throw UsageError(problem) }
        runs = try arguments.number("runs")!
        threads = try arguments.number("threads")!
        json = arguments.flag("json")
        server = arguments.string("server")
        connections = try arguments.number("connections")!
        depth = try arguments.number("depth")!
        for (name, value) in [("runs", runs), ("threads", threads), ("connections", connections), ("depth", depth)] where value < 1 {
            throw UsageError("--\(name) must be at least 1")
        }
        guard (0...Searcher.maximumWindow).contains(top) else { throw UsageError("--top must be between 0 and \(Searcher.maximumWindow)") }
        guard sort == nil || !(count || noPrune || alongsideExhaustive || server != nil) else {
            throw UsageError("--sort times sorted searches in process: not with --count, --no-prune, --alongside-exhaustive or --server")
        }
        guard facets.isEmpty && filters.isEmpty && collapse == nil || !(count || noPrune || alongsideExhaustive || server != nil) else {
            throw UsageError("--facet, --filter and --collapse time full searches in process: not with --count, --no-prune, --alongside-exhaustive or --server")
        }
        if complete {
            guard !(count || noPrune || alongsideExhaustive || full || sort != nil || server != nil) else {
                throw UsageError("--complete times completions in process: not with --count, --no-prune, --alongside-exhaustive, --full, "
                                 + "--facet, --filter, --collapse, --sort or --server")
            }
            guard (1...Searcher.maximumCompletions).contains(top) else {
                throw UsageError("--top must be between 1 and \(Searcher.maximumCompletions) with --complete")
            }
        }
    }

    /// The class whose lines are document ids, searched as `fts search --like` searches them.
    static let likeClass = "like"

    struct Query {
        var kind: String
        var text: String
    }

    func run() throws {
        guard let bytes = FileContents.read(queries) else {
            Output.error("fts bench: \(queries): cannot read the file")
            throw ExitStatus(1)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            let line = 1 + (lines.firstIndex { String(validating: $0, as: UTF8.self) == nil } ?? 0)
            Output.error("fts bench: \(queries): line \(line) is not valid UTF-8")
            throw ExitStatus(1)
        }
        let lines = text.split(separator: "\n")
        let list = lines.compactMap { line -> Query? in
            guard !line.hasPrefix("#"), let tab = line.firstIndex(of: "\t") else { return nil }
            return Query(kind: String(line[..<tab]), text: String(line[line.index(after: tab)...]))
        }
        guard !list.isEmpty else { throw ValidationErrorMessage("no queries in \(queries)") }
        if (server != nil || complete) && list.contains(where: { $0.kind == Self.likeClass }) {
            throw UsageError("lines of the class \(Self.likeClass) (document ids) run as searches in process: not with --server or --complete")
        }
        if let server {
            try runAgainst(server, list)
            return
        }
        let path = index ?? Defaults.index
        let searcher = Searcher(reader: try IndexReader(path: path), parameters: ranking)
        var hits: [String: Int] = [:]
        var failed: [String: Int] = [:]

        guard !alongsideExhaustive || !(noPrune || count || full) else {
            throw UsageError("--alongside-exhaustive compares pruned and exhaustive top-k runs: not with --no-prune, --count or --full")
        }
        do {
            _ = try sort?.fieldNumber(in: searcher.reader)
            for facet in facets { _ = try facet.fieldNumber(in: searcher.reader) }
            for filter in filters { _ = try filter.fieldNumber(in: searcher.reader) }
            _ = try collapse?.fieldNumber(in: searcher.reader)
        } catch {
            Output.error("fts bench: \(error)")
            throw ExitStatus(2)
        }
        let measurement = Measurement(searcher: searcher, queries: list, top: top, count: count, prune: !noPrune, full: full, complete: complete,
                                      sort: sort, collapse: collapse, facets: facets, filters: filters, runs: runs,
                                      alongsideExhaustive: alongsideExhaustive)
        // The warm-up run, which also counts the hits (and those of the exhaustive runs, beside them).
        var exhaustiveHits: [String: Int] = [:]
        for query in list {
            do { hits[query.kind, default: 0] += try measurement.execute(query, prune: !noPrune) } catch { failed[query.kind, default: 0] += 1 }
            if alongsideExhaustive {
                do { exhaustiveHits[query.kind, default: 0] += try measurement.execute(query, prune: false) } catch { failed[query.kind, default: 0] += 1 }
            }
        }
        let started = DispatchTime.now().uptimeNanoseconds
        measurement.run(threads: max(threads, 1))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let perClass = Dictionary(grouping: list, by: \.kind).mapValues(\.count)
        let timed = measurement.work.count * (alongsideExhaustive ? 2 : 1)
        if json {
            func classes(_ histograms: [String: Histogram<UInt64>], hits: [String: Int]) -> String {
                "{" + histograms.keys.sorted().map { kind -> String in
                    let h = histograms[kind]!
                    return "\(JSON.quote(kind)):{\"queries\":\(perClass[kind]!),\"median_us\":\(h.valueAtPercentile(50)),"
                        + "\"p90_us\":\(h.valueAtPercentile(90)),\"p99_us\":\(h.valueAtPercentile(99)),\"max_us\":\(h.max),"
                        + "\"hits\":\(hits[kind] ?? 0),\"errors\":\(failed[kind] ?? 0)}"
                }.joined(separator: ",") + "}"
            }
            let exhaustive = alongsideExhaustive ? ",\"exhaustive_classes\":\(classes(measurement.exhaustiveHistograms, hits: exhaustiveHits))" : ""
            let sorted = (sort.map { ",\"sort\":\(JSON.quote($0.keys.map { $0.field + ($0.descending ? ":desc" : "") }.joined(separator: ",")))" } ?? "")
                + (facets.isEmpty ? "" : ",\"facets\":[" + facets.map { JSON.quote("\($0.field):\($0.limit)") }.joined(separator: ",") + "]")
                + (filters.isEmpty ? "" : ",\"filters\":[" + filters.map { JSON.quote("\($0.field):=\($0.value)") }.joined(separator: ",") + "]")
                + (collapse.map { ",\"collapse\":\(JSON.quote($0.field))" } ?? "")
            print("{\"mode\":\(JSON.quote(count ? "count" : complete ? "complete\(top)" : "top\(top)")),\"prune\":\(!noPrune)\(sorted),\"runs\":\(runs),\"threads\":\(threads),"
                  + "\"queries_per_second\":\(Double(timed) / seconds),\"classes\":\(classes(measurement.histograms, hits: hits))\(exhaustive)}")
        } else {
            func table(_ histograms: [String: Histogram<UInt64>], hits: [String: Int], _ title: String) {
                print("class      queries  median µs   p90 µs   p99 µs   max µs     hits  errors   \(title)")
                for kind in histograms.keys.sorted() {
                    let h = histograms[kind]!
                    print(kind.padding(toLength: 10, withPad: " ", startingAt: 0)
                          + String(format: " %7d %10d %8d %8d %8d %8d %7d", perClass[kind]!, h.valueAtPercentile(50), h.valueAtPercentile(90),
                                   h.valueAtPercentile(99), h.max, hits[kind] ?? 0, failed[kind] ?? 0))
                }
            }
            let order = sort.map { "sorted by " + $0.keys.map { "\($0.field)\($0.descending ? " descending" : "")" }.joined(separator: ", then ") }
            table(measurement.histograms, hits: hits, order ?? (noPrune ? "exhaustive" : count || complete ? "" : "pruned"))
            if alongsideExhaustive { table(measurement.exhaustiveHistograms, hits: exhaustiveHits, "exhaustive, in turn with the pruned runs") }
            print(String(format: "%d queries × %d runs in %.2f s (%.0f queries/s), %@, %@", list.count, runs, seconds,
                         Double(timed) / seconds, count ? "count" : complete ? "completions, at most \(top)" : full ? "full search, top \(top)" + (facets.isEmpty ? "" : ", facets " + facets.map(\.field).joined(separator: " "))
                            + (filters.isEmpty ? "" : ", filters " + filters.map { "\($0.field):=\($0.value)" }.joined(separator: " "))
                            + (collapse.map { ", collapsed on \($0.field)" } ?? "") : "top \(top)",
                         order ?? (alongsideExhaustive ? "pruned and exhaustive" : noPrune ? "exhaustive" : "pruned")))
        }
    }
}

/// The timed part of `fts bench`: threads take the next (query, run) until all are done.
final class Measurement: @unchecked Sendable {
    let searcher: Searcher
    let queries: [Bench.Query]
    let top: Int
    let count: Bool
    let prune: Bool
    let full: Bool
    let complete: Bool
    let sort: FieldSort?
    let collapse: FieldCollapse?
    let facets: [FacetRequest]
    let filters: [FacetFilter]
    let alongsideExhaustive: Bool
    /// (run, query) pairs.
    let work: [(run: Int, query: Int)]
    private let lock = NSLock()
    private var next = 0
    private(set) var histograms: [String: Histogram<UInt64>] = [:]
    private(set) var exhaustiveHistograms: [String: Histogram<UInt64>] = [:]

    init(searcher: Searcher, queries: [Bench.Query], top: Int, count: Bool, prune: Bool, full: Bool, complete: Bool, sort: FieldSort?,
         collapse: FieldCollapse?, facets: [FacetRequest], filters: [FacetFilter], runs: Int, alongsideExhaustive: Bool) {
        self.searcher = searcher
        self.queries = queries
        self.top = top
        self.count = count
        self.prune = prune
        self.full = full
        self.complete = complete
        self.sort = sort
        self.collapse = collapse
        self.facets = facets
        self.filters = filters
        self.alongsideExhaustive = alongsideExhaustive
        work = (0..<runs).flatMap { run in queries.indices.map { (run, $0) } }
    }

    func execute(_ query: Bench.Query, prune: Bool) throws -> Int {
        if complete { return try searcher.complete(query.text, limit: top).count }
        // A line of the class `like` holds a document id: the documents like it.
        let (text, like) = query.kind == Bench.likeClass ? ("", query.text) : (query.text, nil)
        if count { return try searcher.count(text, like: like) }
        if full {
            return try searcher.search(text, like: like, limit: top, sort: sort, collapse: collapse, facets: facets, filters: filters,
                                       prune: prune).hits.count
        }
        return try searcher.topDocuments(text, like: like, limit: top, sort: sort, prune: prune).documents.count
    }

    /// Runs the query once; returns the microseconds it took.
    private func timed(_ query: Bench.Query, prune: Bool) -> UInt64 {
        let begin = DispatchTime.now().uptimeNanoseconds
        _ = try? execute(query, prune: prune)
        return (DispatchTime.now().uptimeNanoseconds - begin) / 1000
    }

    func run(threads: Int) {
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            Thread { [self] in
                defer { group.leave() }
                while let item = take() {
                    let query = queries[item.query]
                    guard alongsideExhaustive else {
                        record(query.kind, micros: timed(query, prune: prune), exhaustive: false)
                        continue
                    }
                    // Which goes first swaps from run to run, and from query to query, so neither
                    // finds the caches the other warmed more often, even over an odd number of runs
                    // (with 3, going first twice made pruning look 5 to 10% slower than it is).
                    for prune in (item.run + item.query) % 2 == 0 ? [true, false] : [false, true] {
                        record(query.kind, micros: timed(query, prune: prune), exhaustive: !prune)
                    }
                }
            }.start()
        }
        group.wait()
    }

    private func take() -> (run: Int, query: Int)? {
        lock.withLock {
            guard next < work.count else { return nil }
            defer { next += 1 }
            return work[next]
        }
    }

    private func record(_ kind: String, micros: UInt64, exhaustive: Bool) {
        lock.withLock {
            func add(_ histograms: inout [String: Histogram<UInt64>]) {
                if histograms[kind] == nil {
                    histograms[kind] = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
                }
                _ = histograms[kind]!.record(max(micros, 1))
            }
            if exhaustive { add(&exhaustiveHistograms) } else { add(&histograms) }
        }
    }
}
