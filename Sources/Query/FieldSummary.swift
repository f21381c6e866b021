import Indexer

/// What a field of an index offers a search, as `fts stats` and searchd's `FIELDS` describe it: a
/// front end builds its field pickers, sort menus and facet panels from these.
public struct FieldSummary: Sendable, Equatable {
    public var name: String
    /// Searched by `field:` queries.
    public var indexed: Bool
    /// Given back by `fts get`, `GET` and JSON hits.
    public var stored: Bool
    /// Documents holding a word of it (indexed fields only).
    public var documents: Int
    /// Words a document, over every document: BM25's average length (indexed fields only).
    public var averageLength: Double
    /// Documents with a number or a date in it: what `--sort` orders by them (a field with none sorts
    /// by its distinct values, alphabetically).
    public var documentsWithValues: Int
    /// Different values: what `--facet` counts and `--filter` picks among.
    public var distinctValues: Int
    /// Of those values, how many are dates (`FIELD:year` counts them) and numbers
    /// (`FIELD:interval=W`).
    public var dateValues: Int
    public var numberValues: Int
    /// Its words are also indexed as written: `=word` finds them (`fts index --exact-words`).
    public var exactForms: Bool

    /// Every field of the index, by number.
    public static func all(in reader: IndexReader) throws -> [FieldSummary] {
        try reader.meta.fields.enumerated().map { number, field in
            let kinds = try reader.facetValues.kinds(field: number)
            return FieldSummary(name: field.name, indexed: field.indexed, stored: field.stored,
                                documents: field.indexed ? Int(field.documentsWithField) : 0,
                                averageLength: field.indexed ? reader.averageLength(field: number) : 0,
                                documentsWithValues: reader.sortValues.documentsWithValue(field: number),
                                distinctValues: reader.facetValues.valueCount(field: number),
                                dateValues: kinds.dates, numberValues: kinds.numbers, exactForms: field.exactForms)
        }
    }

    /// One JSON object, keys in a fixed order.
    public var json: String {
        "{\"name\":\(JSON.quote(name)),\"indexed\":\(indexed),\"stored\":\(stored),\"documents\":\(documents),"
            + "\"average_length\":\(averageLength),\"documents_with_values\":\(documentsWithValues),"
            + "\"distinct_values\":\(distinctValues),\"date_values\":\(dateValues),\"number_values\":\(numberValues),"
            + "\"exact_forms\":\(exactForms)}"
    }
}
