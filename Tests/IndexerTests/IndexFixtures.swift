import Foundation
import TestSupport
@testable import Indexer

/// Everything an index holds, read back through the public reader, in a comparable form.
struct IndexContent: Equatable {
    struct Posting: Equatable {
        var doc: UInt32
        var positions: [UInt32]
    }

    var terms: [String: [Posting]] = [:]
    var stored: [StoredFields] = []
    var lengths: [[UInt32]] = []
    var lexicon: [String: [String]] = [:]
    /// The spellings compounds make, with their first word's length and whether a document writes them.
    var joined: [String: JoinedSpelling] = [:]
    var fields: [String] = []

    static func key(_ field: Int, _ term: String) -> String { "\(field):\(term)" }

    init() {}

    init(reading reader: IndexReader) throws {
        fields = reader.meta.fields.map(\.name)
        var cursor = try reader.terms.cursor()
        var buffer: [UInt32] = []
        while let value = try cursor.next() {
            let info = try TermInfo.decode(value, file: "terms.fts")
            let postings = try reader.postings(info)
            var list: [Posting] = []
            while try postings.next() != PostingsCursor.end {
                try postings.positions(into: &buffer)
                list.append(Posting(doc: postings.doc, positions: buffer))
            }
            terms[Self.key(Int(cursor.key[0]), String(decoding: cursor.key.dropFirst(), as: UTF8.self))] = list
        }
        stored = try (0..<reader.documentCount).map { try reader.storedFields($0) }
        lengths = reader.meta.fields.indices.map { field in
            reader.meta.fields[field].indexed ? (0..<reader.documentCount).map { reader.length(field: field, doc: UInt32($0)) } : []
        }
        for entry in try reader.lexiconEntries(prefix: "") {
            lexicon[entry.surface] = entry.terms
            if let spelling = entry.joined { joined[entry.surface] = spelling }
        }
    }
}

enum IndexFixtures {
    /// The corpus read and analysed independently of the builder: what the index must hold.
    static func expectedContent(paths: [String]) throws -> (content: IndexContent, tokens: [(surface: String, term: String)]) {
        let analyzer = try FrenchAnalyzer()
        var content = IndexContent()
        var fieldNames = StandardField.all.map(\.name)
        var lengths: [Int: [UInt32]] = [:]
        var tokens: [(String, String)] = []
        var written = Set<String>()
        var joined: [String: Int] = [:]
        var seen = Set<String>()
        var doc: UInt32 = 0
        for file in Corpus.files(in: paths).files {
            try Corpus.read(file, document: { document in
                guard seen.insert(document.id).inserted else { return }
                var stored: [(Int, String)] = [(0, document.id), (1, document.path), (2, String(document.line))]
                var fields: [(Int, String)] = [(StandardField.title, document.title), (StandardField.body, document.body)]
                for extra in document.extraFields {
                    if !fieldNames.contains(extra.name) { fieldNames.append(extra.name) }
                    fields.append((fieldNames.firstIndex(of: extra.name)!, extra.value))
                }
                for (field, text) in fields where !text.isEmpty {
                    stored.append((field, text))
                    let analyzed = try analyzer.tokens(text, joiningCompounds: true)
                    var byTerm: [String: [UInt32]] = [:]
                    for (index, token) in analyzed.enumerated() {
                        byTerm[token.term, default: []].append(UInt32(token.position))
                        tokens.append((token.surface, token.term))
                        guard token.span == 2 else { written.insert(token.surface); continue }
                        // The compound's first word comes two tokens before its joined form.
                        let first = analyzed[index - 2].surface
                        let length = token.surface.hasPrefix(first) ? first.utf8.count : 0
                        joined[token.surface] = min(joined[token.surface] ?? length, length)
                    }
                    for (term, positions) in byTerm {
                        content.terms[IndexContent.key(field, term), default: []].append(IndexContent.Posting(doc: doc, positions: positions.sorted()))
                    }
                    lengths[field, default: []].append(contentsOf: repeatElement(0, count: Int(doc) + 1 - (lengths[field]?.count ?? 0)))
                    // A compound's joined form stands beside its first word: it adds no length.
                    lengths[field]![Int(doc)] = UInt32(analyzed.filter { $0.span == 1 }.count)
                }
                content.stored.append(StoredFields(stored))
                doc += 1
            }, issue: { _ in })
        }
        content.fields = fieldNames
        content.joined = joined.filter { $0.value > 0 }.mapValues { JoinedSpelling(firstLength: $0, isWritten: false) }
        for surface in content.joined.keys where written.contains(surface) { content.joined[surface]!.isWritten = true }
        content.lengths = fieldNames.indices.map { field in
            guard field >= StandardField.title else { return [] }
            var list = lengths[field] ?? []
            list.append(contentsOf: repeatElement(0, count: Int(doc) - list.count))
            return list
        }
        return (content, tokens)
    }

    /// A JSON Lines corpus of `documents` documents drawn from the bundled corpus's words (Zipf-like),
    /// with an extra `source` field, deterministic for a seed.
    static func generateCorpus(at path: String, documents: Int, seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let words = Array(Set(try Fixtures.corpus().flatMap { $0.text.split(whereSeparator: { $0.isWhitespace || $0 == "\"" || $0 == "\\" }) }
            .map(String.init))).sorted()
        func word() -> String {
            // Squaring a uniform draw favours the first words: a few very frequent words, a long tail.
            let u = Double(generator.next() % 1_000_000) / 1_000_000
            return words[Int(u * u * u * Double(words.count))]
        }
        var lines = ""
        for index in 0..<documents {
            let length = Int(generator.next() % 400) + 1
            let body = (0..<length).map { _ in word() }.joined(separator: " ")
            let title = (0..<Int(generator.next() % 6 + 1)).map { _ in word() }.joined(separator: " ")
            let object: [String: Any] = ["id": "doc-\(index)", "title": title, "body": body, "source": index % 3 == 0 ? "alpha" : "beta gamma"]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try lines.write(toFile: path, atomically: false, encoding: .utf8)
    }
}
