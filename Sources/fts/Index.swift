import Arguments
import Foundation
import Indexer

struct Index: Command {
    static let spec = CommandSpec(
        name: "index",
        abstract: "Build an index from folders of documents, JSON files and tables.",
        discussion: """
            Folders are walked recursively for .txt, .md, .html, .docx, .odt, .doc, .rtf, .pptx, .odp, .ppt, .xlsx, .ods, .xls, .epub, .pdf, .eml, .mbox, \
            .json, .json.gz, .jsonl, .jsonl.gz, .csv, .tsv, .csv.gz and .tsv.gz files (office templates and macro-enabled files too: .dotx, .docm, .ott, \
            .xlsm, .pps…). Text files are split into sections (see `fts sections`); JSON Lines files hold one document a line, JSON \
            files an array of them (or objects one after the other): "id", "title", "body" (or "text"), and further fields (text, numbers, \
            arrays, objects), indexed as fields of their own; a table's rows are documents whose header names their fields. The index is built \
            beside OUTPUT and replaces it atomically: an interrupted or failed build leaves the previous index.
            """,
        options: [
            .option("output", short: "o", help: "The index folder to write (default: $FTS_INDEX or ./index)."),
            .option("memory", default: "256M", help: "Memory for inversion buffers before spilling to disk, e.g. 256M, 1G."),
            .option("threads", help: "Analysis threads, 1 to 256 (default: the number of cores)."),
            .flag("strict", help: "Fail on the first problem with the input, publishing nothing."),
            .flag("exact-words", help: """
                Also index each word as written (folded, not stemmed), so that a query's =word finds that \
                form alone, as Sphinx's index_exact_words: =économies, not économie nor économique. Its \
                postings and positions about double.
                """),
            .option("facets", value: "fields", default: "all", help: """
                The fields whose values `fts search --facet` can count, beside each document's path (always \
                kept): all (every field but title and body), none, or their names separated by commas.
                """),
            .option("document-cache", value: "folder", help: """
                Keep the documents of PDFs there, and read again only the ones added or changed since the \
                last build that used it (one folder an index).
                """),
        ],
        arguments: [ArgumentSpec(name: "paths", help: "Files and folders to index (default: $FTS_CORPUS or ./Corpus/seeds).", repeats: true)]
    )

    var output: String?
    var memoryBudget: Int
    var threads: Int?
    var strict: Bool
    var exactWords: Bool
    var facetFields: Set<String>?
    var documentCache: String?
    var paths: [String]

    init(_ arguments: ParsedArguments) throws {
        output = arguments.string("output")
        memoryBudget = try arguments.bytes("memory", minimum: 1 << 20, example: "1M")!
        threads = try arguments.number("threads")
        // Each worker holds a word cache and inversion buffers: thousands of them only exhaust memory.
        if let threads, !(1...256).contains(threads) { throw UsageError("--threads must be between 1 and 256") }
        strict = arguments.flag("strict")
        exactWords = arguments.flag("exact-words")
        switch arguments.string("facets")! {
        case "all": facetFields = nil
        case "none": facetFields = []
        case let names:
            facetFields = Set(names.split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) }.filter { !$0.isEmpty })
            guard facetFields != [] else { throw UsageError("--facets takes all, none, or field names separated by commas") }
        }
        documentCache = arguments.string("document-cache")
        paths = arguments.arguments("paths")
    }

    func run() throws {
        var options = IndexBuildOptions()
        options.memoryBudget = memoryBudget
        if let threads { options.threads = threads }
        options.strict = strict
        options.exactForms = exactWords
        options.facetFields = facetFields
        options.documentCache = documentCache
        let cancellation = CancellationFlag()
        options.cancellation = cancellation
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { cancellation.cancel() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }

        let output = self.output ?? Defaults.index
        let inputs = paths.isEmpty ? [Defaults.corpus] : paths
        let progress = ProgressPrinter()
        do {
            let summary = try IndexBuilder.build(paths: inputs, output: output, options: options, observer: progress)
            progress.finish()
            let share = summary.sourceBytes == 0 ? 0 : 100 * Double(summary.indexBytes) / Double(summary.sourceBytes)
            print("indexed \(Output.count(summary.documents, "document")) (\(Output.megabytes(summary.sourceBytes)) of text) in "
                  + String(format: "%.2f s", summary.seconds) + ": \(Output.count(summary.terms, "term")), "
                  + "\(Output.count(summary.postings, "posting")), \(Output.count(summary.positions, "position")); index "
                  + "\(Output.megabytes(summary.indexBytes)) (" + String(format: "%.0f%%", share) + " of the text) at \(output)"
                  + (summary.issues > 0 ? "; \(Output.count(summary.issues, "problem")) reported" : "")
                  + (summary.leftOutDescription.map { "; " + $0 } ?? ""))
        } catch IndexError.cancelled {
            progress.finish()
            Output.error("fts index: interrupted; \(output) is unchanged")
            throw ExitStatus(130)
        } catch let issue as CorpusIssue {
            progress.finish()
            Output.error("fts index: \(issue) (--strict: nothing published)")
            throw ExitStatus(1)
        } catch {
            progress.finish()
            Output.error("fts index: \(error)")
            throw ExitStatus(1)
        }
    }
}

/// Progress on standard error: a bar redrawn in place on a terminal, plain lines otherwise.
final class ProgressPrinter: IndexBuildObserver {
    private let terminal = isatty(STDERR_FILENO) != 0
    private let started = Date()
    private var drawn = false
    private var lastPlainLine = Date.distantPast

    func progress(documents: Int, bytesRead: Int, totalBytes: Int) {
        let seconds = max(Date().timeIntervalSince(started), 1e-3)
        let rate = Double(bytesRead) / 1e6 / seconds
        let fraction = totalBytes > 0 ? min(Double(bytesRead) / Double(totalBytes), 1) : 0
        // Before the first bytes are counted there is no rate, and an ETA of 0 s would be a guess.
        let speed = rate > 0 ? ", " + String(format: "%.1f MB/s, ETA %.0f s", rate, Double(totalBytes - bytesRead) / 1e6 / rate) : ""
        let status = "\(Output.count(documents, "document")), \(Output.megabytes(bytesRead)) of \(Output.megabytes(totalBytes))" + speed
        if terminal {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[K\(bar) \(String(format: "%3.0f%%", fraction * 100)) \(status)".utf8))
            drawn = true
        } else if Date().timeIntervalSince(lastPlainLine) >= 5 || bytesRead == totalBytes {
            lastPlainLine = Date()
            Output.error("fts index: \(status)")
        }
    }

    func issue(_ issue: CorpusIssue) {
        clear()
        Output.error("warning: \(issue)")
    }

    func phase(_ description: String) {
        clear()
        if !terminal { Output.error("fts index: \(description)") }
    }

    func finish() { clear() }

    private func clear() {
        if drawn {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            drawn = false
        }
    }
}
