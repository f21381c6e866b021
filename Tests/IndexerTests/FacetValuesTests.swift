import Foundation
import TestSupport
import Testing
@testable import Indexer

/// facets.fts: each document's values in each field, read back as the corpus gave them.
@Suite struct FacetValuesTests {
    /// Values a test draws from: cases apart (`Bio`, `bio`), a comma inside one value, accents, a
    /// number, an empty one and one too long to keep.
    static let tags = ["bio", "Bio", "local", "a, b", "économie sociale", "coop's", "12", "", String(repeating: "x", count: 257),
                       String(repeating: "é", count: 128), "zéro", "œuvre"]

    /// JSON Lines documents with an array field, a field of one value (sometimes a number), a nested
    /// member, and a field few documents hold; and what each document holds, drawn by the test.
    static func generateCorpus(at path: String, documents: Int, seed: UInt64) throws -> [[String: Set<String>]] {
        var generator = SplitMix64(seed: seed)
        func chance(_ percent: UInt64) -> Bool { generator.next() % 100 < percent }
        func json(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var lines = ""
        var expected: [[String: Set<String>]] = []
        for index in 0..<documents {
            var object = "{\"id\":\"doc-\(index)\",\"title\":\"jardin \(index)\",\"body\":\"un jardin\""
            var values: [String: Set<String>] = [:]
            func kept(_ items: [String]) -> Set<String> { Set(items.filter { !$0.isEmpty && $0.utf8.count <= 256 }) }
            if chance(80) {
                // Repeats included: a document holds a value once.
                let items = (0..<Int(generator.next() % 5)).map { _ in tags[Int(generator.next() % UInt64(tags.count))] }
                object += ",\"tags\":[" + items.map(json).joined(separator: ",") + "]"
                values["tags"] = kept(items)
            }
            if chance(90) {
                let category = ["agriculture", "déchets", "mobilité", "énergie", "Dupont, Jean"][Int(generator.next() % 5)]
                if chance(10) {
                    object += ",\"catégorie\":\(index % 7)"
                    values["catégorie"] = ["\(index % 7)"]
                } else {
                    object += ",\"catégorie\":" + json(category)
                    values["catégorie"] = [category]
                }
            }
            if chance(50) {
                let name = ["Anne", "Paul", "Zoé"][Int(generator.next() % 3)]
                object += ",\"auteur\":{\"nom\":" + json(name) + "}"
                values["auteur.nom"] = [name]
            }
            // Few documents, each its own value: a sparse column; and few with two values.
            if chance(3) {
                object += ",\"rare\":\"r\(index)\""
                values["rare"] = ["r\(index)"]
            }
            if chance(3) {
                object += ",\"paires\":[\"p\(index % 5)\",\"q\(index % 3)\"]"
                values["paires"] = ["p\(index % 5)", "q\(index % 3)"]
            }
            lines += object + "}\n"
            expected.append(values.filter { !$0.value.isEmpty })
        }
        try lines.write(toFile: path, atomically: false, encoding: .utf8)
        return expected
    }

    static func index(documents: Int, seed: UInt64, in folder: TemporaryFolder) throws -> (path: String, expected: [[String: Set<String>]]) {
        let corpus = folder.file("docs.jsonl")
        let expected = try generateCorpus(at: corpus, documents: documents, seed: seed)
        let index = folder.file("index")
        _ = try IndexBuilder.build(paths: [corpus], output: index)
        return (index, expected)
    }

    static func byteOrder(_ values: some Collection<String>) -> [String] {
        values.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    @Test func everyDocumentsValuesReadBack() throws {
        let folder = try TemporaryFolder()
        let (index, expected) = try Self.index(documents: 3_000, seed: 4, in: folder)
        let reader = try IndexReader(path: index)
        _ = try reader.verify()
        let names = ["tags", "catégorie", "auteur.nom", "rare", "paires"]
        let numbers = try names.map { try #require(reader.meta.field(named: $0)) }
        #expect(reader.facetValues.fields == [StandardField.path] + numbers.sorted())
        // Every document's path, as a value of its own: here, the one file's.
        #expect(try (0..<expected.count).allSatisfy { try reader.facetValues.values(doc: $0, field: StandardField.path) == [folder.file("docs.jsonl")] })
        #expect(reader.facetValues.columns[StandardField.path].map { "\($0.sparse ? "sparse" : "dense") \($0.single ? 1 : 2)" } == "dense 1")
        // Every layout is met: dense and sparse, of one value a document or of several.
        #expect(numbers.map { "\(reader.facetValues.columns[$0]!.sparse ? "sparse" : "dense") \(reader.facetValues.columns[$0]!.single ? 1 : 2)" }
                == ["dense 2", "dense 1", "dense 1", "sparse 1", "sparse 2"])
        for (name, field) in zip(names, numbers) {
            let all = expected.reduce(into: Set<String>()) { $0.formUnion($1[name] ?? []) }
            #expect(reader.facetValues.valueCount(field: field) == all.count, "\(name)")
            #expect(try (0..<all.count).map { try reader.facetValues.value(ordinal: $0, field: field) } == Self.byteOrder(all), "\(name)")
            #expect(reader.facetValues.documentsWithValue(field: field) == expected.filter { $0[name] != nil }.count, "\(name)")
            // One cursor over the documents in order, as a search walks its matches.
            var cursor = FacetValuesReader.Cursor()
            for (doc, document) in expected.enumerated() {
                var ordinals: [Int] = []
                reader.facetValues.forEachOrdinal(doc: doc, field: field, cursor: &cursor) { ordinals.append($0) }
                let values = try ordinals.map { try reader.facetValues.value(ordinal: $0, field: field) }
                #expect(values == Self.byteOrder(document[name] ?? []), "\(doc) \(name)")
                #expect(try reader.facetValues.values(doc: doc, field: field) == values)
            }
        }
    }

    /// `fts index --facets` keeps the values of the fields it names only, or of none, beside the paths.
    @Test func onlyTheNamedFieldsKeepTheirValues() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("docs.jsonl")
        let expected = try Self.generateCorpus(at: corpus, documents: 200, seed: 9)
        for (named, kept) in [(["tags", "rare", "absent"], ["path", "tags", "rare"]), ([], ["path"])] {
            var options = IndexBuildOptions()
            options.facetFields = Set(named)
            let index = folder.file("index-\(named.count)")
            _ = try IndexBuilder.build(paths: [corpus], output: index, options: options)
            let reader = try IndexReader(path: index)
            _ = try reader.verify()
            #expect(reader.facetValues.fields.map { reader.meta.fields[$0].name } == kept)
            let tags = try #require(reader.meta.field(named: "tags"))
            #expect(reader.facetValues.documentsWithValue(field: tags) == (named.isEmpty ? 0 : expected.filter { $0["tags"] != nil }.count))
            #expect(reader.facetValues.documentsWithValue(field: StandardField.path) == expected.count)
        }
    }

    /// A field whose every value is left out (empty, or longer than a value may be, as a summary
    /// often is) has no column, and the index opens: it used to get an empty column, which every
    /// reader refused as malformed.
    @Test func aFieldWithNoValueToKeepHasNoColumn() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("docs.jsonl")
        let long = String(repeating: "mot ", count: 100)
        try ([#"{"id":"a","body":"jardin","tags":[],"résumé":"\#(long)","vide":""}"#,
              #"{"id":"b","body":"jardin","tags":[""],"résumé":"\#(long)","vide":"","catégorie":"bio"}"#].joined(separator: "\n") + "\n")
            .write(toFile: corpus, atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [corpus], output: folder.file("index"))
        let reader = try IndexReader(path: folder.file("index"))
        _ = try reader.verify()
        #expect(reader.facetValues.fields.map { reader.meta.fields[$0].name } == ["path", "catégorie"])
        #expect(try reader.facetValues.values(doc: 1, field: try #require(reader.meta.field(named: "catégorie"))) == ["bio"])
    }

    /// Opening checks the directory and the columns' lengths, and a read checks its slot and each
    /// ordinal, so that reading every document's values after damage the checksum was not asked to
    /// find gives values or an error, never a crash.
    @Test func readingDamagedColumnsNeverCrashes() throws {
        let folder = try TemporaryFolder()
        let pristine = try Self.index(documents: 300, seed: 5, in: folder).path
        // The first rounds damage the directory, the others anywhere in the body.
        let refused = try Damage.rounds(80, of: pristine, file: FileFormat.Tag.facets.fileName, in: folder, seed: 12,
                                        span: { round, length in 32..<(32 + (round < 30 ? 4 + 4 * 16 : length - 40)) }) { reader in
            for field in reader.meta.fields.indices {
                var cursor = FacetValuesReader.Cursor()
                for doc in 0..<reader.documentCount {
                    var ordinals: [Int] = []
                    reader.facetValues.forEachOrdinal(doc: doc, field: field, cursor: &cursor) { ordinals.append($0) }
                    for ordinal in ordinals { _ = try reader.facetValues.value(ordinal: ordinal, field: field) }
                }
            }
        }
        #expect(refused > 0)
    }

    /// A field's values are told apart as dates and numbers as histograms read them; a value may be
    /// neither, and a field of words has none of either.
    @Test func valueKindsCountDatesAndNumbers() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("docs.jsonl")
        try ([#"{"id":"a","body":"x","quand":["2024-05-01","2024-05-01T09:30:00+02:00"],"tags":"bio"}"#,
              #"{"id":"b","body":"x","quand":["2024","12,5","2024-13-45","bientôt"],"tags":"2024-05-01"}"#,
              #"{"id":"c","body":"x","quand":"2024-05-01"}"#].joined(separator: "\n") + "\n")
            .write(toFile: corpus, atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [corpus], output: folder.file("index"))
        let reader = try IndexReader(path: folder.file("index"))
        let quand = try #require(reader.meta.field(named: "quand")), tags = try #require(reader.meta.field(named: "tags"))
        #expect(try reader.facetValues.kinds(field: quand) == FacetValuesReader.ValueKinds(dates: 2, numbers: 2))
        #expect(try reader.facetValues.kinds(field: tags) == FacetValuesReader.ValueKinds(dates: 1, numbers: 0))
        #expect(try reader.facetValues.kinds(field: try #require(reader.meta.field(named: "body"))) == FacetValuesReader.ValueKinds())
        // Kept once counted: the same answer again.
        #expect(try reader.facetValues.kinds(field: quand) == FacetValuesReader.ValueKinds(dates: 2, numbers: 2))
    }

    /// `fts verify` reads every document's stored text again: a value that is not in it, or a path's
    /// value that is not the document's path (another, or none), under valid checksums, is reported.
    @Test func verifyFindsValuesThatDisagreeWithTheStoredText() throws {
        let cases: [(field: String, doc: Int, values: [String], reported: String)] = [
            ("catégorie", 17, ["inventée"], "document 17's values in field catégorie differ from its stored text"),
            ("path", 23, ["ailleurs.jsonl"], "document 23's value of the path is not its path"),
            ("path", 23, [], "document 23's value of the path is not its path"),
        ]
        for damage in cases {
            let folder = try TemporaryFolder()
            let index = try Self.index(documents: 50, seed: 7, in: folder).path
            let reader = try IndexReader(path: index)
            let field = try #require(reader.meta.field(named: damage.field))
            // The same values but one document's in one field.
            let writer = FacetValuesWriter()
            for doc in 0..<reader.documentCount {
                for stored in reader.facetValues.fields {
                    let values = try reader.facetValues.values(doc: doc, field: stored)
                    _ = writer.add(doc: UInt32(doc), field: stored, items: doc == damage.doc && stored == field ? damage.values : values)
                }
            }
            try Damage.rewrite(.facets, of: index) { try writer.write(documentCount: reader.documentCount, to: $0) }

            let reopened = try IndexReader(path: index, checksums: true)
            #expect(try reopened.facetValues.values(doc: damage.doc, field: field) == damage.values)
            #expect(throws: IndexError.self) { try reopened.verify() }
            do {
                _ = try reopened.verify()
            } catch {
                #expect(String(describing: error).contains(damage.reported), "\(error)")
            }
        }
    }
}
