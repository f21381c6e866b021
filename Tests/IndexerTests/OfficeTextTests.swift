import Foundation
import Testing
@testable import Indexer
import TestSupport

/// Word and LibreOffice documents are read as the pages they show, and a damaged one is an issue.
@Suite struct OfficeTextTests {
    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: Bundle.module.url(forResource: "Fixtures/office/\(name)", withExtension: nil)!)
    }

    /// The documents `Corpus.read` makes of a file of that name and bytes, or the issue it throws.
    static func read(_ name: String, _ bytes: Data) throws -> Result<[SourceDocument], CorpusIssue> {
        let folder = try TemporaryFolder()
        #expect(FileManager.default.createFile(atPath: folder.file(name), contents: bytes))
        let (files, issues) = Corpus.files(in: [folder.path])
        #expect(issues.isEmpty && files.map(\.name) == [name])
        let file = try #require(files.first)
        var documents: [SourceDocument] = []
        do {
            try Corpus.read(file, document: { documents.append($0) }, issue: { Issue.record("\($0)") })
        } catch let issue as CorpusIssue {
            return .failure(issue)
        }
        return .success(documents)
    }

    /// The same document saved by LibreOffice as `.odt`, `.docx` and `.doc` (Fixtures/office/README.md):
    /// split at its top-level headings, the part before them titled by the Title paragraph, lines
    /// the paragraphs', lists as items, table rows as lines, the footnote where it is cited, the
    /// comment not shown.
    @Test func aDocumentReadsAsItsWordProcessorShowsIt() throws {
        let expected: [(title: String, line: Int, body: String)] = [
            ("Le jardin partagé de la Haute Borne", 1,
             "Une introduction avant toute rubrique, sur l’économie sociale et solidaire Une note de bas de page sur les bénévoles. du quartier."),
            ("Les semis", 2,
             "Semer en avril puis arroser,\nseconde ligne après des espaces.\n\n- Tomates cœur de bœuf\n- Courgettes\n\nUn sous-titre\n\nTexte sous le sous-titre."),
            ("La récolte", 8, "Nom Valeur\n\nClichy-sous-Bois (93) 3,5 %\n\nRécolter en été quand les fruits sont mûrs."),
        ]
        for name in ["fiche.odt", "fiche.docx", "fiche.doc"] {
            let documents = try Self.read(name, Self.fixture(name)).get()
            #expect(documents.map(\.id) == (1...3).map { "\(name)#\($0)" })
            #expect(documents.map(\.title) == expected.map(\.title), "\(name)")
            #expect(documents.map(\.line) == expected.map(\.line), "\(name)")
            #expect(documents.map(\.body) == expected.map(\.body), "\(name)")
        }
    }

    /// Word's own ways, in a document written here: a French Word's style ids (`Titre1`, named
    /// `heading 1` whatever the language shown), a style based on a heading's, an outline level set
    /// on a paragraph, numbered paragraphs, tabs and breaks; deletions, moves, hidden runs (by their
    /// own formatting, their character style's, which their own overrides, or their paragraph style's,
    /// which both override; not a hidden paragraph mark's paragraph), fields' codes and the fallback
    /// copy of a text box not shown; a table inside a table's cell read into that cell.
    @Test func wordsStylesAndRevisionsAreReadAsWordShowsThem() throws {
        let styles = """
            <w:styles><w:style w:type="paragraph" w:styleId="Titre"><w:name w:val="Title"/></w:style>
            <w:style w:type="paragraph" w:styleId="Titre1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/></w:style>
            <w:style w:type="paragraph" w:styleId="Rubrique"><w:name w:val="Rubrique"/><w:basedOn w:val="Titre1"/></w:style>
            <w:style w:type="paragraph" w:styleId="Niveau2"><w:name w:val="Niveau 2"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
            <w:style w:type="character" w:styleId="Titre1Car"><w:name w:val="heading 1 Char"/></w:style>
            <w:style w:type="character" w:styleId="Cache"><w:name w:val="Cache"/><w:rPr><w:vanish/></w:rPr></w:style>
            <w:style w:type="character" w:styleId="CacheAussi"><w:name w:val="Cache aussi"/><w:basedOn w:val="Cache"/></w:style>
            <w:style w:type="paragraph" w:styleId="Consigne"><w:name w:val="Consigne"/><w:rPr><w:vanish/></w:rPr></w:style>
            <w:style w:type="paragraph" w:styleId="ConsigneBis"><w:name w:val="Consigne bis"/><w:basedOn w:val="Consigne"/></w:style>
            <w:style w:type="character" w:styleId="Visible"><w:name w:val="Visible"/><w:rPr><w:vanish w:val="0"/></w:rPr></w:style></w:styles>
            """
        let document = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document><w:body>
            <w:p><w:pPr><w:pStyle w:val="Titre"/></w:pPr><w:r><w:t>Guide &amp; fiches</w:t></w:r></w:p>
            <w:p><w:r><w:t xml:space="preserve">Une introduction assez longue pour faire une entrée à elle seule, </w:t></w:r><w:del><w:r><w:delText>supprimé</w:delText></w:r></w:del><w:ins><w:r><w:t>texte ajouté</w:t></w:r></w:ins><w:moveFrom><w:r><w:t>déplacé</w:t></w:r></w:moveFrom><w:r><w:rPr><w:vanish/></w:rPr><w:t>caché</w:t></w:r><w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t xml:space="preserve"> montré</w:t></w:r><w:r><w:rPr><w:rStyle w:val="CacheAussi"/></w:rPr><w:t>masqué</w:t></w:r><w:r><w:rPr><w:rStyle w:val="Cache"/><w:vanish w:val="0"/></w:rPr><w:t xml:space="preserve"> affiché</w:t></w:r></w:p>
            <w:p><w:pPr><w:pStyle w:val="Titre1"/><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Première</w:t></w:r></w:p>
            <w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGEREF _Toc1 \\h</w:instrText></w:r><w:r><w:t>Un</w:t><w:tab/><w:t>champ</w:t><w:br/><w:t>coupé</w:t><w:noBreakHyphen/><w:t>net</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:t>Un point</w:t></w:r></w:p>
            <w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>Encadré</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>Encadré</w:t></w:r></w:p></w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>autour</w:t></w:r></w:p>
            <w:p><w:pPr><w:pStyle w:val="Niveau2"/></w:pPr><w:r><w:t>Sous-partie</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>A</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>dedans</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:tc><w:tc><w:p><w:r><w:t>B</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:pPr><w:pStyle w:val="Rubrique"/></w:pPr><w:r><w:t>Seconde</w:t></w:r></w:p>
            <w:p><w:r><w:t>Une seconde partie avec assez de mots pour rester une entrée de la fiche.</w:t></w:r></w:p>
            <w:p><w:pPr><w:pStyle w:val="Consigne"/></w:pPr><w:r><w:t>Consigne cachée.</w:t></w:r></w:p>
            <w:p><w:pPr><w:pStyle w:val="ConsigneBis"/></w:pPr><w:r><w:t>cachée aussi</w:t></w:r><w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>Montrée</w:t></w:r><w:r><w:rPr><w:rStyle w:val="Visible"/></w:rPr><w:t xml:space="preserve"> et visible</w:t></w:r><w:r><w:rPr><w:rStyle w:val="Titre1Car"/></w:rPr><w:t>cachée encore</w:t></w:r></w:p>
            <w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>Troisième</w:t></w:r></w:p>
            <w:p><w:r><w:t>La fin de la fiche, avec elle aussi assez de mots pour une entrée.</w:t></w:r></w:p>
            </w:body></w:document>
            """
        let archive = StoredZip.archive([("word/document.xml", document), ("word/styles.xml", styles),
                                         ("docProps/core.xml", """
                                            <cp:coreProperties><dc:title>Document1</dc:title><dc:creator>Marie  Dupont</dc:creator>\
                                            <cp:keywords>jardin; potager, semis;</cp:keywords><dc:description>Un guide.</dc:description>\
                                            <dcterms:created xsi:type="dcterms:W3CDTF">2024-03-01T10:00:00Z</dcterms:created>\
                                            <dcterms:modified>2025-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>
                                            """)])
        #expect(try OfficeText.html(of: ZipArchive(archive), format: .docx).contains("\n<h2>Sous-partie</h2>\n"))
        let documents = try Self.read("guide.docx", archive).get()
        #expect(documents.map(\.title) == ["Guide & fiches", "Première", "Seconde", "Troisième"])
        // The properties are fields of the first section, as front matter's are.
        #expect(documents.first?.extraFields == [
            SourceDocument.Field(name: "author", value: "Marie Dupont"),
            SourceDocument.Field(name: "description", value: "Un guide."),
            SourceDocument.Field(name: "keywords", value: "jardin, potager, semis", items: ["jardin", "potager", "semis"]),
            SourceDocument.Field(name: "date", value: "2024-03-01T10:00:00Z", indexed: false),
        ])
        #expect(documents.dropFirst().allSatisfy { $0.extraFields.isEmpty })
        #expect(documents.map(\.line) == [1, 2, 8, 11])
        #expect(documents.map(\.body) == [
            "Une introduction assez longue pour faire une entrée à elle seule, texte ajouté montré affiché",
            "Un champ\ncoupé-net\n\n- Un point\n\nEncadré autour\n\nSous-partie\n\nA dedans B",
            "Une seconde partie avec assez de mots pour rester une entrée de la fiche.\n\nMontrée et visible",
            "La fin de la fiche, avec elle aussi assez de mots pour une entrée.",
        ])
        // Without a Title paragraph, the properties' title titles what comes first.
        let untitled = StoredZip.archive([("word/document.xml", document.replacingOccurrences(of: "w:val=\"Titre\"", with: "w:val=\"Normal\"")),
                                          ("word/styles.xml", styles),
                                          ("docProps/core.xml", "<cp:coreProperties><dc:title>Document1</dc:title></cp:coreProperties>")])
        let first = try Self.read("guide.docx", untitled).get().first
        #expect(first?.title == "Document1" && first?.body == "Guide & fiches\n\nUne introduction assez longue pour faire une entrée à elle seule, texte ajouté montré affiché")
    }

    /// OpenDocument's own ways, in a document written here: automatic styles derived from the Title
    /// or a heading's style, a style with a default outline level, tracked changes' deleted text,
    /// hidden text (automatic and common text styles that do not display, and paragraphs whose style,
    /// or the one it derives from, does not display, unless it shows them again, but for a span
    /// whose style displays) and a frame's description not shown.
    @Test func openDocumentStylesAndChangesAreReadAsWriterShowsThem() throws {
        let styles = """
            <office:styles><style:style style:name="Rubrique" style:family="paragraph" style:default-outline-level="1"/>
            <style:style style:name="Encadre" style:family="graphic" style:default-outline-level="1"/>
            <style:style style:name="Cache" style:family="text"><style:text-properties text:display="none"/></style:style>
            <style:style style:name="Consigne" style:family="paragraph"><style:text-properties text:display="none"/></style:style></office:styles>
            """
        let content = """
            <office:document-content><office:automatic-styles>
            <style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/>
            <style:style style:name="P2" style:family="paragraph" style:parent-style-name="Heading_20_1"/>
            <style:style style:name="P3" style:family="paragraph" style:parent-style-name="Rubrique"/>
            <style:style style:name="T1" style:family="text"><style:text-properties text:display="none"/></style:style>
            <style:style style:name="T2" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
            <style:style style:name="P4" style:family="paragraph" style:parent-style-name="Consigne"/>
            <style:style style:name="P5" style:family="paragraph" style:parent-style-name="Consigne"><style:text-properties text:display="true"/></style:style>
            <style:style style:name="T3" style:family="text"><style:text-properties text:display="true"/></style:style>
            </office:automatic-styles><office:body><office:text>
            <text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>Texte supprimé</text:p></text:deletion></text:changed-region></text:tracked-changes>
            <text:p text:style-name="P1">Le guide du jardin</text:p>
            <text:p text:style-name="Standard">Une introduction assez longue pour faire une entrée à elle seule<text:change text:change-id="c1"/><text:span text:style-name="T1">caché</text:span><text:span text:style-name="Cache">masqué</text:span>, sans <text:span text:style-name="T2">plus</text:span>.</text:p>
            <text:p text:style-name="P2">Première partie</text:p>
            <text:p>Du texte<draw:frame draw:style-name="Encadre"><svg:desc>Une image décrite</svg:desc><draw:text-box><text:p>encadré</text:p></draw:text-box></draw:frame>autour, avec bien assez de mots pour une entrée de la fiche.</text:p>
            <text:p text:style-name="P3">Seconde partie</text:p>
            <text:p>Une seconde<text:s/>partie avec assez de mots pour rester une entrée de la fiche.</text:p>
            <text:p text:style-name="Consigne">Consigne cachée.</text:p>
            <text:p text:style-name="P4">Cachée aussi, <text:span text:style-name="T2">même en gras</text:span>, <text:span text:style-name="T3">sauf ceci</text:span>.</text:p>
            <text:p text:style-name="P5">Montrée.</text:p>
            </office:text></office:body></office:document-content>
            """
        let meta = """
            <office:document-meta><office:meta><meta:initial-creator>Marie Dupont</meta:initial-creator><dc:creator>Paul Martin</dc:creator>\
            <meta:keyword>jardin</meta:keyword><meta:keyword>semis</meta:keyword><meta:creation-date>2024-03-01T10:00:00</meta:creation-date>\
            <dc:date>2025-01-01T00:00:00</dc:date></office:meta></office:document-meta>
            """
        let documents = try Self.read("guide.odt", StoredZip.archive([("content.xml", content), ("styles.xml", styles), ("meta.xml", meta)])).get()
        #expect(documents.first?.extraFields == [
            SourceDocument.Field(name: "author", value: "Marie Dupont, Paul Martin", items: ["Marie Dupont", "Paul Martin"]),
            SourceDocument.Field(name: "keywords", value: "jardin, semis", items: ["jardin", "semis"]),
            SourceDocument.Field(name: "date", value: "2024-03-01T10:00:00", indexed: false),
        ])
        #expect(documents.map(\.title) == ["Le guide du jardin", "Première partie", "Seconde partie"])
        #expect(documents.map(\.body) == [
            "Une introduction assez longue pour faire une entrée à elle seule, sans plus.",
            "Du texte encadré autour, avec bien assez de mots pour une entrée de la fiche.",
            "Une seconde partie avec assez de mots pour rester une entrée de la fiche.\n\nsauf ceci\n\nMontrée.",
        ])
    }

    /// An EPUB book: its chapters in reading order (the spine's, not the manifest's), found where
    /// the package document's hrefs point (a folder up, a name percent-encoded), read as pages and
    /// split at the book's top-level headings across them, each section's line its chapter's place;
    /// the navigation document outside the spine, and a cover with no text, not shown.
    @Test func anEPUBReadsItsChaptersInOrder() throws {
        func chapter(_ title: String, _ body: String) -> String {
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title>\(title)</title></head><body>\(body)</body></html>"
        }
        let long = "avec assez de mots pour faire une entrée de la fiche à elle seule"
        let book = StoredZip.archive([
            ("mimetype", "application/epub+zip"),
            ("META-INF/container.xml", "<container><rootfiles><rootfile full-path=\"OEBPS/content.opf\" media-type=\"application/oebps-package+xml\"/></rootfiles></container>"),
            ("OEBPS/content.opf", """
                <package><metadata><dc:title>Le guide</dc:title><dc:creator opf:role="aut">Marie Dupont</dc:creator>\
                <dc:subject>Jardinage</dc:subject><dc:subject>Économie solidaire</dc:subject><dc:date>2024</dc:date></metadata><manifest>
                <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
                <item id="c2" href="../Text/chapitre%202.xhtml" media-type="application/xhtml+xml"/>
                <item id="c1" href="../Text/chapitre1.xhtml#debut" media-type="application/xhtml+xml"/>
                <item id="cover" href="couverture.xhtml" media-type="application/xhtml+xml"/>
                <item id="css" href="style.css" media-type="text/css"/></manifest>
                <spine><itemref idref="cover"/><itemref idref="c1"/><itemref idref="css"/><itemref idref="c2"/></spine></package>
                """),
            ("OEBPS/nav.xhtml", chapter("Sommaire", "<nav><ol><li>Les semis</li></ol></nav>")),
            ("OEBPS/couverture.xhtml", chapter("Le guide", "<img src=\"couverture.jpg\" alt=\"\"/>")),
            ("Text/chapitre1.xhtml", chapter("Le guide", "<h1>Les semis</h1><p>Semer en avril, \(long).</p><h2>Le matériel</h2><p>Des graines.</p>")),
            ("Text/chapitre 2.xhtml", chapter("Le guide", "<h1>La récolte</h1><p>Récolter en été, \(long).</p>")),
            ("OEBPS/style.css", "h1 { color: green }"),
        ])
        let documents = try Self.read("guide.epub", book).get()
        #expect(documents.map(\.title) == ["Les semis", "La récolte"])
        #expect(documents.map(\.extraFields) == [[
            SourceDocument.Field(name: "author", value: "Marie Dupont"),
            SourceDocument.Field(name: "keywords", value: "Jardinage, Économie solidaire", items: ["Jardinage", "Économie solidaire"]),
            SourceDocument.Field(name: "date", value: "2024", indexed: false),
        ], []])
        #expect(documents.map(\.line) == [2, 4])
        #expect(documents.map(\.body) == ["Semer en avril, \(long).\n\nLe matériel\n\nDes graines.", "Récolter en été, \(long)."])

        // As LibreOffice writes one: three chapters whose headings are styled paragraphs, one section.
        let exported = try Self.read("fiche.epub", Self.fixture("fiche.epub")).get()
        #expect(exported.map(\.line) == [1] && exported.first?.title == "Le jardin partagé de la Haute Borne")
        #expect(exported.first?.body.hasSuffix("Récolter en été quand les fruits sont mûrs.") == true)
    }

    /// A damaged or foreign file named like a document is an issue naming what is wrong, never a
    /// crash: not an archive, cut short, a part whose bytes changed, a part that would inflate past
    /// the bound, a compression method or encryption it does not read, an archive of another kind.
    @Test func aDamagedDocumentIsAnIssue() throws {
        let docx = try Self.fixture("fiche.docx")
        func reason(_ name: String, _ bytes: Data) throws -> String? {
            if case .failure(let issue) = try Self.read(name, bytes) { return issue.message }
            return nil
        }
        #expect(try reason("texte.docx", Data("Un texte, pas une archive.".utf8)) == "not a ZIP archive (no end of central directory)")
        // The owner file Word keeps beside a document it has open is no document: not listed.
        let folder = try TemporaryFolder()
        #expect(FileManager.default.createFile(atPath: folder.file("~$fiche.docx"), contents: Data(repeating: 0x20, count: 162)))
        #expect(FileManager.default.createFile(atPath: folder.file("fiche.docx"), contents: docx))
        #expect(Corpus.files(in: [folder.path]).files.map(\.name) == ["fiche.docx"])
        #expect(try reason("vide.odt", Data()) == "not a ZIP archive (too short)")
        #expect(try reason("coupé.docx", docx.prefix(docx.count / 2)) == "not a ZIP archive (no end of central directory)")
        #expect(try reason("autre.docx", try Self.fixture("fiche.odt")) == "not a Word document (no word/document.xml)")
        #expect(try reason("autre.odt", docx) == "not an OpenDocument text (no content.xml)")
        #expect(try reason("autre.epub", docx) == "not an EPUB (no META-INF/container.xml)")
        #expect(try reason("vide.epub", StoredZip.archive([("META-INF/container.xml", "<container><rootfile full-path=\"absent.opf\"/></container>")]))
                == "not an EPUB (its package document is missing)")

        let plain = StoredZip.archive([("content.xml", "<office:text><text:p>Un paragraphe.</text:p></office:text>")])
        #expect(try Self.read("simple.odt", plain).get().map(\.body) == ["Un paragraphe."])
        var changed = plain
        changed[changed.range(of: Data("Un paragraphe".utf8))!.lowerBound] = UInt8(ascii: "U") ^ 0x20
        #expect(try reason("changé.odt", changed) == "content.xml is damaged (its CRC-32 does not match)")
        // The central directory's fields, after the local header (30 bytes), the name and the data.
        let central = plain.range(of: Data([0x50, 0x4B, 0x01, 0x02]))!.lowerBound
        func patched(_ offset: Int, _ bytes: [UInt8]) -> Data {
            var copy = plain
            copy.replaceSubrange((central + offset)..<(central + offset + bytes.count), with: bytes)
            return copy
        }
        #expect(try reason("énorme.odt", patched(24, [0, 0, 0, 0x40])) == "content.xml would inflate to 1073741824 bytes, more than the 268435456 read")
        #expect(try reason("méthode.odt", patched(10, [12, 0])) == "content.xml is compressed by method 12, which is not read (only stored and deflated)")
        #expect(try reason("chiffré.odt", patched(8, [1, 0])) == "content.xml is encrypted")
        #expect(try reason("décalé.odt", patched(42, [9, 0, 0, 0])) == "content.xml: no local header where the directory says")
        // The end record's fields: the entries' count (FFFF: see the ZIP64 record) and the directory's size.
        let end = plain.count - 22
        var zip64 = plain
        zip64.replaceSubrange((end + 10)..<(end + 12), with: [0xFF, 0xFF])
        #expect(try reason("zip64.odt", zip64) == "ZIP64 archives are not read")
        var overrun = plain
        overrun.replaceSubrange((end + 12)..<(end + 16), with: [0xFF, 0xFF, 0, 0])
        #expect(try reason("débord.odt", overrun) == "the central directory runs past the archive's end")

        // A byte of the deflated document.xml changed: zlib or the CRC-32 finds it.
        let entry = docx.range(of: Data("word/document.xml".utf8))!.upperBound
        var flipped = docx
        flipped[entry + 40] ^= 0x55
        #expect(try reason("abîmé.docx", flipped)?.hasPrefix("word/document.xml is damaged") == true)
    }

    /// Any damage to a document's bytes (bounds checked in debug builds): an issue or documents,
    /// never a trap; the damage reaches both outcomes, so the readers behind the archive are run.
    @Test func anyDamageReadsWithoutTrapping() throws {
        var random = SplitMix64(seed: 47)
        var outcomes = DamageOutcomes()
        for name in ["fiche.odt", "fiche.docx", "fiche.epub"] {
            outcomes.read(damagedCopiesOf: try Self.fixture(name), random: &random) { archive in
                if name.hasSuffix(".epub") {
                    _ = try EPUBText.page(of: archive)
                } else {
                    _ = try OfficeText.html(of: archive, format: name.hasSuffix(".odt") ? .odt : .docx)
                }
            }
        }
        #expect(outcomes.read > 100 && outcomes.refused > 100, "\(outcomes)")
    }

    /// A template, a macro-enabled file or a slide show holds what its plain document holds: each
    /// name ending reads as its format's, with the same sections.
    @Test func templatesAndMacroFilesReadAsTheirDocuments() throws {
        let twins = ["fiche.docx": [".docm", ".dotx", ".dotm"], "fiche.odt": [".ott"], "fiche.doc": [".dot"], "budget.xlsx": [".xlsm", ".xltx", ".xltm"],
                     "budget.ods": [".ots"], "budget.xls": [".xlt"], "expose.pptx": [".pptm", ".ppsx", ".ppsm", ".potx", ".potm"],
                     "expose.odp": [".otp"], "expose.ppt": [".pps", ".pot"]]
        for (fixture, endings) in twins {
            let bytes = try Self.fixture(fixture)
            let plain = try Self.read(fixture, bytes).get()
            #expect(!plain.isEmpty)
            for ending in endings {
                let name = "copie" + ending.uppercased()
                let documents = try Self.read(name, bytes).get()
                #expect(documents.map(\.body) == plain.map(\.body) && documents.map(\.title) == plain.map(\.title), "\(name)")
            }
        }
    }

    /// A password-protected package, which Office keeps in a compound file, says so; so does a
    /// compound file under a package's name.
    @Test func anEncryptedPackageSaysSo() throws {
        let encrypted = CompoundFileWriter.file([("EncryptionInfo", [1, 2]), ("EncryptedPackage", [3, 4])], version: 3)
        for name in ["secret.docx", "secret.xlsx", "secret.pptx", "secret.odt"] {
            guard case .failure(let issue) = try Self.read(name, Data(encrypted)) else {
                Issue.record("\(name) read")
                continue
            }
            #expect(issue.message == "an encrypted (password-protected) document: not read", "\(name)")
        }
        var renamed: String?
        if case .failure(let issue) = try Self.read("ancien.docx", try Self.fixture("fiche.doc")) { renamed = issue.message }
        #expect(renamed == "a compound file (an Office 97–2003 document?), not the ZIP package its name says")
    }

    /// Every run of Unicode's white space is one space, and none is left at the ends.
    @Test func whiteSpaceRunsAreOneSpace() {
        #expect(" \t Budget\r\n\u{A0}2024 \u{3000}(suite)\u{2028}\u{85} ".singleSpaced == "Budget 2024 (suite)")
        #expect("l’économie  sociale".singleSpaced == "l’économie sociale")
        #expect(" \n\u{202F} ".singleSpaced.isEmpty && "".singleSpaced.isEmpty)
        #expect("déjà".singleSpaced == "déjà")
    }

    /// XML as office parts write it: entities and character references decoded, CDATA as text,
    /// comments, declarations and processing instructions skipped; what is malformed read without trapping.
    @Test func xmlIsScannedIntoElementsAndText() {
        var scanner = XMLScanner(Array("""
            <?xml version="1.0"?><!DOCTYPE x><a b="1 &amp; 2" c='&lt;&#233;&#x153;&bogus;'><!-- <z/> -->t&apos;&quot;x\
            <![CDATA[<brut> & ]]><d/></a >
            """.utf8))
        var events: [XMLScanner.Event] = []
        while let event = scanner.next() { events.append(event) }
        #expect(events == [
            .start(name: "a", attributes: ["b": "1 & 2", "c": "<éœ&bogus;"], selfClosing: false),
            .text("t'\"x"), .text("<brut> & "), .start(name: "d", attributes: [:], selfClosing: true), .end(name: "a"),
        ])
        var random = SplitMix64(seed: 53)
        let pieces = ["<", ">", "/>", "</", "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>", "&", ";", "&#", "&#x", "\"", "'", "=", " ", "a", "w:p", "é"]
        for _ in 0..<20_000 {
            let text = (0..<Int(random.next() % 12)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            var scanner = XMLScanner(Array(text.utf8))
            var count = 0
            while scanner.next() != nil { count += 1 }
            #expect(count <= text.utf8.count, "\(text)")
        }
    }
}

/// How damaged copies of archived documents fared: read, or refused with an error.
struct DamageOutcomes: CustomStringConvertible {
    var read = 0, refused = 0

    var description: String { "\(read) read, \(refused) refused" }

    /// Reads 300 copies of `original` with 1 to 5 bytes changed, every third also cut short, as an
    /// archive that `reader` reads; a trap would end the test run.
    mutating func read(damagedCopiesOf original: Data, random: inout SplitMix64, reader: (ZipArchive) throws -> Void) {
        read(damagedCopiesOf: [UInt8](original), rounds: 300, random: &random) { (try? reader(ZipArchive(Data($0)))) != nil }
    }

    /// Reads `rounds` copies of `original` with 1 to 5 bytes changed (half of them among its first
    /// `head` bytes, when given: a file's header and tables), every third also cut short; `reads` says
    /// whether a copy was read or refused. A trap would end the test run.
    mutating func read(damagedCopiesOf original: [UInt8], rounds: Int, head: Int? = nil, random: inout SplitMix64, reads: ([UInt8]) -> Bool) {
        for round in 0..<rounds {
            var bytes = original
            for _ in 0...(random.next() % 4) {
                let range = head.map { random.next() % 2 == 0 ? min(bytes.count, $0) : bytes.count } ?? bytes.count
                bytes[Int(random.next() % UInt64(range))] = UInt8(truncatingIfNeeded: random.next())
            }
            if round % 3 == 0 { bytes.removeLast(Int(random.next() % UInt64(bytes.count))) }
            if reads(bytes) { read += 1 } else { refused += 1 }
        }
    }
}

/// A ZIP archive of stored (uncompressed) entries, as APPNOTE.TXT lays one out.
enum StoredZip {
    static func archive(_ entries: [(name: String, text: String)]) -> Data {
        var archive: [UInt8] = [], directory: [UInt8] = []
        for (name, text) in entries {
            let data = Array(text.utf8), nameBytes = Array(name.utf8), offset = archive.count
            let sizes = le32(crc32(data)) + le32(data.count) + le32(data.count) + le16(nameBytes.count)
            // Info-ZIP's extended timestamp as the local header's extra field, as `zip` writes one.
            let extra: [UInt8] = [0x55, 0x54, 5, 0, 1, 0, 0, 0, 0]
            archive += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + sizes + le16(extra.count) + nameBytes + extra + data
            directory += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + sizes
                + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + nameBytes
        }
        let directoryOffset = archive.count
        archive += directory
        archive += le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count)
            + le32(directory.count) + le32(directoryOffset) + le16(0)
        return Data(archive)
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? crc >> 1 ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// Little-endian bytes of an integer, as the binary formats written in tests lay them out.
func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
func le32(_ value: Int) -> [UInt8] { le16(value & 0xFFFF) + le16(value >> 16 & 0xFFFF) }
func le32(_ value: UInt32) -> [UInt8] { le32(Int(value)) }
