import Foundation
import Testing
@testable import Indexer
import TestSupport

/// RTF documents are read in process as the page they show, as Word and LibreOffice documents are.
@Suite struct RTFTextTests {
    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/office/\(name)", withExtension: nil)!.path
    }

    func documents(_ names: [String]) throws -> [SourceDocument] {
        let folder = try TemporaryFolder()
        for name in names { try FileManager.default.copyItem(atPath: Self.fixture(name), toPath: folder.file(name)) }
        var documents: [SourceDocument] = []
        for file in Corpus.files(in: [folder.path]).files {
            try Corpus.read(file, document: { documents.append($0) }, issue: { Issue.record("\($0)") })
        }
        return documents
    }

    /// The document LibreOffice saved as RTF (Fixtures/office/README.md): titled by its Title
    /// paragraph, the footnote where it is cited, the list's items, the table's rows, the comment left out.
    @Test func libreOfficesRTFReadsAsItsPage() throws {
        let documents = try documents(["fiche.rtf"])
        #expect(documents.map(\.title) == ["Le jardin partagé de la Haute Borne"])
        #expect(documents.map(\.body) == [
            "Une introduction avant toute rubrique, sur l’économie sociale et solidaire Une note de bas de page sur les bénévoles. du quartier.\n\n"
                + "Les semis\n\nSemer en avril puis arroser,\nseconde ligne après des espaces.\n\n- Tomates cœur de bœuf\n- Courgettes\n\nUn sous-titre\n\n"
                + "Texte sous le sous-titre.\n\nLa récolte\n\nNom Valeur\n\nClichy-sous-Bois\n(93) 3,5 %\n\nRécolter en été quand les fruits sont mûrs.",
        ])
    }

    /// A document written as Word writes RTF (by hand, Fixtures/office/rapport.rtf): headings by
    /// their style's outline level, name (`heading 2`, `Titre`) or their own; the code page's bytes and
    /// Unicode with its fallback (a pair of surrogates too); hidden text, deleted revisions, fields'
    /// codes, pictures, headers, comments and list numbers left out (hidden text until `\plain`); a
    /// footnote in a list item leaves it an item; a text box's text read once, not its fallback;
    /// `\info`'s properties as fields.
    @Test func wordsRTFReadsAsItsPage() throws {
        let documents = try documents(["rapport.rtf"])
        #expect(documents.map(\.title) == ["Première partie", "Seconde partie"])
        #expect(documents.map(\.body) == [
            "Le rapport du jardin\n\nUne introduction, écrite en français, avec “guillemets”, un 😊 et \u{A0}insécable\n\n\n"
                + "Un paragraphe visible, un champ le lien et une image .\n\n- Premier point Une note.\n- Second point\n\nUne sous-partie\n\n"
                + "Texte de la sous-partie\nsur deux lignes.",
            "Texte de la zone\n\nNom Valeur\n\nClichy-sous-Bois\n(93) 3,5 %\n\nFin du rapport{ avec \\ et }. montré",
        ])
        #expect(documents[0].extraFields == [
            SourceDocument.Field(name: "author", value: "Marie Dupont", items: ["Marie Dupont"]),
            SourceDocument.Field(name: "description", value: "Un rapport"),
            SourceDocument.Field(name: "keywords", value: "jardin, semis", items: ["jardin", "semis"]),
        ])
        #expect(documents.map(\.line) == [1, 8])
    }

    /// A file that is not RTF is an issue; a damaged one is read as far as it goes, never trapped on.
    @Test func aDamagedRTFIsReadWithoutATrap() throws {
        #expect(throws: RTFText.Failure.self) { try RTFText.page(of: Array("Un texte, pas du RTF.".utf8)) }
        let folder = try TemporaryFolder()
        try "Un texte.".write(toFile: folder.file("faux.rtf"), atomically: false, encoding: .utf8)
        var issues: [String] = []
        for file in Corpus.files(in: [folder.path]).files {
            do {
                try Corpus.read(file, document: { _ in }, issue: { issues.append($0.description) })
            } catch let issue as CorpusIssue {
                issues.append(issue.description)
            }
        }
        #expect(issues == [folder.file("faux.rtf") + ": not an RTF document (it does not start with {\\rtf)"])

        var random = SplitMix64(seed: 61)
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixture("rapport.rtf"))))
        let pieces = ["{", "}", "\\", "\\u", "\\u-", "\\'", "\\'e", "\\bin99999 ", "\\uc9 ", "\\*", "\\par", "\\cell", "\\row", "\\footnote ",
                      "\\stylesheet", "\\s1 ", "\\outlinelevel-3 ", "9999999999999", "\u{E9}", "\\v ", "\\pard"]
        var read = 0
        for _ in 0..<2_000 {
            var bytes = original
            for _ in 0...(random.next() % 4) {
                let at = 5 + Int(random.next() % UInt64(bytes.count - 5))
                if random.next() % 2 == 0 {
                    bytes.removeSubrange(at..<min(at + 1 + Int(random.next() % 12), bytes.count))
                } else {
                    bytes.insert(contentsOf: pieces[Int(random.next() % UInt64(pieces.count))].utf8, at: at)
                }
            }
            if let (html, _) = try? RTFText.page(of: bytes), html.contains("rapport") { read += 1 }
        }
        // Not only nothing: most of it still reads.
        #expect(read > 1_000, "\(read)")
    }
}
