import Indexer

/// The words of a hit's title that match the query, as the snippet marks the body's (a phrase's words
/// only where the phrase occurs), from the title's analysis: titles are a few words, and the index
/// keeps the words' offsets for bodies only.
struct TitleHighlighter {
    /// Each highlighted term's number, as `HighlightFilter` numbers them.
    private let numbers: [String: Int]
    private let filter: HighlightFilter?

    init(planner: QueryPlanner) {
        let terms = planner.distinctHighlightTerms
        var numbers: [String: Int] = [:]
        for (number, term) in terms.enumerated() { numbers[term] = number }
        self.numbers = numbers
        filter = planner.highlightedPhrases.isEmpty ? nil
            : HighlightFilter(terms: terms, free: planner.freeHighlightTerms, phrases: planner.highlightedPhrases)
    }

    /// UTF-8 byte ranges of `title`'s matching words.
    func highlights(of title: String, analyzer: FrenchAnalyzer) throws -> [Range<Int>] {
        guard !numbers.isEmpty else { return [] }
        var matches: [UInt64] = []
        var words: [(position: Int, range: Range<Int>)] = []
        for token in try analyzer.tokens(title) {
            guard let number = numbers[token.term] else { continue }
            matches.append(MatchPositions.match(position: UInt32(token.position), term: number))
            words.append((token.position, token.range))
        }
        guard let filter, !matches.isEmpty else { return words.map(\.range) }
        matches.sort()
        filter.apply(to: &matches, from: 0, keepingAllWhenNone: false)
        let kept = Set(matches.map(MatchPositions.position))
        return words.filter { kept.contains($0.position) }.map(\.range)
    }
}
