/// Finds where the values of a JSON text start and end without reading them (`JSONLine` parses each),
/// following strings' escapes and nesting, and which line a byte is on: a file of many objects is
/// then parsed an object at a time.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0
    /// Lines counted up to an offset, and where the last began, so that places asked in order are
    /// counted once (a minified array is one line of many objects).
    private var counted = (offset: 0, line: 1, lineStart: 0)

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func skipByteOrderMark() {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }

    /// The first byte from `start` (`offset` by default) that is not white space; nil at the end.
    func nextNonSpace(from start: Int? = nil) -> Int? {
        var index = start ?? offset
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return nil
    }

    /// Just past the value that starts at `start`: its closing bracket or quote, or for a number or a
    /// literal the next separator, bracket or space. Nil when the text ends inside an object, an
    /// array or a string.
    func valueEnd(from start: Int) -> Int? {
        var depth = 0
        var index = start
        repeat {
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { return index }
                depth -= 1
            case UInt8(ascii: "\""):
                index += 1
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
                guard index < bytes.count else { return nil }
            case UInt8(ascii: ","), 0x20, 0x09, 0x0A, 0x0D:
                if depth == 0 { return index }
            default:
                break
            }
            index += 1
        } while depth > 0 && index < bytes.count
        if depth > 0 { return nil }
        // A number or a literal runs on to what ends it.
        while index < bytes.count, !Self.endsLiteral(bytes[index]) { index += 1 }
        return index
    }

    private static func endsLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "\""), 0x20, 0x09, 0x0A, 0x0D: true
        default: false
        }
    }

    /// The line (from 1) of the byte at `index`, and its byte in that line (from 1).
    mutating func place(of index: Int) -> (line: Int, column: Int) {
        if index < counted.offset { counted = (0, 1, 0) }
        var (line, lineStart) = (counted.line, counted.lineStart)
        for at in counted.offset..<index where bytes[at] == 0x0A {
            line += 1
            lineStart = at + 1
        }
        counted = (index, line, lineStart)
        return (line, index - lineStart + 1)
    }
}
