import Foundation
import Testing
@testable import Indexer
import TestSupport

/// JSON files (`.json`): an array of objects, an object, or several one after the other, each object a
/// document as a JSON Lines line is, at the line it opens.
@Suite struct JSONFileTests {
    static func read(_ files: [String: String]) throws -> (documents: [SourceDocument], issues: [String]) {
        let folder = try TemporaryFolder()
        for (name, text) in files { try text.write(toFile: folder.file(name), atomically: false, encoding: .utf8) }
        var documents: [SourceDocument] = [], issues: [String] = []
        let (found, walkIssues) = Corpus.files(in: [folder.path])
        #expect(walkIssues.isEmpty && found.count == files.count)
        for file in found {
            do {
                try Corpus.read(file, document: { documents.append($0) }, issue: { issues.append("\(file.name):\($0.line ?? 0): \($0.message)") })
            } catch let issue as CorpusIssue {
                issues.append("\(file.name):\(issue.line ?? 0): \(issue.message)")
            }
        }
        return (documents, issues)
    }

    /// As `json.dumps(…, indent=2)` and `jq .` print them: an array over several lines, one object, and
    /// objects one after the other; ids, titles, bodies and fields as JSON Lines read them.
    @Test func arraysAndObjectsAreDocuments() throws {
        let array = """
            [
              {"id": "a", "title": "Le jardin", "body": "Un potager", "tags": ["bio", "quartier"]},
              {
                "title": "La mer",
                "auteur": {"nom": "Marie"}
              },
              {"id": 3, "text": "Les sommets", "note": "un \\"mot [entre { crochets"},
            ]
            """
        let (documents, issues) = try Self.read([
            "a.json": array,
            "b.json": "\u{FEFF}{\n    \"id\": \"seul\",\n    \"title\": \"Un objet\"\n}\n",
            "c.json": "{\"id\":\"s1\"}{\"id\":\"s2\"}\n{\n \"id\": \"s3\"\n}",
            "d.json": "[{\"id\":\"m1\"},{\"id\":\"m2\"},{\"id\":\"m3\"}]",
            "e.json": "",
        ])
        #expect(issues.isEmpty)
        #expect(documents.map(\.id) == ["a", "a.json#3", "3", "seul", "s1", "s2", "s3", "m1", "m2", "m3"])
        #expect(documents.map(\.line) == [2, 3, 7, 1, 1, 1, 2, 1, 1, 1])
        #expect(documents[0] == SourceDocument(id: "a", path: documents[0].path, line: 2, title: "Le jardin", body: "Un potager", extraFields: [
            SourceDocument.Field(name: "tags", value: "bio, quartier", items: ["bio", "quartier"]),
        ]))
        #expect(documents[1].title == "La mer" && documents[1].extraFields == [SourceDocument.Field(name: "auteur.nom", value: "Marie")])
        #expect(documents[2].body == "Les sommets" && documents[3].title == "Un objet")
        #expect(documents[2].extraFields == [SourceDocument.Field(name: "note", value: "un \"mot [entre { crochets")])
    }

    /// One object that names none of `id`, `title`, `body` and `text` is a settings file a site keeps
    /// beside its pages (package.json), reported and skipped; several such objects, or an array of
    /// them, are documents.
    @Test func aLoneObjectWithoutADocumentsMembersIsSettings() throws {
        let (documents, issues) = try Self.read([
            "package.json": "{\n  \"name\": \"site\",\n  \"version\": \"1.0.0\",\n  \"scripts\": {\"build\": \"hugo\"}\n}\n",
            "lieux.json": "[{\"nom\": \"Le jardin\"}]",
            "suite.json": "{\"nom\": \"La mer\"}\n{\"nom\": \"Le lac\"}\n",
            "fiche.json": "{\"nom\": \"Le rucher\", \"text\": \"Des abeilles\"}",
        ])
        #expect(issues == ["package.json:0: one JSON object with no id, title, body or text (nor titre, texte or contenu), taken for a settings file; skipped"])
        #expect(documents.map(\.id) == ["fiche.json#1", "lieux.json#1", "suite.json#1", "suite.json#2"])
    }

    /// An element that is not an object or is malformed is reported at its line and byte, and the
    /// others read; a file that ends inside a value, or an array missing its commas, stops there.
    @Test func badValuesAreReportedWhereTheyAre() throws {
        let (documents, issues) = try Self.read([
            "mixed.json": "[\n {\"id\":\"ok\"},\n 42,\n {\"id\":\"bad\", \"title\": tru},\n {\"id\":\"fin\"}\n]\n",
            "cut.json": "[\n {\"id\":\"x\"},\n {\"id\":\"y\",\"title\":\"Cou",
            "nocomma.json": "[{\"id\":\"p\"} {\"id\":\"q\"}]",
            "open.json": "[{\"id\":\"r\"},\n",
            "junk.json": "}{\"id\":\"z\"}",
        ])
        #expect(documents.map(\.id) == ["x", "z", "ok", "fin", "p", "r"])
        #expect(issues == [
            "cut.json:3: the file ends inside this value; the rest of the file skipped",
            "junk.json:1: malformed JSON at byte 1 (expected a value); value skipped",
            "mixed.json:3: not a JSON object; value skipped",
            "mixed.json:4: malformed JSON at byte 24 (expected a value); value skipped",
            "nocomma.json:1: expected , or ] after an array's element; the rest of the file skipped",
            "open.json:1: the file ends inside this array",
        ])
    }

    /// A gzip-compressed JSON file (`.json.gz`, as databases and open-data portals export them) reads as
    /// the file itself, through a temporary file that is removed after; one cut short is reported and
    /// its documents before the cut read.
    @Test func aCompressedJSONFileReadsAsTheFile() throws {
        let folder = try TemporaryFolder()
        let array = (0..<40).map { "  {\"id\": \"d\($0)\", \"title\": \"Titre \($0)\", \"body\": \"Un verger partagé\"}" }
        let text = "[\n" + array.joined(separator: ",\n") + "\n]\n"
        try text.write(toFile: folder.file("plain.json"), atomically: false, encoding: .utf8)
        try text.write(toFile: folder.file("packed.json"), atomically: false, encoding: .utf8)
        try IndexFixtures.compress(folder.file("packed.json"))
        let compressed = try Data(contentsOf: URL(fileURLWithPath: folder.file("packed.json.gz")))
        try compressed.prefix(compressed.count / 2).write(to: URL(fileURLWithPath: folder.file("cut.json.gz")))
        let (found, walkIssues) = Corpus.files(in: [folder.path])
        #expect(walkIssues.isEmpty && found.map(\.name) == ["cut.json.gz", "packed.json.gz", "plain.json"])
        var documents: [String: [SourceDocument]] = [:], issues: [String] = []
        for file in found {
            try Corpus.read(file, document: { documents[file.name, default: []].append($0) }, issue: { issues.append("\(file.name): \($0.message)") })
        }
        let plain = try #require(documents["plain.json"])
        #expect(plain.count == 40)
        #expect(documents["packed.json.gz"]?.map(\.id) == plain.map(\.id))
        #expect(documents["packed.json.gz"]?.map(\.line) == plain.map(\.line))
        #expect(documents["packed.json.gz"]?.map(\.body) == plain.map(\.body))
        let cut = documents["cut.json.gz"] ?? []
        #expect(cut.count > 0 && cut.count < 40 && cut.map(\.id) == plain.prefix(cut.count).map(\.id))
        #expect(issues.first == "cut.json.gz: gzip data is truncated; the documents before the cut are indexed", "\(issues)")
        #expect(issues.count == 2 && issues.allSatisfy { $0.hasPrefix("cut.json.gz") }, "\(issues)")
        // The temporary files are named after the files they hold (no other test reads these names).
        let left = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
        #expect(!left.contains { $0.hasPrefix("fts-json-") && ($0.hasSuffix("-packed.json.gz") || $0.hasSuffix("-cut.json.gz")) })
    }
}
