/// An HTML page as the Markdown of what it shows, so that `SectionSplitter` splits it as it splits a
/// `.md` page (at its top-level headings) and `MarkdownText` reads its text back: headings become
/// `#` lines, list items `- ` lines, paragraphs and other blocks lines of their own between blank
/// lines, table rows one line each; tags, comments, scripts, styles and the head's text go, entities
/// are decoded, and the text's own Markdown marks are escaped. A page with a `<main>` element shows
/// that alone (its menus, sidebars and dialogs are the site's, not the page's). The page's `<title>` titles it when no
/// heading comes first. Each line keeps the line of the page it starts on, for the sections' lines.
enum HTMLText {
    struct Page {
        var lines: [String]
        /// For each line, the 1-based line of the page it starts on.
        var sourceLines: [Int]
    }

    /// `titled`: whether the page's `<title>` titles what comes before its first heading (an EPUB's
    /// chapters are pages of one book, most titled by the book).
    static func markdown(_ text: String, titled: Bool = true) -> Page {
        var converter = Converter()
        converter.titled = titled
        var text = text
        text.withUTF8 { bytes in
            converter.onlyMain = converter.endTag("main", in: bytes, from: 0, opening: true) < bytes.count
            converter.convert(bytes)
        }
        return converter.page()
    }

    /// The charset a page declares in its first 1,024 bytes, as browsers' prescan finds it (WHATWG
    /// HTML, "prescan a byte stream"): a `<meta charset="…">`, or a `<meta http-equiv="content-type"
    /// content="text/html; charset=…">`, outside comments; its label trimmed and lowercased.
    static func declaredCharset<C: Collection>(_ page: C) -> String? where C.Element == UInt8 {
        let bytes = Array(page.prefix(1024))
        var index = 0
        while let open = bytes[index...].firstIndex(of: UInt8(ascii: "<")) {
            if bytes[open...].starts(with: "<!--".utf8) {
                guard let close = bytes.firstIndex(of: "-->", from: open + 4) else { return nil }
                index = close + 3
                continue
            }
            index = open + 1
            guard open + 5 < bytes.count, bytes[(open + 1)..<(open + 5)].map({ $0 | 0x20 }).elementsEqual("meta".utf8),
                  isSpace(bytes[open + 5]) || bytes[open + 5] == UInt8(ascii: "/") else { continue }
            var attributes: [String: String] = [:]
            index = open + 5
            while let (name, value, next) = attribute(in: bytes, at: index) {
                if attributes[name] == nil { attributes[name] = value }
                index = next
            }
            if let charset = attributes["charset"] { return label(charset) }
            if attributes["http-equiv"]?.lowercased() == "content-type", let content = attributes["content"],
               let charset = charset(inContent: Array(content.utf8)) {
                return label(charset)
            }
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    private static func label(_ text: String) -> String? {
        let trimmed = text.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The attribute at `start` of a tag being read: its lowercased name, its value, and where the
    /// next one starts; nil at the tag's end.
    private static func attribute(in bytes: [UInt8], at start: Int) -> (String, String, Int)? {
        var index = start
        while index < bytes.count && (isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/")) { index += 1 }
        guard index < bytes.count, bytes[index] != UInt8(ascii: ">") else { return nil }
        let nameStart = index
        while index < bytes.count && !isSpace(bytes[index]) && bytes[index] != UInt8(ascii: "=") && bytes[index] != UInt8(ascii: ">")
                && (index == nameStart || bytes[index] != UInt8(ascii: "/")) {
            index += 1
        }
        let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
        while index < bytes.count && isSpace(bytes[index]) { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { return (name, "", index) }
        index += 1
        while index < bytes.count && isSpace(bytes[index]) { index += 1 }
        guard index < bytes.count else { return (name, "", index) }
        let quote = bytes[index]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            let end = bytes[(index + 1)...].firstIndex(of: quote) ?? bytes.count
            return (name, String(decoding: bytes[(index + 1)..<end], as: UTF8.self), min(end + 1, bytes.count))
        }
        let valueStart = index
        while index < bytes.count && !isSpace(bytes[index]) && bytes[index] != UInt8(ascii: ">") { index += 1 }
        return (name, String(decoding: bytes[valueStart..<index], as: UTF8.self), index)
    }

    /// The charset in a content-type's value (`text/html; charset=ISO-8859-15`), as the WHATWG
    /// "extracting a character encoding from a meta element" reads it.
    private static func charset(inContent content: [UInt8]) -> String? {
        let lowered = content.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        var from = 0
        while let found = lowered.firstIndex(of: "charset", from: from) {
            var index = found + 7
            while index < content.count && isSpace(content[index]) { index += 1 }
            guard index < content.count, content[index] == UInt8(ascii: "=") else { from = found + 7; continue }
            index += 1
            while index < content.count && isSpace(content[index]) { index += 1 }
            guard index < content.count else { return nil }
            let quote = content[index]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                guard let end = content[(index + 1)...].firstIndex(of: quote) else { return nil }
                return String(decoding: content[(index + 1)..<end], as: UTF8.self)
            }
            let end = content[index...].firstIndex { isSpace($0) || $0 == UInt8(ascii: ";") } ?? content.count
            return String(decoding: content[index..<end], as: UTF8.self)
        }
        return nil
    }

    /// Elements whose content is not shown.
    private static let hidden: Set<String> = ["template", "noscript", "svg", "head"]
    /// Elements whose content is not markup and not shown: skipped to their end tag, unread.
    private static let rawText: Set<String> = ["script", "style"]
    /// Elements that start and end a block of their own.
    private static let blocks: Set<String> = [
        "p", "div", "section", "article", "main", "header", "footer", "nav", "aside", "blockquote", "figure", "figcaption",
        "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "caption", "form", "fieldset", "legend", "address",
        "details", "summary", "center", "body", "html", "hr", "pre", "tr", "li",
    ]
    /// Punctuation that Markdown could read as a mark, escaped in the page's text.
    private static let marks = Set("\\`~*_[]<>#|-=".utf8)

    private struct Converter {
        var lines: [String] = []
        var sourceLines: [Int] = []
        var line: [UInt8] = []
        var lineStart = 1
        var sourceLine = 1
        var pendingSpace = false
        var title: [UInt8]?
        var inTitle = false
        /// The hidden element being skipped, and how deep in it.
        var hiding: (name: String, depth: Int)?
        var preformatted = 0
        /// The smallest heading level of the page, for its title's heading.
        var topLevel = 7
        var headingBeforeText = false
        var titled = true
        /// Whether the page has a `<main>`, and how deep in one the text being read stands.
        var onlyMain = false
        var mainDepth = 0
        var hiddenOutsideMain: Bool { onlyMain && mainDepth == 0 }

        mutating func convert(_ bytes: UnsafeBufferPointer<UInt8>) {
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "<"), let end = markupEnd(bytes, at: index) {
                    countLines(bytes, index..<end)
                    var next = end
                    if let raw = tag(bytes, index..<end) {
                        // To the end tag, whatever the script or style holds (`a<b`, quotes).
                        next = endTag(raw, in: bytes, from: end)
                        countLines(bytes, end..<next)
                    }
                    index = next
                    continue
                }
                if byte == UInt8(ascii: "\n") { sourceLine += 1 }
                if hiding != nil && !inTitle { index += 1; continue }
                if byte == UInt8(ascii: "&"), let (decoded, end) = entity(bytes, at: index) {
                    text(decoded)
                    index = end
                    continue
                }
                text(CollectionOfOne(byte))
                index += 1
            }
            flush()
        }

        mutating func countLines(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
            for index in range where bytes[index] == UInt8(ascii: "\n") { sourceLine += 1 }
        }

        /// Where the comment, declaration or tag opened at `open` ends; nil for a `<` that opens none.
        func markupEnd(_ bytes: UnsafeBufferPointer<UInt8>, at open: Int) -> Int? {
            let rest = UnsafeBufferPointer(rebasing: bytes[open...])
            if rest.starts(with: "<!--".utf8) {
                guard let close = bytes.firstIndex(of: "-->", from: open + 4) else { return bytes.count }
                return close + 3
            }
            guard open + 1 < bytes.count else { return nil }
            let first = bytes[open + 1]
            let isLetter = (first | 0x20) >= UInt8(ascii: "a") && (first | 0x20) <= UInt8(ascii: "z")
            guard isLetter || first == UInt8(ascii: "/") || first == UInt8(ascii: "!") || first == UInt8(ascii: "?") else { return nil }
            // To the `>` outside quotes.
            var quote: UInt8?
            var index = open + 1
            while index < bytes.count {
                let byte = bytes[index]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    return index + 1
                }
                index += 1
            }
            return bytes.count
        }

        /// Where `</name>` (or with `opening`, `<name>`) ends after `start`, its name in any case; the
        /// page's end without one.
        func endTag(_ name: String, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, opening: Bool = false) -> Int {
            let target = Array(((opening ? "<" : "</") + name).utf8)
            var index = start
            while index + target.count < bytes.count {
                if bytes[index] == UInt8(ascii: "<") && zip(bytes[index..<(index + target.count)], target).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) {
                    let after = bytes[index + target.count]
                    if after == UInt8(ascii: ">") || after == UInt8(ascii: " ") || after == UInt8(ascii: "\t") || after == UInt8(ascii: "\n") {
                        return bytes[(index + target.count)...].firstIndex(of: UInt8(ascii: ">")).map { $0 + 1 } ?? bytes.count
                    }
                }
                index += 1
            }
            return bytes.count
        }

        /// Reads a tag; returns the name of a script or style it opens, whose content is to be skipped.
        mutating func tag(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
            var index = range.lowerBound + 1
            let closing = index < range.upperBound && bytes[index] == UInt8(ascii: "/")
            if closing { index += 1 }
            var name: [UInt8] = []
            while index < range.upperBound, (bytes[index] | 0x20) >= UInt8(ascii: "a") && (bytes[index] | 0x20) <= UInt8(ascii: "z")
                    || (bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9")) {
                name.append(bytes[index] | 0x20)
                index += 1
            }
            let element = String(decoding: name, as: UTF8.self)
            if let hidden = hiding {
                // Inside a hidden element only its own tags count (a `<title>` in the head too).
                if element == "title" && hidden.name == "head" { inTitle = !closing; if !closing { title = [] } }
                if HTMLText.rawText.contains(element) && !closing { return element }
                guard element == hidden.name else { return nil }
                hiding = closing ? (hidden.depth > 1 ? (hidden.name, hidden.depth - 1) : nil) : (hidden.name, hidden.depth + 1)
                return nil
            }
            let selfClosing = bytes[range.upperBound - 2] == UInt8(ascii: "/")
            if HTMLText.rawText.contains(element) && !closing && !selfClosing { return element }
            if HTMLText.hidden.contains(element) && !closing && !selfClosing {
                hiding = (element, 1)
                return nil
            }
            if element == "title" {
                inTitle = !closing
                if !closing { title = [] }
                return nil
            }
            if element == "main" && !selfClosing { mainDepth = max(0, mainDepth + (closing ? -1 : 1)) }
            if hiddenOutsideMain { return nil }
            if element.count == 2, element.first == "h", let level = Int(element.dropFirst()), (1...6).contains(level) {
                flush(blank: true)
                if !closing {
                    if lines.isEmpty { headingBeforeText = true }
                    topLevel = min(topLevel, level)
                    line = Array(repeating: UInt8(ascii: "#"), count: level) + [UInt8(ascii: " ")]
                    lineStart = sourceLine
                }
                return nil
            }
            switch element {
            case "br":
                flush()
            case "pre":
                flush(blank: true)
                preformatted = max(0, preformatted + (closing ? -1 : 1))
            case "li" where !closing:
                flush()
                line = Array("- ".utf8)
                lineStart = sourceLine
            case "td", "th":
                pendingSpace = !line.isEmpty
            case _ where HTMLText.blocks.contains(element):
                flush(blank: element != "tr" && element != "li")
            default:
                break
            }
            return nil
        }

        /// The character an entity at `open` stands for (`&eacute;`, `&#233;`, `&#xE9;`), and where it ends.
        func entity(_ bytes: UnsafeBufferPointer<UInt8>, at open: Int) -> ([UInt8], Int)? {
            var end = open + 1
            while end < bytes.count && end - open <= 10 && bytes[end] != UInt8(ascii: ";") { end += 1 }
            guard end < bytes.count, bytes[end] == UInt8(ascii: ";"), end > open + 1 else { return nil }
            let name = String(decoding: bytes[(open + 1)..<end], as: UTF8.self)
            let scalar: Unicode.Scalar?
            if name.hasPrefix("#x") || name.hasPrefix("#X") {
                scalar = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
            } else if name.hasPrefix("#") {
                scalar = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init)
            } else {
                scalar = HTMLText.entities[name]
            }
            guard let scalar, scalar.value != 0 else { return nil }
            return (Array(String(Character(scalar)).utf8), end + 1)
        }

        mutating func text<C: Collection>(_ bytes: C) where C.Element == UInt8 {
            if inTitle {
                title?.append(contentsOf: bytes)
                return
            }
            if hiddenOutsideMain { return }
            for byte in bytes {
                if preformatted == 0 && (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")) {
                    pendingSpace = !line.isEmpty
                    continue
                }
                if preformatted > 0 && byte == UInt8(ascii: "\n") {
                    flush()
                    continue
                }
                if line.isEmpty { lineStart = sourceLine }
                if pendingSpace && !line.isEmpty && line.last != UInt8(ascii: " ") { line.append(UInt8(ascii: " ")) }
                pendingSpace = false
                if HTMLText.marks.contains(byte) { line.append(UInt8(ascii: "\\")) }
                line.append(byte)
            }
        }

        /// Ends the line being written; `blank` then leaves a blank line, as between paragraphs.
        mutating func flush(blank: Bool = false) {
            var trimmed = line
            while trimmed.last == UInt8(ascii: " ") { trimmed.removeLast() }
            let onlyMarks = trimmed.allSatisfy { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: " ") }
            if !trimmed.isEmpty && !onlyMarks {
                lines.append(String(decoding: trimmed, as: UTF8.self))
                sourceLines.append(lineStart)
            }
            line = []
            pendingSpace = false
            if blank && lines.last?.isEmpty == false {
                lines.append("")
                sourceLines.append(sourceLine)
            }
        }

        /// The lines, under the title's heading when the page has a title and no heading comes first.
        func page() -> Page {
            var result = Page(lines: lines, sourceLines: sourceLines)
            while result.lines.last?.isEmpty == true {
                result.lines.removeLast()
                result.sourceLines.removeLast()
            }
            let shownTitle = title.map { String(decoding: $0, as: UTF8.self).singleSpaced } ?? ""
            if titled && !shownTitle.isEmpty && !headingBeforeText {
                var escaped = ""
                for character in shownTitle {
                    if let ascii = character.asciiValue, HTMLText.marks.contains(ascii) { escaped.append("\\") }
                    escaped.append(character)
                }
                let level = min(topLevel, 6)
                let heading = String(repeating: "#", count: level == 7 ? 1 : level) + " " + escaped
                let titled = result.lines.isEmpty ? [heading] : [heading, ""]
                result.lines.insert(contentsOf: titled, at: 0)
                result.sourceLines.insert(contentsOf: titled.map { _ in 1 }, at: 0)
            }
            return result
        }
    }

    /// The named entities of Latin-1, French typography and HTML's own.
    static let entities: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "shy": "\u{AD}",
        "laquo": "«", "raquo": "»", "lsquo": "‘", "rsquo": "’", "sbquo": "‚", "ldquo": "“", "rdquo": "”", "bdquo": "„",
        "hellip": "…", "ndash": "–", "mdash": "—", "thinsp": "\u{2009}", "ensp": "\u{2002}", "emsp": "\u{2003}", "nnbsp": "\u{202F}",
        "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "copy": "©", "reg": "®", "trade": "™", "deg": "°", "middot": "·",
        "bull": "•", "times": "×", "divide": "÷", "sect": "§", "para": "¶", "plusmn": "±", "frac12": "½", "frac14": "¼",
        "frac34": "¾", "sup2": "²", "sup3": "³", "ordf": "ª", "ordm": "º", "iexcl": "¡", "iquest": "¿", "dagger": "†",
        "agrave": "à", "aacute": "á", "acirc": "â", "atilde": "ã", "auml": "ä", "aring": "å", "aelig": "æ", "ccedil": "ç",
        "egrave": "è", "eacute": "é", "ecirc": "ê", "euml": "ë", "igrave": "ì", "iacute": "í", "icirc": "î", "iuml": "ï",
        "eth": "ð", "ntilde": "ñ", "ograve": "ò", "oacute": "ó", "ocirc": "ô", "otilde": "õ", "ouml": "ö", "oslash": "ø",
        "ugrave": "ù", "uacute": "ú", "ucirc": "û", "uuml": "ü", "yacute": "ý", "thorn": "þ", "yuml": "ÿ", "szlig": "ß",
        "oelig": "œ", "scaron": "š", "zcaron": "ž",
        "Agrave": "À", "Aacute": "Á", "Acirc": "Â", "Atilde": "Ã", "Auml": "Ä", "Aring": "Å", "AElig": "Æ", "Ccedil": "Ç",
        "Egrave": "È", "Eacute": "É", "Ecirc": "Ê", "Euml": "Ë", "Igrave": "Ì", "Iacute": "Í", "Icirc": "Î", "Iuml": "Ï",
        "ETH": "Ð", "Ntilde": "Ñ", "Ograve": "Ò", "Oacute": "Ó", "Ocirc": "Ô", "Otilde": "Õ", "Ouml": "Ö", "Oslash": "Ø",
        "Ugrave": "Ù", "Uacute": "Ú", "Ucirc": "Û", "Uuml": "Ü", "Yacute": "Ý", "THORN": "Þ", "Yuml": "Ÿ",
        "OElig": "Œ", "Scaron": "Š", "Zcaron": "Ž",
    ]
}
