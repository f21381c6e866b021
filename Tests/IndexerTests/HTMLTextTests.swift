import Foundation
import Testing
@testable import Indexer
import TestSupport

/// An HTML page is read as the Markdown of what it shows, and split as a `.md` page is.
@Suite struct HTMLTextTests {
    static let page = """
        <!DOCTYPE html>
        <html lang="fr">
        <head>
          <meta charset="utf-8">
          <title>Guide du jardin &mdash; Association</title>
          <style>body { font: 12px; } a > b { color: red }</style>
          <script>if (a<b && c == 'x') { document.write("</div><h2>faux</h2>"); }</script>
        </head>
        <body>
        <p>Une introduction assez longue pour faire une entr&eacute;e &agrave; elle seule, avec plus de douze mots.</p>
        <h2 class="titre">Les semis</h2>
        <p>Semer en <b>avril</b>, arroser souvent, et attendre que les graines l&egrave;vent dans la terre &amp; la chaleur.</p>
        <ul><li>Tomates</li><li>Courgettes *bio* et [serre]</li></ul>
        <!-- un commentaire <h2>caché</h2> -->
        <h2>La r&#233;colte</h2>
        <p>R&eacute;colter en &eacute;t&eacute; quand les fruits sont m&ucirc;rs, puis les conserver au frais : 5 &lt; 7 &#x26; &inconnu; &#0;.</p>
        <table><tr><td>Nom</td><td>Valeur</td></tr><tr><td>Clichy-sous-Bois</td><td>3,5&nbsp;%</td></tr></table>
        <pre>ligne   un
        # ligne deux</pre>
        </body>
        </html>
        """

    /// Through `Corpus.read`, as `fts index` reads a page: the sections at its headings, titled by
    /// them (the first by the page's title), their lines the page's, their text as shown.
    @Test func aPageSplitsAtItsHeadingsAndReadsAsShown() throws {
        let folder = try TemporaryFolder()
        try Self.page.write(toFile: folder.file("guide.html"), atomically: false, encoding: .utf8)
        let (files, issues) = Corpus.files(in: [folder.path])
        #expect(issues.isEmpty && files.map(\.name) == ["guide.html"])
        var documents: [SourceDocument] = []
        for file in files { try Corpus.read(file, document: { documents.append($0) }, issue: { Issue.record("\($0)") }) }
        #expect(documents.map(\.title) == ["Guide du jardin — Association", "Les semis", "La récolte"])
        #expect(documents.map(\.line) == [1, 11, 15])
        #expect(documents.map(\.body) == [
            "Une introduction assez longue pour faire une entrée à elle seule, avec plus de douze mots.",
            "Semer en avril, arroser souvent, et attendre que les graines lèvent dans la terre & la chaleur.\n\n- Tomates\n- Courgettes *bio* et [serre]",
            "Récolter en été quand les fruits sont mûrs, puis les conserver au frais : 5 < 7 & &inconnu; &#0;.\n\nNom Valeur\nClichy-sous-Bois 3,5 %\n\nligne   un\n# ligne deux",
        ])
    }

    /// A page whose first heading comes first is titled by it, not by its `<title>`; a page with no
    /// heading by its `<title>`, at the level of its headings; what is not closed ends the page.
    @Test func theTitleTitlesWhatComesBeforeAnyHeading() {
        let headed = HTMLText.markdown("<title>Site</title><h1>Accueil</h1><p>Bienvenue.</p>")
        #expect(headed.lines == ["# Accueil", "", "Bienvenue."])
        let untitled = HTMLText.markdown("<title>Site\n  web</title><p>Du texte.</p><h3>Suite</h3><p>Encore.</p>")
        #expect(untitled.lines == ["### Site web", "", "Du texte.", "", "### Suite", "", "Encore."])
        #expect(untitled.sourceLines.count == untitled.lines.count)
        #expect(HTMLText.markdown("<p>Texte <b>gras</b> et <!-- jamais fermé").lines == ["Texte gras et"])
        #expect(HTMLText.markdown("<p>a <span title=\"x > y\">b</span> <script>x").lines == ["a b"])
        // What a page does not show: the head's text, noscript and template content.
        #expect(HTMLText.markdown("<head><title>T</title>perdu</head><h1>A</h1><p>B</p><noscript>Activez JavaScript.</noscript>"
                                  + "<template><p>modèle</p></template>").lines == ["# A", "", "B"])
        // The page's text opens no code fence: the heading after it stays a heading.
        var splitter = SectionSplitter()
        splitter.markdownFile = true
        let tildes = HTMLText.markdown("<p>~~~ et ```</p><h2>Titre</h2><p>Un texte assez long pour faire une entrée à lui seul, vraiment.</p>")
        #expect(splitter.split(lines: tildes.lines).map(\.title) == ["Titre"])
        #expect(HTMLText.markdown("<p>1 < 2 et <3 et <").lines == ["1 \\< 2 et \\<3 et \\<"])
    }

    /// Pages of markup in any order, unclosed and misnested (bounds checked in debug builds): a line
    /// of the page for each line, in order, none blank at the end; a charset declared or not.
    @Test func anyPageReadsWithoutTrapping() {
        var random = SplitMix64(seed: 43)
        let pieces = ["<", ">", "</", "/>", "<!--", "-->", "&", ";", "&amp;", "&#", "&#x", "<script>", "</script>", "<main>", "</main>",
                      "<h1>", "</h1>", "<h3 a='>'>", "<head>", "</head>", "<title>", "<li>", "<pre>", "</pre>", "<br>", "\"", "'",
                      "\n", " ", "mot", "é", "*", "#", "<meta ", "charset", "=", "content=", "http-equiv=content-type", "/"]
        for _ in 0..<10_000 {
            let text = (0..<Int(random.next() % 16)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let page = HTMLText.markdown(text)
            let label = HTMLText.declaredCharset(Array(text.utf8))
            #expect(label.map { !$0.isEmpty && $0 == $0.lowercased() && $0 == $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? true, "\(text)")
            #expect(page.lines.count == page.sourceLines.count && page.lines.last?.isEmpty != true, "\(text)")
            #expect(zip(page.sourceLines, page.sourceLines.dropFirst()).allSatisfy { $0 <= $1 }, "\(text)")
        }
    }

    /// A page with a `<main>` shows that alone: not the site's menus, sidebars and dialogs, nor their headings.
    @Test func aMainElementIsThePage() {
        let page = """
            <html><head><title>Semis</title></head><body>
            <nav><h2>Menu</h2><ul><li>Accueil</li></ul></nav>
            <main class="contenu"><h1>Les semis</h1><p>Semer en avril.</p></main>
            <div id="aide"><h2>Raccourcis clavier</h2><p>Appuyez sur S.</p></div>
            </body></html>
            """
        #expect(HTMLText.markdown(page).lines == ["# Les semis", "", "Semer en avril."])
        #expect(HTMLText.markdown(page.replacingOccurrences(of: "main", with: "div")).lines
                == ["## Menu", "", "- Accueil", "", "# Les semis", "", "Semer en avril.", "", "## Raccourcis clavier", "", "Appuyez sur S."])
    }

    /// A page's charset is read where browsers read it: a `<meta charset>` or a content type's
    /// `charset=`, in any case, quoted or not, in the first 1,024 bytes, outside comments.
    @Test func aPageDeclaresItsCharset() {
        func declared(_ page: String) -> String? { HTMLText.declaredCharset(Array(page.utf8)) }
        #expect(declared("<html><head><meta charset=\"ISO-8859-15\"><title>a</title>") == "iso-8859-15")
        #expect(declared("<META CHARSET=latin1>") == "latin1")
        #expect(declared("<meta\tcharset = ' utf-8 '/>") == "utf-8")
        #expect(declared("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">") == "iso-8859-1")
        #expect(declared("<meta content='text/html;charset=\"windows-1252\"' http-equiv=content-type>") == "windows-1252")
        #expect(declared("<meta name=\"description\" content=\"charset=koi8-r\"><meta charset=\"macintosh\">") == "macintosh")
        #expect(declared("<!-- <meta charset=\"koi8-r\"> --><meta charset=\"l9\">") == "l9")
        #expect(declared("<metadata charset=\"koi8-r\"><p>charset=koi8-r</p>") == nil)
        #expect(declared("<meta http-equiv=\"refresh\" content=\"0; charset=koi8-r\">") == nil)
        #expect(declared("<!-- " + String(repeating: "x", count: 1_020) + " --><meta charset=\"latin9\">") == nil)
        #expect(declared("<meta charset=latin9 name=x>") == "latin9")
        #expect(declared("<meta charset=\"l9\" charset=\"koi8-r\">") == "l9")
        #expect(declared("<meta http-equiv=content-type content=\"text/html; charsetx=koi8-r; charset = l9\">") == "l9")
        #expect(declared("<meta charset=") == nil)
        #expect(declared("<!-- <meta charset=latin9>") == nil)
    }

    /// A page saved in Latin-9, as it says, reads as such, with no issue: `c½ur` would be Windows-1252's reading.
    @Test func aPageInItsDeclaredCharsetReadsAsWritten() throws {
        let folder = try TemporaryFolder()
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-15\"></head>"
            + "<body><h1>Le c\u{153}ur</h1><p>Une \u{153}uvre \u{E0} 5 \u{20AC}.</p></body></html>"
        let latin9: [UInt32: UInt8] = [0x153: 0xBD, 0x20AC: 0xA4]
        let bytes = page.unicodeScalars.map { scalar in latin9[scalar.value] ?? UInt8(scalar.value) }
        #expect(FileManager.default.createFile(atPath: folder.file("vieux.html"), contents: Data(bytes)))
        let (files, _) = Corpus.files(in: [folder.path])
        var documents: [SourceDocument] = []
        for file in files { try Corpus.read(file, document: { documents.append($0) }, issue: { Issue.record("\($0)") }) }
        #expect(documents.map(\.title) == ["Le cœur"])
        #expect(documents.map(\.body) == ["Une œuvre à 5 €."])
    }

    /// A page in a charset fts does not decode itself (Cyrillic, Chinese, Arabic) reads through ICU as
    /// it says, with no issue; one ICU does not know is read as before, with an issue naming it.
    @Test func aPageInAnyCharsetICUKnowsReadsAsWritten() throws {
        let folder = try TemporaryFolder()
        // "Привет, мир" in KOI8-R; "中文网页" in GB2312; "مرحبا" in Windows-1256.
        let pages: [(String, String, [UInt8], String)] = [
            ("koi8.html", "koi8-r", [0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4, 0x2C, 0x20, 0xCD, 0xC9, 0xD2], "Привет, мир"),
            ("gb.html", "GB2312", [0xD6, 0xD0, 0xCE, 0xC4, 0xCD, 0xF8, 0xD2, 0xB3], "中文网页"),
            ("arabe.html", "windows-1256", [0xE3, 0xD1, 0xCD, 0xC8, 0xC7], "مرحبا"),
        ]
        for (name, charset, text, _) in pages {
            let bytes = Array("<html><head><meta charset=\"\(charset)\"></head><body><h1>Titre</h1><p>".utf8) + text + Array("</p></body></html>".utf8)
            #expect(FileManager.default.createFile(atPath: folder.file(name), contents: Data(bytes)))
        }
        let unknown = Array("<html><head><meta charset=\"x-nulle-part\"></head><body><h1>Titre</h1><p>caf".utf8) + [0xE9] + Array("</p></body></html>".utf8)
        #expect(FileManager.default.createFile(atPath: folder.file("inconnu.html"), contents: Data(unknown)))
        var bodies: [String: String] = [:], issues: [String] = []
        for file in Corpus.files(in: [folder.path]).files {
            try Corpus.read(file, document: { bodies[file.name] = $0.body }, issue: { issues.append($0.message) })
        }
        for (name, _, _, expected) in pages { #expect(bodies[name] == expected, "\(name)") }
        #expect(bodies["inconnu.html"] == "café")
        #expect(issues == ["not UTF-8; read as Windows-1252 (Latin-1); its declared charset \"x-nulle-part\" is not one fts reads"])
    }
}
