/// One line of a JSON Lines corpus: a JSON object (RFC 8259) read into its members, whose strings,
/// numbers, arrays, objects and nulls are kept, and `true` and `false` checked and passed over. Strings are checked as UTF-8, and invalid bytes in them
/// replaced by U+FFFD (the document is kept, and the caller told); elsewhere they are malformed JSON.
/// It accepts what Foundation's `JSONSerialization` (which read the lines before) accepts, a leading
/// byte order mark and trailing commas included, and rejects what it rejects, but for numbers too
/// large for a Double, which are not read. It parses several times faster: no dictionary of `Any`, no
/// bridging, and a string without escapes is copied once.
struct JSONLine {
    enum Value: Equatable {
        case string(String)
        /// A number, as written.
        case number(String)
        case list([Value])
        /// Its members as `Parsed.members` are: by name, the last of a repeated name.
        case object([Member])
        case null
        /// `true` or `false`.
        case other
    }

    struct Member: Equatable {
        var name: String
        var value: Value
    }

    struct Malformed: Error, Equatable {
        /// The byte the parse stopped at, from 1.
        var column: Int
        var reason: String
    }

    enum Failure: Error, Equatable {
        case malformed(Malformed)
        /// Valid JSON, but not an object.
        case notAnObject
    }

    /// Nesting deeper than this is malformed (`JSONSerialization`'s limit).
    static let maximumDepth = 512

    struct Parsed {
        /// By name in byte order, the last of a repeated name kept (as `JSONSerialization` does).
        var members: [Member]
        /// Whether a string held invalid UTF-8, replaced by U+FFFD.
        var repairedUTF8: Bool
    }

    static func parse(_ line: UnsafeBufferPointer<UInt8>) throws(Failure) -> Parsed {
        var parser = Parser(bytes: line)
        parser.skipByteOrderMark()
        parser.skipSpace()
        guard parser.peek() == UInt8(ascii: "{") else {
            try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.isAtEnd else { throw parser.malformed("text after the value") }
            throw .notAnObject
        }
        let members = try parser.members(depth: 1)
        parser.skipSpace()
        guard parser.isAtEnd else { throw parser.malformed("text after the object") }
        return Parsed(members: members, repairedUTF8: parser.repairedUTF8)
    }

    /// The text of each member but those named in `skipping`, as fields: a string as it is, a number as
    /// written, an array's elements each in turn, and an object's members under `name.member` (as
    /// Elasticsearch names them). Nulls, `true` and `false` hold none. Fields in the order met.
    static func texts(of members: [Member], skipping: Set<String>) -> [(name: String, items: [String])] {
        var texts: [(name: String, items: [String])] = []
        func collect(_ name: String, _ value: Value) {
            switch value {
            case .string(let text), .number(let text):
                if let at = texts.firstIndex(where: { $0.name == name }) { texts[at].items.append(text) } else { texts.append((name, [text])) }
            case .list(let elements): elements.forEach { collect(name, $0) }
            case .object(let members): members.forEach { collect(name + "." + $0.name, $0.value) }
            case .null, .other: break
            }
        }
        for member in members where !skipping.contains(member.name) { collect(member.name, member.value) }
        return texts
    }

    private static func lastOfEachName(_ members: [Member]) -> [Member] {
        guard members.count > 1 else { return members }
        // Stable, so that of equal names the last written comes last.
        let sorted = members.enumerated().sorted {
            $0.element.name == $1.element.name ? $0.offset < $1.offset : $0.element.name.utf8.lexicographicallyPrecedes($1.element.name.utf8)
        }.map(\.element)
        var kept: [Member] = []
        kept.reserveCapacity(sorted.count)
        for member in sorted {
            if let last = kept.last, last.name == member.name { kept[kept.count - 1] = member } else { kept.append(member) }
        }
        return kept
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0
        /// Decoded bytes of a string with escapes, reused from one string to the next.
        var scratch: [UInt8] = []
        var repairedUTF8 = false

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        var isAtEnd: Bool { offset == bytes.count }

        func peek() -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

        func malformed(_ reason: String) -> Failure {
            .malformed(Malformed(column: offset + 1, reason: reason))
        }

        mutating func skipByteOrderMark() {
            if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { offset = 3 }
        }

        mutating func skipSpace() {
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x20, 0x09, 0x0A, 0x0D: offset += 1
                default: return
                }
            }
        }

        /// `{ "name": value, … }` from its opening brace, calling `member` after each name and its colon
        /// (`member` reads the value).
        mutating func object(depth: Int, _ member: (String, inout Parser) throws(Failure) -> Void) throws(Failure) {
            try list(depth: depth, closing: UInt8(ascii: "}"), what: "a member") { parser throws(Failure) in
                guard parser.peek() == UInt8(ascii: "\"") else { throw parser.malformed("expected a member name in quotes") }
                let name = try parser.string()
                parser.skipSpace()
                guard parser.peek() == UInt8(ascii: ":") else { throw parser.malformed("expected ':' after a member name") }
                parser.offset += 1
                parser.skipSpace()
                try member(name, &parser)
            }
        }

        /// An object's members, from its opening brace.
        mutating func members(depth: Int) throws(Failure) -> [Member] {
            var members: [Member] = []
            try object(depth: depth) { name, parser throws(Failure) in members.append(Member(name: name, value: try parser.memberValue(depth: depth))) }
            return JSONLine.lastOfEachName(members)
        }

        /// `[ value, … ]` from its opening bracket.
        mutating func array(depth: Int) throws(Failure) {
            try list(depth: depth, closing: UInt8(ascii: "]"), what: "an element") { parser throws(Failure) in try parser.value(depth: depth) }
        }

        /// The items of an object or an array, from its opening byte to `closing`, each read by `item`,
        /// separated by commas; a comma may end the list.
        private mutating func list(depth: Int, closing: UInt8, what: String, _ item: (inout Parser) throws(Failure) -> Void) throws(Failure) {
            guard depth <= JSONLine.maximumDepth else { throw malformed("nested more than \(JSONLine.maximumDepth) deep") }
            offset += 1
            skipSpace()
            if peek() == closing {
                offset += 1
                return
            }
            while true {
                try item(&self)
                skipSpace()
                switch peek() {
                case UInt8(ascii: ","):
                    offset += 1
                    skipSpace()
                    if peek() == closing {
                        offset += 1
                        return
                    }
                case closing:
                    offset += 1
                    return
                default:
                    throw malformed("expected ',' or '\(Character(Unicode.Scalar(closing)))' after \(what)")
                }
            }
        }

        /// A member's value, or an array's element.
        mutating func memberValue(depth: Int) throws(Failure) -> Value {
            switch peek() ?? 0 {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = offset
                try number()
                return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self))
            case UInt8(ascii: "["):
                var items: [Value] = []
                try list(depth: depth + 1, closing: UInt8(ascii: "]"), what: "an element") { parser throws(Failure) in
                    items.append(try parser.memberValue(depth: depth + 1))
                }
                return .list(items)
            case UInt8(ascii: "{"):
                return .object(try members(depth: depth + 1))
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            default:
                try value(depth: depth)
                return .other
            }
        }

        /// Checks a value and moves past it.
        mutating func value(depth: Int) throws(Failure) {
            guard let byte = peek() else { throw malformed("the line ends where a value was expected") }
            switch byte {
            case UInt8(ascii: "{"): try object(depth: depth + 1) { _, parser throws(Failure) in try parser.value(depth: depth + 1) }
            case UInt8(ascii: "["): try array(depth: depth + 1)
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: throw malformed("expected a value")
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let length = word.utf8CodeUnitCount
            guard offset + length <= bytes.count,
                  UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]).elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: length))
            else { throw malformed("expected a value") }
            offset += length
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() throws(Failure) {
            if peek() == UInt8(ascii: "-") { offset += 1 }
            guard let first = peek(), isDigit(first) else { throw malformed("expected a digit") }
            offset += 1
            if first == UInt8(ascii: "0"), let next = peek(), isDigit(next) { throw malformed("a number with a leading zero") }
            skipDigits()
            if peek() == UInt8(ascii: ".") {
                offset += 1
                guard let digit = peek(), isDigit(digit) else { throw malformed("expected a digit after '.'") }
                skipDigits()
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                offset += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { offset += 1 }
                guard let digit = peek(), isDigit(digit) else { throw malformed("expected a digit in the exponent") }
                skipDigits()
            }
        }

        private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        private mutating func skipDigits() {
            while let byte = peek(), isDigit(byte) { offset += 1 }
        }

        /// A string from its opening quote.
        mutating func string() throws(Failure) -> String {
            offset += 1
            let start = offset
            while offset < bytes.count {
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") {
                    defer { offset += 1 }
                    return checked(UnsafeBufferPointer(rebasing: bytes[start..<offset]))
                }
                if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
                guard byte >= 0x20 else { throw malformed("a control character in a string (escape it)") }
                offset += 1
            }
            throw malformed("the line ends inside a string")
        }

        private mutating func escapedString(from start: Int) throws(Failure) -> String {
            scratch.removeAll(keepingCapacity: true)
            scratch.reserveCapacity(bytes.count - start)
            var run = start
            while true {
                // The bytes up to the next quote, backslash or control character, copied at once.
                while offset < bytes.count, bytes[offset] != UInt8(ascii: "\""), bytes[offset] != UInt8(ascii: "\\"), bytes[offset] >= 0x20 {
                    offset += 1
                }
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<offset]))
                guard let byte = peek() else { throw malformed("the line ends inside a string") }
                if byte == UInt8(ascii: "\"") {
                    offset += 1
                    return scratch.withUnsafeBufferPointer { checked($0) }
                }
                guard byte == UInt8(ascii: "\\") else { throw malformed("a control character in a string (escape it)") }
                offset += 1
                guard let escape = peek() else { throw malformed("the line ends inside a string") }
                offset += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escape)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"): appendScalar(try unicodeEscape())
                default:
                    offset -= 1
                    throw malformed("an unknown escape '\\\(Character(Unicode.Scalar(escape)))'")
                }
                run = offset
            }
        }

        /// The string of `utf8`, invalid bytes replaced by U+FFFD.
        private mutating func checked(_ utf8: UnsafeBufferPointer<UInt8>) -> String {
            if let string = String(validating: utf8, as: UTF8.self) { return string }
            repairedUTF8 = true
            return String(decoding: utf8, as: UTF8.self)
        }

        /// The scalar of `\uXXXX` (after the `\u`), a surrogate pair's two escapes read together.
        private mutating func unicodeEscape() throws(Failure) -> Unicode.Scalar {
            let unit = try hexQuad()
            switch unit {
            case 0xD800...0xDBFF:
                guard offset + 2 <= bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw malformed("a high surrogate escape without its low surrogate")
                }
                offset += 2
                let low = try hexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw malformed("a high surrogate escape without its low surrogate") }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            case 0xDC00...0xDFFF:
                throw malformed("a low surrogate escape without its high surrogate")
            default:
                return Unicode.Scalar(unit)!
            }
        }

        private mutating func hexQuad() throws(Failure) -> UInt32 {
            guard offset + 4 <= bytes.count else { throw malformed("expected 4 hexadecimal digits after '\\u'") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[offset]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw malformed("expected 4 hexadecimal digits after '\\u'")
                }
                value = value << 4 | UInt32(digit)
                offset += 1
            }
            return value
        }

        private mutating func appendScalar(_ scalar: Unicode.Scalar) {
            UTF8.encode(scalar) { scratch.append($0) }
        }
    }
}
