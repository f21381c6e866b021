import ArgumentParser
import Dispatch
import Foundation
import Histogram
import Indexer
import Query

struct Bench: ParsableCommand {
    /// The network mode: the same queries through searchd's protocol.
    private func runAgainst(_ address: String, _ list: [Query]) throws {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw ValidationError("--server takes HOST:PORT")
        }
        let host = String(address[..<colon])
        let requests = (0..<runs).flatMap { _ in list.map { count ? "COUNT \($0.text)\n" : "SEARCH LIMIT \(top) \($0.text)\n" } }
        // A warm-up pass, then the timed one.
        _ = NetworkLoad(host: host, port: port, requests: list.map { "COUNT \($0.text)\n" }, depth: depth).run(connections: 1)
        let load = NetworkLoad(host: host, port: port, requests: requests, depth: max(depth, 1))
        let seconds = load.run(connections: max(connections, 1))
        if let failure = load.failure { throw ValidationError("searchd: \(failure)") }
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

    static let configuration = CommandConfiguration(
        abstract: "Measure query latency per class of queries, in process.",
        discussion: """
            QUERIES is UTF-8 TSV, one query a line: CLASS<TAB>QUERY, in fts's query syntax; lines starting \
            with # are comments. With --server HOST:PORT the queries go to searchd over --connections \
            connections, each keeping --depth requests in flight, and the report is queries/s and latency \
            percentiles (p50 to p99.9) over all of them. Each query runs once to warm up, then --runs times; per class, the latency \
            percentiles (HdrHistogram) are over all runs of all its queries. Top-k runs return the ranking only \
            (no stored documents, no snippets) with a lower-bound total, as peers' top-docs collectors do.
            """
    )

    @Option(help: "The index folder (default: $FTS_INDEX or ./index).")
    var index: String?

    @Option(help: "The query file.")
    var queries: String

    @Option(help: "Results per query.")
    var top = 10

    @Flag(help: "Count all matches instead of collecting the top results.")
    var count = false

    @Flag(help: "Score every match (no dynamic pruning), to show what pruning buys.")
    var noPrune = false

    @Flag(help: "Run full searches, as SEARCH does: stored fields, snippets and an exact total.")
    var full = false

    @Option(help: "Timed runs of each query.")
    var runs = 5

    @Option(help: "Threads running queries at once (each takes the next query).")
    var threads = 1

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: "Replay the queries against searchd at HOST:PORT instead of in process.")
    var server: String?

    @Option(help: "With --server: connections at once.")
    var connections = 1

    @Option(help: "With --server: requests each connection keeps in flight (pipelining).")
    var depth = 1

    struct Query {
        var kind: String
        var text: String
    }

    func run() throws {
        let lines = try String(contentsOfFile: queries, encoding: .utf8).split(separator: "\n")
        let list = lines.compactMap { line -> Query? in
            guard !line.hasPrefix("#"), let tab = line.firstIndex(of: "\t") else { return nil }
            return Query(kind: String(line[..<tab]), text: String(line[line.index(after: tab)...]))
        }
        guard !list.isEmpty else { throw ValidationError("no queries in \(queries)") }
        if let server {
            try runAgainst(server, list)
            return
        }
        let path = index ?? Defaults.index
        let searcher = Searcher(reader: try IndexReader(path: path))
        var hits: [String: Int] = [:]
        var failed: [String: Int] = [:]

        let measurement = Measurement(searcher: searcher, queries: list, top: top, count: count, prune: !noPrune, full: full, runs: runs)
        for query in list {
            do { hits[query.kind, default: 0] += try measurement.execute(query) } catch { failed[query.kind, default: 0] += 1 }
        }
        let started = DispatchTime.now().uptimeNanoseconds
        measurement.run(threads: max(threads, 1))
        let histograms = measurement.histograms
        let work = measurement.work
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let kinds = histograms.keys.sorted()
        let perClass = Dictionary(grouping: list, by: \.kind).mapValues(\.count)
        if json {
            let classes = kinds.map { kind -> String in
                let h = histograms[kind]!
                return "\(JSON.quote(kind)):{\"queries\":\(perClass[kind]!),\"median_us\":\(h.valueAtPercentile(50)),"
                    + "\"p90_us\":\(h.valueAtPercentile(90)),\"p99_us\":\(h.valueAtPercentile(99)),\"max_us\":\(h.max),"
                    + "\"hits\":\(hits[kind] ?? 0),\"errors\":\(failed[kind] ?? 0)}"
            }
            print("{\"mode\":\(JSON.quote(count ? "count" : "top\(top)")),\"prune\":\(!noPrune),\"runs\":\(runs),\"threads\":\(threads),"
                  + "\"queries_per_second\":\(Double(work.count) / seconds),\"classes\":{\(classes.joined(separator: ","))}}")
        } else {
            print("class      queries  median µs   p90 µs   p99 µs   max µs     hits  errors")
            for kind in kinds {
                let h = histograms[kind]!
                print(kind.padding(toLength: 10, withPad: " ", startingAt: 0)
                      + String(format: " %7d %10d %8d %8d %8d %8d %7d", perClass[kind]!, h.valueAtPercentile(50), h.valueAtPercentile(90),
                               h.valueAtPercentile(99), h.max, hits[kind] ?? 0, failed[kind] ?? 0))
            }
            print(String(format: "%d queries × %d runs in %.2f s (%.0f queries/s), %@, %@", list.count, runs, seconds,
                         Double(work.count) / seconds, count ? "count" : full ? "full search, top \(top)" : "top \(top)",
                         noPrune ? "exhaustive" : "pruned"))
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
    let work: [Int]
    private let lock = NSLock()
    private var next = 0
    private(set) var histograms: [String: Histogram<UInt64>] = [:]

    init(searcher: Searcher, queries: [Bench.Query], top: Int, count: Bool, prune: Bool, full: Bool, runs: Int) {
        self.searcher = searcher
        self.queries = queries
        self.top = top
        self.count = count
        self.prune = prune
        self.full = full
        work = (0..<runs).flatMap { _ in queries.indices }
    }

    func execute(_ query: Bench.Query) throws -> Int {
        if count { return try searcher.count(query.text) }
        if full { return try searcher.search(query.text, limit: top).hits.count }
        return try searcher.topDocuments(query.text, limit: top, prune: prune).documents.count
    }

    func run(threads: Int) {
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            Thread { [self] in
                defer { group.leave() }
                while let index = take() {
                    let query = queries[index]
                    let begin = DispatchTime.now().uptimeNanoseconds
                    _ = try? execute(query)
                    record(query.kind, micros: (DispatchTime.now().uptimeNanoseconds - begin) / 1000)
                }
            }.start()
        }
        group.wait()
    }

    private func take() -> Int? {
        lock.withLock {
            guard next < work.count else { return nil }
            defer { next += 1 }
            return work[next]
        }
    }

    private func record(_ kind: String, micros: UInt64) {
        lock.withLock {
            if histograms[kind] == nil {
                histograms[kind] = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
            }
            _ = histograms[kind]!.record(max(micros, 1))
        }
    }
}
