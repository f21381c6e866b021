/// A PowerPoint 97–2003 presentation (`.ppt`) read in process from its compound file's `PowerPoint
/// Document` stream (Microsoft's [MS-PPT]), as `SlidesText` reads a `.pptx`: the slides in the
/// presentation's order (found through the current edit's persist directory), each a page of its
/// shapes' text, its title from its title's text, then its speaker's notes. Hidden slides, the
/// placeholders a master fills in (date, slide number, footer, header) and the masters themselves
/// are left out. A table's cells, shapes of their own in this format, are read as rows by their
/// places.
struct PowerPointPresentation {
    typealias Failure = CompoundFile.Failure

    private(set) var slides: [PageSections.Page] = []

    private let stream: LittleEndianBytes
    /// Where each persist object starts in the stream, by its persist identifier.
    private var persisted: [UInt32: Int] = [:]

    /// A record's header ([MS-PPT] 2.3.1): its type, instance and where its data lie.
    private struct Record {
        var type: Int
        var instance: Int
        var isContainer: Bool
        var start: Int
        var end: Int
    }

    init(_ file: CompoundFile) throws(Failure) {
        guard let bytes = try file.stream("PowerPoint Document") else { throw Failure(reason: "not a PowerPoint presentation (no PowerPoint Document stream)") }
        guard let currentUser = try file.stream("Current User").map(LittleEndianBytes.init) else {
            throw Failure(reason: "not a PowerPoint presentation (no Current User stream)")
        }
        stream = LittleEndianBytes(bytes)
        switch try currentUser.uint32(12) {
        case 0xE391_C05F: break
        case 0xF3D1_C4DF: throw Failure(reason: "an encrypted PowerPoint presentation: not read")
        default: throw Failure(reason: "a PowerPoint 95 or older presentation: only PowerPoint 97 and later are read")
        }
        // The edits, newest first: an object's newest offset wins.
        var edit = Int(try currentUser.uint32(16))
        var document: UInt32?
        var seen = Set<Int>()
        while seen.insert(edit).inserted {
            let atom = try record(at: edit, within: stream.count)
            guard atom.type == 0x0FF5 else { throw Failure(reason: "the presentation's edit list is damaged") }
            if document == nil { document = try stream.uint32(atom.start + 16) }
            let directory = try record(at: Int(try stream.uint32(atom.start + 12)), within: stream.count)
            var at = directory.start
            while at + 4 <= directory.end {
                let entry = try stream.uint32(at)
                let first = entry & 0xF_FFFF
                at += 4
                for index in 0..<(entry >> 20) {
                    if persisted[first + index] == nil { persisted[first + index] = Int(try stream.uint32(at)) }
                    at += 4
                }
            }
            let previous = Int(try stream.uint32(atom.start + 8))
            guard previous != 0 else { break }
            edit = previous
        }
        guard let document, let documentAt = persisted[document] else { throw Failure(reason: "the presentation has no document") }
        let container = try record(at: documentAt, within: stream.count)
        guard container.type == 0x03E8 else { throw Failure(reason: "the presentation's document is damaged") }

        // The slides' and the notes' lists: each entry's persist object, identifier and outline texts.
        var slideList: [(persist: UInt32, texts: [Text])] = []
        var notesBySlide: [UInt32: UInt32] = [:]
        for list in try children(of: container) where list.type == 0x0FF0 {
            for child in try children(of: list) {
                switch (list.instance, child.type) {
                case (0, 0x03F3): slideList.append((try stream.uint32(child.start), []))
                case (2, 0x03F3): notesBySlide[try stream.uint32(child.start + 12)] = try stream.uint32(child.start)
                default: break
                }
                guard list.instance == 0, child.type != 0x03F3, !slideList.isEmpty else { continue }
                // A text header starts each of a slide's outline texts; its characters follow it.
                if child.type == 0x0F9F {
                    slideList[slideList.count - 1].texts.append(Text(type: try stream.uint32(child.start), string: nil))
                } else if let text = try text(child, type: nil) {
                    if slideList[slideList.count - 1].texts.last?.string == nil && !slideList[slideList.count - 1].texts.isEmpty {
                        slideList[slideList.count - 1].texts[slideList[slideList.count - 1].texts.count - 1].string = text.string
                    } else {
                        slideList[slideList.count - 1].texts.append(text)
                    }
                }
            }
        }
        for (index, slide) in slideList.enumerated() {
            guard let at = persisted[slide.persist] else { continue }
            let container = try record(at: at, within: stream.count)
            guard container.type == 0x03EE else { continue }
            var writer = SlidesText.SlideWriter(number: index + 1)
            var hidden = false, notes: UInt32?
            for child in try children(of: container) {
                if child.type == 0x03F9 && child.end - child.start >= 12 { hidden = try stream.uint16(child.start + 10) & 0x04 != 0 }
                if child.type == 0x03EF && child.end - child.start >= 20 { notes = try stream.uint32(child.start + 16) }
            }
            guard !hidden else { continue }
            var referenced = Set<Int>()
            try write(container, outline: slide.texts, referenced: &referenced, into: &writer)
            for (index, text) in slide.texts.enumerated() where !referenced.contains(index) { write(text, role: nil, into: &writer) }
            if let notes, let persist = notesBySlide[notes], let at = persisted[persist] {
                let container = try record(at: at, within: stream.count)
                if container.type == 0x03F0 {
                    writer.startNotes()
                    try write(container, outline: [], referenced: &referenced, into: &writer)
                }
            }
            slides.append(writer.page)
        }
    }

    /// A text of a shape or of the outline: its type (title, body, notes…) and its characters.
    private struct Text {
        var type: UInt32?
        var string: String?
    }

    private func record(at offset: Int, within end: Int) throws(Failure) -> Record {
        guard offset >= 0 && offset + 8 <= end else { throw Self.damaged }
        let header = try stream.uint16(offset), type = try stream.uint16(offset + 2), length = Int(try stream.uint32(offset + 4))
        guard length <= end - offset - 8 else { throw Self.damaged }
        return Record(type: type, instance: header >> 4, isContainer: header & 0xF == 0xF, start: offset + 8, end: offset + 8 + length)
    }

    private func children(of container: Record) throws(Failure) -> [Record] {
        var records: [Record] = []
        var at = container.start
        while at + 8 <= container.end {
            let child = try record(at: at, within: container.end)
            records.append(child)
            at = child.end
        }
        return records
    }

    private static let damaged = Failure(reason: "a record of the presentation runs past its container")

    /// A text atom's characters (UTF-16, or Latin-1 bytes), nil for any other record.
    private func text(_ record: Record, type: UInt32?) throws(Failure) -> Text? {
        switch record.type {
        case 0x0FA0:
            let units = try stride(from: record.start, to: record.end - 1, by: 2).map { (at) throws(Failure) in UInt16(try stream.uint16(at)) }
            return Text(type: type, string: String(decoding: units, as: UTF16.self))
        case 0x0FA8:
            return Text(type: type, string: String(String.UnicodeScalarView(try stream.slice(record.start, record.end - record.start).map { Unicode.Scalar($0) })))
        default: return nil
        }
    }

    /// The shapes' texts of a slide or notes container, in the drawing's order, at most 32
    /// containers deep; an outline reference stands for the outline's text of that index.
    private func write(_ container: Record, outline: [Text], referenced: inout Set<Int>, into writer: inout SlidesText.SlideWriter,
                       depth: Int = 0, placeholder: Int? = nil) throws(Failure) {
        guard depth < 32 else { return }
        var textType: UInt32?
        for child in try children(of: container) {
            switch child.type {
            case 0x0F9F: textType = try stream.uint32(child.start)
            case 0x0F9E:
                let index = Int(try stream.uint32(child.start))
                if outline.indices.contains(index) {
                    referenced.insert(index)
                    write(outline[index], role: Self.role(placeholder: placeholder, type: outline[index].type), into: &writer)
                }
            case 0x0FA0, 0x0FA8:
                if let text = try text(child, type: textType) { write(text, role: Self.role(placeholder: placeholder, type: textType), into: &writer) }
            case 0xF004:
                // A shape: its placeholder, in its client data, tells its text box's role.
                try write(child, outline: outline, referenced: &referenced, into: &writer, depth: depth + 1, placeholder: try self.placeholder(of: child))
            case 0xF003 where try isTable(child):
                try writeTable(child, outline: outline, referenced: &referenced, into: &writer, depth: depth + 1)
            case _ where child.isContainer:
                try write(child, outline: outline, referenced: &referenced, into: &writer, depth: depth + 1, placeholder: placeholder)
            default: break
            }
        }
    }

    /// Whether a group of shapes is a table: its own shape's properties (the group's first shape,
    /// [MS-ODRAW]'s FOPT or tertiary FOPT) hold `tableProperties` (0x03A0).
    private func isTable(_ group: Record) throws(Failure) -> Bool {
        guard let own = try children(of: group).first, own.type == 0xF004 else { return false }
        for options in try children(of: own) where options.type == 0xF00B || options.type == 0xF122 {
            for index in 0..<options.instance where options.start + 6 * index + 2 <= options.end {
                if try stream.uint16(options.start + 6 * index) & 0x3FFF == 0x03A0 { return true }
            }
        }
        return false
    }

    /// A table's cells, each a shape of the group placed by its child anchor: rows by their top,
    /// each cell's text in the order of their left.
    private func writeTable(_ group: Record, outline: [Text], referenced: inout Set<Int>, into writer: inout SlidesText.SlideWriter,
                            depth: Int) throws(Failure) {
        var cells: [(top: Int32, left: Int32, text: String)] = []
        for shape in try children(of: group).dropFirst() where shape.type == 0xF004 {
            var anchor: (top: Int32, left: Int32) = (0, 0)
            for child in try children(of: shape) where child.type == 0xF00F && child.end - child.start >= 16 {
                anchor = (Int32(bitPattern: try stream.uint32(child.start + 4)), Int32(bitPattern: try stream.uint32(child.start)))
            }
            var cell = SlidesText.SlideWriter(number: writer.number)
            try write(shape, outline: outline, referenced: &referenced, into: &cell, depth: depth + 1, placeholder: nil)
            cells.append((anchor.top, anchor.left, (cell.titleParts + cell.lines).joined(separator: " ")))
        }
        var row: Int32?
        for cell in cells.sorted(by: { ($0.top, $0.left) < ($1.top, $1.left) }) {
            if cell.top != row {
                if row != nil { writer.endRow() }
                writer.startRow()
                row = cell.top
            }
            writer.cell = cell.text
            writer.endCell()
        }
        if row != nil { writer.endRow() }
    }

    /// The placeholder a shape stands for (its client data's PlaceholderAtom), nil for another shape.
    private func placeholder(of shape: Record) throws(Failure) -> Int? {
        for data in try children(of: shape) where data.type == 0xF011 && data.isContainer {
            for atom in try children(of: data) where atom.type == 0x0BC3 && atom.end - atom.start >= 5 { return try stream.uint8(atom.start + 4) }
        }
        return nil
    }

    /// A shape's role: nothing for the placeholders a master fills in (date, slide number, footer,
    /// header, a notes page's slide image), the title by its text's type (a title's or a centred
    /// title's), the slide's text otherwise.
    private static func role(placeholder: Int?, type: UInt32?) -> SlidesText.Role {
        if let placeholder, (7...11).contains(placeholder) { return .skipped }
        return type == 0 || type == 6 ? .title : .text
    }

    private func write(_ text: Text, role: SlidesText.Role?, into writer: inout SlidesText.SlideWriter) {
        guard let string = text.string else { return }
        let role = role ?? Self.role(placeholder: nil, type: text.type)
        for paragraph in string.split(separator: "\r", omittingEmptySubsequences: false) {
            writer.startParagraph()
            // A line break (vertical tab) within the paragraph.
            writer.paragraph = String(String.UnicodeScalarView(paragraph.unicodeScalars.map { $0 == "\u{B}" ? "\n" : $0 }))
            writer.endParagraph(role)
        }
    }
}
