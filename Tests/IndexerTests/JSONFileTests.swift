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
        #expect(issues == ["package.json:0: one JSON object with no id, title, body or text, taken for a settings file; skipped"])
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
}
