import Foundation
@testable import Indexer

/// A small deterministic generator for tests (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum QueryFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = root.appendingPathComponent("Corpus/seeds").path

    /// JSON Lines documents drawn from the bundled corpus's words (a few frequent, a long tail), with a
    /// `source` field, deterministic for a seed.
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
            let object: [String: Any] = ["id": "doc-\(index)", "title": title, "body": body, "source": index % 3 == 0 ? "alpha" : "beta gamma"]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try lines.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
