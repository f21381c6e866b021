import Foundation
import Testing
@testable import Indexer
import TestSupport

/// Word 97–2003 documents are read through `antiword`, and one it cannot read is an issue, never a wait.
@Suite struct WordTextTests {
    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/office/\(name)", withExtension: nil)!.path
    }

    /// `antiword` runs beside the reading, as `pdftotext` does (`ReadAhead`).
    @Test func wordDocumentsAreReadAhead() {
        let files = ["a.doc", "b.DOC", "c.pdf", "d.docx", "e.txt"].map { CorpusFile(path: $0, name: $0, kind: .text, size: 0) }
        #expect(files.map(\.isReadByAnotherProgram) == [true, true, true, false, false])
        let readAhead = ReadAhead(files: files, width: 2)
        #expect(files.indices.map(readAhead.readsAhead) == [true, true, true, false, false])
        for index in files.indices where readAhead.readsAhead(index) { _ = readAhead.take(index) }
    }

    /// The document LibreOffice saved as .doc (Fixtures/office/README.md), through `Corpus.read`: a
    /// paragraph a line, a line break kept, a table's rows as their cells, the footnote after the text,
    /// the comment left out; titled by its first line, as a text file is.
    @Test func aWordDocumentReadsAsText() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.copyItem(atPath: Self.fixture("fiche.doc"), toPath: folder.file("fiche.doc"))
        var documents: [SourceDocument] = []
        for file in Corpus.files(in: [folder.path]).files {
            try Corpus.read(file, document: { documents.append($0) }, issue: { Issue.record("\($0)") })
        }
        #expect(documents.map(\.id) == ["fiche.doc#1"])
        #expect(documents.map(\.title) == ["Le jardin partagé de la Haute Borne"])
        #expect(documents.map(\.body) == [
            "Le jardin partagé de la Haute Borne\n\nUne introduction avant toute rubrique, sur l’économie sociale et solidaire[1] du quartier.\n"
                + "Les semis\nSemer en avril\tpuis arroser,\nseconde ligne   après des espaces.\nTomates cœur de bœuf\nCourgettes\nUn sous-titre\n"
                + "Texte sous le sous-titre.\nLa récolte\nNom | Valeur\nClichy-sous-Bois | 3,5 %\n(93) | \n\n\nRécolter en été quand les fruits sont mûrs.\n"
                + "-----------------------\n[1]\tUne note de bas de page sur les bénévoles.",
        ])
    }

    /// A table's rows lose the padding `antiword` aligns their cells with; other lines stay as they are.
    @Test func tableRowsAreTheirCells() {
        #expect(WordText.tidied("|Nom     |Valeur   |\n| a | b|\nun | seul\n|\nfin  |\n") == "Nom | Valeur\na | b\nun | seul\n|\nfin  |\n")
    }

    /// What `antiword` says of a file it cannot read, or its absence, is the file's issue; one that
    /// keeps it busy past the time limit is given up (a stand-in that sleeps, a limit of a second).
    @Test func aWordDocumentThatCannotBeReadIsAnIssue() throws {
        let folder = try TemporaryFolder()
        let notWord = folder.file("faux.doc")
        try "Un texte, pas un document Word.".write(toFile: notWord, atomically: false, encoding: .utf8)
        func reason(_ path: String, searchPath: String = StandInTools.searchPath, timeLimit: Int = ExternalTool.timeLimit) -> String? {
            StandInTools.issue { () throws(CorpusIssue) in _ = try WordText.text(of: path, searchPath: searchPath, timeLimit: timeLimit) }
        }
        #expect(reason(notWord) == "skipped: not a Word document antiword can read (damaged, encrypted, another format, or a text under about 300 characters)")
        #expect(reason(Self.fixture("fiche.docx")) == "skipped: not a Word document antiword can read (damaged, encrypted, another format, or a text under about 300 characters)")
        #expect(reason(Self.fixture("fiche.doc"), searchPath: folder.path) == "skipped: reading a Word 97–2003 document needs antiword (Debian's antiword)")
        #expect(reason(Self.fixture("fiche.doc")) == nil)
        // A Word document of 60 words: antiword's limit, not a damaged file.
        #expect(reason(Self.fixture("court.doc")) == "skipped: not a Word document antiword can read (damaged, encrypted, another format, or a text under about 300 characters)")

        let tools = try StandInTools(in: folder)
        func standIn(_ script: String) { tools.write("antiword", script) }
        standIn("printf '|a  |b  |\\n'")
        #expect(try WordText.text(of: notWord, searchPath: tools.path) == "a | b\n")
        standIn("exit 2")
        #expect(reason(notWord, searchPath: tools.path) == "skipped: antiword failed (exit status 2)")
        standIn("sleep 30")
        #expect(reason(notWord, searchPath: tools.path, timeLimit: 1) == "skipped: antiword took more than 1 s to read it")
        standIn("kill -SEGV $$")
        #expect(reason(notWord, searchPath: tools.path) == "skipped: antiword failed (signal 11)")
    }
}
