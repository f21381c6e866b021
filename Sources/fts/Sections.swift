import ArgumentParser
import Foundation
import Indexer

struct Sections: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how text files are split into documents.",
        discussion: "Prints one document a line: id, first line, size in bytes and title, separated by tabs."
    )

    @Argument(help: "Text or Markdown files.")
    var files: [String]

    func run() throws {
        for file in files {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let name = URL(fileURLWithPath: file).lastPathComponent
            for (index, section) in SectionSplitter().split(text).enumerated() {
                print("\(name)#\(index + 1)\t\(section.line)\t\(section.body.utf8.count)\t\(section.title)")
            }
        }
    }
}
