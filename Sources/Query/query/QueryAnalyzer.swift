import Indexer

/// One word of a query: the index terms it may match (more than one when its folded spelling was indexed
/// under several stems), its position in the query and where it stands in the query text.
public struct QueryWord: Equatable, Sendable {
    public var terms: [String]
    public var position: Int
    public var range: Range<Int>
}

/// Analyses query text exactly as the index analysed documents, then widens each word through the
/// index's lexicon so that accents and case typed or not reach the same terms.
public final class QueryAnalyzer {
    private let analyzer: FrenchAnalyzer
    public let lexicon: Lexicon

    public init(lexicon: Lexicon) throws {
        analyzer = try FrenchAnalyzer()
        self.lexicon = lexicon
    }

    public func words(_ text: String) throws -> [QueryWord] {
        try analyzer.tokens(text).map { token in
            QueryWord(terms: lexicon.terms(for: token), position: token.position, range: token.range)
        }
    }
}
