import Indexer

/// Turns a parsed query into scorers over an index: every word goes through the same `FrenchAnalyzer`
/// as the documents, then through the index's lexicon, so that `ÉCONOMIE`, `economie` and `l’économie`
/// reach the same terms.
final class QueryPlanner {
    /// A prefix may expand to at most this many terms.
    static let maximumExpansions = 512
    /// Most numbers a range may reach: each costs a read of its documents, not a clause to merge.
    static let maximumRangeNumbers = 65_536
    /// A fuzzy word reaches the spellings of at most this many closest (Lucene's maxExpansions).
    static let maximumFuzzySpellings = 50
    /// Fuzzy words a query may hold: each walks the whole lexicon (97 of them, a 1,001-character query,
    /// took 0.11 s on frdocs' 46,250 spellings, and the walk grows with the lexicon).
    static let maximumFuzzyWords = 16

    /// Edits a fuzzy word allows when the query does not say: none up to 2 characters, 1 up to 5, then
    /// 2 (Elasticsearch's `AUTO`), so that a short word does not match half the index.
    static func automaticEdits(characters: Int) -> Int {
        characters <= 2 ? 0 : characters <= 5 ? 1 : 2
    }

    let reader: IndexReader
    let analyzer: FrenchAnalyzer
    let parameters: BM25Parameters
    /// Words and phrases searched as others too, when the searcher has a synonym file.
    let synonyms: Synonyms?
    /// Each word not excluded, as its terms, whether it stands outside a phrase (highlighted wherever
    /// it occurs) and the fields it is searched in: what snippets highlight, each field only with the
    /// words searched there (`title:anne` marks no Anne in the body), as Elasticsearch's
    /// `require_field_match` and tantivy's snippets do. The words' own arrays, kept as planned, so that
    /// a query that makes no snippet pays one small allocation here.
    private var highlightedWords: [(terms: [String], free: Bool, fields: [(field: Int, boost: Double)])] = []
    /// The phrases not excluded, each as its words' terms, their offsets, its slop and its fields:
    /// their terms are highlighted only where the phrase occurs (`HighlightFilter`).
    private var highlightedPhrases: [(words: [[String]], offsets: [Int], slop: Int?, ordered: Bool, fields: [(field: Int, boost: Double)])] = []
    /// The terms highlighted in `field`, each once, sorted.
    func distinctHighlightTerms(in field: Int) -> [String] {
        var terms: [String] = []
        terms.reserveCapacity(highlightedWords.reduce(0) { $0 + $1.terms.count })
        for word in highlightedWords where word.fields.contains(where: { $0.field == field }) { terms += word.terms }
        terms.sort()
        var kept = 0
        for index in terms.indices where kept == 0 || terms[kept - 1] != terms[index] {
            terms.swapAt(kept, index)
            kept += 1
        }
        terms.removeLast(terms.count - kept)
        return terms
    }
    /// The highlight filter of `field`'s phrases over `terms` (as `distinctHighlightTerms(in:)` gives
    /// them), nil when no phrase is searched there.
    func highlightFilter(in field: Int, terms: [String]) -> HighlightFilter? {
        let phrases = highlightedPhrases.filter { $0.fields.contains { $0.field == field } }
        guard !phrases.isEmpty else { return nil }
        // The terms of the words outside phrases, highlighted wherever they occur.
        var free = Set<String>()
        for word in highlightedWords where word.free && word.fields.contains(where: { $0.field == field }) { free.formUnion(word.terms) }
        return HighlightFilter(terms: terms, free: free, phrases: phrases.map { ($0.words, $0.offsets, $0.slop, $0.ordered) })
    }
    /// The body field's terms that planning looked up, with the cursor it opened on each one found
    /// there: snippets read the hits' positions with them once the ranking is done.
    private(set) var bodyCursors: [(term: String, found: Bool, cursor: PostingsCursor?)] = []

    /// The fields a word without a field is searched in.
    private let allFields: [(field: Int, boost: Double)]
    private var fuzzyWords = 0
    /// What weighs the query's pairs of words near each other; 0 for none.
    private let proximityBoost: Double

    /// `allFields` is what `Self.allFields(of:parameters:)` says, when the caller keeps it from one
    /// query to the next.
    /// With `ranks`, the query's words near each other add to its scores as `parameters` asks
    /// (`proximityPairs`); a count, a facet or a highlight plans without.
    init(reader: IndexReader, analyzer: FrenchAnalyzer, parameters: BM25Parameters,
         allFields: [(field: Int, boost: Double)]? = nil, synonyms: Synonyms? = nil, ranks: Bool = false) {
        self.reader = reader
        self.analyzer = analyzer
        self.parameters = parameters
        self.synonyms = synonyms
        self.allFields = allFields ?? Self.allFields(of: reader, parameters: parameters)
        proximityBoost = ranks ? parameters.proximityBoost : 0
    }

    /// Every indexed field, with its boost.
    static func allFields(of reader: IndexReader, parameters: BM25Parameters) -> [(field: Int, boost: Double)] {
        let fields = reader.meta.fields
        return fields.indices.filter { fields[$0].indexed }.map { (field: $0, boost: parameters.boost(of: $0, named: fields[$0].name)) }
    }

    /// The scorer of a query; throws when no word of it can be searched. A planner plans one query.
    func plan(_ node: QueryNode) throws -> Scorer {
        guard let scorer = try plan(node, negated: false, boost: 1, atRoot: true) else { throw QueryError("no searchable words in the query") }
        return scorer
    }

    /// `boost` multiplies the scores of every word below (`(a OR b)^2`). `negated`: planned for an
    /// exclusion, or for a part of the score alone (`proximityPairs`): nothing below is highlighted.
    /// `atRoot`: the node is the query, or required as a whole by it (beside filters, other words).
    private func plan(_ node: QueryNode, negated: Bool, boost: Double, atRoot: Bool = false) throws -> Scorer? {
        switch node {
        case let .word(text, field, column):
            let fields = try self.fields(field, column: column, boost: boost)
            let (tokens, joins) = try analyse(text, joiningCompounds: true)
            if let entries = synonyms?.expansions(of: tokens) { return try synonymous(entries, fields: fields, column: column, negated: negated) }
            // A compound (`en-tête`) as written, or written as one word (`entête`), as the index holds both.
            if tokens.count == 2 && joins.count == 1 { return try synonymous([tokens, joins], fields: fields, column: column, negated: negated) }
            if tokens.count > 1 { return try phrase(tokens, joins: joins, slop: nil, fields: fields, column: column, negated: negated) }
            return try tokens.first.map { try word(alternatives(of: $0), label: $0.surface, fields: fields, negated: negated) }
        case let .exact(text, field, prefix, column):
            let fields = try self.fields(field, column: column, boost: boost)
            try requireExactForms(fields, typed: "=" + text + (prefix ? "*" : ""), column: column)
            // Each word as written; a compound typed with its hyphens (`=en-tête`) is the phrase of its parts.
            let tokens = try analyse(text, joiningCompounds: false).words
            if prefix {
                // A compound being typed (`=saint-den*`) is the phrase of its forms being typed.
                if tokens.count > 1 { return try plan(.phrasePrefix("=" + text, field: field, column: column), negated: negated, boost: boost) }
                guard let token = tokens.first else { return nil }
                let label = "=" + token.surface + "*"
                return try word(exactExpansions(of: token.surface, label: label, fields: fields, column: column), label: label, fields: fields,
                                negated: negated)
            }
            let terms = tokens.map { [ExactForm.term($0.surface)] }
            if tokens.count > 1 { return try phrase(tokens, terms: terms, uncounted: [], slop: nil, fields: fields, column: column, negated: negated) }
            return try tokens.first.map { try word(terms[0], label: "=" + $0.surface, fields: fields, negated: negated) }
        case let .phrase(text, slop, field, column):
            let fields = try self.fields(field, column: column, boost: boost)
            let (tokens, joins) = try analyse(text, joiningCompounds: true)
            let exact = try exactTokens(tokens, in: text, fields: fields, column: column)
            if slop == nil && exact.isEmpty, let entries = synonyms?.expansions(of: tokens) {
                return try synonymous(entries, fields: fields, column: column, negated: negated)
            }
            // A compound alone, quoted as unquoted: as written, or as one word (near each other, its
            // two words as typed).
            if slop == nil && tokens.count == 2 && joins.count == 1 && exact.isEmpty {
                return try synonymous([tokens, joins], fields: fields, column: column, negated: negated)
            }
            if tokens.count > 1 { return try phrase(tokens, joins: joins, exact: exact, slop: slop, fields: fields, column: column, negated: negated) }
            return try tokens.first.map { try word($0, exact: !exact.isEmpty, fields: fields, negated: negated) }
        case let .adjacent(text, slop, field, column):
            let fields = try self.fields(field, column: column, boost: boost)
            let (tokens, joins) = try analyse(text, joiningCompounds: true)
            let exact = try exactTokens(tokens, in: text, fields: fields, column: column)
            if tokens.count > 1 {
                return try phrase(tokens, joins: joins, exact: exact, slop: slop, ordered: true, fields: fields, column: column, negated: negated)
            }
            return try tokens.first.map { try word($0, exact: !exact.isEmpty, fields: fields, negated: negated) }
        case let .phrasePrefix(text, field, column):
            let fields = try self.fields(field, column: column, boost: boost)
            var (tokens, joins) = try analyse(text, joiningCompounds: true)
            let exact = try exactTokens(tokens, in: text, fields: fields, column: column)
            guard let last = tokens.last else { return nil }
            // One letter typed so far: the phrase as typed, as a search box sends it at each key.
            guard last.surface.count >= 2 else { return try plan(.phrase(text, slop: nil, field: field, column: column), negated: negated, boost: boost) }
            // A compound whose second word is the one being typed is no compound yet.
            joins.removeAll { $0.position + 1 == last.position }
            let lastExact = exact.contains(tokens.count - 1)
            let expanded = lastExact ? try exactExpansions(of: last.surface, label: "\"\(text)*\"", fields: fields, column: column)
                : try expandedTerms(of: last.surface, matching: nil, label: "\"\(text)*\"", fields: fields, column: column)
            guard tokens.count > 1 else { return try word(expanded, label: (lastExact ? "=" : "") + last.surface + "*", fields: fields, negated: negated) }
            return try phrase(tokens, joins: joins, exact: exact, lastTerms: expanded, slop: nil, fields: fields, column: column, negated: negated)
        case let .quorum(text, minimum, field, column):
            // Each word as a bare word (over its fields, with its synonyms); a word no document holds
            // leaves fewer to reach the quorum with.
            var live: [Scorer] = []
            var planned = false
            // Each word's scorer by its folded spelling, as `quorumWords` tells words apart.
            var scorers: [String: Scorer] = [:]
            for word in QueryNode.quorumWords(text) {
                guard let scorer = try plan(Self.quorumWord(word, field: field, column: column), negated: negated, boost: boost) else { continue }
                planned = true
                if !(scorer is EmptyScorer) { live.append(scorer) }
                if atRoot && proximityBoost > 0 { scorers[QueryNode.quorumKey(word)] = scorer }
            }
            guard planned else { return nil }
            if live.count < minimum { return EmptyScorer() }
            let quorum = live.count == 1 ? live[0] : minimum == 1 ? DisjunctionScorer(live)
                : minimum == live.count ? ConjunctionScorer(live) : QuorumScorer(live, minimum: minimum, documentCount: reader.documentCount)
            guard atRoot && proximityBoost > 0 else { return quorum }
            // A question typed whole (`"…"/75%`): its words near each other count as a conjunction's do.
            let typed = text.split(whereSeparator: \.isWhitespace).map(String.init)
            let words = typed.map { Self.quorumWord($0, field: field, column: column) }
            let pairs = try proximityPairs(words, skipping: []) { scorers[QueryNode.quorumKey(typed[$0])] }
            return pairs.isEmpty ? quorum : RequiredOptionalScorer(required: quorum, optional: pairs)
        case let .prefix(text, field, column):
            // A compound being typed (`saint-den*`) is the phrase of its words being typed.
            let tokens = try analyse(text)
            if tokens.count > 1 { return try plan(.phrasePrefix(text, field: field, column: column), negated: negated, boost: boost) }
            let fields = try self.fields(field, column: column, boost: boost)
            guard let token = tokens.first else { return nil }
            return try prefix(token.surface, fields: fields, column: column, negated: negated)
        case let .wildcard(text, field, column):
            let fields = try self.fields(field, column: column, boost: boost)
            return try wildcard(text, fields: fields, column: column, negated: negated)
        case let .regex(pattern, field, column):
            let fields = try self.fields(field, column: column, boost: boost)
            return try regex(pattern, fields: fields, column: column, negated: negated)
        case let .fuzzy(text, edits, field, column):
            let fields = try self.fields(field, column: column, boost: boost)
            return try fuzzy(text, edits: edits, fields: fields, column: column, negated: negated)
        case let .range(bounds, field, column) where bounds.dates:
            return try dateRange(bounds, field: field, boost: boost, column: column)
        case let .range(bounds, field, column):
            let fields = try self.fields(field, column: column, boost: boost)
            return try range(bounds, fields: fields, boost: boost, column: column, negated: negated)
        case let .exists(field, column):
            let field = try fields(field, column: column, boost: boost)[0].field
            guard reader.meta.fields[field].documentsWithField > 0, let lengths = reader.lengths(field: field) else { return EmptyScorer() }
            return FieldExistsScorer(reader: reader, field: field, lengths: lengths, score: boost)
        case let .value(text, field, prefix, column):
            return try exactValue(text, field: field, prefix: prefix, boost: boost, column: column)
        case .all:
            return reader.documentCount == 0 ? EmptyScorer() : AllScorer(documentCount: reader.documentCount, score: boost)
        case .similar(let id):
            return try similar(to: id, negated: negated, boost: boost)
        case .and(let children):
            var required: [Scorer] = []
            var excluded: [Scorer] = []
            var joined = Set<Int>()
            // The children's scorers, which the pairs' phrases read.
            var planned: [Int: Scorer] = [:]
            for run in try synonyms?.wordRuns(in: children, analyzer: analyzer) ?? [] {
                joined.formUnion(run.range)
                required.append(try synonymRun(children[run.range], entries: run.entries, keepsWords: run.keepsWords,
                                               fields: fields(run.field, column: run.column, boost: boost), column: run.column,
                                               negated: negated, boost: boost))
            }
            for (index, child) in children.enumerated() where joined.isEmpty || !joined.contains(index) {
                if case .not(let inner) = child {
                    if let scorer = try plan(inner, negated: true, boost: boost), !(scorer is EmptyScorer) { excluded.append(scorer) }
                } else if let scorer = try plan(child, negated: negated, boost: boost, atRoot: atRoot && Self.takesPairs(child)) {
                    required.append(scorer)
                    if atRoot && proximityBoost > 0 { planned[index] = scorer }
                }
            }
            guard !required.isEmpty else { return nil }
            if required.contains(where: { $0 is EmptyScorer }) { return EmptyScorer() }
            var root = required.count == 1 ? required[0] : ConjunctionScorer(required)
            if atRoot && proximityBoost > 0 {
                let pairs = try proximityPairs(children, skipping: joined) { planned[$0] }
                if !pairs.isEmpty { root = RequiredOptionalScorer(required: root, optional: pairs) }
            }
            guard !excluded.isEmpty else { return root }
            return ExclusionScorer(required: root, excluded: excluded.count == 1 ? excluded[0] : DisjunctionScorer(excluded))
        case .or(let children):
            // One array, sized once: the children that can match.
            var live: [Scorer] = []
            live.reserveCapacity(children.count)
            var planned = false
            for child in children {
                guard let scorer = try plan(child, negated: negated, boost: boost) else { continue }
                planned = true
                if !(scorer is EmptyScorer) { live.append(scorer) }
            }
            guard planned else { return nil }
            if live.isEmpty { return EmptyScorer() }
            return live.count == 1 ? live[0] : DisjunctionScorer(live)
        case let .maybe(required, optional):
            // Excluded, it excludes what it requires; its optional clauses add nothing to match.
            guard let root = try plan(required, negated: negated, boost: boost, atRoot: atRoot) else { return nil }
            if negated || root is EmptyScorer { return root }
            var live: [Scorer] = []
            live.reserveCapacity(optional.count)
            for child in optional {
                if let scorer = try plan(child, negated: false, boost: boost), !(scorer is EmptyScorer) { live.append(scorer) }
            }
            if live.isEmpty { return root }
            return AndMaybeScorer(required: root, optional: live.count == 1 ? live[0] : DisjunctionScorer(live))
        case let .boosted(inner, factor):
            return try plan(inner, negated: negated, boost: boost * factor, atRoot: atRoot)
        case .not(let inner):
            // Only reachable inside OR, which the parser refuses; plan it as what it excludes.
            return try plan(inner, negated: true, boost: boost)
        }
    }

    // MARK: Proximity

    /// Whether the node's words may make pairs where it stands at the root: a conjunction, a quorum,
    /// boosted or not (`(a b)^2` pairs as `a b` does, its boost weighing the words' own scores).
    private static func takesPairs(_ node: QueryNode) -> Bool {
        switch node {
        case .and, .quorum: true
        case .boosted(let inner, _): takesPairs(inner)
        default: false
        }
    }

    /// Each two words typed one after the other among a conjunction's `children` (those at `joined`
    /// left out: synonyms), both in the same field and each one term with no synonyms, as the proximity
    /// search `"a b"~2` weighed by the proximity boost: a document holding the pair near each other
    /// scores more (Solr's pf2, Sphinx's proximity ranking): the phrases, a field each, that a
    /// `RequiredOptionalScorer` adds to the conjunction's scores, never to its matches. A phrase reads
    /// the words' own scorers (`scorer(child)`, in each field) where the conjunction leaves them.
    private func proximityPairs(_ children: [QueryNode], skipping joined: Set<Int>,
                                scorer: (Int) -> Scorer?) throws -> [PhraseScorer] {
        var pairs: [PhraseScorer] = []
        var previous: (token: Token, field: String?, column: Int, fields: [Int: FieldTermScorer])?
        for (index, child) in children.enumerated() {
            guard !joined.contains(index), let (text, field, column) = Self.typedWord(child), var token = try oneTerm(text),
                  let fields = scorer(index).flatMap(Self.fieldScorers) else {
                previous = nil
                continue
            }
            token.position = 1
            if let previous, previous.field == field {
                let entries = try [previous.token, token].map { try reader.lexiconEntry(surface: $0.surface) }
                let terms = zip([previous.token, token], entries).map { $1?.terms ?? [$0.term] }
                let scorer = try phrase([previous.token, token], terms: terms, uncounted: [], slop: parameters.proximitySlop,
                                        fields: self.fields(field, column: previous.column, boost: proximityBoost),
                                        column: previous.column, negated: true, words: [previous.fields, fields],
                                        sharingPositions: entries.contains { $0?.joined != nil })
                pairs += ((scorer as? DisjunctionScorer)?.scorers ?? [scorer]).compactMap { $0 as? PhraseScorer }
            }
            token.position = 0
            previous = (token, field, column, fields)
        }
        return pairs
    }

    /// A word as typed, boosted or not: a boost (`a^2 b`) weighs the word's own score, and its pairs'
    /// as any others, as Solr's `pf2` takes a boosted word's text.
    private static func typedWord(_ node: QueryNode) -> (text: String, field: String?, column: Int)? {
        switch node {
        case let .word(text, field, column): (text, field, column)
        case let .boosted(inner, _): typedWord(inner)
        default: nil
        }
    }

    /// A word analysed into one term, with no synonyms: what pairs are made of (a compound is a phrase
    /// of its own, and a word with synonyms stands for other words); nil for any other.
    private func oneTerm(_ text: String) throws -> Token? {
        let (tokens, joins) = try analyse(text, joiningCompounds: true)
        guard tokens.count == 1 && joins.isEmpty && synonyms?.expansions(of: tokens) == nil else { return nil }
        return tokens[0]
    }

    /// A word's scorer in each field that holds it: a word planned in one field, or a union of such.
    private static func fieldScorers(_ scorer: Scorer) -> [Int: FieldTermScorer]? {
        if let word = scorer as? FieldTermScorer { return [word.weight.field: word] }
        guard let union = scorer as? DisjunctionScorer else { return nil }
        var fields: [Int: FieldTermScorer] = [:]
        for case let word as FieldTermScorer in union.scorers { fields[word.weight.field] = word }
        return fields.count == union.scorers.count ? fields : nil
    }

    // MARK: Fields

    /// The fields a word is searched in, with their boosts (times the query's `boost`): all indexed
    /// fields, or the one named.
    private func fields(_ name: String?, column: Int, boost: Double) throws -> [(field: Int, boost: Double)] {
        guard let name else { return boost == 1 ? allFields : allFields.map { ($0.field, $0.boost * boost) } }
        let fields = reader.meta.fields
        guard let field = reader.meta.field(typed: name), fields[field].indexed else {
            let known = fields.filter(\.indexed).map(\.name).joined(separator: ", ")
            // A page's date: kept to be shown and sorted by, not searched.
            let stored = reader.meta.field(named: name)
            if let stored, stored > StandardField.body {
                throw QueryError("field \"\(name)\" is stored to sort by, not searched (fields: \(known))", column: column)
            }
            if stored == StandardField.path {
                throw QueryError("the path is matched whole, as path:=\"notes/a.md\", not searched (fields: \(known))", column: column)
            }
            throw QueryError("unknown field \"\(name)\" (fields: \(known))", column: column)
        }
        return [(field: field, boost: fieldBoost(field) * boost)]
    }

    private func fieldBoost(_ field: Int) -> Double {
        parameters.boost(of: field, named: reader.meta.fields[field].name)
    }

    private func fieldStatistics(_ field: Int) -> (documents: Int, averageLength: Double) {
        let info = reader.meta.fields[field]
        let documents = Int(info.documentsWithField)
        return (documents, documents == 0 ? 1 : Double(info.totalLength) / Double(documents))
    }

    // MARK: Lookups

    private func analyse(_ text: String) throws -> [Token] {
        try analyzer.tokens(text)
    }

    /// The words of `text`, and apart, the joined words of its compounds (`Token.span` 2).
    private func analyse(_ text: String, joiningCompounds: Bool) throws -> (words: [Token], joins: [Token]) {
        let tokens = try analyzer.tokens(text, joiningCompounds: joiningCompounds)
        return (tokens.filter { $0.span == 1 }, tokens.filter { $0.span == 2 })
    }

    /// The terms a query word reaches: all those its folded spelling was indexed under, or its own.
    private func alternatives(of token: Token) throws -> [String] {
        try reader.lexiconTerms(surface: token.surface) ?? [token.term]
    }

    /// A quorum's word as typed: exact (`=économies`) or bare.
    private static func quorumWord(_ word: String, field: String?, column: Int) -> QueryNode {
        QueryNode.isExactWord(word) ? .exact(QueryNode.exactText(word), field: field, column: column) : .word(word, field: field, column: column)
    }

    /// The indices of `tokens`, the words of a phrase's `text`, typed as exact words
    /// (`QueryNode.exactWords`): searched in `fields`, which must hold exact forms then.
    private func exactTokens(_ tokens: [Token], in text: String, fields: [(field: Int, boost: Double)], column: Int) throws -> Set<Int> {
        let words = QueryNode.exactWords(in: text)
        guard !words.isEmpty else { return [] }
        let exact = Set(tokens.indices.filter { index in words.contains { $0.contains(tokens[index].range.lowerBound) } })
        if let first = exact.min(), let word = words.first(where: { $0.contains(tokens[first].range.lowerBound) }) {
            try requireExactForms(fields, typed: String(decoding: Array(text.utf8)[word], as: UTF8.self), column: column)
        }
        return exact
    }

    /// Throws unless every field of `fields` holds exact forms (`fts index --exact-words`).
    private func requireExactForms(_ fields: [(field: Int, boost: Double)], typed: String, column: Int) throws {
        guard fields.allSatisfy({ reader.meta.fields[$0.field].exactForms }) else {
            throw QueryError("\(typed): this index holds no exact forms; build it with fts index --exact-words", column: column)
        }
    }

    // MARK: Atoms

    /// From this many terms, a word's terms in one field are looked up in one walk over the term
    /// table (`IndexReader.termInfos`); fewer cost less searched one by one.
    static let termsLookedUpTogether = 8

    /// One word's scorer in one field, or nil when none of its terms occurs there.
    private func fieldWord(_ terms: [String], label: String, field: Int, boost: Double) throws -> FieldTermScorer? {
        // Grown from empty: a word absent from the field allocates nothing.
        var cursors: [PostingsCursor] = []
        var docFreq = 0
        let firstBodyEntry = bodyCursors.count
        // Room for a few words at the first: a query that never reads the body allocates nothing.
        if field == StandardField.body && bodyCursors.capacity == 0 { bodyCursors.reserveCapacity(4) }
        let found = terms.count >= Self.termsLookedUpTogether ? try reader.termInfos(field: field, terms: terms) : nil
        for (index, term) in terms.enumerated() {
            let info: TermInfo?
            if let found { info = found[index] } else { info = try reader.termInfo(field: field, term: term) }
            if field == StandardField.body { bodyCursors.append((term, info != nil, nil)) }
            guard let info else { continue }
            cursors.append(try reader.postings(info))
            docFreq = max(docFreq, info.docFreq)
        }
        guard !cursors.isEmpty else { return nil }
        let statistics = fieldStatistics(field)
        let weight = FieldWeight(field: field, boost: boost,
                                 idf: BM25Parameters.idf(docFreq: docFreq, documentCount: statistics.documents),
                                 parameters: parameters, averageLength: statistics.averageLength)
        let scorer = FieldTermScorer(weight: weight, cursors: cursors, terms: terms, label: label, reader: reader)
        if field == StandardField.body {
            // The scorer's cursors follow the terms found, in order.
            var next = 0
            for entry in firstBodyEntry..<bodyCursors.count where bodyCursors[entry].found {
                bodyCursors[entry].cursor = scorer.cursors[next]
                next += 1
            }
        }
        return scorer
    }

    /// A word of a phrase standing alone: as written when `exact`, else by its alternatives.
    private func word(_ token: Token, exact: Bool, fields: [(field: Int, boost: Double)], negated: Bool) throws -> Scorer {
        exact ? try word([ExactForm.term(token.surface)], label: "=" + token.surface, fields: fields, negated: negated)
            : try word(alternatives(of: token), label: token.surface, fields: fields, negated: negated)
    }

    private func word(_ terms: [String], label: String, fields: [(field: Int, boost: Double)], negated: Bool) throws -> Scorer {
        if !negated { highlight(terms, free: true, fields: fields) }
        var scorers: [Scorer] = []
        scorers.reserveCapacity(fields.count)
        for (field, boost) in fields {
            if let scorer = try fieldWord(terms, label: label, field: field, boost: boost) { scorers.append(scorer) }
        }
        if scorers.isEmpty { return EmptyScorer() }
        return scorers.count == 1 ? scorers[0] : DisjunctionScorer(scorers)
    }

    /// Any of the terms that tell the document apart, each in the field it was found in, scored by
    /// BM25 as a word there; the document itself left out. Its terms are highlighted wherever they occur.
    private func similar(to id: String, negated: Bool, boost: Double) throws -> Scorer {
        guard let doc = try reader.document(id: id) else { throw QueryError("no document with id \(id)") }
        var scorers: [Scorer] = []
        for selected in try SimilarTerms.select(doc: doc, reader: reader, analyzer: analyzer, fields: Set(allFields.map(\.field))) {
            if !negated { highlight([selected.term], free: true, fields: [(selected.field, 1)]) }
            if let scorer = try fieldWord([selected.term], label: selected.surface, field: selected.field,
                                          boost: fieldBoost(selected.field) * boost) {
                scorers.append(scorer)
            }
        }
        if scorers.isEmpty { return EmptyScorer() }
        let union = scorers.count == 1 ? scorers[0] : DisjunctionScorer(scorers)
        return negated ? union : ExclusionScorer(required: union, excluded: OneDocumentScorer(doc: UInt32(doc)))
    }

    /// What a word or phrase with a line in the synonym file searches: its entries' single words as one
    /// word that reaches all their terms (scored as Lucene's SynonymQuery scores them: their
    /// frequencies added up, the largest document frequency), each phrase as a phrase, any of them.
    private func synonymous(_ entries: [[Token]], fields: [(field: Int, boost: Double)], column: Int, negated: Bool) throws -> Scorer {
        var terms: [String] = []
        var labels: [String] = []
        var scorers: [Scorer] = []
        for entry in entries {
            guard entry.count == 1 else {
                scorers.append(try phrase(entry, slop: nil, fields: fields, column: column, negated: negated))
                continue
            }
            labels.append(entry[0].surface)
            for term in try alternatives(of: entry[0]) where !terms.contains(term) { terms.append(term) }
        }
        if !terms.isEmpty { scorers.insert(try word(terms, label: labels.joined(separator: "|"), fields: fields, negated: negated), at: 0) }
        let live = scorers.filter { !($0 is EmptyScorer) }
        if live.isEmpty { return EmptyScorer() }
        return live.count == 1 ? live[0] : DisjunctionScorer(live)
    }

    /// Words typed in a row that make an entry of the synonym file (`Synonyms.wordRuns`): the words
    /// as typed, all required (when the line keeps them), or any other entry of the line.
    private func synonymRun(_ words: ArraySlice<QueryNode>, entries: [[Token]], keepsWords: Bool, fields: [(field: Int, boost: Double)],
                            column: Int, negated: Bool, boost: Double) throws -> Scorer {
        var alternatives: [Scorer] = []
        if keepsWords {
            let planned = try words.compactMap { try plan($0, negated: negated, boost: boost) }
            if !planned.isEmpty && !planned.contains(where: { $0 is EmptyScorer }) {
                alternatives.append(planned.count == 1 ? planned[0] : ConjunctionScorer(planned))
            }
        }
        if !entries.isEmpty {
            let others = try synonymous(entries, fields: fields, column: column, negated: negated)
            if !(others is EmptyScorer) { alternatives.append(others) }
        }
        if alternatives.isEmpty { return EmptyScorer() }
        return alternatives.count == 1 ? alternatives[0] : DisjunctionScorer(alternatives)
    }

    private func highlight(_ terms: [String], free: Bool, fields: [(field: Int, boost: Double)]) {
        // Room for a few words at the first, instead of growing word by word.
        if highlightedWords.capacity == 0 { highlightedWords.reserveCapacity(4) }
        highlightedWords.append((terms, free, fields))
    }

    /// The most compounds of a phrase (exact or near) searched written both ways (`phrase`): each doubles the
    /// phrases searched.
    static let maximumCompoundsInAPhrase = 2

    /// Where an exact phrase may be written otherwise: the words `start ..< start + length` as `words`
    /// (reaching `terms`), those at `uncounted` adding nothing to the phrase's weight.
    private struct PhraseSpelling {
        var start: Int
        var length: Int
        var words: [Token]
        var terms: [[String]]
        var uncounted: [Int]
    }

    /// `lastTerms`: the last word's terms, when they are not its own (a phrase's prefix). `joins`: the
    /// joined words of the phrase's compounds (`Token.span` 2). `exact`: the words typed as exact
    /// words, each searched as written; one typed with its hyphens is its parts' forms alone, as
    /// outside quotes, and one compounds make is also searched followed by the compound's second word
    /// (whose form the joined one's fixes).
    ///
    /// An exact phrase finds its compounds written either way, as the index holds both (docs/QUERY.md):
    /// a compound typed with its hyphen (`"l’en-tête de la page"`) is also searched as its joined word;
    /// a word compounds make (`"entête de la page"`), which stands at the compound's first word, is
    /// also searched followed by the compound's second word, which adds nothing to the weight. A
    /// proximity search does the first, for its compounds typed with their hyphens.
    private func phrase(_ tokens: [Token], joins: [Token] = [], exact: Set<Int> = [], lastTerms: [String]? = nil, slop: Int?,
                        ordered: Bool = false, fields: [(field: Int, boost: Double)], column: Int, negated: Bool) throws -> Scorer {
        let entries = try tokens.map { try reader.lexiconEntry(surface: $0.surface) }
        var terms = zip(tokens, entries).map { $1?.terms ?? [$0.term] }
        for index in exact { terms[index] = [ExactForm.term(tokens[index].surface)] }
        if let lastTerms { terms[terms.count - 1] = lastTerms }
        // A word compounds make stands where the compound's first word does.
        let joinedSpellings = entries.contains { $0?.joined != nil }
        var spellings: [PhraseSpelling] = []
        var index = 0
        // Near each other, words that compounds make are searched as typed (a joined word stands at
        // its compound's first word), and compounds typed with their hyphens both ways, but for one
        // that is the whole search.
        let joinsWritten = slop == nil || tokens.count > 2
        while index < tokens.count - 1 && spellings.count < Self.maximumCompoundsInAPhrase {
            if joinsWritten, !exact.contains(index), let join = joins.first(where: { $0.position == tokens[index].position }) {
                spellings.append(PhraseSpelling(start: index, length: 2, words: [join], terms: [try alternatives(of: join)], uncounted: []))
                index += 2
                continue
            }
            if slop == nil, let split = entries[index]?.joined {
                let second = try analyse(String(decoding: tokens[index].surface.utf8.dropFirst(split.firstLength), as: UTF8.self))
                if second.count == 1 {
                    spellings.append(PhraseSpelling(start: index, length: 1, words: [tokens[index], second[0]],
                                                    terms: [terms[index], try alternatives(of: second[0])], uncounted: [1]))
                }
            }
            index += 1
        }
        guard !spellings.isEmpty else {
            return try phrase(tokens, terms: terms, uncounted: [], slop: slop, ordered: ordered, fields: fields, column: column, negated: negated,
                              sharingPositions: joinedSpellings)
        }
        var scorers: [Scorer] = []
        for variant in 0..<(1 << spellings.count) {
            var words: [Token] = [], wordTerms: [[String]] = [], uncounted: [Int] = []
            func add(_ token: Token, _ terms: [String], counted: Bool) {
                var word = token
                word.position = words.count
                if !counted { uncounted.append(words.count) }
                words.append(word)
                wordTerms.append(terms)
            }
            var index = 0
            while index < tokens.count {
                guard let chosen = spellings.indices.first(where: { spellings[$0].start == index && variant & (1 << $0) != 0 }) else {
                    add(tokens[index], terms[index], counted: true)
                    index += 1
                    continue
                }
                let spelling = spellings[chosen]
                for (at, word) in spelling.words.enumerated() { add(word, spelling.terms[at], counted: !spelling.uncounted.contains(at)) }
                index += spelling.length
            }
            let scorer = try phrase(words, terms: wordTerms, uncounted: uncounted, slop: slop, ordered: ordered, fields: fields, column: column,
                                    negated: negated, sharingPositions: joinedSpellings)
            if !(scorer is EmptyScorer) { scorers.append(scorer) }
        }
        if scorers.isEmpty { return EmptyScorer() }
        return scorers.count == 1 ? scorers[0] : DisjunctionScorer(scorers)
    }

    /// A phrase of `tokens`, each word reaching `terms`; the words at `uncounted` add nothing to its weight.
    /// With `words`, each word's scorers by field: the phrase reads those (`PhraseScorer.matches(at:)`),
    /// in the fields where all are, instead of its own. `sharingPositions`: a word is a spelling
    /// compounds make, whose occurrence may be another word's too.
    private func phrase(_ tokens: [Token], terms: [[String]], uncounted: [Int], slop: Int?, ordered: Bool = false, fields: [(field: Int, boost: Double)],
                        column: Int, negated: Bool, words shared: [[Int: FieldTermScorer]]? = nil, sharingPositions: Bool = false) throws -> Scorer {
        let offsets = tokens.map { $0.position - tokens[0].position }
        if !negated {
            for alternatives in terms { highlight(alternatives, free: false, fields: fields) }
            highlightedPhrases.append((terms, offsets, slop, ordered, fields))
        }
        // A proximity search counts the words that reach the same terms together (QUERY.md); in order,
        // each word stands after the one before, at an occurrence of its own.
        let groups = terms.indices.map { index in
            slop == nil || ordered ? index : terms.firstIndex { $0.count == terms[index].count && $0.allSatisfy(terms[index].contains) }!
        }
        let distinctWords = groups.indices.filter { groups[$0] == $0 }.count
        guard slop == nil || distinctWords <= OccurrenceAssignment.maximumWords else {
            throw QueryError("a proximity search may hold at most \(OccurrenceAssignment.maximumWords) different words", column: column)
        }
        // An exact form's occurrence is one of its word's too (`"=du du"~2` needs two `du`), and a
        // compound's joined word's one of its first word's. (A word's terms are all exact forms or none.)
        let sharing = slop == nil || ordered ? nil
            : OccurrenceAssignment.types(terms: terms, groups: groups, sharingPositions: sharingPositions || tokens.contains { $0.span == 2 }
                                            || terms.contains { $0.first.map(ExactForm.isExact) == true })
        var scorers: [Scorer] = []
        for (field, boost) in fields {
            let words = try shared?.map { $0[field] } ?? zip(terms, tokens).map { try fieldWord($0, label: $1.surface, field: field, boost: boost) }
            guard words.allSatisfy({ $0 != nil }) else { continue }
            let present = words.map { $0! }
            let statistics = fieldStatistics(field)
            let idf = present.indices.reduce(0) { uncounted.contains($1) ? $0 : $0 + present[$1].weight.idf }
            let weight = FieldWeight(field: field, boost: boost, idf: idf, parameters: parameters, averageLength: statistics.averageLength)
            scorers.append(PhraseScorer(words: present, offsets: offsets, slop: slop, ordered: ordered, groups: groups, sharing: sharing,
                                        weight: weight, reader: reader))
        }
        if scorers.isEmpty { return EmptyScorer() }
        return scorers.count == 1 ? scorers[0] : DisjunctionScorer(scorers)
    }

    private func prefix(_ prefix: String, fields: [(field: Int, boost: Double)], column: Int, negated: Bool) throws -> Scorer? {
        guard prefix.count >= 2 else {
            throw QueryError("a prefix needs at least 2 letters before *", column: column)
        }
        return try expansions(of: prefix, matching: nil, label: prefix + "*", fields: fields, column: column, negated: negated)
    }

    /// `econ?mie`: the pattern folded as the lexicon's spellings are, its first piece analysed
    /// (elision removed: `l’écon?mie` is `econ?mie`), the pieces after a wildcard folded alone.
    private func wildcard(_ text: String, fields: [(field: Int, boost: Double)], column: Int, negated: Bool) throws -> Scorer? {
        var folded = "", piece = ""
        var first = true
        func addPiece() throws {
            if first {
                let tokens = try analyse(piece)
                guard tokens.count <= 1 else { throw QueryError("a wildcard (* or ?) needs a single word (\(text)); quote it to search the text as written", column: column) }
                folded = tokens.first?.surface ?? ""
                first = false
            } else {
                folded += Folding.removeAccents(Folding.lowercase(piece))
            }
            piece = ""
        }
        for scalar in text.unicodeScalars {
            if scalar == "*" || scalar == "?" {
                try addPiece()
                folded.unicodeScalars.append(scalar)
            } else {
                piece.unicodeScalars.append(scalar)
            }
        }
        try addPiece()
        let pattern = WildcardPattern(folded)
        guard pattern.literalPrefix.count >= 2 else { throw QueryError("a wildcard needs at least 2 letters before it", column: column) }
        return try expansions(of: pattern.literalPrefix, matching: pattern, label: folded, fields: fields, column: column, negated: negated)
    }

    /// `/joh?n/`: the terms of the spellings the regular expression matches whole, scored together as
    /// one word, as a wildcard's; more than `maximumExpansions` terms is an error. Numbers are not in
    /// the lexicon: a pattern that starts with digits (`/20[0-9]{2}/`) is matched against the terms
    /// that start with them, as a wildcard is.
    private func regex(_ pattern: RegexPattern, fields: [(field: Int, boost: Double)], column: Int, negated: Bool) throws -> Scorer? {
        let text = pattern.text
        var found = Set<String>()
        try reader.forEachLexiconEntry(matching: pattern) { _, terms in
            found.formUnion(try terms())
            return found.count <= Self.maximumExpansions
        }
        let digits = String(pattern.literalPrefix.prefix { $0.isASCII && $0.isNumber })
        if !digits.isEmpty {
            for (field, _) in fields {
                for entry in try reader.terms(field: field, prefix: digits, limit: nil) where pattern.matches(entry.term) {
                    found.insert(entry.term)
                }
            }
        }
        guard found.count <= Self.maximumExpansions else {
            throw QueryError("/\(text)/ matches more than \(Self.maximumExpansions) terms; make the expression narrower", column: column)
        }
        return try word(found.sorted(), label: "/\(text)/", fields: fields, negated: negated)
    }

    /// The terms of the spellings that start with `prefix` and match `pattern` (all of them when nil),
    /// scored together as one word; more than `maximumExpansions` terms is an error. The bound is on
    /// terms: many spellings may share one (`economie`, `economies`), so every spelling is read until
    /// the terms pass it.
    private func expansions(of prefix: String, matching pattern: WildcardPattern?, label: String, fields: [(field: Int, boost: Double)],
                            column: Int, negated: Bool) throws -> Scorer? {
        try word(expandedTerms(of: prefix, matching: pattern, label: label, fields: fields, column: column), label: label, fields: fields,
                 negated: negated)
    }

    /// The exact forms (`ExactForm`) starting with `surface` in `fields`, sorted, at most
    /// `maximumExpansions` of them (`=écon*`).
    private func exactExpansions(of surface: String, label: String, fields: [(field: Int, boost: Double)], column: Int) throws -> [String] {
        guard surface.count >= 2 else { throw QueryError("a prefix needs at least 2 letters before *", column: column) }
        var found = Set<String>()
        for (field, _) in fields {
            for entry in try reader.terms(field: field, prefix: ExactForm.term(surface), limit: Self.maximumExpansions + 1) { found.insert(entry.term) }
        }
        guard found.count <= Self.maximumExpansions else {
            throw QueryError("\(label) matches more than \(Self.maximumExpansions) terms; make the prefix longer", column: column)
        }
        return found.sorted()
    }

    /// The terms of `expansions`, sorted. A prefix leaves out the spellings only compounds make whose
    /// first word it starts too (`meta*`: `metadonnees` of `méta-données`, which `meta` reaches at the
    /// same position): they would cost a list and count each such compound twice in a document.
    private func expandedTerms(of prefix: String, matching pattern: WildcardPattern?, label: String, fields: [(field: Int, boost: Double)],
                               column: Int) throws -> [String] {
        var found = Set<String>()
        // A wildcard matches whole spellings: a joined one may be the only match (`meta*es`).
        let prefixLength = pattern == nil ? prefix.utf8.count : .max
        try reader.forEachLexiconEntry(prefix: prefix) { surface, joined, terms in
            let reachedByFirstWord = joined.map { !$0.isWritten && $0.firstLength >= prefixLength } ?? false
            if !reachedByFirstWord && pattern?.matches(UnsafeRawBufferPointer(surface)) ?? true { found.formUnion(try terms()) }
            return found.count <= Self.maximumExpansions
        }
        if prefix.allSatisfy(\.isNumber) {
            // Numbers are not in the lexicon: their terms are their spellings.
            for (field, _) in fields {
                for entry in try reader.terms(field: field, prefix: prefix, limit: pattern == nil ? Self.maximumExpansions + 1 : nil)
                    where pattern?.matches(entry.term) ?? true {
                    found.insert(entry.term)
                }
            }
        }
        guard found.count <= Self.maximumExpansions else {
            throw QueryError("\(label) matches more than \(Self.maximumExpansions) terms; make \(pattern == nil ? "the prefix" : "the pattern") longer",
                             column: column)
        }
        return found.sorted()
    }

    /// The documents holding a number of the fields within the bounds, each scoring `boost`. Numbers
    /// sort as text in the term dictionary (`10` before `9`), so every term that starts with a digit is
    /// read; the documents of those in the range are marked in a bitset, a list at a time.
    private func range(_ bounds: NumberRange, fields: [(field: Int, boost: Double)], boost: Double, column: Int, negated: Bool) throws -> Scorer? {
        let matched = DocumentBitset(documentCount: reader.documentCount)
        var found = Set<String>()
        for (field, _) in fields {
            for digit in 0...9 {
                for entry in try reader.terms(field: field, prefix: String(digit), limit: nil) {
                    guard let value = NumberRange.value(ofTerm: entry.term), bounds.contains(value) else { continue }
                    found.insert(entry.term)
                    guard found.count <= Self.maximumRangeNumbers else {
                        throw QueryError("\(bounds.text) matches more than \(Self.maximumRangeNumbers) numbers; narrow the range", column: column)
                    }
                    _ = try matched.mark([reader.postings(entry.info)])
                }
            }
        }
        guard !found.isEmpty else { return EmptyScorer() }
        if !negated { highlight(found.sorted(), free: true, fields: fields) }
        return BitsetScorer(bitset: matched, score: boost, label: bounds.text, kind: "a range")
    }

    /// The documents holding `text`, exactly, among their values of the field (facets.fts), or with
    /// `prefix` a value starting with it, each scoring `boost`: one read of the field's column.
    private func exactValue(_ text: String, field name: String, prefix: Bool, boost: Double, column: Int) throws -> Scorer {
        let facets = reader.facetValues
        let names = reader.names(of: facets.fields, what: "fields with values", none: "no field of this index holds values")
        guard let field = reader.field(named: name, among: facets.fields) else {
            throw QueryError("unknown field \"\(name)\" (\(names))", column: column)
        }
        guard facets.hasValues(field: field) else {
            // Sphinx writes `@title ="a b"` for exact words, which reads here as a value.
            let words = reader.meta.fields[field].exactForms
                ? "; its words as written: \(name):(=\(text.contains(where: \.isWhitespace) ? "\"\(text)\"" : text)\(prefix ? "*" : ""))" : ""
            throw QueryError("field \"\(name)\" keeps no values to match exactly (\(names))\(words)", column: column)
        }
        let ordinals = try prefix ? facets.ordinals(withPrefix: text, field: field) : facets.ordinal(of: text, field: field).map { $0..<($0 + 1) }
        guard let ordinals, !ordinals.isEmpty else { return EmptyScorer() }
        let matched = DocumentBitset(documentCount: reader.documentCount)
        facets.forEachDocument(withOrdinalIn: ordinals, field: field) { matched.mark($0) }
        let scorer = BitsetScorer(bitset: matched, score: boost, label: name + ":=" + text + (prefix ? "*" : ""), kind: prefix ? "values" : "a value")
        return scorer.cost == 0 ? EmptyScorer() : scorer
    }

    /// The documents with a value of the field (values.fts) within the bounds, each scoring `boost`.
    /// A document's smallest and largest values decide, but for one whose values lie on both sides of
    /// the range: its stored text tells whether one lies within.
    private func dateRange(_ bounds: NumberRange, field name: String?, boost: Double, column: Int) throws -> Scorer? {
        guard let name else {
            throw QueryError("a range of dates needs a field, as in date:[2024-01-01 TO 2024-06-30]", column: column)
        }
        guard let field = FieldSort.field(named: name, in: reader) else {
            throw QueryError("unknown field \"\(name)\" (\(FieldSort.fieldsWithValues(in: reader)))", column: column)
        }
        guard reader.sortValues.hasValues(field: field) else {
            throw QueryError("field \"\(name)\" holds no dates (\(FieldSort.fieldsWithValues(in: reader)))", column: column)
        }
        let matched = DocumentBitset(documentCount: reader.documentCount)
        func storedValueWithin(_ doc: Int) throws -> Bool {
            var within = false
            for stored in try reader.storedFields(doc).values where stored.field == field {
                SortValue.forEachValue(in: stored.value) { within = within || bounds.contains($0) }
            }
            return within
        }
        // The bounds as a closed interval of doubles, compared without options in the loop.
        let lowest = bounds.lower.map { bounds.includesLower ? $0 : $0.nextUp } ?? -.infinity
        let highest = bounds.upper.map { bounds.includesUpper ? $0 : $0.nextDown } ?? .infinity
        try reader.sortValues.forEachDocument(field: field) { doc, smallest, largest in
            let within = (smallest >= lowest && smallest <= highest) || (largest >= lowest && largest <= highest)
            if try within || (smallest < lowest && largest > highest && storedValueWithin(doc)) { matched.mark(doc) }
        }
        let scorer = BitsetScorer(bitset: matched, score: boost, label: bounds.text, kind: "a range")
        return scorer.cost == 0 ? EmptyScorer() : scorer
    }

    private func fuzzy(_ text: String, edits: Int?, fields: [(field: Int, boost: Double)], column: Int, negated: Bool) throws -> Scorer? {
        fuzzyWords += 1
        guard fuzzyWords <= Self.maximumFuzzyWords else {
            throw QueryError("more than \(Self.maximumFuzzyWords) fuzzy words (~) in one query", column: column)
        }
        let tokens = try analyse(text)
        guard tokens.count <= 1 else { throw QueryError("fuzzy search needs a single word (\(text)~)", column: column) }
        guard let token = tokens.first else { return nil }
        let characters = token.surface.unicodeScalars.count
        guard characters <= IndexReader.longestNearSurface else {
            throw QueryError("a fuzzy word may have at most \(IndexReader.longestNearSurface) characters", column: column)
        }
        let edits = edits ?? Self.automaticEdits(characters: characters)
        // Each term at the fewest edits of the spellings that reach it.
        var nearest: [String: Int] = [:]
        for entry in try reader.lexiconEntries(near: token.surface, maxEdits: edits, limit: Self.maximumFuzzySpellings) {
            for term in entry.terms { nearest[term] = min(nearest[term] ?? .max, entry.edits) }
        }
        // Numbers are not in the lexicon: they match as they are.
        if nearest.isEmpty { nearest[token.term] = 0 }
        // The terms at each distance score as one word, weighed by `fuzzyWeight`, and the distances add up.
        var scorers: [Scorer] = []
        for distance in 0...edits {
            let terms = nearest.filter { $0.value == distance }.map(\.key).sorted()
            guard !terms.isEmpty else { continue }
            let weight = Self.fuzzyWeight(edits: distance, characters: characters)
            let scorer = try word(terms, label: token.surface + "~", fields: fields.map { ($0.field, $0.boost * weight) }, negated: negated)
            if !(scorer is EmptyScorer) { scorers.append(scorer) }
        }
        return scorers.isEmpty ? EmptyScorer() : scorers.count == 1 ? scorers[0] : DisjunctionScorer(scorers)
    }

    /// What a spelling `edits` away from a fuzzy word of `characters` weighs: the word itself 1, a
    /// nearer spelling more than a farther one, as Lucene weighs a fuzzy query's terms by similarity.
    static func fuzzyWeight(edits: Int, characters: Int) -> Double {
        Double(characters) / Double(characters + edits)
    }
}
