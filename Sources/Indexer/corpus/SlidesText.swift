/// A presentation, PowerPoint's `.pptx` (Office Open XML) or Impress's `.odp` (OpenDocument), or
/// PowerPoint 97–2003's `.ppt` (`PowerPointPresentation`), as the
/// text of its slides in the presentation's order, as Recoll and omindex read slides: each slide a
/// page (`PageSections`), titled by its title placeholder, holding its other shapes' paragraphs (a
/// line each; a table's row as its cells between ` | `), then its speaker's notes. Hidden slides
/// are left out, as are the placeholders a master fills in on every slide (its number, the date,
/// the footer and header), comments and the fallback copies of alternate content. A slide's number
/// counts the hidden ones, as the application numbers them.
enum SlidesText {
    enum Format { case pptx, odp }

    static func sections(of archive: ZipArchive, format: Format, minimumWords: Int) throws(ZipArchive.Failure) -> ([SectionSplitter.Section], [SourceDocument.Field]) {
        let slides = try format == .pptx ? powerPointSlides(archive) : impressSlides(archive)
        let (title, properties) = try OfficeText.titleAndProperties(of: archive, format: format == .pptx ? .docx : .odt)
        return (PageSections.sections(of: slides, documentTitle: title, minimumWords: minimumWords), properties.fields)
    }

    /// What a shape's text is to the slide.
    enum Role {
        case title, text, skipped

        /// A PowerPoint placeholder's type (`p:ph`'s, `body` when it names none) or an Impress
        /// frame's `presentation:class`.
        init(placeholder: String) {
            switch placeholder {
            case "title", "ctrTitle": self = .title
            case "sldNum", "dt", "ftr", "hdr", "page-number", "date-time", "footer", "header": self = .skipped
            default: self = .text
            }
        }
    }

    /// A slide's text as its parts are read: paragraphs, table rows, and the title's paragraphs apart.
    struct SlideWriter {
        var number: Int
        var titleParts: [String] = []
        var lines: [String] = []
        var paragraph = ""
        var paragraphDepth = 0
        var cells: [String]?
        var cell = ""

        mutating func startParagraph() {
            if paragraphDepth == 0 { paragraph = "" } else { paragraph += " " }
            paragraphDepth += 1
        }

        mutating func endParagraph(_ role: Role) {
            paragraphDepth = max(0, paragraphDepth - 1)
            guard paragraphDepth == 0 else {
                // A text box's paragraph inside another's (a frame anchored in its text) is part of it.
                paragraph += " "
                return
            }
            if cells != nil {
                cell += cell.isEmpty ? paragraph : " " + paragraph
            } else if role == .title {
                titleParts.append(paragraph)
            } else if role == .text {
                lines += paragraph.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            }
        }

        /// The speaker's notes are a paragraph apart from the slide's text.
        mutating func startNotes() {
            if !lines.isEmpty { lines.append("") }
        }

        mutating func startRow() { cells = [] }

        mutating func endCell() {
            cells?.append(cell)
            cell = ""
        }

        mutating func endRow() {
            let shown = (cells ?? []).map(\.singleSpaced).filter { !$0.isEmpty }
            cells = nil
            if !shown.isEmpty { lines.append(shown.joined(separator: " | ")) }
        }

        var page: PageSections.Page {
            let title = titleParts.joined(separator: " ").singleSpaced
            return PageSections.Page(number: number, title: title.isEmpty ? nil : title, lines: lines)
        }
    }

    // MARK: PowerPoint

    /// The slides `ppt/presentation.xml` lists, each with the notes its relationships name.
    private static func powerPointSlides(_ archive: ZipArchive) throws(ZipArchive.Failure) -> [PageSections.Page] {
        guard let presentation = try archive.data(of: "ppt/presentation.xml") else {
            throw ZipArchive.Failure(reason: "not a PowerPoint presentation (no ppt/presentation.xml)")
        }
        let targets = try archive.relationships(of: "ppt/presentation.xml")
        var order: [String] = []
        var scanner = XMLScanner(presentation, attributesOf: ["p:sldId"])
        while let event = scanner.next() {
            if case .start("p:sldId", let attributes, _) = event, let id = attributes["r:id"] { order.append(id) }
        }
        var slides: [PageSections.Page] = []
        for (index, id) in order.enumerated() {
            guard let target = targets[id], let xml = try archive.data(of: target.part) else { continue }
            var writer = SlideWriter(number: index + 1)
            guard readPowerPoint(xml, into: &writer) else { continue }
            if let notes = try archive.relationships(of: target.part).values.first(where: { $0.type == ZipArchive.relationshipType + "notesSlide" }),
               let notesXML = try archive.data(of: notes.part) {
                writer.startNotes()
                _ = readPowerPoint(notesXML, into: &writer)
            }
            slides.append(writer.page)
        }
        return slides
    }

    /// Reads a slide's or a notes page's shapes into `writer`; false for a hidden slide.
    private static func readPowerPoint(_ xml: [UInt8], into writer: inout SlideWriter) -> Bool {
        var role = Role.text
        var skipping = SkippedElement()
        var inText = false
        var scanner = XMLScanner(xml, attributesOf: ["p:sld", "p:ph"])
        while let event = scanner.next() {
            if skipping.consumes(event) { continue }
            switch event {
            case .start(let name, let attributes, let selfClosing):
                switch name {
                case "p:sld" where attributes["show"] == "0" || attributes["show"] == "false": return false
                case "p:sp", "p:graphicFrame": role = .text
                case "p:ph": role = Role(placeholder: attributes["type"] ?? "body")
                case "a:p" where !selfClosing: writer.startParagraph()
                case "a:t" where !selfClosing: inText = true
                case "a:br": writer.paragraph += "\n"
                case "a:tr" where !selfClosing: writer.startRow()
                case "mc:Fallback": skipping.start(selfClosing: selfClosing)
                default: break
                }
            case .end(let name):
                switch name {
                case "a:p": writer.endParagraph(role)
                case "a:t": inText = false
                case "a:tc": writer.endCell()
                case "a:tr": writer.endRow()
                default: break
                }
            case .text(let chunk):
                if inText && writer.paragraphDepth > 0 { writer.paragraph += chunk }
            }
        }
        return true
    }

    // MARK: Impress

    /// The `draw:page`s of `content.xml`, the speaker's notes of each within it.
    private static func impressSlides(_ archive: ZipArchive) throws(ZipArchive.Failure) -> [PageSections.Page] {
        guard let content = try archive.data(of: "content.xml") else {
            throw ZipArchive.Failure(reason: "not an OpenDocument presentation (no content.xml)")
        }
        var hiddenStyles = Set<String>()
        var slides: [PageSections.Page] = []
        var writer: SlideWriter?
        var hidden = false
        var number = 0
        var roles: [Role] = []
        var role: Role { roles.last ?? .text }
        var skipping = SkippedElement()
        var pageStyle: String?
        var scanner = XMLScanner(content, attributesOf: ["style:style", "style:drawing-page-properties", "draw:page", "draw:frame"])
        while let event = scanner.next() {
            if skipping.consumes(event) { continue }
            switch event {
            case .start(let name, let attributes, let selfClosing):
                switch name {
                case "style:style": pageStyle = attributes["style:family"] == "drawing-page" ? attributes["style:name"] : nil
                case "style:drawing-page-properties":
                    if attributes["presentation:visibility"] == "hidden", let pageStyle { hiddenStyles.insert(pageStyle) }
                case "draw:page" where !selfClosing:
                    number += 1
                    hidden = attributes["draw:style-name"].map(hiddenStyles.contains) ?? false
                    writer = SlideWriter(number: number)
                case "draw:frame" where !selfClosing:
                    roles.append(attributes["presentation:class"].map(Role.init(placeholder:)) ?? .text)
                case "presentation:notes" where !selfClosing: writer?.startNotes()
                case "text:p" where !selfClosing, "text:h" where !selfClosing: writer?.startParagraph()
                case "text:s": writer?.paragraph += " "
                case "text:tab": writer?.paragraph += "\t"
                case "text:line-break": writer?.paragraph += "\n"
                case "table:table-row" where !selfClosing: writer?.startRow()
                case "office:annotation": skipping.start(selfClosing: selfClosing)
                default: break
                }
            case .end(let name):
                switch name {
                case "draw:page":
                    if let page = writer?.page, !hidden { slides.append(page) }
                    writer = nil
                case "draw:frame": _ = roles.popLast()
                case "text:p", "text:h": writer?.endParagraph(role)
                case "table:table-cell": writer?.endCell()
                case "table:table-row": writer?.endRow()
                default: break
                }
            case .text(let chunk):
                if writer?.paragraphDepth ?? 0 > 0 { writer?.paragraph += chunk }
            }
        }
        return slides
    }
}
