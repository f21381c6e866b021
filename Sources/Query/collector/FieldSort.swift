import Indexer

/// A search sorted by a field's numbers and dates (`SortValue`) instead of by score, as Lucene's
/// `Sort` on a doc values field and Elasticsearch's `sort` order: ascending by each document's
/// smallest value, descending by its largest; documents without a value come last either way, and
/// equal values go by score, then by document number. A field with no number or date, whose values
/// the index keeps (facets.fts: an author, a category), sorts by them alphabetically
/// (`FacetValuesReader.alphabeticalRanks`), as Elasticsearch sorts a keyword field.
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

    /// The field's number in `reader`'s index; an error when it has no values there: no number, no
    /// date, no value kept for facets.
    public func fieldNumber(in reader: IndexReader) throws(QueryError) -> Int {
        let sortable = Self.sortableFields(in: reader)
        func names() -> String { reader.names(of: sortable, what: "fields that sort", none: "no field of this index holds values to sort by") }
        guard let number = reader.field(named: field, among: sortable) else {
            throw QueryError("cannot sort by unknown field \"\(field)\" (\(names()))")
        }
        guard sortable.contains(number) else {
            throw QueryError("cannot sort by \"\(field)\": it holds no numbers, dates or values (\(names()))")
        }
        return number
    }

    /// The fields with numbers or dates, or with values kept for facets, in field order.
    static func sortableFields(in reader: IndexReader) -> [Int] {
        Set(reader.sortValues.fields + reader.facetValues.fields).sorted()
    }

    static func field(named name: String, in reader: IndexReader) -> Int? {
        reader.field(named: name, among: reader.sortValues.fields)
    }

    /// The fields that hold values, for an error message.
    static func fieldsWithValues(in reader: IndexReader) -> String {
        reader.names(of: reader.sortValues.fields, what: "fields with numbers or dates", none: "no field of this index holds numbers or dates")
    }

    /// The first `capacity` matches of `root` in the order of `keys`, and the number of matches. Every
    /// match is read (a sort skips no postings), but only those whose value can enter the first
    /// `capacity` are scored: a value below the worst kept cannot, whatever its score.
    static func collect(_ root: Scorer, keys: SortKeys, capacity: Int, documentCount: Int) throws
        -> (ranked: [ScoredDocument], total: Int) {
        var keys = keys
        func key(_ doc: UInt32) -> Double { keys.key(of: doc) }
        guard readsListsWithoutScoring(root) else {
            var collector = TopKeeper<SortedDocument>(capacity: capacity)
            var total = 0
            while try root.next() != Scorer.end {
                total += 1
                let key = key(root.doc)
                if let worst = collector.threshold, key < worst.key { continue }
                collector.collect(SortedDocument(key: key, scored: ScoredDocument(doc: root.doc, score: try root.score())))
            }
            return (collector.sorted().map(\.scored), total)
        }
        // Every match read as a count reads them, the matches whose value can still enter kept; then,
        // the value of the `capacity`-th known, those at or above it scored (equal values go by
        // score): a few dozen documents where the matches are thousands.
        var total = 0
        var best = TopKeeper<SortKey>(capacity: capacity)
        var candidates: [SortedDocument] = []
        try MatchCounter.forEachMatch(root, documentCount: documentCount) { doc in
            total += 1
            let key = key(doc)
            if let worst = best.threshold, key < worst.key { return }
            best.collect(SortKey(key: key))
            candidates.append(SortedDocument(key: key, scored: ScoredDocument(doc: doc, score: 0)))
        }
        let floor = best.threshold?.key ?? -.infinity
        var collector = TopKeeper<SortedDocument>(capacity: capacity)
        try score(root, candidates.lazy.filter { $0.key >= floor }) { collector.collect($0) }
        return (collector.sorted().map(\.scored), total)
    }

    /// Whether `root` is a union or a conjunction of words, whose matches a count reads from the lists
    /// without decoding what scoring needs: the two passes above then cost less than one that scores
    /// as it goes. A word alone, a phrase or an exclusion is read once, scored as it goes.
    private static func readsListsWithoutScoring(_ root: Scorer) -> Bool {
        if let disjunction = root as? DisjunctionScorer, let words = TopDocs.wordLeaves(of: disjunction) {
            words.deallocate()
            return true
        }
        if let conjunction = root as? ConjunctionScorer, let words = WordConjunction(conjunction) {
            words.deallocate()
            return true
        }
        return false
    }

    /// Scores `candidates` (matches of `root`, in increasing order) with `root` rewound. A union of
    /// words adds its words' scores in the order exhaustive scoring does, so that equal values rank as
    /// by score.
    private static func score<Candidates: Sequence<SortedDocument>>(_ root: Scorer, _ candidates: Candidates,
                                                                     _ body: (SortedDocument) -> Void) throws {
        if let disjunction = root as? DisjunctionScorer, let clauses = TopDocs.wordLeaves(of: disjunction) {
            defer { clauses.deallocate() }
            for clause in clauses { clause.with { $0.rewind() } }
            for var candidate in candidates {
                let doc = candidate.scored.doc
                var score = 0.0
                for clause in clauses {
                    try clause.with { if try $0.advance(to: doc) == doc { score += try $0.score() } }
                }
                candidate.scored.score = score
                body(candidate)
            }
            return
        }
        root.rewind()
        for var candidate in candidates where try root.advance(to: candidate.scored.doc) == candidate.scored.doc {
            candidate.scored.score = try root.score()
            body(candidate)
        }
    }
}

/// What each document of a sorted search orders by (`SortedDocument.key`): its value made to sort
/// highest first (negated for an ascending sort), -∞ for none, so that documents without one come
/// last either way. A field's numbers and dates are their own keys; text values are their places in
/// alphabetical order. Asked in increasing document order mostly, as the matches come.
struct SortKeys {
    let field: Int
    let descending: Bool
    private let numbers: SortValuesReader?
    private let column: FacetValuesReader.FieldColumn?
    private let ranks: [Int32]
    private var cursor = FacetValuesReader.Cursor()
    private var last: UInt32 = 0

    init(_ sort: FieldSort, field: Int, reader: IndexReader) throws {
        self.field = field
        descending = sort.descending
        if reader.sortValues.hasValues(field: field) {
            (numbers, column, ranks) = (reader.sortValues, nil, [])
        } else {
            (numbers, column, ranks) = (nil, reader.facetValues.column(field: field), try reader.facetValues.alphabeticalRanks(field: field))
        }
    }

    mutating func key(of doc: UInt32) -> Double {
        let descending = self.descending
        if let numbers {
            return numbers.value(doc: Int(doc), field: field, largest: descending).map { descending ? $0 : -$0 } ?? -.infinity
        }
        guard let column else { return -.infinity }
        let ranks = self.ranks
        // The column's cursor only moves forward.
        if doc < last { cursor = FacetValuesReader.Cursor() }
        last = doc
        var rank: Int32 = -1
        column.forEachOrdinal(doc: Int(doc), cursor: &cursor) { ordinal in
            let own = ranks[ordinal]
            if rank < 0 || (descending ? own > rank : own < rank) { rank = own }
        }
        return rank < 0 ? -.infinity : descending ? Double(rank) : -Double(rank)
    }
}

/// A value a sorted search orders by, alone: the first pass keeps the best of them to know which
/// matches can enter.
private struct SortKey: Ranked {
    var key: Double

    func ranksBefore(_ other: SortKey) -> Bool { key > other.key }
}
