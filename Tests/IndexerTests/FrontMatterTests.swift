import Foundation
import Testing
@testable import Indexer
import TestSupport

/// A static site's Markdown page opens with its settings (Jekyll's, Hugo's front matter): they title
/// the page and give it fields, and are not its text.
@Suite struct FrontMatterTests {
    static func lines(_ text: String) -> [String] { SectionSplitter.lines(of: text) }

    @Test func yamlKeysBecomeTheTitleAndTextFields() throws {
        let matter = try #require(FrontMatter.parse(Self.lines("""
            ---
            title: "L’économie \\"sociale\\""
            date: 2024-01-02
            draft: false
            tags: [ess, 'coop''s', "emploi"]
            categories:
              - économie
              - "social"
            description: >
              Une page sur les coopératives: leur gouvernance
              et leurs valeurs.
            summary: Un résumé # avec un commentaire
            author:
              name: Camille
            layout: page
            ---
            Le texte.
            """)))
        #expect(matter.title == "L’économie \"sociale\"")
        #expect(matter.lineCount == 16)
        #expect(matter.fields == [
            SourceDocument.Field(name: "date", value: "2024-01-02", indexed: false),
            SourceDocument.Field(name: "tags", value: "ess, coop's, emploi", items: ["ess", "coop's", "emploi"]),
            SourceDocument.Field(name: "categories", value: "économie, social", items: ["économie", "social"]),
            SourceDocument.Field(name: "description", value: "Une page sur les coopératives: leur gouvernance et leurs valeurs."),
            SourceDocument.Field(name: "summary", value: "Un résumé"),
            SourceDocument.Field(name: "author", value: "Camille"),
        ])
    }

    @Test func tomlAndTheYAMLDocumentEndAreRead() throws {
        let toml = try #require(FrontMatter.parse(Self.lines("+++\ntitle = \"Page\"\nkeywords = [\"a\", \"b\"]\n[params]\n+++\nTexte")))
        #expect(toml.title == "Page" && toml.lineCount == 5 && toml.fields == [SourceDocument.Field(name: "keywords", value: "a, b", items: ["a", "b"])])
        let ended = try #require(FrontMatter.parse(Self.lines("---\nTitle: Fin\n...\nTexte")))
        #expect(ended.title == "Fin" && ended.lineCount == 3)
    }

    @Test func textThatOnlyLooksLikeFrontMatterIsNotIt() {
        #expect(FrontMatter.parse(Self.lines("Texte\n---\ntitle: x\n---")) == nil)
        #expect(FrontMatter.parse(Self.lines("---\ntitle: jamais fermé\nTexte")) == nil)
        #expect(FrontMatter.parse(Self.lines("---\n" + String(repeating: "a: b\n", count: 250) + "---\nTexte")) == nil)
        // A rule, a paragraph, a rule: the paragraph is text, even with a colon in it.
        #expect(FrontMatter.parse(Self.lines("---\nUne coopérative : une entreprise à part.\n---\nTexte")) == nil)
        #expect(FrontMatter.parse(Self.lines("---\ntitle: x\nUne phrase.\n---")) == nil)
        #expect(FrontMatter.parse(Self.lines("+++\nUne phrase.\n+++")) == nil)
        // Keys, but none a static site uses: a note set off between two rules.
        #expect(FrontMatter.parse(Self.lines("---\nAttention: texte important\n---\nTexte")) == nil)
        #expect(FrontMatter.parse(Self.lines("---\n---\nTexte"))?.lineCount == 2)
    }

    @Test func aMarkdownPageIsTitledByItAndKeepsItsLineNumbers() throws {
        let folder = try TemporaryFolder()
        let page = """
            ---
            title: Guide de la coopérative
            tags: [gouvernance]
            ---

            Une coopérative appartient à ses membres, qui la gèrent ensemble et partagent ses bénéfices.

            # Installer

            Pour adhérer il faut remplir le formulaire et verser une part sociale au capital de la coopérative.

            # Voter

            Chaque membre a une voix, quel que soit le capital détenu, selon le principe démocratique.
            """
        try page.write(toFile: folder.file("guide.md"), atomically: false, encoding: .utf8)
        try page.write(toFile: folder.file("guide.txt"), atomically: false, encoding: .utf8)
        try "---\ntitle: Seulement un titre\n---\n".write(toFile: folder.file("vide.md"), atomically: false, encoding: .utf8)
        // A heading of the page's own titles its first section, `#` or Setext alike.
        let body = "Une coopérative appartient à ses membres, qui la gèrent ensemble et partagent ses bénéfices."
        try "---\ntitle: Le titre des métadonnées\n---\n\nLe titre de la page\n===\n\n\(body)\n"
            .write(toFile: folder.file("souligne.md"), atomically: false, encoding: .utf8)
        try "---\ntitle: Le titre des métadonnées\n---\n\n# Le titre de la page\n\n\(body)\n"
            .write(toFile: folder.file("diese.md"), atomically: false, encoding: .utf8)
        var documents: [SourceDocument] = []
        let (files, _) = Corpus.files(in: [folder.path])
        for file in files { try Corpus.read(file, document: { documents.append($0) }, issue: { Issue.record("\($0)") }) }

        let guide = documents.filter { $0.path.hasSuffix("guide.md") }
        #expect(guide.map(\.title) == ["Guide de la coopérative", "Installer", "Voter"])
        #expect(guide.map(\.line) == [6, 8, 12])
        #expect(guide[0].extraFields == [SourceDocument.Field(name: "tags", value: "gouvernance")])
        #expect(guide.dropFirst().allSatisfy { $0.extraFields.isEmpty })
        let leaked = guide.filter { $0.body.contains("title:") || $0.body.contains("---") }
        #expect(leaked.isEmpty)
        // Only Markdown pages have front matter: in a text file, `---` is a separator line.
        let text = documents.filter { $0.path.hasSuffix("guide.txt") }
        let asText = text.filter { $0.body.contains("title: Guide") }
        #expect(!asText.isEmpty && text.allSatisfy { $0.extraFields.isEmpty })
        let empty = try #require(documents.first { $0.path.hasSuffix("vide.md") })
        #expect(empty.title == "Seulement un titre" && empty.body.isEmpty && empty.line == 1)
        for name in ["souligne.md", "diese.md"] {
            let page = documents.filter { $0.path.hasSuffix(name) }
            #expect(page.map(\.title) == ["Le titre de la page"] && page.map(\.line) == [5] && page.map(\.body) == [body], "\(name)")
        }
    }
}
