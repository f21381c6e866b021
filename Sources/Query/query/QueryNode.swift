/// A parsed query, before analysis: what the user typed, structured. Columns are 1-based character
/// positions in the query, for error messages. Only `not` holds a node directly, so only it is boxed:
/// the words of a query cost no allocation each.
public enum QueryNode: Equatable, Sendable {
    /// A bare word: analysed into terms; several terms (`Clichy-sous-Bois`) make a phrase.
    case word(String, field: String?, column: Int)
    /// `"exact phrase"`, or `"words near"~N` with `slop` N.
    case phrase(String, slop: Int?, field: String?, column: Int)
    /// `prefix*`
    case prefix(String, field: String?, column: Int)
    /// `econ?mie`, `organi*ation`: the spellings the pattern matches (`?` one character, `*` any run).
    case wildcard(String, field: String?, column: Int)
    /// `word~` (edits chosen by the word's length) or `word~N`: the spellings within N edits.
    case fuzzy(String, edits: Int?, field: String?, column: Int)
    /// `*:*` or `*`: every document, each with the same score (Lucene's MatchAllDocsQuery).
    case all(column: Int)
    /// All required (implicit AND); `not` children exclude.
    case and([QueryNode])
    /// Any of them.
    case or([QueryNode])
    /// Excluded: `-word` or `NOT word`.
    indirect case not(QueryNode)
    /// `word^2`, `"a phrase"^0.5`, `(a OR b)^3`: the node's scores multiplied by the factor.
    indirect case boosted(QueryNode, Double)
}

/// A query the parser or planner cannot accept, with where.
public struct QueryError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var column: Int?

    public init(_ message: String, column: Int? = nil) {
        self.message = message
        self.column = column
    }

    public var description: String { column.map { "\(message) at column \($0)" } ?? message }
}
