import Arguments
import Foundation
import Indexer
import Query

struct Stats: Command {
    static let spec = CommandSpec(
        name: "stats",
        abstract: "Show what an index holds and what each part costs.",
        options: [.flag("json", help: "Print one JSON object."), IndexFolder.option],
        arguments: [IndexFolder.argument]
    )

    var json: Bool
    var path: String

    init(_ arguments: ParsedArguments) throws {
        json = arguments.flag("json")
        path = try IndexFolder.path(arguments)
    }

    func run() throws {
        let reader: IndexReader
        do { reader = try IndexReader(path: path) } catch {
            Output.error("fts stats: \(path): \(error)")
            throw ExitStatus(1)
        }
        let meta = reader.meta
        let source = Double(max(meta.sourceBytes, 1))
        let fields: [FieldSummary]
        let corpus: CorpusManifest
        do {
            fields = try FieldSummary.all(in: reader)
            corpus = try reader.corpusManifest()
        } catch {
            Output.error("fts stats: \(path): \(error)")
            throw ExitStatus(1)
        }
        if json {
            printJSON(reader, fields: fields, corpus: corpus)
            return
        }
        print("index       \(path)")
        // Relative paths are read from the folder the build ran in: said when it is not this one.
        let elsewhere = corpus.roots.contains { !$0.hasPrefix("/") } && corpus.directory != FileManager.default.currentDirectoryPath
        print("corpus      \(corpus.roots.joined(separator: ", ")): \(Output.count(corpus.files.count, "file")), "
              + Output.megabytes(corpus.fileBytes) + (elsewhere ? " (from \(corpus.directory))" : ""))
        print("documents   \(Output.count(meta.documentCount))")
        print("text        \(Output.megabytes(meta.sourceBytes))")
        print("terms       \(Output.count(meta.termCount))")
        print("postings    \(Output.count(meta.postingCount))")
        print("positions   \(Output.count(meta.positionCount))")
        print("lexicon     \(Output.count(meta.lexiconCount)) folded spellings")
        print("\nfield        indexed  stored  documents  avg length  numbers/dates (--sort)  distinct values (--facet; --sort A-Z)  dates  numbers  exact (=word)")
        for field in fields {
            func shown(_ count: Int) -> String { count > 0 ? Output.count(count) : "-" }
            print(field.name.padding(toLength: 12, withPad: " ", startingAt: 0) + " "
                  + (field.indexed ? "yes" : "no ").padding(toLength: 8, withPad: " ", startingAt: 0)
                  + (field.stored ? "yes" : "no ").padding(toLength: 7, withPad: " ", startingAt: 0)
                  + (field.indexed ? Output.count(field.documents) : "-").padding(toLength: 11, withPad: " ", startingAt: 0)
                  + (field.indexed ? String(format: "%.1f", field.averageLength) : "-").padding(toLength: 12, withPad: " ", startingAt: 0)
                  + shown(field.documentsWithValues).padding(toLength: 24, withPad: " ", startingAt: 0)
                  + shown(field.distinctValues).padding(toLength: 39, withPad: " ", startingAt: 0)
                  + shown(field.dateValues).padding(toLength: 7, withPad: " ", startingAt: 0)
                  + shown(field.numberValues).padding(toLength: 9, withPad: " ", startingAt: 0)
                  + (field.exactForms ? "yes" : field.indexed ? "no" : "-"))
        }
        print("\nfile            bytes       share of text")
        var total: UInt64 = 0
        for component in meta.components {
            total += component.length
            print(component.tag.fileName.padding(toLength: 15, withPad: " ", startingAt: 0)
                  + String(component.length).padding(toLength: 12, withPad: " ", startingAt: 0)
                  + String(format: "%5.1f%%", 100 * Double(component.length) / source))
        }
        print("total          " + String(total).padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%5.1f%%", 100 * Double(total) / source))
        let postings = meta.components.first { $0.tag == .postings }?.length ?? 0
        let positions = meta.components.first { $0.tag == .positions }?.length ?? 0
        print(String(format: "\nbits per posting (documents and frequencies): %.2f", 8 * Double(postings) / Double(max(meta.postingCount, 1))))
        print(String(format: "bits per position: %.2f", 8 * Double(positions) / Double(max(meta.positionCount, 1))))
        let store = reader.storeLayout
        print("stored documents: \(Output.count(store.blocks)) zstd blocks, "
              + (store.dictionaryBytes > 0 ? "a dictionary of \(Output.count(store.dictionaryBytes)) bytes" : "no dictionary"))
    }

    private func printJSON(_ reader: IndexReader, fields: [FieldSummary], corpus: CorpusManifest) {
        let meta = reader.meta
        let files = meta.components.map { "\(JSON.quote($0.tag.fileName)):\($0.length)" }
        print("{\"documents\":\(meta.documentCount),"
              + "\"corpus\":{\"paths\":[\(corpus.roots.map(JSON.quote).joined(separator: ","))],\"directory\":\(JSON.quote(corpus.directory)),"
              + "\"files\":\(corpus.files.count),\"file_bytes\":\(corpus.fileBytes)},"
              + "\"text_bytes\":\(meta.sourceBytes),\"terms\":\(meta.termCount),"
              + "\"postings\":\(meta.postingCount),\"positions\":\(meta.positionCount),\"lexicon\":\(meta.lexiconCount),"
              + "\"fields\":[\(fields.map(\.json).joined(separator: ","))],\"files\":{\(files.joined(separator: ","))},"
              + "\"store_blocks\":\(reader.storeLayout.blocks),\"store_dictionary_bytes\":\(reader.storeLayout.dictionaryBytes)}")
    }
}
