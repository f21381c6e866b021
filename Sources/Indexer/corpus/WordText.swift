import Foundation

/// A Word 97–2003 document (`.doc`) as its text, through `antiword` (Debian's antiword), as Xapian's
/// omindex and Recoll read one: a paragraph a line, a table a row a line, the footnotes after the text,
/// comments and deleted revisions left out; then split into sections as a text file is. The binary
/// format has no headings `antiword` tells apart, nor a title it prints.
enum WordText {
    /// `searchPath` is where `antiword` and `timeout` are looked for (`$PATH`'s folders).
    static func text(of path: String, searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                     timeLimit: Int = ExternalTool.timeLimit) throws(CorpusIssue) -> String {
        var output: [UInt8] = []
        let tool = ExternalTool(name: "antiword", package: "antiword", reads: "a Word 97–2003 document")
        // -w 0: a paragraph a line, not wrapped at 76 columns.
        switch try tool.run(["-w", "0", "-m", "UTF-8.txt", path], file: path, searchPath: searchPath, timeLimit: timeLimit,
                            output: { output += $0 }) {
        case 0: return tidied(String(decoding: output, as: UTF8.self))
        case 1: throw CorpusIssue(file: path, message: "skipped: not a Word document antiword can read (damaged, encrypted, another format, or a text under about 300 characters)")
        case let code: throw CorpusIssue(file: path, message: "skipped: antiword failed (exit status \(code))")
        }
    }

    /// The text with a table's rows as their cells a ` | ` apart, without the spaces `antiword` pads
    /// them with to its columns' widths (`|Nom      |Valeur   |`: `Nom | Valeur`).
    static func tidied(_ text: String) -> String {
        guard text.contains("|") else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.count > 1, line.first == "|", line.last == "|" else { return String(line) }
            return line.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " | ")
        }.joined(separator: "\n")
    }
}
