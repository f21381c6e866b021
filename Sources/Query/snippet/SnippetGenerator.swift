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

/// Where the query's words stand in a document's body, from the positions in the index: each match
/// as (position, which term), by position.
struct MatchPositions {
    var matches: [(position: UInt32, term: Int)]
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

    private var budget: Int { length + length / 8 }
    private static let usualLeadTokens = 8

    /// The snippet of a stored body whose matches are known: `matches` gives each match's position
    /// and term number, `text.tokens` where each position stands.
    func snippet(of text: StoredText, matches: MatchPositions) throws -> Snippet {
        let tokens = text.tokens
        guard tokens.count > 0 else { return Snippet(text: "", highlights: []) }
        var found = matches.matches
        while let last = found.last, Int(last.position) >= tokens.count { found.removeLast() }
        var starts: [Int] = [], ends: [Int] = []
        starts.reserveCapacity(found.count)
        ends.reserveCapacity(found.count)
        try tokens.withCursor { cursor in
            for match in found {
                try cursor.skip(to: Int(match.position))
                guard let range = try cursor.next() else { break }
                starts.append(range.lowerBound)
                ends.append(range.upperBound)
            }
        }
        let best = found.isEmpty ? nil : bestWindow(starts: starts, ends: ends, terms: found.map(\.term))
        let anchor = best.map { Int(found[$0].position) } ?? 0
        // The passage starts at most `lead` bytes before the anchor and ends at most `budget` bytes after.
        // The passage starts at most `lead` bytes before the anchor, so at most `lead` tokens; a few
        // usually do, and the window starts wider only when its first token is still within the lead.
        var from = max(0, anchor - Self.usualLeadTokens)
        var window: [UInt32] = []
        func readWindow() throws {
            // Every token takes a byte at least: the passage's tokens fit, but for damaged offsets.
            window = try [UInt32](unsafeUninitializedCapacity: 2 * (anchor - from + budget + 2)) { buffer, count in
                count = try tokens.withCursor { cursor in
                    try cursor.skip(to: from)
                    return try cursor.read(into: buffer, through: anchor, budget: budget)
                }
            }
        }
        try readWindow()
        if from > 0, anchor - from < window.count / 2, Int(window[0]) >= Int(window[2 * (anchor - from)]) - lead {
            from = max(0, anchor - lead - 1)
            try readWindow()
        }
        return text.withUnsafeBytes { utf8 in
            window.withUnsafeBufferPointer { window in
                compose(utf8, window: window, from: from, anchor: anchor, tokenCount: tokens.count,
                        matchedTokens: found.map { Int($0.position) }, moreAfter: false)
            }
        }
    }

    /// The snippet of a text from its analysis: the tokens whose term is one of `terms` are the matches.
    func snippet(of document: String, terms: Set<String>, analyzer: FrenchAnalyzer) throws -> Snippet {
        let utf8 = Array(document.utf8)
        let region = characterBoundaries(0..<min(utf8.count, maximumAnalyzedBytes), in: utf8)
        let tokens = try analyzer.tokens(String(decoding: utf8[region], as: UTF8.self))
        guard !tokens.isEmpty else { return Snippet(text: "", highlights: []) }
        var matched: [Int] = []
        // Each matched token's term, numbered in order of first appearance.
        var matchTerms: [Int] = []
        var seen: [String] = []
        for index in tokens.indices where terms.contains(tokens[index].term) {
            matched.append(index)
            if let known = seen.firstIndex(of: tokens[index].term) {
                matchTerms.append(known)
            } else {
                matchTerms.append(seen.count)
                seen.append(tokens[index].term)
            }
        }
        // The tokens' ranges count from the region's start, which is the text's.
        let anchor = matched.isEmpty ? 0 : matched[bestWindow(starts: matched.map { tokens[$0].range.lowerBound },
                                                              ends: matched.map { tokens[$0].range.upperBound }, terms: matchTerms)]
        let from = max(0, anchor - lead - 1)
        var window: [UInt32] = []
        for token in tokens[from..<min(tokens.count, anchor + budget + 2)] {
            window.append(UInt32(token.range.lowerBound))
            window.append(UInt32(token.range.upperBound))
        }
        return utf8.withUnsafeBytes { utf8 in
            window.withUnsafeBufferPointer { window in
                compose(utf8, window: window, from: from, anchor: anchor, tokenCount: tokens.count, matchedTokens: matched,
                        moreAfter: region.upperBound < utf8.count)
            }
        }
    }

    /// Of the matches (in text order: each one's byte range and term number), the first of the window
    /// of `budget` bytes, less the lead, holding the most distinct terms, then the most matches (the
    /// earliest on ties).
    private func bestWindow(starts: [Int], ends: [Int], terms: [Int]) -> Int {
        var counts = [Int](repeating: 0, count: (terms.max() ?? 0) + 1)
        var distinct = 0
        var best: (distinct: Int, total: Int, first: Int) = (0, 0, 0)
        var low = 0
        for high in starts.indices {
            counts[terms[high]] += 1
            if counts[terms[high]] == 1 { distinct += 1 }
            while ends[high] - starts[low] > budget - lead {
                counts[terms[low]] -= 1
                if counts[terms[low]] == 0 { distinct -= 1 }
                low += 1
            }
            if distinct > best.distinct || (distinct == best.distinct && high - low + 1 > best.total) {
                best = (distinct, high - low + 1, low)
            }
        }
        return best.first
    }

    /// The passage: from the first token within `lead` bytes before token `anchor` to the last within
    /// `budget` bytes of its start, white space collapsed, `…` where the text goes on, the matched
    /// tokens inside highlighted. `window` holds `start, end` of the tokens from position `from` on
    /// (of `tokenCount` in all), enough of them to cover the passage.
    private func compose(_ utf8: UnsafeRawBufferPointer, window: UnsafeBufferPointer<UInt32>, from: Int, anchor: Int,
                         tokenCount: Int, matchedTokens: [Int], moreAfter: Bool) -> Snippet {
        let available = from + window.count / 2
        func start(_ token: Int) -> Int { Int(window[2 * (token - from)]) }
        func end(_ token: Int) -> Int { Int(window[2 * (token - from) + 1]) }
        let earliest = start(anchor) - lead
        var first = anchor
        while first > from && start(first - 1) >= earliest { first -= 1 }
        let passageStart = start(first)
        var last = first
        while last + 1 < available && end(last + 1) <= passageStart + budget { last += 1 }
        var matchIndex = matchedTokens.firstIndex { $0 >= first } ?? matchedTokens.count
        var highlights: [Range<Int>] = []
        highlights.reserveCapacity(matchedTokens[matchIndex...].prefix { $0 <= last }.count)
        let before = first > 0, after = last + 1 < tokenCount || moreAfter
        // Collapsing white space only shrinks the text: the passage, two ellipses (3 bytes each) and
        // their spaces bound the output.
        let capacity = end(last) - passageStart + 2 * 3 + 2
        let text = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, written in
            let out = buffer.baseAddress!
            let source = utf8.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var count = 0
            // `…` in UTF-8.
            func ellipsis() {
                (out[count], out[count + 1], out[count + 2]) = (0xE2, 0x80, 0xA6)
                count += 3
            }
            if before {
                ellipsis()
                out[count] = 0x20
                count += 1
            }
            var previousEnd = passageStart
            var inSpace = false
            for token in first...last {
                // Between tokens: white space collapsed to one space, anything else (punctuation, an
                // elided article) as written.
                let tokenStart = start(token), tokenEnd = end(token)
                for k in previousEnd..<tokenStart {
                    let byte = source[k]
                    if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                        if !inSpace {
                            out[count] = 0x20
                            count += 1
                        }
                        inSpace = true
                    } else {
                        out[count] = byte
                        count += 1
                        inSpace = false
                    }
                }
                if matchIndex < matchedTokens.count && matchedTokens[matchIndex] == token {
                    highlights.append(count..<(count + tokenEnd - tokenStart))
                    matchIndex += 1
                }
                // Words are short: a byte loop beats a call to memcpy.
                for k in tokenStart..<tokenEnd {
                    out[count] = source[k]
                    count += 1
                }
                inSpace = false
                previousEnd = tokenEnd
            }
            if after {
                out[count] = 0x20
                count += 1
                ellipsis()
            }
            written = count
        }
        return Snippet(utf8: text, highlights: highlights)
    }

    /// `range` shrunk to whole characters: never starting or ending inside a UTF-8 sequence.
    private func characterBoundaries(_ range: Range<Int>, in utf8: [UInt8]) -> Range<Int> {
        var start = range.lowerBound, end = range.upperBound
        while start < end && utf8[start] & 0xC0 == 0x80 { start += 1 }
        while end > start && end < utf8.count && utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return start..<end
    }
}
