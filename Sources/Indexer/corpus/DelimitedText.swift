/// The rows of a CSV or TSV table, as spreadsheets and databases export them (RFC 4180): values
/// separated by a comma, a semicolon (the CSV of a French Excel, whose decimal separator is the
/// comma) or a tab; a value in double quotes may hold separators and line breaks, and `""` for a quote.
enum DelimitedText {
    struct Row {
        /// The line the row starts at, counting the line breaks quoted values hold.
        var line: Int
        var values: [String]
    }

    /// The separator a CSV table's first line uses: of the comma, the semicolon and the tab, the one
    /// it holds most of outside quotes (the comma on a tie, or when it holds none).
    static func separator(ofFirstLine bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var counts: [UInt8: Int] = [0x2C: 0, 0x3B: 0, 0x09: 0]
        var quoted = false
        for byte in bytes {
            if byte == 0x22 { quoted.toggle() }
            if quoted { continue }
            if byte == 0x0A || byte == 0x0D { break }
            counts[byte]? += 1
        }
        // `max` keeps the first of equal counts: the comma.
        return [UInt8(0x2C), 0x3B, 0x09].max { counts[$0]! < counts[$1]! }!
    }

    /// Calls `row` with each row of a whole table (UTF-8) but blank lines. Returns the line of a quote
    /// that is never closed, whose row is not given, else nil.
    static func rows(_ bytes: UnsafeBufferPointer<UInt8>, separator: UInt8, row: (Row) throws -> Void) rethrows -> Int? {
        var reader = Reader(separator: separator, charset: nil)
        try reader.read(bytes, row: row)
        return try reader.finish(row: row)
    }

    /// Reads a table's rows from its bytes given a piece at a time, as a state machine: a row, a
    /// value or a line break cut between two pieces reads as if whole. A value opened by a quote ends
    /// at the quote before a separator or a line break; what follows that quote up to them is kept,
    /// as spreadsheets read `"a"b`. Lines end at `\r\n`, `\n` or `\r` (classic Mac OS's Excel).
    struct Reader {
        let separator: UInt8
        /// The values' single-byte charset; nil for UTF-8, whose damaged bytes are replaced.
        let charset: LegacyCharset?
        /// The line of the first row whose UTF-8 was damaged.
        private(set) var firstRepairedLine: Int?

        private enum State {
            case valueStart, unquoted, quoted
            /// After a quote inside quotes: a second one is a quote, anything else closes the value.
            case quoteInQuotes
            /// After a `\r`, outside quotes or in: a `\n` belongs to the same line break.
            case carriageReturn, carriageReturnInQuotes
        }

        private var state = State.valueStart
        private var values: [String] = []
        private var value: [UInt8] = []
        private var line = 1, rowLine = 1, quoteLine = 1

        init(separator: UInt8, charset: LegacyCharset?) {
            self.separator = separator
            self.charset = charset
        }

        private mutating func endValue() {
            if let charset {
                values.append(charset.decode(value))
            } else if let text = String(validating: value, as: UTF8.self) {
                values.append(text)
            } else {
                if firstRepairedLine == nil { firstRepairedLine = rowLine }
                values.append(String(decoding: value, as: UTF8.self))
            }
            value.removeAll(keepingCapacity: true)
        }

        private mutating func endRow(_ row: (Row) throws -> Void) rethrows {
            endValue()
            if values.count > 1 || !values[0].isEmpty { try row(Row(line: rowLine, values: values)) }
            values.removeAll(keepingCapacity: true)
            rowLine = line
        }

        /// Calls `row` with each row the bytes complete but blank lines.
        mutating func read(_ bytes: UnsafeBufferPointer<UInt8>, row: (Row) throws -> Void) rethrows {
            var i = 0
            let count = bytes.count
            /// Appends the bytes from `i` up to the first that `stops` (at least one), at once.
            func appendRun(until stops: (UInt8) -> Bool) {
                var end = i + 1
                while end < count && !stops(bytes[end]) { end += 1 }
                value.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<end]))
                i = end
            }
            while i < count {
                let byte = bytes[i]
                switch state {
                case .carriageReturn, .carriageReturnInQuotes:
                    state = state == .carriageReturn ? .valueStart : .quoted
                    if byte == 0x0A { i += 1 }
                case .quoteInQuotes:
                    if byte == 0x22 {
                        value.append(0x22)
                        state = .quoted
                        i += 1
                    } else {
                        state = .unquoted
                    }
                case .quoted:
                    if byte == 0x22 {
                        state = .quoteInQuotes
                        i += 1
                    } else if byte == 0x0A || byte == 0x0D {
                        // A line break in a value is a `\n`, however the file ends its lines.
                        value.append(0x0A)
                        line += 1
                        state = byte == 0x0D ? .carriageReturnInQuotes : .quoted
                        i += 1
                    } else {
                        appendRun(until: { $0 == 0x22 || $0 == 0x0A || $0 == 0x0D })
                    }
                case .valueStart, .unquoted:
                    if byte == 0x22 && state == .valueStart {
                        quoteLine = line
                        state = .quoted
                        i += 1
                    } else if byte == separator {
                        endValue()
                        state = .valueStart
                        i += 1
                    } else if byte == 0x0A || byte == 0x0D {
                        line += 1
                        try endRow(row)
                        state = byte == 0x0D ? .carriageReturn : .valueStart
                        i += 1
                    } else {
                        appendRun(until: { $0 == separator || $0 == 0x0A || $0 == 0x0D })
                        state = .unquoted
                    }
                }
            }
        }

        /// Gives the last row, when no line break ends it; returns the line of a quote never closed,
        /// whose row is not given, else nil.
        mutating func finish(row: (Row) throws -> Void) rethrows -> Int? {
            switch state {
            case .quoted, .carriageReturnInQuotes: return quoteLine
            default:
                if !values.isEmpty || !value.isEmpty { try endRow(row) }
                return nil
            }
        }
    }
}
