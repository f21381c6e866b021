import Foundation
import Testing
import Query
import TestSupport
@testable import Server

/// The reply encoders' escaping, on every character class they treat differently.
@Suite struct EncodingTests {
    static let samples = ["plain", "l’économie «solidaire»", "tab\there", "two\nlines\r\n", "back\\slash", "quote \"x\"",
                          "bell \u{07} nul \u{00} unit \u{1F}", "emoji 🌱 and ß", ""]

    @Test func jsonQuoteRoundTripsThroughAJSONParser() throws {
        for sample in Self.samples {
            let document = "[\(JSON.quote(sample))]"
            let parsed = try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String]
            #expect(parsed == [sample], "\(document)")
            #expect(!JSON.quote(sample).utf8.contains { $0 < 0x20 }, "\(document)")
        }
        #expect(JSON.quote("a\u{01}\"\\") == "\"a\\u0001\\\"\\\\\"")
    }

    /// Escaping scans eight bytes at a time: on random bytes of every length around a word, it writes
    /// what escaping byte by byte writes.
    @Test func wordAtATimeEscapingMatchesByteByByte() {
        func reference(_ bytes: [UInt8], json: Bool) -> [UInt8] {
            var out: [UInt8] = json ? [0x22] : []
            for byte in bytes {
                switch byte {
                case 0x09: out += Array("\\t".utf8)
                case 0x0A: out += Array("\\n".utf8)
                case 0x0D: out += Array("\\r".utf8)
                case 0x5C: out += Array("\\\\".utf8)
                case 0x22 where json: out += Array("\\\"".utf8)
                case ..<0x20 where json: out += Array(String(format: "\\u%04x", byte).utf8)
                default: out.append(byte)
                }
            }
            return json ? out + [0x22] : out
        }
        var generator = SplitMix64(seed: 7)
        let alphabet: [UInt8] = [0x09, 0x0A, 0x0D, 0x5C, 0x22, 0x01, 0x1F, 0x20, 0x41, 0x7E, 0xC3, 0xA9, 0x5B]
        for length in 0..<40 {
            for _ in 0..<50 {
                let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(Array(ReplyEncoder.escape(text).utf8) == reference(Array(text.utf8), json: false), "\(bytes)")
                #expect(Array(JSON.quote(text).utf8) == reference(Array(text.utf8), json: true), "\(bytes)")
            }
        }
    }

    /// Numbers are written digit by digit, without `String`: as `String(_:)` and `%.Nf` print them.
    @Test func numbersAreWrittenAsPrintfWritesThem() {
        for value in [0, 7, -7, 10, 99, 100, 12_345, -1_000_000, Int.max, Int.min] {
            var out = ByteOutput()
            out.append(value)
            #expect(out.string == String(value))
        }
        for value in [0.0, 1.5, 2.25, 10.531143105102146, 0.00004, 123456.78125, -3.14159, 9.99995, 1e20] {
            for digits in 0...6 {
                var out = ByteOutput()
                out.append(value, decimals: digits)
                #expect(out.string == String(format: "%.\(digits)f", value), "\(value) to \(digits)")
            }
        }
    }

    @Test func textEscapingKeepsFieldsOnOneLine() {
        #expect(ReplyEncoder.escape("l’économie") == "l’économie")
        #expect(ReplyEncoder.escape("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e")
        for sample in Self.samples {
            let escaped = ReplyEncoder.escape(sample)
            #expect(!escaped.utf8.contains { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }, "\(escaped)")
        }
    }
}
