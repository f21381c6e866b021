/// What a document sorts by in a field (`fts search --sort FIELD`): the numbers and dates its text
/// holds as whole items. A field's items are its text split at ", ", the separator a JSON Lines array's
/// elements and a front matter list's entries are joined with. An item is a number when it is one
/// whole (`2024`, `-3`, `12,5`, `1.5e3`, `1 500,50`), perhaps an amount or a percentage (`1 500,50 €`,
/// `$30`, `99,90 EUR`, `45 %`), a date when it is an ISO 8601 date, with or without a time
/// and a zone (`2024-05-01`, `2024-05-01T09:30:00+02:00`), which sorts by its instant in seconds since
/// 1970 (UTC when no zone is written). Anything else in the text is passed over.
public enum SortValue {
    /// The smallest and largest values of `text`'s items, nil when no item is a number or a date.
    public static func range(of text: String) -> (smallest: Double, largest: Double)? {
        var text = text
        return text.withUTF8 { range(of: $0) }
    }

    static func range(of utf8: UnsafeBufferPointer<UInt8>) -> (smallest: Double, largest: Double)? {
        var found: (smallest: Double, largest: Double)?
        forEachValue(in: utf8) { value in
            found = found.map { (min($0.smallest, value), max($0.largest, value)) } ?? (value, value)
        }
        return found
    }

    /// Calls `body` with the value of each of `text`'s items that has one, in order.
    public static func forEachValue(in text: String, _ body: (Double) -> Void) {
        var text = text
        text.withUTF8 { forEachValue(in: $0, body) }
    }

    static func forEachValue(in utf8: UnsafeBufferPointer<UInt8>, _ body: (Double) -> Void) {
        var start = 0
        while start <= utf8.count {
            var end = start
            while end < utf8.count && !(utf8[end] == UInt8(ascii: ",") && end + 1 < utf8.count && utf8[end + 1] == UInt8(ascii: " ")) {
                end += 1
            }
            if let value = value(of: UnsafeBufferPointer(rebasing: utf8[start..<end])) { body(value) }
            start = end + 2
        }
    }

    /// The instant of an ISO 8601 date as an item holds one, and whether it is a day alone (no time):
    /// a range's bound.
    public static func date(of text: some StringProtocol) -> (seconds: Double, dayOnly: Bool)? {
        var text = String(text)
        return text.withUTF8 { utf8 in date(utf8).map { ($0, utf8.count == 10) } }
    }

    /// The number an item is (`12,5`, `-3`, `1.5e3`; a date is not one), spaces around it ignored.
    public static func number(of text: some StringProtocol) -> Double? { trimmedValue(of: text, number) }

    /// `read`'s value of `text` with the spaces around it left out, nil when only spaces are left.
    private static func trimmedValue(of text: some StringProtocol, _ read: (UnsafeBufferPointer<UInt8>) -> Double?) -> Double? {
        var text = String(text)
        return text.withUTF8 { utf8 in
            let trimmed = trimmed(utf8)
            return trimmed.isEmpty ? nil : read(trimmed)
        }
    }

    private static func trimmed(_ item: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var lower = 0, upper = item.count
        while lower < upper && isSpace(item[lower]) { lower += 1 }
        while upper > lower && isSpace(item[upper - 1]) { upper -= 1 }
        return UnsafeBufferPointer(rebasing: item[lower..<upper])
    }

    /// The value of one item, spaces around it ignored.
    static func value(of item: UnsafeBufferPointer<UInt8>) -> Double? {
        let trimmed = trimmed(item)
        return trimmed.isEmpty ? nil : amount(trimmed) ?? date(trimmed)
    }

    /// The number an item is, as `number(of:)` reads it or as an amount or a percentage: a currency
    /// symbol before or after it (`€`, `$`, `£`), a currency code or `euros` after it (`EUR`, `USD`,
    /// `GBP`, `CHF`, `euro`, in any case), or `%` after it, with one space of any width between or none,
    /// as a spreadsheet exports a formatted cell (`1 500,50 €`, `$30`, `45 %`). A facet's value is read
    /// this way too, so that a histogram finds what sorting finds.
    public static func number(ofItem text: some StringProtocol) -> Double? { trimmedValue(of: text, amount) }

    private static let symbols: [[UInt8]] = ["€", "$", "£"].map { Array($0.utf8) }
    private static let symbolsAfter: [[UInt8]] = symbols + ["%", "eur", "euro", "euros", "usd", "gbp", "chf"].map { Array($0.utf8) }

    /// `number`, or a number with a currency or a percent sign before or after it (`number(ofItem:)`).
    private static func amount(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        if let first = bytes.first, isDigit(first) || first == UInt8(ascii: "-") || first == UInt8(ascii: "+"),
           let value = number(bytes) {
            return value
        }
        for symbol in symbols where bytes.starts(with: symbol) {
            let rest = UnsafeBufferPointer(rebasing: bytes[symbol.count...])
            let space = groupSpaceLength(rest, at: 0) ?? 0
            guard rest.count > space, isDigit(rest[space]) || rest[space] == UInt8(ascii: "-") else { return nil }
            return number(UnsafeBufferPointer(rebasing: rest[space...]))
        }
        guard let last = bytes.last, !isDigit(last) else { return nil }
        for symbol in symbolsAfter where symbol.count < bytes.count && endsWithoutCase(bytes, symbol) {
            let end = bytes.count - symbol.count
            // A letter before a code is part of a word: `12 feur` is no amount.
            guard !isLetter(bytes[end - 1]) || !isLetter(symbol[0]) else { continue }
            let space = (1...3).first { end > $0 && groupSpaceLength(bytes, at: end - $0) == $0 } ?? 0
            return number(UnsafeBufferPointer(rebasing: bytes[..<(end - space)]))
        }
        return nil
    }

    private static func endsWithoutCase(_ bytes: UnsafeBufferPointer<UInt8>, _ suffix: [UInt8]) -> Bool {
        zip(bytes[(bytes.count - suffix.count)...], suffix).allSatisfy { $0 | ($0 >= 0x41 && $0 <= 0x5A ? 0x20 : 0) == $1 }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }

    /// The length of the space after `group` (1 to 3 digits, the caller checked they are digits) when a
    /// group of three digits follows it, then no digit: `1 500`, `250 000`, as French writes large
    /// numbers, what the analyzer reads as one number; nil otherwise.
    public static func digitGroupSpace(_ bytes: UnsafeBufferPointer<UInt8>, after group: Range<Int>) -> Int? {
        guard (1...3).contains(group.count), let space = groupSpaceLength(bytes, at: group.upperBound) else { return nil }
        let next = group.upperBound + space
        guard next + 3 <= bytes.count, bytes[next..<(next + 3)].allSatisfy(isDigit),
              next + 3 == bytes.count || !isDigit(bytes[next + 3]) else { return nil }
        return space
    }

    /// The length of the space between two groups of a number's digits at `index`: a space, a no-break
    /// space, a narrow no-break space or a thin space; nil for anything else.
    public static func groupSpaceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case 0x20: return 1
        case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xA0: return 2
        case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xAF || bytes[index + 2] == 0x89):
            return 3
        default: return nil
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// `[+-]digits[(.|,)digits][(e|E)[+-]digits]`: a JSON number, or one written the French way, its
    /// integer part perhaps in groups of three digits (`1 500,50`: one space of any width between, as
    /// the analyzer reads a number).
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        var text = ""
        text.reserveCapacity(bytes.count)
        func digits() -> Bool {
            let start = index
            while index < bytes.count && isDigit(bytes[index]) {
                text.unicodeScalars.append(Unicode.Scalar(bytes[index]))
                index += 1
            }
            return index > start
        }
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            if bytes[0] == UInt8(ascii: "-") { text = "-" }
            index = 1
        }
        var groupStart = index
        guard digits() else { return nil }
        while let space = digitGroupSpace(bytes, after: groupStart..<index) {
            index += space
            groupStart = index
            _ = digits()
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",")) {
            text += "."
            index += 1
            guard digits() else { return nil }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            text += "e"
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                text.unicodeScalars.append(Unicode.Scalar(bytes[index]))
                index += 1
            }
            guard digits() else { return nil }
        }
        guard index == bytes.count, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// `YYYY-MM-DD[(T|t| )HH:MM[:SS[.fraction]]][Z|z|(+|-)HH[:]MM]`, as seconds since 1970-01-01T00:00Z.
    private static func date(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        func fixed(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard isDigit(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        func skip(_ byte: Character) -> Bool {
            guard index < bytes.count, bytes[index] == byte.asciiValue! else { return false }
            index += 1
            return true
        }
        guard let year = fixed(4), skip("-"), let month = fixed(2), skip("-"), let day = fixed(2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var seconds = Double(daysSinceEpoch(year: year, month: month, day: day)) * 86_400
        if index < bytes.count {
            guard skip("T") || skip("t") || skip(" "), let hour = fixed(2), skip(":"), let minute = fixed(2),
                  hour <= 23, minute <= 59 else { return nil }
            seconds += Double(hour * 3600 + minute * 60)
            if skip(":") {
                guard let second = fixed(2), second <= 60 else { return nil }
                seconds += Double(second)
                if skip(".") || skip(",") {
                    var scale = 0.1
                    let start = index
                    while index < bytes.count && isDigit(bytes[index]) {
                        seconds += Double(bytes[index] - UInt8(ascii: "0")) * scale
                        scale /= 10
                        index += 1
                    }
                    guard index > start else { return nil }
                }
            }
            if skip("Z") || skip("z") {
            } else if index < bytes.count {
                let sign: Double = bytes[index] == UInt8(ascii: "+") ? 1 : bytes[index] == UInt8(ascii: "-") ? -1 : 0
                guard sign != 0 else { return nil }
                index += 1
                guard let hours = fixed(2) else { return nil }
                _ = skip(":")
                guard let minutes = fixed(2), hours <= 23, minutes <= 59 else { return nil }
                seconds -= sign * Double(hours * 3600 + minutes * 60)
            }
        }
        return index == bytes.count ? seconds : nil
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let year = month <= 2 ? year - 1 : year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
