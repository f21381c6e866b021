import Foundation
import TestSupport
@testable import Indexer


enum QueryFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = root.appendingPathComponent("Corpus/seeds").path

    /// JSON Lines documents drawn from the bundled corpus's words (a few frequent, a long tail), with a
    /// `source` field, and a `note` in one document of seven, deterministic for a seed.
    static func generateCorpus(at path: String, documents: Int, seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let texts = try FileManager.default.contentsOfDirectory(atPath: corpus).sorted()
            .map { try String(contentsOfFile: corpus + "/" + $0, encoding: .utf8) }
        let words = Array(Set(texts.flatMap { $0.split(whereSeparator: { $0.isWhitespace || $0 == "\"" || $0 == "\\" }) }.map(String.init))).sorted()
        func word() -> String {
            let u = Double(generator.next() % 1_000_000) / 1_000_000
            return words[Int(u * u * u * Double(words.count))]
        }
        var lines = ""
        for index in 0..<documents {
            let body = (0..<(Int(generator.next() % 300) + 1)).map { _ in word() }.joined(separator: " ")
            let title = (0..<Int(generator.next() % 6 + 1)).map { _ in word() }.joined(separator: " ")
            var object: [String: Any] = ["id": "doc-\(index)", "title": title, "body": body, "source": index % 3 == 0 ? "alpha" : "beta gamma"]
            // A field few documents hold: its lengths are sparse in norms.fts.
            if index % 7 == 0 { object["note"] = (0..<Int(generator.next() % 4 + 1)).map { _ in word() }.joined(separator: " ") }
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try lines.write(toFile: path, atomically: false, encoding: .utf8)
    }
}
