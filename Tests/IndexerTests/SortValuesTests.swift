import Foundation
import TestSupport
import Testing
@testable import Indexer

/// values.fts: what a document sorts by in each field, read back as the corpus wrote it.
@Suite struct SortValuesTests {
    @Test func itemsThatAreNumbersOrDates() {
        let cases: [(String, (Double, Double)?)] = [
            ("2024", (2024, 2024)), (" 42 ", (42, 42)), ("-3", (-3, -3)), ("+7", (7, 7)), ("12,5", (12.5, 12.5)),
            ("1.25", (1.25, 1.25)), ("1.5e3", (1500, 1500)), ("-2E-1", (-0.2, -0.2)), ("007", (7, 7)),
            // An array's elements and a list's entries are joined with ", ": each is an item.
            ("2001, 2022, 1999", (1999, 2022)), ("Paris, 2024", (2024, 2024)), ("2, 5", (2, 5)), ("2,5", (2.5, 2.5)),
            ("2024-05-01", (1_714_521_600, 1_714_521_600)),
            ("2024-05-01T09:30:00+02:00", (1_714_548_600, 1_714_548_600)),
            ("2024-05-01 09:30", (1_714_555_800, 1_714_555_800)),
            ("2024-05-01T00:00:00.5Z", (1_714_521_600.5, 1_714_521_600.5)),
            ("2024-02-29", (1_709_164_800, 1_709_164_800)), ("1969-12-31", (-86_400, -86_400)),
            // Not one whole number or date: passed over.
            ("", nil), ("jardin", nil), ("1er", nil), ("12:30", nil), ("1.2.3", nil), ("1,", nil), ("-", nil), ("1e", nil),
            ("1e999", nil), ("2023-02-29", nil), ("2024-13-01", nil), ("2024-05-01T25:00", nil), ("2024-05-01T09:30+2", nil),
            ("2024-05-01-", nil), ("2024-5-1", nil), ("0x1F", nil), ("NaN", nil), ("inf", nil),
            // Digits in groups of three, as French writes large numbers (one space of any width between).
            ("12 345", (12345, 12345)), ("1 500,50", (1500.5, 1500.5)), ("-250\u{202F}000", (-250_000, -250_000)),
            ("1\u{A0}000\u{2009}000.5", (1_000_000.5, 1_000_000.5)), ("1 500, 2 000", (1500, 2000)),
            ("2024 2025", nil), ("1 50", nil), ("1 5000", nil), ("1234 567", nil), ("1  500", nil), ("1,5 000", nil),
            // Amounts and percentages, as a spreadsheet exports a formatted cell.
            ("1 500,50 €", (1500.5, 1500.5)), ("12€", (12, 12)), ("€ 30", (30, 30)), ("$30", (30, 30)), ("£-2,5", (-2.5, -2.5)),
            ("1\u{202F}000\u{A0}€", (1000, 1000)), ("99,90 EUR", (99.9, 99.9)), ("5 usd", (5, 5)), ("12 euros", (12, 12)),
            ("1 Euro", (1, 1)), ("45 %", (45, 45)), ("12,5%", (12.5, 12.5)), ("-3 CHF, 2 GBP", (-3, 2)), ("-12 $", (-12, -12)),
            ("€", nil), ("EUR", nil), ("€ ", nil), ("12 € HT", nil), ("12 m²", nil), ("12feur", nil), ("12  €", nil), ("€€12", nil),
            ("12 €€", nil), ("€12 €", nil), ("2024-05-01 €", nil), ("€2024-05-01", nil), ("12\t€", nil), ("x 12 €", nil), ("1er €", nil),
        ]
        for (text, expected) in cases {
            let found = SortValue.range(of: text)
            #expect(found?.smallest == expected?.0 && found?.largest == expected?.1, "\(text): \(String(describing: found))")
        }
    }

    /// Dates written by Foundation's ISO 8601 formatter, at random instants and zones, read back to the second.
    @Test func datesAgreeWithFoundation() {
        var generator = SplitMix64(seed: 8)
        let formatter = ISO8601DateFormatter()
        let dayFormatter = ISO8601DateFormatter()
        dayFormatter.formatOptions = [.withFullDate]
        dayFormatter.timeZone = TimeZone(secondsFromGMT: 0)
        for _ in 0..<2_000 {
            // From 1900 to 2100.
            let instant = Double(Int64(generator.next() % 6_311_390_400) - 2_208_988_800)
            let offset = (Int(generator.next() % 57) - 28) * 1800
            formatter.timeZone = TimeZone(secondsFromGMT: offset)
            let written = formatter.string(from: Date(timeIntervalSince1970: instant))
            #expect(SortValue.range(of: written)?.smallest == instant, "\(written)")
            let day = dayFormatter.string(from: Date(timeIntervalSince1970: instant))
            #expect(SortValue.range(of: day)?.smallest == (instant / 86_400).rounded(.down) * 86_400, "\(day)")
        }
    }

    /// A document's values in a generated corpus, drawn by the test (not read back from the text).
    struct Expected {
        var fields: [String: [Double]] = [:]
    }

    /// JSON Lines documents with whole numbers (small, and beyond 2⁵³), decimals written either way,
    /// arrays, dates, a field of words and documents without some fields.
    static func generateCorpus(at path: String, documents: Int, seed: UInt64) throws -> [Expected] {
        var generator = SplitMix64(seed: seed)
        var lines = ""
        var expected: [Expected] = []
        func chance(_ percent: UInt64) -> Bool { generator.next() % 100 < percent }
        for index in 0..<documents {
            var object = "{\"id\":\"doc-\(index)\",\"title\":\"jardin \(index)\",\"body\":\"un jardin\",\"mots\":\"alpha beta\""
            var values = Expected()
            if chance(80) {
                let count = chance(30) ? Int(generator.next() % 3) + 2 : 1
                let numbers = (0..<count).map { _ in Double(Int(generator.next() % 2001) - 1000) }
                object += ",\"année\":" + (count == 1 ? "\(Int(numbers[0]))" : "[" + numbers.map { "\(Int($0))" }.joined(separator: ",") + "]")
                values.fields["année"] = numbers
            }
            if chance(70) {
                let number = Double(Int(generator.next() % 19) - 9) * 10_000_000_000_000_000
                object += ",\"grand\":\(Int64(number))"
                values.fields["grand"] = [number]
            }
            if chance(90) {
                let hundredths = Int(generator.next() % 100_000) - 50_000
                let number = Double(hundredths) / 100
                let written = String(format: "%.2f", number)
                object += ",\"prix\":" + (chance(50) ? written : "\"" + written.replacingOccurrences(of: ".", with: ",") + "\"")
                values.fields["prix"] = [number]
            }
            if chance(60) {
                let day = Int(generator.next() % 20_000)
                let date = Date(timeIntervalSince1970: Double(day) * 86_400)
                let formatter = ISO8601DateFormatter()
                formatter.formatOptions = [.withFullDate]
                object += ",\"date\":\"\(formatter.string(from: date))\""
                values.fields["date"] = [Double(day) * 86_400]
            }
            // Fields few documents hold: sparse columns, of doubles and of whole numbers.
            if chance(3) {
                let number = Double(Int(generator.next() % 1_000_000)) / 7
                object += ",\"rare\":\(number)"
                values.fields["rare"] = [number]
            }
            if chance(3) {
                let numbers = (0..<(chance(50) ? 2 : 1)).map { _ in Double(Int(generator.next() % 100_000)) }
                object += ",\"rareint\":[" + numbers.map { "\(Int($0))" }.joined(separator: ",") + "]"
                values.fields["rareint"] = numbers
            }
            lines += object + "}\n"
            expected.append(values)
        }
        try lines.write(toFile: path, atomically: false, encoding: .utf8)
        return expected
    }

    /// An index of a generated corpus in `folder`, and what the corpus holds.
    static func index(documents: Int, seed: UInt64, in folder: TemporaryFolder) throws -> (path: String, expected: [Expected]) {
        let corpus = folder.file("docs.jsonl")
        let expected = try generateCorpus(at: corpus, documents: documents, seed: seed)
        let index = folder.file("index")
        _ = try IndexBuilder.build(paths: [corpus], output: index)
        return (index, expected)
    }

    @Test func everyDocumentsValuesReadBack() throws {
        let folder = try TemporaryFolder()
        let (index, expected) = try Self.index(documents: 3_000, seed: 3, in: folder)
        let reader = try IndexReader(path: index)
        _ = try reader.verify()
        let names = ["année", "grand", "prix", "date", "rare", "rareint", "mots"]
        let numbers = names.map { reader.meta.field(named: $0)! }
        #expect(reader.sortValues.fields == numbers.dropLast().sorted())
        // Each layout is met: whole numbers and doubles, dense and sparse, one value and two.
        let layouts = Dictionary(uniqueKeysWithValues: zip(names, numbers).dropLast().map { ($0, reader.sortValues.columns[$1]!.layout) })
        #expect(layouts.mapValues { "\($0.whole ? "whole" : "double") \($0.sparse ? "sparse" : "dense") \($0.twoValues ? 2 : 1)" } == [
            "année": "whole dense 2", "grand": "double dense 1", "prix": "double dense 1", "date": "whole dense 1",
            "rare": "double sparse 1", "rareint": "whole sparse 2",
        ])
        for (doc, document) in expected.enumerated() {
            for (name, field) in zip(names, numbers) {
                let values = document.fields[name]
                #expect(reader.sortValues.value(doc: doc, field: field, largest: false) == values?.min(), "\(doc) \(name)")
                #expect(reader.sortValues.value(doc: doc, field: field, largest: true) == values?.max(), "\(doc) \(name)")
            }
        }
        for (name, field) in zip(names, numbers) {
            #expect(reader.sortValues.documentsWithValue(field: field) == expected.filter { $0.fields[name] != nil }.count)
        }
    }

    /// Opening checks the columns' bounds, so that reading any document's value after damage the
    /// checksum was not asked to find gives a value or an error at open, never a crash.
    @Test func readingDamagedColumnsNeverCrashes() throws {
        let folder = try TemporaryFolder()
        let pristine = try Self.index(documents: 300, seed: 5, in: folder).path
        // The first rounds damage the directory, the others anywhere in the body.
        let refused = try Damage.rounds(60, of: pristine, file: FileFormat.Tag.values.fileName, in: folder, seed: 11,
                                        span: { round, length in 32..<(32 + (round < 30 ? 4 + 4 * 16 : length - 40)) }) { reader in
            for field in reader.meta.fields.indices {
                for doc in 0..<reader.documentCount {
                    _ = reader.sortValues.value(doc: doc, field: field, largest: false)
                    _ = reader.sortValues.value(doc: doc, field: field, largest: true)
                }
            }
        }
        #expect(refused > 0)
    }

    /// `fts verify` reads every document's stored text again: a column that disagrees with it, under
    /// valid checksums, is reported.
    @Test func verifyFindsValuesThatDisagreeWithTheStoredText() throws {
        let folder = try TemporaryFolder()
        let index = try Self.index(documents: 50, seed: 7, in: folder).path
        let reader = try IndexReader(path: index)
        let field = reader.meta.field(named: "prix")!
        // The same columns but one document's price.
        let writer = SortValuesWriter()
        for doc in 0..<reader.documentCount {
            for stored in try reader.storedFields(doc).values where stored.field > StandardField.body {
                _ = writer.add(doc: UInt32(doc), field: stored.field, text: doc == 17 && stored.field == field ? "123456" : stored.value)
            }
        }
        try Damage.rewrite(.values, of: index) { try writer.write(documentCount: reader.documentCount, to: $0) }

        let reopened = try IndexReader(path: index, checksums: true)
        #expect(reopened.sortValues.value(doc: 17, field: field, largest: false) == 123_456)
        #expect(throws: IndexError.self) { try reopened.verify() }
        do {
            _ = try reopened.verify()
        } catch {
            #expect(String(describing: error).contains("document 17's values in field prix differ from its stored text"))
        }
    }
}
