import Foundation

/// `now`, moved and rounded as Elasticsearch's date math writes it (`now-7d`, `now-1M/M`, `now/d`): a
/// range's bound relative to the time of the query, in UTC, weeks starting on Monday (ISO 8601).
enum DateMath {
    /// What a unit letter stands for: `y`ears, `M`onths, `w`eeks, `d`ays, `h`ours (or `H`), `m`inutes,
    /// `s`econds.
    private static func component(_ letter: UInt8) -> Calendar.Component? {
        switch letter {
        case UInt8(ascii: "y"): .year
        case UInt8(ascii: "M"): .month
        case UInt8(ascii: "w"): .weekOfYear
        case UInt8(ascii: "d"): .day
        case UInt8(ascii: "h"), UInt8(ascii: "H"): .hour
        case UInt8(ascii: "m"): .minute
        case UInt8(ascii: "s"): .second
        default: nil
        }
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        return calendar
    }()

    /// The month (`2024-05`) or year (`2024`) `text` names, as the seconds since 1970 of its start and
    /// of the next one's, in UTC; nil for anything else.
    static func period(_ text: some StringProtocol) -> (start: Double, end: Double)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 4 || (bytes.count == 7 && bytes[4] == UInt8(ascii: "-")),
              bytes.enumerated().allSatisfy({ $0.offset == 4 || ($0.element >= UInt8(ascii: "0") && $0.element <= UInt8(ascii: "9")) })
        else { return nil }
        func number(_ range: Range<Int>) -> Int { bytes[range].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } }
        let month = bytes.count == 7 ? number(5..<7) : nil
        if let month, !(1...12).contains(month) { return nil }
        guard let start = calendar.date(from: DateComponents(year: number(0..<4), month: month ?? 1, day: 1)),
              let interval = calendar.dateInterval(of: month == nil ? .year : .month, for: start) else { return nil }
        return (interval.start.timeIntervalSince1970, interval.end.timeIntervalSince1970)
    }

    /// The instant `text` names, in seconds since 1970, and whether it was rounded (`/d`): then
    /// `roundUp` takes the end of the unit it rounds into (the start of the next), as Elasticsearch
    /// rounds an exclusive lower bound and an inclusive upper one, else its start. Nil when `text` is
    /// not `now` followed by moves (`+N` or `-N` and a unit) and roundings (`/` and a unit).
    static func instant(_ text: some StringProtocol, now: Date, roundUp: Bool) -> (seconds: Double, rounded: Bool)? {
        let bytes = Array(text.utf8)
        guard bytes.starts(with: "now".utf8) else { return nil }
        var date = now, rounded = false, index = 3
        while index < bytes.count {
            let operation = bytes[index]
            index += 1
            if operation == UInt8(ascii: "/") {
                guard index < bytes.count, let unit = component(bytes[index]),
                      let interval = calendar.dateInterval(of: unit, for: date) else { return nil }
                index += 1
                date = roundUp ? interval.end : interval.start
                rounded = true
                continue
            }
            guard operation == UInt8(ascii: "+") || operation == UInt8(ascii: "-") else { return nil }
            var amount = 0, digits = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9"), digits < 6 {
                amount = amount * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
                digits += 1
            }
            guard digits > 0, index < bytes.count, let unit = component(bytes[index]),
                  let moved = calendar.date(byAdding: unit, value: operation == UInt8(ascii: "-") ? -amount : amount, to: date) else { return nil }
            index += 1
            date = moved
        }
        return (date.timeIntervalSince1970, rounded)
    }
}
