import Indexer

extension IndexReader {
    /// The field `name` names, as a query names one, or the one of `candidates` named without its
    /// accents and capitals: a field stored and not searched (a page's date) is named as a searched
    /// one is.
    func field(named name: String, among candidates: [Int]) -> Int? {
        if let field = meta.field(typed: name) { return field }
        let folded = candidates.filter { FieldName.folded(meta.fields[$0].name) == FieldName.folded(name) }
        return folded.count == 1 ? folded[0] : nil
    }

    /// The field `name` names among those whose values the index keeps (facets.fts); an error that
    /// says what cannot be done with it (`cannot filter by "x"`) and names those it keeps otherwise.
    func fieldWithValues(named name: String, cannot what: String) throws(QueryError) -> Int {
        let fields = facetValues.fields
        guard let number = field(named: name, among: fields), facetValues.hasValues(field: number) else {
            throw QueryError("cannot \(what) \"\(name)\": the index keeps no values of it "
                             + "(\(names(of: fields, what: "fields with values", none: "no field of this index holds values")))")
        }
        return number
    }

    /// `fields` by name, for an error message: "`what`: a, b", or `none` when there are none.
    func names(of fields: [Int], what: String, none: String) -> String {
        fields.isEmpty ? none : what + ": " + fields.map { meta.fields[$0].name }.joined(separator: ", ")
    }
}
