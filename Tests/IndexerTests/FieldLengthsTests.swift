import Foundation
import TestSupport
import Testing
@testable import Indexer

/// norms.fts: every indexed field's length in every document, dense or sparse as the field is held.
@Suite struct FieldLengthsTests {
    /// Documents that all have a title and a body, one in ten a `note`, and one a `rare` field.
    static func corpus(in folder: TemporaryFolder) throws -> (index: String, notes: [Int: String]) {
        var generator = SplitMix64(seed: 12)
        let words = ["jardin", "potager", "l’économie", "sociale", "et", "solidaire", "Clichy-sous-Bois", "2024"]
        func text(_ count: Int) -> String { (0..<count).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ") }
        var lines = "", notes: [Int: String] = [:]
        for doc in 0..<2_000 {
            var object: [String: Any] = ["id": "d\(doc)", "title": text(3), "body": text(Int(generator.next() % 50) + 1)]
            if doc % 10 == 3 {
                notes[doc] = text(Int(generator.next() % 6) + 1)
                object["note"] = notes[doc]
            }
            if doc == 1_234 { object["rare"] = "jardin" }
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self) + "\n"
        }
        let corpus = folder.file("docs.jsonl")
        try lines.write(toFile: corpus, atomically: false, encoding: .utf8)
        let index = folder.file("index")
        _ = try IndexBuilder.build(paths: [corpus], output: index)
        return (index, notes)
    }

    @Test func sparseFieldsReadBackAsTheAnalyzerCountsThem() throws {
        let folder = try TemporaryFolder()
        let (index, notes) = try Self.corpus(in: folder)
        let reader = try IndexReader(path: index)
        _ = try reader.verify()
        let analyzer = try FrenchAnalyzer()
        let note = try #require(reader.meta.field(named: "note")), rare = try #require(reader.meta.field(named: "rare"))
        for doc in 0..<reader.documentCount {
            let expected = try notes[doc].map { try analyzer.terms($0).count } ?? 0
            #expect(Int(reader.length(field: note, doc: UInt32(doc))) == expected, "\(doc)")
            #expect(reader.length(field: rare, doc: UInt32(doc)) == (doc == 1_234 ? 1 : 0))
        }
        // Two dense fields (a u32 a document) and two sparse ones (a document number and a length each).
        let norms = try FileManager.default.attributesOfItem(atPath: index + "/" + FileFormat.Tag.norms.fileName)[.size] as! Int
        let body = (1 + 4 * 2_000) * 2 + (1 + 4 + 8 * notes.count) + (1 + 4 + 8)
        #expect(norms == FileFormat.headerLength + body + FileFormat.footerLength)
    }

    /// Damage the checksum was not asked to find: opening refuses it, or every length reads back (as
    /// some number), never a crash.
    @Test func readingDamagedLengthsNeverCrashes() throws {
        let folder = try TemporaryFolder()
        let pristine = try Self.corpus(in: folder).index
        // Half the rounds hit the sparse fields, at the end of the body; the others anywhere.
        let refused = try Damage.rounds(60, of: pristine, file: FileFormat.Tag.norms.fileName, in: folder, seed: 13,
                                        span: { round, length in (round % 2 == 0 ? length - 8 - 1_700 : 32)..<(length - 8) }) { reader in
            for field in reader.meta.fields.indices {
                for doc in 0..<reader.documentCount { _ = reader.length(field: field, doc: UInt32(doc)) }
            }
        }
        #expect(refused > 0)
    }
}
