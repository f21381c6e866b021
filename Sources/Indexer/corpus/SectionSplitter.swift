/// Splits a text file into the entries a reader sees, since a 100 KB file is not a useful hit.
///
/// - Markdown (ATX headings; in a `.md` file, Setext ones too; none in fenced code): one section per
///   top-level heading. A top-level heading that the same file also uses as a lower-level one is a
///   misleveled sub-heading and does not split; a heading with next to no text under it (a part
///   title) joins the section that follows. A Markdown section holds the text its page shows.
/// - Plain text: explicit separator lines (`|`, `---`, `>> Lire la fiche`) end a section; a short line
///   without final punctuation directly followed by a long paragraph is the title of a new section; a
///   `En savoir plus` paragraph, the usual footer of an entry, closes one.
/// - Text left without any such structure and longer than `paragraphSplitBytes` is a listing: each
///   paragraph is an entry.
/// - Sections of fewer than `minimumWords` words join a neighbour.
public struct SectionSplitter: Sendable {
    public struct Section: Equatable, Sendable {
        /// 1-based line where the section starts.
        public var line: Int
        public var title: String
        public var body: String
    }

    public var paragraphSplitBytes = 6_000
    public var minimumWords = 12
    public var maximumTitleLength = 120
    public var titleBodyLength = 150
    /// A `.md` file, which one heading makes Markdown (`# Note` over a few paragraphs); any other text
    /// needs two, since a line such as `# 3 exemplaires` may start a plain one.
    public var markdownFile = false

    public init() {}

    public func split(_ text: String) -> [Section] {
        split(lines: Self.lines(of: text))
    }

    func split(lines: [String]) -> [Section] {
        let headings = Self.headings(of: lines, setext: markdownFile)
        let markdown = headings.levels.count >= (markdownFile ? 1 : 2)
        let drafts = markdown ? splitMarkdown(lines, headings: headings) : splitPlain(lines)
        return merged(drafts).compactMap { $0.section(markdown: markdown || markdownFile) }
    }

    /// The lines of `text`, split on its bytes (as Characters, `\r\n` is one, which a split on `\n`
    /// never finds), each without the `\r` of a `\r\n`.
    static func lines(of text: String) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            var lines: [String] = []
            var start = 0
            // The text is valid UTF-8 and lines end at ASCII bytes: each line is copied, not validated again.
            func line(endingAt end: Int) -> String {
                let cut = end > start && bytes[end - 1] == UInt8(ascii: "\r") ? end - 1 : end
                return String(unsafeUninitializedCapacity: cut - start) { buffer in
                    _ = buffer.initialize(from: UnsafeBufferPointer(rebasing: bytes[start..<cut]))
                    return cut - start
                }
            }
            for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") {
                lines.append(line(endingAt: index))
                start = index + 1
            }
            lines.append(line(endingAt: bytes.count))
            return lines
        }
    }

    // MARK: Drafts

    struct Draft {
        var line: Int
        var heading: String?
        /// The Markdown line of the heading, kept in the body when a part title joins the next section.
        var headingLine: String?
        var lines: [String] = []
        /// Titled by a heading or title line, not by its own first line.
        var hasStructure: Bool { heading != nil }

        /// Whether the lines hold `limit` words or more: counted only that far, since a section of a
        /// whole file may be one long paragraph. Words are runs of scalars that are not white space:
        /// walking scalars, not Characters, spares the grapheme breaking (a sixth of splitting's time).
        func hasWords(atLeast limit: Int) -> Bool {
            var words = 0
            for line in lines {
                var inWord = false
                for scalar in line.unicodeScalars {
                    let isSpace = scalar.isASCII ? scalar.value == 0x20 || (0x09...0x0D).contains(scalar.value) : scalar.properties.isWhitespace
                    if !isSpace && !inWord {
                        words += 1
                        if words >= limit { return true }
                    }
                    inWord = !isSpace
                }
            }
            return words >= limit
        }

        /// Too little to be an entry: a few words, or a block of short lines (an address, a contact).
        func isFragment(minimumWords: Int) -> Bool {
            heading == nil
                && (!hasWords(atLeast: minimumWords) || (!hasWords(atLeast: 3 * minimumWords) && lines.allSatisfy { !$0.hasMoreCharacters(than: 59) }))
        }

        /// `markdown`: the lines are Markdown, whose text (`MarkdownText`) the section holds.
        func section(markdown: Bool) -> Section? {
            let shown = markdown ? MarkdownText.shown(lines) : lines
            guard let first = shown.firstIndex(where: { !$0.isBlank }), let last = shown.lastIndex(where: { !$0.isBlank }) else {
                return heading.map { Section(line: line, title: $0, body: "") }
            }
            // Joined in a loop: `joined(separator:)` over a slice ran unspecialized, an eighth of splitting.
            let body = shown[first...last]
            var text = ""
            text.reserveCapacity(body.reduce(body.count) { $0 + $1.utf8.count })
            for (offset, line) in body.enumerated() {
                if offset > 0 { text += "\n" }
                text += line
            }
            return Section(line: line, title: heading ?? SectionSplitter.title(from: lines[first...last], markdown: markdown), body: text)
        }
    }

    /// The first line of four words or more, else the first line with any text, without Markdown
    /// marks (and in Markdown, not code): lines are read only as far as that one.
    static func title(from lines: ArraySlice<String>, markdown: Bool) -> String {
        var first: String?
        // Not a line of code, in Markdown.
        var fences = MarkdownText.Fences()
        for line in lines where (!markdown || fences.role(of: line) == .text) && headingLevel(line) == nil {
            let text = markdown ? plainText(MarkdownText.plain(line), marks: false) : plainText(line)
            guard !text.isEmpty else { continue }
            if text.split(separator: " ", maxSplits: 3).count >= 4 { return shortened(text) }
            if first == nil { first = text }
        }
        return shortened(first ?? "")
    }

    private static func shortened(_ line: String) -> String {
        guard line.hasMoreCharacters(than: 150) else { return line }
        let cut = line.prefix(150)
        let end = cut.lastIndex(of: " ") ?? cut.endIndex
        return String(cut[..<end]) + "…"
    }

    // MARK: Markdown

    /// Each heading's level and text, by line: ATX headings (`# Titre`), and with `setext` (a `.md`
    /// file) Setext ones too, a line of text underlined by `===` (level 1) or `---` (level 2), whose
    /// underlines are left out of the text. A Setext heading is one line of text after a blank line
    /// (or a heading, or the start), as most pages write it: a `---` under a longer paragraph stays a
    /// rule, and so does one under front matter's lines.
    static func headings(of lines: [String], setext: Bool) -> (levels: [Int: (level: Int, text: String)], underlines: Set<Int>) {
        var levels: [Int: (level: Int, text: String)] = [:]
        var underlines = Set<Int>()
        // A `#` in fenced code is a comment, not a heading.
        let roles = MarkdownText.fenceRoles(lines)
        for (index, line) in lines.enumerated() where roles[index] == .text {
            if let level = headingLevel(line) {
                levels[index] = (level, headingText(line))
                continue
            }
            guard setext, index > 0, roles[index - 1] == .text, let level = underlineLevel(line), levels[index - 1] == nil,
                  !underlines.contains(index - 1) else { continue }
            let text = lines[index - 1]
            guard !text.isBlank, underlineLevel(text) == nil, !startsABlock(text),
                  index == 1 || lines[index - 2].isBlank || levels[index - 2] != nil else { continue }
            levels[index - 1] = (level, headingText(text))
            underlines.insert(index)
        }
        return (levels, underlines)
    }

    /// 1 for a Setext underline of `=`, 2 of `-`: three or more, indented by at most three spaces.
    private static func underlineLevel(_ line: String) -> Int? {
        let utf8 = line.utf8
        let indent = utf8.prefix { $0 == UInt8(ascii: " ") }.count
        guard indent <= 3, let mark = utf8.dropFirst(indent).first, mark == UInt8(ascii: "=") || mark == UInt8(ascii: "-") else { return nil }
        let rest = utf8.dropFirst(indent)
        let marks = rest.prefix { $0 == mark }.count
        guard marks >= 3, rest.dropFirst(marks).allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else { return nil }
        return mark == UInt8(ascii: "=") ? 1 : 2
    }

    /// A list item, a quote, a fence or indented code: not text a Setext underline can title.
    private static func startsABlock(_ line: String) -> Bool {
        if line.hasPrefix("    ") || line.hasPrefix("\t") { return true }
        let text = line.drop { $0 == " " }
        if text.hasPrefix(">") || text.hasPrefix("```") || text.hasPrefix("~~~") || text.hasPrefix("|") { return true }
        if text.hasPrefix("- ") || text.hasPrefix("* ") || text.hasPrefix("+ ") { return true }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        return !digits.isEmpty && (text.dropFirst(digits.count).hasPrefix(". ") || text.dropFirst(digits.count).hasPrefix(") "))
    }

    static func headingLevel(_ line: String) -> Int? {
        // Nearly every line is rejected by its first byte.
        guard line.utf8.first == UInt8(ascii: "#") else { return nil }
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    /// A line without list marks and (with `marks`) emphasis: `- **NOM** : X` → `NOM : X`.
    static func plainText(_ line: String, marks: Bool = true) -> String {
        var text = line.trimmed
        // Most lines have no mark: they are not filtered Character by Character.
        guard marks, text.utf8.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "_") }) else {
            if text.hasPrefix("- ") { text = String(text.dropFirst(2)).trimmed }
            return text
        }
        if text.hasPrefix("- ") || text.hasPrefix("* ") { text.removeFirst(2) }
        return text.filter { $0 != "*" && $0 != "_" }.trimmed
    }

    /// A heading's text as a page shows it: `# **L'alimentation** [durable](…)` → `L'alimentation durable`.
    static func headingText(_ line: String) -> String {
        MarkdownText.plain(line).trimmed
    }

    private func splitMarkdown(_ lines: [String], headings found: (levels: [Int: (level: Int, text: String)], underlines: Set<Int>)) -> [Draft] {
        // Each heading's level, text and upper-cased text, by line, worked out once.
        let headings = found.levels.mapValues { (level: $0.level, text: $0.text, name: $0.text.uppercased()) }
        let top = headings.values.map(\.level).min() ?? 1
        let lowerNames = Set(headings.values.filter { $0.level > top }.map(\.name))

        var drafts: [Draft] = [Draft(line: 1, heading: nil)]
        // The sub-heading that opens an entry (`FICHE IDENTITÉ`): when it comes round again, a new entry
        // has begun even though its top-level heading is missing.
        var opening: String?
        for (index, line) in lines.enumerated() where !found.underlines.contains(index) {
            let heading = headings[index]
            if let heading, heading.level == top, !lowerNames.contains(heading.name) {
                drafts.append(Draft(line: index + 1, heading: heading.text, headingLine: line))
                opening = nil
                continue
            }
            if let text = heading?.name {
                if opening == nil {
                    opening = text
                } else if text == opening {
                    drafts.append(Draft(line: index + 1, heading: nil))
                }
            }
            drafts[drafts.count - 1].lines.append(line)
        }
        // A heading with (next to) nothing under it titles a part: it joins the next section, whose
        // heading is the more specific title.
        var result: [Draft] = []
        var pending: Draft?
        // Blank lines before the first heading title nothing: the first section starts at that heading.
        for var draft in drafts where draft.heading != nil || draft.hasWords(atLeast: 1) {
            if let carried = pending {
                draft.lines = (carried.headingLine.map { [$0] } ?? []) + carried.lines + draft.lines
                draft.line = carried.line
                draft.heading = draft.heading ?? carried.heading
                pending = nil
            }
            if draft.hasWords(atLeast: minimumWords) { result.append(draft) } else { pending = draft }
        }
        if let carried = pending { result.append(carried) }
        return result
    }

    // MARK: Plain text

    static let separators: Set<String> = ["|", "---", "***", "___", "===", "* * *"]
    static let longestSeparator = separators.map(\.utf8.count).max()!

    static func isSeparator(_ line: String) -> Bool {
        // Longer lines are not hashed (a String's hash normalizes it).
        (line.utf8.count <= longestSeparator && separators.contains(line)) || line.hasPrefix(">>")
    }

    static func isCloser(_ line: String) -> Bool {
        line.hasPrefix("En savoir plus") || line.hasPrefix("Pour en savoir plus")
    }

    /// `Nombre de créations d’emplois : 60 emplois`: a label and a figure, not a title.
    static func isDataLine(_ line: String) -> Bool {
        guard let colon = line.firstRange(of: " : ") ?? line.firstRange(of: " :") else { return false }
        return line[colon.upperBound...].drop(while: \.isWhitespace).first?.isNumber == true
    }

    private func isTitle(_ lines: [String], at index: Int) -> Bool {
        // The tests that rule out most lines first: a next line of fewer bytes than the body length
        // has fewer characters too.
        guard index + 1 < lines.count, lines[index + 1].utf8.count >= titleBodyLength else { return false }
        let line = lines[index].trimmed
        guard let last = line.last, !".:;,".contains(last), !line.hasMoreCharacters(than: maximumTitleLength) else { return false }
        let next = lines[index + 1].trimmed
        // Trimmed, a line holds two words or more when it holds a space.
        return next.hasMoreCharacters(than: titleBodyLength - 1) && !Self.isCloser(next)
            && !line.contains("\t") && line.utf8.contains(UInt8(ascii: " "))
            && !line.contains("://") && !line.hasPrefix("www.") && !Self.isSeparator(line) && !Self.isCloser(line)
            && !Self.isDataLine(line)
    }

    private func splitPlain(_ lines: [String]) -> [Draft] {
        var drafts: [Draft] = []
        var current = Draft(line: 1, heading: nil)
        var closing = false
        func close(startingAt line: Int, heading: String? = nil) {
            drafts.append(current)
            current = Draft(line: line, heading: heading)
            closing = false
        }
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmed
            if Self.isSeparator(line) {
                close(startingAt: index + 2)
            } else if Self.isCloser(line) {
                current.lines.append(raw)
                closing = true
            } else if isTitle(lines, at: index) {
                close(startingAt: index + 1, heading: line)
            } else if closing && !line.isEmpty {
                close(startingAt: index + 1)
                current.lines.append(raw)
            } else {
                if current.lines.allSatisfy(\.isBlank) && current.heading == nil { current.line = index + 1 }
                current.lines.append(raw)
            }
        }
        drafts.append(current)
        return drafts.flatMap { draft in
            draft.hasStructure || draft.lines.reduce(0, { $0 + $1.utf8.count + 1 }) <= paragraphSplitBytes
                ? [draft] : paragraphs(of: draft)
        }
    }

    private func paragraphs(of draft: Draft) -> [Draft] {
        var result: [Draft] = []
        var current = Draft(line: draft.line, heading: nil)
        for (offset, line) in draft.lines.enumerated() {
            if line.isBlank {
                if current.hasWords(atLeast: minimumWords) {
                    result.append(current)
                    current = Draft(line: draft.line + offset + 1, heading: nil)
                } else if !current.lines.isEmpty {
                    current.lines.append(line)
                }
                continue
            }
            if current.lines.isEmpty { current.line = draft.line + offset }
            current.lines.append(line)
        }
        result.append(current)
        return result
    }

    // MARK: Small sections

    /// Sections too small to be an entry (a contact footer, a stray line) join the previous section.
    private func merged(_ drafts: [Draft]) -> [Draft] {
        var result: [Draft] = []
        for draft in drafts where draft.heading != nil || draft.hasWords(atLeast: 1) {
            if draft.isFragment(minimumWords: minimumWords), !result.isEmpty {
                result[result.count - 1].lines.append(contentsOf: draft.lines)
            } else if let last = result.last, last.isFragment(minimumWords: minimumWords) {
                var next = draft
                next.lines = last.lines + draft.lines
                next.line = last.line
                result[result.count - 1] = next
            } else {
                result.append(draft)
            }
        }
        return result
    }
}

extension StringProtocol {
    /// Empty or only white space.
    var isBlank: Bool { allSatisfy(\.isSpace) }

    /// Whether it has more than `count` Characters, walking no further than that (`count` walks them all).
    func hasMoreCharacters(than count: Int) -> Bool {
        // A Character takes a byte or more.
        guard utf8.count > count else { return false }
        var seen = 0
        for _ in self {
            seen += 1
            if seen > count { return true }
        }
        return false
    }

    /// Without the white space at either end; only that white space is walked.
    var trimmed: String {
        // Most lines start and end with an ASCII byte that is not white space: a Character that
        // starts there is not white space, and no white space ends with one.
        let bytes = utf8
        if let first = bytes.first, first < 0x80, !Self.isASCIISpace(first) {
            let last = bytes[bytes.index(bytes.startIndex, offsetBy: bytes.count - 1)]
            if last < 0x80 && !Self.isASCIISpace(last) { return String(self) }
        }
        guard let first = firstIndex(where: { !$0.isSpace }), let last = lastIndex(where: { !$0.isSpace }) else { return "" }
        return String(self[first...last])
    }

    private static func isASCIISpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
}

extension Character {
    /// `isWhitespace`, answered for ASCII (most of a text) without looking up Unicode's properties,
    /// which took a sixth of the splitting's time.
    var isSpace: Bool {
        if let ascii = asciiValue { return ascii == 0x20 || (0x09...0x0D).contains(ascii) }
        return isWhitespace
    }
}
