import ArgumentParser
import Foundation
import Indexer

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every checksum and structure of an index.",
        discussion: "Exits 0 and prints a summary when the index is sound; exits 1 naming the damaged file otherwise."
    )

    @Argument(help: "The index folder (default: $FTS_INDEX or ./index).")
    var index: String?

    func run() throws {
        let path = index ?? Defaults.index
        do {
            let report = try IndexReader(path: path).verify()
            print("ok: \(path): \(report.files.count) files, checksums match; \(Output.count(report.documents)) documents, "
                  + "\(Output.count(report.terms)) terms, \(Output.count(report.postings)) postings, "
                  + "\(Output.count(report.positions)) positions, \(Output.count(report.lexiconEntries)) lexicon entries")
        } catch {
            Output.error("fts verify: \(path): \(error)")
            throw ExitCode(1)
        }
    }
}
