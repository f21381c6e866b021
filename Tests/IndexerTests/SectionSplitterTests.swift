import Testing
@testable import Indexer
import TestSupport

/// The bundled files split into the entries a reader names (checked by eye); pinned so that a change to
/// the splitting rules shows up here.
@Suite struct SectionSplitterTests {
    static let expected: [String: [(line: Int, title: String)]] = [
        "000_6b16b86d25ed4ee7.txt": [
            (6, "BEST PRACTICE IN ADULT EDUCATION FOR A JUST TRANSITION"),
        ],
        "001_6542941b035b2caf.txt": [
            (1, "530 entreprises dévoilent leurs solutions pour refonder l’économie à l’échelon des territoires, y créer de nouveaux emplois et garantir à chacun-e…"),
            (3, "Découvrez ici ces innovations et les entreprises du réseau COORACE qui les ont initiées !"),
            (13, "Une alternative à la prison, fondée sur le travail"),
            (18, "Un baluchon de performances et des emplois !"),
            (21, "Coder dans les quartiers : le pari gagnant du PoleS"),
            (26, "Pour EMCP : l’emploi, il faut que ça roule !"),
            (32, "Professionnaliser, sécuriser, valoriser : Partage 44 balaie les idées reçues !"),
            (38, "Des paniers de la mer pleins d’Elan !"),
            (44, "Sécuriser l’emploi par filière : les gardien-ne-s d’immeuble ont trouvé la clé !"),
            (50, "VITA-AIR, une offre en ressources humaines créatrice d’emplois !"),
            (55, "Des habitant-e-s connecté-e-s pour l’emploi !"),
            (62, "Tourner la page vers l’emploi…"),
            (66, "LA PASSERELLE accompagne chaque année 150 personnes éloignées de l’emploi pour leur permettre de retrouver durablement une place sur le marché du…"),
            (72, "INTERMED a proposé à sa ville, Besançon, un projet clé en main qui réussit à combiner des emplois sécurisés et une offre de services adaptée aux…"),
            (74, "L’image de soi : une étape vers l’emploi…"),
            (80, "Sur l’agglomération Lyonnaise, Unis Vers l’emploi propose à ses clients un appui au recrutement. Cette offre RH (ressources humaines) intitulée «…"),
            (90, "Unis Vers l’emploi propose à ses clients un appui au recrutement. Cette offre RH intitulée « parcours gagnants » vise l’embauche durable de personnes…"),
            (93, "Villette Emploi introduit l’insertion dans les milieux culturels parisiens !"),
            (95, "Le théâtre, un tremplin vers l’emploi"),
            (100, "Des solutions pour valoriser les atouts des territoires et y créer de nouvelles activités en impliquant les habitant-e-s, les entreprises et…"),
            (101, "On sait encore faire des chaussures en France"),
            (108, "Clic’n Puces : le déclic citoyen pour l’emploi !"),
            (112, "SCOP : Une SCOP est une société coopérative, dont les salarié-e-s sont les associé-e-s majoritaires. Plus d’information : http://www.les-scop.coop"),
            (113, "Bou’sol : semer des boulangeries solidaires…"),
            (119, "SOLENI, coopérer pour faire reculer la précarité énergétique"),
            (123, "A Besançon, l’ESS fait grandir les choix solidaires !"),
            (128, "Déco’stume et Lilokawa : la coopération locale est dans le sac !"),
            (135, "Archer : quand le territoire devient Start’up !"),
            (145, "Domb’innov, développeur de services pour le territoire et ses habitant-e-s"),
            (156, "Redonner sa chance au tissu économique local en coopérant…"),
            (161, "Redonner sa chance au tissu économique local en coopérant…"),
            (164, "Une drôle de gare pour résister à la désertification d’un centre-ville…"),
            (173, "L’Ecopôle alimentaire : coopérer pour mieux manger !"),
            (179, "Le GAS : une mécanique bien huilée pour la mobilité !"),
            (185, "Des solutions pour protéger nos ressources et la planète. Place à la transition énergétique, à l’économie circulaire, à la consommation responsable…"),
            (198, "A Alzen, dans l’Ariège, tout (re)commence en 1999 avec le rachat d’une ferme par la commune et sa transformation en écomusée. Objectif : puiser dans…"),
            (203, "Dans le territoire rural du Pays de Bray (Seine Maritime), la recyclerie Agir’Recycl a pour objectif de récupérer, restaurer et donner une seconde…"),
            (208, "Recycler du marc de café pour y faire pousser des champignons ? C’est l’idée de la Boîte à Champignons. Cette entreprise solidaire a choisi de…"),
            (213, "Interm’Aide Emploi a décidé de lutter, à son échelle, contre le déclin qui menace les populations d’abeilles et la pollinisation, garante de la…"),
            (216, "Vous aussi vous souhaitez participer à la pollinisation et faire de votre ville un lieu apicole ? Rendez-vous sur happyculturecitadine.fr !"),
            (219, "6 000 000 de Français-e-s sont aujourd’hui sans voiture alors même que, notamment à la campagne, le véhicule est souvent nécessaire pour accéder au…"),
            (230, "Les Fermes de Figeac, une coopérative agricole créée il y a 30 ans dans le Lot, mise pleinement sur les ressources naturelles et humaines de son…"),
            (236, "Dans un territoire, l’Ain, où l’industrie plastique était et reste encore très présente, la problématique du recyclage des déchets plastiques est…"),
            (238, "Dans le Nord, ESPOIR AVENIR a développé une activité locale autour de l’entretien des espaces verts. Elle assure par exemple le nettoyage des berges…"),
            (241, "En Nord-Pas de Calais-Picardie, AGIIE mise à fond sur le recyclage et l’économie circulaire. Cet atelier et chantier d’insertion, membre du groupe…"),
        ],
        "002_93f8321c060206ad.txt": [
            (1, "L’idée est de créer une structure événementielle de réception/restauration basée sur l’emploi de personnes en insertion et l’intégration des…"),
            (7, "L’idée est de répondre au développement des nouveaux modes de traitement des déchets, en créant des emplois pour les personnes en difficultés…"),
            (9, "L’idée est de créer une activité de collecte, de recyclage et de réparation des déchets d’équipements électriques et électroniques pour les rendre…"),
            (11, "Dans ce document édité en septembre 2012, la CRESS Bretagne a rassemblé douze initiatives innovantes d’entreprises sociales et solidaires. Ce recueil…"),
            (13, "Porté par ConcertES et la CRESS Nord-Pas-de-Calais et avec le soutien du programme INTERREG, D.E.S.I.R. (clôturé en décembre 2012) avait pour…"),
            (15, "Observatoire ESSpace est un projet interrégional conduit par les quatre Chambres régionales de l’économie sociale et solidaire des régions de…"),
            (17, "Ce projet consiste à “faire découvrir l’économie sociale, solidaire et écologique (ESSE) au plus grand nombre par une campagne permanente d’éducation…"),
            (19, "Dans ce deuxième dossier spécial, découvrez des projets d’économie sociale et solidaire en Vaucluse (France), le rôle des structures qui les…"),
            (21, "23 projets de Pôles territoriaux de coopération économique ont été retenus par le gouvernement français dans 15 régions métropolitaines et dans…"),
            (23, "Cette entreprise d’insertion, basée à Vaasa sur la côte ouest, emploie une centaine d’adultes demandeurs d’emploi longue durée ou victimes d’un…"),
            (25, "Favoriser l’emploi des personnes handicapées et des chômeurs de longue durée tout en renforçant le soutien aux personnes âgées. Telle est l’idée du…"),
            (27, "Terve Eesti Sihtasutus, est une fondation qui vise à promouvoir la coopération des employeurs pour améliorer les conditions de santés des estoniens."),
            (29, "Convictus est un organisme à but non lucratif dont l’objectif principal est l’aide aux toxicomanes et aux personnes séropositives à travers une aide…"),
            (31, "Activité fondée sur un réseau d’acteurs locaux, qui combine à la fois insertion sociale et recyclage (biens volumineux, papier usagé, carton,…"),
            (33, "Le CEPES Andalusia et Junta de Andalucia ont lancé la première chaine de télévision en ligne  consacrée à l’économie sociale. Elle contient des…"),
            (35, "Eticom-Som connexió sera la première coopérative de consommation qui fournira des services de téléphonie (mobile et fixe) et d’Internet dans toute…"),
            (37, "Petite présentation de 11 organismes d’insertion par le travail et la formation au Danemark, notamment à Copenhague."),
            (39, "Petite présentation de 11 organismes d’insertion par le travail et la formation au Danemark, notamment à Copenhague."),
            (41, "Un café qui sert de la nourriture écologique issue du commerce équitable et qui utilise les bénéfices pour créer des emplois et pour réinsérer les…"),
            (43, "Créer une entreprise sociale dans un secteur spécialisé (Technologie de l’Information et solutions graphiques) qui emploie des personnes handicapées…"),
            (45, "La Coopérative Chernomorka, est une coopérative de vêtements qui a été créée il y a plus de 60 ans. Environ 70 personnes, dont la moitié sont des…"),
            (47, "Agapedia Bulgarie Fondation a été créée en 1995, elle a pour mission d’améliorer la qualité de vie des enfants et des familles en difficulté, en…"),
            (49, "SMart joue le rôle d’intermédiaire entre artistes et donneurs d’ordre dans la gestion administrative et financière de leurs contrats. Elle soutient…"),
            (51, "Mis en place en 2003, le titre-service connaît en Belgique un grand succès : 557.000 utilisateurs en 2008. Subventionné par l’Etat, il permet à…"),
            (53, "Observer son voisin pour mieux se connaître soi-même. C’est ainsi que l’on pourrait résumer l’intention de l’Observatoire transfrontalier de…"),
            (55, "Un nouvel adage d’autant plus vrai lorsque celui qui achète dépense jusqu’à 2,5 M€ par an. Créé en 2002, le service d’achats groupés du Vorarlberg…"),
            (57, "Offrir toutes sortes de formation pour des personnes avec des difficultés pour qu’elles acquièrent ou valorisent des compétences et des…"),
            (59, "Intégrer les chômeurs sur le marché du travail par l’intermédiaire de la formation sur le plan éducatif et professionnel, le développement des…"),
        ],
        "003_e5a8cb72b1af795c.txt": [
            (5, "TRANSITION ÉCOLOGIQUE"),
            (18, "Association Des Producteurs Des Vallées De L'Oise"),
            (153, "Le Jardin de Cocagne de la Haute Borne"),
            (322, "Le panier de la mer 62"),
            (478, "Les Copains de Thiérache"),
            (640, "Il était deux fois..."),
            (827, "La Remise Enjouée"),
            (987, "Le Bois de Deux Mains"),
            (1146, "NOM DE L'ENTREPRISE : Synapse 3i"),
            (1326, "NOM DE L'ENTREPRISE : VESTALI"),
        ],
        "004_b485c98c060516cb.txt": [
            (1, "Les coopératives jeunesse de services, l’entreprenariat coopératif pour et par les jeunes"),
            (5, "Médiation sociale en milieu scolaire en Guyane, une intervention efficace dans un territoire d’exception"),
            (9, "ENVIE Autonomie 49 donne une seconde vie au matériel médical"),
            (13, "Viltaïs : l’insertion, une épreuve d’endurance"),
            (17, "Le Projet Social de Territoire de Clichy-sous-Bois, une dynamique pluripartenariale de « transformation sociale durable »"),
        ],
    ]

    @Test func bundledFilesSplitIntoTheirEntries() throws {
        let corpus = try Fixtures.corpus()
        #expect(corpus.map(\.name) == Self.expected.keys.sorted())
        for (name, text) in corpus {
            let sections = SectionSplitter().split(text)
            let expected = try #require(Self.expected[name])
            #expect(sections.count == expected.count, "\(name)")
            for (section, entry) in zip(sections, expected) {
                #expect(section.line == entry.line && section.title == entry.title, "\(name)")
            }
        }
    }

    /// Every line, as written or (in Markdown) as shown.
    @Test func everyLineEndsUpInABodyOrATitle() throws {
        for (name, text) in try Fixtures.corpus() {
            let sections = SectionSplitter().split(text)
            let bodies = Set(sections.flatMap { $0.body.split(separator: "\n").map { String($0).trimmed } })
            let titles = Set(sections.map(\.title))
            let lines = SectionSplitter.lines(of: text)
            let markdown = SectionSplitter.headings(of: lines, setext: false).levels.count >= 2
            let lost = lines.map { (markdown ? MarkdownText.plain($0) : $0).trimmed }.filter { line in
                !line.isEmpty && !SectionSplitter.isSeparator(line) && !bodies.contains(line)
                    && !titles.contains(line) && !titles.contains(SectionSplitter.headingText(line))
            }
            #expect(lost.isEmpty, "\(name): \(lost.prefix(3))")
            #expect(zip(sections, sections.dropFirst()).allSatisfy { $0.line < $1.line }, "\(name)")
        }
    }

    @Test func markdownSplitsAtTopHeadingsAndPartTitlesJoinTheNextSection() {
        let text = """
            # Part one

            # First entry
            Some text long enough to be an entry of its own, with more than twelve words in it.
            ## Details
            More text.
            # Second entry
            Another text long enough to be an entry of its own, with more than twelve words.
            """
        let sections = SectionSplitter().split(text)
        #expect(sections.map(\.title) == ["First entry", "Second entry"])
        #expect(sections.map(\.line) == [1, 7])
        #expect(sections[0].body.contains("Part one") && sections[0].body.contains("\nDetails\n") && !sections[0].body.contains("#"))
    }

    /// In a `.md` file one heading makes Markdown, and titles what follows it (`# Note` over a short
    /// page); in any other file it takes two, and a lone `#` line is text.
    @Test func oneHeadingMakesAMarkdownFileMarkdown() throws {
        let note = "# Note\n\nUne courte page de notes.\n"
        var markdown = SectionSplitter()
        markdown.markdownFile = true
        #expect(markdown.split(note) == [SectionSplitter.Section(line: 1, title: "Note", body: "Une courte page de notes.")])
        #expect(SectionSplitter().split(note).map(\.title) == ["Une courte page de notes."])
        let long = String(repeating: "Une phrase assez longue pour faire un paragraphe. ", count: 3)
        let twoParts = "\(long)\n\n# Suite\n\n\(long)\n"
        #expect(markdown.split(twoParts).map(\.title) == [String(long.dropLast()), "Suite"])
        #expect(markdown.split(twoParts).map(\.line) == [1, 3])
        #expect(SectionSplitter().split(twoParts).count == 1)

        let folder = try TemporaryFolder()
        try note.write(toFile: folder.file("note.md"), atomically: false, encoding: .utf8)
        try note.write(toFile: folder.file("note.txt"), atomically: false, encoding: .utf8)
        var titles: [String: String] = [:]
        for file in Corpus.files(in: [folder.path]).files {
            try Corpus.read(file, document: { titles[$0.id] = $0.title }, issue: { Issue.record("\($0)") })
        }
        #expect(titles == ["note.md#1": "Note", "note.txt#1": "Une courte page de notes."])
    }

    /// In a `.md` file a line of text underlined by `===` or `---` is a heading (Setext), as `#` and
    /// `##` are: the top level splits, and the underlines are no text. Not under a paragraph's second
    /// line, a list item or a quote, and not in another file, where `===` is a separator line.
    @Test func setextHeadingsSplitMarkdownFiles() {
        let long = "Une phrase assez longue pour faire un paragraphe de plus de douze mots à elle seule."
        let text = """
            Guide du jardin
            ===============

            \(long)

            Les semis
            ---------

            \(long)

            La récolte
            ==========

            \(long)
            Une deuxième ligne sous laquelle
            ---
            - un point de liste
            ---

            > une citation
            ---
            """
        var markdown = SectionSplitter()
        markdown.markdownFile = true
        let sections = markdown.split(text)
        #expect(sections.map(\.title) == ["Guide du jardin", "La récolte"])
        #expect(sections.map(\.line) == [1, 11])
        #expect(sections[0].body == "\(long)\n\nLes semis\n\n\(long)")
        // Rules leave blank lines, quotes their text.
        #expect(sections[1].body.hasSuffix("\(long)\nUne deuxième ligne sous laquelle\n\n- un point de liste\n\n\nune citation"))
        // Setext and ATX headings of one level split alike.
        let mixed = markdown.split("Premier\n-------\n\n\(long)\n\n## Second\n\n\(long)\n")
        #expect(mixed.map(\.title) == ["Premier", "Second"] && mixed.map(\.line) == [1, 6])
        // Fewer than three marks are text (`-` may be an empty list item).
        let short = markdown.split("# Titre\n\n\(long)\n\nDeux tirets\n--\n\n\(long)\n")
        #expect(short.count == 1 && short[0].body.contains("Deux tirets\n--\n"))
        // Any other file: plain text, whose `===` and `---` lines are separators.
        #expect(SectionSplitter().split(text).allSatisfy { !["Guide du jardin", "La récolte"].contains($0.title) })
    }

    /// A Markdown section holds the text its page shows (`MarkdownText`), title and body; plain text
    /// keeps every mark, since it has none to read.
    @Test func markdownSectionsHoldTheTextAPageShows() {
        let page = """
            Un **guide** du [jardin partagé](https://exemple.fr/jardin) pour *tous*, avec ses semis et ses récoltes.

            ---

            > Voir <https://exemple.fr/suite>.
            """
        var markdown = SectionSplitter()
        markdown.markdownFile = true
        let shown = markdown.split(page)
        #expect(shown.map(\.title) == ["Un guide du jardin partagé pour tous, avec ses semis et ses récoltes."])
        // (Without `#` headings, the page splits as plain text, where `---` is a separator line.)
        #expect(shown.map(\.body) == ["Un guide du jardin partagé pour tous, avec ses semis et ses récoltes.\n\n\nVoir https://exemple.fr/suite."])
        #expect(SectionSplitter().split(page).map(\.body) == [page.replacingOccurrences(of: "---\n", with: "")])
        // A file of `#` headings is Markdown whatever its name: its sub-headings and links as shown.
        let headed = "# Premier\n\n## [Détails](https://exemple.fr) **utiles**\n\(page)\n\n# Second\n\n\(page)\n"
        let sections = SectionSplitter().split(headed)
        #expect(sections.map(\.title) == ["Premier", "Second"])
        #expect(sections[0].body.hasPrefix("Détails utiles\nUn guide du jardin partagé pour tous"))
        #expect(!sections.contains { $0.body.contains("**") || $0.body.contains("](") })
    }

    /// A `#` in fenced code is a comment, not a heading; the code is shown as written, its fences not.
    @Test func fencedCodeIsNeitherHeadingsNorMarks() {
        let text = """
            # Installer

            Pour installer le paquet, lancez les commandes suivantes dans un terminal ouvert :

            ```sh
            # les dépendances
            apt-get install -y libicu-dev **kwargs
            ```

            # Utiliser

            Le programme lit les fichiers et construit un index de recherche en texte intégral.
            """
        var markdown = SectionSplitter()
        markdown.markdownFile = true
        let sections = markdown.split(text)
        #expect(sections.map(\.title) == ["Installer", "Utiliser"] && sections.map(\.line) == [1, 10])
        #expect(sections.first?.body.hasSuffix(" :\n\n\n# les dépendances\napt-get install -y libicu-dev **kwargs") == true)
        // A section that opens with code is titled by its text.
        #expect(markdown.split("# A\n\n```\ncode\n```\n\nLe texte qui suit le code, assez long pour faire une entrée.\n\n# B\n\nEncore du texte assez long pour faire une entrée à lui seul.")
                    .map(\.title) == ["A", "B"])
        #expect(SectionSplitter.title(from: ["```", "code", "```", "Le texte"], markdown: true) == "Le texte")
    }

    @Test func plainTextSplitsAtSeparatorsTitlesAndFooters() {
        let long = String(repeating: "Une phrase assez longue pour faire un paragraphe. ", count: 4)
        let text = """
            Premier titre de fiche
            \(long)
            >> Lire la fiche
            |
            Deuxième titre : avec deux-points dedans !
            \(long)
            En savoir plus : un pied de page qui clôt la fiche et la termine bien.
            \(long)
            Nombre d’emplois : 60 emplois
            \(long)
            """
        let sections = SectionSplitter().split(text)
        #expect(Array(sections.map(\.title).prefix(2)) == ["Premier titre de fiche", "Deuxième titre : avec deux-points dedans !"])
        #expect(sections.count == 3 && sections[2].title.hasPrefix("Une phrase assez longue") && sections[2].title.hasSuffix("…"))
        #expect(sections.map(\.line) == [1, 5, 8])
        #expect(sections[2].body.contains("Nombre d’emplois : 60 emplois"))
    }

    /// A file saved with Windows line ends splits as the same file with Unix ones, without the `\r`s.
    @Test func crlfLinesSplitAsLfLines() throws {
        for (name, text) in try Fixtures.corpus() {
            let crlf = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
            let sections = SectionSplitter().split(crlf), expected = SectionSplitter().split(text)
            #expect(sections.map(\.line) == expected.map(\.line), "\(name)")
            #expect(sections.map(\.title) == expected.map(\.title), "\(name)")
            #expect(sections.map(\.body.utf8.count) == expected.map(\.body.utf8.count), "\(name)")
            #expect(sections == expected, "\(name)")
        }
    }

    /// A file saved with classic Mac OS line ends (`\r` alone), or with Windows ones, reads as the
    /// same file with Unix ones.
    @Test func classicMacLinesReadAsLfLines() throws {
        let folder = try TemporaryFolder()
        for (name, text) in try Fixtures.corpus() {
            try text.write(toFile: folder.file("unix-" + name), atomically: false, encoding: .utf8)
            try text.replacingOccurrences(of: "\n", with: "\r").write(toFile: folder.file("mac-" + name), atomically: false, encoding: .utf8)
            try text.replacingOccurrences(of: "\n", with: "\r\n").write(toFile: folder.file("windows-" + name), atomically: false, encoding: .utf8)
        }
        var documents: [String: [SourceDocument]] = [:]
        for file in Corpus.files(in: [folder.path]).files {
            try Corpus.read(file, document: { documents[file.name, default: []].append($0) }, issue: { Issue.record("\($0)") })
        }
        for (name, _) in try Fixtures.corpus() {
            let unix = documents["unix-" + name] ?? []
            for other in [documents["mac-" + name] ?? [], documents["windows-" + name] ?? []] {
                #expect(!unix.isEmpty && other.map(\.line) == unix.map(\.line) && other.map(\.title) == unix.map(\.title)
                        && other.map(\.body) == unix.map(\.body), "\(name)")
            }
        }
    }

    /// A file of one long line, and one of 20,000 short lines with no blank line, each make one
    /// section holding all their text, titled by their first words. (Both took seconds before the
    /// splitter stopped walking every line as Characters; their speed is measured by
    /// `Benchmarks/run`, not here.)
    @Test func longLinesAndManyLinesSplit() {
        let sentence = "Une phrase de la fiche, avec des mots qui font un paragraphe. "
        let oneLine = SectionSplitter().split(String(repeating: sentence, count: 20_000))
        #expect(oneLine.count == 1 && oneLine[0].body.utf8.count == 20_000 * sentence.utf8.count)
        #expect(oneLine[0].title.hasPrefix("Une phrase de la fiche") && oneLine[0].title.hasSuffix("…"))
        let lines = Array(repeating: sentence, count: 20_000).joined(separator: "\n")
        let manyLines = SectionSplitter().split(lines)
        #expect(manyLines.count == 1 && manyLines[0].line == 1 && manyLines[0].body.split(separator: "\n").count == 20_000)
    }

    @Test func emptyTextHasNoSections() {
        #expect(SectionSplitter().split("").isEmpty)
        #expect(SectionSplitter().split("\n\n  \n").isEmpty)
    }
}
