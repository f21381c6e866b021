import Foundation
import Testing
import Query
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

    @Test func textEscapingKeepsFieldsOnOneLine() {
        #expect(ReplyEncoder.escape("l’économie") == "l’économie")
        #expect(ReplyEncoder.escape("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e")
        for sample in Self.samples {
            let escaped = ReplyEncoder.escape(sample)
            #expect(!escaped.utf8.contains { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }, "\(escaped)")
        }
    }
}
