import Foundation
import TestSupport
import Testing
@testable import Indexer

/// store.fts's zstd dictionary: trained on records spread over the whole corpus, sized to it, and
/// read back with every block.
@Suite struct StoreDictionaryTests {
    @Test func theSampleSpreadsEvenlyOverTheWholeCorpusInBoundedMemory() {
        var sample = RecordSample(limit: 64 << 10)
        let count = 10_000
        for number in 0..<count {
            sample.offer([UInt8](repeating: UInt8(number % 251), count: 100 + number % 50), number: number)
        }
        #expect(sample.byteCount <= 64 << 10)
        #expect(sample.byteCount > 32 << 10)
        #expect(sample.stride > 1 && sample.stride & (sample.stride - 1) == 0)
        // Every multiple of the stride, from the first record to the last.
        #expect(sample.numbers == Array(Swift.stride(from: 0, to: count, by: sample.stride)))
    }

    @Test func aRecordOfMoreThanAnEighthOfTheSampleIsLeftOut() {
        var sample = RecordSample(limit: 8 << 10)
        sample.offer([UInt8](repeating: 1, count: 2 << 10), number: 0)
        sample.offer([UInt8](repeating: 2, count: 100), number: 1)
        #expect(sample.numbers == [1])
    }

    static func dictionaryLength(of index: String) throws -> Int {
        try IndexReader(path: index).store.dictionaryLength
    }

    /// The bundled corpus (250 KB of records) gets a dictionary of a 32nd of that; three short
    /// documents get none. Both read back whole.
    @Test func theDictionaryIsSizedToTheCorpus() throws {
        let folder = try TemporaryFolder()
        let bundled = folder.file("bundled")
        _ = try IndexBuilder.build(paths: [Fixtures.corpusFolder.path], output: bundled)
        let length = try Self.dictionaryLength(of: bundled)
        #expect(length >= RecordSample.minimumDictionary && length <= 16 << 10)
        #expect(try IndexReader(path: bundled, checksums: true).verify().documents == 89)

        let tiny = folder.file("tiny.jsonl")
        try """
        {"id": "a", "title": "Premier", "body": "La coopérative agricole."}
        {"id": "b", "title": "Second", "body": "Une monnaie locale."}
        {"id": "c", "body": "L’économie sociale et solidaire."}

        """.write(toFile: tiny, atomically: true, encoding: .utf8)
        let tinyIndex = folder.file("tiny")
        _ = try IndexBuilder.build(paths: [tiny], output: tinyIndex)
        #expect(try Self.dictionaryLength(of: tinyIndex) == 0)
        let reader = try IndexReader(path: tinyIndex)
        #expect(try reader.storedFields(2).value(of: StandardField.body) == "L’économie sociale et solidaire.")
        #expect(!FileManager.default.fileExists(atPath: tinyIndex + "/store.spool"))
    }

    /// Damage in the dictionary: reading every document refuses (naming store.fts) or answers, never
    /// traps, and the checksum finds it.
    @Test func aDamagedDictionaryIsReported() throws {
        let folder = try TemporaryFolder()
        let pristine = folder.file("pristine")
        _ = try IndexBuilder.build(paths: [Fixtures.corpusFolder.path], output: pristine)
        let length = try Self.dictionaryLength(of: pristine)
        let refused = try Damage.rounds(30, of: pristine, file: "store.fts", in: folder, seed: 13,
                                        span: { round, _ in round < 10 ? 32..<40 : 32..<32 + length }) { reader in
            _ = try reader.storedFields(Array(0..<reader.documentCount))
        }
        // Its header (magic, id, entropy tables) is checked when it loads.
        #expect(refused >= 10)
    }
}
