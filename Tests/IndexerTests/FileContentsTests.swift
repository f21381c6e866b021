import Foundation
import Testing
@testable import Indexer
import TestSupport

/// Files read whole, the empty ones without Foundation's readers (which leak a buffer for each).
@Suite struct FileContentsTests {
    @Test func filesReadWholeEmptyOnesEmpty() throws {
        let folder = try TemporaryFolder()
        #expect(FileManager.default.createFile(atPath: folder.file("vide.txt"), contents: Data()))
        #expect(FileManager.default.createFile(atPath: folder.file("texte.txt"), contents: Data("l’économie\n".utf8)))
        #expect(FileContents.read(folder.file("vide.txt")) == Data())
        #expect(try FileContents.mapped(folder.file("vide.txt")) == Data())
        #expect(FileContents.read(folder.file("texte.txt")) == Data("l’économie\n".utf8))
        #expect(try FileContents.mapped(folder.file("texte.txt")) == Data("l’économie\n".utf8))
        // The size a corpus walk found, taken at its word (what the index lists): a file empty then
        // is not opened. One that cannot be read (gone since the walk) is said to be so.
        #expect(FileContents.read(folder.file("vide.txt"), size: 0) == Data())
        #expect(try FileContents.mapped(folder.file("vide.txt"), size: 0) == Data())
        #expect(FileContents.read(folder.file("texte.txt"), size: 0) == Data())
        #expect(try FileContents.mapped(folder.file("texte.txt"), size: 0) == Data())
        #expect(FileContents.read(folder.file("gone.txt"), size: 0) == nil)
        #expect(throws: (any Error).self) { try FileContents.mapped(folder.file("gone.txt"), size: 0) }
        #expect(FileContents.read(folder.file("texte.txt"), size: 13) == Data("l’économie\n".utf8))
        #expect(FileContents.read(folder.file("absent.txt")) == nil)
        #expect(throws: (any Error).self) { try FileContents.mapped(folder.file("absent.txt")) }
        // A folder is not an empty file.
        #expect(FileContents.read(folder.path) == nil)
    }

    /// Empty files of every kind give what they gave before: no document from text, an issue from a
    /// document format.
    @Test func emptyFilesInACorpus() throws {
        let folder = try TemporaryFolder()
        for name in ["vide.txt", "vide.md", "vide.odt"] {
            #expect(FileManager.default.createFile(atPath: folder.file(name), contents: Data()))
        }
        var documents: [SourceDocument] = []
        var issues: [String] = []
        for file in Corpus.files(in: [folder.path]).files {
            do {
                try Corpus.read(file, document: { documents.append($0) }, issue: { issues.append("\($0.message)") })
            } catch let issue as CorpusIssue {
                issues.append("\(file.name): \(issue.message)")
            }
        }
        #expect(documents.isEmpty)
        #expect(issues == ["vide.odt: not a ZIP archive (too short)"])
    }
}
