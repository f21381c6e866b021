import Foundation
import Indexer
import Logging

/// The indexer's progress as log lines.
public final class BuildLog: IndexBuildObserver {
    let logger: Logger
    private var last = Date.distantPast

    public init(logger: Logger) { self.logger = logger }

    public func progress(documents: Int, bytesRead: Int, totalBytes: Int) {
        guard Date().timeIntervalSince(last) >= 2 || bytesRead == totalBytes else { return }
        last = Date()
        // In tenths of a megabyte, as `fts index` prints it: the bundled corpus (0.2 MB) read "0 of 0 MB".
        logger.info("indexing: \(documents) documents, \(String(format: "%.1f of %.1f MB", Double(bytesRead) / 1e6, Double(totalBytes) / 1e6))")
    }

    public func issue(_ issue: CorpusIssue) { logger.warning("\(issue)") }
    public func phase(_ description: String) { logger.info("indexing: \(description)") }

    /// A finished build's line: its documents, its time, and the files left out.
    public func finished(_ summary: IndexBuildSummary) {
        let leftOut = summary.leftOutDescription.map { "; " + $0 } ?? ""
        logger.info("indexed \(summary.documents) documents in \(String(format: "%.2f", summary.seconds)) s\(leftOut)")
    }
}
