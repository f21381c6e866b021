/// Counts a query's matches without scoring them (as Lucene's TotalHitCountCollector).
enum MatchCounter {
    static func count(_ root: Scorer) throws -> Int {
        if let disjunction = root as? DisjunctionScorer, let words = TopDocs.wordLeaves(of: disjunction) {
            defer { words.deallocate() }
            return try countUnion(words)
        }
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
