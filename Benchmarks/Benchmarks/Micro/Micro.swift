import Benchmark
import Foundation
import Indexer
import Query

// Hot paths on fixed inputs (the bundled corpus and its committed query file), so that a regression shows
// up as a number: throughput, wall clock and allocations per operation.

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let corpus = root.appendingPathComponent("Corpus/seeds").path
let texts: [String] = (try? FileManager.default.contentsOfDirectory(atPath: corpus).sorted()
    .map { try String(contentsOfFile: corpus + "/" + $0, encoding: .utf8) }) ?? []
let corpusBytes = texts.reduce(0) { $0 + $1.utf8.count }

/// An index of the bundled corpus, built once into a temporary folder.
let indexPath: String = {
    let path = NSTemporaryDirectory() + "fts-micro-index"
    _ = try? IndexBuilder.build(paths: [corpus], output: path)
    return path
}()

let queryClasses: [(kind: String, queries: [String])] = {
    let file = (try? String(contentsOfFile: root.appendingPathComponent("Benchmarks/queries/seeds.tsv").path, encoding: .utf8)) ?? ""
    var byKind: [String: [String]] = [:]
    for line in file.split(separator: "\n") where !line.hasPrefix("#") {
        let parts = line.split(separator: "\t", maxSplits: 1)
        if parts.count == 2 { byKind[String(parts[0]), default: []].append(String(parts[1])) }
    }
    return byKind.keys.sorted().map { ($0, byKind[$0]!) }
}()

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    Benchmark("Bare ICU segmentation, bundled corpus (bytes)", configuration: .init(scalingFactor: .one)) { benchmark in
        let breaker = try WordBreaker()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var words = 0
            for text in texts { try breaker.forEachWord(in: text) { _, _ in words += 1 } }
            blackHole(words)
        }
    }

    // The harness runs this closure once per sample: a fresh analyzer would stem every distinct word
    // again each time (a cold word cache, about 15 MB/s), which is the first pass over a new corpus and
    // not what the analyzer sustains. It is warmed outside the measurement.
    Benchmark("FrenchAnalyzer, bundled corpus (warm word cache)") { benchmark in
        let analyzer = try FrenchAnalyzer()
        for text in texts { try analyzer.analyze(text) { _ in } }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            var terms = 0
            for text in texts { try analyzer.analyze(text) { _ in terms += 1 } }
            blackHole(terms)
        }
    }

    Benchmark("Posting-block decode (128 ints)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var writer = ByteWriter()
        let values = (0..<BitPacking.blockSize).map { UInt32($0 * 37 % 1000) }
        values.withUnsafeBufferPointer { BitPacking.pack($0, bits: 10, into: &writer) }
        let output = UnsafeMutablePointer<UInt32>.allocate(capacity: BitPacking.blockSize)
        defer { output.deallocate() }
        writer.bytes.withUnsafeBytes { raw in
            for _ in benchmark.scaledIterations {
                BitPacking.unpack(raw.baseAddress!, bits: 10, into: output)
                blackHole(output[127])
            }
        }
    }

    Benchmark("Term lookup (body field)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let reader = try IndexReader(path: indexPath)
        let terms = ["econom", "solidair", "emploi", "jardin", "insert", "zzzz"]
        for term in terms { blackHole(try reader.termInfo(field: StandardField.body, term: term)) }
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            blackHole(try reader.termInfo(field: StandardField.body, term: terms[iteration % terms.count]))
        }
    }

    for (kind, queries) in queryClasses {
        Benchmark("Query \(kind), top 10 (\(queries.count) queries)") { benchmark in
            // Opened and run once outside the measurement: each sample maps the index afresh, and its
            // first pass would count the page faults of the mapping.
            let searcher = Searcher(reader: try IndexReader(path: indexPath))
            for query in queries { blackHole(try? searcher.topDocuments(query, limit: 10)) }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                for query in queries { blackHole(try? searcher.topDocuments(query, limit: 10)) }
            }
        }
    }
}
