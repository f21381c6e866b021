import Arguments
import Foundation
import Indexer
import Query

struct Sections: Command {
    static let spec = CommandSpec(
        name: "sections",
        abstract: "Show the documents fts index makes of files.",
        discussion: """
            Prints one document a line: id, first line, size in bytes and title, separated by tabs. With \
            --jsonl, prints the documents themselves as JSON Lines ({"id","title","body",…,"path","line"}, \
            with a JSON Lines document's other fields and a Markdown page's front matter fields), the form \
            other engines can index. Unreadable \
            files are reported and the others still printed (exit status 1); text that is not UTF-8 is \
            read in the single-byte charset likeliest for it (Windows-1252, ISO-8859-15, Mac OS Roman; an HTML \
            page's declared one), or has its invalid bytes replaced, with a warning, as `fts index` does.
            """,
        options: [.flag("jsonl", help: "Print the documents as JSON Lines.")],
        arguments: [ArgumentSpec(name: "paths", help: "Files or folders, read as `fts index` reads them (.txt, .md, .html, .docx, .odt, .doc, .rtf, .pptx, .odp, .ppt, .xlsx, .ods, .xls, their templates, .epub, .pdf, .eml, .mbox, .json, .json.gz, .jsonl, .jsonl.gz, .csv, .tsv, .csv.gz, .tsv.gz).",
                                 repeats: true, required: true)]
    )

    var jsonl: Bool
    var paths: [String]

    init(_ arguments: ParsedArguments) throws {
        jsonl = arguments.flag("jsonl")
        paths = arguments.arguments("paths")
    }

    func run() throws {
        // The indexer's own reading: the same documents, ids and warnings as `fts index` would make.
        let walk = Corpus.walk(paths)
        var failed = !walk.issues.isEmpty
        for issue in walk.issues { Output.error("fts sections: \(issue)") }
        // Said first: the documents may be many, and this is about which files are not among them.
        if let leftOut = walk.leftOutDescription { Output.error("fts sections: \(leftOut)") }
        for file in walk.files {
            do {
                try Corpus.read(file, document: { document in
                    if jsonl {
                        print("{\"id\":\(JSON.quote(document.id)),\"title\":\(JSON.quote(document.title)),\"body\":\(JSON.quote(document.body)),"
                              + document.extraFields.map { "\(JSON.quote($0.name)):\(JSON.quote($0.value))," }.joined()
                              + "\"path\":\(JSON.quote(document.path)),\"line\":\(document.line)}")
                    } else {
                        print("\(document.id)\t\(document.line)\t\(document.body.utf8.count)\t\(document.title)")
                    }
                }, issue: { Output.error("warning: \($0)") })
            } catch {
                Output.error("fts sections: \(error)")
                failed = true
            }
        }
        if failed { throw ExitStatus(1) }
    }
}
