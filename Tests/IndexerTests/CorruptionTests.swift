import Foundation
import TestSupport
import Testing
@testable import Indexer

/// A damaged index is reported, naming the damaged file: never a crash, never a silent wrong answer
/// once verified.
@Suite struct CorruptionTests {
    static let files = ["meta.fts"] + IndexReader.requiredComponents.map(\.fileName)

    /// Builds the bundled corpus once per test into `folder/pristine`.
    static func pristine(in folder: TemporaryFolder) throws -> String {
        let path = folder.file("pristine")
        _ = try IndexBuilder.build(paths: [Fixtures.corpusFolder.path], output: path)
        return path
    }

    static func copy(_ source: String, to target: String) throws {
        try? FileManager.default.removeItem(atPath: target)
        try FileManager.default.copyItem(atPath: source, toPath: target)
    }

    /// Opens and verifies; returns the error's description, or nil when the index passed.
    static func check(_ path: String) -> String? {
        do {
            _ = try IndexReader(path: path).verify()
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test func pristineIndexPasses() throws {
        let folder = try TemporaryFolder()
        #expect(Self.check(try Self.pristine(in: folder)) == nil)
    }

    @Test(arguments: files)
    func flippedBytesAreReportedWithTheFileName(file: String) throws {
        let folder = try TemporaryFolder()
        let pristine = try Self.pristine(in: folder)
        let length = try FileManager.default.attributesOfItem(atPath: pristine + "/" + file)[.size] as! Int
        let offsets = Set([0, 5, 9, 20, 32, 33, length / 3, length / 2, 2 * length / 3, length - 9, length - 6, length - 1])
            .filter { $0 >= 0 && $0 < length }
        for offset in offsets.sorted() {
            let damaged = folder.file("damaged")
            try Self.copy(pristine, to: damaged)
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: damaged + "/" + file))
            try handle.seek(toOffset: UInt64(offset))
            let byte = try handle.read(upToCount: 1)![0]
            try handle.seek(toOffset: UInt64(offset))
            try handle.write(contentsOf: Data([byte ^ 0x5A]))
            try handle.close()
            let error = Self.check(damaged)
            #expect(error?.contains(file) == true, "\(file) flipped at \(offset): \(error ?? "no error")")
        }
    }

    @Test(arguments: files)
    func truncationsAreReportedWithTheFileName(file: String) throws {
        let folder = try TemporaryFolder()
        let pristine = try Self.pristine(in: folder)
        let length = try FileManager.default.attributesOfItem(atPath: pristine + "/" + file)[.size] as! Int
        for cut in Set([0, 1, 16, 35, length / 2, length - 8, length - 1]).filter({ $0 < length }).sorted() {
            let damaged = folder.file("damaged")
            try Self.copy(pristine, to: damaged)
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: damaged + "/" + file))
            try handle.truncate(atOffset: UInt64(cut))
            try handle.close()
            // Opening alone catches a truncation: lengths are checked against meta.fts.
            do {
                _ = try IndexReader(path: damaged)
                Issue.record("\(file) cut at \(cut) opened")
            } catch {
                #expect(String(describing: error).contains(file), "\(file) cut at \(cut): \(error)")
            }
        }
    }

    @Test func aMissingFileIsReported() throws {
        let folder = try TemporaryFolder()
        let pristine = try Self.pristine(in: folder)
        try FileManager.default.removeItem(atPath: pristine + "/postings.fts")
        #expect(Self.check(pristine)?.contains("postings.fts") == true)
    }

    @Test func aFileFromAnotherIndexIsReported() throws {
        let folder = try TemporaryFolder()
        let first = try Self.pristine(in: folder)
        let second = folder.file("second")
        _ = try IndexBuilder.build(paths: [Fixtures.corpusFolder.path], output: second)
        try FileManager.default.removeItem(atPath: first + "/norms.fts")
        try FileManager.default.copyItem(atPath: second + "/norms.fts", toPath: first + "/norms.fts")
        #expect(Self.check(first)?.contains("norms.fts") == true)
    }

    /// A spelling compounds make names their first word's length (docs/FORMAT.md), which a prefix
    /// trusts to leave it out and a phrase to split it: `verify` finds a length whose start is no
    /// spelling of the lexicon, and reading refuses one as long as the spelling.
    @Test func aJoinedSpellingsFirstWordIsInTheLexicon() throws {
        let folder = try TemporaryFolder()
        let pristine = try Self.pristine(in: folder)
        let joined = try #require(try IndexReader(path: pristine).lexiconEntries(prefix: "antigaspillage").first)
        #expect(joined.surface == "antigaspillage" && joined.joined == JoinedSpelling(firstLength: "anti".utf8.count, isWritten: false))
        for (length, error) in [(5, "the first word of antigaspillage's compounds is not in the lexicon"), (14, "lexicon.fts")] {
            let damaged = folder.file("damaged")
            try Self.copy(pristine, to: damaged)
            let reader = try IndexReader(path: damaged)
            var cursor = try reader.lexiconTable.cursor()
            var entries: [(key: [UInt8], value: [UInt8])] = []
            while let value = try cursor.next() { entries.append((cursor.key, Array(value))) }
            try Damage.rewrite(.lexicon, of: damaged) { file in
                var table = SortedTableWriter(file: file)
                for entry in entries {
                    guard entry.key == Array("antigaspillage".utf8) else { try table.add(key: entry.key, value: entry.value); continue }
                    // n × 2 + 1, then the length × 2: both one byte here.
                    try table.add(key: entry.key, value: [entry.value[0], UInt8(length << 1)] + entry.value.dropFirst(2))
                }
                try table.finish()
            }
            #expect(Self.check(damaged)?.contains(error) == true, "\(length): \(Self.check(damaged) ?? "no error")")
        }
    }

    /// Opening is O(1) and does not checksum: reading a damaged body must still throw or answer, never trap.
    @Test(arguments: ["terms.fts", "postings.fts", "positions.fts", "store.fts", "lexicon.fts", "ids.fts"])
    func readingADamagedBodyNeverCrashes(file: String) throws {
        let folder = try TemporaryFolder()
        let pristine = try Self.pristine(in: folder)
        let length = try FileManager.default.attributesOfItem(atPath: pristine + "/" + file)[.size] as! Int
        var generator = SplitMix64(seed: UInt64(length))
        var errors = 0
        for _ in 0..<40 {
            let damaged = folder.file("damaged")
            try Self.copy(pristine, to: damaged)
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: damaged + "/" + file))
            for _ in 0..<3 {
                let offset = 32 + Int(generator.next() % UInt64(length - 40))
                try handle.seek(toOffset: UInt64(offset))
                try handle.write(contentsOf: Data([UInt8(truncatingIfNeeded: generator.next())]))
            }
            try handle.close()
            do {
                _ = try IndexContent(reading: IndexReader(path: damaged))
            } catch {
                errors += 1
                #expect(String(describing: error).contains(".fts"))
            }
        }
        // Positions carry no structure to contradict: damage there shows only in the checksum.
        if file != "positions.fts" { #expect(errors > 0) }
        let damaged = folder.file("damaged")
        #expect(throws: IndexError.self) { try IndexReader(path: damaged, checksums: true) }
    }
}
