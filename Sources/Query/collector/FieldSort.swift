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

    /// What `doc` sorts by: its value made to sort highest first, -∞ for none (`SortedDocument`).
    func key(of doc: UInt32, field: Int, values: SortValuesReader) -> Double {
        values.value(doc: Int(doc), field: field, largest: descending).map { descending ? $0 : -$0 } ?? -.infinity
    }

    /// The first `capacity` matches of `root` in this order, and the number of matches. Every match is
    /// read (a sort skips no postings), but only those whose value can enter the first `capacity` are
    /// scored: a value below the worst kept cannot, whatever its score.
    func collect(_ root: Scorer, field: Int, capacity: Int, values: SortValuesReader, documentCount: Int) throws
        -> (ranked: [ScoredDocument], total: Int) {
        func key(_ doc: UInt32) -> Double { self.key(of: doc, field: field, values: values) }
        guard Self.readsListsWithoutScoring(root) else {
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
        try Self.score(root, candidates.lazy.filter { $0.key >= floor }) { collector.collect($0) }
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

/// A value a sorted search orders by, alone: the first pass keeps the best of them to know which
/// matches can enter.
private struct SortKey: Ranked {
    var key: Double

    func ranksBefore(_ other: SortKey) -> Bool { key > other.key }
}
