import Indexer

/// A parsed query, before analysis: what the user typed, structured. Columns are 1-based character
/// positions in the query, for error messages. Only the cases that hold a node, and ranges (rare, and
/// larger than a word), are boxed: the words of a query cost no allocation each.
public enum QueryNode: Equatable, Sendable {
    /// A bare word: analysed into terms; several terms (`Clichy-sous-Bois`) make a phrase.
    case word(String, field: String?, column: Int)
    /// `=word` (Sphinx's exact form): the word as written, folded but not stemmed, in an index built
    /// with `--exact-words` (`ExactForm`); several words (`=Clichy-sous-Bois`) make a phrase. With
    /// `prefix` (`=écon*`, the text without its `*`), every form starting with it.
    case exact(String, field: String?, prefix: Bool = false, column: Int)
    /// `"exact phrase"`, or `"words near"~N` with `slop` N.
    case phrase(String, slop: Int?, field: String?, column: Int)
    /// `a ADJ/N b` (Xapian's ADJ): the words in this order, the first and the last at most
    /// `words - 1 + slop` positions apart (`"a b"~slop`, but in order).
    case adjacent(String, slop: Int, field: String?, column: Int)
    /// `"ligne de comm*"`: the phrase whose last word starts with the last word typed (Elasticsearch's
    /// match_phrase_prefix, Sphinx's prefixes in phrases); the text without its `*`.
    case phrasePrefix(String, field: String?, column: Int)
    /// `"a few words"/N` (Sphinx's quorum, Lucene's minimum should match): the documents holding at
    /// least `minimum` of the words (`quorumWords`), each word searched as a bare word is.
    case quorum(String, minimum: Int, field: String?, column: Int)
    /// `prefix*`
    case prefix(String, field: String?, column: Int)
    /// `econ?mie`, `organi*ation`: the spellings the pattern matches (`?` one character, `*` any run).
    case wildcard(String, field: String?, column: Int)
    /// `/joh?n(ath[oa]n)/`: the spellings the regular expression matches whole, compiled by the parser
    /// (where its errors' columns are known).
    indirect case regex(RegexPattern, field: String?, column: Int)
    /// `word~` (edits chosen by the word's length) or `word~N`: the spellings within N edits.
    case fuzzy(String, edits: Int?, field: String?, column: Int)
    /// `[2000 TO 2010]`, `{0 TO 5]`, `[10 TO *]`: the numbers within the bounds.
    indirect case range(NumberRange, field: String?, column: Int)
    /// `field:*`: every document with a word in the field, each with the same score (Lucene's
    /// FieldExistsQuery).
    case exists(field: String, column: Int)
    /// `field:=value`, `field:="a value"`: the documents holding exactly that value in the field, as
    /// facets count it (facets.fts), each with the same score (Lucene's drill-down on a facet value);
    /// with `prefix` (`path:=notes/*`), a value starting with it (Lucene's PrefixQuery on a keyword).
    case value(String, field: String, prefix: Bool, column: Int)
    /// `*:*` or `*`: every document, each with the same score (Lucene's MatchAllDocsQuery).
    case all(column: Int)
    /// The documents like the one with this id, itself left out (Lucene's MoreLikeThis): any of the
    /// terms that tell it apart (`SimilarTerms`). Not typed in a query: `fts search --like`, `SEARCH LIKE`.
    case similar(id: String)
    /// All required (implicit AND); `not` children exclude.
    case and([QueryNode])
    /// Any of them.
    case or([QueryNode])
    /// `a MAYBE b` (Sphinx's MAYBE, Xapian's AND_MAYBE): the documents `required` matches, the optional
    /// nodes' scores added where they match too; they add to the scores, never to the matches.
    indirect case maybe(QueryNode, optional: [QueryNode])
    /// Excluded: `-word` or `NOT word`.
    indirect case not(QueryNode)
    /// `word^2`, `"a phrase"^0.5`, `(a OR b)^3`: the node's scores multiplied by the factor.
    indirect case boosted(QueryNode, Double)
}

extension QueryNode {
    /// A proximity search: `"a b"~N`, `a NEAR/N b`, `a ADJ/N b`.
    var isProximity: Bool {
        switch self {
        case .phrase(_, .some, _, _), .adjacent: true
        default: false
        }
    }

    /// A quorum's words: its text split at spaces, each word once (in any case and with or without
    /// its accents: `Économie économie` is one word).
    public static func quorumWords(_ text: String) -> [String] {
        var seen = Set<String>()
        return text.split(whereSeparator: \.isWhitespace).map(String.init).filter { seen.insert(quorumKey($0)).inserted }
    }

    /// What tells a quorum's words apart: their spelling lowercased, without accents.
    static func quorumKey(_ word: String) -> String { Folding.removeAccents(Folding.lowercase(word)) }

    /// The UTF-8 byte ranges of the words of a phrase's, a quorum's or `NEAR`'s text that are exact
    /// forms: those starting with `=` (`"=économies sociales"`; the parser marks each word of
    /// `="…"` so), but for `=` alone. Words are parted by white space, as a quorum's are; most texts
    /// hold none.
    static func exactWords(in text: String) -> [Range<Int>] {
        guard holdsEquals(text) else { return [] }
        let utf8 = text.utf8
        return text.split(whereSeparator: \.isWhitespace).filter(isExactWord).map {
            utf8.distance(from: utf8.startIndex, to: $0.startIndex)..<utf8.distance(from: utf8.startIndex, to: $0.endIndex)
        }
    }

    /// Whether `text` holds a `=`, read as bytes: a generic walk over its UTF-8 view costs a phrase
    /// of two words 1% of its search.
    static func holdsEquals(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.contains(0x3D) } ?? text.utf8.contains(0x3D)
    }

    /// Whether a word of such a text is an exact word.
    static func isExactWord(_ word: some StringProtocol) -> Bool { word.hasPrefix("=") && word.contains { $0 != "=" } }

    /// A word of such a text without the `=`s that mark it exact.
    static func exactText(_ word: some StringProtocol) -> String { String(word.drop { $0 == "=" }) }
}

/// Bounds on numbers, as Lucene writes a range: each included (`[`, `]`), excluded (`{`, `}`) or open (`*`).
public struct NumberRange: Equatable, Sendable {
    public var lower: Double?
    public var upper: Double?
    public var includesLower: Bool
    public var includesUpper: Bool
    /// As typed, for explanations.
    public var text: String
    /// Bounds written as dates: instants in seconds since 1970, compared with a field's values.
    public var dates: Bool

    public init(lower: Double?, upper: Double?, includesLower: Bool, includesUpper: Bool, text: String, dates: Bool = false) {
        self.lower = lower
        self.upper = upper
        self.includesLower = includesLower
        self.includesUpper = includesUpper
        self.text = text
        self.dates = dates
    }

    public func contains(_ value: Double) -> Bool {
        if let lower, includesLower ? value < lower : value <= lower { return false }
        if let upper, includesUpper ? value > upper : value >= upper { return false }
        return true
    }

    /// The value of a number as the analyzer keeps it: digits, and a decimal part after one `,` (as
    /// French writes it) or `.` (`2024`, `2,5`, `1.5`); nil for any other term.
    public static func value(ofTerm term: some StringProtocol) -> Double? {
        var text = ""
        var before = 0, after = 0, separators = 0
        for character in term {
            switch character {
            case "0"..."9":
                if separators == 0 { before += 1 } else { after += 1 }
                text.append(character)
            case ",", ".":
                separators += 1
                text.append(".")
            default:
                return nil
            }
        }
        guard before > 0, separators == 0 || (separators == 1 && after > 0) else { return nil }
        return Double(text)
    }

    /// A bound as a query writes it: a number as `value(ofTerm:)` reads one, with a `-` for below zero,
    /// perhaps in groups of digits as the analyzer joins them (`1 500,5`).
    public static func value(ofBound text: some StringProtocol) -> Double? {
        let plain = withoutDigitGroups(text)
        guard plain.first == "-" else { return value(ofTerm: plain) }
        return value(ofTerm: plain.dropFirst()).map { -$0 }
    }

    /// `text` without the spaces between the groups of three digits of its integer part (`1 500,5` →
    /// `1500,5`; one space of any width between, the first group of 1 to 3 digits); as it is otherwise.
    static func withoutDigitGroups(_ text: some StringProtocol) -> String {
        var text = String(text)
        return text.withUTF8 { bytes in
            func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
            var index = bytes.first == 0x2D ? 1 : 0
            var groupStart = index
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
            var plain = Array(bytes[..<index])
            while let space = SortValue.digitGroupSpace(bytes, after: groupStart..<index) {
                groupStart = index + space
                index = groupStart + 3
                plain += bytes[groupStart..<index]
            }
            plain += bytes[index...]
            return String(decoding: plain, as: UTF8.self)
        }
    }
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
