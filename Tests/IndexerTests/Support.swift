import Foundation
import TestSupport
import Testing
@testable import Indexer

enum Fixtures {
    /// The repository's root, found from this file's path so tests run from any working directory.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let corpusFolder = repositoryRoot.appendingPathComponent("Corpus/seeds")

    /// The bundled corpus: (file name, text), sorted by name.
    static func corpus() throws -> [(name: String, text: String)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpusFolder.path)
            .filter { $0.hasSuffix(".txt") }.sorted()
        return try names.map { ($0, try String(contentsOf: corpusFolder.appendingPathComponent($0), encoding: .utf8)) }
    }

    static func lines(_ name: String) throws -> [String] {
        let url = Bundle.module.url(forResource: "Fixtures/snowball-french/\(name)", withExtension: nil)!
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }
}

extension FrenchAnalyzer {
    func terms(_ text: String) throws -> [String] {
        try tokens(text).map(\.term)
    }
}

extension IndexFixtures {
    /// A generated JSON Lines corpus of `documents` at `path`, compressed by `/bin/gzip` into
    /// `path.gz`; `keep` keeps the uncompressed file too.
    static func generateGzipCorpus(at path: String, documents: Int, seed: UInt64, keep: Bool) throws {
        try generateCorpus(at: path, documents: documents, seed: seed)
        try compress(path, keep: keep)
    }

    /// Compresses the file at `path` by `/bin/gzip` into `path.gz`, keeping it when `keep` is true.
    static func compress(_ path: String, keep: Bool = false) throws {
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = keep ? ["-k", path] : [path]
        try gzip.run()
        gzip.waitUntilExit()
    }
}

/// Damage that the checksum was not asked to find, a round at a time.
enum Damage {
    /// Writes `tag`'s component of the index at `path` again with `write`, and meta.fts to record it:
    /// valid checksums over contents the build did not write, which only `verify()` can find.
    static func rewrite(_ tag: FileFormat.Tag, of path: String, _ write: (OutputFile) throws -> Void) throws {
        var meta = try IndexReader(path: path).meta
        let file = try OutputFile(path: path + "/" + tag.fileName, tag: tag, indexID: meta.indexID)
        try write(file)
        let written = try file.finish()
        let slot = meta.components.firstIndex { $0.tag == tag }!
        meta.components[slot] = IndexMeta.Component(tag: tag, length: UInt64(written.length), checksum: written.checksum)
        let metaFile = try OutputFile(path: path + "/" + FileFormat.Tag.meta.fileName, tag: .meta, indexID: meta.indexID)
        try metaFile.write(meta.encoded())
        _ = try metaFile.finish()
    }

    /// Copies `pristine` into `folder` once per round and writes two random bytes into its `file`, at
    /// offsets `span(round, fileLength)` gives, then opens the copy without checksums and hands it to
    /// `read`. Expects every refusal to name the file, and opening with checksums to refuse every
    /// copy. Returns how many copies opening refused.
    static func rounds(_ count: Int, of pristine: String, file: String, in folder: TemporaryFolder, seed: UInt64,
                       span: (_ round: Int, _ length: Int) -> Range<Int>, read: (IndexReader) throws -> Void) throws -> Int {
        let length = try FileManager.default.attributesOfItem(atPath: pristine + "/" + file)[.size] as! Int
        var generator = SplitMix64(seed: seed)
        var refused = 0
        for round in 0..<count {
            let damaged = folder.file("damaged")
            try? FileManager.default.removeItem(atPath: damaged)
            try FileManager.default.copyItem(atPath: pristine, toPath: damaged)
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: damaged + "/" + file))
            let offsets = span(round, length)
            for _ in 0..<2 {
                try handle.seek(toOffset: UInt64(offsets.lowerBound + Int(generator.next() % UInt64(offsets.count))))
                try handle.write(contentsOf: Data([UInt8(truncatingIfNeeded: generator.next())]))
            }
            try handle.close()
            do {
                try read(try IndexReader(path: damaged))
            } catch {
                refused += 1
                #expect(String(describing: error).contains(file))
            }
            #expect(throws: IndexError.self) { try IndexReader(path: damaged, checksums: true) }
        }
        return refused
    }
}

/// A folder of stand-ins for a program fts runs on a document (`pdftotext`), beside the
/// real `timeout`, to search in place of `$PATH`: a test says what each stand-in does.
struct StandInTools {
    let path: String

    /// Where the real programs are looked for.
    static let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"

    /// The message of the issue `read` throws; nil when it reads.
    static func issue(_ read: () throws(CorpusIssue) -> Void) -> String? {
        do {
            try read()
            return nil
        } catch {
            return error.message
        }
    }

    init(in folder: TemporaryFolder) throws {
        path = folder.file("outils")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let timeout = Self.searchPath.split(separator: ":")
            .map { "\($0)/timeout" }.first { FileManager.default.isExecutableFile(atPath: $0) }!
        try FileManager.default.createSymbolicLink(atPath: path + "/timeout", withDestinationPath: timeout)
    }

    /// Makes `name` a shell script running `script`. Written through a descriptor closed on exec: a
    /// program another test starts meanwhile must not hold the script open for writing, which would
    /// make running it fail (ETXTBSY).
    func write(_ name: String, _ script: String) {
        try? FileManager.default.removeItem(atPath: path + "/" + name)
        let descriptor = open(path + "/" + name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        #expect(descriptor >= 0)
        let bytes = Array(("#!/bin/sh\n" + script + "\n").utf8)
        #expect(Foundation.write(descriptor, bytes, bytes.count) == bytes.count)
        close(descriptor)
    }
}
