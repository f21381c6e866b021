import Indexer

/// Field collapsing, as Elasticsearch's `collapse` and Solr's collapsing filter: the best match of
/// each value of a field, the others left out, so that one package, site or author does not fill a
/// page. A match is grouped under the first of its values in byte order; a match without a value
/// is a group of its own, never left out.
public struct FieldCollapse: Sendable, Equatable {
    public var field: String

    public init(field: String) { self.field = field }

    /// The field's number in `reader`'s index; an error when the index keeps no values of it.
    public func fieldNumber(in reader: IndexReader) throws(QueryError) -> Int {
        try reader.fieldWithValues(named: field, cannot: "collapse on")
    }

    /// The best `capacity` groups, each by its best match in `order`, best first; with the number of
    /// matches and of groups. Every match is scored: which match of a group is best is known only
    /// once all are. `denseUpTo` as `GroupBests` takes it (the tests set 0).
    static func collect<Element: Ranked>(_ root: Scorer, field: Int, capacity: Int, values: FacetValuesReader,
                                         denseUpTo: Int = GroupBests<Element>.denseUpTo,
                                         order: (ScoredDocument) -> Element) throws -> (best: [Element], total: Int, groups: Int) {
        guard let column = values.column(field: field) else { return ([], 0, 0) }
        var best = GroupBests<Element>(values: values.valueCount(field: field), denseUpTo: denseUpTo)
        var collector = TopKeeper<Element>(capacity: capacity)
        var cursor = FacetValuesReader.Cursor()
        var total = 0, groups = 0
        try TopDocs.forEachScoredMatch(root) { doc, score in
            total += 1
            let ranked = order(ScoredDocument(doc: doc, score: score))
            var first = -1
            column.forEachOrdinal(doc: Int(doc), cursor: &cursor) { if first < 0 { first = $0 } }
            guard first >= 0 else {
                groups += 1
                collector.collect(ranked)
                return
            }
            if let kept = best[first] {
                if ranked.ranksBefore(kept) { best[first] = ranked }
            } else {
                groups += 1
                best[first] = ranked
            }
        }
        best.forEach { collector.collect($0) }
        return (collector.sorted(), total, groups)
    }
}

/// Each group's best match so far, by the ordinal of its value: an array over the ordinals for a
/// field of up to `denseUpTo` values (65,536), a dictionary of the groups met for more, so that a
/// search never allocates more than that for values it does not meet.
struct GroupBests<Element> {
    static var denseUpTo: Int { 1 << 16 }
    private var dense: [Element?]
    private var sparse: [Int: Element] = [:]
    private let isDense: Bool

    init(values: Int, denseUpTo: Int) {
        isDense = values <= denseUpTo
        dense = isDense ? [Element?](repeating: nil, count: values) : []
    }

    subscript(ordinal: Int) -> Element? {
        get { isDense ? dense[ordinal] : sparse[ordinal] }
        set { if isDense { dense[ordinal] = newValue } else { sparse[ordinal] = newValue } }
    }

    func forEach(_ body: (Element) -> Void) {
        if isDense {
            for case let element? in dense { body(element) }
        } else {
            sparse.values.forEach(body)
        }
    }
}
