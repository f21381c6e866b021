import Indexer

/// "Did you mean": the query with each word the index has never seen replaced by the nearest spelling
/// it has, as Xapian's spelling correction and Elasticsearch's term suggester do. Nearest is the fewest
/// edits (as a fuzzy word `word~` counts them, so at most 2, and none for words of 1 or 2 letters),
/// then the spelling found in the most documents, then byte order. Words and the words of phrases are
/// corrected; prefixes, wildcards and fuzzy words already reach other spellings and are left as typed.
/// The lexicon keeps folded spellings only (`economie`): a correction is spelt as the documents write
/// it (`économie`, `WrittenSpelling`), in the case of the letters typed (`respell`). A word or phrase
/// with a line in the synonym file is searched as its synonyms: it is left as typed.
struct SpellingSuggester {
    let reader: IndexReader
    let analyzer: FrenchAnalyzer
    let synonyms: Synonyms?
    /// The indexed fields, where a number or a word missing from the lexicon may still be a term.
    let fields: [Int]
    private var unknownWords = 0

    init(reader: IndexReader, analyzer: FrenchAnalyzer, synonyms: Synonyms? = nil) {
        self.reader = reader
        self.analyzer = analyzer
        self.synonyms = synonyms
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
        case let .word(text, _, column), let .phrase(text, _, _, column), let .quorum(text, _, _, column):
            // The node's text as typed, at or after its column (a field's column when it has one).
            guard let typed = Self.find(Array(text.utf8), in: query, from: Self.byteOffset(ofColumn: column, in: query)) else { return }
            let tokens = try analyzer.tokens(text)
            if case .phrase(_, .some, _, _) = node {} else if synonyms?.expansions(of: tokens) != nil { return }
            for token in tokens where unknownWords < QueryPlanner.maximumFuzzyWords {
                if let (spelling, terms) = try correction(of: token) {
                    let range = typed[token.range.lowerBound]..<typed[token.range.upperBound]
                    let written = try WrittenSpelling(reader: reader, analyzer: analyzer, fields: fields, cache: nil).of([spelling], terms: terms)
                    replacements.append((range, Self.respell(spelling, asTyped: String(decoding: query[range], as: UTF8.self), written: written)))
                }
            }
        case .prefix, .phrasePrefix, .wildcard, .regex, .fuzzy, .range, .exists, .value, .all, .similar:
            return
        case .and(let children), .or(let children):
            for child in children { try collect(child, in: query, into: &replacements) }
        case .not(let child), .boosted(let child, _):
            try collect(child, in: query, into: &replacements)
        }
    }

    /// The nearest known spelling of a word the index has never seen; nil for a known word (in the
    /// lexicon, or a term of some field, as numbers are) or one with nothing near.
    private mutating func correction(of token: Token) throws -> (spelling: String, terms: [String])? {
        guard try reader.lexiconTerms(surface: token.surface) == nil else { return nil }
        for field in fields where try reader.termInfo(field: field, term: token.term) != nil { return nil }
        unknownWords += 1
        let edits = QueryPlanner.automaticEdits(characters: token.surface.unicodeScalars.count)
        guard edits > 0 else { return nil }
        let near = try reader.lexiconEntries(near: token.surface, maxEdits: edits, limit: QueryPlanner.maximumFuzzySpellings)
        guard let fewest = near.first?.edits else { return nil }
        var best: (spelling: String, terms: [String], documents: Int)?
        // In byte order at one distance: a tie in documents keeps the first.
        for entry in near where entry.edits == fewest {
            var documents = 0
            for term in entry.terms {
                for field in fields { documents = max(documents, try reader.termInfo(field: field, term: term)?.docFreq ?? 0) }
            }
            if documents > best?.documents ?? 0 { best = (entry.surface, entry.terms, documents) }
        }
        return best.map { ($0.spelling, $0.terms) }
    }

    /// The correction spelt as the documents write it (`written`, when known and folding to it letter by
    /// letter), each letter in the case of the typed letter it lines up with (the fewest edits between
    /// the typed word folded and the correction): `Ecnomie` → `Économie`. A letter with no typed letter
    /// to line up with is in capitals when the word was typed in capitals. Without a written form, a
    /// letter lined up with a typed one takes the typed letter, its accent kept, and the others stay
    /// folded.
    static func respell(_ correction: String, asTyped typed: String, written: String? = nil) -> String {
        // A word folded letter by letter, each folded scalar with the letter it comes from (nil when a
        // letter folds to several, as `œ`).
        func foldedLetters(_ word: String) -> [(scalar: Unicode.Scalar, letter: Character?)] {
            var folded: [(scalar: Unicode.Scalar, letter: Character?)] = []
            for letter in word {
                let scalars = Array(Folding.removeAccents(Folding.lowercase(String(letter))).unicodeScalars)
                for scalar in scalars { folded.append((scalar, scalars.count == 1 ? letter : nil)) }
            }
            return folded
        }
        let folded = foldedLetters(typed)
        var target = Array(correction.unicodeScalars).map { (scalar: $0, letter: Character?.none) }
        if let written {
            let letters = foldedLetters(written)
            if letters.map(\.scalar) == target.map(\.scalar) { target = letters }
        }
        let capitals = typed.contains { $0.isLetter } && typed.allSatisfy { !$0.isLetter || $0.isUppercase }
        // Levenshtein's table, then back from its end: a diagonal step between equal scalars lines them up.
        let width = target.count + 1
        var table = Array(repeating: 0, count: (folded.count + 1) * width)
        for i in 0...folded.count {
            for j in 0...target.count {
                table[i * width + j] = i == 0 ? j : j == 0 ? i
                    : min(table[(i - 1) * width + j] + 1, table[i * width + j - 1] + 1,
                          table[(i - 1) * width + j - 1] + (folded[i - 1].scalar == target[j - 1].scalar ? 0 : 1))
            }
        }
        var letters: [String] = []
        var i = folded.count, j = target.count
        while j > 0 {
            if i > 0 && folded[i - 1].scalar == target[j - 1].scalar && table[i * width + j] == table[(i - 1) * width + j - 1] {
                let typedLetter = folded[i - 1].letter
                if let letter = target[j - 1].letter {
                    letters.append(typedLetter?.isUppercase ?? capitals ? String(letter).uppercased() : String(letter))
                } else {
                    letters.append(typedLetter.map(String.init) ?? String(target[j - 1].scalar))
                }
                i -= 1
                j -= 1
            } else if i > 0 && table[i * width + j] == table[(i - 1) * width + j] + 1 {
                i -= 1
            } else {
                let letter = target[j - 1].letter.map(String.init) ?? String(target[j - 1].scalar)
                letters.append(capitals ? letter.uppercased() : letter)
                if i > 0 && table[i * width + j] == table[(i - 1) * width + j - 1] + 1 { i -= 1 }
                j -= 1
            }
        }
        return letters.reversed().joined()
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

    /// Where `text` (a node's, its escapes removed) stands in the query, at or after `start`: the
    /// query offset of each of its bytes, and of its end. A byte may be typed escaped (`\(`, `\'`):
    /// its offset is then its backslash's.
    static func find(_ text: [UInt8], in query: [UInt8], from start: Int) -> [Int]? {
        guard !text.isEmpty else { return nil }
        var offsets = [Int](repeating: 0, count: text.count + 1)
        for candidate in start..<query.count {
            var index = 0, at = candidate
            while index < text.count && at < query.count {
                offsets[index] = at
                if query[at] == 0x5C && at + 1 < query.count && query[at + 1] == text[index] {
                    at += 2
                } else if query[at] == text[index] {
                    at += 1
                } else {
                    break
                }
                index += 1
            }
            if index == text.count {
                offsets[index] = at
                return offsets
            }
        }
        return nil
    }
}
