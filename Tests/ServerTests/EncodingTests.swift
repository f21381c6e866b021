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

    /// A snippet's highlights are marked in one copy when nothing needs escaping: on random texts and
    /// highlights, with and without bytes to escape (the text's own brackets among them, so that a
    /// bare bracket is always a mark), it writes what marking and escaping piece by piece writes.
    @Test func markedSnippetsMatchMarkingPieceByPiece() {
        var generator = SplitMix64(seed: 11)
        let plain: [UInt8] = [0x20, 0x41, 0x7E, 0xC3, 0xA9, 0x5A, 0x5E]
        let escaped: [UInt8] = [0x09, 0x0A, 0x0D, 0x5C, 0x5B, 0x5D]
        for length in 0..<48 {
            for trial in 0..<40 {
                let alphabet = trial % 4 == 0 ? plain + escaped : plain
                let text = String(decoding: (0..<length).map { _ in alphabet.randomElement(using: &generator)! }, as: UTF8.self)
                let bytes = Array(text.utf8)
                // Increasing, non-overlapping ranges, some empty, some touching.
                var highlights: [Range<Int>] = []
                var position = 0
                while position < bytes.count && highlights.count < 6 {
                    let start = position + Int(generator.next() % UInt64(bytes.count - position + 1))
                    let end = min(bytes.count, start + Int(generator.next() % 5))
                    highlights.append(start..<end)
                    position = end
                }
                func escape(_ piece: ArraySlice<UInt8>) -> [UInt8] {
                    piece.flatMap { byte -> [UInt8] in
                        switch byte {
                        case 0x09: Array("\\t".utf8)
                        case 0x0A: Array("\\n".utf8)
                        case 0x0D: Array("\\r".utf8)
                        case 0x5C: Array("\\\\".utf8)
                        case 0x5B: Array("\\[".utf8)
                        case 0x5D: Array("\\]".utf8)
                        default: [byte]
                        }
                    }
                }
                var expected: [UInt8] = []
                var at = 0
                for range in highlights {
                    expected += escape(bytes[at..<range.lowerBound]) + [0x5B] + escape(bytes[range]) + [0x5D]
                    at = range.upperBound
                }
                expected += escape(bytes[at...])
                var out = ByteOutput()
                out.append("x")
                out.appendMarkedField(Snippet(text: text, highlights: highlights))
                #expect(Array(out.bytes.dropFirst()) == expected, "\(bytes) \(highlights)")
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
        var generator = SplitMix64(seed: 5)
        let random = (0..<500).map { _ in (Double(generator.next() % 2_000_000_001) - 1e9) / Double(1 << (generator.next() % 40)) }
        for value in [0.0, -0.0, 1.5, 2.25, 10.531143105102146, 0.00004, -0.00004, 123456.78125, -3.14159, 9.99995, 1e20, 999999.99999] + random {
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
