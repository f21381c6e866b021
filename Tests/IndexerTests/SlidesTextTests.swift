import Foundation
import Testing
@testable import Indexer
import TestSupport

/// PowerPoint and Impress presentations are read as their slides' text, a section a slide.
@Suite struct SlidesTextTests {
    static func read(_ name: String, _ bytes: Data) throws -> Result<[SourceDocument], CorpusIssue> {
        try OfficeTextTests.read(name, bytes)
    }

    /// The same presentation saved by LibreOffice as `.odp`, `.pptx` and `.ppt` (Fixtures/office/README.md):
    /// a section a slide titled by its title, the title slide (too few words alone) joined to the
    /// next, whose title becomes a line; the notes after the slide's text; the hidden slide left
    /// out but counted in the numbers; a table's rows as their cells; the slide without a title
    /// titled by the presentation's properties, which give the first section its fields.
    @Test func aPresentationReadsAsItsSlides() throws {
        let expected: [(title: String, line: Int, body: String)] = [
            ("Les coopératives d’habitants", 1, """
                Rencontre régionale, mars 2024

                Pourquoi coopérer ?
                Mutualiser les espaces : buanderie, atelier et chambre d’amis partagés.
                Sortir le logement de la spéculation immobilière.
                Décider ensemble, une personne égale une voix.

                Citer le Village Vertical de Villeurbanne, première coopérative d’habitants.
                """),
            ("Chiffres clés", 4, """
                Année | Logements livrés
                2022 | 148
                2023 | 212
                Source : fédération Habicoop, enquête
                annuelle auprès des coopératives adhérentes.
                """),
            ("Habiter autrement", 5,
             "Merci de votre attention ! Vos questions sur le financement solidaire et les statuts juridiques sont bienvenues."),
        ]
        for name in ["expose.odp", "expose.pptx"] {
            let documents = try Self.read(name, OfficeTextTests.fixture(name)).get()
            #expect(documents.map(\.id) == (1...3).map { "\(name)#\($0)" })
            #expect(documents.map(\.title) == expected.map(\.title), "\(name)")
            #expect(documents.map(\.line) == expected.map(\.line), "\(name)")
            #expect(documents.map(\.body) == expected.map(\.body), "\(name)")
            #expect(documents.first?.extraFields == [
                SourceDocument.Field(name: "author", value: "Camille Martin"),
                SourceDocument.Field(name: "description", value: "Exposé sur l’habitat participatif"),
                SourceDocument.Field(name: "keywords", value: "habitat, coopérative", items: ["habitat", "coopérative"]),
            ], "\(name)")
            #expect(documents.dropFirst().allSatisfy { $0.extraFields.isEmpty })
            #expect(!documents.contains { $0.body.contains("zeppelins") || $0.title.contains("Brouillon") })
        }
        // Saved as .ppt (PowerPoint 97), LibreOffice keeps the title placeholder of the first slide
        // only: the others' titles are a line of their slides.
        let ppt = try Self.read("expose.ppt", OfficeTextTests.fixture("expose.ppt")).get()
        #expect(ppt.map(\.title) == ["Les coopératives d’habitants", "Habiter autrement", "Habiter autrement"])
        #expect(ppt.map(\.line) == expected.map(\.line))
        #expect(ppt.map(\.body) == [
            expected[0].body,
            "Chiffres clés\n" + expected[1].body,
            expected[2].body,
        ])
        #expect(ppt.first?.extraFields.map(\.name) == ["author", "description", "keywords"])
    }

    static func slide(_ shapes: String, show: String? = nil) -> String {
        "<p:sld\(show.map { " show=\"\($0)\"" } ?? "")><p:cSld><p:spTree>\(shapes)</p:spTree></p:cSld></p:sld>"
    }

    static func shape(_ placeholder: String?, _ paragraphs: String) -> String {
        "<p:sp><p:nvSpPr><p:nvPr>\(placeholder.map { $0.isEmpty ? "<p:ph/>" : "<p:ph type=\"\($0)\"/>" } ?? "")</p:nvPr></p:nvSpPr><p:txBody>\(paragraphs)</p:txBody></p:sp>"
    }

    static func paragraph(_ runs: String...) -> String {
        "<a:p>" + runs.map { "<a:r><a:rPr lang=\"fr-FR\"/><a:t>\($0)</a:t></a:r>" }.joined() + "</a:p>"
    }

    /// PowerPoint's own ways, in a presentation written here: slides in the order the presentation
    /// lists them (not their parts' names), a relationship's target from the archive's root, a body
    /// placeholder with no type, the master's placeholders (number, date, footer) and the notes'
    /// left out, an untitled slide titled by the presentation's properties, a hidden slide, the fallback copy of alternate content, a group's shapes, line
    /// breaks and fields in a paragraph, a table, text outside `a:t` (formatting) not read.
    @Test func powerPointsOwnWaysAreReadAsPowerPointShowsThem() throws {
        let presentation = """
            <p:presentation><p:sldIdLst><p:sldId id="256" r:id="rId7"/><p:sldId id="257" r:id="rId2"/>\
            <p:sldId id="258" r:id="rId5"/><p:sldId id="259" r:id="rId9"/><p:sldId id="260" r:id="rId11"/></p:sldIdLst></p:presentation>
            """
        let rels = """
            <Relationships><Relationship Id="rId2" Type="\(ZipArchive.relationshipType)slide" Target="slides/slide1.xml"/>\
            <Relationship Id="rId5" Type="\(ZipArchive.relationshipType)slide" Target="slides/slide3.xml"/>\
            <Relationship Id="rId7" Type="\(ZipArchive.relationshipType)slide" Target="/ppt/slides/slide2.xml"/>\
            <Relationship Id="rId9" Type="\(ZipArchive.relationshipType)slide" Target="http://example.org/x.xml" TargetMode="External"/>\
            <Relationship Id="rId11" Type="\(ZipArchive.relationshipType)slide" Target="slides/slide4.xml"/>\
            <Relationship Id="rId1" Type="\(ZipArchive.relationshipType)slideMaster" Target="slideMasters/slideMaster1.xml"/></Relationships>
            """
        let first = Self.slide(
            Self.shape("ctrTitle", Self.paragraph("Assemblée ", "générale") + "<a:p><a:r><a:t>2024</a:t></a:r><a:br/><a:r><a:t>(Lyon)</a:t></a:r></a:p>")
            + Self.shape("", Self.paragraph("Le rapport moral de la présidente, les comptes de l’exercice et le vote des résolutions de l’année."))
            + Self.shape("sldNum", "<a:p><a:fld type=\"slidenum\"><a:t>1</a:t></a:fld></a:p>")
            + Self.shape("dt", Self.paragraph("12/03/2024")) + Self.shape("ftr", Self.paragraph("Pied de page confidentiel")))
        let second = Self.slide(
            Self.shape("title", Self.paragraph("Budget"))
            + "<p:grpSp>" + Self.shape(nil, Self.paragraph("Dépenses maîtrisées,") + "<a:p><a:r><a:t>ligne un</a:t></a:r><a:br/><a:r><a:t>ligne deux</a:t></a:r></a:p>") + "</p:grpSp>"
            + "<mc:AlternateContent><mc:Choice Requires=\"p14\">" + Self.shape(nil, Self.paragraph("Encadré moderne")) + "</mc:Choice>"
            + "<mc:Fallback>" + Self.shape(nil, Self.paragraph("Encadré moderne")) + "</mc:Fallback></mc:AlternateContent>"
            + "<p:graphicFrame><a:graphic><a:graphicData><a:tbl><a:tr><a:tc><a:txBody>" + Self.paragraph("Poste") + "</a:txBody></a:tc><a:tc><a:txBody>"
            + Self.paragraph("Montant") + Self.paragraph("en euros") + "</a:txBody></a:tc></a:tr><a:tr><a:tc><a:txBody>" + Self.paragraph("Loyers")
            + "</a:txBody></a:tc><a:tc><a:txBody><a:p/></a:txBody></a:tc></a:tr></a:tbl></a:graphicData></a:graphic></p:graphicFrame>"
            + Self.shape(nil, "<a:p><a:pPr algn=\"ctr\">ignoré</a:pPr><a:r><a:t>Merci</a:t></a:r></a:p>"))
        let notes = "<p:notes><p:cSld><p:spTree>" + Self.shape("sldImg", "") + Self.shape("body", Self.paragraph("Insister sur les loyers impayés."))
            + Self.shape("sldNum", Self.paragraph("2")) + "</p:spTree></p:cSld></p:notes>"
        let secondRels = "<Relationships><Relationship Id=\"rId1\" Type=\"\(ZipArchive.relationshipType)notesSlide\" Target=\"../notesSlides/notesSlide7.xml\"/></Relationships>"
        let hidden = Self.slide(Self.shape("title", Self.paragraph("Caché")) + Self.shape("", Self.paragraph("Les zeppelins de la diapositive masquée, jamais montrés à personne pendant l’exposé.")), show: "0")
        let untitled = Self.slide(Self.shape("", Self.paragraph("Une dernière diapositive sans titre, avec assez de mots pour être une section.")))
        let archive = StoredZip.archive([
            ("ppt/presentation.xml", presentation), ("ppt/_rels/presentation.xml.rels", rels),
            ("ppt/slides/slide1.xml", second), ("ppt/slides/slide2.xml", first), ("ppt/slides/slide3.xml", hidden), ("ppt/slides/slide4.xml", untitled),
            ("ppt/slides/_rels/slide1.xml.rels", secondRels), ("ppt/notesSlides/notesSlide7.xml", notes),
            ("docProps/core.xml", "<cp:coreProperties><dc:title> Rapport   annuel </dc:title><dc:creator>Léa</dc:creator></cp:coreProperties>"),
        ])
        let documents = try Self.read("ag.pptx", archive).get()
        #expect(documents.map(\.title) == ["Assemblée générale 2024 (Lyon)", "Budget", "Rapport annuel"])
        #expect(documents.map(\.line) == [1, 2, 5])
        #expect(documents.map(\.body) == [
            "Le rapport moral de la présidente, les comptes de l’exercice et le vote des résolutions de l’année.",
            "Dépenses maîtrisées,\nligne un\nligne deux\nEncadré moderne\nPoste | Montant en euros\nLoyers\nMerci\n\nInsister sur les loyers impayés.",
            "Une dernière diapositive sans titre, avec assez de mots pour être une section.",
        ])
        #expect(documents.first?.extraFields == [SourceDocument.Field(name: "author", value: "Léa")])
    }

    /// Impress's own ways, in a presentation written here: a hidden page by its automatic style,
    /// the master's frames (number, date, footer, header) left out, comments and a shape's
    /// description left out, a custom shape's and a group's text, spaces and tabs as Impress writes
    /// them, a frame inside a title's paragraph (its text part of the title); a
    /// presentation with no title of its own titling an untitled slide by its first line.
    @Test func impressOwnWaysAreReadAsImpressShowsThem() throws {
        func frame(_ kind: String?, _ text: String) -> String {
            "<draw:frame\(kind.map { " presentation:class=\"\($0)\"" } ?? "")><draw:text-box>\(text)</draw:text-box></draw:frame>"
        }
        let content = """
            <office:document-content><office:automatic-styles>\
            <style:style style:name="dp1" style:family="drawing-page"><style:drawing-page-properties presentation:visibility="visible"/></style:style>\
            <style:style style:name="dp2" style:family="drawing-page"><style:drawing-page-properties presentation:visibility="hidden"/></style:style>\
            <style:style style:name="gr1" style:family="graphic"><style:graphic-properties presentation:visibility="hidden"/></style:style>\
            </office:automatic-styles><office:body><office:presentation>\
            <draw:page draw:name="a" draw:style-name="dp2">\(frame("title", "<text:p>Masquée</text:p>"))\(frame("outline", "<text:p>zeppelins cachés</text:p>"))</draw:page>\
            <draw:page draw:name="b" draw:style-name="dp1">\
            \(frame("outline", "<text:p>Une diapositive<text:s text:c=\"2\"/>sans titre mais avec assez de mots</text:p><text:p>pour<text:tab/>faire une section.</text:p>"))\
            \(frame("page-number", "<text:p>2</text:p>"))\(frame("date-time", "<text:p>mars</text:p>"))\(frame("footer", "<text:p>pied</text:p>"))\(frame("header", "<text:p>tête</text:p>"))\
            <draw:g><draw:custom-shape><text:p>Forme <text:span>libre</text:span></text:p><svg:desc>une description</svg:desc></draw:custom-shape></draw:g>\
            \(frame(nil, "<text:p>Texte<office:annotation/><office:annotation><dc:creator>X</dc:creator><text:p>un commentaire</text:p></office:annotation> annoté</text:p>"))\
            </draw:page>\
            <draw:page draw:name="c">\(frame("title", "<text:p>Fin<draw:frame><draw:text-box><text:p>légende</text:p></draw:text-box></draw:frame>du propos</text:p>"))<presentation:notes>\(frame("notes", "<text:p>Remercier <text:span>les bénévoles</text:span> du quartier pour leur aide précieuse pendant toute l’année écoulée.</text:p>"))</presentation:notes></draw:page>\
            </office:presentation></office:body></office:document-content>
            """
        let documents = try Self.read("expose.odp", StoredZip.archive([("content.xml", content)])).get()
        #expect(documents.map(\.title) == ["Une diapositive sans titre mais avec assez de mots", "Fin légende du propos"])
        #expect(documents.map(\.line) == [2, 3])
        #expect(documents.map(\.body) == [
            "Une diapositive sans titre mais avec assez de mots\npour\tfaire une section.\nForme libre\nTexte annoté",
            "Remercier les bénévoles du quartier pour leur aide précieuse pendant toute l’année écoulée.",
        ])
        #expect(documents.allSatisfy { $0.extraFields.isEmpty })
    }

    /// Pages of too few words join the next, whose title is then a line (or the title, when they
    /// have none); a last short page joins the section before it, its title a line too; a page
    /// with nothing is skipped; an untitled page is titled by the document, else its first line.
    @Test func shortPagesJoinTheirNeighbours() {
        let pages = [
            PageSections.Page(number: 1, title: "Partie 1", lines: []),
            PageSections.Page(number: 2, title: nil, lines: ["   ", ""]),
            PageSections.Page(number: 3, title: "Le contexte", lines: ["", "un deux trois quatre", "cinq six"]),
            PageSections.Page(number: 4, title: nil, lines: ["sept huit neuf dix onze douze treize quatorze quinze"]),
            PageSections.Page(number: 5, title: "Conclusion", lines: ["fin"]),
        ]
        #expect(PageSections.sections(of: pages, documentTitle: "Le document", minimumWords: 9) == [
            SectionSplitter.Section(line: 1, title: "Partie 1", body: "Le contexte\nun deux trois quatre\ncinq six"),
            SectionSplitter.Section(line: 4, title: "Le document", body: "sept huit neuf dix onze douze treize quatorze quinze\n\nConclusion\nfin"),
        ])
        let untitledFirst = [PageSections.Page(number: 6, title: nil, lines: ["un deux"]),
                             PageSections.Page(number: 7, title: "Suite", lines: ["trois quatre cinq six sept huit"])]
        #expect(PageSections.sections(of: untitledFirst, documentTitle: nil, minimumWords: 9)
                == [SectionSplitter.Section(line: 6, title: "Suite", body: "un deux\n\ntrois quatre cinq six sept huit")])
        #expect(PageSections.sections(of: [PageSections.Page(number: 3, title: nil, lines: ["seule ligne"])], documentTitle: nil, minimumWords: 9)
                == [SectionSplitter.Section(line: 3, title: "seule ligne", body: "seule ligne")])
        #expect(PageSections.sections(of: [PageSections.Page(number: 2, title: "Titre seul", lines: [])], documentTitle: nil, minimumWords: 9)
                == [SectionSplitter.Section(line: 2, title: "Titre seul", body: "")])
    }

    /// A damaged or foreign file named like a presentation is an issue, never a crash.
    @Test func aDamagedPresentationIsAnIssue() throws {
        func reason(_ name: String, _ bytes: Data) throws -> String? {
            if case .failure(let issue) = try Self.read(name, bytes) { return issue.message }
            return nil
        }
        let pptx = try OfficeTextTests.fixture("expose.pptx"), odp = try OfficeTextTests.fixture("expose.odp")
        #expect(try reason("texte.pptx", Data("Un texte, pas une archive de diapositives.".utf8)) == "not a ZIP archive (no end of central directory)")
        #expect(try reason("autre.pptx", odp) == "not a PowerPoint presentation (no ppt/presentation.xml)")
        #expect(try reason("autre.odp", pptx) == "not an OpenDocument presentation (no content.xml)")
        #expect(try reason("coupé.odp", odp.prefix(odp.count / 2)) == "not a ZIP archive (no end of central directory)")

        var random = SplitMix64(seed: 53)
        var outcomes = DamageOutcomes()
        for (format, original) in [(SlidesText.Format.pptx, pptx), (.odp, odp)] {
            outcomes.read(damagedCopiesOf: original, random: &random) { archive in
                _ = try SlidesText.sections(of: archive, format: format, minimumWords: 12)
            }
        }
        #expect(outcomes.read > 100 && outcomes.refused > 100, "\(outcomes)")
    }
}
