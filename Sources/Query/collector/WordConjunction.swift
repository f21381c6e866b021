/// A conjunction of words, each a word in one field or the union of its fields' (the usual `a b`
/// query), as one buffer of borrowed clauses: top-k and counting call them directly, not through the
/// query tree's levels and the base class's table. The rarest word leads and the others move to its
/// documents, as `ConjunctionScorer` and `DisjunctionScorer` do: the same candidates, and the same
/// scores, added in the same order. The owner deallocates it.
struct WordConjunction {
    /// Word w's clauses are `clauses[starts[w]..<starts[w + 1]]`; word 0 leads.
    let clauses: UnsafeMutableBufferPointer<Borrowed<FieldTermScorer>>
    private let starts: UnsafeMutableBufferPointer<Int>
    /// Whether a word's clauses have moved yet: before, their documents mean nothing.
    private let started: UnsafeMutableBufferPointer<Bool>
    private let words: Int

    /// Nil when a child of `root` is anything but a word in one field or a union of such.
    init?(_ root: ConjunctionScorer) {
        var total = 0
        for child in root.scorers {
            if child is FieldTermScorer {
                total += 1
            } else if let union = child as? DisjunctionScorer, union.scorers.allSatisfy({ $0 is FieldTermScorer }) {
                total += union.scorers.count
            } else {
                return nil
            }
        }
        words = root.scorers.count
        clauses = .allocate(capacity: total)
        starts = .allocate(capacity: words + 1)
        started = .allocate(capacity: words)
        started.initialize(repeating: false)
        var filled = 0
        for (word, child) in root.scorers.enumerated() {
            starts[word] = filled
            for leaf in (child as? DisjunctionScorer)?.scorers ?? [child] {
                (clauses.baseAddress! + filled).initialize(to: Borrowed(unsafeDowncast(leaf, to: FieldTermScorer.self)))
                filled += 1
            }
        }
        starts[words] = total
    }

    func deallocate() {
        clauses.deallocate()
        starts.deallocate()
        started.deallocate()
    }

    /// The first document all the words match.
    func first() throws -> UInt32 {
        for clause in starts[0]..<starts[1] { _ = try clauses[clause].with { try $0.next() } }
        started[0] = true
        return try align(lowest(0))
    }

    /// The first document after `doc`, the current match, that all the words match. (Forced inline, as
    /// `score`: the conjunction loop calls both per match.)
    @inline(__always)
    func next(after doc: UInt32) throws -> UInt32 {
        for clause in starts[0]..<starts[1] { try clauses[clause].with { if $0.doc == doc { _ = try $0.next() } } }
        return try align(lowest(0))
    }

    /// The first document at or after `target` that all the words match.
    func advance(to target: UInt32) throws -> UInt32 {
        try align(advance(0, to: target))
    }

    /// The sum of the words' scores on `doc`, which they all match.
    @inline(__always)
    func score(_ doc: UInt32) throws -> Double {
        var score = 0.0
        for word in 0..<words {
            var wordScore = 0.0
            for clause in starts[word]..<starts[word + 1] {
                wordScore += try clauses[clause].with { $0.doc == doc ? try $0.score() : 0 }
            }
            score += wordScore
        }
        return score
    }

    /// The bound of the sum over the documents from `doc` where all the clauses' blocks overlap.
    func blockBound(for doc: UInt32) throws -> (end: UInt32, bound: Double) {
        var end = Scorer.end - 1, bound = 0.0
        for clause in clauses {
            let block = try clause.with { try $0.blockBound(for: doc) }
            end = min(end, block.end)
            bound += block.bound
        }
        return (end, bound)
    }

    /// From the lead's document `candidate`: every other word on it, or the lead moved to where one
    /// lands, until all agree or one runs out.
    private func align(_ candidate: UInt32) throws -> UInt32 {
        var doc = candidate, word = 1
        while doc != Scorer.end && word < words {
            let found = try advance(word, to: doc)
            if found == doc {
                word += 1
            } else {
                doc = try advance(0, to: found)
                word = 1
            }
        }
        return doc
    }

    @inline(__always)
    private func lowest(_ word: Int) -> UInt32 {
        var doc = Scorer.end
        for clause in starts[word]..<starts[word + 1] { doc = min(doc, clauses[clause].with { $0.doc }) }
        return doc
    }

    /// The word's first document at or after `target`.
    @inline(__always)
    private func advance(_ word: Int, to target: UInt32) throws -> UInt32 {
        let moveAll = !started[word]
        started[word] = true
        for clause in starts[word]..<starts[word + 1] {
            try clauses[clause].with { if moveAll || $0.doc < target { _ = try $0.advance(to: target) } }
        }
        return lowest(word)
    }
}
