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
