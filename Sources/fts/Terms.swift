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
            .option("index", help: "The index folder (default: $FTS_INDEX, or ./index, built from $FTS_CORPUS or ./Corpus/seeds when missing)."),
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
        prefix = Folding.removeAccents(Folding.lowercase(arguments.string("prefix") ?? ""))
        top = try arguments.number("top")
        if let top, top < 1 { throw UsageError("--top must be at least 1") }
        json = arguments.flag("json")
    }

    struct Listed {
        var field: Int
        var term: String
        var info: TermInfo

        /// Held by more documents first, then in the order of the listing.
        func ranksBefore(_ other: Listed) -> Bool {
            if info.docFreq != other.info.docFreq { return info.docFreq > other.info.docFreq }
            if field != other.field { return field < other.field }
            return term.utf8.lexicographicallyPrecedes(other.term.utf8)
        }
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
        let meta = reader.meta
        let searched = meta.fields.indices.filter { meta.fields[$0].indexed }
        var fields = searched
        if let field {
            guard let number = meta.field(typed: field), meta.fields[number].indexed else {
                Output.error("fts terms: no searched field \"\(field)\" (fields: \(searched.map { meta.fields[$0].name }.joined(separator: ", ")))")
                throw ExitStatus(2)
            }
            fields = [number]
        }
        var listed = 0
        var out = ""
        func emit(_ entry: Listed) {
            let name = meta.fields[entry.field].name
            if json {
                out += "{\"field\":\(JSON.quote(name)),\"term\":\(JSON.quote(entry.term)),\"documents\":\(entry.info.docFreq),"
                    + "\"occurrences\":\(entry.info.totalTermFreq)}\n"
            } else {
                out += "\(name)\t\(entry.term)\t\(entry.info.docFreq)\t\(entry.info.totalTermFreq)\n"
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
                // The best `top` kept, sorted and cut each time twice as many have passed the floor.
                var kept: [Listed] = []
                var floor = 0
                for field in fields {
                    try reader.forEachTerm(field: field, prefix: prefix) { term, info in
                        guard info.docFreq >= floor else { return true }
                        kept.append(Listed(field: field, term: term, info: info))
                        if kept.count >= 2 * top {
                            kept.sort { $0.ranksBefore($1) }
                            kept.removeLast(kept.count - top)
                            floor = kept[top - 1].info.docFreq
                        }
                        return true
                    }
                }
                kept.sort { $0.ranksBefore($1) }
                for entry in kept.prefix(top) { emit(entry) }
            } else {
                for field in fields {
                    try reader.forEachTerm(field: field, prefix: prefix) { term, info in
                        emit(Listed(field: field, term: term, info: info))
                        return true
                    }
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
