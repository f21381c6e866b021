import Indexer

/// Counts a query's matches without scoring them (as Lucene's TotalHitCountCollector).
enum MatchCounter {
    /// How words, their unions and their conjunctions are counted: by the cheaper of the two by the
    /// estimates below, or (for the tests) always one way.
    enum Method {
        case cheapest
        /// Lists read whole into bitsets of the documents.
        case bitsets
        /// Lists merged (a union) or intersected by skipping to the rarest word's documents.
        case merging
    }

    /// `documentCount` is the index's: bitsets have that many bits.
    static func count(_ root: Scorer, documentCount: Int, method: Method = .cheapest) throws -> Int {
        if root is AllScorer { return documentCount }
        if let total = try countWords(root, documentCount: documentCount, method: method) { return total }
        if let conjunction = root as? ConjunctionScorer, let words = WordConjunction(conjunction) {
            defer { words.deallocate() }
            if let total = try countIntersection(conjunction, documentCount: documentCount, method: method) { return total }
            var total = 0
            var doc = try words.first()
            while doc != Scorer.end {
                total += 1
                doc = try words.next(after: doc)
            }
            return total
        }
        var total = 0
        while try root.next() != Scorer.end { total += 1 }
        return total
    }

    /// The matches of a word, or of a union of words; nil for any other query.
    @inline(never)
    private static func countWords(_ root: Scorer, documentCount: Int, method: Method) throws -> Int? {
        if let word = root as? FieldTermScorer {
            // One term: its list's length, read from the term dictionary.
            if word.cursors.count == 1 { return word.cursors[0].docFreq }
            guard usesBitsets(method, union: word.cost, documentCount: documentCount) else { return nil }
            return try DocumentBitset(documentCount: documentCount).mark(word.cursors).count
        }
        guard let disjunction = root as? DisjunctionScorer, let words = TopDocs.wordLeaves(of: disjunction) else { return nil }
        defer { words.deallocate() }
        let cost = words.reduce(0) { total, word in total + word.with { $0.cost } }
        if usesBitsets(method, union: cost, documentCount: documentCount) {
            return try DocumentBitset(documentCount: documentCount).mark(words.flatMap { word in word.with { $0.cursors } }).count
        }
        return try countUnion(words)
    }

    /// A conjunction of words (each a word in one field or the union of its fields', as the caller
    /// has checked with `WordConjunction`) counted in bitsets: the first word's documents, then those
    /// of each next word already marked. Nil when skipping to the rarest word's documents should cost
    /// less.
    private static func countIntersection(_ root: ConjunctionScorer, documentCount: Int, method: Method) throws -> Int? {
        // The words' lists, the rarest word's first (the scorers are sorted by cost).
        let words = root.scorers.map { word in
            ((word as? DisjunctionScorer)?.scorers ?? [word]).flatMap { unsafeDowncast($0, to: FieldTermScorer.self).cursors }
        }
        guard usesBitsets(method, intersection: words, documentCount: documentCount) else { return nil }
        var matched = try DocumentBitset(documentCount: documentCount).mark(words[0])
        for word in words.dropFirst() {
            matched = try DocumentBitset(documentCount: documentCount).mark(word, among: matched)
        }
        return matched.count
    }

    /// Whether marking `cost` postings in a bitset of the documents (cleared and counted a word of 64
    /// at a time) costs less than merging the lists, which compares every list's document at each
    /// match: from about one posting per 24 words of the bitset.
    private static func usesBitsets(_ method: Method, union cost: Int, documentCount: Int) -> Bool {
        switch method {
        case .bitsets: true
        case .merging: false
        case .cheapest: cost * 24 >= documentCount / 64
        }
    }

    /// Instructions, roughly, as measured on frdocs: reading a list into a bitset costs about 15 a
    /// posting, plus clearing and counting each word's bitset; skipping costs about 60 a document of
    /// the rarest word, plus about 1,900 for each block of the others it decodes (at most one per
    /// such document, and no more than the list has).
    private static func usesBitsets(_ method: Method, intersection words: [[PostingsCursor]], documentCount: Int) -> Bool {
        switch method {
        case .bitsets: return true
        case .merging: return false
        case .cheapest:
            let costs = words.map { $0.reduce(0) { $0 + $1.docFreq } }
            let rarest = costs.min() ?? 0
            let reading = costs.reduce(0, +) * 15 + words.count * (documentCount / 64 + 1) * 3
            let skipping = rarest * 60 + words.dropFirst().joined().reduce(0) { $0 + min(rarest, $1.docFreq / 128 + 1) * 1_900 }
            return reading < skipping
        }
    }

    /// The documents any of the clauses match, in one loop over them: as exhaustive scoring does, a
    /// union of words is counted without walking the query tree's levels.
    private static func countUnion(_ clauses: UnsafeMutableBufferPointer<Borrowed<FieldTermScorer>>) throws -> Int {
        for clause in clauses { _ = try clause.with { try $0.next() } }
        var total = 0
        while true {
            let doc = TopDocs.lowestDoc(clauses)
            if doc == Scorer.end { return total }
            total += 1
            for clause in clauses {
                try clause.with { if $0.doc == doc { _ = try $0.next() } }
            }
        }
    }
}
