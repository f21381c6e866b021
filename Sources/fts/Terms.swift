import Arguments
import Foundation
import Indexer
import Query

/// The index's vocabulary, as Xapian's delve and Lucene's HighFreqTerms show it: why a word does or
/// does not match, which words a field holds most.
struct Terms: Command {
    static let spec = CommandSpec(
        name: "terms",
        abstract: "List the terms of an index's fields, with their documents and occurrences.",
        discussion: """
            Prints one term a line: field, term, the documents holding it and its occurrences in them, \
            separated by tabs; the searched fields one after the other, each's terms in byte order. Terms \
            are what the analyzer makes of words (fts analyze): stems, in lower case and without accents. \
            The exit status is 0 when a term is listed, 1 when none is, 2 on an error.
            """,
        options: [
            Defaults.indexOption,
            .option("field", help: "Only this field's terms (default: every searched field)."),
            .option("prefix", help: "Only the terms starting with this text, lower-cased and without its accents as terms are."),
            .option("top", value: "n", help: "Only the n terms held by the most documents, most first (Lucene's HighFreqTerms)."),
            .flag("json", help: "Print one JSON object a line: {\"field\",\"term\",\"documents\",\"occurrences\"}."),
        ]
    )

    var index: String?
    var field: String?
    var prefix: String
    var top: Int?
    var json: Bool

    init(_ arguments: ParsedArguments) throws {
        index = arguments.string("index")
        field = arguments.string("field")
        prefix = Vocabulary.folded(prefix: arguments.string("prefix") ?? "")
        top = try arguments.number("top")
        if let top, top < 1 { throw UsageError("--top must be at least 1") }
        json = arguments.flag("json")
    }

    func run() throws {
        let path = index ?? Defaults.index
        let reader: IndexReader
        do {
            reader = try Defaults.openIndex(index, command: "terms")
        } catch {
            Output.error("fts terms: \(path): \(error)")
            throw ExitStatus(2)
        }
        let fields: [Int]
        do {
            fields = try Vocabulary.fields(field, in: reader)
        } catch {
            Output.error("fts terms: \(error)")
            throw ExitStatus(2)
        }
        let names = reader.meta.fields.map(\.name)
        var listed = 0
        var out = ""
        func emit(_ entry: Vocabulary.Entry) {
            let name = names[entry.field]
            if json {
                out += "{\"field\":\(JSON.quote(name)),\"term\":\(JSON.quote(entry.term)),\"documents\":\(entry.documents),"
                    + "\"occurrences\":\(entry.occurrences)}\n"
            } else {
                out += "\(name)\t\(entry.term)\t\(entry.documents)\t\(entry.occurrences)\n"
            }
            listed += 1
            // Written as it goes: a field's whole vocabulary is not held in memory.
            if out.utf8.count >= 1 << 16 {
                writeStandardOutput(out)
                out = ""
            }
        }
        do {
            if let top {
                for entry in try Vocabulary.top(top, in: reader, fields: fields, prefix: prefix) { emit(entry) }
            } else {
                try Vocabulary.forEach(in: reader, fields: fields, prefix: prefix) { entry in
                    emit(entry)
                    return true
                }
            }
        } catch {
            writeStandardOutput(out)
            Output.error("fts terms: \(path): \(error)")
            throw ExitStatus(2)
        }
        writeStandardOutput(out)
        if listed == 0 { throw ExitStatus(1) }
    }
}
