import Foundation

/// An Excel 97–2003 workbook (`.xls`) read in process from its compound file's `Workbook` stream
/// (Microsoft's [MS-XLS], BIFF8 records), as `SpreadsheetText` reads a `.xlsx`: each visible
/// worksheet a page of its rows, a cell its value (shared strings, numbers in French, dates by their
/// format, formulas' results). Charts, macro sheets, comments, true and false, and errors are left
/// out; Excel 5 and 95 workbooks, and encrypted ones, are refused.
struct ExcelWorkbook {
    typealias Failure = CompoundFile.Failure

    private(set) var sheets: [PageSections.Page] = []

    private let stream: LittleEndianBytes
    private var strings: [String] = []
    /// Each cell format's number format (records XF, in order), and the custom formats showing dates.
    private var formats: [Int] = []
    private var customDates = Set<Int>()
    private var epoch = ExcelDate.epoch1900

    init(_ file: CompoundFile) throws(Failure) {
        guard let bytes = try file.stream("Workbook") else {
            if try file.stream("Book") != nil { throw Self.tooOld }
            throw Failure(reason: "not an Excel workbook (no Workbook stream)")
        }
        stream = LittleEndianBytes(bytes)
        guard try stream.uint16(0) == 0x0809 else { throw Failure(reason: "not an Excel workbook (no BOF record)") }
        guard try stream.uint16(4) == 0x0600 else { throw Self.tooOld }
        var boundSheets: [(offset: Int, visible: Bool, name: String)] = []
        var records = Records(stream, from: 0)
        globals: while let record = try records.next() {
            switch record.type {
            case 0x000A: break globals
            case 0x002F: throw Failure(reason: "an encrypted Excel workbook: not read")
            case 0x0022: if try stream.uint16(record.start) == 1 { epoch = ExcelDate.epoch1904 }
            case 0x00E0: formats.append(try stream.uint16(record.start + 2))
            case 0x041E:
                var reader = try records.continued(record)
                let format = try reader.uint16()
                if ExcelDate.isDateFormat(try reader.string(count: try reader.uint16())) { customDates.insert(format) }
            case 0x00FC: strings = try Self.sharedStrings(try records.continued(record))
            case 0x0085:
                // BoundSheet8: a worksheet (type 0) shown (state 0), and its name.
                let state = try stream.uint8(record.start + 4) & 3, type = try stream.uint8(record.start + 5)
                var name = ContinuedReader(stream, segments: [min(record.start + 6, record.end)..<record.end])
                let count = try name.uint8()
                boundSheets.append((Int(try stream.uint32(record.start)), state == 0 && type == 0, try name.string(count: count)))
            default: break
            }
        }
        for (index, sheet) in boundSheets.enumerated() where sheet.visible {
            sheets.append(PageSections.Page(number: index + 1, title: SpreadsheetText.title(sheet.name), lines: try rows(at: sheet.offset)))
        }
    }

    private static let tooOld = Failure(reason: "an Excel 95 or older workbook: only Excel 97 and later are read")

    /// The shared strings (SST): each a count of characters, flags, and the characters, 8-bit or
    /// 16-bit, then rich text runs and phonetic data, which are passed over.
    private static func sharedStrings(_ record: ContinuedReader) throws(Failure) -> [String] {
        var reader = record
        _ = try reader.uint32()
        let unique = Int(try reader.uint32())
        var strings: [String] = []
        for _ in 0..<unique {
            let count = try reader.uint16()
            let flags = try reader.uint8()
            let runs = flags & 0x08 != 0 ? try reader.uint16() : 0
            let phonetic = flags & 0x04 != 0 ? Int(try reader.uint32()) : 0
            strings.append(try reader.characters(count, wide: flags & 0x01 != 0))
            try reader.skip(4 * runs + phonetic)
        }
        return strings
    }

    /// A worksheet's rows, from its BOF at `offset` to its EOF (embedded charts' records passed over).
    private func rows(at offset: Int) throws(Failure) -> [String] {
        var cells: [Int: [Int: String]] = [:]
        var records = Records(stream, from: offset)
        guard let first = try records.next(), first.type == 0x0809 else { throw Failure(reason: "a worksheet of the workbook is damaged") }
        var depth = 1
        var pendingString: (row: Int, column: Int)?
        while depth > 0, let record = try records.next() {
            let at = record.start
            switch record.type {
            case 0x0809: depth += 1
            case 0x000A: depth -= 1
            case _ where depth > 1: break
            case 0x00FD:
                let index = Int(try stream.uint32(at + 6))
                if strings.indices.contains(index) { cells[try stream.uint16(at), default: [:]][try stream.uint16(at + 2)] = strings[index] }
            case 0x0204:
                var reader = try records.continued(record)
                try reader.skip(6)
                cells[try stream.uint16(at), default: [:]][try stream.uint16(at + 2)] = try reader.string(count: try reader.uint16())
            case 0x0203:
                let number = Double(bitPattern: try stream.uint64(at + 6))
                cells[try stream.uint16(at), default: [:]][try stream.uint16(at + 2)] = text(number, format: try stream.uint16(at + 4))
            case 0x027E:
                cells[try stream.uint16(at), default: [:]][try stream.uint16(at + 2)] = text(Self.rk(try stream.uint32(at + 6)), format: try stream.uint16(at + 4))
            case 0x00BD:
                // MulRk: a run of cells in a row, each its format and value.
                let row = try stream.uint16(at), first = try stream.uint16(at + 2)
                for index in 0..<max(0, (record.end - at - 6) / 6) {
                    let cell = at + 4 + 6 * index
                    cells[row, default: [:]][first + index] = text(Self.rk(try stream.uint32(cell + 2)), format: try stream.uint16(cell))
                }
            case 0x0006:
                // A formula's cached result: a number, or (marked by 0xFFFF in its last bytes) a
                // string in the String record after it, a boolean, an error or an empty string.
                let row = try stream.uint16(at), column = try stream.uint16(at + 2)
                if try stream.uint16(at + 12) != 0xFFFF {
                    cells[row, default: [:]][column] = text(Double(bitPattern: try stream.uint64(at + 6)), format: try stream.uint16(at + 4))
                } else if try stream.uint8(at + 6) == 0 {
                    pendingString = (row, column)
                }
            case 0x0207:
                guard let cell = pendingString else { break }
                var reader = try records.continued(record)
                cells[cell.row, default: [:]][cell.column] = try reader.string(count: try reader.uint16())
                pendingString = nil
            default: break
            }
        }
        return cells.sorted { $0.key < $1.key }.compactMap { row in SpreadsheetText.line(row.value.sorted { $0.key < $1.key }.map(\.value)) }
    }

    /// An RK number: 30 bits of a double's high half, or of an integer, maybe over 100.
    static func rk(_ value: UInt32) -> Double {
        let number = value & 0x02 != 0 ? Double(Int32(bitPattern: value) >> 2) : Double(bitPattern: UInt64(value & 0xFFFF_FFFC) << 32)
        return value & 0x01 != 0 ? number / 100 : number
    }

    private func text(_ number: Double, format index: Int) -> String {
        guard number.isFinite else { return "" }
        if formats.indices.contains(index) {
            let format = formats[index]
            if ExcelDate.builtInDateFormats.contains(format) || customDates.contains(format), let date = ExcelDate.shown(number, epoch: epoch) {
                return date
            }
        }
        return ExcelDate.french(number)
    }
}

/// The records of a BIFF8 stream from an offset: each its type, and where its data starts and ends.
private struct Records {
    typealias Failure = CompoundFile.Failure

    let stream: LittleEndianBytes
    var offset: Int

    init(_ stream: LittleEndianBytes, from offset: Int) {
        self.stream = stream
        self.offset = offset
    }

    mutating func next() throws(Failure) -> (type: Int, start: Int, end: Int)? {
        guard offset + 4 <= stream.count else { return nil }
        let type = try stream.uint16(offset), length = try stream.uint16(offset + 2)
        let start = offset + 4
        guard start + length <= stream.count else { throw Failure(reason: "a record of the workbook runs past its end") }
        offset = start + length
        return (type, start, start + length)
    }

    /// A record's data and that of the Continue records after it, which the reading moves past.
    mutating func continued(_ record: (type: Int, start: Int, end: Int)) throws(Failure) -> ContinuedReader {
        var segments = [record.start..<record.end]
        while offset + 4 <= stream.count, try stream.uint16(offset) == 0x003C, let next = try next() {
            segments.append(next.start..<next.end)
        }
        return ContinuedReader(stream, segments: segments)
    }
}

/// Reads a record's data across its Continue records: a string's characters that cross into the next
/// one start it again with their flags (8-bit or 16-bit), as [MS-XLS] 2.5.293 lays them out.
struct ContinuedReader {
    typealias Failure = CompoundFile.Failure

    let stream: LittleEndianBytes
    let segments: [Range<Int>]
    private var segment = 0
    private var position: Int

    init(_ stream: LittleEndianBytes, segments: [Range<Int>]) {
        self.stream = stream
        self.segments = segments
        position = segments.first?.lowerBound ?? 0
    }

    /// Moves into the next segment once this one is read; false when none is left.
    private mutating func nextSegmentIfAtEnd() -> Bool {
        while position >= segments[segment].upperBound {
            guard segment + 1 < segments.count else { return false }
            segment += 1
            position = segments[segment].lowerBound
        }
        return true
    }

    mutating func uint8() throws(Failure) -> Int {
        guard nextSegmentIfAtEnd() else { throw Self.cutShort }
        defer { position += 1 }
        return try stream.uint8(position)
    }

    mutating func uint16() throws(Failure) -> Int {
        let low = try uint8()
        return try low | uint8() << 8
    }

    mutating func uint32() throws(Failure) -> UInt32 {
        let low = UInt32(try uint16())
        return try low | UInt32(uint16()) << 16
    }

    mutating func skip(_ count: Int) throws(Failure) {
        var left = count
        while left > 0 {
            guard nextSegmentIfAtEnd() else { throw Self.cutShort }
            let step = min(left, segments[segment].upperBound - position)
            position += step
            left -= step
        }
    }

    /// An XLUnicodeString's flags and characters, `count` of them.
    mutating func string(count: Int) throws(Failure) -> String {
        let flags = try uint8()
        return try characters(count, wide: flags & 0x01 != 0)
    }

    /// `count` characters, 16-bit when `wide`; where they cross into the next segment, it starts
    /// with the flags saying how wide the rest are.
    mutating func characters(_ count: Int, wide: Bool) throws(Failure) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(min(count, 4_096))
        var wide = wide
        while units.count < count {
            if position >= segments[segment].upperBound {
                guard segment + 1 < segments.count else { throw Self.cutShort }
                segment += 1
                position = segments[segment].lowerBound
                wide = try uint8() & 0x01 != 0
            }
            if wide {
                units.append(UInt16(try stream.uint16(position)))
                position += 2
            } else {
                // Without their high byte, which is 0: Latin-1.
                units.append(UInt16(try stream.uint8(position)))
                position += 1
            }
        }
        return String(decoding: units, as: UTF16.self)
    }

    private static let cutShort = Failure(reason: "a record of the workbook is cut short")
}
