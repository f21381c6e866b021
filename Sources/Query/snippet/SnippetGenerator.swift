import Indexer

/// A passage of a document with the query's words marked.
public struct Snippet: Sendable, Equatable {
    /// The passage as UTF-8, white space collapsed, `…` where it was cut. It is cut at the analyser's
    /// token boundaries from a body the indexer stored as valid text: a reader that checked the index's
    /// checksums (searchd does) may write these bytes as they are; `text` repairs anything else.
    public var utf8: [UInt8]
    /// UTF-8 byte ranges of the passage that matched the query.
    public var highlights: [Range<Int>]

    public init(text: String, highlights: [Range<Int>]) {
        utf8 = Array(text.utf8)
        self.highlights = highlights
    }

    init(utf8: [UInt8], highlights: [Range<Int>]) {
        self.utf8 = utf8
        self.highlights = highlights
    }

    /// The passage.
    public var text: String { String(decoding: utf8, as: UTF8.self) }

    /// The passage with each highlight between `open` and `close`.
    public func marked(open: String = "[", close: String = "]") -> String {
        var out: [UInt8] = []
        var position = 0
        for range in highlights {
            out.append(contentsOf: utf8[position..<range.lowerBound])
            out.append(contentsOf: open.utf8)
            out.append(contentsOf: utf8[range])
            out.append(contentsOf: close.utf8)
            position = range.upperBound
        }
        out.append(contentsOf: utf8[position...])
        return String(decoding: out, as: UTF8.self)
    }
}

/// Where the query's words stand in the bodies of a page of hits, from the positions in the index:
/// each match as `position << 32 | term number`, so that sorting the integers sorts the matches by
/// position. One array holds every hit's matches, hit after hit: a page costs one allocation, not one a hit.
struct MatchPositions {
    /// The terms, by the numbers the matches give them.
    var terms: [String]
    var matches: [UInt64]
    /// Hit `i`'s matches are `matches[bounds[2i]..<bounds[2i + 1]]`, sorted.
    var bounds: [Int]

    func withMatches<Result>(of hit: Int, _ body: (UnsafeBufferPointer<UInt64>) throws -> Result) rethrows -> Result {
        try matches.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[bounds[2 * hit]..<bounds[2 * hit + 1]])) }
    }

    static func match(position: UInt32, term: Int) -> UInt64 { UInt64(position) << 32 | UInt64(term) }
    @inline(__always) static func position(_ match: UInt64) -> Int { Int(match >> 32) }
    @inline(__always) static func term(_ match: UInt64) -> Int { Int(match & 0xFFFF_FFFF) }
}

/// Tells whether the matches at a word followed by a hyphen and another word are of the two as one
/// (`entête` found in `en-tête`: the index holds that term at the first word's position).
struct CompoundMatcher {
    /// The highlighted terms, by the numbers the matches give them.
    let terms: [String]
    let analyzer: FrenchAnalyzer
    /// Each compound's term number (or none) once analysed: the hits of a page share many.
    private var known: [[UInt8]: Int?] = [:]

    init(terms: [String], analyzer: FrenchAnalyzer) {
        self.terms = terms
        self.analyzer = analyzer
    }

    /// `compound`: the two words and the hyphen between; `firstLength`: the first word's bytes;
    /// `matched`: the matches at the first word.
    mutating func coversBoth(_ compound: UnsafeRawBufferPointer, firstLength: Int, matched: UnsafeBufferPointer<UInt64>) -> Bool {
        // A word's own term is never longer than the word (Snowball takes endings off, folding keeps or
        // shortens): only a longer term may be the compound's, which spares most matches the analysis.
        // (A compound's term no longer than its first word, as `flèche-bas`'s, 2 of 3,436 in frdocs,
        // is then highlighted on its first word alone.)
        guard matched.contains(where: { terms[MatchPositions.term($0)].utf8.count > firstLength }) else { return false }
        // Then the longer term is the compound's in practice; whether it is, is what is asked.
        let key = Array(compound)
        let number: Int?
        if let cached = known[key] {
            number = cached
        } else {
            let joined = try? analyzer.tokens(String(decoding: compound, as: UTF8.self), joiningCompounds: true).last
            number = joined.flatMap { $0.span == 2 ? terms.firstIndex(of: $0.term) : nil }
            known[key] = number
        }
        return matched.contains { MatchPositions.term($0) == number }
    }
}

/// Picks the passage of about `length` characters with the most distinct query terms (then the most
/// matches), cut at word boundaries.
///
/// A body comes with its tokens' offsets from the store and the matches' positions from the index:
/// the passage and its highlights are read off them, with no analysis (as Lucene's highlighters do
/// with offsets in the index); only the matches' offsets and those around the passage are decoded.
/// Otherwise (a title, a prefix with many expansions) the start of the text is analysed, up to
/// `maximumAnalyzedBytes` (Lucene's maxAnalyzedChars is 10,000 too), and what the analyser says
/// decides the highlights.
struct SnippetGenerator {
    var length = 160
    /// Context kept before the first match, in bytes.
    var lead = 30
    var maximumAnalyzedBytes = 10_000

    /// The passage's token offsets, kept from one snippet to the next: the space a passage needs is
    /// over what Swift puts on the stack, and a search makes one generator for all its hits.
    private var window: [UInt32] = []

    init(length: Int = 160) { self.length = length }

    private var budget: Int { length + length / 8 }
    private static let usualLeadTokens = 8
    private static let lastTokens = 24, endLeadTokens = 40

    /// The snippet of a stored body whose matches are known: `all` gives each match's position and
    /// term number (as `MatchPositions` does), sorted, `text.tokens` where each position stands.
    /// `compounds` tells the matches of two words joined by a hyphen as one (`entête` found in
    /// `en-tête`), which cover both.
    mutating func snippet(of text: StoredText, matches all: UnsafeBufferPointer<UInt64>,
                          compounds: inout CompoundMatcher) throws -> Snippet {
        let tokens = text.tokens
        guard tokens.count > 0 else { return Snippet(utf8: [], highlights: []) }
        var kept = all.count
        while kept > 0 && MatchPositions.position(all[kept - 1]) >= tokens.count { kept -= 1 }
        let found = UnsafeBufferPointer(rebasing: all[..<kept])
        // Each match's `start, end` in the text.
        let anchor = try withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 2 * found.count) { ranges in
            var read = 0
            try tokens.withCursor { cursor in
                for match in found {
                    try cursor.skip(to: MatchPositions.position(match))
                    guard let range = try cursor.next() else { break }
                    ranges[2 * read] = UInt32(truncatingIfNeeded: range.lowerBound)
                    ranges[2 * read + 1] = UInt32(truncatingIfNeeded: range.upperBound)
                    read += 1
                }
            }
            guard read > 0 else { return 0 }
            return MatchPositions.position(found[bestWindow(UnsafeBufferPointer(rebasing: ranges[..<(2 * read)]), terms: found)])
        }
        // The passage starts at most `lead` bytes before the anchor, so at most `lead` tokens; a few
        // usually do, and the window starts wider only when its first token is still within the lead,
        // or (at most `budget` tokens) when the passage reaches the text's end with budget to spare.
        // Every token takes a byte at least: the passage's tokens fit, but for damaged offsets.
        let widest = max(0, anchor - lead - 1), widestToTheEnd = max(0, anchor - budget - 1)
        // Moved out for the call, so that reading `self` inside does not overlap writing it.
        var window: [UInt32] = []
        swap(&window, &self.window)
        defer { swap(&window, &self.window) }
        // Sized for the widest window (anchor - from ≤ max(lead, budget) + 1, whichever way it widens)
        // once, not for each passage. Left uninitialized: only what a read writes is read.
        let capacity = 2 * (max(lead, budget) + 1 + budget + 2)
        if window.count < capacity {
            window = [UInt32](unsafeUninitializedCapacity: capacity) { _, count in count = capacity }
        }
        return try window.withUnsafeMutableBufferPointer { space in
            func readWindow(from: Int) throws -> UnsafeBufferPointer<UInt32> {
                let count = try tokens.withCursor { cursor in
                    try cursor.skip(to: from)
                    // Within the buffer whatever the sizes: a release build does not check the slice.
                    return try cursor.read(into: UnsafeMutableBufferPointer(rebasing: space[..<min(space.count, 2 * (anchor - from + budget + 2))]),
                                           through: anchor, budget: budget)
                }
                return UnsafeBufferPointer(rebasing: space[..<count])
            }
            // A match among a text's last tokens usually has a passage that reaches its end: a window
            // as wide as the budget usually needs then (never wider than the widest), rather than a
            // second read.
            let endLead = min(Self.endLeadTokens, budget + 1)
            var from = max(0, anchor - (tokens.count - anchor <= Self.lastTokens ? endLead : Self.usualLeadTokens))
            var window = try readWindow(from: from)
            if from > 0, anchor - from < window.count / 2 {
                if from + window.count / 2 == tokens.count, Int(window[0]) > Int(window[window.count - 1]) - budget {
                    from = widestToTheEnd
                    window = try readWindow(from: from)
                } else if Int(window[0]) >= Int(window[2 * (anchor - from)]) - lead {
                    from = widest
                    window = try readWindow(from: from)
                }
            }
            return text.withUnsafeBytes { utf8 in
                compose(utf8, window: window, from: from, anchor: anchor, tokenCount: tokens.count, matches: found, moreAfter: false,
                        compounds: &compounds)
            }
        }
    }

    /// The snippet of a text from its analysis: the words `marks` highlights are the matches (a
    /// phrase's where the phrase occurs, all of them where it does not).
    func snippet(of text: String, marks: TextHighlighter, analyzer: FrenchAnalyzer) throws -> Snippet {
        try snippet(of: [(text, marks)], separator: "", analyzer: analyzer)
    }

    /// The snippet of texts shown joined by `separator` (a document's fields), each with the words of
    /// its own `marks`.
    func snippet(of parts: [(text: String, marks: TextHighlighter)], separator: String, analyzer: FrenchAnalyzer) throws -> Snippet {
        var document = ""
        var ends: [Int] = []
        for part in parts {
            if !document.isEmpty { document += separator }
            document += part.text
            ends.append(document.utf8.count)
        }
        // Every part's terms, each once, and each part's numbers among them.
        var terms: [String] = []
        var numbers: [String: Int] = [:]
        let numbersOfPart = parts.map { part in
            part.marks.terms.map { term in
                if let number = numbers[term] { return number }
                numbers[term] = terms.count
                terms.append(term)
                return terms.count - 1
            }
        }
        var part = 0
        // Per part, its matches in its own numbers, to keep a phrase's words where the phrase occurs.
        var matchesOfPart = [[UInt64]](repeating: [], count: parts.count)
        // Tokens come in the text's order (a compound's joined form at its first word, in the same part).
        return try snippet(of: document, terms: terms, analyzer: analyzer) { token in
            while part + 1 < ends.count && token.range.lowerBound >= ends[part] { part += 1 }
            guard let number = parts[part].marks.number(of: token.term) else { return nil }
            matchesOfPart[part].append(MatchPositions.match(position: UInt32(token.position), term: number))
            return numbersOfPart[part][number]
        } keeping: {
            guard parts.contains(where: \.marks.filtersPhrases) else { return nil }
            var kept = Set<UInt64>()
            for index in parts.indices where !matchesOfPart[index].isEmpty {
                matchesOfPart[index].sort()
                parts[index].marks.filter(&matchesOfPart[index], keepingAllWhenNone: true)
                for match in matchesOfPart[index] {
                    kept.insert(MatchPositions.match(position: UInt32(MatchPositions.position(match)),
                                                     term: numbersOfPart[index][MatchPositions.term(match)]))
                }
            }
            return kept
        }
    }

    /// The snippet of `document` from its analysis: `number` gives a token's number among `terms` when
    /// it matches, and `keeping`, once every token is seen, the matches to highlight (nil: all).
    private func snippet(of document: String, terms: [String], analyzer: FrenchAnalyzer, number: (Token) -> Int?,
                         keeping: () -> Set<UInt64>?) throws -> Snippet {
        let utf8 = Array(document.utf8)
        let region = characterBoundaries(0..<min(utf8.count, maximumAnalyzedBytes), in: utf8)
        var tokens: [Token] = []
        // Each matched token: a compound's joined form (`entête` in `en-tête`) matches at its first word.
        var matches: [UInt64] = []
        var ranges: [UInt32] = []
        try analyzer.analyze(String(decoding: utf8[region], as: UTF8.self), joiningCompounds: true) { token in
            if token.span == 1 { tokens.append(token) }
            guard let term = number(token) else { return }
            matches.append(MatchPositions.match(position: UInt32(token.position), term: term))
            // The tokens' ranges count from the region's start, which is the text's.
            ranges.append(UInt32(token.range.lowerBound))
            ranges.append(UInt32(token.range.upperBound))
        }
        guard !tokens.isEmpty else { return Snippet(utf8: [], highlights: []) }
        if let kept = keeping(), kept.count < matches.count {
            var count = 0
            for index in matches.indices where kept.contains(matches[index]) {
                matches[count] = matches[index]
                ranges[2 * count] = ranges[2 * index]
                ranges[2 * count + 1] = ranges[2 * index + 1]
                count += 1
            }
            matches.removeLast(matches.count - count)
            ranges.removeLast(ranges.count - 2 * count)
        }
        // A joined form comes after its words: the matches back in order of position.
        if zip(matches, matches.dropFirst()).contains(where: { MatchPositions.position($0) > MatchPositions.position($1) }) {
            let order = matches.indices.sorted { matches[$0] < matches[$1] }
            matches = order.map { matches[$0] }
            ranges = order.flatMap { [ranges[2 * $0], ranges[2 * $0 + 1]] }
        }
        var compounds = CompoundMatcher(terms: terms, analyzer: analyzer)
        return matches.withUnsafeBufferPointer { matches in
            let anchor = matches.isEmpty ? 0 : MatchPositions.position(matches[ranges.withUnsafeBufferPointer { bestWindow($0, terms: matches) }])
            // The words before the lead matter only when the passage can reach the text's end: not
            // with more than `budget` tokens after the anchor, since every token takes a byte.
            let from = max(0, anchor - (tokens.count - anchor > budget ? lead : budget) - 1)
            var window: [UInt32] = []
            for token in tokens[from..<min(tokens.count, anchor + budget + 2)] {
                window.append(UInt32(token.range.lowerBound))
                window.append(UInt32(token.range.upperBound))
            }
            return utf8.withUnsafeBytes { utf8 in
                window.withUnsafeBufferPointer { window in
                    compose(utf8, window: window, from: from, anchor: anchor, tokenCount: tokens.count, matches: matches,
                            moreAfter: region.upperBound < utf8.count, compounds: &compounds)
                }
            }
        }
    }

    /// Of the matches (in text order: each one's `start, end` in `ranges`, its term number in the low
    /// half of `terms`), the first of the window of `budget` bytes, less the lead, holding the most
    /// distinct terms, then the most matches (the earliest on ties).
    private func bestWindow(_ ranges: UnsafeBufferPointer<UInt32>, terms: UnsafeBufferPointer<UInt64>) -> Int {
        let count = ranges.count / 2
        var termCount = 0
        for index in 0..<count { termCount = max(termCount, MatchPositions.term(terms[index]) + 1) }
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: termCount) { counts in
            counts.initialize(repeating: 0)
            var distinct = 0
            var best: (distinct: Int, total: Int, first: Int) = (0, 0, 0)
            var low = 0
            for high in 0..<count {
                let term = MatchPositions.term(terms[high])
                counts[term] += 1
                if counts[term] == 1 { distinct += 1 }
                // A window holds its last match at least, however long (a word longer than the budget).
                while low < high && Int(ranges[2 * high + 1]) - Int(ranges[2 * low]) > budget - lead {
                    let old = MatchPositions.term(terms[low])
                    counts[old] -= 1
                    if counts[old] == 0 { distinct -= 1 }
                    low += 1
                }
                if distinct > best.distinct || (distinct == best.distinct && high - low + 1 > best.total) {
                    best = (distinct, high - low + 1, low)
                }
            }
            return best.first
        }
    }

    /// The passage: from the first token within `lead` bytes before token `anchor` to the last within
    /// `budget` bytes of its start, white space collapsed, `…` where the text goes on, the matched
    /// tokens inside highlighted (`matches`, by position in their high half). `window` holds `start,
    /// end` of the tokens from position `from` on (of `tokenCount` in all), enough to cover the passage.
    private func compose(_ utf8: UnsafeRawBufferPointer, window: UnsafeBufferPointer<UInt32>, from: Int, anchor: Int,
                         tokenCount: Int, matches: UnsafeBufferPointer<UInt64>, moreAfter: Bool,
                         compounds: inout CompoundMatcher) -> Snippet {
        let available = from + window.count / 2
        let bounds = window.baseAddress!
        let earliest = Int(bounds[2 * (anchor - from)]) - lead
        var first = anchor
        while first > from && Int(bounds[2 * (first - 1 - from)]) >= earliest { first -= 1 }
        // The match comes first when the lead leaves it no room (a short snippet, a long word).
        if Int(bounds[2 * (anchor - from) + 1]) - Int(bounds[2 * (first - from)]) > budget { first = anchor }
        let source = utf8.baseAddress!.assumingMemoryBound(to: UInt8.self)
        // The passage takes what is joined to its first word, as written (`l’économie`, `(CJS`), where
        // that keeps the anchor within the budget; the words after fill the rest.
        func attachedStart(of first: Int) -> Int {
            let start = Self.attachedStart(source, before: Int(bounds[2 * (first - from)]),
                                           gapStart: first == 0 ? 0 : first > from ? Int(bounds[2 * (first - 1 - from) + 1]) : nil,
                                           atTextStart: first == 0)
            return Int(bounds[2 * (anchor - from) + 1]) - start > budget ? Int(bounds[2 * (first - from)]) : start
        }
        var passageStart = attachedStart(of: first)
        // The last token ending within the budget (the first, at least): ends only grow, so a binary
        // search over the tokens after the first.
        var last = first, beyond = available
        while beyond &- last > 1 {
            let middle = last &+ (beyond &- last) >> 1
            if Int(bounds[2 &* (middle &- from) &+ 1]) <= passageStart &+ budget { last = middle } else { beyond = middle }
        }
        let lastEnd = Int(bounds[2 * (last - from) + 1])
        let atTextEnd = last + 1 == tokenCount && !moreAfter
        // Its last word's likewise (`ville.`, `fin !`), within the budget.
        var passageEnd = Self.attachedEnd(source, after: lastEnd, gapEnd: atTextEnd ? utf8.count : last + 1 < available ? Int(bounds[2 * (last + 1 - from)]) : nil,
                                          atTextEnd: atTextEnd)
        if passageEnd - passageStart > budget { passageEnd = lastEnd }
        // A passage that reaches the text's end gives the budget it has left to the words before: a
        // short text is shown whole, and a match near the end gets more of what leads to it.
        if atTextEnd {
            let leadFirst = first
            while first > from && passageEnd - Int(bounds[2 * (first - 1 - from)]) <= budget { first -= 1 }
            if first < leadFirst {
                passageStart = attachedStart(of: first)
                if passageEnd - passageStart > budget { passageStart = Int(bounds[2 * (first - from)]) }
            }
        }
        var matchIndex = 0
        while matchIndex < matches.count && MatchPositions.position(matches[matchIndex]) < first { matchIndex += 1 }
        var highlightCount = 0
        while matchIndex + highlightCount < matches.count && MatchPositions.position(matches[matchIndex + highlightCount]) <= last { highlightCount += 1 }
        let before = first > 0, after = last + 1 < tokenCount || moreAfter
        var highlights: [Range<Int>] = []
        highlights.reserveCapacity(highlightCount)
        // Collapsing white space only shrinks the text: the passage, two ellipses (3 bytes each) and
        // their spaces bound the output.
        let capacity = passageEnd - passageStart + 2 * 3 + 2
        let text = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, written in
            let out = buffer.baseAddress!
            var count = 0
            if before {
                // `…` in UTF-8, then a space.
                (out[0], out[1], out[2], out[3]) = (0xE2, 0x80, 0xA6, 0x20)
                count = 4
            }
            // The passage is copied whole, then its gaps are mended in place: white space collapsed to
            // one space, anything else (punctuation, an elided article) as written. Until a run of
            // white space shrinks it, every word is already where it belongs.
            let base = count
            (out + base).update(from: source + passageStart, count: passageEnd - passageStart)
            // Source byte `k` goes to `out[k + shift]`; each white-space byte dropped lowers the shift.
            // The arithmetic wraps: every index lies within the passage.
            let unshifted = base &- passageStart
            var shift = unshifted
            // The text between two words (or a word and the passage's end): white space collapsed to
            // one space, the rest as written.
            func mend(_ start: Int, _ end: Int) {
                // Mostly one space, already in place unless a gap before shrank.
                if end &- start == 1 && source[start] == 0x20 {
                    if shift != unshifted { out[start &+ shift] = 0x20 }
                    return
                }
                var inSpace = false
                for k in start..<end {
                    let byte = source[k]
                    if Self.isSpace(byte) {
                        if inSpace {
                            shift &-= 1
                        } else {
                            out[k &+ shift] = 0x20
                        }
                        inSpace = true
                    } else {
                        if shift != unshifted { out[k &+ shift] = byte }
                        inSpace = false
                    }
                }
            }
            var previousEnd = passageStart
            var nextMatch = highlightCount > 0 ? MatchPositions.position(matches[matchIndex]) : -1
            var entry = bounds + 2 &* (first &- from)
            // The last token a highlight covers: the second word of a compound matched as one.
            var covered = first &- 1
            for token in first...last {
                let tokenStart = Int(entry[0]), tokenEnd = Int(entry[1])
                entry += 2
                mend(previousEnd, tokenStart)
                let target = tokenStart &+ shift
                if shift != unshifted { (out + target).update(from: source + tokenStart, count: tokenEnd &- tokenStart) }
                if token == nextMatch {
                    // Two terms may stand at one position: a word, and the compound it starts as one word.
                    let atToken = matchIndex
                    while matchIndex < matches.count && MatchPositions.position(matches[matchIndex]) == token { matchIndex &+= 1 }
                    nextMatch = matchIndex < matches.count ? MatchPositions.position(matches[matchIndex]) : -1
                    if token > covered {
                        // Whether token `k` is joined to the one before by a hyphen (no white space: it
                        // lands at the same shift).
                        func hyphenBefore(_ k: Int) -> Bool {
                            let gapStart = Int(bounds[2 &* (k &- 1 &- from) &+ 1]), gapEnd = Int(bounds[2 &* (k &- from)])
                            return gapEnd >= gapStart && FrenchAnalyzer.isHyphen(UnsafeRawBufferPointer(start: source + gapStart, count: gapEnd &- gapStart))
                        }
                        covered = token
                        if token < last, hyphenBefore(token &+ 1),
                           compounds.coversBoth(UnsafeRawBufferPointer(start: source + tokenStart, count: Int(entry[1]) - tokenStart),
                                                firstLength: tokenEnd - tokenStart,
                                                matched: UnsafeBufferPointer(rebasing: matches[atToken..<matchIndex])) {
                            covered = token &+ 1
                        }
                        // The words joined on by hyphens that match too (`"l’en-tête"` typed with its
                        // hyphen, `Clichy-sous-Bois`) are one highlight, as the compound found whole is.
                        var ahead = matchIndex
                        while covered < last && hyphenBefore(covered &+ 1) {
                            while ahead < matches.count && MatchPositions.position(matches[ahead]) <= covered { ahead &+= 1 }
                            guard ahead < matches.count && MatchPositions.position(matches[ahead]) == covered &+ 1 else { break }
                            covered &+= 1
                        }
                        highlights.append(target..<(Int(bounds[2 &* (covered &- from) &+ 1]) &+ shift))
                    }
                }
                previousEnd = tokenEnd
            }
            mend(previousEnd, passageEnd)
            count = passageEnd &+ shift
            if after {
                (out[count], out[count + 1], out[count + 2], out[count + 3]) = (0x20, 0xE2, 0x80, 0xA6)
                count += 4
            }
            written = count
        }
        return Snippet(utf8: text, highlights: highlights)
    }

    /// Punctuation or an elided article joined to a passage's first or last word (`(CJS`,
    /// `l’économie`, `ville.`, `fin !` at the end of a text) comes with it, up to this many bytes:
    /// without it a passage reads `… CJS)` or loses a text's final stop.
    static let attachedBytes = 8

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// Where a passage whose first word starts at `wordStart` starts: at the text's start less its
    /// white space for the text's first word (`gapStart` 0), else after the last space of the gap from
    /// the word before (ending at `gapStart`); at the word itself when that is more than
    /// `attachedBytes`, when the gap holds no space (the word goes on one before it, as `sous` in
    /// `Clichy-sous-Bois`), or when the word before is not known (nil).
    private static func attachedStart(_ source: UnsafePointer<UInt8>, before wordStart: Int, gapStart: Int?, atTextStart: Bool) -> Int {
        guard let gapStart, gapStart <= wordStart else { return wordStart }
        var start = gapStart
        if atTextStart {
            while start < wordStart && isSpace(source[start]) { start += 1 }
            if wordStart - start <= attachedBytes { return start }
        }
        var space = wordStart
        while space > start && !isSpace(source[space - 1]) { space -= 1 }
        return space > start && wordStart - space <= attachedBytes ? space : wordStart
    }

    /// Where a passage whose last word ends at `wordEnd` ends: at the text's end less its white space
    /// when that word is the text's last (`gapEnd` the text's end), else before the first space of the
    /// gap to the next word (starting at `gapEnd`); at the word itself when that is more than
    /// `attachedBytes`, when the gap holds no space, or when the next word is not known (nil).
    private static func attachedEnd(_ source: UnsafePointer<UInt8>, after wordEnd: Int, gapEnd: Int?, atTextEnd: Bool) -> Int {
        guard let gapEnd, gapEnd >= wordEnd else { return wordEnd }
        var end = gapEnd
        if atTextEnd {
            while end > wordEnd && isSpace(source[end - 1]) { end -= 1 }
            if end - wordEnd <= attachedBytes { return end }
        }
        var space = wordEnd
        while space < end && !isSpace(source[space]) { space += 1 }
        return space < end && space - wordEnd <= attachedBytes ? space : wordEnd
    }

    /// `range` shrunk to whole characters: never starting or ending inside a UTF-8 sequence.
    private func characterBoundaries(_ range: Range<Int>, in utf8: [UInt8]) -> Range<Int> {
        var start = range.lowerBound, end = range.upperBound
        while start < end && utf8[start] & 0xC0 == 0x80 { start += 1 }
        while end > start && end < utf8.count && utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return start..<end
    }
}
