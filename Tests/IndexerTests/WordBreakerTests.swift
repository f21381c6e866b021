import Foundation
import Testing
@testable import Indexer
import TestSupport

/// The plain-chunk scan must cut exactly the words ICU cuts: the same ranges and kinds, on the bundled
/// corpus and on random text built from the characters whose word-break rules are the subtle ones.
@Suite struct WordBreakerTests {
    let scan: WordBreaker
    let icu: WordBreaker

    init() throws {
        scan = try WordBreaker(locale: "fr")
        icu = try WordBreaker(locale: "fr", everyByteThroughICU: true)
    }

    struct Word: Equatable, CustomStringConvertible {
        let range: Range<Int>
        let kind: WordKind
        var description: String { "\(range.lowerBound)..<\(range.upperBound) \(kind)" }
    }

    func words(_ breaker: WordBreaker, _ text: String) throws -> [Word] {
        var words: [Word] = []
        try breaker.forEachWord(in: text) { words.append(Word(range: $0, kind: $1)) }
        return words
    }

    func expectSameWords(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let scanned = try words(scan, text), reference = try words(icu, text)
        #expect(scanned == reference, "\(text.debugDescription)", sourceLocation: sourceLocation)
    }

    @Test func plainChunksAreCutAsICUCutsThem() throws {
        let text = "L’économie sociale, (l'œuvre) « aujourd'hui » D.E.S.I.R. site.org Clichy-sous-Bois salarié-e-s: "
            + "fin! Quoi? [crochets] \"guillemets\" ÉTÉ Œuvre\tcœur\r\nligne -tiret- 'apostrophe' ×÷ a--b"
        try expectSameWords(text)
        let utf8 = Array(text.utf8)
        let spelled = try words(scan, text).map { String(decoding: utf8[$0.range], as: UTF8.self) }
        #expect(spelled.prefix(10) == ["L’économie", "sociale", "l'œuvre", "aujourd'hui", "D.E.S.I.R", "site.org",
                                       "Clichy", "sous", "Bois", "salarié"])
    }

    @Test func otherChunksGoThroughICU() throws {
        for text in ["2,5 millions et 45,320 euros", "CO2 OPAC38", "naïve\u{301} e\u{301}te\u{301}", "東京 タワー",
                     "ภาษาไทย ง่าย", "a\u{00A0}b « c\u{202F}»", "emoji 👍🏽 👨‍👩‍👧 fin", "salarié·e·s",
                     "l‘économie", "x:y", "mot.", ".mot", "-mot", "mot-", "a'", "'a", "\u{301}a", " \u{200D}👍 a",
                     "\u{FEFF}début", "", " ", "\n\n", "mot"] {
            try expectSameWords(text)
        }
    }

    @Test func theBundledCorpus() throws {
        for (name, text) in try Fixtures.corpus() {
            let scanned = try words(scan, text), reference = try words(icu, text)
            #expect(scanned.count == reference.count, "\(name)")
            let firstDifference = zip(scanned, reference).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            #expect(firstDifference == nil, "\(name): first difference at word \(firstDifference ?? -1)")
        }
    }

    /// Opt-in, over a JSON Lines corpus (every string field): `FTS_WORDBREAK_JSONL=Benchmarks/data/frdocs.jsonl`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FTS_WORDBREAK_JSONL"] != nil))
    func givenCorpus() throws {
        let path = ProcessInfo.processInfo.environment["FTS_WORDBREAK_JSONL"]!
        var texts = 0
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            for case let text as String in object.values {
                let scanned = try words(scan, text), reference = try words(icu, text)
                #expect(scanned == reference, "\(object["id"] ?? "?")")
                texts += 1
            }
        }
        #expect(texts > 0)
    }

    /// Pieces whose neighbours decide where words end: letters of each kind, marks that join letters or
    /// digits, combining and format characters, spaces of each kind, scripts ICU segments by dictionary.
    static let pieces: [String] = [
        "a", "Z", "é", "É", "œ", "Œ", "ÿ", "×", "÷", "ß", "ł", "e\u{301}", "\u{301}", "\u{200D}", "\u{200B}",
        "\u{00AD}", "\u{FEFF}", "0", "7", "²", "٣", "'", "’", "‘", "ʼ", ".", ",", ";", ":", "·", "‧", "-", "‐",
        "_", "(", ")", "[", "]", "\"", "«", "»", "!", "?", "…", "/", "@", "#", "%", "€", "$", "&", "+",
        " ", " ", " ", "\t", "\n", "\r", "\r\n", "\u{00A0}", "\u{202F}", "\u{2009}", "\u{3000}", "\u{0B}",
        "\u{0C}", "\u{85}", "\u{2028}", "東", "京", "タ", "ワ", "ー", "ก", "า", "ร", "א", "ב", "\u{5F3}",
        "👍", "🏽", "🇫", "🇷", "l’", "qu'", "aujourd'hui", "Clichy", "salarié", "co2", "2,5",
    ]

    /// What plain chunks are made of, and the marks that make a chunk almost plain.
    static let nearlyPlainPieces: [String] = [
        "a", "b", "Z", "é", "À", "œ", "ÿ", "'", "’", ".", "-", ":", ",", ";", "!", "?", "(", ")", "[", "]",
        "\"", "«", "»", "‘", "·", "0", "\u{301}", "…", "×",
    ]

    @Test func randomText() throws { try randomText(Self.pieces, seed: 29) }

    @Test func randomNearlyPlainText() throws { try randomText(Self.nearlyPlainPieces, seed: 31) }

    func randomText(_ pieces: [String], seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        for _ in 0..<4_000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...24, using: &generator) {
                // Spaces often, so that chunks are short and both paths alternate.
                text += Int.random(in: 0..<5, using: &generator) == 0 ? " " : pieces.randomElement(using: &generator)!
            }
            try expectSameWords(text)
        }
    }

    /// The scan also tells the analyzer which words hold no apostrophe or full stop to split at: the
    /// terms must not change.
    @Test func theAnalyzerGivesTheSameTokensEitherWay() throws {
        let analyzer = try FrenchAnalyzer(), throughICU = try FrenchAnalyzer(everyByteThroughICU: true)
        var texts = try Fixtures.corpus().map(\.text)
        var generator = SplitMix64(seed: 37)
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...24, using: &generator) {
                text += Int.random(in: 0..<5, using: &generator) == 0 ? " " : Self.nearlyPlainPieces.randomElement(using: &generator)!
            }
            texts.append(text)
        }
        texts += ["l’économie d'une qu'aujourd'hui D.E.S.I.R. salarié.e.s salarié-e-s site.org"]
        for text in texts {
            #expect(try analyzer.tokens(text) == throughICU.tokens(text), "\(text.prefix(80).debugDescription)")
        }
    }

    @Test func batchesOfWordsEndInsideChunks() throws {
        // More words than one batch holds (1,024), in chunks of many hyphenated words and of ICU's.
        var text = ""
        for index in 0..<3_000 {
            text += index % 7 == 0 ? "a-b-c-d-e-f-g-h-i-j-k " : index % 5 == 0 ? "2,5 " : "mot\(index % 3 == 0 ? "," : "") "
        }
        text += String(repeating: "x-", count: 2_000) + "y"
        try expectSameWords(text)
    }
}
