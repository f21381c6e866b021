import Foundation

/// Word-at-a-time helpers over UTF-8 bytes (SWAR): the analyzer looks at every byte of every word, and
/// the reply encoders at every byte they escape, so these replace byte loops on their hot paths.
public enum Bytes {
    public static let ones: UInt64 = 0x0101_0101_0101_0101
    public static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Bytes of the UTF-8 sequence its lead byte starts; 1 for a byte that starts none (a continuation
    /// byte), so that a walk over damaged bytes still moves on.
    @inlinable @inline(__always)
    public static func sequenceLength(lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// Up to 8 bytes of `bytes` from `offset` (not past `end`), little-endian, zero-padded.
    @inline(__always)
    static func load(_ bytes: UnsafeRawBufferPointer, _ offset: Int, end: Int) -> UInt64 {
        let count = min(end - offset, 8)
        if count == 8 { return bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        if offset + 8 <= bytes.count {
            return bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & ((1 << (UInt64(count) * 8)) - 1)
        }
        var word: UInt64 = 0
        for k in 0..<count { word |= UInt64(bytes[offset + k]) << (UInt64(k) * 8) }
        return word
    }

    /// Whether any byte of `word` equals `byte` (`byte` must not be 0: padding is 0).
    @inlinable @inline(__always)
    public static func contains(_ word: UInt64, _ byte: UInt8) -> Bool {
        matches(word, byte) != 0
    }

    /// Non-zero when any byte of `word` equals `byte`: the masks of several bytes can be OR'ed and
    /// tested once, without a branch per byte.
    @inlinable @inline(__always)
    public static func matches(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let difference = word ^ (ones &* UInt64(byte))
        return (difference &- ones) & ~difference & highs
    }

    /// Whether any byte of `word` is below `limit` (at most 0x80): the classic test for a zero byte,
    /// shifted; exact for "any", whatever the byte order.
    @inlinable @inline(__always)
    public static func containsByte(_ word: UInt64, below limit: UInt8) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highs != 0
    }
}

extension String {
    /// The string of `utf8`, or nil when it is not valid UTF-8. Faster than `String(validating:as:)`,
    /// which looks up generic metadata at every call (a fifth of reading a stored document): the
    /// repairing initialiser replaces each invalid sequence, so the bytes are valid exactly when it
    /// gives them back unchanged.
    public init?(validUTF8 utf8: UnsafeRawBufferPointer) {
        var string = String(decoding: utf8, as: UTF8.self)
        let unchanged = string.withUTF8 { copy in
            copy.count == utf8.count && (copy.isEmpty || memcmp(copy.baseAddress!, utf8.baseAddress!, copy.count) == 0)
        }
        guard unchanged else { return nil }
        self = string
    }

    /// `init?(validUTF8:)` over an array.
    public init?(validUTF8 utf8: [UInt8]) {
        guard let string = utf8.withUnsafeBytes({ String(validUTF8: $0) }) else { return nil }
        self = string
    }
}
