import Foundation
import Testing
@testable import Indexer
import TestSupport

/// Golden tests for each rule of the analyzer, on sentences of the bundled corpus.
@Suite struct FrenchAnalyzerTests {
    let analyzer: FrenchAnalyzer

    init() throws { analyzer = try FrenchAnalyzer() }

    @Test func keepsWordsAndNumbersAndDropsPunctuation() throws {
        let tokens = try analyzer.tokens("Pari tenu. L’entreprise, avec un chiffre d’affaires annuel de 1,4 millions d’euros !")
        #expect(tokens.map(\.term) == ["pari", "tenu", "entrepris", "avec", "un", "chiffr", "affair", "annuel", "de", "1,4", "million", "euros"])
        #expect(tokens.map(\.position) == Array(0..<12))
    }

    @Test func rangesPointAtTheSourceText() throws {
        let text = "Baluchon, c’est d’abord une idée ingénieuse : créer une activité dans la restauration"
        let utf8 = Array(text.utf8)
        let sources = try analyzer.tokens(text).map { String(decoding: utf8[$0.range], as: UTF8.self) }
        #expect(sources == ["Baluchon", "est", "abord", "une", "idée", "ingénieuse", "créer", "une", "activité", "dans", "la", "restauration"])
    }

    static let elided = ["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"]

    /// `´`, typed for an apostrophe where a keyboard has no `’`: ICU parts words at it, so an elided
    /// article before it goes as before `’` (`l´école` is `école`), and elsewhere it parts words.
    @Test func anAcuteAccentForAnApostropheAfterAnElidedArticle() throws {
        for particle in Self.elided {
            #expect(try analyzer.terms("\(particle)´économie") == ["econom"], "\(particle)´")
            #expect(try analyzer.terms("\(particle.uppercased())´ ÉCONOMIE") == ["econom"], "\(particle)´ ")
        }
        #expect(try analyzer.terms("la lettre l´, puis d´abord") == ["la", "lettr", "puis", "abord"])
        #expect(try analyzer.terms("aujourd´hui") == ["aujourd", "hui"])
    }

    @Test(arguments: ["’", "'", "ʼ", "‘"])
    func removesElision(apostrophe: String) throws {
        for particle in Self.elided {
            #expect(try analyzer.terms("\(particle)\(apostrophe)économie") == ["econom"], "\(particle)\(apostrophe)")
            #expect(try analyzer.terms("\(particle.uppercased())\(apostrophe)ÉCONOMIE") == ["econom"], "\(particle)\(apostrophe)")
            // Typed with a space after the apostrophe, or alone: still elided, as `l’` in a query.
            #expect(try analyzer.terms("\(particle)\(apostrophe) économie") == ["econom"], "\(particle)\(apostrophe) ")
            #expect(try analyzer.terms("(\(particle)\(apostrophe))") == [], "(\(particle)\(apostrophe))")
        }
        // A lone letter without an apostrophe is a word, and so is a word that is not elided.
        #expect(try analyzer.terms("la lettre l, puis d") == ["la", "lettr", "l", "puis", "d"])
        #expect(try analyzer.terms("aujourd\(apostrophe) hui").map { $0.prefix(7) } == ["aujourd", "hui"])
        #expect(try analyzer.terms("aujourd\(apostrophe)hui") == ["aujourd'hui"])
        #expect(try analyzer.terms("presqu\(apostrophe)île") == ["presqu'il"])
        // A word that ends in digits is a number to ICU: its article goes all the same, and a number that
        // starts with a digit keeps its apostrophe (`1'000`, as the Swiss write it).
        #expect(try analyzer.terms("d\(apostrophe)IPv6 L\(apostrophe)A380 qu\(apostrophe)ISO9001") == ["ipv6", "a380", "iso9001"])
        #expect(try analyzer.terms("1\(apostrophe)000").map { $0.hasPrefix("1") } == [true])
        // A sentence run on without a space elides as it would after one.
        #expect(try analyzer.terms("utilisateur.L\(apostrophe)emplacement") == ["utilis", "emplac"])
        // An English possessive goes, as Lucene's EnglishPossessiveFilter drops it: `manager’s` is `manager`.
        #expect(try analyzer.terms("manager\(apostrophe)s McDonald\(apostrophe)S it\(apostrophe)s") == analyzer.terms("manager McDonald it"))
        let possessive = "le manager\(apostrophe)s guide"
        let utf8 = Array(possessive.utf8)
        #expect(try analyzer.tokens(possessive).map { String(decoding: utf8[$0.range], as: UTF8.self) } == ["le", "manager", "guide"])
        // Not a possessive: a contraction stays one word.
        #expect(try analyzer.terms("you\(apostrophe)re").count == 1)
        #expect(try analyzer.terms("you\(apostrophe)re") != analyzer.terms("you"))
    }

    /// A number written in groups of three digits, as French typography writes large numbers, is one
    /// number, its digits, whatever single space is between its groups (plain, no-break, narrow
    /// no-break, which ICU keeps inside a word, or thin); a narrow no-break space otherwise parts
    /// words as any space does.
    @Test func digitsInGroupsAreOneNumber() throws {
        let spaced = try analyzer.terms("100 000 habitants, 2 500 000,50 euros, 12 345.5")
        #expect(spaced == ["100000", "habit", "2500000,50", "euros", "12345.5"])
        for space in ["\u{A0}", "\u{202F}", "\u{2009}"] {
            #expect(try analyzer.terms("100\(space)000 habitants, 2\(space)500\(space)000,50 euros, 12\(space)345.5") == spaced, "\(space)")
        }
        let tokens = try analyzer.tokens("l’an 1 000 000 de visiteurs")
        #expect(tokens.map { "\($0.term)@\($0.position)" } == ["an@0", "1000000@1", "de@2", "visiteur@3"])
        #expect(tokens[1].range == 7..<16)
        // Not groups: a first group of four digits, a group of two or four, two spaces, a tab, a decimal
        // part before the next group, digits glued to letters.
        for text in ["2024 2025", "06 12 34 56 78", "1 2345", "1  000", "1\t000", "1,5 000", "100 000e", "1 000 0000"] {
            #expect(try analyzer.terms(text).count > 1, "\(text)")
        }
        #expect(try analyzer.terms("2024\u{202F}2025") == ["2024", "2025"])
        // A unit after a narrow no-break space makes one ICU word of letters: its number is grouped all the same.
        #expect(try analyzer.terms("12\u{202F}000\u{202F}km, 1\u{202F}500\u{202F}€") == ["12000", "km", "1500"])
        #expect(try analyzer.tokens("l’A\u{202F}380 et mot\u{202F}mot").map { "\($0.term)@\($0.position)" } == ["a@0", "380@1", "et@2", "mot@3", "mot@4"])
        // Groups on either side of a hyphen stay two numbers.
        #expect(try analyzer.terms("de 1 000-2 000") == ["de", "1000", "2000"])
    }

    /// An ordinal typed any of the usual ways is the one term French typography writes.
    @Test func ordinalsAreOneTerm() throws {
        #expect(try analyzer.terms("2e 2ème 2eme 2è 2ième 2EME") == Array(repeating: "2e", count: 6))
        #expect(try analyzer.terms("1re 1ère 1ere 1er 15ème XXIe") == ["1re", "1re", "1re", "1er", "15e", "xxi"])
        #expect(try analyzer.terms("le 15ème de la ville") == analyzer.terms("le 15e de la ville"))
    }

    /// ICU keeps `@` inside a word; an address is split there, its parts at consecutive positions.
    @Test func addressesAreSplitAtTheAt() throws {
        let tokens = try analyzer.tokens("écrivez à david@tilapin.org ou french@lists.debian.org")
        #expect(tokens.map(\.term) == ["ecriv", "a", "david", "tilapin", "org", "ou", "french", "list", "debian", "org"])
        #expect(tokens.map(\.position) == Array(0..<10))
        #expect(try analyzer.terms("@david dupont@") == ["david", "dupont"])
        // Letters around an `@` are no acronym (`D.E.S.I.R`).
        #expect(try analyzer.terms("a@b.fr") == ["a", "b", "fr"])
    }

    @Test func elisionInCorpusSentences() throws {
        let sentence = "L’agence de communication solidaire mise sur la créativité des salarié-e-s qu’elle accueille"
        #expect(try analyzer.terms(sentence) == ["agenc", "de", "commun", "solidair", "mis", "sur", "la", "creativ", "de", "salari", "elle", "accueil"])
        #expect(try analyzer.terms("jusqu’à 2,5 M€ par an, puisqu’après Marseille, l’œuvre") == ["a", "2,5", "m", "par", "an", "apres", "marseil", "oeuvr"])
    }

    @Test func foldsCaseAccentsAndLigatures() throws {
        #expect(try analyzer.terms("ÉCONOMIE SOCIALE ET SOLIDAIRE") == analyzer.terms("économie sociale et solidaire"))
        #expect(try analyzer.terms("œuvre Œuvre cœur Æther") == ["oeuvr", "oeuvr", "coeur", "aether"])
        #expect(try analyzer.tokens("Écologie").map(\.surface) == ["ecologie"])
        #expect(try analyzer.tokens("ﬁlière").map(\.surface) == ["filiere"])
    }

    /// A soft hyphen (`&shy;`, Word's optional hyphen) or another invisible character inside a word is
    /// not part of its term nor of its spelling, and the word keeps its place in the text.
    @Test func invisibleAndSuperscriptCharactersInsideAWordArePlainLetters() throws {
        let text = "l’écono\u{AD}mie so\u{AD}ciale, coopé\u{200D}ration, sa\u{2060}la\u{FEFF}rié\u{200C}e\u{AD}s"
        #expect(try analyzer.terms(text) == analyzer.terms("l’économie sociale, coopération, salariées"))
        let tokens = try analyzer.tokens(text)
        #expect(tokens.map(\.surface) == ["economie", "sociale", "cooperation", "salariees"])
        #expect(tokens.map { String(decoding: Array(text.utf8)[$0.range], as: UTF8.self) }
                    == ["écono\u{AD}mie", "so\u{AD}ciale", "coopé\u{200D}ration", "sa\u{2060}la\u{FEFF}rié\u{200C}e\u{AD}s"])
        // Superscript letters, as French typography sets ordinals and centuries, are letters.
        #expect(try analyzer.terms("le XIXᵉ siècle, le 1ᵉʳ mai, la 2ᵉ édition, Mᵐᵉ Dupont")
                    == analyzer.terms("le XIXe siècle, le 1er mai, la 2e édition, Mme Dupont"))
        #expect(try analyzer.tokens("XIXᵉ").map(\.surface) == ["xixe"])
    }

    @Test func stemsLikeSnowball() throws {
        #expect(try analyzer.terms("coopératives coopérative coopératif") == ["cooper", "cooper", "cooper"])
        #expect(try analyzer.terms("entreprises entreprise") == ["entrepris", "entrepris"])
    }

    @Test(arguments: [
        ("salarié-e-s", "salariés"), ("salarié·e·s", "salariés"), ("salarié.e.s", "salariés"),
        ("salarié(e)s", "salariés"), ("salarié‐e‐s", "salariés"), ("salarié-es", "salariés"),
        ("SALARIÉ-E-S", "salariés"), ("salarie-e-s", "salaries"),
        ("habitant-e-s", "habitants"), ("accompagnateurs-trices", "accompagnateurs"),
        ("accompagnateur·rice·s", "accompagnateurs"), ("un-e", "un"), ("chacun-e", "chacun"),
        ("citoyen-ne", "citoyen"), ("professionnel-le", "professionnel"), ("gardien-ne", "gardien"),
        ("nombreux-euses", "nombreux"), ("locaux-les", "locaux"), ("encadrant.e.s", "encadrants"),
        ("actif-ve-s", "actifs"), ("conseiller-e-s", "conseillers"), ("tou·te·s", "tous"),
        ("acteur/trice", "acteur"), ("étudiant(e)", "étudiant"),
    ])
    func inclusiveWritingMeetsThePlainForm(inclusive: String, plain: String) throws {
        let tokens = try analyzer.tokens(inclusive)
        #expect(try tokens.map(\.term) == analyzer.terms(plain))
        #expect(tokens.count == 1)
    }

    @Test func inclusiveWritingInACorpusSentence() throws {
        let sentence = "LePoleS est aujourd’hui le 1er employeur de la Caravelle et le 15ème de la ville qui compte 19% d’actif-ve-s inscrit-e-s à Pôle emploi"
        let plain = "LePoleS est aujourd’hui le 1er employeur de la Caravelle et le 15ème de la ville qui compte 19% d’actifs inscrits à Pôle emploi"
        #expect(try analyzer.terms(sentence) == analyzer.terms(plain))
        #expect(try !analyzer.terms(sentence).contains("e"))
    }

    @Test func compoundsKeepTheirPartsAtConsecutivePositions() throws {
        let tokens = try analyzer.tokens("la Ville de Clichy-sous-Bois élabore")
        #expect(tokens.map(\.term) == ["la", "vill", "de", "clichy", "sous", "bois", "elabor"])
        #expect(tokens.map(\.position) == Array(0..<7))
        // A hyphenated place name is no inclusive writing, even where a part looks like an ending.
        #expect(try analyzer.terms("Villeneuve-le-Roi Dammarie-les-Lys") == ["villeneuv", "le", "roi", "dammar", "le", "ly"])
    }

    /// Asked to (as the indexer asks), a compound of two words is also the one word it is written as:
    /// `en-tête` as `entête`, at the first word's position, spanning both words' text.
    @Test func compoundsOfTwoWordsAreAlsoJoined() throws {
        func joined(_ text: String) throws -> [String] {
            let utf8 = Array(text.utf8)
            return try analyzer.tokens(text, joiningCompounds: true).filter { $0.span == 2 }
                .map { "\($0.term)@\($0.position) \(String(decoding: utf8[$0.range], as: UTF8.self))" }
        }
        let tokens = try analyzer.tokens("Modifier l’en-tête", joiningCompounds: true)
        #expect(try tokens.map(\.term) == ["modifi", "en", "tet", analyzer.terms("entête")[0]])
        #expect(tokens.map(\.position) == [0, 1, 2, 1])
        #expect(tokens.map(\.span) == [1, 1, 1, 2])
        #expect(try joined("un e-mail, du ré-emploi et l’éco‑pâturage") == ["email@1 e-mail", "reemploi@4 ré-emploi", "ecopaturag@7 éco‑pâturage"])
        #expect(try analyzer.terms("réemploi") == ["reemploi"])
        // Not asked: the parts alone.
        #expect(try analyzer.tokens("l’en-tête").allSatisfy { $0.span == 1 })
        // A verb and its pronoun, a demonstrative's `-ci`, numbers, three words, inclusive writing, a
        // slash, or under four letters: no word.
        for text in ["dit-il", "vas-y", "allez-vous", "celui-ci", "elle-même", "utf-8", "2023-2024", "2-pièces", "Clichy-sous-Bois",
                     "salarié-e", "acteurs-trices", "et/ou", "o-r", "a-t-il"] {
            #expect(try joined(text).isEmpty, "\(text)")
        }
    }

    @Test func acronymsMeetTheirPlainSpelling() throws {
        let sentence = "Porté par ConcertES et la CRESS Nord-Pas-de-Calais et avec le soutien du programme INTERREG, D.E.S.I.R. (clôturé en décembre 2012)"
        #expect(try analyzer.terms(sentence).contains(analyzer.terms("desir")[0]))
        #expect(try analyzer.terms("D.E.S.I.R.") == analyzer.terms("desir"))
        #expect(try analyzer.terms("D.E.S.I.R") == analyzer.terms("DESIR"))
        #expect(try analyzer.terms("P.A.N.I.E.R.S.") == analyzer.terms("paniers"))
        #expect(try analyzer.terms("C.C.A.S.") == analyzer.terms("ccas"))
        // Dotted words that are not acronyms split into their parts, like compounds.
        #expect(try analyzer.terms("nosterritoiresontdelavenir.org") == ["nosterritoiresontdelaven", "org"])
    }

    /// A dot between digits is a number's, as ICU keeps it when the word ends in a digit (`1.0b2`):
    /// a version ending in a letter is one word too, never split nor glued as an acronym.
    @Test func versionsEndingInALetterStayWhole() throws {
        #expect(try analyzer.terms("3.0a 1.2.3a x3.0a 1.0b2") == ["3.0a", "1.2.3a", "x3.0a", "1.0b2"])
        #expect(try analyzer.terms("v2.0.tar.gz 1.5.pdf") == ["v2.0", "tar", "gz", "1.5", "pdf"])
    }

    @Test func numbersAreKeptVerbatim() throws {
        #expect(try analyzer.terms("45,320 IT equipment reused by 2022.") == ["45,320", "it", "equipment", "reused", "by", "2022"])
        #expect(try analyzer.terms("jusqu’à 2,5 M€") == ["a", "2,5", "m"])
        #expect(try analyzer.terms("60490 Mortemer") == ["60490", "mortem"])
        // ICU calls letters-and-digits words numbers: they are folded, not stemmed.
        #expect(try analyzer.terms("CO2 OPAC38 Ⅻ2") == ["co2", "opac38", "xii2"])
    }

    @Test func stopWordsAreKeptAtTheirPositions() throws {
        let tokens = try analyzer.tokens("Ressourcerie Il était deux fois")
        #expect(tokens.count == 5)
        #expect(tokens.map(\.position) == [0, 1, 2, 3, 4])
        #expect(tokens.map(\.term) == ["ressourcer", "il", "etait", "deux", "fois"])
    }

    @Test func emptyAndPunctuationOnlyInputsGiveNoTerms() throws {
        #expect(try analyzer.tokens("").isEmpty)
        #expect(try analyzer.tokens("  \n\t … — « » ! ? ; : , . - ( ) ").isEmpty)
    }

    @Test func invalidUTF8IsReplacedNotFatal() throws {
        let bytes: [UInt8] = Array("économie ".utf8) + [0xFF, 0xC3, 0x28, 0xE2, 0x82] + Array(" solidaire".utf8)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(try analyzer.terms(text) == ["econom", "solidair"])
        #expect(try analyzer.tokens("\u{FFFD}\u{0}\u{1}").isEmpty)
    }

    @Test func chainsStraddlingBatchesAreAnalysedWhole() throws {
        // The word breaker hands words over in batches of 1024; a joined chain must survive the seam.
        for filler in 1018...1026 {
            let text = String(repeating: "mot ", count: filler) + "salarié-e-s D.E.S.I.R fin"
            let terms = try analyzer.terms(text)
            #expect(terms.count == filler + 3)
            #expect(try Array(terms.suffix(3)) == ["salari", analyzer.terms("desir")[0], "fin"])
        }
    }

    @Test func aWordAloneIsAnalysedAsICUSegmentsItInASentence() throws {
        // A query word of plain letters skips ICU: it must come out as ICU would make it.
        var words = try Fixtures.lines("voc.txt")
        words += words.prefix(2000).map { $0.uppercased() } + words.prefix(2000).map(\.capitalized)
        words += ["ÉCONOMIE", "Straße", "ÿÀÖØöøþ", "a×b", "a÷b", "x", String(repeating: "é", count: 40), String(repeating: "mot", count: 30)]
        var random = SplitMix64(seed: 11)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZàâäçéèêëîïôöùûüÿæœÀÉÇ0123456789'’.-")
        for _ in 0..<3000 {
            words.append(String((0..<(1 + Int(random.next() % 12))).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
        }
        func summary(_ tokens: [Token]) -> [String] { tokens.map { "\($0.term)|\($0.surface)|\($0.position)|\($0.range)" } }
        for word in words {
            #expect(summary(try analyzer.tokens(word)) == summary(try analyzer.tokens(word + " .")), "\(word)")
        }
    }

    @Test func analyzesEveryBundledFileWithConsistentPositionsAndRanges() throws {
        for (name, text) in try Fixtures.corpus() {
            let tokens = try analyzer.tokens(text)
            #expect(tokens.count > 500, "\(name)")
            #expect(tokens.map(\.position) == Array(0..<tokens.count), "\(name)")
            #expect(zip(tokens, tokens.dropFirst()).allSatisfy { $0.range.upperBound <= $1.range.lowerBound }, "\(name)")
            #expect(tokens.allSatisfy { !$0.term.isEmpty && $0.term == $0.term.lowercased() }, "\(name)")
        }
    }
}
