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

    /// Calls `row` with each row but blank lines. A value opened by a quote ends at the quote before a
    /// separator or a line break; what follows that quote up to them is kept, as spreadsheets read
    /// `"a"b`. Returns the line of a quote that is never closed, whose row is not given, else nil.
    static func rows(_ bytes: UnsafeBufferPointer<UInt8>, separator: UInt8, row: (Row) throws -> Void) rethrows -> Int? {
        var values: [String] = []
        var value: [UInt8] = []
        var line = 1, rowLine = 1
        var i = 0
        let count = bytes.count
        /// Moves past a line break at `i` (`\r\n`, `\n` or `\r`, as classic Mac OS's Excel wrote), if any.
        func skipLineBreak() -> Bool {
            guard i < count, bytes[i] == 0x0A || bytes[i] == 0x0D else { return false }
            i += bytes[i] == 0x0D && i + 1 < count && bytes[i + 1] == 0x0A ? 2 : 1
            line += 1
            return true
        }
        /// Appends the bytes from `i` up to the first that `stops` (at least one), at once.
        func appendRun(until stops: (UInt8) -> Bool) {
            var end = i + 1
            while end < count && !stops(bytes[end]) { end += 1 }
            value.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<end]))
            i = end
        }
        func endValue() {
            values.append(String(decoding: value, as: UTF8.self))
            value.removeAll(keepingCapacity: true)
        }
        func endRow() throws {
            endValue()
            if values.count > 1 || !values[0].isEmpty { try row(Row(line: rowLine, values: values)) }
            values.removeAll(keepingCapacity: true)
            rowLine = line
        }
        while i < count {
            if bytes[i] == 0x22 && value.isEmpty {
                let opened = line
                i += 1
                while true {
                    guard i < count else { return opened }
                    if bytes[i] == 0x22 {
                        if i + 1 < count && bytes[i + 1] == 0x22 {
                            value.append(0x22)
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    // A line break in a value is a `\n`, however the file ends its lines.
                    if skipLineBreak() {
                        value.append(0x0A)
                        continue
                    }
                    appendRun(until: { $0 == 0x22 || $0 == 0x0A || $0 == 0x0D })
                }
                continue
            }
            if bytes[i] == separator {
                endValue()
                i += 1
            } else if skipLineBreak() {
                try endRow()
            } else {
                appendRun(until: { $0 == separator || $0 == 0x0A || $0 == 0x0D })
            }
        }
        if !values.isEmpty || !value.isEmpty { try endRow() }
        return nil
    }
}
