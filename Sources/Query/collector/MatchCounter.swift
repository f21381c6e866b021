import Indexer

/// Counts a query's matches without scoring them (as Lucene's TotalHitCountCollector).
enum MatchCounter {
    /// `documentCount` is the index's: a union of words is counted in a bitset of that many bits.
    static func count(_ root: Scorer, documentCount: Int) throws -> Int {
        if let total = try countWords(root, documentCount: documentCount) { return total }
        if let conjunction = root as? ConjunctionScorer, let words = WordConjunction(conjunction) {
            defer { words.deallocate() }
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
    private static func countWords(_ root: Scorer, documentCount: Int) throws -> Int? {
        if let word = root as? FieldTermScorer {
            // One term: its list's length, read from the term dictionary.
            if word.cursors.count == 1 { return word.cursors[0].docFreq }
            return usesBitset(cost: word.cost, documentCount: documentCount) ? try countDistinct(word.cursors, documentCount: documentCount) : nil
        }
        guard let disjunction = root as? DisjunctionScorer, let words = TopDocs.wordLeaves(of: disjunction) else { return nil }
        defer { words.deallocate() }
        let cost = words.reduce(0) { total, word in total + word.with { $0.cost } }
        if usesBitset(cost: cost, documentCount: documentCount) {
            return try countDistinct(words.flatMap { word in word.with { $0.cursors } }, documentCount: documentCount)
        }
        return try countUnion(words)
    }

    /// Whether marking `cost` postings in a bitset of the documents (cleared and counted a word of 64
    /// at a time) costs less than merging the lists, which compares every list's document at each
    /// match: from about one posting per 24 words of the bitset.
    private static func usesBitset(cost: Int, documentCount: Int) -> Bool {
        cost * 24 >= documentCount / 64
    }

    /// The documents any of `cursors` holds, each list read whole, a block at a time, into a bitset of
    /// the documents (as tantivy's unions buffer theirs): no merge, no call per document.
    private static func countDistinct(_ cursors: [PostingsCursor], documentCount: Int) throws -> Int {
        let words = (documentCount + 63) / 64
        let bits = UnsafeMutablePointer<UInt64>.allocate(capacity: max(words, 1))
        defer { bits.deallocate() }
        bits.initialize(repeating: 0, count: words)
        for cursor in cursors {
            try cursor.forEachDocumentBlock { documents in
                for doc in documents {
                    let word = Int(doc >> 6)
                    // Always true (cursors check their documents against the count); keeps a damaged
                    // index from writing past the buffer.
                    if word < words { bits[word] |= 1 << UInt64(doc & 63) }
                }
            }
        }
        var total = 0
        for word in 0..<words { total += bits[word].nonzeroBitCount }
        return total
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
