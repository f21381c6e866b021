import Foundation
import Testing
@testable import Indexer
import TestSupport

/// The documents of PDFs are kept between builds, and read again once changed.
@Suite struct DocumentCacheTests {
    /// The documents holding `zeppelin`, which only a doctored cache entry gives them.
    static func zeppelins(_ index: String) throws -> Int {
        try IndexReader(path: index).termInfo(field: StandardField.body, term: "zeppelin")?.docFreq ?? 0
    }

    /// A build reads an unchanged file's documents from the cache, not from the file (a doctored
    /// entry shows it); a file written since is read again; the entries of files gone are removed,
    /// and nothing else in the folder; files read in process (a text, a Word document) are never cached.
    @Test func unchangedFilesAreReadFromTheCache() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("corpus"), cache = folder.file("cache")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: PDFTextTests.fixture("coupures.pdf"), toPath: corpus + "/coupures.pdf")
        try FileManager.default.copyItem(atPath: PDFTextTests.fixture("coupures.pdf"), toPath: corpus + "/copie.pdf")
        try FileManager.default.copyItem(atPath: WordTextTests.fixture("fiche.doc"), toPath: corpus + "/fiche.doc")
        try "Une note en texte, lue par fts lui-même, sur le jardin partagé du quartier.".write(toFile: corpus + "/note.txt", atomically: false, encoding: .utf8)
        var options = IndexBuildOptions()
        options.documentCache = cache
        func build(_ name: String) throws -> (index: String, documents: Int) {
            let index = folder.file(name)
            return (index, try IndexBuilder.build(paths: [corpus], output: index, options: options).documents)
        }
        let first = try build("index1")
        func entries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: cache).filter(DocumentCache.isEntry).sorted() }
        #expect(try entries().count == 2)
        try "à garder".write(toFile: cache + "/notes.txt", atomically: false, encoding: .utf8)

        // Each entry's documents, doctored: a build that finds zeppelins read them from the cache.
        var sections: [String: Int] = [:]
        for name in try entries() {
            let path = cache + "/" + name
            var entry = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
            var documents = try #require(entry["documents"] as? [[String: Any]])
            for index in documents.indices { documents[index]["body"] = (documents[index]["body"] as? String ?? "") + " zeppelin" }
            entry["documents"] = documents
            try JSONSerialization.data(withJSONObject: entry).write(to: URL(fileURLWithPath: path))
            sections[(documents.first?["path"] as? String ?? "")] = documents.count
        }
        let pdfSections = try #require(sections[corpus + "/coupures.pdf"]), copySections = try #require(sections[corpus + "/copie.pdf"])
        let second = try build("index2")
        #expect(second.documents == first.documents)
        #expect(try Self.zeppelins(second.index) == pdfSections + copySections)

        // The PDF written since (its time changed): read again, its entry replaced.
        var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, corpus + "/coupures.pdf", &times, 0) == 0)
        let third = try build("index3")
        #expect(try Self.zeppelins(third.index) == copySections)
        #expect(try entries().count == 2)

        // The copy gone: its entry goes, the other PDF's stays, and so does what is not an entry.
        try FileManager.default.removeItem(atPath: corpus + "/copie.pdf")
        let fourth = try build("index4")
        #expect(fourth.documents == first.documents - copySections)
        #expect(try entries().count == 1)
        #expect(try Self.zeppelins(fourth.index) == 0)
        #expect(FileManager.default.fileExists(atPath: cache + "/notes.txt"))

        // An entry whose key is not the file's (two keys of one name) is not the file's documents.
        let name = try #require(try entries().first)
        var entry = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cache + "/" + name))) as? [String: Any])
        entry["key"] = "une autre clé"
        entry["documents"] = (entry["documents"] as? [[String: Any]] ?? []).map { $0.merging(["body": "zeppelin"]) { _, new in new } }
        try JSONSerialization.data(withJSONObject: entry).write(to: URL(fileURLWithPath: cache + "/" + name))
        #expect(try Self.zeppelins(try build("index5").index) == 0)
    }

    /// A message's PDF attachment is kept by its name and bytes: a mailbox written since reads its
    /// messages again, not that attachment (a doctored entry shows it); the same attachment in two
    /// messages is one entry; an attachment fts reads itself (a Word document) is never kept; the
    /// entry goes with the last message that holds it.
    @Test func attachmentsAreKeptByTheirBytes() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("corpus"), cache = folder.file("cache")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        try "Une note sur le jardin partagé du quartier, lue par fts lui-même.".write(toFile: corpus + "/note.txt", atomically: false, encoding: .utf8)
        let pdf = try Data(contentsOf: URL(fileURLWithPath: PDFTextTests.fixture("coupures.pdf"))).base64EncodedString(options: .lineLength76Characters)
        let docx = try OfficeTextTests.fixture("fiche.docx").base64EncodedString(options: .lineLength76Characters)
        func message(_ subject: String, attaching name: String, _ base64: String) -> String {
            """
            From a@example.org Tue Mar  5 10:20:30 2024
            From: Anne <a@example.org>
            Subject: \(subject)
            Content-Type: multipart/mixed; boundary="B"

            --B
            Content-Type: text/plain; charset=utf-8

            Voici le document du jardin, en pièce jointe.
            --B
            Content-Disposition: attachment; filename="\(name)"
            Content-Transfer-Encoding: base64

            \(base64)
            --B--


            """
        }
        let mailbox = corpus + "/boite.mbox"
        try (message("Les coupures", attaching: "coupures.pdf", pdf) + message("Encore les coupures", attaching: "coupures.pdf", pdf)
             + message("La fiche", attaching: "fiche.docx", docx)).write(toFile: mailbox, atomically: false, encoding: .utf8)
        var options = IndexBuildOptions()
        options.documentCache = cache
        func build(_ name: String) throws -> (index: String, documents: Int) {
            let index = folder.file(name)
            return (index, try IndexBuilder.build(paths: [corpus], output: index, options: options).documents)
        }
        func entries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: cache).filter(DocumentCache.isEntry).sorted() }
        let first = try build("index1")
        // The note, and each message with its attachment's documents.
        #expect(first.documents > 1 + 6)
        #expect(try entries().count == 1)
        let path = cache + "/" + (try entries()[0])
        var entry = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        var documents = try #require(entry["documents"] as? [[String: Any]])
        #expect(!documents.isEmpty)
        for index in documents.indices { documents[index]["body"] = (documents[index]["body"] as? String ?? "") + " zeppelin" }
        entry["documents"] = documents
        try JSONSerialization.data(withJSONObject: entry).write(to: URL(fileURLWithPath: path))

        // The mailbox written since: its messages read again, the attachment from the cache, twice.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: mailbox))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(message("Sans pièce jointe", attaching: "note.txt", "Ym9uam91cg==").utf8))
        try handle.close()
        let second = try build("index2")
        #expect(second.documents == first.documents + 2)
        #expect(try Self.zeppelins(second.index) == 2 * documents.count)
        #expect(try entries().count == 1)

        // The messages gone: so is the entry.
        try FileManager.default.removeItem(atPath: mailbox)
        _ = try build("index3")
        #expect(try entries().isEmpty)
    }

    /// Only the names the cache writes are entries: what else is in its folder is never removed.
    @Test func onlyTheCachesOwnFilesAreEntries() {
        for name in ["0123456789abcdef.json", "0123456789abcdef.json.tmp-12-34"] {
            #expect(DocumentCache.isEntry(name), "\(name)")
        }
        for name in ["0123456789abcdeg.json", "0123456789ABCDEF.json", "0123456789abcdef.jsonx", "0123456789abcde.json", "notes.txt",
                     "0123456789abcdef.json.bak", ""] {
            #expect(!DocumentCache.isEntry(name), "\(name)")
        }
    }
}
