import Indexer

/// How the documents write a folded spelling of the lexicon (`économie` for `economie`): what "did you
/// mean" and completions show, since the lexicon keeps folded spellings only.
struct WrittenSpelling {
    let reader: IndexReader
    let analyzer: FrenchAnalyzer
    /// The indexed fields.
    let fields: [Int]
    /// Forms already found for this index (nil: none found, kept too, since asking again would find
    /// none again), or no cache.
    var cache: BoundedCache<Key, String?>?

    struct Key: Hashable {
        var spellings: Set<String>
        var terms: [String]
    }

    /// The form of `spellings` (see `of`), from the cache when it has it.
    func cached(_ spellings: Set<String>, terms: [String]) throws -> String? {
        guard let cache else { return try of(spellings, terms: terms) }
        return try cache.value(for: Key(spellings: spellings, terms: terms)) { try of(spellings, terms: terms) }
    }

    /// How the documents write a folded spelling (`économie` for `economie`), or the most common of
    /// several indexed under the same terms, in lowercase: the most common form among the first
    /// occurrences of the terms in the body, read from the body's stored text at their positions (a tie
    /// keeps the form seen first). A spelling no body holds is looked for in the other fields (titles),
    /// whose stored text is analysed again. Nil when none is found.
    func of(_ spellings: Set<String>, terms: [String]) throws -> String? {
        var votes: [String: Int] = [:]
        var firstSeen: [String] = []
        var occurrences = 0
        /// Counts the forms `read` finds in each of the first documents of the terms in `field`.
        func sample(_ field: Int, _ read: (_ doc: UInt32, _ cursor: PostingsCursor, _ room: Int) throws -> [String]) throws {
            var documents = 0
            for term in terms {
                guard let info = try reader.termInfo(field: field, term: term) else { continue }
                let cursor = try reader.postings(info)
                var doc = try cursor.next()
                while doc != PostingsCursor.end && occurrences < Self.sampledOccurrences
                        && (documents < Self.sampledDocuments || (occurrences < Self.fewOccurrences && documents < Self.sampledDocumentsAtMost)) {
                    documents += 1
                    for written in try read(doc, cursor, Self.sampledOccurrences - occurrences) {
                        occurrences += 1
                        if votes[written] == nil { firstSeen.append(written) }
                        votes[written, default: 0] += 1
                    }
                    doc = try cursor.next()
                }
            }
        }
        var positions: [UInt32] = []
        try sample(StandardField.body) { doc, cursor, room in
            try cursor.positions(into: &positions)
            guard let body = try reader.storedFieldsWithBody([Int(doc)]).first?.body else { return [] }
            // Positions ascend: the token cursor skips forward to each, by its stride table.
            return try body.tokens.withCursor { tokens in
                var forms: [String] = []
                for position in positions where forms.count < room {
                    try tokens.skip(to: Int(position))
                    guard let range = try tokens.next() else { break }
                    let written = Folding.lowercase(body.withUnsafeBytes { String(decoding: $0[range], as: UTF8.self) })
                    let folded = Folding.removeAccents(written)
                    // `aujourdhui` is written `aujourd’hui`.
                    if spellings.contains(folded) || Lexicon.withoutApostrophes(folded).map(spellings.contains) == true { forms.append(written) }
                }
                return forms
            }
        }
        for field in fields where field != StandardField.body && firstSeen.isEmpty {
            try sample(field) { doc, _, room in
                // Titles are short; a long field is passed over rather than analysed whole.
                guard let text = try reader.storedFields(Int(doc)).value(of: field), text.utf8.count <= Self.analyzedBytes else { return [] }
                let utf8 = Array(text.utf8)
                return try analyzer.tokens(text).filter { spellings.contains($0.surface) }.prefix(room)
                    .map { Folding.lowercase(String(decoding: utf8[$0.range], as: UTF8.self)) }
            }
        }
        var best: String?
        for form in firstSeen where votes[form]! > best.map({ votes[$0]! }) ?? 0 { best = form }
        return best
    }

    /// Bounds on what `of` reads: the forms it counts, the documents it opens in each field (more, up
    /// to `sampledDocumentsAtMost`, while it has counted fewer than `fewOccurrences`: a spelling that
    /// the term's first documents seldom write, as the bundled corpus's first documents write
    /// `salarié-e-s` and `salariés` and the verb `salarie` once, and its later ones `salarié`), and
    /// the longest text it analyses again.
    static let sampledOccurrences = 16
    static let sampledDocuments = 32
    static let fewOccurrences = 4
    static let sampledDocumentsAtMost = 128
    static let analyzedBytes = 10_000
}
