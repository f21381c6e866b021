import Foundation
import Testing
@testable import Indexer

@Suite struct SortedTableTests {
    static let id = [UInt8](repeating: 7, count: 16)

    /// Writes `entries` (sorted) and maps the result.
    static func table(_ entries: [([UInt8], [UInt8])], in folder: TemporaryFolder) throws -> (SortedTable, MappedFile) {
        let path = folder.file("table.fts")
        let output = try OutputFile(path: path, tag: .terms, indexID: id)
        var writer = SortedTableWriter(file: output, blockSize: 4)
        for (key, value) in entries { try writer.add(key: key, value: value) }
        try writer.finish()
        try output.finish()
        let mapped = try MappedFile(path: path, name: "table.fts")
        let body = try FileFormat.validateFrame(mapped.bytes, file: "table.fts", tag: .terms, indexID: id)
        try FileFormat.verifyChecksum(mapped.bytes, file: "table.fts")
        return (try SortedTable(bytes: mapped.bytes, file: "table.fts", body: body), mapped)
    }

    @Test func findsEveryKeyAndEnumeratesPrefixes() throws {
        let folder = try TemporaryFolder()
        // Many keys share their first eight bytes (the lookup's in-memory prefixes tie there).
        let words = Set((0..<500).map { "mot\($0 * 7919 % 1000)" } + (0..<60).map { "prefixe-commun-\($0)" }
                        + ["", "a", "ab", "abc", "b", "économie", "économique", "prefixe", "prefixe-"])
        let keys = words.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        let entries = keys.map { ($0, Array("v:\(String(decoding: $0, as: UTF8.self))".utf8)) }
        let (table, mapped) = try Self.table(entries, in: folder)
        #expect(table.entryCount == entries.count)
        for (key, value) in entries {
            #expect(try table.value(for: key).map(Array.init) == value)
        }
        #expect(try table.value(for: Array("mot".utf8)) == nil)
        #expect(try table.value(for: Array("zzz".utf8)) == nil)
        #expect(try table.value(for: Array("ab\u{0}".utf8)) == nil)
        // Keys next to the stored ones (shorter, longer, one byte off): found exactly when stored.
        let stored = Dictionary(uniqueKeysWithValues: entries)
        for key in keys {
            var probes = [key + [0], key + [0x7A], key + [0xFF]]
            if !key.isEmpty {
                probes.append(Array(key.dropLast()))
                if key.last! > 0 { probes.append(Array(key.dropLast()) + [key.last! - 1]) }
                if key.last! < 0xFF { probes.append(Array(key.dropLast()) + [key.last! + 1]) }
            }
            for probe in probes {
                #expect(try table.value(for: probe).map(Array.init) == stored[probe], "\(String(decoding: probe, as: UTF8.self))")
            }
        }

        var cursor = try table.seek(atLeast: Array("écon".utf8))
        var found: [String] = []
        while try cursor.next() != nil, cursor.key.starts(with: Array("écon".utf8)) {
            found.append(String(decoding: cursor.key, as: UTF8.self))
        }
        #expect(found == ["économie", "économique"])

        var all = try table.cursor()
        var count = 0
        while try all.next() != nil { count += 1 }
        #expect(count == entries.count)
        withExtendedLifetime(mapped) {}
    }

    @Test func emptyTableHasNoEntries() throws {
        let folder = try TemporaryFolder()
        let (table, mapped) = try Self.table([], in: folder)
        #expect(try table.value(for: Array("a".utf8)) == nil)
        var cursor = try table.cursor()
        #expect(try cursor.next() == nil)
        withExtendedLifetime(mapped) {}
    }
}
