import Indexer

/// "Did you mean": the query with each word the index has never seen replaced by the nearest spelling
/// it has, as Xapian's spelling correction and Elasticsearch's term suggester do. Nearest is the fewest
/// edits (as a fuzzy word `word~` counts them, so at most 2, and none for words of 1 or 2 letters),
/// then the spelling found in the most documents, then byte order. Words and the words of phrases are
/// corrected; prefixes, wildcards and fuzzy words already reach other spellings and are left as typed.
/// A correction is a folded spelling (`economie`, not `économie`): the lexicon keeps no other, and the
/// query means the same.
struct SpellingSuggester {
    let reader: IndexReader
    let analyzer: FrenchAnalyzer
    /// The indexed fields, where a number or a word missing from the lexicon may still be a term.
    let fields: [Int]
    private var unknownWords = 0

    init(reader: IndexReader, analyzer: FrenchAnalyzer) {
        self.reader = reader
        self.analyzer = analyzer
        fields = reader.meta.fields.indices.filter { reader.meta.fields[$0].indexed }
    }

    /// The corrected query, or nil when there is nothing to correct. At most
    /// `QueryPlanner.maximumFuzzyWords` unknown words are corrected (each walks the lexicon, as a fuzzy
    /// word does); the others are left as typed.
    mutating func suggestion(for query: String, parsed node: QueryNode) throws -> String? {
        var bytes = Array(query.utf8)
        var replacements: [(range: Range<Int>, spelling: String)] = []
        try collect(node, in: bytes, into: &replacements)
        guard !replacements.isEmpty else { return nil }
        for replacement in replacements.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
            bytes.replaceSubrange(replacement.range, with: Array(replacement.spelling.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func collect(_ node: QueryNode, in query: [UInt8], into replacements: inout [(range: Range<Int>, spelling: String)]) throws {
        switch node {
        case let .word(text, _, column), let .phrase(text, _, _, column):
            // The node's text as typed, at or after its column (a field's column when it has one).
            guard let start = Self.find(Array(text.utf8), in: query, from: Self.byteOffset(ofColumn: column, in: query)) else { return }
            for token in try analyzer.tokens(text) where unknownWords < QueryPlanner.maximumFuzzyWords {
                if let spelling = try correction(of: token) {
                    replacements.append(((start + token.range.lowerBound)..<(start + token.range.upperBound), spelling))
                }
            }
        case .prefix, .wildcard, .fuzzy:
            return
        case .and(let children), .or(let children):
            for child in children { try collect(child, in: query, into: &replacements) }
        case .not(let child), .boosted(let child, _):
            try collect(child, in: query, into: &replacements)
        }
    }

    /// The nearest known spelling of a word the index has never seen; nil for a known word (in the
    /// lexicon, or a term of some field, as numbers are) or one with nothing near.
    private mutating func correction(of token: Token) throws -> String? {
        guard try reader.lexiconTerms(surface: token.surface) == nil else { return nil }
        for field in fields where try reader.termInfo(field: field, term: token.term) != nil { return nil }
        unknownWords += 1
        let edits = QueryPlanner.automaticEdits(characters: token.surface.unicodeScalars.count)
        guard edits > 0 else { return nil }
        let near = try reader.lexiconEntries(near: token.surface, maxEdits: edits, limit: QueryPlanner.maximumFuzzySpellings)
        guard let fewest = near.first?.edits else { return nil }
        var best: (spelling: String, documents: Int)?
        // In byte order at one distance: a tie in documents keeps the first.
        for entry in near where entry.edits == fewest {
            var documents = 0
            for term in entry.terms {
                for field in fields { documents = max(documents, try reader.termInfo(field: field, term: term)?.docFreq ?? 0) }
            }
            if documents > best?.documents ?? 0 { best = (entry.surface, documents) }
        }
        return best?.spelling
    }

    /// The UTF-8 offset of the 1-based code point `column`.
    static func byteOffset(ofColumn column: Int, in bytes: [UInt8]) -> Int {
        var seen = 0
        for (offset, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 {
            seen += 1
            if seen == column { return offset }
        }
        return bytes.count
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        var offset = start
        while offset + needle.count <= haystack.count {
            if haystack[offset..<(offset + needle.count)].elementsEqual(needle) { return offset }
            offset += 1
        }
        return nil
    }
}
