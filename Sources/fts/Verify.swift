import Arguments
import Foundation
import Indexer

struct Verify: Command {
    static let spec = CommandSpec(
        name: "verify",
        abstract: "Check every checksum and structure of an index.",
        discussion: "Exits 0 and prints a summary when the index is sound; exits 1 naming the damaged file otherwise.",
        options: [IndexFolder.option],
        arguments: [IndexFolder.argument]
    )

    var path: String

    init(_ arguments: ParsedArguments) throws {
        path = try IndexFolder.path(arguments)
    }

    func run() throws {
        do {
            let report = try IndexReader(path: path).verify()
            print("ok: \(path): \(report.files.count) files, checksums match; \(Output.count(report.documents, "document")), "
                  + "\(Output.count(report.terms, "term")), \(Output.count(report.postings, "posting")), "
                  + "\(Output.count(report.positions, "position")), \(Output.count(report.lexiconEntries, "lexicon entry", plural: "lexicon entries"))")
        } catch {
            Output.error("fts verify: \(path): \(error)")
            throw ExitStatus(1)
        }
    }
}
