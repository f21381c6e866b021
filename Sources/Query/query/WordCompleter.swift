import Indexer

/// A completion of the text a user is typing: the text with its last word completed, and how many
/// documents the completed text matches as a query.
public struct Completion: Sendable, Equatable {
    public var text: String
    public var count: Int

    public init(text: String, count: Int) {
        self.text = text
        self.count = count
    }
}

/// Search as you type: the spellings the index holds that start with the word being typed (the text's
/// last word, folded as queries fold it: `ECON` and `écon` alike; numbers too, from the fields'
/// terms), as Elasticsearch's completion suggester and Manticore's `CALL AUTOCOMPLETE` offer them.
/// Spellings indexed under the same terms (`économie`, `économies`) are one completion: the one the
/// documents write most. The words before the last one narrow the completions: each is counted as the
/// query its whole text makes, and those that match nothing are left out. Completions come most
/// documents first, then in byte order, spelt as the documents write them (`économie`) in the case of
/// the letters typed. When fewer than asked
/// for start with the word, those that start with it give or take a typo follow (`ecnom` →
/// `économique`), as Elasticsearch's fuzzy completion offers them.
struct WordCompleter {
    /// What completions keep for an open index between calls: a word being typed walks the same
    /// spellings again at every key.
    final class Caches: Sendable {
        let writtenForms = BoundedCache<WrittenSpelling.Key, String?>(capacity: 4_096)
        /// The most documents each term has in a field.
        let termDocuments = BoundedCache<String, Int>(capacity: 65_536)
    }

    let reader: IndexReader
    let analyzer: FrenchAnalyzer
    /// The indexed fields.
    let fields: [Int]
    let caches: Caches

    /// The fewest letters a word must have to be completed, as a prefix query needs.
    static let minimumLetters = 2
    /// The spellings, most frequent first, that are counted as queries: the ones a call may return.
    static func counted(limit: Int) -> Int { min(max(2 * limit, 16), 2 * Searcher.maximumCompletions) }

    init(reader: IndexReader, analyzer: FrenchAnalyzer, caches: Caches) {
        self.reader = reader
        self.analyzer = analyzer
        self.caches = caches
        fields = reader.meta.fields.indices.filter { reader.meta.fields[$0].indexed }
    }

    /// The completions of `text`, at most `limit`; none when its last word is finished (a space after
    /// it), is not a word, or has fewer than `minimumLetters` letters. `count` counts the matches of
    /// queries (a phrase being typed, closed); it throws on a text that is not a query yet (an open
    /// parenthesis), whose completions are then ranked by their words' documents alone.
    func completions(of text: String, limit: Int, count: ([String]) throws -> [Int]) throws -> [Completion] {
        let bytes = Array(text.utf8)
        guard limit > 0, let last = bytes.last, !Self.isSpace(last) else { return [] }
        let wordStart = (bytes.lastIndex(where: Self.isSpace) ?? -1) + 1
        let word = String(decoding: bytes[wordStart...], as: UTF8.self)
        guard let token = try analyzer.tokens(word).last, wordStart + token.range.upperBound == bytes.count,
              token.surface.unicodeScalars.count >= Self.minimumLetters
        else { return [] }
        let typedStart = wordStart + token.range.lowerBound
        let head = String(decoding: bytes[..<typedStart], as: UTF8.self)
        let typed = String(decoding: bytes[typedStart...], as: UTF8.self)

        // A phrase being typed is counted as the phrase it makes once closed.
        let open = Self.openPhrase(bytes[..<typedStart])
        let closing = open?.closing ?? ""
        var candidates = try spellings(startingWith: token.surface, limit: Self.counted(limit: limit))
        // Fewer than asked for start with the letters typed: they may hold a typo.
        if candidates.count < limit {
            candidates += try spellings(startingNear: token.surface, limit: Self.counted(limit: limit) - candidates.count,
                                        besides: Set(candidates.map(\.terms)))
        }
        // An exact word being typed (`=écon`, `"=écon`, `="économie soc`): each form its own completion,
        // its exact form's documents, as many counted as groups would be.
        let marked = typedStart > wordStart && bytes[typedStart - 1] == UInt8(ascii: "=")
            && (typedStart - 1 == wordStart || Self.quotes.contains { bytes[wordStart..<(typedStart - 1)].elementsEqual($0.opening) })
        if marked || open?.allExact == true {
            let forms = try candidates.flatMap { group in
                try group.spellings.map { spelling in
                    let term = ExactForm.term(spelling)
                    return Group(spellings: [spelling], terms: [term], documents: try documents(term), edits: group.edits)
                }
            }
            candidates = Array(forms.filter { $0.documents > 0 }.sorted { $0.ranksBefore($1) }.prefix(Self.counted(limit: limit)))
        }
        do {
            // Spellings of one group have the same terms, so the same count.
            let counts = try count(candidates.map { head + $0.spellings[0] + closing })
            candidates = zip(candidates, counts).map { Group(spellings: $0.spellings, terms: $0.terms, documents: $1, edits: $0.edits) }
                .filter { $0.documents > 0 }
            candidates.sort { $0.ranksBefore($1) }
        } catch is QueryError {
            // Not a query yet: ranked by documents, as found.
        }
        let written = WrittenSpelling(reader: reader, analyzer: analyzer, fields: fields, cache: caches.writtenForms)
        return try candidates.prefix(limit).map { group in
            let form = try written.cached(Set(group.spellings), terms: group.terms)
            // The group's spelling the documents write most, or else its shortest.
            let spelling = form.map(Folding.removeAccents) ?? group.spellings.min { ($0.utf8.count, $0) < ($1.utf8.count, $1) }!
            return Completion(text: head + SpellingSuggester.respell(spelling, asTyped: typed, written: form), count: group.documents)
        }
    }

    /// The `limit` groups of the lexicon's spellings, and of the fields' numbers, that start with
    /// `prefix` (spellings indexed under the same terms are one group, in byte order) with the most
    /// documents any of their terms has in a field: most first, then in byte order.
    private func spellings(startingWith prefix: String, limit: Int) throws -> [Group] {
        var groups: [[String]: (spellings: [String], documents: Int)] = [:]
        try reader.forEachLexiconEntry(prefix: prefix) { surface, _, decode in
            let terms = try decode()
            let spelling = String(decoding: surface, as: UTF8.self)
            if groups[terms] != nil {
                groups[terms]!.spellings.append(spelling)
                return true
            }
            var documents = 0
            for term in terms { documents = max(documents, try self.documents(term)) }
            groups[terms] = ([spelling], documents)
            return true
        }
        // Numbers are terms the lexicon does not list: the fields' terms give them.
        if let first = prefix.utf8.first, (0x30...0x39).contains(first) {
            for field in fields {
                try reader.forEachTerm(field: field, prefix: prefix) { term, info in
                    let documents = max(groups[[term]]?.documents ?? 0, info.docFreq)
                    groups[[term], default: ([term], documents)].documents = documents
                    return true
                }
            }
        }
        var best = TopKeeper<Group>(capacity: limit)
        for (terms, group) in groups { best.collect(Group(spellings: group.spellings, terms: terms, documents: group.documents)) }
        return best.sorted()
    }

    /// The `limit` groups of the lexicon's spellings that start within `typoEdits` of `prefix` and with
    /// its first letter, fewest edits first, then most documents, then in byte order; none among
    /// `besides` (the terms of groups already found).
    private func spellings(startingNear prefix: String, limit: Int, besides: Set<[String]>) throws -> [Group] {
        let edits = Self.typoEdits(characters: prefix.unicodeScalars.count)
        guard edits > 0, limit > 0 else { return [] }
        var groups: [[String]: (spellings: [String], documents: Int, edits: Int)] = [:]
        for entry in try reader.lexiconEntries(near: prefix, maxEdits: edits, limit: .max, prefixes: true)
        where entry.edits > 0 && !besides.contains(entry.terms) {
            if groups[entry.terms] != nil {
                groups[entry.terms]!.spellings.append(entry.surface)
                continue
            }
            var documents = 0
            for term in entry.terms { documents = max(documents, try self.documents(term)) }
            groups[entry.terms] = ([entry.surface], documents, entry.edits)
        }
        var best = TopKeeper<Group>(capacity: limit)
        for (terms, group) in groups {
            best.collect(Group(spellings: group.spellings.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, terms: terms,
                               documents: group.documents, edits: group.edits))
        }
        return best.sorted()
    }

    /// Edits forgiven in the letters typed, as Meilisearch's typo tolerance counts them: none below 5
    /// letters, where a typo would reach half the lexicon, 1 up to 8, then 2.
    static func typoEdits(characters: Int) -> Int { characters < 5 ? 0 : characters < 9 ? 1 : 2 }

    /// The most documents `term` has in a field.
    private func documents(_ term: String) throws -> Int {
        try caches.termDocuments.value(for: term) {
            try fields.reduce(0) { most, field in max(most, try reader.termInfo(field: field, term: term)?.docFreq ?? 0) }
        }
    }

    /// Spellings indexed under the same terms, and the most documents any of those terms has in a field
    /// (or, once counted, the matches of the completed text), and the edits from the letters typed to
    /// the nearest start of a spelling (0: they start with them).
    private struct Group: Ranked {
        var spellings: [String]
        var terms: [String]
        var documents: Int
        var edits = 0

        /// Fewest edits first, then most documents, then the first spelling in byte order.
        func ranksBefore(_ other: Group) -> Bool {
            if edits != other.edits { return edits < other.edits }
            return documents != other.documents ? documents > other.documents : spellings[0].utf8.lexicographicallyPrecedes(other.spellings[0].utf8)
        }
    }

    /// The quote that closes a phrase `head` leaves open (`"`, `»` after `«`, `”` after `“`, as the query
    /// parser pairs them), and whether its words are all exact (`="…`, at a word's start), or nil; a
    /// backslash escapes the next byte.
    private static func openPhrase(_ head: ArraySlice<UInt8>) -> (closing: String, allExact: Bool)? {
        var closing: [UInt8]?
        var allExact = false
        var escaped = false
        var k = head.startIndex
        while k < head.endIndex {
            let byte = head[k]
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if let open = closing {
                if head[k...].starts(with: open) { closing = nil }
            } else if let quote = Self.quotes.first(where: { head[k...].starts(with: $0.opening) }) {
                closing = quote.closing
                let equals = k - 1
                allExact = equals >= head.startIndex && head[equals] == UInt8(ascii: "=")
                    && (equals == head.startIndex || isSpace(head[equals - 1]) || head[equals - 1] == UInt8(ascii: "("))
            }
            k += 1
        }
        return closing.map { (String(decoding: $0, as: UTF8.self), allExact) }
    }

    /// The quotes the query parser reads a phrase between.
    private static let quotes: [(opening: [UInt8], closing: [UInt8])] = [("\"", "\""), ("«", "»"), ("“", "”")].map {
        (Array($0.0.utf8), Array($0.1.utf8))
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}
