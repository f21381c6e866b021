import Indexer

/// A search sorted by a field's numbers and dates (`SortValue`) instead of by score, as Lucene's
/// `Sort` on a doc values field and Elasticsearch's `sort` order: ascending by each document's
/// smallest value, descending by its largest; documents without a value come last either way, and
/// equal values go by score, then by document number. A field with no number or date, whose values
/// the index keeps (facets.fts: an author, a category), sorts by them alphabetically
/// (`FacetValuesReader.alphabeticalRanks`), as Elasticsearch sorts a keyword field. Up to three fields
/// in turn, each ordering what the ones before leave equal, before the score.
public struct FieldSort: Sendable, Equatable {
    /// One field of the order, as typed, and whether it goes down.
    public struct Key: Sendable, Equatable {
        public var field: String
        public var descending: Bool

        public init(field: String, descending: Bool = false) {
            self.field = field
            self.descending = descending
        }
    }

    /// The fields in turn, at least one: each orders the documents the ones before it leave equal,
    /// as Elasticsearch's sort array does (`--sort catégorie,date:desc`).
    public private(set) var keys: [Key]
    /// The most fields one sort takes.
    public static let maximumKeys = 3

    /// The first field.
    public var field: String { keys[0].field }
    public var descending: Bool { keys[0].descending }

    public init(field: String, descending: Bool = false) {
        keys = [Key(field: field, descending: descending)]
    }

    /// `FIELD`, `FIELD:asc` or `FIELD:desc`, or several separated by commas (`catégorie,date:desc`), as
    /// `fts search --sort` and searchd's `SORT` take it.
    public init(parsing text: String) throws(QueryError) {
        var keys: [Key] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            var field = part, descending = false
            if let colon = part.lastIndex(of: ":") {
                switch part[part.index(after: colon)...].lowercased() {
                case "asc": break
                case "desc": descending = true
                default: throw QueryError("a sort is FIELD, FIELD:asc or FIELD:desc, not \"\(part)\"")
                }
                field = part[..<colon]
            }
            guard !field.isEmpty else { throw QueryError("a sort names a field: FIELD, FIELD:asc or FIELD:desc") }
            keys.append(Key(field: String(field), descending: descending))
        }
        guard keys.count <= Self.maximumKeys else { throw QueryError("a sort takes at most \(Self.maximumKeys) fields, not \(keys.count)") }
        self.keys = keys
    }

    /// The first field's number in `reader`'s index; an error when a field of the sort has no values
    /// there: no number, no date, no value kept for facets.
    public func fieldNumber(in reader: IndexReader) throws(QueryError) -> Int {
        try fieldNumbers(in: reader)[0]
    }

    /// Each field's number, in the sort's order.
    public func fieldNumbers(in reader: IndexReader) throws(QueryError) -> [Int] {
        // Nearly always a field named as the index writes it, which sorts: looked up without listing
        // the fields that sort, which only an error needs.
        let direct = keys.compactMap { key in
            reader.meta.field(typed: key.field).flatMap { reader.sortValues.hasValues(field: $0) || reader.facetValues.hasValues(field: $0) ? $0 : nil }
        }
        if direct.count == keys.count { return direct }
        let sortable = Self.sortableFields(in: reader)
        func names() -> String { reader.names(of: sortable, what: "fields that sort", none: "no field of this index holds values to sort by") }
        var numbers: [Int] = []
        for key in keys {
            guard let number = reader.field(named: key.field, among: sortable) else {
                throw QueryError("cannot sort by unknown field \"\(key.field)\" (\(names()))")
            }
            guard sortable.contains(number) else {
                throw QueryError("cannot sort by \"\(key.field)\": it holds no numbers, dates or values (\(names()))")
            }
            numbers.append(number)
        }
        return numbers
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
    /// match is read (a sort skips no postings), but only those whose first value can enter the first
    /// `capacity` are scored: a value below the worst kept cannot, whatever its score or its next
    /// fields' values. A sort of one field keeps the smaller entries it always had.
    static func collect(_ root: Scorer, keys: SortKeys, capacity: Int, documentCount: Int) throws
        -> (ranked: [ScoredDocument], total: Int) {
        keys.fieldCount == 1
            ? try collect(root, keys: keys, capacity: capacity, documentCount: documentCount, as: SortedDocument.self)
            : try collect(root, keys: keys, capacity: capacity, documentCount: documentCount, as: SortedByFields.self)
    }

    private static func collect<Entry: SortedEntry>(_ root: Scorer, keys: SortKeys, capacity: Int, documentCount: Int,
                                                    as: Entry.Type) throws -> (ranked: [ScoredDocument], total: Int) {
        var keys = keys
        guard readsListsWithoutScoring(root) else {
            var collector = TopKeeper<Entry>(capacity: capacity)
            var total = 0
            while try root.next() != Scorer.end {
                total += 1
                let key = keys.first(of: root.doc)
                if let worst = collector.threshold, key < worst.key { continue }
                var entry = Entry(key: key, scored: ScoredDocument(doc: root.doc, score: try root.score()))
                entry.complete(with: &keys)
                collector.collect(entry)
            }
            return (collector.sorted().map(\.scored), total)
        }
        // Every match read as a count reads them, the matches whose value can still enter kept; then,
        // the value of the `capacity`-th known, those at or above it scored (equal values go by the
        // next fields, then by score): a few dozen documents where the matches are thousands.
        var total = 0
        var best = TopKeeper<SortKey>(capacity: capacity)
        var candidates: [Entry] = []
        try MatchCounter.forEachMatch(root, documentCount: documentCount) { doc in
            total += 1
            let key = keys.first(of: doc)
            if let worst = best.threshold, key < worst.key { return }
            best.collect(SortKey(key: key))
            candidates.append(Entry(key: key, scored: ScoredDocument(doc: doc, score: 0)))
        }
        let floor = best.threshold?.key ?? -.infinity
        candidates.removeAll { $0.key < floor }
        for index in candidates.indices { candidates[index].complete(with: &keys) }
        var collector = TopKeeper<Entry>(capacity: capacity)
        try score(root, candidates) { collector.collect($0) }
        return (collector.sorted().map(\.scored), total)
    }

    /// Whether `root` is a union or a conjunction of words, whose matches a count reads from the lists
    /// without decoding what scoring needs: the two passes above then cost less than one that scores
    /// as it goes. A word alone, a phrase or an exclusion is read once, scored as it goes. Optional
    /// clauses (`a MAYBE b`) go as their required clause does: they add to scores, not to matches.
    private static func readsListsWithoutScoring(_ root: Scorer) -> Bool {
        if let scored = root as? OptionalSumScorer { return readsListsWithoutScoring(scored.required) }
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
    private static func score<Entry: SortedEntry>(_ root: Scorer, _ candidates: [Entry], _ body: (Entry) -> Void) throws {
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

/// What each document of a sorted search orders by (`SortedEntry`): each field's value made to
/// sort highest first (negated for an ascending field), -∞ for none, so that documents without one
/// come last either way. A field's numbers and dates are their own keys; text values are their places
/// in alphabetical order. Asked in increasing document order mostly, as the matches come.
struct SortKeys {
    /// One field's reader.
    private struct Column {
        let field: Int
        let descending: Bool
        /// Whether the field sorts by its numbers and dates (`numbers`), else by its text values.
        /// Not an optional: unwrapping one copies the reader, and counts a reference, at every key.
        let numeric: Bool
        let numbers: SortValuesReader
        let values: FacetValuesReader.FieldColumn?
        let ranks: [Int32]
        var cursor = FacetValuesReader.Cursor()
        var last: UInt32 = 0

        @inline(__always)
        mutating func key(of doc: UInt32) -> Double {
            let descending = self.descending
            if numeric {
                return numbers.value(doc: Int(doc), field: field, largest: descending).map { descending ? $0 : -$0 } ?? -.infinity
            }
            guard let values else { return -.infinity }
            // The column's cursor only moves forward.
            if doc < last { cursor = FacetValuesReader.Cursor() }
            last = doc
            var rank: Int32 = -1
            let ranks = self.ranks
            values.forEachOrdinal(doc: Int(doc), cursor: &cursor) { ordinal in
                let own = ranks[ordinal]
                if rank < 0 || (descending ? own > rank : own < rank) { rank = own }
            }
            return rank < 0 ? -.infinity : descending ? Double(rank) : -Double(rank)
        }
    }

    /// The first field's apart from the others': it is read at every match, they at the few scored.
    private var first: Column
    private var next: [Column]

    /// `fields`: the sort's fields' numbers (`FieldSort.fieldNumbers`).
    init(_ sort: FieldSort, fields: [Int], reader: IndexReader) throws {
        func column(_ index: Int) throws -> Column {
            let field = fields[index], descending = sort.keys[index].descending
            if reader.sortValues.hasValues(field: field) {
                return Column(field: field, descending: descending, numeric: true, numbers: reader.sortValues, values: nil, ranks: [])
            }
            return Column(field: field, descending: descending, numeric: false, numbers: reader.sortValues,
                          values: reader.facetValues.column(field: field), ranks: try reader.facetValues.alphabeticalRanks(field: field))
        }
        first = try column(0)
        next = fields.count > 1 ? try (1..<fields.count).map(column) : []
    }

    /// The first field's key.
    @inline(__always)
    mutating func first(of doc: UInt32) -> Double { first.key(of: doc) }

    /// How many fields the sort has.
    var fieldCount: Int { next.count + 1 }

    /// The second and third fields' keys, 0 for those the sort does not have.
    mutating func next(of doc: UInt32) -> (Double, Double) {
        (next.count > 0 ? next[0].key(of: doc) : 0, next.count > 1 ? next[1].key(of: doc) : 0)
    }

    /// `scored` with every field's key.
    mutating func sorted(_ scored: ScoredDocument) -> SortedByFields {
        var entry = SortedByFields(key: first(of: scored.doc), scored: scored)
        entry.complete(with: &self)
        return entry
    }
}

/// A value a sorted search orders by, alone: the first pass keeps the best of them to know which
/// matches can enter.
private struct SortKey: Ranked {
    var key: Double

    func ranksBefore(_ other: SortKey) -> Bool { key > other.key }
}
