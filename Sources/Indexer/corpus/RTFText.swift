import Foundation

/// A Rich Text Format document (`.rtf`) as the page it shows, read in process as Word, WordPad and
/// LibreOffice write it (Microsoft's RTF 1.9.1): paragraphs, headings (a paragraph's outline level,
/// or its style's, or a style named `heading N` or `Title`), list items, table rows, footnotes where
/// they are cited and fields' results. Fonts, colours, pictures, headers and footers, comments,
/// fields' codes, list numbers, deleted revisions and hidden text are not shown. `\info` gives the
/// title and the document's properties.
enum RTFText {
    struct Failure: Error {
        var reason: String
    }

    /// The page as HTML (`HTMLText` reads it, as `OfficeText`'s), and the document's properties.
    static func page(of bytes: [UInt8]) throws(Failure) -> (html: String, properties: DocumentProperties) {
        guard bytes.starts(with: "{\\rtf".utf8) else { throw Failure(reason: "not an RTF document (it does not start with {\\rtf)") }
        var reader = Reader(bytes: bytes)
        reader.read()
        return (reader.writer.html(), reader.properties)
    }

    private enum Destination: Equatable {
        case body, footnote, info, stylesheet, style, property(String)
    }

    private struct Group {
        var destination = Destination.body
        var skipped = false
        var hidden = false
        var deleted = false
        var unicodeSkip = 1
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        var group = Group()
        var groups: [Group] = []
        var charset = LegacyCharset.windows1252
        var writer = OfficeText.PageWriter()
        var properties = DocumentProperties()
        var propertyText = ""
        // The paragraph being read, and its properties.
        var paragraph = ""
        var outlineLevel: Int?
        var style = 0
        var inTable = false
        var listItem = false
        var cells: [String] = []
        // The stylesheet: each style's heading level (0 the title), and the one being read.
        var styleLevels: [Int: Int] = [:]
        var styleNumber = 0
        var styleOutline: Int?
        var styleName = ""
        /// Characters left to pass over after `\u` (its fallback for readers without Unicode).
        var fallback = 0
        var highSurrogate: UInt32?

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func read() {
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "{"):
                    groups.append(group)
                    fallback = 0
                    if group.destination == .stylesheet {
                        group.destination = .style
                        (styleNumber, styleOutline, styleName) = (0, nil, "")
                    }
                case UInt8(ascii: "}"):
                    endGroup()
                case UInt8(ascii: "\\"):
                    control()
                case 0x0D, 0x0A:
                    break
                default:
                    text(character(byte))
                }
            }
            endParagraph()
        }

        mutating func endGroup() {
            fallback = 0
            switch group.destination {
            case .style where !group.skipped:
                let name = styleName.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: ";"))).lowercased()
                if let level = styleOutline.map({ $0 + 1 }) ?? Self.level(named: name) { styleLevels[styleNumber] = level }
            case .property(let name) where !group.skipped:
                switch name {
                case "title": writer.propertiesTitle = writer.propertiesTitle ?? propertyText
                case "author": properties.add(.author, propertyText)
                case "subject": properties.add(.description, propertyText)
                case "keywords": properties.add(.keywordList, propertyText)
                default: break
                }
            default:
                break
            }
            guard let outer = groups.popLast() else { return }
            group = outer
        }

        /// A style's heading level from its name, as Word names its built-in styles in any language's RTF.
        static func level(named name: String) -> Int? {
            if name == "title" || name == "titre" { return 0 }
            for prefix in ["heading ", "titre "] where name.hasPrefix(prefix) {
                if let number = Int(name.dropFirst(prefix.count)), (1...9).contains(number) { return number }
            }
            return nil
        }

        mutating func control() {
            guard index < bytes.count else { return }
            let first = bytes[index]
            guard Self.isLetter(first) else {
                index += 1
                switch first {
                case UInt8(ascii: "'"):
                    guard index + 2 <= bytes.count, let byte = UInt8(String(decoding: bytes[index..<index + 2], as: UTF8.self), radix: 16) else { return }
                    index += 2
                    text(character(byte))
                case UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"): text(Unicode.Scalar(first))
                case UInt8(ascii: "~"): text("\u{A0}")
                case UInt8(ascii: "_"): text("-")
                case UInt8(ascii: "*"): group.skipped = true
                case 0x0A, 0x0D: endParagraph()
                default: break
                }
                return
            }
            let start = index
            while index < bytes.count && Self.isLetter(bytes[index]) { index += 1 }
            let word = String(decoding: bytes[start..<index], as: UTF8.self)
            var parameter: Int?
            let numberStart = index
            if index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
            while index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") && index - numberStart < 10 { index += 1 }
            if index > numberStart { parameter = Int(String(decoding: bytes[numberStart..<index], as: UTF8.self)) }
            if index < bytes.count && bytes[index] == UInt8(ascii: " ") { index += 1 }
            controlWord(word, parameter)
        }

        mutating func controlWord(_ word: String, _ parameter: Int?) {
            switch word {
            case "par", "page", "sect": group.destination == .footnote ? text(" ") : endParagraph()
            case "line": text("\n")
            case "tab": text("\t")
            case "cell", "nestcell":
                cells.append(paragraph)
                paragraph = ""
            case "row", "nestrow":
                writer.row(cells)
                cells = []
            // A footnote's own paragraphs leave those of the paragraph that cites it as they are.
            case "pard" where group.destination != .footnote:
                (outlineLevel, style, inTable, listItem) = (nil, 0, false, false)
            case "intbl" where group.destination != .footnote: inTable = true
            case "ls" where group.destination != .footnote, "ilvl" where group.destination != .footnote: listItem = true
            case "s": if group.destination == .style { styleNumber = parameter ?? 0 } else if group.destination != .footnote { style = parameter ?? 0 }
            case "outlinelevel":
                if group.destination == .style { styleOutline = parameter } else if group.destination != .footnote { outlineLevel = parameter }
            case "plain": (group.hidden, group.deleted) = (false, false)
            case "v": group.hidden = parameter != 0
            case "deleted": group.deleted = parameter != 0
            case "uc": group.unicodeSkip = max(0, parameter ?? 1)
            case "u": unicode(parameter ?? 0)
            case "ansicpg": charset = parameter == 10000 ? .macRoman : .windows1252
            case "mac": charset = .macRoman
            case "bin":
                // Binary data: its bytes are no text.
                index = min(bytes.count, index + max(0, parameter ?? 0))
            case "footnote":
                // LibreOffice writes `{\*\footnote …}`: a destination fts knows, shown where it is cited.
                (group.destination, group.skipped) = (.footnote, false)
                text(" ")
            // A text box's text, in the shape Word writes `{\shp{\*\shpinst … {\shptxt …}}{\shprslt …}}`: read
            // once, its fallback for older readers (`\shprslt`) and the shape's properties (`\sp`) not.
            case "shpinst": group.skipped = false
            case "info": group.destination = .info
            case "stylesheet": group.destination = .stylesheet
            case "title", "author", "subject", "keywords":
                guard group.destination == .info else { break }
                group.destination = .property(word)
                propertyText = ""
            case "emdash": text("—")
            case "endash": text("–")
            case "bullet": text("•")
            case "lquote": text("‘")
            case "rquote": text("’")
            case "ldblquote": text("“")
            case "rdblquote": text("”")
            case "emspace", "enspace", "qmspace": text(" ")
            default:
                if Self.hiddenDestinations.contains(word) { group.skipped = true }
            }
        }

        /// The destinations whose text is not shown: tables of fonts, colours and lists, pictures,
        /// objects, shapes' properties and fallbacks, headers and footers, comments, fields' codes, list
        /// numbers, footnote separators.
        static let hiddenDestinations: Set<String> = [
            "fonttbl", "colortbl", "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnstbl", "themedata",
            "colorschememapping", "datastore", "latentstyles", "pict", "object", "shprslt", "sp", "nonshppict", "header", "footer",
            "headerl", "headerr", "headerf", "footerl", "footerr", "footerf", "pntext", "pntxta", "pntxtb", "listtext",
            "fldinst", "annotation", "atnid", "atnauthor", "atnref", "ftnsep", "ftnsepc", "aftnsep", "aftnsepc", "filetbl",
            "revtbl", "userprops", "docvar", "template", "bkmkstart", "bkmkend", "xe", "tc", "txe", "comment", "operator",
            "company", "manager", "category", "doccomm", "hlinkbase",
        ]

        mutating func unicode(_ parameter: Int) {
            // A signed 16-bit number (`\u-10179`): its low 16 bits are the UTF-16 code unit.
            let unit = UInt32(truncatingIfNeeded: parameter) & 0xFFFF
            if (0xD800...0xDBFF).contains(unit) {
                highSurrogate = unit
            } else if (0xDC00...0xDFFF).contains(unit), let high = highSurrogate {
                highSurrogate = nil
                Unicode.Scalar(0x10000 + (high - 0xD800) << 10 + (unit - 0xDC00)).map { text($0) }
            } else {
                Unicode.Scalar(unit).map { text($0) }
            }
            fallback = group.unicodeSkip
        }

        mutating func text(_ scalar: Unicode.Scalar) {
            if fallback > 0 {
                fallback -= 1
                return
            }
            guard !group.skipped, !group.hidden, !group.deleted else { return }
            switch group.destination {
            case .body, .footnote: paragraph.unicodeScalars.append(scalar)
            case .property: propertyText.unicodeScalars.append(scalar)
            case .style: styleName.unicodeScalars.append(scalar)
            case .info, .stylesheet: break
            }
        }

        /// The paragraph read is a line of the page, a table cell's paragraph a line of its cell.
        mutating func endParagraph() {
            if inTable {
                paragraph += "\n"
                return
            }
            let level = outlineLevel.map { $0 + 1 } ?? styleLevels[style]
            writer.paragraph(paragraph, level: level, listItem: listItem)
            paragraph = ""
        }

        /// A byte of text in the document's code page.
        func character(_ byte: UInt8) -> Unicode.Scalar {
            byte < 0x80 ? Unicode.Scalar(byte) : charset.scalar(byte)
        }

        static func isLetter(_ byte: UInt8) -> Bool {
            (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
        }
    }
}
