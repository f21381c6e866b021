import Indexer

/// "Did you mean": the query with each word the index has never seen replaced by the nearest spelling
/// it has, as Xapian's spelling correction and Elasticsearch's term suggester do. Nearest is the fewest
/// edits (as a fuzzy word `word~` counts them, so at most 2, and none for words of 1 or 2 letters),
/// then the spelling found in the most documents, then byte order. Words and the words of phrases are
/// corrected; prefixes, wildcards and fuzzy words already reach other spellings and are left as typed.
/// The lexicon keeps folded spellings only (`economie`): a correction is spelt as the documents write
/// it (`économie`, `WrittenSpelling`), in the case of the letters typed (`respell`). A word or phrase
/// with a line in the synonym file is searched as its synonyms: it is left as typed.
///
/// A space typed in a word or left out between two is a change too, as Lucene's WordBreakSpellChecker
/// counts it: an unknown word that makes a known one with the word beside it is joined to it
/// (`aujourd hui` → `aujourd'hui`), and one that splits into two known words found side by side in
/// some document, or into an elided article and a known word, is split (`lignede` → `ligne de`,
/// `dexploitation` → `d'exploitation`) unless a spelling one edit away is in many more documents
/// (`nearestOverSplit`).
///
/// A word the index knows may be a slip too, when some documents carry the same slip: a word of 5
/// letters or more that a likely slip's spelling (`likelySlips`) outnumbers `morePopular` times in
/// documents is respelt (`instalation`, in 2 documents of frdocs, → `installation`, in 575), as Lucene's
/// SUGGEST_MORE_POPULAR mode does, but only when the query as typed finds at most
/// `maxResultsForSuggest` documents, as Solr's spellcheck asks: a rare word that finds what it was
/// typed for is left alone.
struct SpellingSuggester {
    let reader: IndexReader
    let analyzer: FrenchAnalyzer
    let synonyms: Synonyms?
    /// The indexed fields, where a number or a word missing from the lexicon may still be a term.
    let fields: [Int]
    /// The documents a query matches: what tells a split that occurs from one that does not.
    let matches: (QueryNode) throws -> Int
    /// The documents a whole query's text matches (nil when it does not parse): what tells, of a
    /// word's nearest spellings, the one its query goes with.
    let matchesQuery: (String) throws -> Int?
    /// Words whose spellings the lexicon was walked for.
    private var wordsLookedUp = 0
    /// The query as typed, and the documents it matches once counted.
    private var typedQuery: QueryNode?
    private var typedQueryMatches: Int?

    /// How many times more documents a spelling one edit away must be in than a split of the word
    /// for it to be chosen: on frdocs `lignede` is `ligne de` (1,137 documents), not `lignée` (2,118,
    /// those of `ligne`'s stem), while a split that one document writes loses to a spelling of more
    /// than ten.
    static let nearestOverSplit = 10

    /// How many times more documents a spelling one edit away from a known word must be in for the
    /// word to be respelt as it: on frdocs `courier` (2 documents) is `courrier` (36), while
    /// `rationale` (7) is not `nationale` (15).
    static let morePopular = 10

    /// The most documents the query as typed may find for a known word to be respelt, as Solr's
    /// `spellcheck.maxResultsForSuggest`.
    static let maxResultsForSuggest = 5

    /// The fewest letters of a known word that may be respelt: shorter words have many neighbours one
    /// edit away that are words of their own (`tale`, `table`).
    static let morePopularLetters = 5

    /// How many of an unknown word's nearest spellings are tried in its query (`alternatives`).
    static let spellingsTried = 4

    /// How many times the documents a later spelling must find with the query's other words to go
    /// before an earlier one: spellings of one term find about as many (`documentés`, `documents`).
    static let contextOverRank = 2

    /// How many times a likely slip's documents count against another spelling's, where the words
    /// around choose: alone, `mial` is `mail` (2 documents) rather than `mal` (5).
    static let slipWeight = 10

    init(reader: IndexReader, analyzer: FrenchAnalyzer, synonyms: Synonyms? = nil, matches: @escaping (QueryNode) throws -> Int,
         matchesQuery: @escaping (String) throws -> Int?) {
        self.reader = reader
        self.analyzer = analyzer
        self.synonyms = synonyms
        self.matches = matches
        self.matchesQuery = matchesQuery
        fields = reader.meta.fields.indices.filter { reader.meta.fields[$0].indexed }
    }

    /// The corrected query, or nil when there is nothing to correct. At most
    /// `QueryPlanner.maximumFuzzyWords` words are looked up (each walks the lexicon, as a fuzzy word
    /// does); the others are left as typed. `matching`: the documents `node` matches, when counted.
    mutating func suggestion(for query: String, parsed node: QueryNode, matching: Int? = nil) throws -> String? {
        typedQuery = node
        typedQueryMatches = matching
        let bytes = Array(query.utf8)
        var replacements: [Replacement] = []
        try collect(node, in: bytes, into: &replacements)
        guard !replacements.isEmpty else { return nil }
        replacements.sort { $0.range.lowerBound > $1.range.lowerBound }
        func corrected() -> String {
            var corrected = bytes
            for replacement in replacements { corrected.replaceSubrange(replacement.range, with: Array(replacement.spelling.utf8)) }
            return String(decoding: corrected, as: UTF8.self)
        }
        // Of a word's nearest spellings, a later one when the query finds `contextOverRank` times the
        // documents with it, the other words as corrected, a likely slip's documents weighing
        // `slipWeight` times: on frdocs, the words typed beside it make `expressive subitm` `expressive
        // subito`, where `subitm` alone is `subit`, as Solr tries its collations against the index.
        for index in replacements.indices where !replacements[index].alternatives.isEmpty {
            func weighed(_ documents: Int, slip: Bool) -> Int { documents * (slip ? Self.slipWeight : 1) }
            var best = (spelling: replacements[index].spelling, weight: weighed(try matchesQuery(corrected()) ?? 0, slip: replacements[index].slip))
            for alternative in replacements[index].alternatives {
                replacements[index].spelling = try alternative.spelling()
                if let documents = try matchesQuery(corrected()), documents > 0,
                   weighed(documents, slip: alternative.slip) >= Self.contextOverRank * best.weight {
                    best = (replacements[index].spelling, weighed(documents, slip: alternative.slip))
                }
            }
            replacements[index].spelling = best.spelling
        }
        return corrected()
    }

    /// Query bytes and what replaces them, whether it is a likely slip's spelling (`likelySlips`), and
    /// the other spellings that may replace them (in order).
    private struct Replacement {
        var range: Range<Int>
        var spelling: String
        var slip = false
        var alternatives: [(spelling: () throws -> String, slip: Bool)] = []
    }

    /// A word as typed: its token, the query bytes it was typed as, the field it is searched in, and
    /// whether it stands alone (not in a phrase or quorum).
    private struct TypedWord {
        var token: Token
        var range: Range<Int>
        var field: String?
        var isBare: Bool
        /// Typed with `NEAR` between it and the next or the one before (`a NEAR/3 b`, a proximity search).
        var isNearOperand = false
    }

    private mutating func collect(_ node: QueryNode, in query: [UInt8], into replacements: inout [Replacement]) throws {
        switch node {
        case .word, .phrase, .adjacent:
            guard let words = try typedWords(node, in: query) else { return }
            // Words `NEAR` or `ADJ` joins are respelt only: joined or split, they would take the operator in or out.
            try correct(words, in: query, changingSpaces: !words.contains(where: \.isNearOperand), into: &replacements)
        case .quorum:
            // Joined or split, a quorum's words would change in number: spellings only.
            guard let words = try typedWords(node, in: query) else { return }
            try correct(words, in: query, changingSpaces: false, into: &replacements)
        case .exact, .prefix, .phrasePrefix, .wildcard, .regex, .fuzzy, .range, .exists, .value, .all, .similar:
            // Typed as meant: an exact word is not respelt.
            return
        case .and(let children):
            // Bare words of one field typed one after the other may be joined.
            var run: [TypedWord] = []
            for child in children {
                if case .word(_, let field, _) = child, let words = try typedWords(child, in: query) {
                    if let last = run.last, last.field != field {
                        try correct(run, in: query, into: &replacements)
                        run = []
                    }
                    run += words
                    continue
                }
                try correct(run, in: query, into: &replacements)
                run = []
                try collect(child, in: query, into: &replacements)
            }
            try correct(run, in: query, into: &replacements)
        case .or(let children):
            for child in children { try collect(child, in: query, into: &replacements) }
        case let .maybe(required, optional):
            for child in [required] + optional { try collect(child, in: query, into: &replacements) }
        case .not(let child), .boosted(let child, _):
            try collect(child, in: query, into: &replacements)
        }
    }

    /// The words of a bare word, phrase or quorum, where they were typed; nil when the node's text is
    /// not found or it is searched as its synonyms.
    private func typedWords(_ node: QueryNode, in query: [UInt8]) throws -> [TypedWord]? {
        let text: String, field: String?, column: Int
        switch node {
        case let .word(typed, f, c), let .phrase(typed, _, f, c), let .adjacent(typed, _, f, c), let .quorum(typed, _, f, c):
            (text, field, column) = (typed, f, c)
        default: return nil
        }
        // A field's name with nothing after it (`title:` at the end) is searched as a word, but is no
        // misspelt one.
        if case .word = node, field == nil, text.hasSuffix(":"), reader.field(named: String(text.dropLast()), among: fields) != nil { return nil }
        // The node's text as typed, at or after its column (a field's column when it has one).
        let start = Self.byteOffset(ofColumn: column, in: query)
        // A proximity search typed as `a NEAR/3 b` or `a ADJ/3 b` holds the words, not the operators
        // between them.
        var isNearOperand = false
        var typed = Self.find(Array(text.utf8), in: query, from: start)
        if typed == nil, node.isProximity {
            typed = Self.find(Array(text.utf8), in: query, from: start, skippingNear: true)
            isNearOperand = typed != nil
        }
        guard let typed else { return nil }
        let tokens = try analyzer.tokens(text)
        if !node.isProximity && synonyms?.expansions(of: tokens) != nil { return nil }
        let isBare = if case .word = node { true } else { false }
        // An exact word (`"=économies sociales"`) is typed as meant.
        let exactWords = QueryNode.exactWords(in: text)
        let respelt = exactWords.isEmpty ? tokens : tokens.filter { token in !exactWords.contains { $0.contains(token.range.lowerBound) } }
        return respelt.map {
            TypedWord(token: $0, range: typed[$0.range.lowerBound]..<typed[$0.range.upperBound], field: field, isBare: isBare,
                      isNearOperand: isNearOperand)
        }
    }

    /// Corrects the unknown words of `words`, left to right: each is joined to the word before or after
    /// it, or else respelt. `changingSpaces` false respells only.
    private mutating func correct(_ words: [TypedWord], in query: [UInt8], changingSpaces: Bool = true,
                                  into replacements: inout [Replacement]) throws {
        var replacedThrough = -1
        var index = 0
        while index < words.count {
            defer { index += 1 }
            let word = words[index]
            guard wordsLookedUp < QueryPlanner.maximumFuzzyWords else { continue }
            guard try !isKnown(word.token) else {
                if let respelt = try morePopularSpelling(of: word, in: query) {
                    replacements.append(respelt)
                    replacedThrough = index
                }
                continue
            }
            wordsLookedUp += 1
            if changingSpaces, index > replacedThrough + 1, let joined = try join(words[index - 1], word, in: query) {
                replacements.append(joined)
                replacedThrough = index
            } else if changingSpaces, index + 1 < words.count, let joined = try join(word, words[index + 1], in: query) {
                replacements.append(joined)
                index += 1
                replacedThrough = index
            } else if let respelt = try respelling(of: word, in: query, splitting: changingSpaces) {
                replacements.append(respelt)
                replacedThrough = index
            }
        }
    }

    /// An unknown word's nearest spelling or its split in two, whichever is likelier: a space left out
    /// is the likelier slip, so the split, which keeps every letter typed, goes first unless the
    /// spelling is one edit away and in `nearestOverSplit` times more documents, or a likely slip
    /// (`likelySlips`) where the split is after an elided article.
    private func respelling(of word: TypedWord, in query: [UInt8], splitting: Bool) throws -> Replacement? {
        let nearest = try correction(of: word, in: query)
        guard splitting, let split = try split(word, in: query) else { return nearest?.replacement }
        guard let nearest, nearest.edits == 1 else { return split.replacement }
        // An elided article's documents are its word's, whatever it was written after: a likely slip
        // goes first (`cordonnées` is `coordonnées`, not `c'ordonnées`).
        if split.elided && nearest.replacement.slip { return nearest.replacement }
        let documents = try matches(.word(nearest.replacement.spelling, field: word.field, column: 1))
        return documents > Self.nearestOverSplit * split.documents ? nearest.replacement : split.replacement
    }

    /// Whether the index knows the word: its spelling is in the lexicon, or its term in a field (numbers).
    private func isKnown(_ token: Token) throws -> Bool {
        guard try reader.lexiconTerms(surface: token.surface) == nil else { return true }
        for field in fields where try reader.termInfo(field: field, term: token.term) != nil { return true }
        return false
    }

    /// The nearest known spellings of a word the index has never seen, one edit or two away: the fewest
    /// edits, then a likely slip (`likelySlips`), then the most documents, then the first in byte
    /// order; the first as the replacement, the next `spellingsTried - 1` as its alternatives; nil
    /// when there is nothing near.
    private func correction(of word: TypedWord, in query: [UInt8]) throws -> (replacement: Replacement, edits: Int)? {
        let surface = word.token.surface
        let edits = QueryPlanner.automaticEdits(characters: surface.unicodeScalars.count)
        guard edits > 0 else { return nil }
        let near = try reader.lexiconEntries(near: surface, maxEdits: edits, limit: QueryPlanner.maximumFuzzySpellings)
        guard let fewest = near.first?.edits else { return nil }
        let slips = fewest == 1 ? Set(Self.likelySlips(of: Array(surface.unicodeScalars))) : []
        var ranked: [(order: Int, spelling: String, terms: [String], slip: Int, documents: Int)] = []
        for (order, entry) in near.enumerated() where entry.edits == fewest {
            let documents = try documents(of: entry.terms)
            if documents > 0 { ranked.append((order, entry.surface, entry.terms, slips.contains(entry.surface) ? 1 : 0, documents)) }
        }
        // In byte order at one distance: a tie keeps the first.
        ranked.sort { ($0.slip, $0.documents, -$0.order) > ($1.slip, $1.documents, -$1.order) }
        guard let best = ranked.first else { return nil }
        var replacement = try replacement(of: word, in: query, spelling: best.spelling, terms: best.terms)
        replacement.slip = best.slip == 1
        replacement.alternatives = ranked.dropFirst().prefix(Self.spellingsTried - 1).map { other in
            ({ try self.replacement(of: word, in: query, spelling: other.spelling, terms: other.terms).spelling }, other.slip == 1)
        }
        return (replacement, fewest)
    }

    /// A known word respelt as the spelling that doubles or undoubles one of its letters or swaps two
    /// (`likelySlips`), when that is in `morePopular` times its documents and the query as typed finds
    /// few (the type's comment).
    /// The spellings are looked up, not walked for: a few lookups a word.
    private mutating func morePopularSpelling(of word: TypedWord, in query: [UInt8]) throws -> Replacement? {
        let letters = Array(word.token.surface.unicodeScalars)
        guard letters.count >= Self.morePopularLetters, letters.allSatisfy(\.properties.isAlphabetic) else { return nil }
        // A spelling no document writes is known by its term (`aplication`, stemmed as `aplique` is).
        let own = try documents(of: reader.lexiconTerms(surface: word.token.surface) ?? [word.token.term])
        guard own * Self.morePopular <= reader.documentCount else { return nil }
        var best: (spelling: String, terms: [String], documents: Int)?
        for spelling in Self.likelySlips(of: letters) {
            guard let terms = try reader.lexiconTerms(surface: spelling) else { continue }
            let documents = try documents(of: terms)
            if documents > best?.documents ?? 0 { best = (spelling, terms, documents) }
        }
        guard let best, best.documents >= own * Self.morePopular else { return nil }
        if typedQueryMatches == nil, let typedQuery { typedQueryMatches = try matches(typedQuery) }
        guard (typedQueryMatches ?? 0) <= Self.maxResultsForSuggest else { return nil }
        return try replacement(of: word, in: query, spelling: best.spelling, terms: best.terms)
    }

    /// The spellings one slip of the hand or of French spelling away from a word, likelier than the others
    /// one edit away: two letters next to each other swapped (`mial` for `mail`, not `mal`), and a
    /// letter doubled or undoubled (`doublings`).
    static func likelySlips(of letters: [Unicode.Scalar]) -> [String] {
        var spellings = doublings(of: letters)
        // Not the first two: Lucene's spell checkers take a word's first letter as typed right.
        for index in letters.indices.dropFirst().dropLast() where letters[index] != letters[index + 1] {
            var swapped = letters
            swapped.swapAt(index, index + 1)
            spellings.append(String(String.UnicodeScalarView(swapped)))
        }
        return spellings
    }

    /// The spellings that double one letter of a word or undouble one written twice, in byte order: the
    /// commonest slip of French spelling (`courier` for `courrier`, `addresse` for `adresse`), so the
    /// likeliest of the spellings one edit away (`courier` is one from `courber` as well).
    static func doublings(of letters: [Unicode.Scalar]) -> [String] {
        var spellings = Set<String>()
        for index in letters.indices {
            var doubled = letters
            doubled.insert(letters[index], at: index)
            spellings.insert(String(String.UnicodeScalarView(doubled)))
            if index > 0 && letters[index] == letters[index - 1] {
                var undoubled = letters
                undoubled.remove(at: index)
                spellings.insert(String(String.UnicodeScalarView(undoubled)))
            }
        }
        return spellings.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// A word replaced by a spelling of the lexicon, written as the documents write it.
    private func replacement(of word: TypedWord, in query: [UInt8], spelling: String, terms: [String]) throws -> Replacement {
        let typed = String(decoding: query[word.range], as: UTF8.self)
        let written = try WrittenSpelling(reader: reader, analyzer: analyzer, fields: fields, cache: nil).of([spelling], terms: terms)
        return Replacement(range: word.range, spelling: Self.respell(spelling, asTyped: typed, written: written))
    }

    /// The documents of a spelling: those of its term in the field that has most.
    private func documents(of terms: [String]) throws -> Int {
        var documents = 0
        for term in terms {
            for field in fields { documents = max(documents, try reader.termInfo(field: field, term: term)?.docFreq ?? 0) }
        }
        return documents
    }

    /// Two words typed one after the other, apart by spaces only, that make a known word once the
    /// spaces are taken out: the documents write `aujourd hui` as `aujourd'hui`.
    private func join(_ first: TypedWord, _ second: TypedWord, in query: [UInt8]) throws -> Replacement? {
        guard first.range.upperBound <= second.range.lowerBound,
              query[first.range.upperBound..<second.range.lowerBound].allSatisfy({ $0 == 0x20 || $0 == 0x09 }),
              !query[first.range].contains(0x5C), !query[second.range].contains(0x5C)
        else { return nil }
        let typed = String(decoding: query[first.range] + query[second.range], as: UTF8.self)
        guard try knownToken(typed) != nil, try matches(.word(typed, field: first.field, column: 1)) > 0 else { return nil }
        return Replacement(range: first.range.lowerBound..<second.range.upperBound, spelling: try written(typed))
    }

    /// The unknown word split in two known words that some document writes one after the other
    /// (`lignede` → `ligne de`), or after an elided article (`dexploitation` → `d'exploitation`): of
    /// several splits, the one in most documents, then the first.
    private func split(_ word: TypedWord, in query: [UInt8]) throws -> (replacement: Replacement, documents: Int, elided: Bool)? {
        let typed = String(decoding: query[word.range], as: UTF8.self)
        let letters = Array(typed)
        guard letters.count >= 3, !typed.utf8.contains(0x5C) else { return nil }
        var best: (left: String, right: String, elided: Bool, documents: Int)?
        for cut in 1..<letters.count {
            let left = String(letters[..<cut]), right = String(letters[cut...])
            guard try knownToken(right) != nil else { continue }
            let elided = FrenchAnalyzer.elidedWords.contains(Folding.lowercase(left))
            let node: QueryNode
            if elided {
                guard let first = Folding.removeAccents(Folding.lowercase(right)).unicodeScalars.first,
                      "aeiouyh".unicodeScalars.contains(first) else { continue }
                node = .word(left + "'" + right, field: word.field, column: 1)
            } else {
                guard left.count >= 2, right.count >= 2, try knownToken(left) != nil else { continue }
                node = .phrase(left + " " + right, slop: nil, field: word.field, column: 1)
            }
            let documents = try matches(node)
            if documents > best?.documents ?? 0 { best = (left, right, elided, documents) }
        }
        guard let best else { return nil }
        let right = try written(best.right)
        var spelling = best.elided ? best.left + "'" + right : try written(best.left) + " " + right
        // `title:jardinsde` is `title:"jardins de"`: both words in the field.
        if !best.elided && word.isBare && word.field != nil { spelling = "\"" + spelling + "\"" }
        return (Replacement(range: word.range, spelling: spelling), best.documents, best.elided)
    }

    /// The token of a piece of a typed word when the piece is one word the index knows.
    private func knownToken(_ typed: String) throws -> Token? {
        let tokens = try analyzer.tokens(typed)
        guard tokens.count == 1, let token = tokens.first, token.range == 0..<typed.utf8.count, try isKnown(token) else { return nil }
        return token
    }

    /// A known word as the documents write it, in the case typed (with the apostrophe they write:
    /// `aujourdhui` → `aujourd'hui`); as typed when the lexicon does not have its spelling (a number).
    private func written(_ typed: String) throws -> String {
        guard let token = try knownToken(typed), let terms = try reader.lexiconTerms(surface: token.surface) else { return typed }
        let form = try WrittenSpelling(reader: reader, analyzer: analyzer, fields: fields, cache: nil).of([token.surface], terms: terms)
        return Self.respell(form.map { Folding.removeAccents(Folding.lowercase($0)) } ?? token.surface, asTyped: typed, written: form)
    }

    /// The correction spelt as the documents write it (`written`, when known and folding to it letter by
    /// letter), each letter in the case of the typed letter it lines up with (the fewest edits between
    /// the typed word folded and the correction): `Ecnomie` → `Économie`. A letter with no typed letter
    /// to line up with is in capitals when the word was typed in capitals. Without a written form, a
    /// letter lined up with a typed one takes the typed letter, its accent kept, and the others stay
    /// folded.
    static func respell(_ correction: String, asTyped typed: String, written: String? = nil) -> String {
        // A word folded letter by letter, each folded scalar with the letter it comes from (nil when a
        // letter folds to several, as `œ`).
        func foldedLetters(_ word: String) -> [(scalar: Unicode.Scalar, letter: Character?)] {
            var folded: [(scalar: Unicode.Scalar, letter: Character?)] = []
            for letter in word {
                let scalars = Array(Folding.removeAccents(Folding.lowercase(String(letter))).unicodeScalars)
                for scalar in scalars { folded.append((scalar, scalars.count == 1 ? letter : nil)) }
            }
            return folded
        }
        let folded = foldedLetters(typed)
        var target = Array(correction.unicodeScalars).map { (scalar: $0, letter: Character?.none) }
        if let written {
            let letters = foldedLetters(written)
            if letters.map(\.scalar) == target.map(\.scalar) { target = letters }
        }
        let capitals = typed.contains { $0.isLetter } && typed.allSatisfy { !$0.isLetter || $0.isUppercase }
        // Levenshtein's table, then back from its end: a diagonal step between equal scalars lines them up.
        let width = target.count + 1
        var table = Array(repeating: 0, count: (folded.count + 1) * width)
        for i in 0...folded.count {
            for j in 0...target.count {
                table[i * width + j] = i == 0 ? j : j == 0 ? i
                    : min(table[(i - 1) * width + j] + 1, table[i * width + j - 1] + 1,
                          table[(i - 1) * width + j - 1] + (folded[i - 1].scalar == target[j - 1].scalar ? 0 : 1))
            }
        }
        var letters: [String] = []
        var i = folded.count, j = target.count
        while j > 0 {
            if i > 0 && folded[i - 1].scalar == target[j - 1].scalar && table[i * width + j] == table[(i - 1) * width + j - 1] {
                let typedLetter = folded[i - 1].letter
                if let letter = target[j - 1].letter {
                    letters.append(typedLetter?.isUppercase ?? capitals ? String(letter).uppercased() : String(letter))
                } else {
                    letters.append(typedLetter.map(String.init) ?? String(target[j - 1].scalar))
                }
                i -= 1
                j -= 1
            } else if i > 0 && table[i * width + j] == table[(i - 1) * width + j] + 1 {
                i -= 1
            } else {
                let letter = target[j - 1].letter.map(String.init) ?? String(target[j - 1].scalar)
                letters.append(capitals ? letter.uppercased() : letter)
                if i > 0 && table[i * width + j] == table[(i - 1) * width + j - 1] + 1 { i -= 1 }
                j -= 1
            }
        }
        return letters.reversed().joined()
    }

    /// The UTF-8 offset of the 1-based code point `column`.
    static func byteOffset(ofColumn column: Int, in bytes: [UInt8]) -> Int {
        var seen = 0
        for (offset, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 {
            seen += 1
            if seen == column { return offset }
        }
        return bytes.count
    }

    /// Where `text` (a node's, its escapes removed) stands in the query, at or after `start`: the
    /// query offset of each of its bytes, and of its end. A byte may be typed escaped (`\(`, `\'`):
    /// its offset is then its backslash's. `skippingNear`: a space of the text may be typed as
    /// ` NEAR `, ` NEAR/N `, ` ADJ ` or ` ADJ/N ` (the words a `NEAR` or `ADJ` chain joins).
    static func find(_ text: [UInt8], in query: [UInt8], from start: Int, skippingNear: Bool = false) -> [Int]? {
        guard !text.isEmpty else { return nil }
        var offsets = [Int](repeating: 0, count: text.count + 1)
        for candidate in start..<query.count {
            var index = 0, at = candidate
            while index < text.count && at < query.count {
                offsets[index] = at
                if skippingNear && text[index] == 0x20, let past = nearOperator(in: query, at: at) {
                    at = past
                } else if query[at] == 0x5C && at + 1 < query.count && query[at + 1] == text[index] {
                    at += 2
                } else if query[at] == text[index] {
                    at += 1
                } else {
                    break
                }
                index += 1
            }
            if index == text.count {
                offsets[index] = at
                return offsets
            }
        }
        return nil
    }

    /// Past ` NEAR `, ` NEAR/N `, ` ADJ ` or ` ADJ/N ` at `at` (spaces or tabs around it), nil when it
    /// is not there.
    private static func nearOperator(in query: [UInt8], at: Int) -> Int? {
        func spaces(from index: Int) -> Int {
            var index = index
            while index < query.count && (query[index] == 0x20 || query[index] == 0x09) { index += 1 }
            return index
        }
        var index = spaces(from: at)
        guard index > at, let name = ["NEAR", "ADJ"].first(where: { query[index...].starts(with: $0.utf8) }) else { return nil }
        index += name.utf8.count
        if index < query.count && query[index] == 0x2F {
            index += 1
            while index < query.count && query[index] >= 0x30 && query[index] <= 0x39 { index += 1 }
        }
        let past = spaces(from: index)
        return past > index ? past : nil
    }
}
