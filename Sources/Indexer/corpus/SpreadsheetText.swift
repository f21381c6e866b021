import Foundation

/// A spreadsheet, Excel's `.xlsx` (Office Open XML) or Calc's `.ods` (OpenDocument), or Excel 97–2003's
/// `.xls` (`ExcelWorkbook`), as the text of its
/// sheets, as Recoll reads workbooks: each sheet a page (`PageSections`) numbered in the workbook's
/// order, titled by its name unless the application gave it (`Feuille1`, `Sheet1`), each row that
/// holds something a line of its cells between ` | ` (empty cells left out, a repeated cell or row
/// once). A cell is the text it shows: Calc's shown text as the document keeps it; Excel's value,
/// a number written in French (`12500,5`) and a date as `15/03/2024` when its format is a date's.
/// Hidden sheets, comments, formulas (their results are read), true and false, and errors are left out.
/// Excel's parts are read whether their writer prefixed SpreadsheetML's elements (`x:row`) or not.
enum SpreadsheetText {
    enum Format { case xlsx, ods }

    static func sections(of archive: ZipArchive, format: Format, minimumWords: Int) throws(ZipArchive.Failure) -> ([SectionSplitter.Section], [SourceDocument.Field]) {
        let sheets = try format == .xlsx ? excelSheets(archive) : calcSheets(archive)
        let (title, properties) = try OfficeText.titleAndProperties(of: archive, format: format == .xlsx ? .docx : .odt)
        return (PageSections.sections(of: sheets, documentTitle: title, minimumWords: minimumWords), properties.fields)
    }

    /// A sheet's name as its title: nil for a name the application gives a new sheet.
    static func title(_ name: String) -> String? {
        let words = name.singleSpaced
        let letters = words.prefix { !$0.isNumber }.trimmingCharacters(in: .whitespaces).lowercased()
        let given = letters.count < words.count && words.dropFirst(letters.count).allSatisfy { $0.isNumber || $0 == " " }
            && ["sheet", "feuille", "feuil", "tabelle", "hoja", "foglio", "planilha"].contains(letters)
        return words.isEmpty || given ? nil : words
    }

    /// A row's cells as a line: the ones that show something, once each in a run of the same.
    static func line(_ cells: [String]) -> String? {
        var shown: [String] = []
        for cell in cells {
            let text = cell.singleSpaced
            if !text.isEmpty && shown.last != text { shown.append(text) }
        }
        return shown.isEmpty ? nil : shown.joined(separator: " | ")
    }

    // MARK: Excel

    /// The sheets `xl/workbook.xml` lists, in its order, their cells' shared strings and dates resolved.
    private static func excelSheets(_ archive: ZipArchive) throws(ZipArchive.Failure) -> [PageSections.Page] {
        guard let workbook = try archive.data(of: "xl/workbook.xml") else {
            throw ZipArchive.Failure(reason: "not an Excel workbook (no xl/workbook.xml)")
        }
        let targets = try archive.relationships(of: "xl/workbook.xml")
        let strings = try targets.values.first { $0.type == ZipArchive.relationshipType + "sharedStrings" }
            .flatMap { relationship throws(ZipArchive.Failure) in try archive.data(of: relationship.part) }.map(sharedStrings) ?? []
        let dateStyles = try targets.values.first { $0.type == ZipArchive.relationshipType + "styles" }
            .flatMap { relationship throws(ZipArchive.Failure) in try archive.data(of: relationship.part) }.map(dateStyleIndexes) ?? []
        var sheets: [(name: String, id: String, hidden: Bool)] = []
        var epoch = ExcelDate.epoch1900
        var scanner = XMLScanner(workbook, attributesOf: ["sheet", "workbookPr"], localNames: true)
        while let event = scanner.next() {
            guard case .start(let name, let attributes, _) = event else { continue }
            if name == "workbookPr", attributes["date1904"] == "1" || attributes["date1904"] == "true" { epoch = ExcelDate.epoch1904 }
            if name == "sheet", let id = attributes["r:id"] {
                sheets.append((attributes["name"] ?? "", id, attributes["state"].map { $0 != "visible" } ?? false))
            }
        }
        var pages: [PageSections.Page] = []
        for (index, sheet) in sheets.enumerated() where !sheet.hidden {
            guard let target = targets[sheet.id], let xml = try archive.data(of: target.part) else { continue }
            let cell = ExcelCell(strings: strings, dateStyles: dateStyles, epoch: epoch)
            pages.append(PageSections.Page(number: index + 1, title: title(sheet.name), lines: excelRows(xml, cell)))
        }
        return pages
    }

    /// The shared strings' texts, in order: each `si`'s runs, without their phonetic readings.
    private static func sharedStrings(_ xml: [UInt8]) -> [String] {
        var strings: [String] = []
        var current: String?
        var inText = false
        var skipping = SkippedElement()
        var scanner = XMLScanner(xml, attributesOf: [], localNames: true)
        while let event = scanner.next() {
            if skipping.consumes(event) { continue }
            switch event {
            case .start("si", _, true): strings.append("")
            case .start("si", _, false): current = ""
            case .start("t", _, let selfClosing): inText = !selfClosing
            case .start("rPh", _, let selfClosing): skipping.start(selfClosing: selfClosing)
            case .end("t"): inText = false
            case .end("si"):
                strings.append(current ?? "")
                current = nil
            case .text(let chunk) where inText: current? += chunk
            default: break
            }
        }
        return strings
    }

    /// The cell styles (`s`, an index into `cellXfs`) whose number format shows a date.
    private static func dateStyleIndexes(_ xml: [UInt8]) -> Set<Int> {
        var customDates = Set<Int>()
        var formats: [Int] = []
        var inCellFormats = false
        var scanner = XMLScanner(xml, attributesOf: ["numFmt", "xf"], localNames: true)
        while let event = scanner.next() {
            switch event {
            case .start("numFmt", let attributes, _):
                if let id = attributes["numFmtId"].flatMap({ Int($0) }), ExcelDate.isDateFormat(attributes["formatCode"] ?? "") { customDates.insert(id) }
            case .start("cellXfs", _, false): inCellFormats = true
            case .end("cellXfs"): inCellFormats = false
            case .start("xf", let attributes, _) where inCellFormats: formats.append(attributes["numFmtId"].flatMap { Int($0) } ?? 0)
            default: break
            }
        }
        return Set(formats.indices.filter { ExcelDate.builtInDateFormats.contains(formats[$0]) || customDates.contains(formats[$0]) })
    }

    /// What a cell's value shows, by its type (`t`) and style (`s`).
    private struct ExcelCell {
        let strings: [String]
        let dateStyles: Set<Int>
        let epoch: Date

        /// `value`: the text of the cell's `v`, or of its `is` (an inline string).
        func text(type: String?, style: Int, value: String) -> String {
            switch type {
            case "s": return Int(value).flatMap { strings.indices.contains($0) ? strings[$0] : nil } ?? ""
            case "inlineStr", "str": return value
            case "b", "e": return ""
            default:
                guard let number = Double(value), number.isFinite else { return value }
                if dateStyles.contains(style), let date = ExcelDate.shown(number, epoch: epoch) { return date }
                return ExcelDate.french(number)
            }
        }
    }

    /// The rows of a worksheet's `sheetData`, a line each.
    private static func excelRows(_ xml: [UInt8], _ cell: ExcelCell) -> [String] {
        var lines: [String] = []
        var cells: [String] = []
        var type: String?, style = 0, value = ""
        // In the cell's `v` or `is`, whose text is its value.
        var inValue = false
        var skipping = SkippedElement()
        var scanner = XMLScanner(xml, attributesOf: ["c"], localNames: true)
        while let event = scanner.next() {
            if skipping.consumes(event) { continue }
            switch event {
            case .start("row", _, _): cells = []
            case .start("c", let attributes, _):
                type = attributes["t"]
                style = attributes["s"].flatMap { Int($0) } ?? 0
                value = ""
            case .start("v", _, false), .start("is", _, false): inValue = true
            case .end("v"), .end("is"): inValue = false
            case .start("rPh", _, let selfClosing): skipping.start(selfClosing: selfClosing)
            case .text(let chunk) where inValue: value += chunk
            case .end("c"): cells.append(cell.text(type: type, style: style, value: value))
            case .end("row"): if let line = line(cells) { lines.append(line) }
            default: break
            }
        }
        return lines
    }

    // MARK: Calc

    /// The `table:table`s of `content.xml`, each cell's shown text.
    private static func calcSheets(_ archive: ZipArchive) throws(ZipArchive.Failure) -> [PageSections.Page] {
        guard let content = try archive.data(of: "content.xml") else {
            throw ZipArchive.Failure(reason: "not an OpenDocument spreadsheet (no content.xml)")
        }
        var hiddenStyles = Set<String>()
        var tableStyle: String?
        var pages: [PageSections.Page] = []
        var sheet: (page: PageSections.Page, hidden: Bool)?
        var number = 0
        var cells: [String]?
        var cell: String?
        var paragraphs = 0
        var skipping = SkippedElement()
        var scanner = XMLScanner(content, attributesOf: ["style:style", "style:table-properties", "table:table"])
        while let event = scanner.next() {
            if skipping.consumes(event) { continue }
            switch event {
            case .start(let name, let attributes, let selfClosing):
                switch name {
                case "style:style": tableStyle = attributes["style:family"] == "table" ? attributes["style:name"] : nil
                case "style:table-properties":
                    if attributes["table:display"] == "false", let tableStyle { hiddenStyles.insert(tableStyle) }
                case "table:table" where !selfClosing:
                    number += 1
                    sheet = (PageSections.Page(number: number, title: attributes["table:name"].flatMap(title), lines: []),
                             attributes["table:style-name"].map(hiddenStyles.contains) ?? false)
                case "table:table-row" where !selfClosing: cells = []
                case "table:table-cell" where !selfClosing: cell = ""
                case "office:annotation": skipping.start(selfClosing: selfClosing)
                case "text:p" where cell != nil && !selfClosing, "text:h" where cell != nil && !selfClosing:
                    if paragraphs == 0 && !(cell ?? "").isEmpty { cell? += " " }
                    paragraphs += 1
                case "text:s", "text:tab", "text:line-break": if paragraphs > 0 { cell? += " " }
                default: break
                }
            case .end(let name):
                switch name {
                case "text:p", "text:h": paragraphs = max(0, paragraphs - 1)
                case "table:table-cell":
                    if let done = cell { cells?.append(done) }
                    cell = nil
                case "table:table-row":
                    if let done = cells, let line = line(done) { sheet?.page.lines.append(line) }
                    cells = nil
                case "table:table":
                    if let done = sheet, !done.hidden { pages.append(done.page) }
                    sheet = nil
                default: break
                }
            case .text(let chunk):
                if paragraphs > 0 { cell? += chunk }
            }
        }
        return pages
    }
}

/// Excel's dates: a number of days since its epoch, shown as a date by the cell's number format.
enum ExcelDate {
    /// Day 0 of the 1900 system is 1899-12-30: Excel counts 1900-02-29, which never was, so the
    /// days from 1 March 1900 on fall right from there.
    static let epoch1900 = Date(timeIntervalSince1970: -2_209_161_600)
    static let epoch1904 = Date(timeIntervalSince1970: -2_082_844_800)

    /// The built-in formats that show a date (ECMA-376, 18.8.30: 14–17 and 22).
    static let builtInDateFormats: Set<Int> = [14, 15, 16, 17, 22]

    /// A custom format shows a date when it has a day or a year outside its quoted text and its
    /// `[…]` parts (a colour, a locale, elapsed hours).
    static func isDateFormat(_ code: String) -> Bool {
        var quoted = false, bracketed = false, escaped = false
        for character in code.lowercased() {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "\"": quoted.toggle()
            case "[" where !quoted: bracketed = true
            case "]" where !quoted: bracketed = false
            case "d", "y": if !quoted && !bracketed { return true }
            default: break
            }
        }
        return false
    }

    private static let calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The day as a French reader writes it (`15/03/2024`); nil out of the years 1900–9999.
    static func shown(_ serial: Double, epoch: Date) -> String? {
        guard serial >= 0 && serial < 2_958_466 else { return nil }
        let date = epoch.addingTimeInterval(serial.rounded(.down) * 86_400)
        let parts = calendar.dateComponents([.day, .month, .year], from: date)
        guard let day = parts.day, let month = parts.month, let year = parts.year else { return nil }
        return String(format: "%02d/%02d/%04d", day, month, year)
    }

    /// A number as a French reader writes it: a decimal comma, and no more than 15 significant
    /// digits (Excel's precision: `0.1 + 0.2` is kept as `0.30000000000000004`, shown as `0,3`).
    static func french(_ number: Double) -> String {
        String(format: "%.15g", number).replacingOccurrences(of: ".", with: ",")
    }
}
