import Arguments
import Foundation
import Indexer
import Query

struct Analyze: Command {
    static let spec = CommandSpec(
        name: "analyze",
        abstract: "Show the terms the French analyzer makes of a text.",
        discussion: """
            Prints one term a line: position, term, the UTF-8 byte range of its source and the source text, \
            separated by tabs. Reads standard input when no text is given. Use it to see why a query does or \
            does not match a document.
            """,
        options: [.flag("json", help: "Print one JSON object a line: {\"position\",\"term\",\"surface\",\"start\",\"end\",\"text\"}.")],
        arguments: [ArgumentSpec(name: "text", help: "The text to analyse (default: standard input).", repeats: true)]
    )

    var json: Bool
    var text: [String]

    init(_ arguments: ParsedArguments) throws {
        json = arguments.flag("json")
        text = arguments.arguments("text")
    }

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
        try analyzer.analyze(input, joiningCompounds: true) { token in
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
