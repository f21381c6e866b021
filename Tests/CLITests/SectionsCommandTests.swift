import Foundation
import Testing
import TestSupport

@Suite struct SectionsCommandTests {
    @Test func readsFilesAsTheIndexerDoes() throws {
        let folder = try IndexCommandTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bytes = Data("Première entrée\n\nL’économie ".utf8) + Data([0xFF]) + Data(" sociale.\n".utf8)
        try bytes.write(to: URL(fileURLWithPath: folder + "/notes.txt"))
        try Data(#"{"id":"a1","title":"Titre","body":"Corps","lieu":"Lyon"}"#.utf8).write(to: URL(fileURLWithPath: folder + "/docs.jsonl"))

        let result = try FTSCommand.run(["sections", "--jsonl", folder, folder + "/missing.txt"])
        // The missing file is reported, and the others still printed.
        #expect(result.status == 1)
        #expect(result.stderr.contains("missing.txt: no such file or folder"))
        #expect(result.stderr.contains("notes.txt:3: invalid UTF-8; invalid bytes replaced by U+FFFD"))
        let objects = try result.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        #expect(objects.map { $0["id"] as? String } == ["a1", "notes.txt#1"])
        #expect(objects[0]["lieu"] as? String == "Lyon")
        #expect((objects[1]["body"] as? String)?.contains("L’économie \u{FFFD} sociale.") == true)

        // Files of types fts does not read are counted, as `fts index` counts them; not a failure.
        try Data("* notes".utf8).write(to: URL(fileURLWithPath: folder + "/notes.org"))
        let leftOut = try FTSCommand.run(["sections", folder])
        #expect(leftOut.status == 0 && leftOut.stderr.contains("fts sections: 1 file of other types left out (.org)\n"), "\(leftOut.stderr)")
        let alone = try FTSCommand.run(["sections", folder + "/docs.jsonl"])
        #expect(alone.status == 0 && alone.stderr.isEmpty)
    }

    @Test func benchReportsAnUnreadableQueryFile() throws {
        let result = try FTSCommand.run(["bench", "--index", "/nonexistent-index", "--queries", "/nonexistent/queries.tsv"])
        #expect(result.status == 1)
        #expect(result.stderr == "fts bench: /nonexistent/queries.tsv: cannot read the file\n")
        let queries = ProcessScratch.path("bench-bad-line.tsv")
        try (Data("# classes\nterm\tjardin\nterm\tjard".utf8) + [0xFF] + Data("in\n".utf8)).write(to: URL(fileURLWithPath: queries))
        let badLine = try FTSCommand.run(["bench", "--index", "/nonexistent-index", "--queries", queries])
        #expect(badLine.status == 1)
        #expect(badLine.stderr == "fts bench: \(queries): line 3 is not valid UTF-8\n")
    }
}
