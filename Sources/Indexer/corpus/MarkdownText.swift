/// The text a reader sees of a line of Markdown, as a renderer shows it: what a Markdown section
/// indexes and stores, so that a snippet reads `alimentation durable`, not `**alimentation
/// durable**`, and a link's address is not searched as words (as Pagefind and MkDocs' search index
/// the rendered page).
///
/// Line by line, so that a section keeps its lines (and its line numbers): a heading's `#`s and a
/// quote's `>` go; a rule, a table's delimiter row or a link's reference definition leaves a blank
/// line; emphasis (`*`, `_` at a word's edge), code spans' backticks and backslash escapes go; a link
/// or an image leaves its text (`[coop](https://…)` → `coop`), an autolink its address
/// (`<https://…>`), an HTML tag nothing.
/// A `*` between spaces, an `_` inside a word (`mon_fichier`), and a `[` or `<` that opens nothing
/// stay as written.
enum MarkdownText {
    /// What a line is to code fences: text, a fence (```` ``` ```` or `~~~`, which shows nothing), or
    /// code inside one, shown as written (`**kwargs` stays, and `# un commentaire` is no heading).
    enum FenceRole { case text, fence, code }

    /// Each line's role, as CommonMark fences code: three or more backticks or tildes, indented by at
    /// most three spaces, closed by as many or more of the same; a fence left open runs to the end.
    static func fenceRoles<C: Collection>(_ lines: C) -> [FenceRole] where C.Element == String {
        var fences = Fences()
        return lines.map { fences.role(of: $0) }
    }

    /// Reads lines in turn, and says each one's role (`fenceRoles`).
    struct Fences {
        private var open: (mark: UInt8, count: Int)?

        mutating func role(of line: String) -> FenceRole {
            let utf8 = line.utf8
            // Nearly every line is told by its first byte.
            guard let head = utf8.first, head == space || head == UInt8(ascii: "`") || head == UInt8(ascii: "~") else {
                return open == nil ? .text : .code
            }
            let indent = utf8.prefix { $0 == space }.count
            let first = indent <= 3 ? utf8.dropFirst(indent).first : nil
            guard let mark = first, mark == UInt8(ascii: "`") || mark == UInt8(ascii: "~") else { return open == nil ? .text : .code }
            let rest = utf8.dropFirst(indent)
            let count = rest.prefix { $0 == mark }.count
            if let fence = open {
                guard mark == fence.mark && count >= fence.count && rest.dropFirst(count).allSatisfy({ $0 == space || $0 == UInt8(ascii: "\t") }) else {
                    return .code
                }
                open = nil
                return .fence
            }
            guard count >= 3 && (mark == UInt8(ascii: "~") || !rest.dropFirst(count).contains(UInt8(ascii: "`"))) else { return .text }
            open = (mark, count)
            return .fence
        }
    }

    /// Lines as a page shows them: text as `plain` reads it, fences blank, code as written.
    static func shown(_ lines: [String]) -> [String] {
        zip(lines, fenceRoles(lines)).map { line, role in
            switch role {
            case .text: plain(line)
            case .fence: ""
            case .code: line
            }
        }
    }

    static func plain(_ line: String) -> String {
        var utf8 = line
        return utf8.withUTF8 { bytes in
            var start = 0
            while start < bytes.count && start < 3 && bytes[start] == space { start += 1 }
            // Most lines hold no mark: they are kept as they are, not copied.
            if start == bytes.count || !startsWithMark(bytes[start]) && !bytes.contains(where: isInlineMark) { return line }
            if isRule(bytes[start...]) || isTableDelimiter(bytes[start...]) || isReferenceDefinition(bytes[start...]) { return "" }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            out.append(contentsOf: bytes[..<start])
            var index = start
            // A quote's marks, then a heading's, with the space after each.
            while index < bytes.count && bytes[index] == UInt8(ascii: ">") {
                index += 1
                if index < bytes.count && bytes[index] == space { index += 1 }
            }
            var end = bytes.count
            let hashes = bytes[index...].prefix { $0 == UInt8(ascii: "#") }.count
            if (1...6).contains(hashes) && (index + hashes == bytes.count || bytes[index + hashes] == space) {
                index += hashes
                while index < bytes.count && bytes[index] == space { index += 1 }
                // A closing sequence of `#`s after a space.
                var closing = end
                while closing > index && bytes[closing - 1] == space { closing -= 1 }
                let trailing = bytes[index..<closing].reversed().prefix { $0 == UInt8(ascii: "#") }.count
                if trailing > 0 && (closing - trailing == index || bytes[closing - trailing - 1] == space) {
                    end = closing - trailing
                    while end > index && bytes[end - 1] == space { end -= 1 }
                }
            }
            inline(UnsafeBufferPointer(rebasing: bytes[index..<end]), into: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    private static let space = UInt8(ascii: " ")

    /// What may open a heading, a quote, a rule, a table's delimiter row or a reference definition.
    private static func startsWithMark(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "#") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "*")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "|") || byte == UInt8(ascii: ":")
    }

    /// What may open emphasis, a code span, an escape, a link (or end one begun on a line before), an
    /// image, an autolink or a tag.
    private static func isInlineMark(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "*") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "\\")
            || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "<")
    }

    /// `---`, `***`, `___`, spaces allowed between.
    private static func isRule(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let mark = line.first, mark == UInt8(ascii: "-") || mark == UInt8(ascii: "*") || mark == UInt8(ascii: "_") else { return false }
        var marks = 0
        for byte in line {
            if byte == mark { marks += 1 } else if byte != space && byte != UInt8(ascii: "\t") { return false }
        }
        return marks >= 3
    }

    /// A table's delimiter row, `|---|:---:|`.
    private static func isTableDelimiter(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        line.contains(UInt8(ascii: "|")) && line.contains(UInt8(ascii: "-")) && line.allSatisfy { byte in
            byte == UInt8(ascii: "|") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":") || byte == space || byte == UInt8(ascii: "\t")
        }
    }

    /// `[label]: https://…`: where a reference link points, which a page does not show.
    private static func isReferenceDefinition(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard line.first == UInt8(ascii: "["), let close = line.firstIndex(of: UInt8(ascii: "]")), close > line.startIndex + 1 else { return false }
        let after = line.index(after: close)
        return after < line.endIndex && line[after] == UInt8(ascii: ":") && line.index(after: after) < line.endIndex
            && line[line.index(after: after)] == space
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z"))
    }

    private static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte) || (0x7B...0x7E).contains(byte)
    }

    private static func inline(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        // Where each link's text ends, and where its destination (or reference) ends after that.
        var linkEnds: [(text: Int, end: Int)] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if let link = linkEnds.last, link.text == index {
                linkEnds.removeLast()
                index = link.end
                continue
            }
            switch byte {
            case UInt8(ascii: "\\") where index + 1 < bytes.count && isASCIIPunctuation(bytes[index + 1]):
                out.append(bytes[index + 1])
                index += 2
            case UInt8(ascii: "`"):
                index += 1
            case UInt8(ascii: "*"), UInt8(ascii: "_"):
                var after = index
                while after < bytes.count && bytes[after] == byte { after += 1 }
                let before = index > 0 ? bytes[index - 1] : space, next = after < bytes.count ? bytes[after] : space
                let literal = byte == UInt8(ascii: "*")
                    ? (before == space || before == UInt8(ascii: "\t")) && (next == space || next == UInt8(ascii: "\t"))
                    : isWordByte(before) && isWordByte(next)
                if literal { out.append(contentsOf: bytes[index..<after]) }
                index = after
            case UInt8(ascii: "!") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "[") && linkEnd(bytes, at: index + 1) != nil:
                index += 1
            case UInt8(ascii: "["):
                if let link = linkEnd(bytes, at: index) {
                    linkEnds.append(link)
                } else {
                    out.append(byte)
                }
                index += 1
            case UInt8(ascii: "<"):
                // An autolink shows its address; a tag, nothing.
                if let close = autolinkEnd(bytes, at: index), isAutolink(bytes, from: index + 1, to: close) {
                    out.append(contentsOf: bytes[(index + 1)..<close])
                    index = close + 1
                } else if let close = tagEnd(bytes, at: index) {
                    index = close + 1
                } else {
                    out.append(byte)
                    index += 1
                }
            case UInt8(ascii: "]") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "("):
                // The end of a link whose text began on a line before: its destination goes too.
                if let end = destinationEnd(bytes, at: index + 1) {
                    index = end
                } else {
                    out.append(byte)
                    index += 1
                }
            default:
                out.append(byte)
                index += 1
            }
        }
    }

    /// For a `[` that opens a link (`[text](destination)` or `[text][reference]`), where its text's
    /// `]` stands and where the link ends.
    private static func linkEnd(_ bytes: UnsafeBufferPointer<UInt8>, at open: Int) -> (text: Int, end: Int)? {
        var depth = 0, index = open
        var close: Int?
        let limit = min(bytes.count, open + reach)
        while index < limit {
            if bytes[index] == UInt8(ascii: "\\") { index += 2; continue }
            if bytes[index] == UInt8(ascii: "[") { depth += 1 }
            if bytes[index] == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 { close = index; break }
            }
            index += 1
        }
        guard let close, close + 1 < bytes.count, let end = destinationEnd(bytes, at: close + 1) else { return nil }
        return (close, end)
    }

    /// The `>` of an HTML tag opened at `open`, as CommonMark reads one: `<name>`, `<name/>`, `<name
    /// attributes…>`, `</name>` or `<!…>`, a name being a letter then letters, digits and dashes; not
    /// `<unicode/ustring.h>`, nor `a < b`.
    private static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>, at open: Int) -> Int? {
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        var index = open + 1
        guard index < bytes.count else { return nil }
        let closing = bytes[index] == UInt8(ascii: "/")
        if bytes[index] == UInt8(ascii: "!") || closing { index += 1 }
        if bytes[index - 1] != UInt8(ascii: "!") {
            guard index < bytes.count, isLetter(bytes[index]) else { return nil }
            while index < bytes.count && (isLetter(bytes[index]) || (bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9"))
                                         || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: ">"): return index
            case UInt8(ascii: "/") where !closing: return index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: ">") ? index + 1 : nil
            case space, UInt8(ascii: "\t"): break
            default: return nil
            }
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: ">") { return index }
            if bytes[index] == UInt8(ascii: "<") { return nil }
            index += 1
        }
        return nil
    }

    /// How far a link's text, or its destination, is looked for (CommonMark bounds a link's label at
    /// 999 characters): longer ones stay as written, and a line of brackets reads in linear time.
    static let reach = 1_000

    /// The `>` of an autolink opened at `open`: no space, no `<` before it.
    private static func autolinkEnd(_ bytes: UnsafeBufferPointer<UInt8>, at open: Int) -> Int? {
        var index = open + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: ">"): return index
            case UInt8(ascii: "<"), space, UInt8(ascii: "\t"): return nil
            default: index += 1
            }
        }
        return nil
    }

    /// Where a link's destination `(…)` or reference `[…]` opened at `open` ends (after its `)` or
    /// `]`), parentheses or brackets nested.
    private static func destinationEnd(_ bytes: UnsafeBufferPointer<UInt8>, at open: Int) -> Int? {
        let opener = bytes[open]
        guard opener == UInt8(ascii: "(") || opener == UInt8(ascii: "[") else { return nil }
        let closer = opener == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
        var nesting = 0
        for index in open..<min(bytes.count, open + reach) {
            if bytes[index] == opener { nesting += 1 }
            if bytes[index] == closer {
                nesting -= 1
                if nesting == 0 { return index + 1 }
            }
        }
        return nil
    }

    /// `https://…`, `mailto:…` or `nom@domaine.fr` with no space: an autolink, not a tag.
    private static func isAutolink(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        let inside = bytes[start..<end]
        guard !inside.contains(space) else { return false }
        if let colon = inside.firstIndex(of: UInt8(ascii: ":")), colon - start >= 2,
           inside[..<colon].allSatisfy({ isWordByte($0) && $0 < 0x80 || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) {
            return true
        }
        return inside.contains(UInt8(ascii: "@"))
    }
}
