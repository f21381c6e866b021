import Foundation
import Testing
@testable import Indexer
import TestSupport

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

    /// Many keys looked up in one walk find what a search each finds: neighbours, keys far apart,
    /// keys before and after every stored one, absent keys between blocks, and the same key twice.
    @Test func sortedLookupsAgreeWithOneSearchEach() throws {
        let folder = try TemporaryFolder()
        var generator = SplitMix64(seed: 11)
        func key() -> [UInt8] { (0..<Int(generator.next() % 6)).map { _ in UInt8(0x61 + generator.next() % 4) } }
        let keys = Set((0..<400).map { _ in key() }).sorted { $0.lexicographicallyPrecedes($1) }
        let (table, mapped) = try Self.table(keys.map { ($0, Array("v:\(String(decoding: $0, as: UTF8.self))".utf8)) }, in: folder)
        for round in 0..<200 {
            // Stored keys and others of the same alphabet, some runs of neighbours, some sparse.
            var targets = (0..<Int(generator.next() % 40)).map { _ in generator.next() % 3 == 0 ? key() : keys[Int(generator.next() % UInt64(keys.count))] }
            if round % 4 == 0 { targets += keys[(round % keys.count)...].prefix(30) }
            if round % 5 == 0 { targets += [[], [0x7A, 0x7A], [0x60]] }
            targets.sort { $0.lexicographicallyPrecedes($1) }
            var found = [[UInt8]?](repeating: nil, count: targets.count)
            let packed = targets.flatMap { $0 }
            let ends = targets.reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1.count) }
            try packed.withUnsafeBytes { all in
                try table.forEachValue(ofSorted: targets.count, { UnsafeRawBufferPointer(rebasing: all[($0 == 0 ? 0 : ends[$0 - 1])..<ends[$0]]) }) { index, value in
                    #expect(found[index] == nil)
                    found[index] = Array(value)
                }
            }
            #expect(try found == targets.map { try table.value(for: $0).map(Array.init) })
        }
        withExtendedLifetime(mapped) {}
    }

    /// The block index as docs/FORMAT.md lays it out: the blocks' offsets, then their first keys'
    /// first eight bytes (big-endian, zero-padded, stored little-endian), then the trailer. A prefix
    /// changed in the file is what `verifyBlockIndex` reports.
    @Test func blockIndexHoldsOffsetsThenFirstKeyPrefixes() throws {
        let folder = try TemporaryFolder()
        let keys = ["a", "abc", "abcdefghij", "b", "ba", "zz", "zzzzzzzzz"].map { Array($0.utf8) }
        let (table, mapped) = try Self.table(keys.map { ($0, [1]) }, in: folder)
        #expect(table.blockCount == 2)
        let bytes = mapped.bytes
        let trailer = bytes.count - FileFormat.footerLength - SortedTable.trailerLength
        let indexOffset = Int(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: trailer, as: UInt64.self)))
        #expect(indexOffset + 2 * 16 == trailer)
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        // Blocks of 4: "a" and "ba" lead them.
        #expect(u64(indexOffset) == UInt64(FileFormat.headerLength))
        #expect(bytes[Int(u64(indexOffset + 8)) + 3] == UInt8(ascii: "b"))
        #expect(u64(indexOffset + 16) == 0x6100_0000_0000_0000)
        #expect(u64(indexOffset + 24) == 0x6261_0000_0000_0000)
        try table.verifyBlockIndex()
        for key in keys { #expect(try table.value(for: key) != nil) }

        let path = folder.file("table.fts")
        var damaged = [UInt8](bytes)
        damaged[indexOffset + 16 + 7] = 0x62
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        let remapped = try MappedFile(path: path, name: "table.fts")
        let body = try FileFormat.validateFrame(remapped.bytes, file: "table.fts", tag: .terms, indexID: Self.id)
        let table2 = try SortedTable(bytes: remapped.bytes, file: "table.fts", body: body)
        #expect(throws: IndexError.self) { try table2.verifyBlockIndex() }
        withExtendedLifetime((mapped, remapped)) {}
    }

    @Test func emptyTableHasNoEntries() throws {
        let folder = try TemporaryFolder()
        let (table, mapped) = try Self.table([], in: folder)
        #expect(try table.value(for: Array("a".utf8)) == nil)
        try table.forEachValue(ofSorted: 1, { _ in UnsafeRawBufferPointer(start: nil, count: 0) }) { _, _ in Issue.record("an empty table holds no key") }
        var cursor = try table.cursor()
        #expect(try cursor.next() == nil)
        withExtendedLifetime(mapped) {}
    }
}
