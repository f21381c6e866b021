import Testing
@testable import Indexer
import TestSupport

/// A Markdown line as a page shows it: what a Markdown section indexes and stores.
@Suite struct MarkdownTextTests {
    @Test(arguments: [
        // Emphasis, at a word's edge or inside one.
        ("Livret de **réemploi** et d'**alimentation durable**", "Livret de réemploi et d'alimentation durable"),
        ("*Hauts-de-France* et __gras__ et _penché_", "Hauts-de-France et gras et penché"),
        ("- **NOM DE L'ENTREPRISE** : Association", "- NOM DE L'ENTREPRISE : Association"),
        ("un**mot**coupé", "unmotcoupé"),
        // What stays: a star between spaces, an underscore inside a word, a list's star.
        ("5 * 3 = 15 et mon_fichier_final.txt", "5 * 3 = 15 et mon_fichier_final.txt"),
        ("* un point de liste", "* un point de liste"),
        // Headings, quotes, closing hashes.
        ("## FICHE IDENTITÉ", "FICHE IDENTITÉ"),
        ("# **L'alimentation durable** #", "L'alimentation durable"),
        ("#### **PARTENAIRES :**", "PARTENAIRES :"),
        ("#hashtag", "#hashtag"),
        ("> > une citation *citée*", "une citation citée"),
        // Links, images, autolinks, tags.
        ("- **SITE INTERNET** : [www.panierdelamer.fr/boulogne/](http://www.panierdelamer.fr/boulogne/)",
         "- SITE INTERNET : www.panierdelamer.fr/boulogne/"),
        ("Mail : [contact@vestali.fr](mailto:contact@vestali.fr) ;", "Mail : contact@vestali.fr ;"),
        ("voir [le guide [complet]](https://a.fr/g_(v2)) ici", "voir le guide [complet] ici"),
        ("une ![photo du jardin](jardin.png) et [la suite][2]", "une photo du jardin et la suite"),
        ("Cf <https://www.paniers-hdf.fr/site/> et <contact@a.fr>", "Cf https://www.paniers-hdf.fr/site/ et contact@a.fr"),
        ("4600 m<sup>2</sup> de serres<br/>", "4600 m2 de serres"),
        ("a < b et c > d, [note] (voir plus)", "a < b et c > d, [note] (voir plus)"),
        ("#include <unicode/ustring.h> et -no_<prot>, <a href=\"x\">lien</a> <!-- note -->", "#include <unicode/ustring.h> et -no, lien "),
        // A link whose text began on the line before.
        ("sur deux lignes](https://exemple.fr/(a)) et (la suite)", "sur deux lignes et (la suite)"),
        // Code spans, escapes.
        ("lancer `fts index` puis \\*vraiment\\*", "lancer fts index puis *vraiment*"),
        ("lancer `fts index` ici", "lancer fts index ici"),
        // Rules and reference definitions leave blank lines.
        ("---", ""), ("* * *", ""), ("___", ""), ("[2]: https://exemple.fr/suite", ""),
        ("|---|:---:|", ""), (":--- | ---", ""), ("| Nom | **Valeur** |", "| Nom | Valeur |"), ("a | b - c", "a | b - c"),
        ("", ""), ("   ", "   "),
        // A line with no mark at all, as most are.
        ("À Clichy-sous-Bois, 3,5 % de l’économie !", "À Clichy-sous-Bois, 3,5 % de l’économie !"),
    ])
    func aLineReadsAsAPageShowsIt(_ line: String, _ shown: String) {
        #expect(MarkdownText.plain(line) == shown)
    }

    /// Code fences as CommonMark reads them: closed by as many or more of the same mark, alone on
    /// their line; an info string after backticks holds no backtick; one left open runs to the end.
    @Test func codeFencesHoldCodeAsWritten() {
        typealias Role = MarkdownText.FenceRole
        let lines = ["Texte", "```sh", "# commentaire", "~~~", "``", "```", "fin", "   ~~~~ python", "**kwargs", "~~~", "~~~~~", "``a``", "```x`y", "ouvert"]
        #expect(MarkdownText.fenceRoles(lines) == [Role.text, .fence, .code, .code, .code, .fence, .text, .fence, .code, .code, .fence, .text, .text, .text])
        #expect(MarkdownText.fenceRoles(["```", "jamais fermé", "# suite"]) == [Role.fence, .code, .code])
        #expect(MarkdownText.shown(["Un **mot**", "```", "un **mot**", "```"]) == ["Un mot", "", "un **mot**", ""])
    }

    /// A link's text and destination are looked for within `MarkdownText.reach` bytes, so that a line
    /// of brackets reads in linear time, as long lines of `<` and `](` do.
    @Test func linksAreLookedForWithinReach() {
        let near = String(repeating: "a", count: MarkdownText.reach - 10), far = String(repeating: "a", count: MarkdownText.reach + 10)
        #expect(MarkdownText.plain("[\(near)](https://x.fr)") == near)
        // (Its `](…)` is then read as the end of a link begun on a line before.)
        #expect(MarkdownText.plain("[\(far)](https://x.fr)") == "[\(far)")
        #expect(MarkdownText.plain("[a](\(far))") == "[a](\(far))")
        for mark in ["[", "<", "](", "![", "[a]("] {
            let line = String(repeating: mark, count: 20_000)
            #expect(MarkdownText.plain(line).utf8.count <= line.utf8.count)
        }
    }

    /// Lines of marks in any order (bounds checked in debug builds): one line out, no longer than
    /// the line in, and the same line again once shown, but for escapes.
    @Test func anyLineOfMarksReadsWithoutTrapping() {
        var random = SplitMix64(seed: 41)
        let pieces = ["*", "_", "`", "\\", "[", "]", "(", ")", "<", ">", "!", "#", "-", "=", "|", ":", " ", "a", "é", "http://x", "<b>", "**"]
        for _ in 0..<20_000 {
            let line = (0..<Int(random.next() % 12)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            let shown = MarkdownText.plain(line)
            #expect(!shown.contains("\n") && shown.utf8.count <= line.utf8.count, "\(line)")
        }
    }
}
