import Indexer

/// The words of the hits' titles that match the query, as the snippet marks the body's (a phrase's
/// words only where the phrase occurs), from the titles' analysis: titles are a few words, and the
/// index keeps the words' offsets for bodies only.
struct TitleHighlighter {
    /// The highlighted terms, in the order that numbers them for `HighlightFilter`.
    private let terms: [String]
    /// Their numbers by term, for the queries with many (a prefix's).
    private let numbers: [String: Int]
    private let filter: HighlightFilter?

    init(planner: QueryPlanner) {
        terms = planner.distinctHighlightTerms
        var numbers: [String: Int] = [:]
        if terms.count > Self.termsScanned { for (number, term) in terms.enumerated() { numbers[term] = number } }
        self.numbers = numbers
        filter = planner.highlightedPhrases.isEmpty ? nil
            : HighlightFilter(terms: terms, free: planner.freeHighlightTerms, phrases: planner.highlightedPhrases)
    }

    /// Up to this many terms, a token's is compared with each: most terms are small strings, whose
    /// comparison costs less than hashing one.
    private static let termsScanned = 8

    private func number(of term: String) -> Int? {
        terms.count > Self.termsScanned ? numbers[term] : terms.firstIndex(of: term)
    }

    /// For each title, the UTF-8 byte ranges of its matching words. The titles are analysed as one
    /// text, a line each: one call to the analyzer costs less than the words of a title.
    func highlights(of titles: [String], analyzer: FrenchAnalyzer) throws -> [[Range<Int>]] {
        var result = [[Range<Int>]](repeating: [], count: titles.count)
        guard !terms.isEmpty else { return result }
        var starts: [Int] = []
        var text = ""
        for title in titles {
            starts.append(text.utf8.count)
            text += title + "\n"
        }
        // Per title: its matches, and each matching word's position and range in the title.
        var matches = [[UInt64]](repeating: [], count: titles.count)
        var words = [[(position: Int, range: Range<Int>)]](repeating: [], count: titles.count)
        var title = 0
        try analyzer.analyze(text) { token in
            guard let number = number(of: token.term) else { return }
            while title + 1 < starts.count && token.range.lowerBound >= starts[title + 1] { title += 1 }
            let start = starts[title]
            matches[title].append(MatchPositions.match(position: UInt32(token.position), term: number))
            words[title].append((token.position, (token.range.lowerBound - start)..<(token.range.upperBound - start)))
        }
        for index in titles.indices where !words[index].isEmpty {
            guard let filter else {
                result[index] = words[index].map(\.range)
                continue
            }
            matches[index].sort()
            filter.apply(to: &matches[index], from: 0, keepingAllWhenNone: false)
            let kept = Set(matches[index].map(MatchPositions.position))
            result[index] = words[index].filter { kept.contains($0.position) }.map(\.range)
        }
        return result
    }
}
