import Indexer

/// The words of texts that match the query, as the snippet marks the body's (a phrase's words only
/// where the phrase occurs), from the texts' analysis: the hits' titles (a few words; the index keeps
/// the words' offsets for bodies only), and the fields of a document shown whole (`Searcher.highlight`).
struct TextHighlighter {
    /// The highlighted terms, in the order that numbers them for `HighlightFilter`.
    let terms: [String]
    /// Their numbers by term, for the queries with many (a prefix's).
    private let numbers: [String: Int]
    private let filter: HighlightFilter?
    /// Some of the terms are exact forms (`=word`), which a token matches by its surface.
    private let exactForms: Bool

    /// For the texts of `field`: the words searched there.
    init(planner: QueryPlanner, field: Int) {
        let terms = planner.distinctHighlightTerms(in: field)
        self.init(terms: terms, filter: planner.highlightFilter(in: field, terms: terms))
    }

    /// `terms` wherever they occur, but those of `filter`'s phrases.
    init(terms: [String], filter: HighlightFilter? = nil) {
        self.terms = terms
        var numbers: [String: Int] = [:]
        if terms.count > Self.termsScanned { for (number, term) in terms.enumerated() { numbers[term] = number } }
        self.numbers = numbers
        self.filter = filter
        exactForms = terms.contains(where: ExactForm.isExact)
    }

    /// Up to this many terms, a token's is compared with each: most terms are small strings, whose
    /// comparison costs less than hashing one.
    private static let termsScanned = 8

    /// Whether some of the words are a phrase's, highlighted only where it occurs.
    var filtersPhrases: Bool { filter != nil }

    /// The number of `term` if it is highlighted.
    func number(of term: String) -> Int? {
        terms.count > Self.termsScanned ? numbers[term] : terms.firstIndex(of: term)
    }

    /// Removes from `matches` (a text's, as `MatchPositions` makes them with this highlighter's
    /// numbers, sorted) those of phrases outside every occurrence of their phrase. `keepingAllWhenNone`
    /// as `HighlightFilter.apply` takes it.
    func filter(_ matches: inout [UInt64], keepingAllWhenNone: Bool) {
        filter?.apply(to: &matches, from: 0, keepingAllWhenNone: keepingAllWhenNone)
    }

    /// For each text, the UTF-8 byte ranges of its matching words. The texts are analysed as one, a
    /// line each: one call to the analyzer costs less than the words of a title.
    func highlights(of texts: [String], analyzer: FrenchAnalyzer) throws -> [[Range<Int>]] {
        var result = [[Range<Int>]](repeating: [], count: texts.count)
        guard !terms.isEmpty else { return result }
        var starts: [Int] = []
        var joined = ""
        for text in texts {
            starts.append(joined.utf8.count)
            joined += text + "\n"
        }
        // Per text: its matches, and each matching word's position and range in the text.
        var matches = [[UInt64]](repeating: [], count: texts.count)
        var words = [[(position: Int, range: Range<Int>)]](repeating: [], count: texts.count)
        var text = 0
        try analyzer.analyze(joined, joiningCompounds: true) { token in
            guard let number = number(of: token.term) ?? (exactForms ? number(of: ExactForm.term(token.surface)) : nil) else { return }
            while text + 1 < starts.count && token.range.lowerBound >= starts[text + 1] { text += 1 }
            let start = starts[text]
            matches[text].append(MatchPositions.match(position: UInt32(token.position), term: number))
            words[text].append((token.position, (token.range.lowerBound - start)..<(token.range.upperBound - start)))
        }
        for index in texts.indices where !words[index].isEmpty {
            guard filter != nil else {
                result[index] = Self.merged(words[index].map(\.range), in: texts[index])
                continue
            }
            matches[index].sort()
            filter(&matches[index], keepingAllWhenNone: false)
            let kept = Set(matches[index].map(MatchPositions.position))
            result[index] = Self.merged(words[index].filter { kept.contains($0.position) }.map(\.range), in: texts[index])
        }
        return result
    }

    /// In order, without overlaps: a compound's joined form (`entête` found in `en-tête`) comes after
    /// its words, and covers them. Words joined by a hyphen, both matching (`Clichy-sous-Bois`), are
    /// one highlight, as in a snippet.
    private static func merged(_ ranges: [Range<Int>], in text: String) -> [Range<Int>] {
        func joined(_ first: Range<Int>, _ next: Range<Int>) -> Bool {
            if next.lowerBound < first.upperBound { return true }
            guard next.lowerBound - first.upperBound <= 3 else { return false }
            return text.utf8.withContiguousStorageIfAvailable { utf8 in
                FrenchAnalyzer.isHyphen(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[first.upperBound..<next.lowerBound]))
            } ?? false
        }
        guard zip(ranges, ranges.dropFirst()).contains(where: joined) else { return ranges }
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, joined(last, range) {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }
}
