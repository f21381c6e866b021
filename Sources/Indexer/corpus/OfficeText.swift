/// A word processor's document, Word's `.docx` (Office Open XML) or LibreOffice's `.odt`
/// (OpenDocument), as an HTML page of the text it shows, which `HTMLText` then reads as it reads
/// any page: paragraphs of a heading style or outline level are headings (which split it), list
/// paragraphs are items, table rows are lines; the paragraph styled as the document's Title (else the
/// title of its properties) titles what comes before its first heading. Deleted and moved-from
/// revisions, hidden text, comments and fields' codes are not shown; footnotes and endnotes stand where they are
/// cited. Each paragraph is a line of the page, so a section's line is the number of its first
/// paragraph.
enum OfficeText {
    enum Format { case docx, odt }

    static func html(of archive: ZipArchive, format: Format) throws(ZipArchive.Failure) -> String {
        switch format {
        case .docx:
            guard let document = try archive.data(of: "word/document.xml") else {
                throw ZipArchive.Failure(reason: "not a Word document (no word/document.xml)")
            }
            let styles = try archive.data(of: "word/styles.xml").map(WordStyles.init) ?? WordStyles()
            var page = PageWriter(propertiesTitle: try propertiesTitle(of: archive, format: format))
            var notes: [String: String] = [:]
            for (part, element) in [("word/footnotes.xml", "w:footnote"), ("word/endnotes.xml", "w:endnote")] {
                if let xml = try archive.data(of: part) { notes.merge(wordNotes(xml, element: element)) { first, _ in first } }
            }
            readWord(document, styles: styles, notes: notes, into: &page)
            return page.html()
        case .odt:
            guard let content = try archive.data(of: "content.xml") else {
                throw ZipArchive.Failure(reason: "not an OpenDocument text (no content.xml)")
            }
            let styles = try archive.data(of: "styles.xml").map(OpenDocumentStyles.init) ?? OpenDocumentStyles()
            var page = PageWriter(propertiesTitle: try propertiesTitle(of: archive, format: format))
            readOpenDocument(content, styles: styles, into: &page)
            return page.html()
        }
    }

    /// The title of the document's properties. (A presentation keeps its properties in the same
    /// part as a document of its format: `.pptx` as `.docx`, `.odp` as `.odt`.)
    static func propertiesTitle(of archive: ZipArchive, format: Format) throws(ZipArchive.Failure) -> String? {
        try archive.data(of: format == .docx ? "docProps/core.xml" : "meta.xml").flatMap { firstText(of: "dc:title", in: $0) }
    }

    /// The title of the properties, on one line (nil when there is none), and the other properties,
    /// of a package that keeps them where a document of `format` does: a presentation or a workbook.
    static func titleAndProperties(of archive: ZipArchive, format: Format) throws(ZipArchive.Failure) -> (title: String?, properties: DocumentProperties) {
        let title = try propertiesTitle(of: archive, format: format)?.singleSpaced
        return (title?.isEmpty == false ? title : nil, try properties(of: archive, format: format))
    }

    /// The document's properties beyond its title (`DocumentProperties`).
    static func properties(of archive: ZipArchive, format: Format) throws(ZipArchive.Failure) -> DocumentProperties {
        switch format {
        case .docx: try archive.data(of: "docProps/core.xml").map { DocumentProperties.read($0, elements: DocumentProperties.word) } ?? DocumentProperties()
        case .odt: try archive.data(of: "meta.xml").map { DocumentProperties.read($0, elements: DocumentProperties.openDocument) } ?? DocumentProperties()
        }
    }

    /// The page being written: one line a paragraph, heading or table row.
    struct PageWriter {
        var propertiesTitle: String?
        var title: String?
        var lines: [String] = []

        mutating func paragraph(_ text: String, level: Int?, listItem: Bool) {
            guard let shown = Self.shown(text) else { return }
            if level == 0 && title == nil {
                title = text
            } else if let level, level > 0 {
                let tag = "h\(min(level, 6))"
                lines.append("<\(tag)>\(shown)</\(tag)>")
            } else {
                lines.append(listItem ? "<li>\(shown)</li>" : "<p>\(shown)</p>")
            }
        }

        mutating func row(_ cells: [String]) {
            let shown = cells.compactMap(Self.shown)
            guard !shown.isEmpty else { return }
            lines.append("<table><tr>" + shown.map { "<td>\($0)</td>" }.joined() + "</tr></table>")
        }

        /// The text escaped for HTML, its line breaks as `<br>`; nil when it shows nothing.
        private static func shown(_ text: String) -> String? {
            guard text.contains(where: { !$0.isWhitespace }) else { return nil }
            guard text.utf8.contains(where: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == 0x0A }) else {
                return text
            }
            return text.escaping(["&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "<br>"])
        }

        func html() -> String {
            let title = (title ?? propertiesTitle).flatMap(Self.shown).map { "<title>\($0)</title>" } ?? ""
            return title + lines.joined(separator: "\n")
        }
    }

    /// The text of the first element of that name, as in a document's properties (`dc:title`).
    private static func firstText(of element: String, in xml: [UInt8]) -> String? {
        var scanner = XMLScanner(xml, attributesOf: [])
        var text: String?
        while let event = scanner.next() {
            switch event {
            case .start(let name, _, let selfClosing) where name == element:
                if selfClosing { return nil }
                text = ""
            case .text(let chunk) where text != nil: text! += chunk
            case .end(let name) where name == element: return text
            default: break
            }
        }
        return nil
    }

    /// Reads the elements of one paragraph, table and skipped element at a time, for both formats.
    private struct ParagraphReader {
        var text = ""
        var depth = 0
        var style: String?
        var outline: Int?
        var listItem = false
        var tableDepth = 0
        var cells: [String] = []
        var cell = ""
        /// The element whose content is not shown, while inside one.
        var skipping = SkippedElement()

        var inParagraph: Bool { depth > 0 }

        mutating func startParagraph(style: String?, outline: Int?, listItem: Bool) {
            if depth == 0 {
                text = ""
                self.style = style
                self.outline = outline
                self.listItem = listItem
            } else {
                text += " "
            }
            depth += 1
        }

        /// Ends a paragraph: the text of an outermost one, when not in a table's cell.
        mutating func endParagraph() -> String? {
            depth = max(0, depth - 1)
            guard depth == 0 else {
                // A text box's or a note's paragraph ends inside another's: a space, not a new paragraph.
                text += " "
                return nil
            }
            if tableDepth > 0 {
                cell += cell.isEmpty ? text : " " + text
                return nil
            }
            return text
        }

        mutating func skip(_ selfClosing: Bool) {
            skipping.start(selfClosing: selfClosing)
        }

        /// True while skipping.
        mutating func skipped(_ event: XMLScanner.Event) -> Bool {
            skipping.consumes(event)
        }
    }

    // MARK: Word

    /// Word's styles (styles.xml): each paragraph style's heading level (0 for the Title, 1–9 for an
    /// outline level or a built-in "heading N", whatever the language of its shown name; from the
    /// style it is based on otherwise), and whether a style hides its text or shows it (`w:vanish`,
    /// its own or its base's; none for a style that says neither).
    private struct WordStyles {
        var levels: [String: Int] = [:]
        var hiding: [String: Bool] = [:]

        init() {}

        init(_ xml: [UInt8]) {
            struct Style { var isCharacter = false, name = "", basedOn: String?, outline: Int?, hides: Bool? }
            var styles: [String: Style] = [:]
            var current: (id: String, style: Style)?
            var scanner = XMLScanner(xml, attributesOf: ["w:style", "w:name", "w:basedOn", "w:outlineLvl", "w:vanish"])
            while let event = scanner.next() {
                switch event {
                case .start("w:style", let attributes, _):
                    let type = attributes["w:type"]
                    current = type == "paragraph" || type == "character"
                        ? attributes["w:styleId"].map { ($0, Style(isCharacter: type == "character")) } : nil
                case .start("w:name", let attributes, _): current?.style.name = attributes["w:val"]?.lowercased() ?? ""
                case .start("w:basedOn", let attributes, _): current?.style.basedOn = attributes["w:val"]
                case .start("w:outlineLvl", let attributes, _): current?.style.outline = attributes["w:val"].flatMap { Int($0) }
                case .start("w:vanish", let attributes, _): current?.style.hides = OfficeText.isOn(attributes["w:val"])
                case .end("w:style"):
                    if let current { styles[current.id] = current.style }
                    current = nil
                default: break
                }
            }
            func level(_ id: String, hops: Int) -> Int? {
                guard let style = styles[id], !style.isCharacter, hops < 10 else { return nil }
                if let outline = style.outline { return (0...8).contains(outline) ? outline + 1 : nil }
                if style.name == "title" { return 0 }
                if style.name.hasPrefix("heading "), let number = Int(style.name.dropFirst(8)), (1...9).contains(number) { return number }
                return style.basedOn.flatMap { level($0, hops: hops + 1) }
            }
            func hides(_ id: String, hops: Int) -> Bool? {
                guard let style = styles[id], hops < 10 else { return nil }
                return style.hides ?? style.basedOn.flatMap { hides($0, hops: hops + 1) }
            }
            for id in styles.keys {
                if let level = level(id, hops: 0) { levels[id] = level }
                if let hides = hides(id, hops: 0) { hiding[id] = hides }
            }
        }
    }

    /// Whether an on-off property's `w:val` sets it: absent, `true`, `1` or `on`.
    static func isOn(_ value: String?) -> Bool { !["false", "0", "off"].contains(value ?? "true") }

    /// The text of each footnote (or endnote), by its kind and id (`w:footnote 2`), its paragraphs
    /// joined by spaces.
    private static func wordNotes(_ xml: [UInt8], element: String) -> [String: String] {
        var notes: [String: String] = [:]
        var current: (id: String, text: String)?
        var inText = false
        var scanner = XMLScanner(xml, attributesOf: [element])
        while let event = scanner.next() {
            switch event {
            case .start(let name, let attributes, let selfClosing) where name == element && !selfClosing:
                current = attributes["w:id"].map { ("\(element) \($0)", "") }
            case .end(let name) where name == element:
                if let current { notes[current.id] = current.text }
                current = nil
            case .start("w:p", _, false): if current?.text.isEmpty == false { current?.text += " " }
            case .start("w:t", _, let selfClosing): inText = !selfClosing
            case .end("w:t"): inText = false
            case .text(let chunk) where inText: current?.text += chunk
            default: break
            }
        }
        return notes
    }

    private static func readWord(_ xml: [UInt8], styles: WordStyles, notes: [String: String], into page: inout PageWriter) {
        var reader = ParagraphReader()
        var inText = false
        // A run's text is hidden or shown by its own `w:vanish`, else its character style's, else its
        // paragraph style's (looked up once a paragraph), as Word resolves them; a paragraph mark's,
        // read before its runs, do not hide the paragraph's.
        var hiddenRun: Bool?, hiddenByStyle: Bool?, hiddenByParagraphStyle: Bool?
        var scanner = XMLScanner(xml, attributesOf: ["w:pStyle", "w:outlineLvl", "w:footnoteReference", "w:endnoteReference", "w:vanish", "w:rStyle"])
        while let event = scanner.next() {
            if reader.skipped(event) { continue }
            switch event {
            case .start(let name, let attributes, let selfClosing):
                switch name {
                case "w:p" where !selfClosing:
                    if !reader.inParagraph { hiddenByParagraphStyle = nil }
                    reader.startParagraph(style: nil, outline: nil, listItem: false)
                case "w:pStyle" where reader.depth == 1:
                    reader.style = attributes["w:val"]
                    hiddenByParagraphStyle = reader.style.flatMap { styles.hiding[$0] }
                case "w:outlineLvl" where reader.depth == 1:
                    reader.outline = attributes["w:val"].flatMap { Int($0) }.flatMap { (0...8).contains($0) ? $0 + 1 : nil }
                case "w:numPr" where reader.depth == 1: reader.listItem = true
                case "w:r" where !selfClosing: (hiddenRun, hiddenByStyle) = (nil, nil)
                case "w:vanish": hiddenRun = isOn(attributes["w:val"])
                case "w:rStyle": hiddenByStyle = attributes["w:val"].flatMap { styles.hiding[$0] }
                case "w:t" where !selfClosing && !(hiddenRun ?? hiddenByStyle ?? hiddenByParagraphStyle ?? false): inText = true
                case "w:tab": reader.text += "\t"
                case "w:br", "w:cr": reader.text += "\n"
                case "w:noBreakHyphen": reader.text += "-"
                case "w:footnoteReference", "w:endnoteReference":
                    let element = name == "w:footnoteReference" ? "w:footnote" : "w:endnote"
                    if let note = attributes["w:id"].flatMap({ notes["\(element) \($0)"] }) { reader.text += " " + note }
                case "w:tbl" where !selfClosing: reader.tableDepth += 1
                case "w:tr" where reader.tableDepth == 1: reader.cells = []
                case "w:tc" where reader.tableDepth == 1: reader.cell = ""
                case "mc:Fallback", "w:moveFrom": reader.skip(selfClosing)
                default: break
                }
            case .end(let name):
                switch name {
                case "w:p":
                    let style = reader.style.flatMap { styles.levels[$0] }
                    if let text = reader.endParagraph() {
                        page.paragraph(text, level: reader.outline ?? style, listItem: reader.listItem)
                    }
                case "w:t": inText = false
                case "w:tbl": reader.tableDepth = max(0, reader.tableDepth - 1)
                case "w:tc" where reader.tableDepth == 1: reader.cells.append(reader.cell)
                case "w:tr" where reader.tableDepth == 1: page.row(reader.cells)
                default: break
                }
            case .text(let chunk):
                if inText && reader.inParagraph { reader.text += chunk }
            }
        }
    }

    // MARK: OpenDocument

    /// A part's styles (common styles in styles.xml, automatic ones in content.xml): each paragraph
    /// style's parent, outline level and whether it hides its text or shows it (`text:display`; none
    /// when it says neither, or hides it on a condition), and the text styles that hide their text
    /// and those that show it.
    private struct OpenDocumentStyles {
        var paragraphs: [String: (parent: String?, outline: Int?, hides: Bool?)] = [:]
        var hidingText: Set<String> = []
        var showingText: Set<String> = []

        init() {}

        init(_ xml: [UInt8]) {
            var scanner = XMLScanner(xml, attributesOf: ["style:style", "style:text-properties"])
            var textStyle: String?, paragraphStyle: String?
            while let event = scanner.next() {
                switch event {
                // Styles come before the body (content.xml's automatic ones too): the text is not read for them.
                case .start("office:body", _, _): return
                case .start("style:style", let attributes, _):
                    textStyle = attributes["style:family"] == "text" ? attributes["style:name"] : nil
                    paragraphStyle = attributes["style:family"] == "paragraph" ? attributes["style:name"] : nil
                    if let paragraphStyle {
                        paragraphs[paragraphStyle] = (attributes["style:parent-style-name"],
                                                      attributes["style:default-outline-level"].flatMap { Int($0) }, nil)
                    }
                case .start("style:text-properties", let attributes, _):
                    if let textStyle, attributes["text:display"] == "none" { hidingText.insert(textStyle) }
                    if let textStyle, attributes["text:display"] == "true" { showingText.insert(textStyle) }
                    if let paragraphStyle, let display = attributes["text:display"], display != "condition" {
                        paragraphs[paragraphStyle]?.hides = display == "none"
                    }
                default: break
                }
            }
        }

        func merging(_ automatic: OpenDocumentStyles) -> OpenDocumentStyles {
            var merged = self
            merged.paragraphs.merge(automatic.paragraphs) { _, automatic in automatic }
            merged.hidingText.formUnion(automatic.hidingText)
            merged.showingText.formUnion(automatic.showingText)
            return merged
        }
    }

    private static func readOpenDocument(_ xml: [UInt8], styles common: OpenDocumentStyles, into page: inout PageWriter) {
        let all = common.merging(OpenDocumentStyles(xml))
        let styles = all.paragraphs
        /// 0 for the Title, 1–10 for a heading, from the style or the one it derives from.
        func level(_ style: String?) -> Int? {
            var style = style
            for _ in 0..<10 {
                guard let name = style else { return nil }
                if name == "Title" { return 0 }
                if let outline = styles[name]?.outline, outline > 0 { return outline }
                if name.hasPrefix("Heading_20_"), let number = Int(name.dropFirst(11)), number > 0 { return number }
                style = styles[name]?.parent
            }
            return nil
        }
        /// The paragraph styles that hide their text, their own `text:display` or the one they derive
        /// from's: worked out once, so that a paragraph costs a lookup only in documents that have any.
        let hiding = Set(styles.keys.filter { name in
            var style: String? = name
            for _ in 0..<10 {
                guard let current = style else { return false }
                if let hides = styles[current]?.hides { return hides }
                style = styles[current]?.parent
            }
            return false
        })
        func hides(_ style: String?) -> Bool { !hiding.isEmpty && style.map(hiding.contains) == true }
        var reader = ParagraphReader()
        var listDepth = 0
        // In a paragraph whose style hides its text, whether each span open shows its own (a text
        // style that displays): only those spans' text is read.
        var hiddenParagraph = false, spansShowing: [Bool] = []
        var scanner = XMLScanner(xml, attributesOf: ["text:p", "text:h", "text:span"])
        while let event = scanner.next() {
            if reader.skipped(event) { continue }
            switch event {
            case .start(let name, let attributes, let selfClosing):
                switch name {
                case "text:p" where !selfClosing, "text:h" where !selfClosing:
                    if !reader.inParagraph {
                        hiddenParagraph = hides(attributes["text:style-name"])
                        spansShowing = []
                    }
                    let outline = name == "text:h" ? max(1, attributes["text:outline-level"].flatMap { Int($0) } ?? 1) : nil
                    reader.startParagraph(style: attributes["text:style-name"], outline: outline, listItem: listDepth > 0)
                case "text:list-item" where !selfClosing: listDepth += 1
                case "text:s": reader.text += " "
                case "text:tab": reader.text += "\t"
                case "text:line-break": reader.text += "\n"
                case "table:table" where !selfClosing: reader.tableDepth += 1
                case "table:table-row" where reader.tableDepth == 1: reader.cells = []
                case "table:table-cell" where reader.tableDepth == 1: reader.cell = ""
                case "office:annotation", "text:tracked-changes", "text:note-citation", "svg:title", "svg:desc": reader.skip(selfClosing)
                case "text:span" where attributes["text:style-name"].map(all.hidingText.contains) == true: reader.skip(selfClosing)
                case "text:span" where hiddenParagraph && !selfClosing:
                    spansShowing.append(attributes["text:style-name"].map(all.showingText.contains) == true)
                default: break
                }
            case .end(let name):
                switch name {
                case "text:p", "text:h":
                    if let text = reader.endParagraph() {
                        page.paragraph(text, level: reader.outline ?? level(reader.style), listItem: reader.listItem)
                    }
                case "text:span" where hiddenParagraph: _ = spansShowing.popLast()
                case "text:list-item": listDepth = max(0, listDepth - 1)
                case "table:table": reader.tableDepth = max(0, reader.tableDepth - 1)
                case "table:table-cell" where reader.tableDepth == 1: reader.cells.append(reader.cell)
                case "table:table-row" where reader.tableDepth == 1: page.row(reader.cells)
                default: break
                }
            case .text(let chunk):
                if reader.inParagraph && (!hiddenParagraph || spansShowing.contains(true)) { reader.text += chunk }
            }
        }
    }
}
