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

    /// `fields` by name, for an error message: "`what`: a, b", or `none` when there are none.
    func names(of fields: [Int], what: String, none: String) -> String {
        fields.isEmpty ? none : what + ": " + fields.map { meta.fields[$0].name }.joined(separator: ", ")
    }
}
