import Indexer

/// A passage of a document with the query's words marked.
public struct Snippet: Sendable, Equatable {
    /// The passage, white space collapsed, `…` where it was cut.
    public var text: String
    /// UTF-8 byte ranges of `text` that matched the query.
    public var highlights: [Range<Int>]

    /// `text` with each highlight between `open` and `close`.
    public func marked(open: String = "[", close: String = "]") -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var position = 0
        for range in highlights {
            out.append(contentsOf: bytes[position..<range.lowerBound])
            out.append(contentsOf: open.utf8)
            out.append(contentsOf: bytes[range])
            out.append(contentsOf: close.utf8)
            position = range.upperBound
        }
        out.append(contentsOf: bytes[position...])
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
/// with offsets in the index). Otherwise (a title, a prefix with many expansions) the start of the
/// text is analysed, up to `maximumAnalyzedBytes` (Lucene's maxAnalyzedChars is 10,000 too), and
/// what the analyser says decides the highlights.
struct SnippetGenerator {
    var length = 160
    /// Context kept before the first match, in bytes.
    var lead = 30
    var maximumAnalyzedBytes = 10_000

    private var budget: Int { length + length / 8 }

    /// The snippet of a stored body whose matches are known: `matches` gives each match's position
    /// and term number, `text.tokens` where each position stands.
    func snippet(of text: StoredText, matches: MatchPositions) -> Snippet {
        let tokens = text.tokens
        guard tokens.count > 0 else { return Snippet(text: "", highlights: []) }
        let found = matches.matches.filter { Int($0.position) < tokens.count }
        let first = found.isEmpty ? 0 : passageStart(matchRanges: found.map { tokens[Int($0.position)] },
                                                     matchTerms: found.map(\.term), tokenCount: tokens.count) { tokens[$0] }
        let tokenIndices = found.map { Int($0.position) }
        return compose(text.bytes, first: first, tokenCount: tokens.count, range: { tokens[$0] },
                       matchedTokens: tokenIndices, moreAfter: false)
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
        let first = matched.isEmpty ? 0 : passageStart(matchRanges: matched.map { tokens[$0].range }, matchTerms: matchTerms,
                                                       tokenCount: tokens.count) { tokens[$0].range }
        // The tokens' ranges count from the region's start, which is the text's.
        return compose(utf8, first: first, tokenCount: tokens.count, range: { tokens[$0].range }, matchedTokens: matched,
                       moreAfter: region.upperBound < utf8.count)
    }

    /// The first token of the passage: a little before the window of `budget` bytes holding the most
    /// distinct matched terms, then the most matches (the earliest on ties). The matches come in text
    /// order, each with its byte range and its term's number.
    private func passageStart(matchRanges: [Range<Int>], matchTerms: [Int], tokenCount: Int, range: (Int) -> Range<Int>) -> Int {
        var counts = [Int](repeating: 0, count: (matchTerms.max() ?? 0) + 1)
        var distinct = 0
        var best: (distinct: Int, total: Int, first: Int)?
        var low = 0
        for high in matchRanges.indices {
            counts[matchTerms[high]] += 1
            if counts[matchTerms[high]] == 1 { distinct += 1 }
            while matchRanges[high].upperBound - matchRanges[low].lowerBound > budget - lead {
                counts[matchTerms[low]] -= 1
                if counts[matchTerms[low]] == 0 { distinct -= 1 }
                low += 1
            }
            if best.map({ distinct > $0.distinct || (distinct == $0.distinct && high - low + 1 > $0.total) }) ?? true {
                best = (distinct, high - low + 1, low)
            }
        }
        // Back from the window's first match to the first token within `lead` bytes before it.
        let earliest = matchRanges[best!.first].lowerBound - lead
        var first = 0, after = tokenCount
        while first < after {
            let middle = (first + after) / 2
            if range(middle).lowerBound < earliest { first = middle + 1 } else { after = middle }
        }
        return min(first, tokenCount - 1)
    }

    /// The passage from token `first` to the last token within `budget` bytes of its start, white
    /// space collapsed, `…` where the text goes on, the matched tokens inside highlighted.
    private func compose(_ utf8: [UInt8], first: Int, tokenCount: Int, range: (Int) -> Range<Int>, matchedTokens: [Int],
                         moreAfter: Bool) -> Snippet {
        let start = range(first).lowerBound
        var last = first
        while last + 1 < tokenCount && range(last + 1).upperBound <= start + budget { last += 1 }
        let end = range(last).upperBound
        var out: [UInt8] = []
        out.reserveCapacity(end - start + 16)
        var highlights: [Range<Int>] = []
        let ellipsis = Array("…".utf8)
        if first > 0 { out.append(contentsOf: ellipsis + [0x20]) }
        var matchIndex = matchedTokens.firstIndex { $0 >= first } ?? matchedTokens.count
        var position = start
        var inSpace = false
        while position < end {
            while matchIndex < matchedTokens.count && range(matchedTokens[matchIndex]).lowerBound < position { matchIndex += 1 }
            if matchIndex < matchedTokens.count && matchedTokens[matchIndex] <= last && range(matchedTokens[matchIndex]).lowerBound == position {
                let match = range(matchedTokens[matchIndex])
                let from = out.count
                out.append(contentsOf: utf8[match])
                highlights.append(from..<out.count)
                position = match.upperBound
                matchIndex += 1
                inSpace = false
                continue
            }
            let byte = utf8[position]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                if !inSpace { out.append(0x20) }
                inSpace = true
            } else {
                out.append(byte)
                inSpace = false
            }
            position += 1
        }
        if last + 1 < tokenCount || moreAfter { out.append(contentsOf: [0x20] + ellipsis) }
        return Snippet(text: String(decoding: out, as: UTF8.self), highlights: highlights)
    }

    /// `range` shrunk to whole characters: never starting or ending inside a UTF-8 sequence.
    private func characterBoundaries(_ range: Range<Int>, in utf8: [UInt8]) -> Range<Int> {
        var start = range.lowerBound, end = range.upperBound
        while start < end && utf8[start] & 0xC0 == 0x80 { start += 1 }
        while end > start && end < utf8.count && utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return start..<end
    }
}
