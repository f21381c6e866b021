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

/// Picks the passage of about `length` characters with the most distinct query terms (then the most
/// matches), cut at word boundaries.
struct SnippetGenerator {
    var length = 160
    /// Context kept before the first match, in bytes.
    var lead = 30
    /// Only the start of a long document is analysed for its snippet (Lucene's maxAnalyzedChars is
    /// 10,000 too): a snippet's cost stays bounded whatever the document's length.
    var maximumAnalyzedBytes = 10_000

    func snippet(of document: String, terms: Set<String>, analyzer: FrenchAnalyzer) throws -> Snippet {
        var text = document
        if text.utf8.count > maximumAnalyzedBytes {
            // Cut at a character boundary at or below the limit.
            var end = text.utf8.index(text.utf8.startIndex, offsetBy: maximumAnalyzedBytes)
            while end > text.startIndex && !text.unicodeScalars.indices.contains(end) { end = text.utf8.index(before: end) }
            text = String(text[..<end])
        }
        let tokens = try analyzer.tokens(text)
        guard !tokens.isEmpty else { return Snippet(text: "", highlights: []) }
        let matched = tokens.indices.filter { terms.contains(tokens[$0].term) }
        let budget = length + length / 8

        // The window [first token, limit): the best start among the matches.
        var first = 0
        if !matched.isEmpty {
            var best: (distinct: Int, total: Int)? = nil
            for candidate in matched {
                let earliest = tokens[candidate].range.lowerBound - lead
                var start = candidate
                while start > 0 && tokens[start - 1].range.lowerBound >= earliest { start -= 1 }
                let limit = tokens[start].range.lowerBound + budget
                let inside = matched.filter { $0 >= start && tokens[$0].range.upperBound <= limit }
                let value = (Set(inside.map { tokens[$0].term }).count, inside.count)
                if best.map({ value.0 > $0.distinct || (value.0 == $0.distinct && value.1 > $0.total) }) ?? true {
                    best = value
                    first = start
                }
            }
        }
        let start = tokens[first].range.lowerBound
        var last = first
        while last + 1 < tokens.count && tokens[last + 1].range.upperBound <= start + budget { last += 1 }
        let end = tokens[last].range.upperBound

        let utf8 = Array(text.utf8)
        var out: [UInt8] = []
        var highlights: [Range<Int>] = []
        let ellipsis = Array("…".utf8)
        if first > 0 { out.append(contentsOf: ellipsis + [0x20]) }
        var matchIndex = matched.firstIndex { $0 >= first } ?? matched.count
        var position = start
        var inSpace = false
        while position < end {
            if matchIndex < matched.count && tokens[matched[matchIndex]].range.lowerBound == position && matched[matchIndex] <= last {
                let range = tokens[matched[matchIndex]].range
                let from = out.count
                out.append(contentsOf: utf8[range])
                highlights.append(from..<out.count)
                position = range.upperBound
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
        if last + 1 < tokens.count { out.append(contentsOf: [0x20] + ellipsis) }
        return Snippet(text: String(decoding: out, as: UTF8.self), highlights: highlights)
    }
}
