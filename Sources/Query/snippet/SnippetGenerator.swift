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
/// With the matches' positions from the index, the passage is chosen among them first, and only the
/// text around it is analysed (found by `WordCounter`, with a margin for its drift): what the analyser
/// says there decides the highlights. Without them (a title, a prefix with many expansions), the
/// start of the document is analysed, up to `maximumAnalyzedBytes` (Lucene's maxAnalyzedChars is
/// 10,000 too).
struct SnippetGenerator {
    var length = 160
    /// Context kept before the first match, in bytes.
    var lead = 30
    var maximumAnalyzedBytes = 10_000

    /// Words analysed on each side of the passage: WordCounter and the analyser may disagree by a word
    /// every few hundred (a test holds it to this on every document of the bundled corpus).
    static func margin(atWord word: Int) -> Int { 6 + word / 64 }

    /// Positions a passage spans, about: `length` bytes of words and the spaces between them.
    private var windowWords: Int { max(8, length / 8) }

    func snippet(of document: String, terms: Set<String>, analyzer: FrenchAnalyzer, matches: MatchPositions? = nil) throws -> Snippet {
        try snippet(of: Array(document.utf8), terms: terms, analyzer: analyzer, matches: matches)
    }

    /// The snippet of a document given as UTF-8 bytes (a stored field read without a string): the
    /// passage is decoded on its own, any invalid sequence replaced.
    func snippet(of utf8: [UInt8], terms: Set<String>, analyzer: FrenchAnalyzer, matches: MatchPositions? = nil) throws -> Snippet {
        var region = 0..<min(utf8.count, maximumAnalyzedBytes)
        if let focus = matches.flatMap(bestWindow) {
            let margin = Self.margin(atWord: Int(focus))
            let first = max(Int(focus) - margin, 0)
            let last = Int(focus) + windowWords + margin
            utf8.withUnsafeBufferPointer { bytes in
                let (start, end) = WordCounter.offsets(ofWords: first, last, in: bytes)
                region = start..<min(max(end, start + length * 2), utf8.count)
            }
        }
        region = characterBoundaries(region, in: utf8)
        let text = String(decoding: utf8[region], as: UTF8.self)
        let tokens = try analyzer.tokens(text)
        guard !tokens.isEmpty else { return Snippet(text: "", highlights: []) }
        let matched = tokens.indices.filter { terms.contains(tokens[$0].term) }
        let budget = length + length / 8
        let first = bestStart(tokens: tokens, matched: matched, budget: budget)

        let start = tokens[first].range.lowerBound
        var last = first
        while last + 1 < tokens.count && tokens[last + 1].range.upperBound <= start + budget { last += 1 }
        let end = tokens[last].range.upperBound

        // The tokens' ranges count from the region's start.
        let base = region.lowerBound
        var out: [UInt8] = []
        var highlights: [Range<Int>] = []
        let ellipsis = Array("…".utf8)
        if first > 0 || region.lowerBound > 0 { out.append(contentsOf: ellipsis + [0x20]) }
        var matchIndex = matched.firstIndex { $0 >= first } ?? matched.count
        var position = start
        var inSpace = false
        while position < end {
            if matchIndex < matched.count && tokens[matched[matchIndex]].range.lowerBound == position && matched[matchIndex] <= last {
                let range = tokens[matched[matchIndex]].range
                let from = out.count
                out.append(contentsOf: utf8[(base + range.lowerBound)..<(base + range.upperBound)])
                highlights.append(from..<out.count)
                position = range.upperBound
                matchIndex += 1
                inSpace = false
                continue
            }
            let byte = utf8[base + position]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                if !inSpace { out.append(0x20) }
                inSpace = true
            } else {
                out.append(byte)
                inSpace = false
            }
            position += 1
        }
        if last + 1 < tokens.count || region.upperBound < utf8.count { out.append(contentsOf: [0x20] + ellipsis) }
        return Snippet(text: String(decoding: out, as: UTF8.self), highlights: highlights)
    }

    /// The position where the best window of matches starts: most distinct terms, then most matches,
    /// then earliest. Nil without matches.
    private func bestWindow(_ positions: MatchPositions) -> UInt32? {
        let matches = positions.matches
        guard !matches.isEmpty else { return nil }
        // Terms are numbered from 0 (a few dozen at most): counts in an array, not a dictionary.
        var counts = [Int](repeating: 0, count: (matches.map(\.term).max() ?? 0) + 1)
        var distinct = 0
        var best: (distinct: Int, total: Int, start: UInt32)?
        var low = 0
        for high in matches.indices {
            counts[matches[high].term] += 1
            if counts[matches[high].term] == 1 { distinct += 1 }
            while matches[high].position - matches[low].position >= UInt32(windowWords) {
                let term = matches[low].term
                counts[term] -= 1
                if counts[term] == 0 { distinct -= 1 }
                low += 1
            }
            let value = (distinct, high - low + 1)
            if best.map({ value.0 > $0.distinct || (value.0 == $0.distinct && value.1 > $0.total) }) ?? true {
                best = (value.0, value.1, matches[low].position)
            }
        }
        return best?.start
    }

    /// The first token of the passage: a little before the window of `budget` bytes holding the most
    /// distinct matched terms, then the most matches (the earliest on ties); the first token without
    /// matches.
    private func bestStart(tokens: [Token], matched: [Int], budget: Int) -> Int {
        guard !matched.isEmpty else { return 0 }
        var counts: [String: Int] = [:]
        var best: (distinct: Int, total: Int, first: Int)?
        var low = 0
        for high in matched.indices {
            counts[tokens[matched[high]].term, default: 0] += 1
            while tokens[matched[high]].range.upperBound - tokens[matched[low]].range.lowerBound > budget - lead {
                let term = tokens[matched[low]].term
                counts[term]! -= 1
                if counts[term] == 0 { counts[term] = nil }
                low += 1
            }
            let value = (counts.count, high - low + 1)
            if best.map({ value.0 > $0.distinct || (value.0 == $0.distinct && value.1 > $0.total) }) ?? true {
                best = (value.0, value.1, matched[low])
            }
        }
        var first = best!.first
        let earliest = tokens[first].range.lowerBound - lead
        while first > 0 && tokens[first - 1].range.lowerBound >= earliest { first -= 1 }
        return first
    }

    /// `range` shrunk to whole characters: never starting or ending inside a UTF-8 sequence.
    private func characterBoundaries(_ range: Range<Int>, in utf8: [UInt8]) -> Range<Int> {
        var start = range.lowerBound, end = range.upperBound
        while start < end && utf8[start] & 0xC0 == 0x80 { start += 1 }
        while end > start && end < utf8.count && utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return start..<end
    }
}
