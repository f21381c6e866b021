import ArgumentParser
import Foundation
import Indexer
import Query

struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Show the terms the French analyzer makes of a text.",
        discussion: """
            Prints one term a line: position, term, the UTF-8 byte range of its source and the source text, \
            separated by tabs. Reads standard input when no text is given. Use it to see why a query does or \
            does not match a document.
            """
    )

    @Flag(help: "Print one JSON object a line: {\"position\",\"term\",\"surface\",\"start\",\"end\",\"text\"}.")
    var json = false

    @Argument(help: "The text to analyse (default: standard input).")
    var text: [String] = []

    func run() throws {
        let input: String
        if text.isEmpty {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            if let valid = String(validating: data, as: UTF8.self) {
                input = valid
            } else {
                FileHandle.standardError.write(Data("fts analyze: warning: input is not valid UTF-8; invalid bytes were replaced by U+FFFD\n".utf8))
                input = String(decoding: data, as: UTF8.self)
            }
        } else {
            input = text.joined(separator: " ")
        }
        let analyzer = try FrenchAnalyzer()
        let utf8 = Array(input.utf8)
        var output = ""
        try analyzer.analyze(input) { token in
            let source = String(decoding: utf8[token.range], as: UTF8.self)
            if json {
                output += "{\"position\":\(token.position),\"term\":\(JSON.quote(token.term)),\"surface\":\(JSON.quote(token.surface)),"
                output += "\"start\":\(token.range.lowerBound),\"end\":\(token.range.upperBound),\"text\":\(JSON.quote(source))}\n"
            } else {
                output += "\(token.position)\t\(token.term)\t\(token.range.lowerBound)-\(token.range.upperBound)\t\(source)\n"
            }
            if output.utf8.count > 1 << 16 {
                FileHandle.standardOutput.write(Data(output.utf8))
                output.removeAll(keepingCapacity: true)
            }
        }
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}
