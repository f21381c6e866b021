import Foundation
import Indexer

// Analyzer throughput beside bare ICU segmentation of the same bytes, in the same run: the bundled corpus
// repeated to at least 50 MB, median of several alternating runs, one core. The analyzer runs twice:
// as shipped (plain chunks cut without ICU) and with every byte through ICU, whose ratio to bare ICU
// is the analyzer's own cost.
// Usage: analyzer-throughput [CORPUS_DIR] [--runs N] [--megabytes N] [--only bare|through-icu|shipped]
// --only runs one pipeline once over the repeated corpus and prints nothing else: for callgrind.

@main
struct AnalyzerThroughput {
    static func main() throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String, _ fallback: Int) -> Int {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else {
                return fallback
            }
            arguments.removeSubrange(index...index + 1)
            return value
        }
        var only: String?
        if let index = arguments.firstIndex(of: "--only"), index + 1 < arguments.count {
            only = arguments[index + 1]
            arguments.removeSubrange(index...index + 1)
        }
        let runs = option("--runs", 5)
        let megabytes = option("--megabytes", 50)
        let corpus = arguments.first ?? URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Corpus/seeds").path

        let files = try FileManager.default.contentsOfDirectory(atPath: corpus).filter { $0.hasSuffix(".txt") }.sorted()
        let texts = try files.map { try String(contentsOfFile: corpus + "/" + $0, encoding: .utf8) }
        let corpusBytes = texts.reduce(0) { $0 + $1.utf8.count }
        let repeats = (megabytes * 1_000_000 + corpusBytes - 1) / corpusBytes
        let totalBytes = corpusBytes * repeats

        let breaker = try WordBreaker(locale: "fr", everyByteThroughICU: true)
        let analyzer = try FrenchAnalyzer()
        let analyzerThroughICU = try FrenchAnalyzer(everyByteThroughICU: true)

        func measure(_ body: () throws -> Int) rethrows -> (seconds: Double, count: Int) {
            let start = DispatchTime.now().uptimeNanoseconds
            let count = try body()
            return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, count)
        }

        func segmentOnly() throws -> Int {
            var words = 0
            for _ in 0..<repeats {
                for text in texts { try breaker.forEachWord(in: text) { _, _ in words += 1 } }
            }
            return words
        }

        func analyzeAll(_ analyzer: FrenchAnalyzer) throws -> Int {
            var terms = 0
            for _ in 0..<repeats {
                for text in texts { try analyzer.analyze(text) { token in terms += token.term.utf8.count > 0 ? 1 : 0 } }
            }
            return terms
        }

        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }

        switch only {
        case "bare": _ = try segmentOnly(); return
        case "through-icu": _ = try analyzeAll(analyzerThroughICU); return
        case "shipped": _ = try analyzeAll(analyzer); return
        case nil: break
        default: throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "--only takes bare, through-icu or shipped"])
        }

        print("corpus: \(files.count) files, \(corpusBytes) bytes, repeated \(repeats)× = \(String(format: "%.1f", Double(totalBytes) / 1e6)) MB; \(runs) runs each, alternating")
        _ = try segmentOnly()
        _ = try analyzeAll(analyzer)
        _ = try analyzeAll(analyzerThroughICU)
        var bare: [Double] = [], full: [Double] = [], throughICU: [Double] = []
        var words = 0, terms = 0, termsThroughICU = 0
        for _ in 0..<runs {
            let segmented = try measure(segmentOnly)
            let analyzed = try measure { try analyzeAll(analyzer) }
            let analyzedThroughICU = try measure { try analyzeAll(analyzerThroughICU) }
            bare.append(Double(totalBytes) / 1e6 / segmented.seconds)
            full.append(Double(totalBytes) / 1e6 / analyzed.seconds)
            throughICU.append(Double(totalBytes) / 1e6 / analyzedThroughICU.seconds)
            words = segmented.count
            terms = analyzed.count
            termsThroughICU = analyzedThroughICU.count
        }
        func row(_ name: String, _ speeds: [Double], _ output: String) {
            print("| \(name) | \(String(format: "%.1f", median(speeds))) | \(speeds.map { String(format: "%.1f", $0) }.joined(separator: ", ")) | \(output) |")
        }
        print("| pipeline | median MB/s | runs (MB/s) | output |")
        print("|---|---:|---|---:|")
        row("bare ICU segmentation", bare, "\(words) words")
        row("FrenchAnalyzer, every byte through ICU", throughICU, "\(termsThroughICU) terms")
        row("FrenchAnalyzer (as shipped: plain chunks without ICU)", full, "\(terms) terms")
        print("ratio analyzer through ICU / bare ICU: \(String(format: "%.2f", median(throughICU) / median(bare)))")
        print("ratio analyzer as shipped / bare ICU: \(String(format: "%.2f", median(full) / median(bare)))")
    }
}
