import Foundation
import Indexer

/// Text and JSON output built as UTF-8 bytes, for the CLI and the daemon. Escaping works on bytes:
/// every byte to escape is ASCII, so the bytes of other characters pass as they are and the output
/// stays valid UTF-8. Runs without anything to escape are copied whole. (Iterating characters, or
/// building strings piece by piece, cost more than the rest of encoding a page of results.)
///
/// The bytes live in a buffer of its own, not an array: a reply is a few dozen appends, and each of an
/// array's paid for its uniqueness and growth checks more than for the copy. Not copyable, so the
/// buffer has one owner, which frees it.
public struct ByteOutput: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written.
    public private(set) var count = 0

    public init(capacity: Int = 0) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written, copied.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Calls `body` with the bytes written, valid for the length of the call.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Where the next `extra` bytes go: room is made for them, and `count` is left to the caller.
    @inline(__always)
    private mutating func room(_ extra: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity - count < extra { grow(to: count + extra) }
        return base + count
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        capacity = max(2 * capacity, needed)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
    }

    public mutating func append(_ byte: UInt8) {
        room(1).pointee = byte
        count += 1
    }

    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Its decimal digits, written directly (making a `String` of it costs more than the rest).
    public mutating func append(_ value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var index = digits.count
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            append(UnsafeBufferPointer(rebasing: digits[index...]))
        }
    }

    private static let powersOfTen = (0...15).map { pow(10, Double($0)) }

    /// `value` with exactly `digits` decimals, as `%.4f` prints it for `digits` = 4.
    public mutating func append(_ value: Double, decimals digits: Int) {
        let scale = digits < Self.powersOfTen.count ? Self.powersOfTen[digits] : pow(10, Double(digits))
        // Ties to even, as printf rounds a value exactly halfway.
        let scaled = (abs(value) * scale).rounded(.toNearestOrEven)
        guard value.isFinite, scaled < 1e15 else {
            append(String(format: "%.\(digits)f", value))
            return
        }
        // Written backwards into a buffer on the stack, then appended at once: one digit at a time
        // into the array checked its uniqueness and bounds for each.
        var rest = UInt64(scaled)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: digits + 18) { buffer in
            var index = buffer.count
            for _ in 0..<digits {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            if digits > 0 {
                index -= 1
                buffer[index] = UInt8(ascii: ".")
            }
            repeat {
                index -= 1
                buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            // printf signs whatever has the sign bit: -0.0, and negatives that round to 0.
            if value.sign == .minus {
                index -= 1
                buffer[index] = UInt8(ascii: "-")
            }
            append(UnsafeBufferPointer(rebasing: buffer[index...]))
        }
    }

    /// Appends the bytes of `utf8`, each one `needsEscape` selects written by `escape` instead.
    /// `mayNeedEscape` tells of eight bytes at once (read as one little-endian word) whether any of
    /// them might: text is scanned a word at a time, and only such words byte by byte.
    @inlinable
    public mutating func append(_ utf8: UnsafeBufferPointer<UInt8>, escaping needsEscape: (UInt8) -> Bool,
                                wordTest mayNeedEscape: (UInt64) -> Bool, with escape: (UInt8, inout ByteOutput) -> Void) {
        guard let base = utf8.baseAddress else { return }
        let count = utf8.count
        var start = 0, index = 0
        while index < count {
            if count - index >= 8 && !mayNeedEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                index += 8
                continue
            }
            let stop = min(index + 8, count)
            while index < stop {
                if needsEscape(base[index]) {
                    append(UnsafeBufferPointer(rebasing: utf8[start..<index]))
                    escape(base[index], &self)
                    start = index + 1
                }
                index += 1
            }
        }
        append(UnsafeBufferPointer(rebasing: utf8[start...]))
    }

    public mutating func append(_ raw: UnsafeBufferPointer<UInt8>) {
        guard let source = raw.baseAddress else { return }
        room(raw.count).update(from: source, count: raw.count)
        count += raw.count
    }

    /// Appends `utf8` with `open` before and `close` after each of `ranges`, which must increase,
    /// not overlap and lie within it. The text is copied whole, then its pieces moved right in place,
    /// from the last: an append per piece paid the array's checks a dozen times for a snippet.
    public mutating func append(_ utf8: UnsafeBufferPointer<UInt8>, marking ranges: [Range<Int>], open: UInt8, close: UInt8) {
        let text = room(utf8.count + 2 * ranges.count)
        if let source = utf8.baseAddress { text.update(from: source, count: utf8.count) }
        count += utf8.count + 2 * ranges.count
        // Byte i moves right by two per range ending at or before it, and one more inside a range.
        var shift = 2 * ranges.count
        var end = utf8.count
        for range in ranges.reversed() {
            (text + range.upperBound + shift).update(from: text + range.upperBound, count: end - range.upperBound)
            shift -= 1
            text[range.upperBound + shift] = close
            (text + range.lowerBound + shift).update(from: text + range.lowerBound, count: range.count)
            shift -= 1
            text[range.lowerBound + shift] = open
            end = range.lowerBound
        }
    }

    /// A JSON string literal.
    public mutating func appendJSONString(_ text: String) {
        var text = text
        text.withUTF8 { appendJSONString($0) }
    }

    /// A JSON string literal of UTF-8 bytes.
    public mutating func appendJSONString(_ utf8: UnsafeBufferPointer<UInt8>) {
        append(UInt8(ascii: "\""))
        append(utf8, escaping: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C },
               wordTest: { Bytes.containsByte($0, below: 0x20) || Bytes.contains($0, 0x22) || Bytes.contains($0, 0x5C) }) { byte, out in
            switch byte {
            case 0x22: out.append("\\\"")
            case 0x5C: out.append("\\\\")
            case 0x0A: out.append("\\n")
            case 0x0D: out.append("\\r")
            case 0x09: out.append("\\t")
            default:
                out.append("\\u00")
                out.append(Self.hexDigits[Int(byte >> 4)])
                out.append(Self.hexDigits[Int(byte & 0xF)])
            }
        }
        append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    public var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }
}
