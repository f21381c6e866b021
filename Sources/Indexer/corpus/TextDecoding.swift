/// The single-byte character sets French text was saved in before UTF-8: Windows-1252 (what Windows
/// saved, and what browsers read for ISO-8859-1), ISO-8859-15 (Latin-9: the Latin-1 of Unix systems
/// after the euro, with `œ`, `Œ`, `Ÿ` and `€`) and Mac OS Roman (classic Mac OS, `é` as 8E).
public enum LegacyCharset: Sendable, CaseIterable {
    case windows1252, latin9, macRoman

    var name: String {
        switch self {
        case .windows1252: "Windows-1252 (Latin-1)"
        case .latin9: "ISO-8859-15 (Latin-9)"
        case .macRoman: "Mac OS Roman"
        }
    }

    /// The charset a page's label names, as the WHATWG Encoding Standard maps labels (`iso-8859-1`
    /// and `us-ascii` are Windows-1252 there), or nil for any other.
    init?(label: String) {
        switch label {
        case "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100", "iso8859-1",
             "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252", "x-cp1252", "x-user-defined":
            self = .windows1252
        case "csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9", "latin9", "latin-9":
            self = .latin9
        case "csmacintosh", "mac", "macintosh", "x-mac-roman":
            self = .macRoman
        default:
            return nil
        }
    }

    /// What a byte of 80–FF reads as (the undefined bytes of Windows-1252 as the control characters
    /// of the same number, as the WHATWG standard reads them).
    func scalar(_ byte: UInt8) -> Unicode.Scalar {
        let value: UInt32
        switch self {
        case .windows1252: value = byte < 0xA0 ? Self.windows1252High[Int(byte) - 0x80] : UInt32(byte)
        case .latin9: value = Self.latin9Differences[byte] ?? UInt32(byte)
        case .macRoman: value = Self.macRomanHigh[Int(byte) - 0x80]
        }
        return Unicode.Scalar(value)!
    }

    func decode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var text = String()
        text.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            text.unicodeScalars.append(byte < 0x80 ? Unicode.Scalar(byte) : scalar(byte))
        }
        return text
    }

    /// The charset that reads the most of a text's bytes as the accented letters of French words: a
    /// byte beside an ASCII letter that reads as a lowercase French letter beside a lowercase one, or
    /// as a capital beside a capital. `é` saved by Windows is E9, which Mac OS Roman reads as `È`
    /// (`cafÈ`); saved by a Mac it is 8E, which Windows-1252 reads as `Ž` (`cafŽ`); `œ` saved as
    /// Latin-9's BD is Windows-1252's `½` (`c½ur`). Ties go to Windows-1252, the most common.
    static func likeliest<C: Collection>(for bytes: C) -> LegacyCharset where C.Element == UInt8 {
        var scores = [Int](repeating: 0, count: allCases.count)
        var previous: UInt8 = 0x20
        var iterator = bytes.makeIterator()
        var current = iterator.next()
        while let byte = current {
            let next = iterator.next()
            if byte >= 0x80 {
                let lowerBeside = isLower(previous) || next.map(isLower) == true
                let upperBeside = isUpper(previous) || next.map(isUpper) == true
                if lowerBeside || upperBeside {
                    for (index, charset) in allCases.enumerated() {
                        let scalar = charset.scalar(byte)
                        if lowerBeside && frenchLower.contains(scalar) || upperBeside && frenchUpper.contains(scalar) {
                            scores[index] += 1
                        }
                    }
                }
            }
            previous = byte
            current = next
        }
        return allCases[scores.indices.max { scores[$0] < scores[$1] }!]
    }

    private static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    private static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }

    private static let frenchLower = Set("àâäçéèêëîïôöùûüÿœæ".unicodeScalars)
    private static let frenchUpper = Set("ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ".unicodeScalars)

    private static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]

    /// Where Latin-9 differs from Latin-1 (whose 80–9F are control characters).
    private static let latin9Differences: [UInt8: UInt32] = [
        0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153, 0xBE: 0x0178,
    ]

    private static let macRomanHigh: [UInt32] = [
        0xC4, 0xC5, 0xC7, 0xC9, 0xD1, 0xD6, 0xDC, 0xE1, 0xE0, 0xE2, 0xE4, 0xE3, 0xE5, 0xE7, 0xE9, 0xE8,
        0xEA, 0xEB, 0xED, 0xEC, 0xEE, 0xEF, 0xF1, 0xF3, 0xF2, 0xF4, 0xF6, 0xF5, 0xFA, 0xF9, 0xFB, 0xFC,
        0x2020, 0xB0, 0xA2, 0xA3, 0xA7, 0x2022, 0xB6, 0xDF, 0xAE, 0xA9, 0x2122, 0xB4, 0xA8, 0x2260, 0xC6, 0xD8,
        0x221E, 0xB1, 0x2264, 0x2265, 0xA5, 0xB5, 0x2202, 0x2211, 0x220F, 0x3C0, 0x222B, 0xAA, 0xBA, 0x3A9, 0xE6, 0xF8,
        0xBF, 0xA1, 0xAC, 0x221A, 0x192, 0x2248, 0x2206, 0xAB, 0xBB, 0x2026, 0xA0, 0xC0, 0xC3, 0xD5, 0x152, 0x153,
        0x2013, 0x2014, 0x201C, 0x201D, 0x2018, 0x2019, 0xF7, 0x25CA, 0xFF, 0x178, 0x2044, 0x20AC, 0x2039, 0x203A, 0xFB01, 0xFB02,
        0x2021, 0xB7, 0x201A, 0x201E, 0x2030, 0xC2, 0xCA, 0xC1, 0xCB, 0xC8, 0xCD, 0xCE, 0xCF, 0xCC, 0xD3, 0xD4,
        0xF8FF, 0xD2, 0xDA, 0xDB, 0xD9, 0x131, 0x2C6, 0x2DC, 0xAF, 0x2D8, 0x2D9, 0x2DA, 0xB8, 0x2DD, 0x2DB, 0x2C7,
    ]
}

extension Corpus {
    /// Valid UTF-8 as is; UTF-16 after its byte order mark (as Windows Notepad saves "Unicode").
    /// Otherwise, a page's declared charset (`<meta charset="iso-8859-15">`, `windows-1256`,
    /// `gb2312`: a Latin one fts decodes itself, any other that ICU converts), without an issue: the
    /// page says what it is. Otherwise an issue naming the line of the first byte UTF-8
    /// cannot read, and either the text read in the single-byte charset likeliest for it, when nearly
    /// every non-ASCII byte is such a byte (`é` saved as the single byte E9, as older programs save
    /// French text), or the text with its invalid bytes replaced by U+FFFD (UTF-8 with some damage).
    static func decode<C: Collection>(_ bytes: C, file: String, line: Int, declaredCharset: String? = nil,
                                      issue: (CorpusIssue) throws -> Void) rethrows -> String where C.Element == UInt8 {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return try decodeUTF16(Array(bytes), file: file, line: line, issue: issue)
        }
        if let declaredCharset, let charset = LegacyCharset(label: declaredCharset) { return charset.decode(bytes) }
        if let declaredCharset, !Self.utf8Labels.contains(declaredCharset), let text = CharsetConversion.text(Array(bytes), charset: declaredCharset) {
            return text
        }
        let (invalid, multibyte, firstInvalidLine) = utf8Damage(bytes, line: line)
        let unread = declaredCharset.flatMap { Self.utf8Labels.contains($0) ? nil : "; its declared charset \"\($0)\" is not one fts reads" } ?? ""
        if let charset = singleByteCharset(invalid: invalid, multibyte: multibyte, bytes) {
            try issue(CorpusIssue(file: file, line: firstInvalidLine, message: "not UTF-8; read as \(charset.name)\(unread)"))
            return charset.decode(bytes)
        }
        try issue(CorpusIssue(file: file, line: firstInvalidLine, message: "invalid UTF-8; invalid bytes replaced by U+FFFD\(unread)"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes UTF-8 cannot read, the characters of more than a byte it reads, and the line (counted
    /// from `line`) of the first byte it cannot read.
    static func utf8Damage<C: Collection>(_ bytes: C, line: Int) -> (invalid: Int, multibyte: Int, firstInvalidLine: Int?) where C.Element == UInt8 {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var lineNumber = line
        var firstInvalidLine: Int?
        var invalid = 0, multibyte = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { lineNumber += 1 }
                if !scalar.isASCII { multibyte += 1 }
            case .emptyInput: break loop
            case .error:
                invalid += 1
                if firstInvalidLine == nil { firstInvalidLine = lineNumber }
            }
        }
        return (invalid, multibyte, firstInvalidLine)
    }

    /// The single-byte charset of bytes that are not UTF-8, else nil: a single-byte text holds a valid
    /// UTF-8 sequence only by chance (`Ã©`), a few at most.
    static func singleByteCharset<C: Collection>(invalid: Int, multibyte: Int, _ bytes: C) -> LegacyCharset? where C.Element == UInt8 {
        multibyte * 8 < invalid ? LegacyCharset.likeliest(for: bytes) : nil
    }

    /// UTF-8's labels, and UTF-16's, which a page whose bytes declare it could not have written in an
    /// ASCII-compatible charset (the WHATWG standard reads them as UTF-8 there).
    private static let utf8Labels: Set<String> = [
        "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8",
        "csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16", "utf-16le", "utf-16be", "unicodefffe",
    ]

    /// UTF-16 after its byte order mark (FF FE: little-endian), unpaired surrogates and an odd last
    /// byte replaced by U+FFFD with an issue naming the line of the first.
    private static func decodeUTF16(_ bytes: [UInt8], file: String, line: Int, issue: (CorpusIssue) throws -> Void) rethrows -> String {
        let littleEndian = bytes[0] == 0xFF
        let units = stride(from: 2, to: bytes.count - 1, by: 2).map { index in
            littleEndian ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8 : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
        }
        var text = String()
        text.reserveCapacity(units.count)
        var decoder = UTF16()
        var iterator = units.makeIterator()
        var lineNumber = line
        var firstInvalidLine: Int?
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" { lineNumber += 1 }
                text.unicodeScalars.append(scalar)
            case .emptyInput: break loop
            case .error:
                text.unicodeScalars.append("\u{FFFD}")
                if firstInvalidLine == nil { firstInvalidLine = lineNumber }
            }
        }
        if bytes.count % 2 == 1 {
            text.unicodeScalars.append("\u{FFFD}")
            if firstInvalidLine == nil { firstInvalidLine = lineNumber }
        }
        if let firstInvalidLine {
            try issue(CorpusIssue(file: file, line: firstInvalidLine, message: "invalid UTF-16; invalid code units replaced by U+FFFD"))
        }
        return text
    }
}
