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
        // Optional clauses add to scores, never to matches.
        if let scored = root as? OptionalSumScorer { return try count(scored.required, documentCount: documentCount, method: method) }
        // One term: its list's length, read from the term dictionary.
        if let word = root as? FieldTermScorer, word.cursors.count == 1 { return word.cursors[0].docFreq }
        if let matched = try bitset(root, documentCount: documentCount, method: method) { return matched.count }
        var total = 0
        try forEachMergedMatch(root) { _ in total += 1 }
        return total
    }

    /// Calls `body` with every match of `root`, in increasing order, read as `count` reads them:
    /// into a bitset of the documents, or merged.
    @inline(__always)
    static func forEachMatch(_ root: Scorer, documentCount: Int, method: Method = .cheapest, _ body: (UInt32) throws -> Void) throws {
        if let scored = root as? OptionalSumScorer {
            try forEachMatch(scored.required, documentCount: documentCount, method: method, body)
        } else if root is AllScorer {
            for doc in 0..<UInt32(documentCount) { try body(doc) }
        } else if let matched = try bitset(root, documentCount: documentCount, method: method) {
            try matched.forEachMarked(body)
        } else {
            try forEachMergedMatch(root, body)
        }
    }

    /// The matches of a word, a union of words or a conjunction of words in a bitset, when reading
    /// their lists whole costs less than merging them; nil otherwise, or for any other query.
    private static func bitset(_ root: Scorer, documentCount: Int, method: Method) throws -> DocumentBitset? {
        if let word = root as? FieldTermScorer {
            guard usesBitsets(method, union: word.cost, documentCount: documentCount) else { return nil }
            return try DocumentBitset(documentCount: documentCount).mark(word.cursors)
        }
        if let disjunction = root as? DisjunctionScorer, let words = TopDocs.wordLeaves(of: disjunction) {
            defer { words.deallocate() }
            let cost = words.reduce(0) { total, word in total + word.with { $0.cost } }
            guard usesBitsets(method, union: cost, documentCount: documentCount) else { return nil }
            return try DocumentBitset(documentCount: documentCount).mark(words.flatMap { word in word.with { $0.cursors } })
        }
        // The documents like one (`--like`): its terms' union, less itself.
        if let exclusion = root as? ExclusionScorer, let one = exclusion.excluded as? OneDocumentScorer,
           let matched = try bitset(exclusion.required, documentCount: documentCount, method: method) {
            matched.unmark(one.target)
            return matched
        }
        if let conjunction = root as? ConjunctionScorer, let words = WordConjunction(conjunction) {
            words.deallocate()
            return try intersection(conjunction, documentCount: documentCount, method: method)
        }
        return nil
    }

    /// The matches merged: a union of words in one loop over its clauses, a conjunction of words by
    /// skipping to the rarest word's documents, anything else through the query's tree.
    @inline(__always)
    private static func forEachMergedMatch(_ root: Scorer, _ body: (UInt32) throws -> Void) throws {
        if let disjunction = root as? DisjunctionScorer, let words = TopDocs.wordLeaves(of: disjunction) {
            defer { words.deallocate() }
            try forEachUnionMatch(words, body)
        } else if let conjunction = root as? ConjunctionScorer, let words = WordConjunction(conjunction) {
            defer { words.deallocate() }
            var doc = try words.first()
            while doc != Scorer.end {
                try body(doc)
                doc = try words.next(after: doc)
            }
        } else {
            while try root.next() != Scorer.end { try body(root.doc) }
        }
    }

    /// A conjunction of words (each a word in one field or the union of its fields', as the caller
    /// has checked with `WordConjunction`) counted in bitsets: the first word's documents, then those
    /// of each next word already marked. Nil when skipping to the rarest word's documents should cost
    /// less.
    private static func intersection(_ root: ConjunctionScorer, documentCount: Int, method: Method) throws -> DocumentBitset? {
        // The words' lists, the rarest word's first (the scorers are sorted by cost).
        let words = root.scorers.map { word in
            ((word as? DisjunctionScorer)?.scorers ?? [word]).flatMap { unsafeDowncast($0, to: FieldTermScorer.self).cursors }
        }
        guard usesBitsets(method, intersection: words, documentCount: documentCount) else { return nil }
        var matched = try DocumentBitset(documentCount: documentCount).mark(words[0])
        for word in words.dropFirst() {
            matched = try DocumentBitset(documentCount: documentCount).mark(word, among: matched)
        }
        return matched
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
    /// union of words is read without walking the query tree's levels.
    @inline(__always)
    private static func forEachUnionMatch(_ clauses: UnsafeMutableBufferPointer<Borrowed<FieldTermScorer>>, _ body: (UInt32) throws -> Void) throws {
        for clause in clauses { _ = try clause.with { try $0.next() } }
        while true {
            let doc = TopDocs.lowestDoc(clauses)
            if doc == Scorer.end { return }
            try body(doc)
            for clause in clauses {
                try clause.with { if $0.doc == doc { _ = try $0.next() } }
            }
        }
    }
}
