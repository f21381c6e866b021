import Foundation
import TestSupport
import Testing
@testable import Indexer

/// files.fts: the corpus an index was built from, and what tells that the corpus changed since.
@Suite struct CorpusManifestTests {
    /// A copy of the bundled corpus in `folder/corpus`.
    static func corpus(in folder: TemporaryFolder) throws -> String {
        let path = folder.file("corpus")
        try FileManager.default.copyItem(atPath: Fixtures.corpusFolder.path, toPath: path)
        return path
    }

    @Test func theIndexRecordsTheFilesItsBuildRead() throws {
        let folder = try TemporaryFolder()
        let corpus = try Self.corpus(in: folder)
        _ = try IndexBuilder.build(paths: [corpus], output: folder.file("index"))
        let manifest = try IndexReader(path: folder.file("index")).corpusManifest()
        #expect(manifest.roots == [corpus] && manifest.directory == FileManager.default.currentDirectoryPath)
        let walked = Corpus.files(in: [corpus]).files
        #expect(manifest.files.map(\.path) == walked.map(\.path) && manifest.files.count == 5)
        #expect(manifest.files.map(\.size) == walked.map(\.size))
        let modified = try FileManager.default.attributesOfItem(atPath: walked[0].path)[.modificationDate] as! Date
        #expect(abs(Double(manifest.files[0].modified) / 1e9 - modified.timeIntervalSince1970) < 0.001)
        #expect(manifest.isSameCorpus(as: CorpusManifest(walking: [corpus])))
        #expect(IndexFreshness.reasonToBuild(index: folder.file("index"), corpus: [corpus]) == nil)
    }

    /// A file written, one added and one removed are three files differing; a time put back older is
    /// a difference too.
    @Test func changesSinceTheBuildAreCounted() throws {
        let folder = try TemporaryFolder()
        let corpus = try Self.corpus(in: folder)
        let index = folder.file("index")
        _ = try IndexBuilder.build(paths: [corpus], output: index)
        let manager = FileManager.default
        let names = try manager.contentsOfDirectory(atPath: corpus).sorted()
        try manager.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)], ofItemAtPath: corpus + "/" + names[0])
        #expect(IndexFreshness.reasonToBuild(index: index, corpus: [corpus]) == .changedFiles(1))
        try manager.removeItem(atPath: corpus + "/" + names[1])
        try "Un jardin.\n".write(toFile: corpus + "/new.txt", atomically: true, encoding: .utf8)
        #expect(IndexFreshness.reasonToBuild(index: index, corpus: [corpus]) == .changedFiles(3))
        #expect(IndexFreshness.reasonToBuild(index: index, corpus: [corpus + "/new.txt"]) == .otherCorpus([corpus]))
        #expect(IndexFreshness.reasonToBuild(index: folder.file("none"), corpus: [corpus]) == .missing)
        // No file left: the index stays.
        #expect(IndexFreshness.reasonToBuild(index: index, corpus: [folder.file("gone")]) == nil)
    }

    @Test func pathsAreMadeAbsoluteAsWritten() {
        #expect(CorpusManifest.absolute("a/./b/../c", from: "/x/y") == "/x/y/a/c")
        #expect(CorpusManifest.absolute("../c/", from: "/x/y") == "/x/c")
        #expect(CorpusManifest.absolute("/abs//p", from: "/x") == "/abs/p")
        #expect(CorpusManifest.absolute("..", from: "/") == "/")
        // A walk's files, each folder made absolute once.
        let walked = ["c/a.txt", "c/../d/b.txt", "c/a/../../e.md", "/e/f.md", "/g.txt", "g.txt", "c/a.txt"]
            .map { CorpusFile(path: $0, name: "n", kind: .text, size: 1) }
        let working = FileManager.default.currentDirectoryPath
        #expect(CorpusManifest(roots: ["c"], files: walked).files.map(\.path)
            == [working + "/c/a.txt", working + "/d/b.txt", working + "/e.md", "/e/f.md", "/g.txt", working + "/g.txt", working + "/c/a.txt"])
        // The same folder written two ways is the same corpus.
        let here = CorpusManifest(directory: "/x", roots: ["corpus"], files: [])
        #expect(here.isSameCorpus(as: CorpusManifest(directory: "/", roots: ["x/./corpus"], files: [])))
    }

    @Test func theFilesRoundTripThroughTheirEncoding() throws {
        let files = [("/c/é/a.txt", 12, Int64(-5)), ("/c/é/b.txt", 0, Int64(1_700_000_000_123_456_789)), ("/c/f.md", 9, Int64(0))]
            .map { CorpusManifest.File(path: $0.0, size: $0.1, modified: $0.2) }
        let manifest = CorpusManifest(directory: "/w", roots: ["c", "/d"], files: files)
        let bytes = manifest.encoded().bytes
        let decoded = try bytes.withUnsafeBytes { try CorpusManifest.decode($0, body: 0..<$0.count, file: "files.fts") }
        #expect(decoded == manifest)
        // Cut anywhere, it is an error that names the file.
        for length in 0..<bytes.count {
            #expect(throws: IndexError.self) { try bytes.withUnsafeBytes { try CorpusManifest.decode($0, body: 0..<length, file: "files.fts") } }
        }
    }

    /// Damage to files.fts is an error when the list is read, and `fts verify` finds it: never a trap.
    @Test func aDamagedListIsAnError() throws {
        let folder = try TemporaryFolder()
        let corpus = try Self.corpus(in: folder)
        let pristine = folder.file("pristine")
        _ = try IndexBuilder.build(paths: [corpus], output: pristine)
        let file = FileFormat.Tag.files.fileName
        let length = try FileManager.default.attributesOfItem(atPath: pristine + "/" + file)[.size] as! Int
        var generator = SplitMix64(seed: 7)
        for _ in 0..<60 {
            let damaged = folder.file("damaged")
            try? FileManager.default.removeItem(atPath: damaged)
            try FileManager.default.copyItem(atPath: pristine, toPath: damaged)
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: damaged + "/" + file))
            let offset = UInt64(32 + Int(generator.next() % UInt64(length - 40)))
            try handle.seek(toOffset: offset)
            let byte = try #require(try handle.read(upToCount: 1)?.first)
            try handle.seek(toOffset: offset)
            try handle.write(contentsOf: Data([byte ^ UInt8(truncatingIfNeeded: generator.next() | 1)]))
            try handle.close()
            _ = try? IndexReader(path: damaged).corpusManifest()
            #expect(throws: IndexError.self) { try IndexReader(path: damaged).verify() }
        }
    }

    /// What `fts verify` checks of the list: each file is a path the build was given, or in one.
    @Test func aFileOutsideThePathsGivenIsFound() {
        func file(_ path: String) -> CorpusManifest.File { CorpusManifest.File(path: path, size: 1, modified: 0) }
        let inside = CorpusManifest(directory: "/w", roots: ["c", "/d/e.txt"], files: [file("/w/c/a.txt"), file("/w/c/x/b.md"), file("/d/e.txt")])
        #expect(inside.fileOutsideRoots == nil)
        let outside = CorpusManifest(directory: "/w", roots: ["c"], files: [file("/w/c/a.txt"), file("/w/cc/a.txt")])
        #expect(outside.fileOutsideRoots?.path == "/w/cc/a.txt")
        #expect(CorpusManifest(directory: "/", roots: ["/"], files: [file("/a.txt")]).fileOutsideRoots == nil)
    }
}
