import Foundation
import Testing
import TestSupport

/// The load generator, `fts bench --server`, against a server: it must count every reply of its
/// pipelined requests (counted SEARCH replies and errors included), or it hangs or skews its figures.
@Suite struct LoadGeneratorTests {
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fts")

    /// Runs `fts` with `arguments`; killed and failed after `timeout` seconds, as a miscounting load
    /// generator waits forever for a reply that never comes.
    private static func run(_ arguments: [String], timeout: Double = 120) throws -> (status: Int32, stdout: String) {
        let result = try ChildProcess.run(binary, arguments, seconds: timeout)
        return (result.status, result.stdout)
    }

    @Test(arguments: [(1, 1), (2, 4), (3, 64)])
    func everyReplyIsCounted(connections: Int, depth: Int) throws {
        let server = try TestServer()
        defer { server.stop() }
        let queries = NSTemporaryDirectory() + "fts-load-\(UUID().uuidString).tsv"
        // Ten hits with snippets, a single-line error, and replies of every length in between.
        try "# test\nterm\téconomie\nor2\tjardin OR monnaie\nbad\t\"unbalanced\nphrase\t\"commerce équitable\"\nnone\tzzyzzx\n"
            .write(toFile: queries, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: queries) }
        for mode in [[], ["--count"]] {
            let result = try Self.run(["bench", "--server", "127.0.0.1:\(server.port)", "--queries", queries, "--runs", "40",
                                       "--connections", String(connections), "--depth", String(depth), "--json"] + mode)
            #expect(result.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(object["requests"] as? Int == 200)
            #expect(object["errors"] as? Int == 40, "\(mode): \(result.stdout)")
        }
    }
}
