import ArgumentParser
import Foundation
import Indexer

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every checksum and structure of an index.",
        discussion: "Exits 0 and prints a summary when the index is sound; exits 1 naming the damaged file otherwise."
    )

    @OptionGroup var folder: IndexFolder

    func run() throws {
        let path = folder.path
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
