import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct CompleteCommandTests {
    init() { #expect(SearchCommandTests.built) }

    @Test func oneCompletionALineAndGrepsExitStatus() throws {
        let result = try FTSCommand.run(["complete", "--index", SearchCommandTests.index, "--limit", "2", "économie", "sol"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[0] == "économie solidaire\t33")
        let json = try FTSCommand.run(["complete", "--index", SearchCommandTests.index, "--json", "--limit", "1", "économie sol"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(object["text"] as? String == "économie solidaire" && object["count"] as? Int == 33)
        // Nothing to complete: no output, status 1; a bad limit: status 2.
        let none = try FTSCommand.run(["complete", "--index", SearchCommandTests.index, "jardin "])
        #expect(none.status == 1 && none.stdout.isEmpty)
        let bad = try FTSCommand.run(["complete", "--index", SearchCommandTests.index, "--limit", "0", "jardin"])
        #expect(bad.status == 2 && bad.stderr.contains("--limit must be between 1 and 100"))
    }

    /// `--synonyms`: each completion counted as a search with the synonym file would count it.
    @Test func countsAsSearchesWithSynonyms() throws {
        let file = ProcessScratch.path("synonyms-complete.txt")
        try "jardin, potager\n".write(toFile: file, atomically: true, encoding: .utf8)
        let index = SearchCommandTests.index
        let either = try FTSCommand.run(["search", "--index", index, "--count", "jardin OR potager"]).stdout.dropLast()
        let alone = try FTSCommand.run(["search", "--index", index, "--count", "potager"]).stdout.dropLast()
        let plain = try FTSCommand.run(["complete", "--index", index, "potag"]).stdout
        let widened = try FTSCommand.run(["complete", "--index", index, "--synonyms", file, "potag"]).stdout
        #expect(plain.contains("potager\t\(alone)\n") && widened.contains("potager\t\(either)\n") && alone != either, "\(plain) \(widened)")
        try "a => b => c\n".write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try FTSCommand.run(["complete", "--index", index, "--synonyms", file, "potag"])
        #expect(bad.status == 2 && bad.stderr == "fts complete: \(file): line 1: more than one =>\n")
    }
}
