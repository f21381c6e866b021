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
    /// The lead word's postings over its fields.
    private let leadCost: Int
    /// The share of the lead's documents the other words should all match, as if independent: the
    /// product of their shares of the documents (postings over documents, at most 1).
    let matchRate: Double

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
        leadCost = root.scorers[0].cost
        let documents = Double(max(clauses[0].with { $0.documentCount }, 1))
        matchRate = root.scorers.dropFirst().reduce(1) { $0 * min(Double($1.cost) / documents, 1) }
    }

    func deallocate() {
        clauses.deallocate()
        starts.deallocate()
        started.deallocate()
    }

    /// The first document all the words match.
    func first() throws -> UInt32 { try match(from: firstCandidate()) }

    /// The first document after `doc`, the current match, that all the words match. (Forced inline, as
    /// `score`: the conjunction loop calls both per match.)
    @inline(__always)
    func next(after doc: UInt32) throws -> UInt32 { try match(from: nextCandidate(after: doc)) }

    /// The first document at or after `target` that all the words match.
    func advance(to target: UInt32) throws -> UInt32 { try match(from: candidate(advancingTo: target)) }

    /// The lead word's first document, the others not moved yet: a candidate for `match(from:)`.
    func firstCandidate() throws -> UInt32 {
        for clause in starts[0]..<starts[1] { _ = try clauses[clause].with { try $0.next() } }
        started[0] = true
        return lowest(0)
    }

    /// The lead word's next document after `doc`, the lead's current one; the others not moved.
    @inline(__always)
    func nextCandidate(after doc: UInt32) throws -> UInt32 {
        for clause in starts[0]..<starts[1] { try clauses[clause].with { if $0.doc == doc { _ = try $0.next() } } }
        return lowest(0)
    }

    /// The lead word's first document at or after `target`; the others not moved.
    @inline(__always)
    func candidate(advancingTo target: UInt32) throws -> UInt32 { try advance(0, to: target) }

    /// The sum of the words' scores on `doc`, which they all match.
    @inline(__always)
    func score(_ doc: UInt32) throws -> Double {
        var score = 0.0
        for word in 0..<words { score += try self.score(word: word, doc) }
        return score
    }

    /// `score(doc)` with the lead's score known: the same sum in the same order.
    @inline(__always)
    func score(_ doc: UInt32, lead: Double) throws -> Double {
        var score = lead
        for word in 1..<words { score += try self.score(word: word, doc) }
        return score
    }

    /// One word's score on `doc`, which it matches or has passed: its clauses on `doc` summed.
    @inline(__always)
    func score(word: Int, _ doc: UInt32) throws -> Double {
        var wordScore = 0.0
        for clause in starts[word]..<starts[word + 1] {
            wordScore += try clauses[clause].with { $0.doc == doc ? try $0.score() : 0 }
        }
        return wordScore
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

    /// `blockBound(for: doc)` as the lead's bound and the other words', from `doc`, a candidate of the
    /// lead. The other words' clauses far rarer than the lead move to `doc` first, as `match(from:)`
    /// would move them: one past `doc` then bounds nothing up to its next document, and one on `doc`
    /// bounds `doc` alone (`une` in the titles, beside `utilisant`).
    func blockBounds(for doc: UInt32) throws -> (end: UInt32, lead: Double, others: Double) {
        var end = Scorer.end - 1, lead = 0.0, others = 0.0
        for clause in clauses[..<starts[1]] {
            let block = try clause.with { try $0.blockBound(for: doc) }
            end = min(end, block.end)
            lead += block.bound
        }
        for clause in clauses[starts[1]...] {
            let block = try clause.with { clause in
                guard clause.cost &* 4 <= leadCost else { return try clause.blockBound(for: doc) }
                if clause.doc < doc { _ = try clause.advance(to: doc) }
                let block = try clause.blockBound(for: doc)
                return clause.doc == doc ? (doc, block.bound) : block
            }
            end = min(end, block.end)
            others += block.bound
        }
        return (end, lead, others)
    }

    /// From the lead's document `candidate`: every other word on it, or the lead moved to where one
    /// lands, until all agree or one runs out.
    func match(from candidate: UInt32) throws -> UInt32 {
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
