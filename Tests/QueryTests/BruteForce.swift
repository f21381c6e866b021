import Foundation
import TestSupport
@testable import Indexer
@testable import Query

/// Evaluates queries by scanning every document's analysed text: no postings, no cursors, no skipping.
/// The reference the engine is checked against.
final class BruteForce {
    struct FieldText {
        var terms: [String]            // by position
        /// Compounds written as one word (`en-tête` as `entête`), at their first word's position.
        var joined: [(position: Int, term: String)] = []
        /// Every word's exact form (`ExactForm`), the joined forms' too, at its position: none where
        /// the index holds none.
        var exact: [(position: Int, term: String)] = []

        /// Every occurrence's term, the joined forms' and the exact forms' too.
        var everyTerm: [String] { terms + joined.map(\.term) + exact.map(\.term) }

        /// The positions of the occurrences whose term is one of `alternatives`, in order.
        func positions(of alternatives: Set<String>) -> [Int] {
            (terms.indices.filter { alternatives.contains(terms[$0]) } + (joined + exact).filter { alternatives.contains($0.term) }.map(\.position)).sorted()
        }
    }

    let reader: IndexReader
    let analyzer: FrenchAnalyzer
    let parameters: BM25Parameters
    /// documents[doc][field] = analysed terms of that field
    var documents: [[Int: FieldText]] = []
    var documentFrequency: [Int: [String: Int]] = [:]
    var documentsWithField: [Int: Int] = [:]
    var totalLength: [Int: Int] = [:]
    /// Words and phrases searched as others too, as the searcher compared is given them.
    var synonyms: Synonyms?
    /// The folded spellings of the words as written, and of compounds' joined words with the length of
    /// their first word's (the shortest; 0 for one the joined word does not start with).
    var writtenSpellings = Set<String>()
    var joinedFirstLength: [String: Int] = [:]

    init(reader: IndexReader, parameters: BM25Parameters = BM25Parameters()) throws {
        self.reader = reader
        self.parameters = parameters
        analyzer = try FrenchAnalyzer()
        let indexed = reader.meta.fields.indices.filter { reader.meta.fields[$0].indexed }
        for doc in 0..<reader.documentCount {
            let stored = try reader.storedFields(doc)
            var fields: [Int: FieldText] = [:]
            for field in indexed {
                guard let text = stored.value(of: field) else { continue }
                let tokens = try analyzer.tokens(text, joiningCompounds: true)
                guard !tokens.isEmpty else { continue }
                for (index, token) in tokens.enumerated() {
                    guard token.span == 2 else { writtenSpellings.insert(token.surface); continue }
                    let first = tokens[index - 2].surface
                    let length = token.surface.hasPrefix(first) ? first.utf8.count : 0
                    joinedFirstLength[token.surface] = min(joinedFirstLength[token.surface] ?? length, length)
                }
                let analysed = FieldText(terms: tokens.filter { $0.span == 1 }.map(\.term),
                                         joined: tokens.filter { $0.span == 2 }.map { ($0.position, $0.term) },
                                         exact: reader.meta.fields[field].exactForms ? tokens.map { ($0.position, ExactForm.term($0.surface)) } : [])
                fields[field] = analysed
                documentsWithField[field, default: 0] += 1
                totalLength[field, default: 0] += analysed.terms.count
                for term in Set(analysed.everyTerm) { documentFrequency[field, default: [:]][term, default: 0] += 1 }
            }
            documents.append(fields)
        }
    }

    /// What multiplies a field's scores: its boost when named, else the title's or 1.
    func fieldBoost(_ field: Int) -> Double {
        parameters.fieldBoosts[reader.meta.fields[field].name] ?? (field == StandardField.title ? parameters.titleBoost : 1)
    }

    /// The fields searched, each with its boost times the query's `boost`.
    func fields(_ name: String?, boost: Double = 1) -> [(Int, Double)] {
        let meta = reader.meta
        func weight(_ f: Int) -> Double { fieldBoost(f) * boost }
        if let name { return [(meta.field(named: name)!, weight(meta.field(named: name)!))] }
        return meta.fields.indices.filter { meta.fields[$0].indexed }.map { ($0, weight($0)) }
    }

    /// The words of `text`, and apart, the joined words of its compounds.
    func analyse(_ text: String, joiningCompounds: Bool) throws -> (words: [Token], joins: [Token]) {
        let tokens = try analyzer.tokens(text, joiningCompounds: joiningCompounds)
        return (tokens.filter { $0.span == 1 }, tokens.filter { $0.span == 2 })
    }

    func requireExactForms(_ field: String?, column: Int) throws {
        guard fields(field).allSatisfy({ reader.meta.fields[$0.0].exactForms }) else { throw QueryError("no exact forms", column: column) }
    }

    /// A quorum's word: `=économies` exact, any other bare (`=` alone is no word).
    func quorumWord(_ word: String, field: String?, column: Int) -> QueryNode {
        let text = String(word.drop { $0 == "=" })
        return word.first == "=" && !text.isEmpty ? .exact(text, field: field, column: column) : .word(word, field: field, column: column)
    }

    /// Which of a phrase's tokens were typed exact: those within a word (between white space) that
    /// starts with `=`.
    func exactTokens(_ tokens: [Token], in text: String, field: String?, column: Int) throws -> Set<Int> {
        var exactBytes = Set<Int>()
        var offset = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let length = word.utf8.count
            if word.first == "=" && word.contains(where: { $0 != "=" }) { exactBytes.formUnion(offset..<(offset + length)) }
            offset += length + 1
        }
        let exact = Set(tokens.indices.filter { exactBytes.contains(tokens[$0].range.lowerBound) })
        if !exact.isEmpty { try requireExactForms(field, column: column) }
        return exact
    }

    func alternatives(_ token: Token) throws -> Set<String> {
        Set(try reader.lexiconTerms(surface: token.surface) ?? [token.term])
    }

    func idf(field: Int, terms: Set<String>) -> Double? {
        guard let df = terms.compactMap({ documentFrequency[field]?[$0] }).max() else { return nil }
        return BM25Parameters.idf(docFreq: df, documentCount: documentsWithField[field] ?? 0)
    }

    func bm25(field: Int, boost: Double, idf: Double, freq: Int, length: Int) -> Double {
        let documents = documentsWithField[field] ?? 0
        let average = documents == 0 ? 1 : Double(totalLength[field] ?? 0) / Double(documents)
        let k1 = parameters.k1, b = parameters.b
        return boost * idf * Double(freq) * (k1 + 1) / (Double(freq) + k1 * (1 - b + b * Double(length) / average))
    }

    /// doc → score of the matching documents; nil when the node has no searchable word. `boost`
    /// multiplies every word's score. `atRoot`: the node is a ranked query, or all of it is required,
    /// where the proximity boost weighs its pairs of words.
    func evaluate(_ node: QueryNode, boost: Double = 1, atRoot: Bool = false) throws -> [Int: Double]? {
        switch node {
        case let .word(text, field, _):
            let (tokens, joins) = try analyse(text, joiningCompounds: true)
            if let entries = synonyms?.expansions(of: tokens) { return try synonymous(entries, field: field, boost: boost) }
            // A compound: as written, or as one word.
            if tokens.count == 2 && joins.count == 1 { return try synonymous([tokens, joins], field: field, boost: boost) }
            if tokens.count > 1 { return try phrase(tokens, joins: joins, slop: nil, field: field, boost: boost) }
            guard let token = tokens.first else { return nil }
            return word(try alternatives(token), field: field, boost: boost)
        case let .exact(text, field, prefix, column):
            try requireExactForms(field, column: column)
            let tokens = try analyse(text, joiningCompounds: false).words
            if prefix && tokens.count > 1 { return try evaluate(.phrasePrefix("=" + text, field: field, column: column), boost: boost) }
            if prefix { return try tokens.first.map { word(try exactPrefixTerms($0.surface, field: field, column: column), field: field, boost: boost) } }
            let words = tokens.map { Set([ExactForm.term($0.surface)]) }
            if words.count > 1 {
                return phrase(words: words, offsets: tokens.map { $0.position - tokens[0].position }, uncounted: [], slop: nil, field: field,
                              boost: boost)
            }
            return words.first.map { word($0, field: field, boost: boost) }
        case let .phrase(text, slop, field, column):
            let (tokens, joins) = try analyse(text, joiningCompounds: true)
            let exact = try exactTokens(tokens, in: text, field: field, column: column)
            if slop == nil, exact.isEmpty, let entries = synonyms?.expansions(of: tokens) { return try synonymous(entries, field: field, boost: boost) }
            // A compound alone: as written, or as one word; near each other, as written.
            if slop == nil && tokens.count == 2 && joins.count == 1 && exact.isEmpty {
                return try synonymous([tokens, joins], field: field, boost: boost)
            }
            if tokens.count > 1 { return try phrase(tokens, joins: joins, exact: exact, slop: slop, field: field, boost: boost) }
            guard let token = tokens.first else { return nil }
            return word(exact.isEmpty ? try alternatives(token) : [ExactForm.term(token.surface)], field: field, boost: boost)
        case let .adjacent(text, slop, field, column):
            let (tokens, joins) = try analyse(text, joiningCompounds: true)
            let exact = try exactTokens(tokens, in: text, field: field, column: column)
            if tokens.count > 1 { return try phrase(tokens, joins: joins, exact: exact, slop: slop, ordered: true, field: field, boost: boost) }
            guard let token = tokens.first else { return nil }
            return word(exact.isEmpty ? try alternatives(token) : [ExactForm.term(token.surface)], field: field, boost: boost)
        case let .phrasePrefix(text, field, column):
            // The last word's terms: those of every spelling it starts (and every number, for digits).
            let (tokens, joins) = try analyse(text, joiningCompounds: true)
            let exact = try exactTokens(tokens, in: text, field: field, column: column)
            guard let last = tokens.last else { return nil }
            guard last.surface.count >= 2 else { return try evaluate(.phrase(text, slop: nil, field: field, column: column), boost: boost) }
            let terms = exact.contains(tokens.count - 1) ? try exactPrefixTerms(last.surface, field: field, column: column)
                : try prefixTerms(last.surface, field: field, column: column)
            if tokens.count == 1 { return word(terms, field: field, boost: boost) }
            // A compound ending with the word being typed is searched as typed.
            return try phrase(tokens, joins: joins.filter { $0.position + 1 != last.position }, exact: exact, lastTerms: terms, slop: nil,
                              field: field, boost: boost)
        case let .quorum(text, minimum, field, column):
            // Each word as a bare word, or an exact one; a document holding `minimum` of them scores their sum.
            let words = try QueryNode.quorumWords(text).compactMap { try evaluate(quorumWord($0, field: field, column: column), boost: boost) }
            guard !words.isEmpty else { return nil }
            var matched: [Int: (count: Int, score: Double)] = [:]
            for matches in words {
                for (doc, score) in matches { matched[doc, default: (0, 0)].count += 1; matched[doc]!.score += score }
            }
            var result = matched.filter { $0.value.count >= minimum }.mapValues(\.score)
            if atRoot && parameters.proximityBoost > 0 {
                let typed = text.split(whereSeparator: \.isWhitespace).map { quorumWord(String($0), field: field, column: column) }
                for (doc, score) in try proximity(typed, skipping: []) where result[doc] != nil { result[doc]! += score }
            }
            return result
        case let .prefix(text, field, column):
            let tokens = try analyzer.tokens(text)
            if tokens.count > 1 { return try evaluate(.phrasePrefix(text, field: field, column: column), boost: boost) }
            guard let token = tokens.first else { return nil }
            return word(try prefixTerms(token.surface, field: field, column: column), field: field, boost: boost)
        case let .wildcard(text, field, column):
            // The pattern folded as the planner does (its first piece analysed, the others folded),
            // then matched as a regular expression against every spelling of the lexicon.
            let pieces = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "*" || $0 == "?" }).map(String.init)
            let wildcards = text.filter { $0 == "*" || $0 == "?" }.map { $0 == "*" ? ".*" : "." }
            let head = try analyzer.tokens(pieces[0])
            guard head.count <= 1 else { throw QueryError("several words", column: column) }
            let folded = [head.first?.surface ?? ""] + pieces.dropFirst().map { Folding.removeAccents(Folding.lowercase($0)) }
            guard folded[0].count >= 2 else { throw QueryError("too short", column: column) }
            var expression = "^"
            for (index, piece) in folded.enumerated() {
                expression += NSRegularExpression.escapedPattern(for: piece) + (index < wildcards.count ? wildcards[index] : "")
            }
            let regex = try NSRegularExpression(pattern: expression + "$")
            func matches(_ spelling: String) -> Bool {
                regex.firstMatch(in: spelling, range: NSRange(spelling.startIndex..., in: spelling)) != nil
            }
            var terms = Set<String>()
            for entry in try reader.lexiconEntries(prefix: "") where matches(entry.surface) { terms.formUnion(entry.terms) }
            if folded[0].allSatisfy(\.isNumber) {
                for (f, _) in fields(field) { for entry in try reader.terms(field: f, prefix: "") where matches(entry.term) { terms.insert(entry.term) } }
            }
            guard terms.count <= QueryPlanner.maximumExpansions else { throw QueryError("too many terms", column: column) }
            return word(terms, field: field, boost: boost)
        case let .regex(pattern, field, column):
            let text = pattern.text
            // The expression folded whole, and matched by Foundation's regular expressions (ICU's),
            // anchored, against every spelling of the lexicon and, when it starts with digits, the terms.
            let folded = Folding.removeAccents(Folding.lowercase(text))
            guard let regex = try? NSRegularExpression(pattern: "^(?:" + folded + ")$") else { throw QueryError("bad expression", column: column) }
            func matches(_ spelling: String) -> Bool {
                regex.firstMatch(in: spelling, range: NSRange(spelling.startIndex..., in: spelling)) != nil
            }
            var terms = Set<String>()
            for entry in try reader.lexiconEntries(prefix: "") where matches(entry.surface) { terms.formUnion(entry.terms) }
            if let first = folded.first, first.isASCII && first.isNumber {
                for (f, _) in fields(field) { for entry in try reader.terms(field: f, prefix: "") where matches(entry.term) { terms.insert(entry.term) } }
            }
            guard terms.count <= QueryPlanner.maximumExpansions else { throw QueryError("too many terms", column: column) }
            return word(terms, field: field, boost: boost)
        case let .value(_, _, _, column):
            // Values as the corpus gave them are not in the analysed text: FacetTests checks them
            // against the values its corpus was written with, and the query generator makes none.
            throw QueryError("the brute force reads no facet values", column: column)
        case let .exists(field, _):
            let f = fields(field)[0].0
            return Dictionary(uniqueKeysWithValues: documents.indices.filter { documents[$0][f] != nil }.map { ($0, boost) })
        case let .range(bounds, field, column):
            // Every term of the fields that is a number (digits, one decimal `,` or `.`) within the bounds.
            let number = try NSRegularExpression(pattern: "^[0-9]+([.,][0-9]+)?$")
            var terms = Set<String>()
            for (f, _) in fields(field) {
                for term in documentFrequency[f]?.keys ?? [:].keys
                    where number.firstMatch(in: term, range: NSRange(term.startIndex..., in: term)) != nil {
                    let value = Double(term.replacingOccurrences(of: ",", with: "."))!
                    let aboveLower = bounds.lower.map { bounds.includesLower ? value >= $0 : value > $0 } ?? true
                    let belowUpper = bounds.upper.map { bounds.includesUpper ? value <= $0 : value < $0 } ?? true
                    if aboveLower && belowUpper { terms.insert(term) }
                }
            }
            guard terms.count <= QueryPlanner.maximumRangeNumbers else { throw QueryError("too many numbers", column: column) }
            // Every document holding one of them, with the same score (constant, as Lucene's ranges).
            var result: [Int: Double] = [:]
            for (doc, fieldTexts) in documents.enumerated() {
                if fields(field).contains(where: { fieldTexts[$0.0]?.everyTerm.contains(where: terms.contains) == true }) { result[doc] = boost }
            }
            return result
        case let .fuzzy(text, edits, field, column):
            let tokens = try analyzer.tokens(text)
            guard tokens.count <= 1 else { throw QueryError("fuzzy search needs a single word (\(text)~)", column: column) }
            guard let token = tokens.first else { return nil }
            let longest = IndexReader.longestNearSurface
            guard token.surface.unicodeScalars.count <= longest else {
                throw QueryError("a fuzzy word may have at most \(longest) characters", column: column)
            }
            let maxEdits = edits ?? QueryPlanner.automaticEdits(characters: token.surface.unicodeScalars.count)
            // Every spelling of the lexicon, measured whole; the 50 nearest (then in byte order).
            let near = try reader.lexiconEntries(prefix: "")
                .map { (edits: referenceEditDistance(token.surface, $0.surface), entry: $0) }
                .filter { $0.edits <= maxEdits }
                .sorted { $0.edits != $1.edits ? $0.edits < $1.edits : Array($0.entry.surface.utf8).lexicographicallyPrecedes(Array($1.entry.surface.utf8)) }
                .prefix(QueryPlanner.maximumFuzzySpellings)
            // Each term at its fewest edits; each distance weighs its words.
            var nearest: [String: Int] = [:]
            for (edits, entry) in near { for term in entry.terms { nearest[term] = min(nearest[term] ?? .max, edits) } }
            if nearest.isEmpty { nearest[token.term] = 0 }
            let characters = token.surface.unicodeScalars.count
            var result: [Int: Double] = [:]
            for distance in Set(nearest.values) {
                let terms = Set(nearest.filter { $0.value == distance }.keys)
                let weight = Double(characters) / Double(characters + distance)
                for (doc, score) in word(terms, field: field, boost: boost * weight) { result[doc, default: 0] += score }
            }
            return result
        case .similar(let id):
            return try similar(to: id, boost: boost)
        case .all:
            // Every document, each scoring its boost.
            return Dictionary(uniqueKeysWithValues: documents.indices.map { ($0, boost) })
        case .and(let children):
            var required: [[Int: Double]] = []
            var excluded = Set<Int>()
            var joined = Set<Int>()
            // Words in a row that make an entry: all of them as typed (when the line keeps them), or
            // any other entry of the line.
            for run in try synonyms?.wordRuns(in: children, analyzer: analyzer) ?? [] {
                joined.formUnion(run.range)
                var alternatives: [[Int: Double]] = []
                if run.keepsWords {
                    let words = try children[run.range].compactMap { try evaluate($0, boost: boost) }
                    if var all = words.first {
                        for other in words.dropFirst() {
                            all = all.filter { other[$0.key] != nil }.reduce(into: [:]) { $0[$1.key] = $1.value + other[$1.key]! }
                        }
                        alternatives.append(all)
                    }
                }
                if !run.entries.isEmpty { alternatives.append(try synonymous(run.entries, field: run.field, boost: boost)) }
                required.append(alternatives.reduce(into: [:]) { result, matches in
                    for (doc, score) in matches { result[doc, default: 0] += score }
                })
            }
            for (index, child) in children.enumerated() where !joined.contains(index) {
                if case .not(let inner) = child {
                    if let matches = try evaluate(inner, boost: boost) { excluded.formUnion(matches.keys) }
                } else if let matches = try evaluate(child, boost: boost, atRoot: atRoot && Self.pairsInside(child)) {
                    required.append(matches)
                }
            }
            guard var result = required.first else { return nil }
            for other in required.dropFirst() {
                result = result.filter { other[$0.key] != nil }.reduce(into: [:]) { $0[$1.key] = $1.value + other[$1.key]! }
            }
            if atRoot && parameters.proximityBoost > 0 {
                for (doc, score) in try proximity(children, skipping: joined) where result[doc] != nil { result[doc]! += score }
            }
            return result.filter { !excluded.contains($0.key) }
        case .or(let children):
            let evaluated = try children.compactMap { try evaluate($0, boost: boost) }
            guard !evaluated.isEmpty else { return nil }
            return evaluated.reduce(into: [:]) { result, matches in
                for (doc, score) in matches { result[doc, default: 0] += score }
            }
        case let .maybe(required, optional):
            // The required node's documents, each with the scores of the optional nodes that match it.
            guard var result = try evaluate(required, boost: boost, atRoot: atRoot) else { return nil }
            for matches in try optional.compactMap({ try evaluate($0, boost: boost) }) {
                for (doc, score) in matches where result[doc] != nil { result[doc]! += score }
            }
            return result
        case .not(let inner):
            return try evaluate(inner, boost: boost)
        case let .boosted(inner, factor):
            return try evaluate(inner, boost: boost * factor, atRoot: atRoot)
        }
    }

    /// A conjunction or a quorum required by the query pairs its words, boosted or not.
    static func pairsInside(_ node: QueryNode) -> Bool {
        if case let .boosted(inner, _) = node { return pairsInside(inner) }
        if case .and = node { return true }
        if case .quorum = node { return true }
        return false
    }

    /// What the proximity boost adds to a conjunction's documents (QUERY.md, "Ranking"): for each two
    /// words typed one after the other among `children`, in one field and each one term without
    /// synonyms, the score of `"a b"~2` times the boost.
    func proximity(_ children: [QueryNode], skipping joined: Set<Int>) throws -> [Int: Double] {
        var added: [Int: Double] = [:]
        // A boosted word (`a^2`) pairs as typed.
        func word(_ node: QueryNode) -> (text: String, field: String?, column: Int)? {
            if case let .boosted(inner, _) = node { return word(inner) }
            if case let .word(text, field, column) = node { return (text, field, column) }
            return nil
        }
        for index in children.indices.dropFirst() where !joined.contains(index) && !joined.contains(index - 1) {
            guard let (first, field, column) = word(children[index - 1]), let (second, secondField, _) = word(children[index]),
                  field == secondField else { continue }
            let words = try [first, second].map { try analyse($0, joiningCompounds: true) }
            guard words.allSatisfy({ $0.words.count == 1 && $0.joins.isEmpty && synonyms?.expansions(of: $0.words) == nil }) else { continue }
            let pair = try evaluate(.phrase(first + " " + second, slop: parameters.proximitySlop, field: field, column: column),
                                    boost: parameters.proximityBoost)
            for (doc, score) in pair ?? [:] { added[doc, default: 0] += score }
        }
        return added
    }

    /// The documents like one, as `SimilarTerms` documents it: each field's terms but stop words,
    /// counted in the source and weighed by count × idf, those another document holds, the 25 best
    /// (ties by field, then term); every other document scored by BM25 over them.
    func similar(to id: String, boost: Double) throws -> [Int: Double] {
        guard let source = try reader.document(id: id) else { throw QueryError("no document with id \(id)") }
        let stored = try reader.storedFields(source)
        var candidates: [(field: Int, term: String, weight: Double)] = []
        for field in documents[source].keys {
            var counts: [String: Int] = [:]
            for token in try analyzer.tokens(String(SimilarTerms.readPart(of: stored.value(of: field)!)))
            where !SimilarTerms.stopWords.contains(token.surface) {
                counts[token.term, default: 0] += 1
            }
            for (term, count) in counts {
                guard let df = documentFrequency[field]?[term], df >= 2 else { continue }
                candidates.append((field, term, Double(count) * BM25Parameters.idf(docFreq: df, documentCount: documentsWithField[field]!)))
            }
        }
        candidates.sort { a, b in
            a.weight != b.weight ? a.weight > b.weight : a.field != b.field ? a.field < b.field : Array(a.term.utf8).lexicographicallyPrecedes(Array(b.term.utf8))
        }
        var chosen: [Int: Set<String>] = [:]
        for (field, term, _) in candidates.prefix(25) { chosen[field, default: []].insert(term) }
        var result: [Int: Double] = [:]
        for (doc, fields) in documents.enumerated() where doc != source {
            for (field, terms) in chosen {
                guard let text = fields[field] else { continue }
                var freqs: [String: Int] = [:]
                for term in text.everyTerm where terms.contains(term) { freqs[term, default: 0] += 1 }
                let weight = fieldBoost(field) * boost
                for (term, freq) in freqs {
                    let idf = BM25Parameters.idf(docFreq: documentFrequency[field]![term]!, documentCount: documentsWithField[field]!)
                    result[doc, default: 0] += bm25(field: field, boost: weight, idf: idf, freq: freq, length: text.terms.count)
                }
            }
        }
        return result
    }

    /// A word or phrase with a synonym line: its entries' single words as one word reaching all their
    /// terms, each phrase as a phrase, the scores of those a document matches added up.
    func synonymous(_ entries: [[Token]], field: String?, boost: Double) throws -> [Int: Double] {
        var terms = Set<String>()
        for entry in entries where entry.count == 1 { terms.formUnion(try alternatives(entry[0])) }
        var parts: [[Int: Double]] = terms.isEmpty ? [] : [word(terms, field: field, boost: boost)]
        for entry in entries where entry.count > 1 { parts.append(try phrase(entry, slop: nil, field: field, boost: boost)) }
        return parts.reduce(into: [:]) { result, matches in
            for (doc, score) in matches { result[doc, default: 0] += score }
        }
    }

    func word(_ terms: Set<String>, field: String?, boost: Double = 1) -> [Int: Double] {
        var result: [Int: Double] = [:]
        for (f, boost) in fields(field, boost: boost) {
            guard let wordIDF = idf(field: f, terms: terms) else { continue }
            for (doc, texts) in documents.enumerated() {
                guard let text = texts[f] else { continue }
                let freq = text.everyTerm.reduce(0) { $0 + (terms.contains($1) ? 1 : 0) }
                if freq > 0 { result[doc, default: 0] += bm25(field: f, boost: boost, idf: wordIDF, freq: freq, length: text.terms.count) }
            }
        }
        return result
    }

    /// Whether each word can take one of its candidate positions, no two words the same one.
    static func distinctPositions(_ candidates: [[Int]], taken: Set<Int> = []) -> Bool {
        guard let first = candidates.first else { return true }
        return first.contains { !taken.contains($0) && distinctPositions(Array(candidates.dropFirst()), taken: taken.union([$0])) }
    }

    /// The terms of every spelling that starts with `surface` (and of every number, for digits), within
    /// the documented bound on the whole expansion; but for the spellings only compounds make whose
    /// first word's starts with `surface` too.
    func prefixTerms(_ surface: String, field: String?, column: Int) throws -> Set<String> {
        var terms = Set<String>()
        for entry in try reader.lexiconEntries(prefix: surface) {
            if !writtenSpellings.contains(entry.surface), let length = joinedFirstLength[entry.surface],
               length >= surface.utf8.count { continue }
            terms.formUnion(entry.terms)
        }
        if surface.allSatisfy(\.isNumber) {
            for (f, _) in fields(field) { for entry in try reader.terms(field: f, prefix: surface) { terms.insert(entry.term) } }
        }
        guard terms.count <= QueryPlanner.maximumExpansions else { throw QueryError("too many terms", column: column) }
        return terms
    }

    /// Every exact form of the fields that starts with `surface`, within the documented bound.
    func exactPrefixTerms(_ surface: String, field: String?, column: Int) throws -> Set<String> {
        guard surface.count >= 2 else { throw QueryError("too short", column: column) }
        let start = ExactForm.term(surface)
        let terms = Set(fields(field).flatMap { documentFrequency[$0.0]?.keys.filter { $0.hasPrefix(start) } ?? [] })
        guard terms.count <= QueryPlanner.maximumExpansions else { throw QueryError("too many terms", column: column) }
        return terms
    }

    /// An exact phrase is also searched with its compounds written the other way, the first two of
    /// them (a compound typed with its hyphen, `joins` holding its joined word, as that word; a word
    /// compounds make, but the phrase's last, followed by the compound's second word, which adds
    /// nothing to the weight), every combination: the variants' scores add up.
    func phrase(_ tokens: [Token], joins: [Token] = [], exact: Set<Int> = [], lastTerms: Set<String>? = nil, slop: Int?, ordered: Bool = false,
                field: String?, boost: Double = 1) throws -> [Int: Double] {
        // An exact word is its form alone; its compounds are not searched joined, as outside quotes.
        var words = try tokens.indices.map { exact.contains($0) ? [ExactForm.term(tokens[$0].surface)] : try alternatives(tokens[$0]) }
        if let lastTerms { words[words.count - 1] = lastTerms }
        // (start, length, the words instead, which of them count)
        var others: [(start: Int, length: Int, words: [Set<String>], counted: [Bool])] = []
        var index = 0
        while index < tokens.count - 1 && others.count < 2 {
            // Near each other: only compounds typed with their hyphens, and not one that is all the words.
            if slop == nil || tokens.count > 2, !exact.contains(index), let join = joins.first(where: { $0.position == tokens[index].position }) {
                others.append((index, 2, [try alternatives(join)], [true]))
                index += 2
                continue
            }
            let surface = tokens[index].surface
            if slop == nil, let length = joinedFirstLength[surface], length > 0 {
                let second = try analyzer.tokens(String(decoding: surface.utf8.dropFirst(length), as: UTF8.self))
                if second.count == 1 { others.append((index, 1, [words[index], try alternatives(second[0])], [true, false])) }
            }
            index += 1
        }
        var result: [Int: Double] = [:]
        for variant in 0..<(1 << others.count) {
            var variantWords: [Set<String>] = [], uncounted = Set<Int>()
            var index = 0
            while index < tokens.count {
                guard let chosen = others.indices.first(where: { others[$0].start == index && variant & (1 << $0) != 0 }) else {
                    variantWords.append(words[index])
                    index += 1
                    continue
                }
                for (word, counted) in zip(others[chosen].words, others[chosen].counted) {
                    if !counted { uncounted.insert(variantWords.count) }
                    variantWords.append(word)
                }
                index += others[chosen].length
            }
            for (doc, score) in phrase(words: variantWords, offsets: Array(variantWords.indices), uncounted: uncounted, slop: slop,
                                       ordered: ordered, field: field, boost: boost) {
                result[doc, default: 0] += score
            }
        }
        return result
    }

    func phrase(words: [Set<String>], offsets: [Int], uncounted: Set<Int>, slop: Int?, ordered: Bool = false, field: String?,
                boost: Double) -> [Int: Double] {
        var result: [Int: Double] = [:]
        for (f, boost) in fields(field, boost: boost) {
            let idfs = words.map { self.idf(field: f, terms: $0) }
            guard idfs.allSatisfy({ $0 != nil }) else { continue }
            let phraseIDF = idfs.indices.reduce(0) { uncounted.contains($1) ? $0 : $0 + idfs[$1]! }
            for (doc, texts) in documents.enumerated() {
                guard let text = texts[f] else { continue }
                let positions = words.map { text.positions(of: $0) }
                var freq = 0
                for start in positions[0] {
                    if let slop, ordered {
                        // Each word at an occurrence after the one before's, the last within the width.
                        let width = words.count - 1 + slop
                        func follows(_ word: Int, after previous: Int) -> Bool {
                            word == words.count
                                || positions[word].contains { $0 > previous && $0 - start <= width && follows(word + 1, after: $0) }
                        }
                        if follows(1, after: start) { freq += 1 }
                    } else if let slop {
                        // Each word at an occurrence of its own: a word typed twice occurs twice, and
                        // an occurrence two words can reach stands for one of them.
                        let width = words.count - 1 + slop
                        if (max(start - width, 0)...start).contains(where: { s in
                            Self.distinctPositions(positions.map { $0.filter { $0 >= s && $0 <= s + width } })
                        }) { freq += 1 }
                    } else if (1..<words.count).allSatisfy({ positions[$0].contains(start + offsets[$0] - offsets[0]) }) {
                        freq += 1
                    }
                }
                if freq > 0 { result[doc, default: 0] += bm25(field: f, boost: boost, idf: phraseIDF, freq: freq, length: text.terms.count) }
            }
        }
        return result
    }
}
