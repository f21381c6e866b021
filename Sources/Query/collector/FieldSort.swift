import Indexer

/// A search sorted by a field's numbers and dates (`SortValue`) instead of by score, as Lucene's
/// `Sort` on a doc values field and Elasticsearch's `sort` order: ascending by each document's
/// smallest value, descending by its largest; documents without a value come last either way, and
/// equal values go by score, then by document number.
public struct FieldSort: Sendable, Equatable {
    public var field: String
    public var descending: Bool

    public init(field: String, descending: Bool = false) {
        self.field = field
        self.descending = descending
    }

    /// `FIELD`, `FIELD:asc` or `FIELD:desc`, as `fts search --sort` and searchd's `SORT` take it.
    public init(parsing text: String) throws(QueryError) {
        var field = Substring(text), descending = false
        if let colon = text.lastIndex(of: ":") {
            switch text[text.index(after: colon)...].lowercased() {
            case "asc": break
            case "desc": descending = true
            default: throw QueryError("a sort is FIELD, FIELD:asc or FIELD:desc, not \"\(text)\"")
            }
            field = text[..<colon]
        }
        guard !field.isEmpty else { throw QueryError("a sort names a field: FIELD, FIELD:asc or FIELD:desc") }
        self.init(field: String(field), descending: descending)
    }

    /// The field's number in `reader`'s index; an error when it has no values there.
    public func fieldNumber(in reader: IndexReader) throws(QueryError) -> Int {
        guard let number = Self.field(named: field, in: reader) else {
            throw QueryError("cannot sort by unknown field \"\(field)\" (\(Self.fieldsWithValues(in: reader)))")
        }
        guard reader.sortValues.hasValues(field: number) else {
            throw QueryError("cannot sort by \"\(field)\": it holds no numbers or dates (\(Self.fieldsWithValues(in: reader)))")
        }
        return number
    }

    static func field(named name: String, in reader: IndexReader) -> Int? {
        reader.field(named: name, among: reader.sortValues.fields)
    }

    /// The fields that hold values, for an error message.
    static func fieldsWithValues(in reader: IndexReader) -> String {
        reader.names(of: reader.sortValues.fields, what: "fields with numbers or dates", none: "no field of this index holds numbers or dates")
    }

    /// The first `capacity` matches of `root` in this order, and the number of matches. Every match is
    /// read (a sort skips no postings), but only those whose value can enter the first `capacity` are
    /// scored: a value below the worst kept cannot, whatever its score.
    func collect(_ root: Scorer, field: Int, capacity: Int, values: SortValuesReader) throws -> (ranked: [ScoredDocument], total: Int) {
        var collector = TopKeeper<SortedDocument>(capacity: capacity)
        var total = 0
        try TopDocs.forEachMatch(root) { doc, score in
            total += 1
            guard capacity > 0 else { return }
            let value = values.value(doc: Int(doc), field: field, largest: descending)
            let key = value.map { descending ? $0 : -$0 } ?? -.infinity
            if let worst = collector.threshold, key < worst.key { return }
            collector.collect(SortedDocument(key: key, scored: ScoredDocument(doc: doc, score: try score())))
        }
        return (collector.sorted().map(\.scored), total)
    }
}
