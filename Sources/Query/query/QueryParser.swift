import Foundation
import Indexer

/// Parses the query language (docs/QUERY.md):
///
///     query   := clause+                      implicit AND
///     clause  := ("-" | "NOT") unit | unit     exclusion
///     unit    := any ("MAYBE" any)*            the first required, the others adding to its scores
///     any     := near ("OR" near)*             OR binds tighter than AND: `a b OR c` = `a (b OR c)`
///     near    := primary (("NEAR" | "NEAR/" N) primary)*   words within N positions (10): `"a b"~(N-1)`
///              | primary (("ADJ" | "ADJ/" N) primary)*     the same, in this order
///     primary := ("(" query ")" | [field ":"] atom | field ":" "(" query ")" | field ":=" value) ["^" boost]
///     atom    := ["="] '"' words '"' ["~" N | "/" N ["%"]] | '"' words "*" '"' | "=" word | word "*" | word "~" [N] | pattern | regex
///              | range | "*:*" | "*" | word                  `=`: exact words, as is a word `=word` between quotes
///     pattern := a word with `?` or `*` inside (wildcards)
///     regex   := "/" expression "/"          no `/` inside but as `\/`; the closing one ends the word
///     range   := ("[" | "{") bound "TO" bound ("]" | "}")     bound: a number, a date, now-7d/d or `*`
///     value   := '"' text '"' | text up to a space or ")"    a facet value, exactly; unquoted with a last `*`, its prefix
///
/// `AND` between clauses is accepted and changes nothing. A `\` takes the next character as text, in a
/// word (which is then a plain word) or a phrase.
public struct QueryParser: Sendable {
    /// Longest query accepted, in Unicode code points.
    public static let maximumLength = 1024
    /// Deepest nesting of parentheses.
    public static let maximumDepth = 16
    /// Largest slop of a proximity search.
    public static let maximumSlop = 64
    /// How far apart `NEAR` finds its words, in positions, without `/N` (Xapian's default).
    public static let defaultNearDistance = 10
    /// Most edits of a fuzzy word (as Lucene's FuzzyQuery: past two, nearly everything matches).
    public static let maximumEdits = 2
    /// Largest boost: far past any useful weighting, and far from making a score overflow.
    public static let maximumBoost = 10_000.0

    private enum Lexeme: Equatable {
        case word(String)
        /// `=word`: the word as written (`ExactForm`); `=word*`, the forms starting with it.
        case exact(String, prefix: Bool)
        case prefix(String)
        case wildcard(String)
        case regex(RegexPattern)
        case fuzzy(String, edits: Int?)
        case phrase(String, slop: Int?)
        case phrasePrefix(String)
        case quorum(String, minimum: Int)
        indirect case range(NumberRange)
        case value(String, prefix: Bool)
        case field(String)
        case all
        case boost(Double)
        /// `NEAR/N`, or `ADJ/N` (`ordered`): its distance, in positions.
        case near(Int, ordered: Bool)
        case open, close, minus, or, and, not, maybe

        /// `)`, `OR`, `AND`, `NEAR`, `ADJ` or `MAYBE`: what cannot begin an operand. (A switch, not `[...].contains`:
        /// an array literal of these would be allocated at every check.)
        var endsOperand: Bool {
            switch self {
            case .close, .or, .and, .near, .maybe: true
            default: false
            }
        }

        var isExclusion: Bool {
            switch self {
            case .minus, .not: true
            default: false
            }
        }
    }

    private struct Item {
        var lexeme: Lexeme
        var column: Int
    }

    /// The fields `title: mer` (with spaces after the colon) may name, folded as `FieldName.folded`.
    private let fields: Set<String>
    /// The time `now` stands for in a range's date math (`date:[now-7d TO now]`): the clock's, but in
    /// tests.
    var clock: @Sendable () -> Date = { Date() }

    /// `fields`: the index's searchable fields, which may be followed by spaces before what they apply
    /// to (`title: mer`, `Année: 2024`); any name may be followed directly by it (`title:mer`).
    public init(fields: Set<String> = []) {
        self.fields = Set(fields.map(FieldName.folded))
    }

    /// The query's tree. With `required` (what `--like` searches), the query only narrows it: it may
    /// be empty, or exclusions alone (`-vélo`).
    public func parse(_ query: String, beside required: QueryNode? = nil) throws -> QueryNode {
        var query = query
        var items = try query.withUTF8 { utf8 in
            guard Self.scalarCount(utf8) <= Self.maximumLength else {
                throw QueryError("query longer than \(Self.maximumLength) characters")
            }
            return try lex(utf8)
        }
        guard !items.isEmpty else {
            if let required { return required }
            throw QueryError("empty query")
        }
        var index = 0
        var node = try parseQuery(&items, &index, depth: 0)
        if let required {
            if case .and(let children) = node { node = .and([required] + children) } else { node = .and([required, node]) }
        }
        try checkNotOnlyExclusions(node)
        return node
    }

    // MARK: Lexing

    private static func isASCIIDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Whether a boost starts at `caret`: `^` and a digit, or a sign or a point before one. `^-1` and `^.5`
    /// are boosts mistyped or written short, not text (as `~-1` is a fuzzy word's).
    private static func startsBoost(_ utf8: UnsafeBufferPointer<UInt8>, at caret: Int) -> Bool {
        let i = caret + 1
        guard i < utf8.count, utf8[caret] == 0x5E else { return false }
        if isASCIIDigit(utf8[i]) { return true }
        var j = i
        if utf8[j] == 0x2D || utf8[j] == 0x2B { j += 1 }
        if j < utf8.count && utf8[j] == 0x2E { j += 1 }
        return j > i && j < utf8.count && isASCIIDigit(utf8[j])
    }

    /// The quoted words starting at `index`: their bytes, and where the closing quote ends. A `"` closes
    /// at the next `"` not escaped (none is an error); `«` at the next `»` and `“` at the next `”`, as
    /// French and English typography quote (and as phones type `"` in French), and with none they are
    /// punctuation, as they were; the spaces French typography puts inside them are left out. Nil when
    /// no quotes start there.
    private static func quoted(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int, column: Int) throws -> (text: Range<Int>, end: Int)? {
        let opening: Int, closing: (UInt8, UInt8, UInt8), closingLength: Int
        switch utf8[index] {
        case 0x22: (opening, closing, closingLength) = (1, (0x22, 0, 0), 1)
        case 0xC2 where index + 1 < utf8.count && utf8[index + 1] == 0xAB: (opening, closing, closingLength) = (2, (0xC2, 0xBB, 0), 2)  // « »
        case 0xE2 where index + 2 < utf8.count && utf8[index + 1] == 0x80 && utf8[index + 2] == 0x9C:
            (opening, closing, closingLength) = (3, (0xE2, 0x80, 0x9D), 3)  // “ ”
        default: return nil
        }
        var end = index + opening
        while end + closingLength <= utf8.count {
            if utf8[end] == closing.0 && (closingLength < 2 || utf8[end + 1] == closing.1) && (closingLength < 3 || utf8[end + 2] == closing.2) {
                var (first, last) = (index + opening, end)
                if opening > 1 {
                    while first < last && isSpace(utf8, at: first) { first += scalarLength(utf8, at: first) }
                    while last > first && isSpace(utf8, before: last) {
                        last -= 1
                        while utf8[last] & 0xC0 == 0x80 { last -= 1 }
                    }
                }
                return (first..<last, end + closingLength)
            }
            end += utf8[end] == 0x5C && end + 1 < utf8.count ? 2 : 1
        }
        guard closingLength > 1 else { throw QueryError("unbalanced quote", column: column) }
        return nil
    }

    /// Code points: every byte but UTF-8's continuation bytes starts one.
    private static func scalarCount(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        utf8.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }

    /// Bytes of the code point starting at `index` (the text is valid UTF-8: it comes from a String).
    private static func scalarLength(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        Bytes.sequenceLength(lead: utf8[index])
    }

    /// Whether a number closing a phrase's `~N`, a quorum's `/N`, a boost or a range may stop before
    /// byte `index`: at the end, a space, a parenthesis or an opening quote (`"a b"~2"c d"` is two
    /// phrases, as `"a b""c d"` is), or a boost where `boostFollows` (`"a b"~2^3`).
    private static func endsNumber(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int, boostFollows: Bool) -> Bool {
        guard index < utf8.count else { return true }
        switch utf8[index] {
        case 0x28, 0x29, 0x22: return true
        case 0x5E: return boostFollows
        case 0xC2: return index + 1 < utf8.count && utf8[index + 1] == 0xAB || isSpace(utf8, at: index)
        case 0xE2 where index + 2 < utf8.count && utf8[index + 1] == 0x80 && utf8[index + 2] == 0x9C: return true
        default: return isSpace(utf8, at: index)
        }
    }

    /// Whether the code point starting at `index` is white space.
    private static func isSpace(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let lead = utf8[index]
        if lead < 0x80 { return lead == 0x20 || (lead >= 0x09 && lead <= 0x0D) }
        // Every other white space code point (U+0085, U+00A0, U+1680, U+2000 to U+205F, U+3000) starts
        // with one of these: an accented letter is not decoded.
        guard lead == 0xC2 || lead == 0xE1 || lead == 0xE2 || lead == 0xE3 else { return false }
        var value = UInt32(lead) & (lead < 0xE0 ? 0x1F : lead < 0xF0 ? 0x0F : 0x07)
        for offset in 1..<scalarLength(utf8, at: index) where index + offset < utf8.count {
            value = value << 6 | UInt32(utf8[index + offset] & 0x3F)
        }
        return Unicode.Scalar(value)?.properties.isWhitespace ?? false
    }

    /// Whether the space at `index` separates groups of digits of one number (`100 000`, `2 500,50`):
    /// `word` so far is groups of digits (1 to 3, then 3 each), and three digits follow the space,
    /// then no digit. The analyzer then makes one number of them, as of the text it was indexed from.
    private static func groupsDigits(_ utf8: UnsafeBufferPointer<UInt8>, word: Range<Int>, spaceAt index: Int) -> Bool {
        // From the word's end back, each group followed by a space that parts it from the next.
        var groupEnd = index
        while true {
            var groupStart = groupEnd
            while groupStart > word.lowerBound && isASCIIDigit(utf8[groupStart - 1]) { groupStart -= 1 }
            guard SortValue.digitGroupSpace(utf8, after: groupStart..<groupEnd) != nil else { return false }
            if groupStart == word.lowerBound { return true }
            guard let space = (1...3).first(where: { groupStart - $0 > word.lowerBound && SortValue.groupSpaceLength(utf8, at: groupStart - $0) == $0 })
            else { return false }
            groupEnd = groupStart - space
        }
    }

    /// Whether the code point ending just before `index` is white space.
    private static func isSpace(_ utf8: UnsafeBufferPointer<UInt8>, before index: Int) -> Bool {
        var start = index - 1
        while start > 0 && utf8[start] & 0xC0 == 0x80 { start -= 1 }
        return isSpace(utf8, at: start)
    }

    /// Works on the UTF-8 bytes, counting columns in code points: decoding characters (grapheme
    /// clusters), or even scalars into an array, would cost more than the rest of a short query's search.
    private func lex(_ utf8: UnsafeBufferPointer<UInt8>) throws -> [Item] {
        func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: utf8[range]), as: UTF8.self) }
        // Read from the clock once a query, the first time date math needs it: every `now` of the
        // query is the same instant.
        var read: Date?
        func now() -> Date {
            if let read { return read }
            let time = clock()
            read = time
            return time
        }
        var items: [Item] = []
        // A query has at most one item per two bytes (a word and a space), and is usually short.
        items.reserveCapacity(min(utf8.count / 2 + 1, 64))
        var i = 0
        // The column of the code point at byte `i`; `move(to:)` keeps it so.
        var column = 1
        @inline(__always) func move(to target: Int) {
            while i < target {
                if utf8[i] & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
        }
        // `"words"/N` or `"words"/P%`, with `i` at the `/`: N, from 1 to the number of words (P% of
        // them, rounded down, at least 1), moved past.
        func quorum(of text: String) throws -> Int {
            var j = i + 1
            while j < utf8.count && Self.isASCIIDigit(utf8[j]) { j += 1 }
            guard j > i + 1 else { throw QueryError("/ after quoted words needs a number of words, as in \"a b c\"/2 or \"a b c\"/75%", column: column) }
            let percent = j < utf8.count && utf8[j] == 0x25
            let end = percent ? j + 1 : j
            guard Self.endsNumber(utf8, at: end, boostFollows: true) else {
                var end = end
                while end < utf8.count && !Self.isSpace(utf8, at: end) && utf8[end] != 0x29 && utf8[end] != 0x22 { end += 1 }
                throw QueryError("quorum /\(string((i + 1)..<end)) must be a whole number of words or a percentage", column: column)
            }
            let words = QueryNode.quorumWords(text).count
            let typed = string((i + 1)..<end)
            guard words > 0 else { throw QueryError("quorum /\(typed) needs words between the quotes", column: column) }
            let minimum: Int
            if percent {
                guard let share = Int(string((i + 1)..<j)), (1...100).contains(share) else {
                    throw QueryError("quorum /\(typed) must be from 1% to 100%", column: column)
                }
                minimum = max(1, share * words / 100)
            } else {
                guard let count = Int(typed), (1...words).contains(count) else {
                    throw QueryError("quorum /\(typed) must be from 1 to the \(words) word\(words == 1 ? "" : "s") between the quotes", column: column)
                }
                minimum = count
            }
            move(to: end)
            return minimum
        }
        // The quoted words at `quoted`, as `quoted(_:at:column:)` found them, and what follows them: a
        // phrase, a proximity search, a quorum or a phrase being typed; `allExact`: typed as `="…"`.
        func phrase(_ quoted: (text: Range<Int>, end: Int), allExact: Bool, start: Int) throws -> Lexeme {
            let text = Self.phraseText(UnsafeBufferPointer(rebasing: utf8[quoted.text]), allExact: allExact)
            // `"ligne de comm*"`: a `*` not escaped, right after the last word.
            let (first, last) = (quoted.text.lowerBound, quoted.text.upperBound)
            let prefixed = last - first > 1 && utf8[last - 1] == 0x2A && utf8[last - 2] != 0x5C && !Self.isSpace(utf8, before: last - 1)
            move(to: quoted.end)
            var slop: Int?
            if i < utf8.count && utf8[i] == 0x7E {
                var j = i + 1
                while j < utf8.count && Self.isASCIIDigit(utf8[j]) { j += 1 }
                guard j > i + 1, let value = Int(string((i + 1)..<j)) else {
                    throw QueryError("~ after a phrase needs a number of words, as in \"a b\"~3", column: column)
                }
                // `~1.5` or `~3x` would otherwise leave a word behind the phrase.
                guard Self.endsNumber(utf8, at: j, boostFollows: true) else {
                    var end = j
                    while end < utf8.count && !Self.isSpace(utf8, at: end) && utf8[end] != 0x29 && utf8[end] != 0x22 { end += 1 }
                    throw QueryError("proximity ~\(string((i + 1)..<end)) must be a whole number of words", column: column)
                }
                guard value <= Self.maximumSlop else {
                    throw QueryError("proximity ~\(value) is over the limit of \(Self.maximumSlop)", column: column)
                }
                slop = value
                move(to: j)
            }
            if slop == nil && i < utf8.count && utf8[i] == 0x2F { return .quorum(text, minimum: try quorum(of: text)) }
            if slop == nil && prefixed { return .phrasePrefix(String(text.dropLast())) }
            return .phrase(text, slop: slop)
        }
        while i < utf8.count {
            let c = utf8[i]
            let start = column
            if Self.isSpace(utf8, at: i) {
                move(to: i + Self.scalarLength(utf8, at: i))
            } else if c == 0x28 {
                items.append(Item(lexeme: .open, column: start))
                move(to: i + 1)
            } else if c == 0x29 {
                items.append(Item(lexeme: .close, column: start))
                move(to: i + 1)
            } else if c == 0x22 || c == 0xC2 || c == 0xE2, let quoted = try Self.quoted(utf8, at: i, column: start) {
                items.append(Item(lexeme: try phrase(quoted, allExact: false, start: start), column: start))
            } else if c == 0x3D, i > 0, utf8[i - 1] == 0x3A, case .field(let name)? = items.last?.lexeme {
                // `field:=value`: a value as facets count it, exactly, quoted or up to a space or `)`;
                // unquoted and ending with an unescaped `*`, the values starting with what comes before.
                var end = i + 1
                let quoted = end < utf8.count && utf8[end] == 0x22
                var lastEscaped = false
                if quoted {
                    end += 1
                    while end < utf8.count && utf8[end] != 0x22 { end += utf8[end] == 0x5C && end + 1 < utf8.count ? 2 : 1 }
                    guard end < utf8.count else { throw QueryError("unbalanced quote", column: start + 1) }
                } else {
                    while end < utf8.count && !Self.isSpace(utf8, at: end) && utf8[end] != 0x29 {
                        lastEscaped = utf8[end] == 0x5C && end + 1 < utf8.count
                        end += lastEscaped ? 2 : Self.scalarLength(utf8, at: end)
                    }
                }
                let prefix = !quoted && end > i + 1 && utf8[end - 1] == 0x2A && !lastEscaped
                let text = Self.unescaped(UnsafeBufferPointer(rebasing: utf8[(quoted ? i + 2 : i + 1)..<(prefix ? end - 1 : end)]))
                guard !text.isEmpty || prefix else { throw QueryError("\(name):= needs a value, as in \(name):=bio or \(name):=\"a value\"", column: start) }
                items.append(Item(lexeme: .value(text, prefix: prefix), column: start))
                move(to: quoted ? end + 1 : end)
            } else if c == 0x3D && i + 1 < utf8.count, let quoted = try Self.quoted(utf8, at: i + 1, column: start + 1) {
                // `="économie sociale"` (Sphinx's): each of the words as written.
                items.append(Item(lexeme: try phrase(quoted, allExact: true, start: start), column: start))
            } else if c == 0x3D && i + 1 < utf8.count && utf8[i + 1] == 0x28 {
                throw QueryError("= goes before a word or quoted words, as in =économies or =\"économie sociale\": a group cannot be exact",
                                 column: start)
            } else if c == 0x3D && i + 1 < utf8.count && !Self.isSpace(utf8, at: i + 1) && utf8[i + 1] != 0x3D && utf8[i + 1] != 0x29 {
                // `=word` (Sphinx's exact form): the word as written, not its stem. Inside a word, `=` is
                // the word's: only here does it start one.
                var j = i + 1
                while j < utf8.count && !Self.isSpace(utf8, at: j) && utf8[j] != 0x28 && utf8[j] != 0x29 && utf8[j] != 0x22
                        && !Self.startsBoost(utf8, at: j) {
                    j += Self.scalarLength(utf8, at: j)
                }
                let text = string((i + 1)..<j)
                // `=écon*`: the forms starting with `écon`. A `?` that ends a word is a question mark, as
                // in any word (`=économies?`).
                let prefix = text.count > 1 && text.hasSuffix("*")
                let word = prefix ? text.dropLast() : Substring(text)
                guard !word.contains(where: { "*~".contains($0) }) && !word.dropLast().contains("?") else {
                    throw QueryError("an exact word (=\(text)) cannot be a wildcard or a fuzzy word", column: start)
                }
                items.append(Item(lexeme: .exact(String(word), prefix: prefix), column: start))
                move(to: j)
            } else if c == 0x5B || c == 0x7B, let range = try Self.range(utf8, from: i, column: start, now: now) {
                items.append(Item(lexeme: .range(range.bounds), column: start))
                move(to: range.end)
            } else if Self.startsBoost(utf8, at: i) {
                guard i > 0 && !Self.isSpace(utf8, before: i) && utf8[i - 1] != 0x28 else {
                    throw QueryError("a boost follows a word, a phrase or a group, with no space", column: start)
                }
                var j = utf8[i + 1] == 0x2D || utf8[i + 1] == 0x2B ? i + 2 : i + 1
                while j < utf8.count && (Self.isASCIIDigit(utf8[j]) || utf8[j] == 0x2E) { j += 1 }
                let text = string((i + 1)..<j)
                guard let value = Double(text), value > 0, value <= Self.maximumBoost else {
                    throw QueryError("boost ^\(text) must be a number above 0 and at most \(Int(Self.maximumBoost))", column: start)
                }
                guard Self.endsNumber(utf8, at: j, boostFollows: false) else {
                    throw QueryError("^\(text) must end a word, a phrase or a group", column: start)
                }
                items.append(Item(lexeme: .boost(value), column: start))
                move(to: j)
            } else if c == 0x2F, let end = Self.regexEnd(utf8, from: i) {
                // `/joh?n/`, as Lucene writes a regular expression; checked here, where its column is
                // known even in a field (`title:/a(b/`).
                let expression = string((i + 1)..<(end - 1))
                let pattern: RegexPattern
                do {
                    pattern = try RegexPattern(expression)
                } catch {
                    throw QueryError("/\(expression)/: \(error.message)", column: start + 1 + (error.offset ?? 0))
                }
                items.append(Item(lexeme: .regex(pattern), column: start))
                move(to: end)
            } else if (c == 0x2D || c == 0x21) && i + 1 < utf8.count && !Self.isSpace(utf8, at: i + 1) && utf8[i + 1] != c,
                      case .field(let name)? = items.last?.lexeme {
                // `title:-ville` would otherwise search `ville` in the titles: the opposite of what was meant.
                var end = i + 1
                if utf8[end] == 0x22 {
                    end = utf8[(end + 1)...].firstIndex(of: 0x22).map { $0 + 1 } ?? utf8.count
                } else {
                    while end < utf8.count && !Self.isSpace(utf8, at: end) && utf8[end] != 0x29 { end += Self.scalarLength(utf8, at: end) }
                }
                throw QueryError("an exclusion goes before its field, as in \(string(i..<(i + 1)))\(name):\(string((i + 1)..<end))",
                                 column: start)
            } else if (c == 0x2D || c == 0x21) && i + 1 < utf8.count && !Self.isSpace(utf8, at: i + 1) && utf8[i + 1] != c
                        && (i == 0 || Self.isSpace(utf8, before: i) || utf8[i - 1] == 0x28) {
                // `-word`, or Lucene's `!word`.
                items.append(Item(lexeme: .minus, column: start))
                move(to: i + 1)
            } else {
                var j = i
                var escaped = false
                while j < utf8.count && (!Self.isSpace(utf8, at: j) || Self.groupsDigits(utf8, word: i..<j, spaceAt: j))
                        && utf8[j] != 0x28 && utf8[j] != 0x29 && utf8[j] != 0x22 && !Self.startsBoost(utf8, at: j) {
                    // `\` takes the next character as it is, whatever it would otherwise mean.
                    if utf8[j] == 0x5C && j + 1 < utf8.count {
                        escaped = true
                        j += 1 + Self.scalarLength(utf8, at: j + 1)
                        continue
                    }
                    // `field:` ends a field name when something follows it, but for `//`: an address
                    // (`https://…`) is searched as its words.
                    if utf8[j] == 0x3A, j > i, j + 1 < utf8.count, !Self.isSpace(utf8, at: j + 1),
                       !(j + 2 < utf8.count && utf8[j + 1] == 0x2F && utf8[j + 2] == 0x2F),
                       FieldName.isValid(utf8: UnsafeBufferPointer(rebasing: utf8[i..<j])) {
                        break
                    }
                    j += Self.scalarLength(utf8, at: j)
                }
                if j < utf8.count && utf8[j] == 0x3A && j > i {
                    items.append(Item(lexeme: .field(string(i..<j)), column: start))
                    move(to: j + 1)
                    continue
                }
                // `title: mer`, a known field's name and spaces before what it applies to, as Lucene
                // reads it; else (`note: mer`, `title:` at the end) the colon is part of the word.
                if j > i + 1 && utf8[j - 1] == 0x3A, let next = Self.operandStart(utf8, after: j),
                   fields.contains(FieldName.folded(string(i..<(j - 1)))) {
                    items.append(Item(lexeme: .field(string(i..<(j - 1))), column: start))
                    move(to: next)
                    continue
                }
                let bytes = UnsafeBufferPointer(rebasing: utf8[i..<j])
                move(to: j)
                if escaped {
                    // Searched as written: no operator, prefix, wildcard or fuzzy word.
                    items.append(Item(lexeme: .word(Self.unescaped(bytes)), column: start))
                } else if let keyword = Self.keyword(bytes) {
                    items.append(Item(lexeme: keyword, column: start))
                } else if let (distance, ordered) = try Self.nearDistance(bytes, column: start) {
                    items.append(Item(lexeme: .near(distance, ordered: ordered), column: start))
                } else if bytes.count == 1 ? bytes[0] == 0x2A : bytes.count == 3 && bytes[0] == 0x2A && bytes[1] == 0x3A && bytes[2] == 0x2A {
                    // Lucene's `*:*`, and tantivy's `*`.
                    items.append(Item(lexeme: .all, column: start))
                } else {
                    items.append(Item(lexeme: try atom(bytes, word: String(decoding: bytes, as: UTF8.self), column: start), column: start))
                }
            }
        }
        return items
    }

    /// `[a TO b]` from its `[` or `{` at `start` to its `]` or `}`; nil when the brackets do not hold two
    /// bounds with `TO` between them (`[ESS]` is a word, as it was before ranges).
    private static func range(_ utf8: UnsafeBufferPointer<UInt8>, from start: Int, column: Int,
                              now: () -> Date) throws -> (bounds: NumberRange, end: Int)? {
        var close = start + 1
        while close < utf8.count && utf8[close] != 0x5D && utf8[close] != 0x7D { close += 1 }
        let inside = String(decoding: UnsafeBufferPointer(rebasing: utf8[(start + 1)..<close]), as: UTF8.self)
        var parts = inside.split(whereSeparator: \.isWhitespace)
        // A bound written in groups of digits (`[1 000 TO 2 500]`) is one bound.
        if parts.count > 3, let to = parts.firstIndex(of: "TO"), parts.lastIndex(of: "TO") == to, to > 0, to < parts.count - 1 {
            let lower = parts[..<to].joined(separator: " "), upper = parts[(to + 1)...].joined(separator: " ")
            if (to == 1 || NumberRange.value(ofBound: lower) != nil) && (to == parts.count - 2 || NumberRange.value(ofBound: upper) != nil) {
                parts = [Substring(lower), "TO", Substring(upper)]
            }
        }
        guard parts.count == 3, parts[1] == "TO" else { return nil }
        guard close < utf8.count else { throw QueryError("unbalanced \(utf8[start] == 0x5B ? "[" : "{") of a range", column: column) }
        let end = close + 1
        guard endsNumber(utf8, at: end, boostFollows: true) else {
            throw QueryError("a range ends at its \(utf8[close] == 0x5D ? "]" : "}")", column: column)
        }
        var includesLower = utf8[start] == 0x5B, includesUpper = utf8[close] == 0x5D
        // A month (`2024-05`) is a date; a year alone is one beside a date, and a number otherwise.
        func isDate(_ text: Substring) -> Bool {
            text.hasPrefix("now") || SortValue.date(of: text) != nil || (text.utf8.count == 7 && DateMath.period(text) != nil)
        }
        let dates = isDate(parts[0]) || isDate(parts[2])
        func bound(_ text: Substring) throws -> Double? {
            guard text != "*" else { return nil }
            guard let value = NumberRange.value(ofBound: text) else {
                throw QueryError("a range's bounds are numbers, dates or *, as in [2000 TO 2010] or [2024-01-01 TO *], not \(text)",
                                 column: column)
            }
            return value
        }
        guard dates else {
            let bounds = NumberRange(lower: try bound(parts[0]), upper: try bound(parts[2]), includesLower: includesLower,
                                     includesUpper: includesUpper,
                                     text: String(decoding: UnsafeBufferPointer(rebasing: utf8[start..<end]), as: UTF8.self))
            return (bounds, end)
        }
        func isDateBound(_ text: Substring) -> Bool { text == "*" || isDate(text) || DateMath.period(text) != nil }
        guard isDateBound(parts[0]) && isDateBound(parts[2]) else {
            throw QueryError("a range's bounds are both numbers or both dates, not \(parts[0]) and \(parts[2])", column: column)
        }
        // A day alone stands for the whole day, as Elasticsearch rounds a date range's missing time,
        // a month or a year for the whole of it, and a rounded `now` (`now/M`) for its whole unit:
        // `[2024-01-01 TO 2024-06-30]` holds the 30th of June at noon, `{2024-06-30 TO *]` starts on
        // the 1st of July, `[2024-01 TO 2024-03]` ends with March. Rounded up, a bound is the start of
        // the next day or unit.
        func instant(_ text: Substring, roundUp: Bool) throws -> (seconds: Double, rounded: Bool) {
            if text.hasPrefix("now") {
                guard let instant = DateMath.instant(text, now: now(), roundUp: roundUp) else {
                    throw QueryError("\(text) is not date math: now, then moves such as -7d or +1M and roundings such as /d "
                                     + "(units y, M, w, d, h, m, s), as in now-7d/d", column: column)
                }
                return instant
            }
            if let period = DateMath.period(text) { return (roundUp ? period.end : period.start, true) }
            let date = SortValue.date(of: text)!
            return (date.seconds + (date.dayOnly && roundUp ? 86_400 : 0), date.dayOnly)
        }
        var lowerSeconds: Double?, upperSeconds: Double?
        if parts[0] != "*" {
            let lower = try instant(parts[0], roundUp: !includesLower)
            lowerSeconds = lower.seconds
            if lower.rounded { includesLower = true }
        }
        if parts[2] != "*" {
            let upper = try instant(parts[2], roundUp: includesUpper)
            upperSeconds = upper.seconds
            if upper.rounded { includesUpper = false }
        }
        let bounds = NumberRange(lower: lowerSeconds, upper: upperSeconds, includesLower: includesLower, includesUpper: includesUpper,
                                 text: String(decoding: UnsafeBufferPointer(rebasing: utf8[start..<end]), as: UTF8.self), dates: true)
        return (bounds, end)
    }

    /// Quoted words, unescaped, with those typed `=word` marked exact as typed (`QueryNode.exactWords`)
    /// or, `allExact`, every one. A `\=` that starts a word is punctuation, which the analyzer leaves
    /// out of the word as it would have.
    private static func phraseText(_ bytes: UnsafeBufferPointer<UInt8>, allExact: Bool) -> String {
        guard allExact || bytes.contains(0x5C) else { return String(decoding: bytes, as: UTF8.self) }
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count + (allExact ? 4 : 0))
        var index = 0
        var wordStart = true
        while index < bytes.count {
            if isSpace(bytes, at: index) {
                let end = index + scalarLength(bytes, at: index)
                text.append(contentsOf: bytes[index..<end])
                index = end
                wordStart = true
                continue
            }
            if wordStart && allExact && bytes[index] != 0x3D { text.append(0x3D) }
            if bytes[index] == 0x5C && index + 1 < bytes.count {
                index += 1
                if wordStart && bytes[index] == 0x3D {
                    index += 1
                    wordStart = false
                    continue
                }
            }
            wordStart = false
            text.append(bytes[index])
            index += 1
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The text with each `\` that escapes a character removed (a `\` that ends it stays).
    private static func unescaped(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x5C && index + 1 < bytes.count { index += 1 }
            text.append(bytes[index])
            index += 1
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Where the next thing after the spaces from `index` starts, when there are spaces there and
    /// something follows them that is not a closing parenthesis.
    private static func operandStart(_ utf8: UnsafeBufferPointer<UInt8>, after index: Int) -> Int? {
        var next = index
        while next < utf8.count && isSpace(utf8, at: next) { next += scalarLength(utf8, at: next) }
        guard next > index && next < utf8.count && utf8[next] != 0x29 else { return nil }
        return next
    }

    /// The operator a word typed in capitals is (Lucene's `||` and `&&` too: analysed as words, they
    /// would vanish and leave an AND), compared as bytes: comparing Strings costs an accented word
    /// more than lexing it.
    private static func keyword(_ bytes: UnsafeBufferPointer<UInt8>) -> Lexeme? {
        // `|` alone: Sphinx's OR, and Elasticsearch's simple query string's.
        if bytes.count == 1 { return bytes[0] == 0x7C ? .or : nil }
        if bytes.count == 5 {
            // MAYBE
            return bytes[0] == 0x4D && bytes[1] == 0x41 && bytes[2] == 0x59 && bytes[3] == 0x42 && bytes[4] == 0x45 ? .maybe : nil
        }
        guard bytes.count == 2 || bytes.count == 3 else { return nil }
        switch (bytes[0], bytes[1], bytes.count == 3 ? bytes[2] : 0) {
        case (0x4F, 0x52, 0), (0x7C, 0x7C, 0): return .or  // OR, ||
        case (0x41, 0x4E, 0x44), (0x26, 0x26, 0): return .and  // AND, &&
        case (0x4E, 0x4F, 0x54): return .not  // NOT
        default: return nil
        }
    }

    /// `NEAR`'s or `ADJ`'s distance (Xapian's `NEAR`, `NEAR/N`, `ADJ`, `ADJ/N`), and whether it is
    /// `ADJ`: nil for any other word, an error for a distance that is not a whole number from 1 to
    /// `maximumSlop`.
    private static func nearDistance(_ bytes: UnsafeBufferPointer<UInt8>, column: Int) throws -> (distance: Int, ordered: Bool)? {
        let ordered: Bool
        if bytes.count >= 4 && bytes[0] == 0x4E && bytes[1] == 0x45 && bytes[2] == 0x41 && bytes[3] == 0x52 {
            ordered = false
        } else if bytes.count >= 3 && bytes[0] == 0x41 && bytes[1] == 0x44 && bytes[2] == 0x4A {
            ordered = true
        } else {
            return nil
        }
        let name = ordered ? "ADJ" : "NEAR"
        let length = name.utf8.count
        if bytes.count == length { return (defaultNearDistance, ordered) }
        guard bytes[length] == 0x2F else { return nil }
        let typed = String(decoding: UnsafeBufferPointer(rebasing: bytes[(length + 1)...]), as: UTF8.self)
        guard typed.utf8.allSatisfy(isASCIIDigit), let distance = Int(typed), (1...maximumSlop).contains(distance) else {
            throw QueryError("\(name)/\(typed) must be a whole number of words from 1 to \(maximumSlop), as in a \(name)/3 b", column: column)
        }
        return (distance, ordered)
    }

    /// Where a regular expression starting at `start` (a `/`) ends, past its closing `/`: the next `/`
    /// not escaped, which a space, `)`, a boost or the end of the query must follow, with something
    /// between the two. Nil for anything else, which stays a word (`/usr/bin`, `1/2`).
    private static func regexEnd(_ utf8: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var end = start + 1
        while end < utf8.count && utf8[end] != 0x2F && !isSpace(utf8, at: end) {
            end += utf8[end] == 0x5C && end + 1 < utf8.count ? 1 + scalarLength(utf8, at: end + 1) : scalarLength(utf8, at: end)
        }
        guard end < utf8.count, utf8[end] == 0x2F, end > start + 1 else { return nil }
        let after = end + 1
        guard after == utf8.count || isSpace(utf8, at: after) || utf8[after] == 0x29
                || startsBoost(utf8, at: after) else { return nil }
        return after
    }

    /// A word as typed (`word`, and its UTF-8 bytes): `word*` is a prefix, `word~` and `word~N` fuzzy,
    /// a word with `?` or `*` inside a wildcard pattern, anything else a word. A `~` elsewhere in it is
    /// an error: analysed as punctuation, it would search something else. A `?` ending a word is a
    /// question's, punctuation.
    private func atom(_ bytes: UnsafeBufferPointer<UInt8>, word: String, column: Int) throws -> Lexeme {
        func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        func columnAfter(_ range: Range<Int>) -> Int { column + Self.scalarCount(UnsafeBufferPointer(rebasing: bytes[range])) }
        var digits = bytes.count
        while digits > 0 && Self.isASCIIDigit(bytes[digits - 1]) { digits -= 1 }
        if digits > 1 && bytes[digits - 1] == 0x7E {
            let stem = 0..<(digits - 1)
            guard !bytes[stem].contains(0x2A) && !bytes[stem].contains(0x3F) else {
                throw QueryError("a word is a wildcard (*, ?) or fuzzy (~), not both", column: column)
            }
            guard !bytes[stem].contains(0x7E) else { throw QueryError("~ may only end a word, as in economie~", column: column) }
            guard digits < bytes.count else { return .fuzzy(string(stem), edits: nil) }
            guard let edits = Int(string(digits..<bytes.count)), edits <= Self.maximumEdits else {
                throw QueryError("fuzzy ~\(string(digits..<bytes.count)) is over the limit of \(Self.maximumEdits) edits",
                                 column: columnAfter(stem))
            }
            return .fuzzy(string(stem), edits: edits)
        }
        if bytes.count > 1, let tilde = bytes.firstIndex(of: 0x7E) {
            // `~0.8` (Lucene's old similarity) or `~-1` would be analysed as more words.
            let after = (tilde + 1)..<bytes.count
            if tilde > 0, let first = bytes[after].first, Self.isASCIIDigit(first) || first == 0x2E || first == 0x2D {
                throw QueryError("fuzzy ~\(string(after)) must be a number of edits: 0, 1 or 2", column: columnAfter(0..<tilde))
            }
            throw QueryError("~ may only end a word, as in economie~", column: column)
        }
        var end = bytes.count
        while end > 0 && bytes[end - 1] == 0x3F { end -= 1 }
        guard let first = bytes[..<end].firstIndex(where: { $0 == 0x2A || $0 == 0x3F }) else { return .word(word) }
        guard first > 0 else { throw QueryError("a wildcard needs at least 2 letters before it, as in econo*", column: column) }
        return first == end - 1 && bytes[first] == 0x2A ? .prefix(string(0..<first)) : .wildcard(string(0..<end))
    }

    // MARK: Parsing

    private func parseQuery(_ items: inout [Item], _ index: inout Int, depth: Int) throws -> QueryNode {
        var clauses: [QueryNode] = []
        while index < items.count {
            let item = items[index]
            switch item.lexeme {
            case .close:
                // At the top level, a `)` closes nothing (`a b)`, or `)` alone, which is not empty parentheses).
                guard depth > 0 else { throw QueryError("unbalanced parenthesis", column: item.column) }
                return try conjunction(clauses, column: item.column)
            case .and:
                guard !clauses.isEmpty, index + 1 < items.count, items[index + 1].lexeme != .close else {
                    throw QueryError("AND needs a word on each side", column: item.column)
                }
                index += 1
            case .minus, .not:
                index += 1
                guard index < items.count, !items[index].lexeme.endsOperand else {
                    throw QueryError("nothing to exclude after \(item.lexeme == .minus ? "-" : "NOT")", column: item.column)
                }
                clauses.append(.not(try parseUnit(&items, &index, depth: depth)))
            default:
                clauses.append(try parseUnit(&items, &index, depth: depth))
            }
        }
        return try conjunction(clauses, column: nil)
    }

    private func conjunction(_ clauses: [QueryNode], column: Int?) throws -> QueryNode {
        guard !clauses.isEmpty else { throw QueryError("empty parentheses", column: column) }
        return clauses.count == 1 ? clauses[0] : .and(clauses)
    }

    /// `a MAYBE b MAYBE c` (Sphinx's MAYBE, Xapian's AND_MAYBE): `a`'s documents, `b` and `c` adding to
    /// their scores where they match too.
    private func parseUnit(_ items: inout [Item], _ index: inout Int, depth: Int) throws -> QueryNode {
        let required = try parseAlternatives(&items, &index, depth: depth)
        guard index < items.count && items[index].lexeme == .maybe else { return required }
        var optional: [QueryNode] = []
        try appendOperands(after: .maybe, named: "MAYBE", to: &optional, &items, &index,
                           exclusion: "MAYBE only adds to the scores, it cannot exclude: write the exclusion on its own, as in a MAYBE b -c") {
            try parseAlternatives(&$0, &$1, depth: depth)
        }
        return .maybe(required, optional: optional)
    }

    private func parseAlternatives(_ items: inout [Item], _ index: inout Int, depth: Int) throws -> QueryNode {
        let first = try parseNear(&items, &index, depth: depth)
        // Most units are one word: no array for them.
        guard index < items.count && items[index].lexeme == .or else { return first }
        var alternatives = [first]
        try appendOperands(after: .or, named: "OR", to: &alternatives, &items, &index,
                           exclusion: "an exclusion cannot be an alternative of OR") { try parseNear(&$0, &$1, depth: depth) }
        return .or(alternatives)
    }

    /// The operand after each `lexeme` (`OR`, `MAYBE`) from `index` on, parsed by `operand`, appended
    /// to `operands`. An exclusion there is the error `exclusion`.
    private func appendOperands(after lexeme: Lexeme, named name: String, to operands: inout [QueryNode], _ items: inout [Item],
                                _ index: inout Int, exclusion: String,
                                _ operand: (inout [Item], inout Int) throws -> QueryNode) throws {
        while index < items.count && items[index].lexeme == lexeme {
            let column = items[index].column
            index += 1
            guard index < items.count, !items[index].lexeme.endsOperand else {
                throw QueryError("\(name) needs a word on each side", column: column)
            }
            if items[index].lexeme.isExclusion { throw QueryError(exclusion, column: items[index].column) }
            operands.append(try operand(&items, &index))
        }
    }

    /// `a NEAR/3 b NEAR c`: words at most N positions apart (the largest N of the chain), as Xapian's
    /// NEAR finds them, in any order: the proximity search `"a b c"~(N-1)`, whose window holds N
    /// positions more than the words' own. `a ADJ/3 b ADJ c`, Xapian's ADJ, the same in this order.
    private func parseNear(_ items: inout [Item], _ index: inout Int, depth: Int) throws -> QueryNode {
        let first = try parsePrimary(&items, &index, depth: depth, field: nil)
        guard index < items.count, case let .near(_, ordered) = items[index].lexeme else { return first }
        let name = ordered ? "ADJ" : "NEAR"
        let (firstWord, column) = try nearWord(first, operator: name, column: items[index].column)
        var words = [firstWord]
        var distance = 1
        while index < items.count, case let .near(next, nextOrdered) = items[index].lexeme {
            let column = items[index].column
            guard nextOrdered == ordered else {
                throw QueryError("NEAR and ADJ cannot join the same words: one chain is NEAR or ADJ throughout", column: column)
            }
            index += 1
            guard index < items.count, !items[index].lexeme.endsOperand, !items[index].lexeme.isExclusion else {
                throw QueryError("\(name) needs a word on each side", column: column)
            }
            distance = max(distance, next)
            words.append(try nearWord(parsePrimary(&items, &index, depth: depth, field: nil), operator: name, column: column).text)
        }
        let text = words.joined(separator: " ")
        return ordered ? .adjacent(text, slop: distance - 1, field: nil, column: column) : .phrase(text, slop: distance - 1, field: nil, column: column)
    }

    /// A word `NEAR` or `ADJ` (`operator`) joins, as typed, and its column: one with no field, boost,
    /// prefix or other operator of its own, or an exact word (`=économies`), marked so in the text
    /// (`QueryNode.exactWords`). `column` is the operator's, for the error.
    private func nearWord(_ node: QueryNode, operator name: String, column: Int) throws -> (text: String, column: Int) {
        let (text, field, wordColumn): (String, String?, Int)
        switch node {
        // A plain word's `=`s (`\=a`, `==a`) are punctuation: none may mark it exact.
        case let .word(typed, f, c) where !QueryNode.holdsEquals(typed): (text, field, wordColumn) = (typed, f, c)
        case let .word(typed, f, c):
            (text, field, wordColumn) = (typed.split(whereSeparator: \.isWhitespace).map(QueryNode.exactText).joined(separator: " "), f, c)
        case let .exact(typed, f, false, c): (text, field, wordColumn) = ("=" + typed, f, c)
        default: throw QueryError("\(name) joins plain or exact words, as in économie \(name)/3 sociale", column: column)
        }
        guard field == nil else { throw QueryError("\(name)'s words take no field of their own: write \(field!):(a \(name) b)", column: column) }
        return (text, wordColumn)
    }

    /// `field` carries the field's name and column: an atom in a field reports the field's column. A
    /// boost right after the primary applies to it.
    private func parsePrimary(_ items: inout [Item], _ index: inout Int, depth: Int, field: (name: String, column: Int)?) throws -> QueryNode {
        let node = try parseUnboosted(&items, &index, depth: depth, field: field)
        guard index < items.count, case .boost(let factor) = items[index].lexeme else { return node }
        if case .not = node { throw QueryError("an exclusion cannot be boosted", column: items[index].column) }
        index += 1
        return .boosted(node, factor)
    }

    private func parseUnboosted(_ items: inout [Item], _ index: inout Int, depth: Int, field: (name: String, column: Int)?) throws -> QueryNode {
        let item = items[index]
        index += 1
        let column = field?.column ?? item.column
        switch item.lexeme {
        case .word(let text): return .word(text, field: field?.name, column: column)
        case let .exact(text, prefix): return .exact(text, field: field?.name, prefix: prefix, column: column)
        case .prefix(let text): return .prefix(text, field: field?.name, column: column)
        case .wildcard(let text): return .wildcard(text, field: field?.name, column: column)
        case .regex(let pattern): return .regex(pattern, field: field?.name, column: column)
        case .fuzzy(let text, let edits): return .fuzzy(text, edits: edits, field: field?.name, column: column)
        case .phrase(let text, let slop): return .phrase(text, slop: slop, field: field?.name, column: column)
        case .phrasePrefix(let text): return .phrasePrefix(text, field: field?.name, column: column)
        case .quorum(let text, let minimum): return .quorum(text, minimum: minimum, field: field?.name, column: column)
        case .range(let bounds): return .range(bounds, field: field?.name, column: column)
        case .value(let text, let prefix):
            // The lexer makes a value only right after a field.
            guard let field else { throw QueryError("a value needs a field, as in tags:=bio", column: item.column) }
            return .value(text, field: field.name, prefix: prefix, column: field.column)
        case .all:
            if let field { return .exists(field: field.name, column: field.column) }
            return .all(column: item.column)
        case .field(let name):
            guard field == nil else { throw QueryError("a field inside a field", column: item.column) }
            guard index < items.count, !items[index].lexeme.endsOperand, !items[index].lexeme.isExclusion else {
                throw QueryError("nothing to search after \(name):", column: item.column)
            }
            if items[index].lexeme == .open {
                return try fieldApplied(parsePrimary(&items, &index, depth: depth, field: nil), name, column: item.column)
            }
            return try parsePrimary(&items, &index, depth: depth, field: (name, item.column))
        case .open:
            guard depth < Self.maximumDepth else {
                throw QueryError("parentheses nested deeper than \(Self.maximumDepth)", column: item.column)
            }
            // `(` last: nothing inside and nothing to close it, which is not empty parentheses.
            guard index < items.count else { throw QueryError("unbalanced parenthesis", column: item.column) }
            let node = try parseQuery(&items, &index, depth: depth + 1)
            guard index < items.count, items[index].lexeme == .close else {
                throw QueryError("unbalanced parenthesis", column: item.column)
            }
            index += 1
            return node
        case .close: throw QueryError("unbalanced parenthesis", column: item.column)
        case .or: throw QueryError("OR needs a word on each side", column: item.column)
        case .and: throw QueryError("AND needs a word on each side", column: item.column)
        case let .near(_, ordered): throw QueryError("\(ordered ? "ADJ" : "NEAR") needs a word on each side", column: item.column)
        case .maybe: throw QueryError("MAYBE needs a word on each side", column: item.column)
        case .minus, .not: throw QueryError("misplaced exclusion", column: item.column)
        case .boost: throw QueryError("a boost follows a word, a phrase or a group, with no space", column: item.column)
        }
    }

    /// `title:(a OR b)`: the field applies to every atom inside.
    private func fieldApplied(_ node: QueryNode, _ field: String, column: Int) throws -> QueryNode {
        switch node {
        case let .word(text, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .word(text, field: field, column: column)
        case let .exact(text, existing, prefix, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .exact(text, field: field, prefix: prefix, column: column)
        case let .prefix(text, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .prefix(text, field: field, column: column)
        case let .wildcard(text, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .wildcard(text, field: field, column: column)
        case let .regex(pattern, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .regex(pattern, field: field, column: column)
        case let .phrase(text, slop, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .phrase(text, slop: slop, field: field, column: column)
        case let .adjacent(text, slop, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .adjacent(text, slop: slop, field: field, column: column)
        case let .phrasePrefix(text, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .phrasePrefix(text, field: field, column: column)
        case let .quorum(text, minimum, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .quorum(text, minimum: minimum, field: field, column: column)
        case let .fuzzy(text, edits, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .fuzzy(text, edits: edits, field: field, column: column)
        case let .range(bounds, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .range(bounds, field: field, column: column)
        case .all: return .exists(field: field, column: column)
        case .similar: return node
        case let .exists(_, c), let .value(_, _, _, c): throw QueryError("a field inside a field", column: c)
        case .and(let children): return .and(try children.map { try fieldApplied($0, field, column: column) })
        case .or(let children): return .or(try children.map { try fieldApplied($0, field, column: column) })
        case let .maybe(required, optional):
            return .maybe(try fieldApplied(required, field, column: column), optional: try optional.map { try fieldApplied($0, field, column: column) })
        case .not(let child): return .not(try fieldApplied(child, field, column: column))
        case let .boosted(child, factor): return .boosted(try fieldApplied(child, field, column: column), factor)
        }
    }

    private func checkNotOnlyExclusions(_ node: QueryNode) throws {
        switch node {
        case .not: throw QueryError("a query needs at least one word that is not excluded; add *:* to exclude from every document")
        case .and(let children):
            if children.allSatisfy({ if case .not = $0 { return true } else { return false } }) {
                throw QueryError("a query needs at least one word that is not excluded; add *:* to exclude from every document")
            }
            for child in children {
                if case .not = child { continue }
                try checkNotOnlyExclusions(child)
            }
        case .or(let children):
            for child in children { try checkNotOnlyExclusions(child) }
        case .maybe(let required, _): try checkNotOnlyExclusions(required)
        case .boosted(let child, _): try checkNotOnlyExclusions(child)
        default: break
        }
    }
}
