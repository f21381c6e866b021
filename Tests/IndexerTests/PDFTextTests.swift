import Foundation
import Testing
@testable import Indexer
import TestSupport

/// PDFs are read a page a section through `pdftotext`, and one it cannot read is an issue, never a wait.
@Suite struct PDFTextTests {
    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/pdf/\(name)", withExtension: nil)!.path
    }

    /// A PDF exported by LibreOffice (Fixtures/pdf/README.md) through `Corpus.read`: a section a
    /// page, the cover joined to the next, lines the pages' numbers, titled by the properties'
    /// title, else by each page's first line.
    @Test func aPDFReadsAPageASection() throws {
        let folder = try TemporaryFolder()
        for name in ["guide.pdf", "sans-titre.pdf"] {
            try FileManager.default.copyItem(atPath: Self.fixture(name), toPath: folder.file(name))
        }
        var documents: [SourceDocument] = []
        for file in Corpus.files(in: [folder.path]).files {
            try Corpus.read(file, document: { documents.append($0) }, issue: { Issue.record("\($0)") })
        }
        let bodies = [
            "Guide du jardin partagé\nÉdition 2026\n\nLes semis commencent en avril : semer les graines de tomates à l’abri, arroser\n"
                + "souvent et attendre qu’elles lèvent.\nLes bénévoles de l’association se retrouvent le samedi matin.",
            "La récolte des courgettes et des tomates cœur de bœuf se fait en été, quand\nles fruits sont mûrs.",
        ]
        #expect(documents.map(\.id) == ["guide.pdf#1", "guide.pdf#2", "sans-titre.pdf#1", "sans-titre.pdf#2"])
        #expect(documents.map(\.line) == [1, 3, 1, 3])
        #expect(documents.map(\.title) == ["Guide du jardin & du potager", "Guide du jardin & du potager",
                                           "Guide du jardin partagé", "La récolte des courgettes et des tomates cœur de bœuf se fait en été, quand"])
        #expect(documents.map(\.body) == bodies + bodies)
    }

    /// PDFs are read ahead on other threads (`ReadAhead`), yet the index numbers every document in the
    /// files' order, among those of the files read in process (texts, a Word document), as a file at a
    /// time would, and a PDF that cannot be read is reported in turn.
    @Test func pdfsReadAheadKeepTheFilesOrder() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        let text = "Un texte entre les documents, avec assez de mots pour faire une section à lui seul."
        for number in 0..<9 {
            let name = String(format: "%02d", number)
            switch number % 3 {
            case 0: try text.write(toFile: "\(corpus)/\(name).txt", atomically: false, encoding: .utf8)
            case 1 where number == 7: try FileManager.default.copyItem(atPath: WordTextTests.fixture("fiche.doc"), toPath: "\(corpus)/\(name).doc")
            case 1: try FileManager.default.copyItem(atPath: Self.fixture(number == 4 ? "sans-titre.pdf" : "guide.pdf"), toPath: "\(corpus)/\(name).pdf")
            default: try (number == 5 ? "pas un PDF" : text).write(toFile: "\(corpus)/\(name).\(number == 5 ? "pdf" : "md")", atomically: false, encoding: .utf8)
            }
        }
        var expected: [String] = [], issues: [String] = []
        for file in Corpus.files(in: [corpus]).files {
            do {
                try Corpus.read(file, document: { expected.append($0.id) }, issue: { issues.append($0.description) })
            } catch let issue as CorpusIssue {
                issues.append(issue.description)
            }
        }
        #expect(expected.count == 12 && issues == [corpus + "/05.pdf: skipped: not a PDF pdftotext can open (damaged, or locked by a password)"])
        for threads in [1, 2, 4] {
            var options = IndexBuildOptions()
            options.threads = threads
            let collector = BadInputTests.Collector()
            let output = folder.file("index-\(threads)")
            _ = try IndexBuilder.build(paths: [corpus], output: output, options: options, observer: collector)
            let reader = try IndexReader(path: output)
            let ids = try (0..<reader.documentCount).map { try reader.storedFields($0).value(of: StandardField.id) ?? "" }
            #expect(ids == expected, "\(threads) threads")
            #expect(collector.issues.map(\.description) == issues)
        }
    }

    /// What `pdftotext` says of a PDF it cannot read, or its absence, is the file's issue; one that
    /// keeps it busy past the time limit is given up (here a stand-in that sleeps, with a limit of
    /// a second), not waited for.
    @Test func aPDFThatCannotBeReadIsAnIssue() throws {
        let folder = try TemporaryFolder()
        let notPDF = folder.file("faux.pdf")
        try "Un texte, pas un PDF.".write(toFile: notPDF, atomically: false, encoding: .utf8)
        func reason(_ path: String, searchPath: String = StandInTools.searchPath, timeLimit: Int = ExternalTool.timeLimit) -> String? {
            StandInTools.issue { () throws(CorpusIssue) in _ = try PDFText.sections(of: path, minimumWords: 12, searchPath: searchPath, timeLimit: timeLimit) }
        }
        #expect(reason(notPDF) == "skipped: not a PDF pdftotext can open (damaged, or locked by a password)")
        #expect(reason(Self.fixture("guide.pdf"), searchPath: folder.path) == "skipped: reading a PDF needs pdftotext (Debian's poppler-utils)")

        // Stand-ins for pdftotext, beside the real `timeout`.
        let tools = try StandInTools(in: folder)
        func standIn(_ script: String) { tools.write("pdftotext", script) }
        // What pdftotext prints is read a page at a time: a blank page left out, a short last page
        // joined to the one before, an empty title not a title, entities decoded.
        let long = "Une page de texte avec assez de mots pour faire une section à elle seule."
        let output = folder.file("sortie.html")
        try ("<html><head>\n<title> </title>\n<meta name=\"Author\" content=\"Marie Dupont\"/><meta name=\"Keywords\" content=\"jardin, semis\"/>\n"
            + "<meta name=\"Subject\" content=\"Un guide\"/><meta name=\"CreationDate\" content=\"2024-03-01T10:00:00Z\"/></head><body>\n<doc>\n"
            + Self.laidOut([[[long]]]) + "<page width=\"595\" height=\"842\">\n</page>\n" + Self.laidOut([[[long + " &amp; &lt;b&gt;"]], [["Fin."]]])
            + "</doc></body></html>").write(toFile: output, atomically: false, encoding: .utf8)
        standIn("cat '\(output)'")
        let (sections, fields) = try PDFText.sections(of: notPDF, minimumWords: 12, searchPath: tools.path)
        #expect(fields == [
            SourceDocument.Field(name: "author", value: "Marie Dupont"),
            SourceDocument.Field(name: "description", value: "Un guide"),
            SourceDocument.Field(name: "keywords", value: "jardin, semis", items: ["jardin", "semis"]),
            SourceDocument.Field(name: "date", value: "2024-03-01T10:00:00Z", indexed: false),
        ])
        #expect(sections == [SectionSplitter.Section(line: 1, title: long, body: long),
                             SectionSplitter.Section(line: 3, title: long + " & <b>", body: long + " & <b>\n\nFin.")])
        standIn("exit 3")
        #expect(reason(notPDF, searchPath: tools.path) == "skipped: its permissions forbid copying its text")
        standIn("exit 99")
        #expect(reason(notPDF, searchPath: tools.path) == "skipped: pdftotext failed (exit status 99)")
        standIn("sleep 30")
        #expect(reason(notPDF, searchPath: tools.path, timeLimit: 1) == "skipped: pdftotext took more than 1 s to read it")
        standIn("trap '' TERM; sleep 30")
        #expect(reason(notPDF, searchPath: tools.path, timeLimit: 1) == "skipped: pdftotext took more than 1 s to read it")
    }
    /// Pages as `pdftotext -bbox-layout` prints them: each page's flows of lines, whose words are
    /// placed left to right a space (4 points) apart, 12 points high.
    static func laidOut(_ pages: [[[String]]]) -> String {
        pages.map { flows in
            var y = 0.0
            let text = flows.map { lines in
                "<flow>\n<block>\n" + lines.map { line in
                    defer { y += 14 }
                    var x = 0.0
                    return "<line>\n" + line.split(separator: " ").map { word in
                        defer { x += Double(word.count) * 6 + 4 }
                        return "<word xMin=\"\(x)\" yMin=\"\(y)\" xMax=\"\(x + Double(word.count) * 6)\" yMax=\"\(y + 12)\">\(word)</word>\n"
                    }.joined() + "</line>\n"
                }.joined() + "</block>\n</flow>\n"
            }.joined()
            return "<page width=\"595\" height=\"842\">\n" + text + "</page>\n"
        }.joined()
    }

    /// A LibreOffice PDF whose lines end in hyphens (Fixtures/pdf/README.md): `pdftotext` would glue each
    /// cut to the next line without its hyphen (`grandsparents`, `SaintGermain-des-Prés`); compounds
    /// keep theirs, a word the document writes whole elsewhere is joined, another keeps its hyphen
    /// for the analyzer to index both ways, and a superscript stays in its word.
    @Test func aLineEndHyphenJoinsTheLines() throws {
        let (sections, _) = try PDFText.sections(of: Self.fixture("coupures.pdf"), minimumWords: 12)
        #expect(sections.map(\.body) == [
            "Le porte-monnaie, le porte-parole, les arcs-en-ciel, les grands-parents, Clichy-sous-Bois, Saint-Germain-des-Prés, "
                + "les sous-préfectures, le chef-lieu, le rendez-vous, de 1998-2004.\nExpérimentations\nLes organisations de l’économie\n"
                + "sociale et solidaire accom-pagnent les collectivités territo-riales dans leurs expérimentations, notamment pour l’inser-tion "
                + "professionnelle des per-sonnes éloignées de l’emploi.\nAu XIXe siècle déjà.",
        ])
    }

    /// Each way a line's last word may end: the hyphen kept, dropped, or no join.
    @Test func aHyphenAtALineEndIsReadFromItsWords() {
        let spellings = PDFLayout.spellings(of: [[["l’expérimentation, (arcs-en-ciel) «grandsparents» grands-parents. shadow (call)"]]])
        #expect(spellings == ["expérimentation", "arcs-en-ciel", "arcs", "en", "ciel", "arcs-en", "en-ciel", "grandsparents", "grands-parents",
                              "grands", "parents", "shadow", "call"])
        // Read from pdftotext's tags: coordinates in any order, off the page too; other tags passed over.
        let document = #"<page width="9"><flow><block><line><word yMin="1" xMin="-3.5" xMax="2.25" yMax="12.0">a&amp;b</word><word xMin="">c</word></line>"#
            + #"</block></flow></page><page></page>"#
        #expect(PDFLayout.pages(of: Array(document.utf8)) == [[[[PDFLayout.Word(text: "a&b", xMin: -3.5, yMin: 1, xMax: 2.25, yMax: 12),
                                                                 PDFLayout.Word(text: "c", xMin: 0, yMin: 0, xMax: 0, yMax: 0)]]], []])
        // The halves of a word cut at a line's end are no spellings.
        #expect(PDFLayout.spellings(of: [[["un dévelop-", "pement fin-"]]]) == ["un", "fin"])
        let cases: [(String, String, PDFLayout.Join?)] = [
            ("expéri-", "mentation.", .withoutHyphen), ("l’expéri-", "mentation", .withoutHyphen), ("dévelop-", "pement", .withHyphen),
            ("grands-", "parents", .withHyphen), ("Saint-", "Germain", .withHyphen), ("Clichy-", "sous-Bois", .withHyphen),
            ("1998-", "2004", .withHyphen), ("A-", "4", .withHyphen), ("sous-pré-", "fectures", .withoutHyphen),
            ("arcs-en-", "ciel", .withHyphen), ("pot-au-", "feu", .withHyphen), ("Ren-", "dez-vous", .withoutHyphen),
            ("interlocu-", "teurs-trices", .withoutHyphen), ("salarié-", "e-s", .withHyphen), ("salarié-e-", "s", .withHyphen),
            ("happyculturecita-", "dine.fr", .withoutHyphen), ("docu-", "ment.", .withHyphen), ("shadow-", "call-stack", .withHyphen),
            ("shadow-", "calx-stack", .withoutHyphen), ("expéri\u{2010}", "mentation", .withoutHyphen),
            ("expéri\u{AD}", "mentation", .withoutHyphen), ("voir", "suite", nil), ("-", "option", nil), ("--", "target", nil),
            ("mot-", "(suite)", nil), ("mot—", "suite", nil),
        ]
        for (last, next, join) in cases {
            #expect(PDFLayout.join(last, before: next, spellings: { spellings }) == join, "\(last) \(next)")
        }
        // Joined as the lines are read: a soft hyphen kept is written as ASCII's.
        #expect(PDFLayout.text(of: [[["les grands\u{AD}", "parents d’expéri-", "mentation", "fin"], ["Suite"]]])
                    == ["les grands-parents d’expéri-mentation\nfin\n\nSuite"])
        func word(_ text: String, _ x: Double, _ y: Double, width: Double = 30) -> PDFLayout.Word {
            PDFLayout.Word(text: text, xMin: x, yMin: y, xMax: x + width, yMax: y + 12)
        }
        // A space where the boxes stand apart, none where a superscript or another font follows at once;
        // rotated text, top to bottom, likewise.
        #expect(PDFLayout.text(of: [word("XIX", 0, 0), PDFLayout.Word(text: "e", xMin: 30.1, yMin: 0, xMax: 34, yMax: 7), word("siècle", 36, 0)]) == "XIXe siècle")
        #expect(PDFLayout.text(of: [PDFLayout.Word(text: "Haut", xMin: 0, yMin: 0, xMax: 12, yMax: 30),
                                    PDFLayout.Word(text: "de", xMin: 0, yMin: 34, xMax: 12, yMax: 50),
                                    PDFLayout.Word(text: "page", xMin: 0, yMin: 50.5, xMax: 12, yMax: 80)]) == "Haut depage")
    }

    /// Whatever bytes come in place of `pdftotext`'s (here its output damaged at random), they are
    /// read without a trap: at most a word for each word tag, the same pages however the bytes come
    /// in (a page is laid out once whole), laid out into text.
    @Test func anyOutputIsReadWithoutATrap() {
        var random = SplitMix64(seed: 59)
        let output = Array(("<html><head><title>T</title></head><body>\n<doc>\n"
            + Self.laidOut([[["Les grands-", "parents d’expéri-", "mentation, 1998-"], ["2004 fin"]], [["Suite"]]]) + "</doc>").utf8)
        let pieces = ["<word ", " xMin=\"", "\"", "=", "-", ".", ">", "<", "</word>", "</line>", "</flow>", "</page>", "<doc>", "é", "\u{AD}", " ", "B", "&amp;"]
        var read = 0
        for _ in 0..<2_000 {
            var bytes = output
            for _ in 0...(random.next() % 3) {
                let at = Int(random.next() % UInt64(bytes.count))
                if random.next() % 2 == 0 {
                    bytes.removeSubrange(at..<min(at + 1 + Int(random.next() % 8), bytes.count))
                } else {
                    bytes.insert(contentsOf: pieces[Int(random.next() % UInt64(pieces.count))].utf8, at: at)
                }
            }
            let tags = (0..<bytes.count).filter { bytes[$0...].starts(with: "<word ".utf8) }.count
            #expect(PDFLayout.pages(of: bytes).joined().joined().joined().count <= tags)
            var whole = PDFLayout(), inPieces = PDFLayout()
            whole.append(bytes[...])
            var start = 0
            while start < bytes.count {
                let end = min(start + 1 + Int(random.next() % 40), bytes.count)
                inPieces.append(bytes[start..<end])
                start = end
            }
            #expect(inPieces.pages == whole.pages && inPieces.head == whole.head)
            if !whole.text().joined().isEmpty { read += 1 }
        }
        // Not only nothing: most of it still reads as text.
        #expect(read > 1_800, "\(read)")
    }
}
