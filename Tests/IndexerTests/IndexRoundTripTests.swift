import Foundation
import Testing
import TestSupport
@testable import Indexer

@Suite struct IndexRoundTripTests {
    static func build(_ paths: [String], into output: String, memory: Int = 256 << 20, threads: Int = 2) throws -> IndexBuildSummary {
        var options = IndexBuildOptions()
        options.memoryBudget = memory
        options.threads = threads
        return try IndexBuilder.build(paths: paths, output: output, options: options)
    }

    static func checkRoundTrip(paths: [String], memory: Int = 256 << 20) throws -> IndexContent {
        let folder = try TemporaryFolder()
        let output = folder.file("index")
        let summary = try build(paths, into: output, memory: memory)
        let reader = try IndexReader(path: output)
        _ = try reader.verify()
        let actual = try IndexContent(reading: reader)
        let (expected, tokens) = try IndexFixtures.expectedContent(paths: paths)
        #expect(summary.documents == expected.stored.count)
        #expect(actual.fields == expected.fields)
        #expect(actual.terms.count == expected.terms.count)
        var mismatched: [String] = []
        for (key, postings) in expected.terms where actual.terms[key] != postings { mismatched.append(key) }
        #expect(mismatched.isEmpty, "\(mismatched.count) terms differ, e.g. \(mismatched.prefix(5))")
        #expect(actual.stored == expected.stored)
        #expect(actual.lengths == expected.lengths)
        // Every (spelling, term) met in the text is in the lexicon, but numbers, whose term is their spelling.
        let missing = tokens.filter { actual.lexicon[$0.surface]?.contains($0.term) != true }
        #expect(missing.allSatisfy { $0.surface == $0.term && $0.surface.contains(where: \.isNumber) }, "\(missing.prefix(5))")
        #expect(expected.joined.values.contains { $0.isWritten } && expected.joined.values.contains { !$0.isWritten })
        #expect(actual.joined == expected.joined)
        for (doc, fields) in expected.stored.enumerated() {
            #expect(try reader.document(id: fields.value(of: StandardField.id)!) == doc)
        }
        // The body read as bytes, in a shuffled order with repeats: the same text, one token offset per
        // term of its length, and the other fields unchanged.
        let docs = (0..<reader.documentCount).reversed() + [0, 0]
        for (doc, (fields, body)) in zip(docs, try reader.storedFieldsWithBody(Array(docs))) {
            let whole = expected.stored[doc]
            #expect(body.map { String(decoding: $0.bytes, as: UTF8.self) } == whole.value(of: StandardField.body), "doc \(doc)")
            #expect(body?.tokens.count ?? 0 == Int(reader.length(field: StandardField.body, doc: UInt32(doc))), "doc \(doc)")
            #expect(fields.values.map(\.field) == whole.values.map(\.field).filter { $0 != StandardField.body }, "doc \(doc)")
            #expect(fields.values.allSatisfy { whole.value(of: $0.field) == $0.value }, "doc \(doc)")
        }
        return actual
    }

    @Test func bundledCorpusReadsBackExactly() throws {
        let content = try Self.checkRoundTrip(paths: [Fixtures.corpusFolder.path])
        #expect(content.stored.count == 89)
        #expect(content.stored[0].value(of: StandardField.id) == "000_6b16b86d25ed4ee7.txt#1")
    }

    @Test func generatedCorpusReadsBackExactly() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("generated.jsonl")
        try IndexFixtures.generateCorpus(at: corpus, documents: 3_000, seed: 1)
        let content = try Self.checkRoundTrip(paths: [corpus])
        #expect(content.fields.last == "source")
        // Frequent terms span many blocks of 128 documents.
        #expect(content.terms.values.contains { $0.count > 1_000 })
    }

    @Test func spilledBuildHasTheSameContentAsAnInMemoryBuild() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("generated.jsonl")
        try IndexFixtures.generateCorpus(at: corpus, documents: 2_000, seed: 2)
        let inMemory = try Self.build([corpus], into: folder.file("memory"), threads: 1)
        let spilled = try Self.build([corpus], into: folder.file("spilled"), memory: 1 << 20, threads: 2)
        #expect(inMemory.runs == 1)
        #expect(spilled.runs > 4)
        let a = try IndexContent(reading: IndexReader(path: folder.file("memory")))
        let b = try IndexContent(reading: IndexReader(path: folder.file("spilled")))
        #expect(a == b)
        _ = try IndexReader(path: folder.file("spilled")).verify()
    }

    /// A run reads back as written through `RunReader`'s buffer (64 KiB): entries larger than it (the
    /// buffer grows), entries that straddle a refill, and the lexicon after the terms.
    @Test func aRunReadsBackWhateverItsEntriesSizes() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("run-0-0.tmp")
        var generator = SplitMix64(seed: 17)
        var terms: [(key: [UInt8], docFreq: Int, payload: [UInt8])] = []
        for index in 0..<3_000 {
            // Mostly small entries, a few of 100 to 300 KiB.
            let size = index % 700 == 3 ? 100_000 + Int(generator.next() % 200_000) : Int(generator.next() % 300)
            let key = [UInt8(StandardField.body)] + Array(String(format: "terme%05d", index).utf8)
            terms.append((key, Int(generator.next() % 1_000), (0..<size).map { _ in UInt8(truncatingIfNeeded: generator.next()) }))
        }
        let lexicon = (0..<2_000).map { index in (surface: String(format: "mot%05d", index), terms: ["t\(index)", "u\(index % 7)"]) }
        let writer = try RunWriter(path: path)
        for term in terms { try writer.addTerm(key: term.key, docFreq: term.docFreq, payload: term.payload) }
        try writer.finishTerms()
        for entry in lexicon { try writer.addLexiconEntry(surface: entry.surface, terms: entry.terms) }
        try writer.finish()

        let reader = try RunReader(path: path)
        for term in terms {
            #expect(try reader.nextTerm())
            #expect(reader.key == term.key && reader.docFreq == term.docFreq && Array(reader.payload) == term.payload)
        }
        #expect(try !reader.nextTerm())
        for entry in lexicon {
            let read = try #require(try reader.nextLexiconEntry())
            #expect(read.surface == entry.surface && read.terms == entry.terms)
        }
        #expect(try reader.nextLexiconEntry() == nil)
    }

    /// The merge's two threads split the terms somewhere: wherever it falls (before every term, inside
    /// the body field, after every term, or nowhere), the files are the same, byte for byte, but for
    /// the index id in their headers and the checksums.
    @Test func theMergeSplitLeavesNoTrace() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("generated.jsonl")
        try IndexFixtures.generateCorpus(at: corpus, documents: 500, seed: 3)
        let splits: [IndexMerger.Split] = [.none, .payloadMiddle, .at([0]), .at([UInt8(StandardField.body)] + Array("m".utf8)),
                                           .at([UInt8(StandardField.body)]), .at([255])]
        var bodies: [[String: [UInt8]]] = []
        for (number, split) in splits.enumerated() {
            var options = IndexBuildOptions()
            options.memoryBudget = 1 << 20
            options.threads = 2
            options.mergeSplit = split
            let output = folder.file("index-\(number)")
            let summary = try IndexBuilder.build(paths: [corpus], output: output, options: options)
            #expect(summary.runs > 2)
            _ = try IndexReader(path: output).verify()
            var files: [String: [UInt8]] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: output) where name != FileFormat.Tag.meta.fileName {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output + "/" + name)))
                files[name] = Array(bytes[FileFormat.headerLength..<bytes.count - FileFormat.footerLength])
            }
            #expect(files.count == 10, "\(files.keys.sorted())")
            bodies.append(files)
        }
        for (number, files) in bodies.enumerated().dropFirst() {
            for (name, body) in files { #expect(body == bodies[0][name], "split \(splits[number]): \(name)") }
        }
    }

    @Test func gzipJSONLinesAreRead() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("docs.jsonl")
        try IndexFixtures.generateGzipCorpus(at: corpus, documents: 50, seed: 3, keep: true)
        _ = try Self.build([corpus], into: folder.file("a"))
        _ = try Self.build([corpus + ".gz"], into: folder.file("b"))
        let plain = try IndexContent(reading: IndexReader(path: folder.file("a")))
        let compressed = try IndexContent(reading: IndexReader(path: folder.file("b")))
        #expect(plain.terms == compressed.terms && plain.lengths == compressed.lengths)
    }
}
