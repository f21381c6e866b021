import Foundation
import Testing
@testable import Indexer
import TestSupport

/// Excel 97–2003 workbooks (`.xls`) are read in process, as their sheets' text.
@Suite struct ExcelWorkbookTests {
    static func sheets(_ workbook: [UInt8]) -> Result<[PageSections.Page], CompoundFile.Failure> {
        Result { () throws(CompoundFile.Failure) in try ExcelWorkbook(CompoundFile(CompoundFileWriter.file([("Workbook", workbook)], version: 3))).sheets }
    }

    /// Excel's own ways, in a workbook written here ([MS-XLS] records): sheets in the workbook's
    /// order, a hidden, a very hidden and a chart sheet left out; shared strings crossing a
    /// Continue record (and changing width there), with rich runs and phonetic data passed over;
    /// numbers as RK (an integer, one over 100, a double's high half), MulRk and Number; a formula's
    /// number, its string (in the String record after it), its boolean and a String record no
    /// formula asked for left out; a Label; dates by a built-in format and a custom one in the 1904
    /// system.
    @Test func excelsOwnWaysAreReadAsExcelShowsThem() throws {
        var workbook = BIFFWriter()
        let pages = try Self.sheets(workbook.file()).get()
        #expect(pages.map(\.number) == [1, 5])
        #expect(pages.map(\.title) == [nil, "Suivi des dons"])
        #expect(pages.map(\.lines) == [
            ["Donateur | Montant | Date", "Marie Curie | 1250 | 12,5 | 0,5", "Ἀθῆναι | 7 | 8 | 2 | 02/01/1904", "total | 1 | 3,25"],
            ["Label seul | 03/01/1904"],
        ])
    }

    /// What cannot be read says why: another stream, Excel 95's `Book`, BIFF5, encryption, a record
    /// running past the stream's end.
    @Test func aWorkbookThatCannotBeReadSaysWhy() throws {
        func reason(_ file: [UInt8]) -> String? {
            guard case .failure(let failure) = Result(catching: { () throws(CompoundFile.Failure) in try ExcelWorkbook(CompoundFile(file)) }) else { return nil }
            return failure.reason
        }
        #expect(reason(CompoundFileWriter.file([("WordDocument", [UInt8](repeating: 0, count: 10))], version: 3)) == "not an Excel workbook (no Workbook stream)")
        for name in ["Book", "Workbook"] {
            #expect(reason(CompoundFileWriter.file([(name, BIFFWriter.record(0x0809, le16(0x0500) + le16(5)))], version: 3))
                == "an Excel 95 or older workbook: only Excel 97 and later are read", "\(name)")
        }
        var writer = BIFFWriter()
        writer.encrypted = true
        #expect(reason(CompoundFileWriter.file([("Workbook", writer.file())], version: 3)) == "an encrypted Excel workbook: not read")
        let truncated = BIFFWriter.record(0x0809, le16(0x0600) + le16(5)) + le16(0x00FC) + le16(8_000) + [0, 0]
        #expect(reason(CompoundFileWriter.file([("Workbook", truncated)], version: 3)) == "a record of the workbook runs past its end")
    }

    /// Any damage to a workbook's stream: an issue or its sheets, never a trap nor a hang.
    @Test func anyDamageReadsWithoutTrapping() {
        var random = SplitMix64(seed: 61)
        var writer = BIFFWriter()
        var outcomes = DamageOutcomes()
        outcomes.read(damagedCopiesOf: writer.file(), rounds: 2_000, random: &random) {
            if case .success = Self.sheets($0) { true } else { false }
        }
        #expect(outcomes.read > 100 && outcomes.refused > 100, "\(outcomes)")
    }
}

/// A BIFF8 workbook stream written here: the globals (date system, formats, cell formats, shared
/// strings in an SST and a Continue record, sheets), then each sheet's records.
struct BIFFWriter {
    var encrypted = false

    static func record(_ type: Int, _ data: [UInt8]) -> [UInt8] { le16(type) + le16(data.count) + data }

    /// A cell's row, column and cell format.
    static func cell(_ row: Int, _ column: Int, format: Int = 0) -> [UInt8] { le16(row) + le16(column) + le16(format) }

    static func double(_ value: Double) -> [UInt8] { le32(Int(value.bitPattern & 0xFFFF_FFFF)) + le32(Int(value.bitPattern >> 32)) }

    mutating func file() -> [UInt8] {
        let bof = Self.record(0x0809, le16(0x0600) + le16(5) + [UInt8](repeating: 0, count: 12))
        let eof = Self.record(0x000A, [])
        // Cell formats: 0 general, 1 the built-in date format 14, 2 the custom format 200.
        var globals = bof + (encrypted ? Self.record(0x002F, [0, 0]) : []) + Self.record(0x0022, le16(1))
        globals += Self.record(0x041E, le16(200) + le16(8) + [0] + Array("yyyy-mmm".utf8))
        for format in [0, 14, 200] { globals += Self.record(0x00E0, le16(0) + le16(format) + [UInt8](repeating: 0, count: 16)) }
        // The SST: 4 strings; the fourth's characters cross into the Continue record, 16-bit there.
        let marie = le16(11) + [0x0C] + le16(1) + le32(3) + Array("Marie Curie".utf8) + le32(0) + [1, 2, 3]
        let sst = le32(4) + le32(4) + le16(8) + [0] + Array("Donateur".utf8) + marie + le16(7) + [0] + Array("Montant".utf8) + le16(6) + [0]
        let continuation: [UInt8] = [0x01] + "Ἀθῆναι".utf16.flatMap { le16(Int($0)) }
        globals += Self.record(0x00FC, sst) + Self.record(0x003C, continuation)
        let names: [(name: String, state: UInt8, type: UInt8)] = [("Feuil1", 0, 0), ("Cachée", 1, 0), ("Secrète", 2, 0), ("Graphique", 0, 2),
                                                                ("  Suivi   des dons ", 0, 0)]
        let boundSheetsLength = names.reduce(0) { $0 + 12 + 2 * $1.name.utf16.count }
        let first = globals.count + boundSheetsLength + eof.count
        let sheets: [[UInt8]] = [
            bof + Self.record(0x00FD, Self.cell(0, 0) + le32(0)) + Self.record(0x00FD, Self.cell(0, 1) + le32(2))
                + Self.record(0x0204, Self.cell(0, 2) + le16(4) + [0] + Array("Date".utf8))
                + Self.record(0x00FD, Self.cell(1, 0) + le32(1)) + Self.record(0x027E, Self.cell(1, 1) + le32(1250 << 2 | 2))
                + Self.record(0x027E, Self.cell(1, 2) + le32(1250 << 2 | 3))
                + Self.record(0x027E, Self.cell(1, 3) + le32(Int(Double(0.5).bitPattern >> 32)))
                + Self.record(0x00FD, Self.cell(2, 0) + le32(3))
                + Self.record(0x00BD, le16(2) + le16(1) + le16(0) + le32(7 << 2 | 2) + le16(0) + le32(8 << 2 | 2) + le16(3))
                + Self.record(0x0203, Self.cell(2, 3) + Self.double(2)) + Self.record(0x0203, Self.cell(2, 4, format: 1) + Self.double(1))
                + Self.record(0x0006, Self.cell(3, 0) + [0, 0, 0, 0, 0, 0, 0xFF, 0xFF] + le16(0) + le32(0) + le16(0))
                + Self.record(0x0207, le16(5) + [0] + Array("total".utf8))
                + Self.record(0x0006, Self.cell(3, 1) + Self.double(1) + le16(0) + le32(0) + le16(0))
                // A boolean result, then a String record no string formula asked for: neither is shown.
                + Self.record(0x0006, Self.cell(3, 4) + [1, 0, 1, 0, 0, 0, 0xFF, 0xFF] + le16(0) + le32(0) + le16(0))
                + Self.record(0x0207, le16(8) + [0] + Array("parasite".utf8))
                + Self.record(0x0006, Self.cell(3, 2) + Self.double(3.25) + le16(0) + le32(0) + le16(0))
                + bof + Self.record(0x00FD, Self.cell(9, 9) + le32(0)) + eof + eof,
            bof + Self.record(0x00FD, Self.cell(0, 0) + le32(0)) + eof,
            bof + Self.record(0x00FD, Self.cell(0, 0) + le32(0)) + eof,
            bof + Self.record(0x00FD, Self.cell(0, 0) + le32(0)) + eof,
            bof + Self.record(0x0204, Self.cell(0, 0) + le16(10) + [0] + Array("Label seul".utf8))
                + Self.record(0x0203, Self.cell(0, 1, format: 2) + Self.double(2)) + eof,
        ]
        var offset = first
        for (index, sheet) in names.enumerated() {
            let units = Array(sheet.name.utf16)
            globals += Self.record(0x0085, le32(offset) + [sheet.state, sheet.type] + [UInt8(units.count), 1] + units.flatMap { le16(Int($0)) })
            offset += sheets[index].count
        }
        return globals + eof + sheets.flatMap { $0 }
    }
}
