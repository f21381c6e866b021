import Indexer

/// The terms of an index's searched fields, with the documents holding each and its occurrences in
/// them, as Xapian's delve and Lucene's HighFreqTerms show them (`fts terms`, searchd's `TERMS`): why a
/// word does or does not match, which words a field holds most.
public enum Vocabulary {
    /// A term of a field.
    public struct Entry: Sendable, Equatable {
        public var field: Int
        public var term: String
        public var documents: Int
        public var occurrences: Int

        /// Held by more documents first, then in the order of the listing: fields in order, terms in
        /// byte order.
        func ranksBefore(_ other: Entry) -> Bool {
            if documents != other.documents { return documents > other.documents }
            if field != other.field { return field < other.field }
            return term.utf8.lexicographicallyPrecedes(other.term.utf8)
        }
    }

    /// The searched field `name` names (typed as a query types it: `Body`, `categorie`), or every
    /// searched field when nil.
    public static func fields(_ name: String?, in reader: IndexReader) throws(QueryError) -> [Int] {
        let meta = reader.meta
        let searched = meta.fields.indices.filter { meta.fields[$0].indexed }
        guard let name else { return searched }
        guard let number = meta.field(typed: name), meta.fields[number].indexed else {
            throw QueryError("no searched field \"\(name)\" (fields: \(searched.map { meta.fields[$0].name }.joined(separator: ", ")))")
        }
        return [number]
    }

    /// A prefix as terms are written: lower case, without accents.
    public static func folded(prefix: String) -> String {
        Folding.removeAccents(Folding.lowercase(prefix))
    }

    /// Calls `body` with each term of `fields` that starts with `prefix` (folded), field after field,
    /// each field's in byte order, until it returns false. Nothing is held: a vocabulary of any size
    /// streams through.
    public static func forEach(in reader: IndexReader, fields: [Int], prefix: String, _ body: (Entry) throws -> Bool) throws {
        for field in fields {
            var going = true
            try reader.forEachTerm(field: field, prefix: prefix) { term, info in
                going = try body(Entry(field: field, term: term, documents: info.docFreq, occurrences: info.totalTermFreq))
                return going
            }
            if !going { return }
        }
    }

    /// The `count` terms of `fields` starting with `prefix` held by the most documents, most first
    /// (then in the listing's order). The best are kept, sorted and cut each time twice as many have
    /// passed the floor: memory for 2 × `count` terms, whatever the vocabulary's size.
    public static func top(_ count: Int, in reader: IndexReader, fields: [Int], prefix: String) throws -> [Entry] {
        guard count > 0 else { return [] }
        var kept: [Entry] = []
        var floor = 0
        try forEach(in: reader, fields: fields, prefix: prefix) { entry in
            guard entry.documents >= floor else { return true }
            kept.append(entry)
            if kept.count >= 2 * count {
                kept.sort { $0.ranksBefore($1) }
                kept.removeLast(kept.count - count)
                floor = kept[count - 1].documents
            }
            return true
        }
        kept.sort { $0.ranksBefore($1) }
        return Array(kept.prefix(count))
    }
}
