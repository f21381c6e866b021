import Foundation

/// A Word 97–2003 document (`.doc`) as the page it shows, read in process from its compound file
/// (Microsoft's [MS-DOC]), as `OfficeText` reads a `.docx`: the text through the piece table; each
/// paragraph's style, table row and list membership from its properties (a style's built-in heading
/// level, or its name, `heading N` or `Title`, or the paragraph's outline level); footnotes and
/// endnotes where they are cited; fields' results, not their codes; text boxes after the text.
/// Deleted revisions, hidden text (by the run's own formatting or its character style's), comments,
/// headers and footers are not shown. The summary
/// information gives the title and the document's properties. Word 6 and 95 documents, and
/// encrypted ones, are refused.
enum WordText {
    struct Failure: Error, Equatable {
        var reason: String
    }

    /// The page as HTML (`HTMLText` reads it, as `OfficeText`'s), and the document's properties.
    static func page(of bytes: [UInt8]) throws(Failure) -> (html: String, properties: DocumentProperties) {
        do {
            let file = try CompoundFile(bytes)
            guard let main = try file.stream("WordDocument") else { throw Failure(reason: "not a Word document (no WordDocument stream)") }
            let summary = try SummaryInformation(of: file)
            let document = try WordDocument(main: LittleEndianBytes(main)) { (name) throws(CompoundFile.Failure) in try file.stream(name) }
            var writer = OfficeText.PageWriter(propertiesTitle: summary.title)
            try document.write(into: &writer)
            return (writer.html(), summary.properties)
        } catch let failure as CompoundFile.Failure {
            throw Failure(reason: failure.reason)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(reason: "\(error)")
        }
    }

    /// Calls `body` with each property modifier of a grpprl ([MS-DOC] 2.2.5.1, Sprm) and where its
    /// operand starts, the operand's size told by the modifier itself.
    static func forEachSprm(_ bytes: LittleEndianBytes, from start: Int, to end: Int, _ body: (Int, Int) throws -> Void) throws {
        var at = start
        while at + 2 <= end {
            let sprm = try bytes.uint16(at)
            let operand = at + 2
            let size: Int
            switch sprm >> 13 {
            case 0, 1: size = 1
            case 2, 4, 5: size = 2
            case 3: size = 4
            case 7: size = 3
            default:
                switch sprm {
                // sprmTDefTable: a 16-bit size, counting itself less one.
                case 0xD608: size = 1 + (try bytes.uint16(operand))
                // sprmPChgTabs of 255 bytes is sized by its contents: nothing after it is needed.
                case 0xC615 where try bytes.uint8(operand) == 255: return
                default: size = 1 + (try bytes.uint8(operand))
                }
            }
            guard operand + size <= end else { return }
            try body(sprm, operand)
            at = operand + size
        }
    }

    /// A style's heading level by its built-in identifier (`sti` 1–9 the headings, 62 the title),
    /// else by its name (`heading N`, `Title`), whatever the language it is shown in.
    static func headingLevel(identifier: Int, name: String) -> Int? {
        switch identifier {
        case 1...9: return identifier
        case 62: return 0
        default:
            let name = name.lowercased()
            if name == "title" || name == "titre" { return 0 }
            guard name.hasPrefix("heading "), let level = Int(name.dropFirst(8)), (1...9).contains(level) else { return nil }
            return level
        }
    }

    /// Each style's value (a heading level, whether it hides its text), its own or the nearest of
    /// the styles it is based on (at most 10 steps: a loop of bases ends there), by the styles'
    /// indexes.
    static func inherited<Value>(_ styles: [(value: Value?, base: Int)]) -> [Int: Value] {
        var values: [Int: Value] = [:]
        for index in styles.indices {
            var style = index
            for _ in 0..<10 {
                if let value = styles[style].value {
                    values[index] = value
                    break
                }
                guard styles[style].base < styles.count else { break }
                style = styles[style].base
            }
        }
        return values
    }

    /// A character property's toggle ([MS-DOC] ToggleOperand): off, on, the style's (nil), or its
    /// opposite, which for a style that does not set it is on.
    static func toggle(_ operand: Int) -> Bool? {
        switch operand {
        case 0: false
        case 0x80: nil
        default: true
        }
    }
}

/// A Word document's streams read: its text's pieces, and the runs of its paragraphs' and
/// characters' properties.
private struct WordDocument {
    typealias Failure = WordText.Failure

    /// One character of the text, and where its bytes are in the WordDocument stream (where
    /// properties are found).
    struct Character {
        var unit: UInt16
        var offset: UInt32
        var position: Int
    }

    /// A paragraph's properties that tell how it shows.
    struct ParagraphProperties {
        var style = 0
        var inTable = false
        var rowEnd = false
        var listItem = false
        var outline: Int?
    }

    let main: LittleEndianBytes
    let table: LittleEndianBytes
    /// The character positions of each part's text, in the order Word keeps them.
    var mainLength = 0, footnotesLength = 0, headersLength = 0, macrosLength = 0, commentsLength = 0, endnotesLength = 0,
        textBoxesLength = 0
    /// The pieces: character positions `cps[i]..<cps[i+1]` stand at `pieces[i]`.
    var cps: [Int] = []
    var pieces: [(offset: UInt32, compressed: Bool)] = []
    /// Runs of bytes of the WordDocument stream, in order: paragraphs' with their properties, and
    /// those of deleted revisions and hidden text.
    var paragraphRuns: [(start: UInt32, end: UInt32, properties: ParagraphProperties)] = []
    var hiddenRuns: [(start: UInt32, end: UInt32)] = []
    /// Each style's heading level (0 the title), and whether a style hides its text or shows it (its
    /// own `sprmCFVanish` or its base's; none for a style that says neither).
    var styleLevels: [Int: Int] = [:]
    var styleHiding: [Int: Bool] = [:]
    /// Footnotes' and endnotes' references (character positions of the main text), and the range of
    /// the part's text each stands for.
    var notes: [Int: Range<Int>] = [:]

    init(main: LittleEndianBytes, stream: (String) throws(CompoundFile.Failure) -> [UInt8]?) throws {
        self.main = main
        guard main.count >= 0x9A, try main.uint16(0) == 0xA5EC else { throw Failure(reason: "not a Word document (no Word signature)") }
        guard try main.uint16(2) >= 0xC1 else { throw Failure(reason: "a document of Word 95 or before: only Word 97 and later are read") }
        let flags = try main.uint16(0x0A)
        guard flags & 0x8100 == 0 else { throw Failure(reason: "an encrypted Word document: not read") }
        let tableName = flags & 0x0200 != 0 ? "1Table" : "0Table"
        guard let table = try stream(tableName) else { throw Failure(reason: "not a Word document (no \(tableName) stream)") }
        self.table = LittleEndianBytes(table)
        let countsAt = 0x22 + 2 * (try main.uint16(0x20))
        let counts = countsAt + 2
        func count(_ index: Int) throws -> Int {
            let value = Int(Int32(bitPattern: try main.uint32(counts + 4 * index)))
            guard value >= 0 && value <= main.count else { throw Failure(reason: "the Word document's character counts are damaged") }
            return value
        }
        (mainLength, footnotesLength, headersLength, macrosLength, commentsLength, endnotesLength, textBoxesLength) =
            (try count(3), try count(4), try count(5), try count(6), try count(7), try count(8), try count(9))
        let pairsCountAt = counts + 4 * (try main.uint16(countsAt))
        let pairCount = try main.uint16(pairsCountAt)
        /// Where a structure of the table stream is, by its index among the FIB's pairs.
        func located(_ index: Int) throws -> (offset: Int, length: Int)? {
            guard index < pairCount else { return nil }
            let length = Int(try main.uint32(pairsCountAt + 2 + 8 * index + 4))
            return length == 0 ? nil : (Int(try main.uint32(pairsCountAt + 2 + 8 * index)), length)
        }
        guard let clx = try located(33) else { throw Failure(reason: "the Word document has no piece table") }
        try readPieces(clx)
        if let styles = try located(1) { try readStyles(styles) }
        if let runs = try located(13) { try readParagraphRuns(runs) }
        if let runs = try located(12) { try readCharacterRuns(runs) }
        try readNotes(references: located(2), texts: located(3), base: mainLength)
        try readNotes(references: located(46), texts: located(47), base: mainLength + footnotesLength + headersLength + macrosLength + commentsLength)
    }

    // MARK: The text

    /// The piece table ([MS-DOC] 2.9.38, Clx): property runs of its own (`Prc`) passed over, then
    /// the pieces.
    private mutating func readPieces(_ clx: (offset: Int, length: Int)) throws {
        var at = clx.offset
        while try table.uint8(at) == 1 { at += 3 + (try table.uint16(at + 1)) }
        guard try table.uint8(at) == 2 else { throw Failure(reason: "the Word document's piece table is damaged") }
        let length = Int(try table.uint32(at + 1))
        let count = (length - 4) / 12
        guard count > 0 else { throw Failure(reason: "the Word document's piece table is empty") }
        at += 5
        for index in 0...count { cps.append(Int(try table.uint32(at + 4 * index))) }
        guard zip(cps, cps.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw Failure(reason: "the Word document's piece table is damaged") }
        for index in 0..<count {
            let offset = try table.uint32(at + 4 * (count + 1) + 8 * index + 2)
            pieces.append(offset & 0x4000_0000 != 0 ? ((offset & 0x3FFF_FFFF) / 2, true) : (offset, false))
        }
    }

    /// The characters at `range`'s positions, hidden and deleted ones left out.
    func characters(_ range: Range<Int>) throws -> [Character] {
        var characters: [Character] = []
        var hidden = 0
        for index in pieces.indices where cps[index] < range.upperBound && cps[index + 1] > range.lowerBound {
            let piece = pieces[index]
            for cp in max(range.lowerBound, cps[index])..<min(range.upperBound, cps[index + 1]) {
                let position = Int(piece.offset) + (cp - cps[index]) * (piece.compressed ? 1 : 2)
                let offset = UInt32(truncatingIfNeeded: position)
                // Read before the test: a damaged piece running past the stream's end throws at once.
                let unit = piece.compressed ? Self.windows1252(UInt8(try main.uint8(position))) : UInt16(try main.uint16(position))
                if isHidden(offset, from: &hidden) { continue }
                characters.append(Character(unit: unit, offset: offset, position: cp))
            }
        }
        return characters
    }

    static func windows1252(_ byte: UInt8) -> UInt16 {
        byte < 0x80 ? UInt16(byte) : UInt16(LegacyCharset.windows1252.scalar(byte).value)
    }

    private func isHidden(_ offset: UInt32, from guess: inout Int) -> Bool {
        guard !hiddenRuns.isEmpty else { return false }
        if !(hiddenRuns[guess].start <= offset && offset < hiddenRuns[guess].end) {
            guard let found = Self.run(containing: offset, in: hiddenRuns.lazy.map { ($0.start, $0.end) }) else { return false }
            guess = found
        }
        return true
    }

    /// The index of the run whose bytes hold `offset`, the runs in order.
    static func run<Runs: RandomAccessCollection>(containing offset: UInt32, in runs: Runs) -> Int? where Runs.Element == (UInt32, UInt32), Runs.Index == Int {
        var low = runs.startIndex, high = runs.endIndex
        while low < high {
            let middle = (low + high) / 2
            if runs[middle].1 <= offset { low = middle + 1 } else { high = middle }
        }
        return low < runs.endIndex && runs[low].0 <= offset ? low : nil
    }

    func paragraphProperties(at offset: UInt32) -> ParagraphProperties {
        Self.run(containing: offset, in: paragraphRuns.lazy.map { ($0.start, $0.end) }).map { paragraphRuns[$0].properties } ?? ParagraphProperties()
    }

    // MARK: Properties

    /// The formatted disk pages of a bin table ([MS-DOC] 2.8.6, PlcBtePapx / PlcBteChpx): each a
    /// 512-byte page of the WordDocument stream, with its runs and the offset of each run's
    /// properties within the page.
    private func pages(_ plc: (offset: Int, length: Int), runSize: Int) throws -> [(start: UInt32, end: UInt32, properties: Int?)] {
        let count = (plc.length - 4) / 8
        var runs: [(start: UInt32, end: UInt32, properties: Int?)] = []
        for index in 0..<max(count, 0) {
            let page = Int(try table.uint32(plc.offset + 4 * (count + 1) + 4 * index) & 0x3F_FFFF) * 512
            let runCount = try main.uint8(page + 511)
            for run in 0..<runCount {
                let offset = try main.uint8(page + 4 * (runCount + 1) + runSize * run) * 2
                runs.append((try main.uint32(page + 4 * run), try main.uint32(page + 4 * run + 4), offset == 0 ? nil : page + offset))
            }
        }
        return runs
    }

    private mutating func readParagraphRuns(_ plc: (offset: Int, length: Int)) throws {
        for run in try pages(plc, runSize: 13) {
            guard let at = run.properties else { continue }
            // PapxInFkp: a count of 16-bit words, the first byte's or, when 0, the next one's.
            var length = try main.uint8(at) * 2 - 1, start = at + 1
            if length < 0 {
                length = try main.uint8(at + 1) * 2
                start = at + 2
            }
            var properties = ParagraphProperties(style: try main.uint16(start))
            try WordText.forEachSprm(main, from: start + 2, to: start + length) { sprm, operand in
                switch sprm {
                case 0x2416: properties.inTable = try main.uint8(operand) != 0
                case 0x2417: properties.rowEnd = try main.uint8(operand) != 0
                case 0x460B: properties.listItem = try main.uint16(operand) != 0
                case 0x2640: properties.outline = try main.uint8(operand) < 9 ? try main.uint8(operand) + 1 : nil
                default: break
                }
            }
            paragraphRuns.append((run.start, run.end, properties))
        }
        paragraphRuns.sort { $0.start < $1.start }
    }

    /// The runs of deleted revisions and hidden text: hidden by a run's own formatting, else by its
    /// character style's, else by its paragraph style's (the paragraph's mark aside, so that what
    /// a run shows of it stays a paragraph of its own), as Word resolves them.
    private mutating func readCharacterRuns(_ plc: (offset: Int, length: Int)) throws {
        var shownRuns: [(start: UInt32, end: UInt32)] = []
        for run in try pages(plc, runSize: 1) {
            guard let at = run.properties else { continue }
            var deleted = false, vanish: Bool?, style: Int?
            try WordText.forEachSprm(main, from: at + 1, to: at + 1 + (try main.uint8(at))) { sprm, operand in
                switch sprm {
                case 0x0800: if try main.uint8(operand) == 1 { deleted = true }
                case 0x083C: vanish = WordText.toggle(try main.uint8(operand))
                case 0x4A30: style = try main.uint16(operand)
                default: break
                }
            }
            switch deleted ? true : vanish ?? style.flatMap({ styleHiding[$0] }) {
            case true?: hiddenRuns.append((run.start, run.end))
            case false?: shownRuns.append((run.start, run.end))
            case nil: break
            }
        }
        for paragraph in paragraphRuns where paragraph.start < paragraph.end && styleHiding[paragraph.properties.style] == true {
            var start = paragraph.start
            let end = paragraph.end - min(paragraph.end - paragraph.start, widthOfCharacter(endingAt: paragraph.end))
            for shown in shownRuns where shown.start < end && shown.end > start {
                if shown.start > start { hiddenRuns.append((start, shown.start)) }
                start = max(start, shown.end)
            }
            if start < end { hiddenRuns.append((start, end)) }
        }
        // In order and apart, as `isHidden` bisects them: a run hidden in a hidden paragraph is in both.
        hiddenRuns.sort { $0.start < $1.start }
        var merged: [(start: UInt32, end: UInt32)] = []
        for run in hiddenRuns {
            if let last = merged.last, run.start <= last.end {
                merged[merged.count - 1].end = max(last.end, run.end)
            } else {
                merged.append(run)
            }
        }
        hiddenRuns = merged
    }

    /// The bytes of the character that ends at `end` (a paragraph's mark): 2 in a piece of UTF-16, 1
    /// in one of 8-bit characters.
    private func widthOfCharacter(endingAt end: UInt32) -> UInt32 {
        for (index, piece) in pieces.enumerated() {
            let length = (cps[index + 1] - cps[index]) * (piece.compressed ? 1 : 2)
            if Int(piece.offset) < Int(end) && Int(end) <= Int(piece.offset) + length { return piece.compressed ? 1 : 2 }
        }
        return 1
    }

    /// The style sheet ([MS-DOC] 2.9.271, STSH): each paragraph style's heading level
    /// (`WordText.headingLevel`), else its base's.
    private mutating func readStyles(_ stsh: (offset: Int, length: Int)) throws {
        let headerLength = try table.uint16(stsh.offset)
        let styleCount = try table.uint16(stsh.offset + 2), baseLength = try table.uint16(stsh.offset + 4)
        var at = stsh.offset + 2 + headerLength
        var styles: [(value: Int?, base: Int)] = [], hiding: [(value: Bool?, base: Int)] = []
        for _ in 0..<styleCount where at < stsh.offset + stsh.length {
            let length = try table.uint16(at)
            defer { at += 2 + length }
            guard length >= 4 else {
                styles.append((nil, 0xFFF))
                hiding.append((nil, 0xFFF))
                continue
            }
            let identifier = try table.uint16(at + 2) & 0xFFF, kind = try table.uint16(at + 4) & 0xF, base = try table.uint16(at + 4) >> 4
            let nameAt = at + 2 + baseLength
            let nameLength = min(try table.uint16(nameAt), 255)
            let name = try (0..<nameLength).map { (index) throws in UInt16(try table.uint16(nameAt + 2 + 2 * index)) }
            styles.append((WordText.headingLevel(identifier: identifier, name: String(decoding: name, as: UTF16.self)), base))
            // After its name, a character style (kind 2) has one property run, its characters'; a
            // paragraph style (kind 1) its paragraphs' (padded to an even length), then its
            // characters'. The characters' say whether the style hides its text.
            var hides: Bool?
            if kind == 1 || kind == 2 {
                let end = at + 2 + length
                var upx = nameAt + 2 + 2 * nameLength + 2
                if kind == 1, upx + 2 <= end {
                    let papxLength = try table.uint16(upx)
                    upx += 2 + papxLength + papxLength % 2
                }
                if upx + 2 <= end {
                    try WordText.forEachSprm(table, from: upx + 2, to: min(upx + 2 + (try table.uint16(upx)), end)) { sprm, operand in
                        if sprm == 0x083C { hides = WordText.toggle(try table.uint8(operand)) }
                    }
                }
            }
            hiding.append((hides, base))
        }
        styleLevels = WordText.inherited(styles)
        styleHiding = WordText.inherited(hiding)
    }

    /// Footnotes or endnotes: the references' positions (PlcffndRef) and their texts' (PlcffndTxt),
    /// the latter from the start of the part's text at `base`.
    private mutating func readNotes(references: (offset: Int, length: Int)?, texts: (offset: Int, length: Int)?, base: Int) throws {
        guard let references, let texts else { return }
        let count = (references.length - 4) / 6
        for index in 0..<max(count, 0) {
            let start = Int(try table.uint32(texts.offset + 4 * index)), end = Int(try table.uint32(texts.offset + 4 * index + 4))
            guard start <= end else { continue }
            notes[Int(try table.uint32(references.offset + 4 * index))] = (base + start)..<(base + end)
        }
    }

    // MARK: The page

    /// The main text's paragraphs, then the text boxes'.
    func write(into writer: inout OfficeText.PageWriter) throws {
        var reader = TextReader()
        try read(0..<mainLength, into: &reader, writer: &writer)
        let textBoxes = mainLength + footnotesLength + headersLength + macrosLength + commentsLength + endnotesLength
        try read(textBoxes..<(textBoxes + textBoxesLength), into: &reader, writer: &writer)
        reader.endParagraph(ParagraphProperties(), levels: styleLevels, into: &writer)
    }

    /// What has been read of a paragraph, a table's row and the fields around it.
    struct TextReader {
        var text: [UInt16] = []
        var cells: [String] = []
        var cell = ""
        /// For each field open around the text: whether its result (after the separator) is being read.
        var fields: [Bool] = []

        var showing: Bool { fields.allSatisfy { $0 } }

        mutating func endParagraph(_ properties: ParagraphProperties, levels: [Int: Int], into writer: inout OfficeText.PageWriter) {
            let paragraph = String(decoding: text, as: UTF16.self)
            text = []
            if properties.inTable {
                cell += cell.isEmpty ? paragraph : " " + paragraph
            } else if !paragraph.isEmpty {
                writer.paragraph(paragraph, level: properties.outline ?? levels[properties.style], listItem: properties.listItem)
            }
        }
    }

    private func read(_ range: Range<Int>, into reader: inout TextReader, writer: inout OfficeText.PageWriter) throws {
        guard !range.isEmpty else { return }
        for character in try characters(range) {
            switch character.unit {
            case 0x13: reader.fields.append(false)
            case 0x14: if !reader.fields.isEmpty { reader.fields[reader.fields.count - 1] = true }
            case 0x15: _ = reader.fields.popLast()
            case 0x0D, 0x07, 0x0C, 0x0E:
                // A table nested in a cell ends its cells with paragraph marks: its text is read into that cell.
                let properties = paragraphProperties(at: character.offset)
                if character.unit == 0x07 && properties.rowEnd {
                    writer.row(reader.cells)
                    reader.cells = []
                } else if character.unit == 0x07 {
                    reader.endParagraph(properties, levels: styleLevels, into: &writer)
                    reader.cells.append(reader.cell)
                    reader.cell = ""
                } else {
                    reader.endParagraph(properties, levels: styleLevels, into: &writer)
                }
            default:
                guard reader.showing else { continue }
                switch character.unit {
                case 0x02:
                    // A footnote's or endnote's reference: its text, a space apart, where it is cited.
                    if let note = notes[character.position] { try readNote(note, into: &reader) }
                case 0x09: reader.text.append(0x09)
                case 0x0B: reader.text.append(0x0A)
                case 0x1E: reader.text.append(0x2D)
                case 0x00..<0x20: break
                default: reader.text.append(character.unit)
                }
            }
        }
    }

    /// A note's text, its paragraphs a space apart, after its own reference mark.
    private func readNote(_ range: Range<Int>, into reader: inout TextReader) throws {
        var words: [UInt16] = []
        for character in try characters(range) {
            switch character.unit {
            case 0x0D, 0x0B, 0x07, 0x09: words.append(0x20)
            case 0x00..<0x20: break
            default: words.append(character.unit)
            }
        }
        let note = String(decoding: words, as: UTF16.self).singleSpaced
        guard !note.isEmpty else { return }
        reader.text += Array((" " + note + " ").utf16)
    }
}

/// A compound file's summary information ([MS-OLEPS], `\u{5}SummaryInformation`): its title, and
/// the author, comments, keywords and date of creation as `DocumentProperties`.
struct SummaryInformation {
    var title: String?
    var properties = DocumentProperties()

    /// The first 64 KiB of the file's summary information, if it has one: writers put the text
    /// properties before the preview image (LibreOffice's takes 440 KB), which is not read.
    init(of file: CompoundFile) throws(CompoundFile.Failure) {
        guard let stream = try file.stream("\u{5}SummaryInformation", upTo: 65_536) else { return }
        try? read(LittleEndianBytes(stream))
    }

    private mutating func read(_ bytes: LittleEndianBytes) throws(CompoundFile.Failure) {
        guard try bytes.uint16(0) == 0xFFFE, try bytes.uint32(24) >= 1 else { return }
        let set = Int(try bytes.uint32(44))
        let count = Int(try bytes.uint32(set + 4))
        var values: [UInt32: Int] = [:]
        for index in 0..<min(count, 1_000) {
            values[try bytes.uint32(set + 8 + 8 * index)] = set + Int(try bytes.uint32(set + 12 + 8 * index))
        }
        let codePage = try values[1].map { (at) throws(CompoundFile.Failure) in try bytes.uint16(at + 4) } ?? 1252
        func text(_ identifier: UInt32) throws(CompoundFile.Failure) -> String? {
            guard let at = values[identifier] else { return nil }
            let size = Int(try bytes.uint32(at + 4))
            switch try bytes.uint16(at) {
            case 0x1E:
                // A string of the code page's bytes (UTF-16 code units in page 1200), ended by a NUL.
                let value = Array(try bytes.slice(at + 8, size))
                let text: String
                switch codePage {
                case 1200: text = String(decoding: stride(from: 0, to: value.count - 1, by: 2).map { UInt16(value[$0]) | UInt16(value[$0 + 1]) << 8 }, as: UTF16.self)
                case 65001: text = String(decoding: value, as: UTF8.self)
                case 10000: text = LegacyCharset.macRoman.decode(value)
                // Another Windows code page (1251: Cyrillic) through ICU; 1252 and any ICU does not know as 1252.
                default: text = (codePage == 1252 ? nil : CharsetConversion.text(value, charset: "windows-\(codePage)")) ?? LegacyCharset.windows1252.decode(value)
                }
                return String(text.prefix { $0 != "\0" })
            case 0x1F:
                let units = try (0..<size).map { (index) throws(CompoundFile.Failure) in UInt16(try bytes.uint16(at + 8 + 2 * index)) }
                return String(decoding: units.prefix { $0 != 0 }, as: UTF16.self)
            default: return nil
            }
        }
        title = try text(2)?.singleSpaced
        if title?.isEmpty == true { title = nil }
        if let author = try text(4) { properties.add(.author, author) }
        if let comments = try text(6) { properties.add(.description, comments) }
        if let keywords = try text(5) { properties.add(.keywordList, keywords) }
        if let at = values[12], try bytes.uint16(at) == 0x40 {
            // 100-nanosecond ticks since 1601.
            let ticks = try bytes.uint64(at + 4)
            if ticks > 0 {
                let date = Date(timeIntervalSince1970: Double(ticks / 10_000_000) - 11_644_473_600)
                properties.add(.date, ISO8601DateFormatter().string(from: date))
            }
        }
    }
}
