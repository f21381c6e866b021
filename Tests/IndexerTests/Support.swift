import Foundation
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

/// A fresh temporary folder, removed when the value is released.
final class TemporaryFolder {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("fts-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String) -> String { url.appendingPathComponent(name).path }
}

extension IndexFixtures {
    /// A generated JSON Lines corpus of `documents` at `path`, compressed by `/bin/gzip` into
    /// `path.gz`; `keep` keeps the uncompressed file too.
    static func generateGzipCorpus(at path: String, documents: Int, seed: UInt64, keep: Bool) throws {
        try generateCorpus(at: path, documents: documents, seed: seed)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = keep ? ["-k", path] : [path]
        try gzip.run()
        gzip.waitUntilExit()
    }
}
