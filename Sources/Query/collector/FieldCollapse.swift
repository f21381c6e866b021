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
    /// once all are.
    static func collect<Element: Ranked>(_ root: Scorer, field: Int, capacity: Int, values: FacetValuesReader,
                                         order: (ScoredDocument) -> Element) throws -> (best: [Element], total: Int, groups: Int) {
        guard let column = values.column(field: field) else { return ([], 0, 0) }
        var best = [Element?](repeating: nil, count: values.valueCount(field: field))
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
        for case let kept? in best { collector.collect(kept) }
        return (collector.sorted(), total, groups)
    }
}
