import ArgumentParser
import Foundation
import Indexer
import Query

struct Sections: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how text files are split into documents.",
        discussion: """
            Prints one document a line: id, first line, size in bytes and title, separated by tabs. With \
            --jsonl, prints the documents themselves as JSON Lines ({"id","title","body","path","line"}), \
            the form other engines can index.
            """
    )

    @Flag(help: "Print the documents as JSON Lines.")
    var jsonl = false

    @Argument(help: "Text or Markdown files.")
    var files: [String]

    func run() throws {
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let name = URL(fileURLWithPath: file).lastPathComponent
            for (index, section) in SectionSplitter().split(text).enumerated() {
                let id = "\(name)#\(index + 1)"
                if jsonl {
                    print("{\"id\":\(JSON.quote(id)),\"title\":\(JSON.quote(section.title)),\"body\":\(JSON.quote(section.body)),"
                          + "\"path\":\(JSON.quote(file)),\"line\":\(section.line)}")
                } else {
                    print("\(id)\t\(section.line)\t\(section.body.utf8.count)\t\(section.title)")
                }
            }
        }
    }
}
