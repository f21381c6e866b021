import Foundation
import Indexer

/// Words and phrases searched as one another, read from a file in the format of Solr's and
/// Elasticsearch's synonym files: `vélo, bicyclette` (each finds the others), `ESS => économie sociale
/// et solidaire` (the left searched as the right). Entries are analysed as queries are, so that a line
/// holds whatever its words become: `Vélo` and `velo` match the entry `vélo`, `bicyclettes` the entry
/// `bicyclette` (Snowball stems them alike).
public struct Synonyms: Sendable {
    /// What an entry searches: its words' tokens, one for a word, several for a phrase.
    typealias Entry = [Token]

    /// Each entry that expands, by its terms joined by spaces, to the entries it searches (itself
    /// included when the line says so), in the order the file gives them.
    private let table: [String: [Entry]]

    /// Entries with a line to expand.
    public var count: Int { table.count }

    /// Reads a synonym file; a line that cannot be read is an error naming it.
    public init(contentsOf path: String) throws {
        guard let data = FileContents.read(path) else {
            throw QueryError("cannot read the synonym file \(path)")
        }
        guard let text = String(validating: data, as: UTF8.self) else { throw QueryError("synonym file \(path) is not valid UTF-8") }
        do {
            self = try Synonyms(text: text)
        } catch let error as QueryError {
            throw QueryError("\(path): \(error.message)")
        }
    }

    public init(text: String) throws {
        let analyzer = try FrenchAnalyzer()
        var table: [String: [Entry]] = [:]
        // Lines end at any line break: "\r\n" (a file saved on Windows) is one character, not "\n".
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let content = line.trimmingCharacters(in: .whitespaces)
            if content.isEmpty || content.hasPrefix("#") { continue }
            let sides = content.components(separatedBy: "=>")
            guard sides.count <= 2 else { throw QueryError("line \(number + 1): more than one =>") }
            func entries(_ side: String) throws -> [Entry] {
                try side.split(separator: ",", omittingEmptySubsequences: false).map { text in
                    let trimmed = text.trimmingCharacters(in: .whitespaces)
                    guard !trimmed.isEmpty else { throw QueryError("line \(number + 1): an empty entry") }
                    let tokens = try analyzer.tokens(trimmed)
                    guard !tokens.isEmpty else { throw QueryError("line \(number + 1): \"\(trimmed)\" holds no word") }
                    return tokens
                }
            }
            let left = try entries(sides[0])
            let right = sides.count == 2 ? try entries(sides[1]) : left
            for entry in left {
                var searched = table[Self.key(entry), default: []]
                for target in right where !searched.contains(where: { Self.key($0) == Self.key(target) }) { searched.append(target) }
                table[Self.key(entry)] = searched
            }
        }
        self.table = table
    }

    private static func key(_ tokens: [Token]) -> String {
        tokens.map(\.term).joined(separator: " ")
    }

    /// What a word or phrase of a query searches, its own tokens among them or not; nil when no line
    /// names it.
    func expansions(of tokens: [Token]) -> [Entry]? {
        table[Self.key(tokens)]
    }

    /// Words typed in a row that together make an entry (`économie sociale et solidaire` without
    /// quotes): in a conjunction's `nodes`, runs of two or more bare words in one field (or none),
    /// the longest from each start, none overlapping. Each comes with the entries its line searches
    /// and whether the words themselves are among them (a line with `=>` that does not list them on
    /// its right replaces them).
    func wordRuns(in nodes: [QueryNode], analyzer: FrenchAnalyzer) throws
        -> [(range: Range<Int>, entries: [Entry], keepsWords: Bool, field: String?, column: Int)] {
        var words: [(tokens: [Token], field: String?, column: Int)?] = []
        for node in nodes {
            if case let .word(text, field, column) = node { words.append((try analyzer.tokens(text), field, column)) } else { words.append(nil) }
        }
        var runs: [(range: Range<Int>, entries: [Entry], keepsWords: Bool, field: String?, column: Int)] = []
        var start = 0
        while start < nodes.count {
            guard let first = words[start] else {
                start += 1
                continue
            }
            var tokens = first.tokens
            var found: (end: Int, entries: [Entry], keepsWords: Bool)?
            var end = start + 1
            while end < nodes.count, let word = words[end], word.field == first.field {
                tokens += word.tokens
                end += 1
                let key = Self.key(tokens)
                if let entries = table[key] {
                    found = (end, entries.filter { Self.key($0) != key }, entries.contains { Self.key($0) == key })
                }
            }
            guard let found else {
                start += 1
                continue
            }
            runs.append((start..<found.end, found.entries, found.keepsWords, first.field, first.column))
            start = found.end
        }
        return runs
    }
}
