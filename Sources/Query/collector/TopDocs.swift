/// Top-k retrieval with dynamic pruning from score bounds (Turtle and Flood's MaxScore, with block-max
/// bounds from the postings' impacts, as in Lucene's and PISA's block-max MaxScore): documents that
/// cannot enter the top k are skipped a block at a time, and clauses that cannot lift a document into it
/// alone only add scores to candidates of the others.
enum TopDocs {
    /// Bounds are compared with this slack: sums in another order differ in their last bits.
    static let slack = 1 + 1e-9

    struct Result {
        var collector: TopCollector
        /// False when pruning skipped matches: the collector's total is then a lower bound.
        var totalIsExact: Bool
    }

    /// The top `capacity`, pruned when `prune` and the query reads more postings than the policy scores
    /// whole.
    static func collect(_ root: Scorer, capacity: Int, prune: Bool, policy: PruningPolicy) throws -> Result {
        if let exclusion = root as? ExclusionScorer, let one = exclusion.excluded as? OneDocumentScorer {
            // The documents like one (`--like`): its terms' union ranked as any, one more kept in case
            // the document itself is among them. Whether it matched is not told: the total is a bound.
            let kept = try collect(exclusion.required, capacity: capacity + 1, prune: prune, policy: policy).collector.sorted()
            var collector = TopCollector(capacity: capacity)
            for scored in kept where scored.doc != one.target { collector.collect(scored) }
            return Result(collector: collector, totalIsExact: false)
        }
        let pruned = prune && capacity > 0 && root.cost > policy.exhaustiveUpToCost
        // Each final class, so that the loop calls and inlines its own methods.
        if let scored = root as? RequiredOptionalScorer {
            return try requiredOptional(scored, capacity: capacity, pruned: pruned, boundsAfter: policy.conjunctionBoundsAfterMatches)
        }
        if let scored = root as? AndMaybeScorer {
            if pruned, let result = try maybeWords(scored, capacity: capacity, boundsAfter: policy.conjunctionBoundsAfterMatches) { return result }
            return try requiredOptional(scored, capacity: capacity, pruned: pruned, boundsAfter: policy.conjunctionBoundsAfterMatches)
        }
        guard pruned else { return try exhaustive(root, capacity: capacity, policy: policy) }
        if let word = root as? FieldTermScorer { return try blockMaxWord(word, capacity: capacity) }
        if let all = root as? AllScorer {
            // Every document scores the same: the first k, in document order, are the top k.
            var collector = TopCollector(capacity: capacity)
            while collector.total < capacity, try all.next() != Scorer.end { collector.collect(ScoredDocument(doc: all.doc, score: try all.score())) }
            return Result(collector: collector, totalIsExact: all.doc == Scorer.end)
        }
        if root is DisjunctionScorer || root is PhraseScorer {
            let clauses = leaves(of: root)
            // Words alone (the usual OR query): the loops call the final class directly, not through
            // the base class's table, and inline what they can.
            if clauses.allSatisfy({ $0 is FieldTermScorer }) {
                // Many words (documents like one, a long query): bounds skip little among so many lists,
                // and scoring every match window by window costs less than testing them.
                if clauses.count >= policy.windowedFromClauses, let union = root as? DisjunctionScorer,
                   let result = try exhaustiveUnion(union, capacity: capacity, window: policy.unionWindow) {
                    return result
                }
                return try maxScore(clauses.map { unsafeDowncast($0, to: FieldTermScorer.self) }, capacity: capacity)
            }
            return try maxScore(clauses, capacity: capacity)
        }
        if let conjunction = root as? ConjunctionScorer {
            let boundsAfter = policy.conjunctionBoundsAfterMatches
            return try wordConjunction(conjunction, capacity: capacity, boundsAfter: boundsAfter,
                                       leadFirstFromRate: policy.leadScoredFirstFromMatchRate)
                ?? blockMaxConjunction(TreeConjunction(root: conjunction), capacity: capacity, boundsAfter: boundsAfter)
        }
        if let quorum = root as? QuorumScorer {
            let boundsAfter = policy.conjunctionBoundsAfterMatches
            // Its lead's documents scored first when they should mostly match, as a conjunction's.
            guard quorum.matchRate >= policy.leadScoredFirstFromMatchRate else {
                return try blockMaxConjunction(TreeConjunction(root: quorum), capacity: capacity, boundsAfter: boundsAfter)
            }
            return try leadFirstConjunction(quorum, capacity: capacity, boundsAfter: boundsAfter)
        }
        return try exhaustive(root, capacity: capacity, policy: policy)
    }

    /// Whether telling that a document matches reads positions: a phrase or a proximity search
    /// anywhere in the query.
    static func matchesReadPositions(_ scorer: Scorer) -> Bool {
        switch scorer {
        case is PhraseScorer: true
        case let disjunction as DisjunctionScorer: disjunction.scorers.contains(where: matchesReadPositions)
        case let quorum as QuorumScorer: quorum.scorers.contains(where: matchesReadPositions)
        case let conjunction as ConjunctionScorer: conjunction.scorers.contains(where: matchesReadPositions)
        case let exclusion as ExclusionScorer: matchesReadPositions(exclusion.required) || matchesReadPositions(exclusion.excluded)
        case let scored as OptionalSumScorer: matchesReadPositions(scored.required)
        default: false
        }
    }

    /// Every match scored: the reference the pruned paths must agree with.
    static func exhaustive(_ root: Scorer, capacity: Int, policy: PruningPolicy) throws -> Result {
        if let disjunction = root as? DisjunctionScorer, let result = try exhaustiveUnion(disjunction, capacity: capacity, window: policy.unionWindow) {
            return result
        }
        if let conjunction = root as? ConjunctionScorer, let result = try wordConjunction(conjunction, capacity: capacity, boundsAfter: .max, leadFirstFromRate: .infinity) {
            return result
        }
        var collector = TopCollector(capacity: capacity)
        while try root.next() != Scorer.end {
            collector.collect(ScoredDocument(doc: root.doc, score: try root.score()))
        }
        return Result(collector: collector, totalIsExact: true)
    }

    /// Calls `body` with every match and its score, in document order: a union of words and a word
    /// alone through their direct loops, anything else through the scorer's own.
    static func forEachScoredMatch(_ root: Scorer, _ body: (UInt32, Double) -> Void) throws {
        if let disjunction = root as? DisjunctionScorer, let clauses = wordLeaves(of: disjunction) {
            defer { clauses.deallocate() }
            return try forEachUnionMatch(clauses, body)
        }
        if let word = root as? FieldTermScorer {
            while try word.next() != Scorer.end { body(word.doc, try word.score()) }
            return
        }
        while try root.next() != Scorer.end { body(root.doc, try root.score()) }
    }

    /// Every match of a union of words scored, in one loop over the words' clauses (nested disjunctions
    /// flattened): each clause is called directly, not through the tree's levels and the base class's
    /// table. Nil when a leaf is not a word in a field.
    private static func exhaustiveUnion(_ root: DisjunctionScorer, capacity: Int, window: Int) throws -> Result? {
        guard let clauses = wordLeaves(of: root) else { return nil }
        defer { clauses.deallocate() }
        if clauses.count >= windowedUnionFromClauses {
            return Result(collector: try windowedUnion(clauses, capacity: capacity, window: window), totalIsExact: true)
        }
        var collector = TopCollector(capacity: capacity)
        try forEachUnionMatch(clauses) { collector.collect(ScoredDocument(doc: $0, score: $1)) }
        return Result(collector: collector, totalIsExact: true)
    }

    /// From this many words, a union's every match is scored window by window (`windowedUnion`).
    static let windowedUnionFromClauses = 4

    /// Every match of a union of words scored a window of documents at a time, clause after clause
    /// (Lucene's BooleanScorer, tantivy's buffered union): a posting costs an addition into the
    /// window's scores, not a comparison with every other clause, which is what a union of many words
    /// spends most on. Each document's scores are added in the clauses' order, as `forEachUnionMatch`
    /// adds them: the same sums, bit for bit.
    private static func windowedUnion(_ clauses: UnsafeMutableBufferPointer<Borrowed<FieldTermScorer>>, capacity: Int,
                                      window size: Int) throws -> TopCollector {
        let scores = UnsafeMutableBufferPointer<Double>.allocate(capacity: size)
        let marked = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: size / 64)
        defer {
            scores.deallocate()
            marked.deallocate()
        }
        scores.initialize(repeating: 0)
        marked.initialize(repeating: 0)
        var collector = TopCollector(capacity: capacity)
        for clause in clauses { _ = try clause.with { try $0.next() } }
        var base = lowestDoc(clauses)
        while base != Scorer.end {
            let end = base < Scorer.end - UInt32(size) ? base + UInt32(size) : Scorer.end
            for clause in clauses {
                try clause.with { scorer in
                    while scorer.doc < end {
                        let slot = Int(scorer.doc - base)
                        scores[slot] += try scorer.score()
                        marked[slot >> 6] |= 1 << UInt64(slot & 63)
                        _ = try scorer.next()
                    }
                }
            }
            for word in 0..<(size / 64) where marked[word] != 0 {
                var remaining = marked[word]
                marked[word] = 0
                while remaining != 0 {
                    let slot = word << 6 + remaining.trailingZeroBitCount
                    collector.collect(ScoredDocument(doc: base + UInt32(slot), score: scores[slot]))
                    scores[slot] = 0
                    remaining &= remaining - 1
                }
            }
            base = lowestDoc(clauses)
        }
        return collector
    }

    /// Calls `body` with each document any of the clauses match, in order, and the sum of their
    /// scores there, the clauses called directly: the loop of exhaustive scoring. The clauses end
    /// exhausted.
    @inline(__always)
    private static func forEachUnionMatch(_ clauses: UnsafeMutableBufferPointer<Borrowed<FieldTermScorer>>,
                                          _ body: (UInt32, Double) -> Void) throws {
        for clause in clauses { _ = try clause.with { try $0.next() } }
        while let match = try nextUnionMatch(clauses) { body(match.doc, match.score) }
    }

    /// The next document any of the clauses is on, and the sum of their scores there; those clauses
    /// move past it. Nil when all are exhausted, or when that document lies past `last`.
    @inline(__always)
    private static func nextUnionMatch<Clause: Scorer>(_ clauses: UnsafeMutableBufferPointer<Borrowed<Clause>>,
                                                       upTo last: UInt32 = Scorer.end - 1) throws -> (doc: UInt32, score: Double)? {
        let doc = lowestDoc(clauses)
        if doc > last { return nil }
        var score = 0.0
        for clause in clauses {
            try clause.with { scorer in
                guard scorer.doc == doc else { return }
                score += try scorer.score()
                _ = try scorer.next()
            }
        }
        return (doc, score)
    }

    /// The next document any of the first `required` clauses is on, and the sum of every clause's
    /// score there, the others moved to it; those clauses move past it. Nil when the required ones
    /// are exhausted, or when that document lies past `last`.
    @inline(__always)
    private static func nextRequiredMatch<Clause: Scorer>(_ clauses: UnsafeMutableBufferPointer<Borrowed<Clause>>, required: Int,
                                                          upTo last: UInt32 = Scorer.end - 1) throws -> (doc: UInt32, score: Double)? {
        let doc = lowestDoc(UnsafeMutableBufferPointer(rebasing: clauses[..<required]))
        if doc > last { return nil }
        var score = 0.0
        for index in clauses.indices {
            try clauses[index].with { scorer in
                if index >= required && scorer.doc < doc { _ = try scorer.advance(to: doc) }
                guard scorer.doc == doc else { return }
                score += try scorer.score()
                _ = try scorer.next()
            }
        }
        return (doc, score)
    }

    /// The first document any of the clauses is on (`Scorer.end` when all are exhausted).
    @inline(__always)
    static func lowestDoc<Clause: Scorer>(_ clauses: UnsafeMutableBufferPointer<Borrowed<Clause>>) -> UInt32 {
        var doc = Scorer.end
        for clause in clauses {
            let current = clause.with { $0.doc }
            if current < doc { doc = current }
        }
        return doc
    }

    /// The leaves of a disjunction, nested ones flattened, borrowed in one buffer (the caller
    /// deallocates it); nil unless every leaf is a word in a field. Counted first, so that a query
    /// makes one allocation here.
    static func wordLeaves(of root: DisjunctionScorer) -> UnsafeMutableBufferPointer<Borrowed<FieldTermScorer>>? {
        func count(_ scorer: Scorer) -> Int? {
            if scorer is FieldTermScorer { return 1 }
            guard let disjunction = scorer as? DisjunctionScorer else { return nil }
            var total = 0
            for child in disjunction.scorers {
                guard let leaves = count(child) else { return nil }
                total += leaves
            }
            return total
        }
        guard let total = count(root) else { return nil }
        let buffer = UnsafeMutableBufferPointer<Borrowed<FieldTermScorer>>.allocate(capacity: total)
        var filled = 0
        func fill(_ scorer: Scorer) {
            guard let disjunction = scorer as? DisjunctionScorer else {
                (buffer.baseAddress! + filled).initialize(to: Borrowed(unsafeDowncast(scorer, to: FieldTermScorer.self)))
                filled += 1
                return
            }
            for child in disjunction.scorers { fill(child) }
        }
        fill(root)
        return buffer
    }

    /// The clauses of a sum, nested disjunctions flattened (their scores add up the same way).
    private static func leaves(of scorer: Scorer) -> [Scorer] {
        var leaves: [Scorer] = []
        leaves.reserveCapacity(8)
        collectLeaves(of: scorer, into: &leaves)
        return leaves
    }

    private static func collectLeaves(of scorer: Scorer, into leaves: inout [Scorer]) {
        guard let disjunction = scorer as? DisjunctionScorer else { return leaves.append(scorer) }
        for child in disjunction.scorers { collectLeaves(of: child, into: &leaves) }
    }

    /// Clauses whose postings are at most this share of the query's may be scored in a first pass.
    static let primingShare = 8

    /// What a priming pass found: a lower bound on the k-th best score, the rare clauses it scored,
    /// and each of their documents with its score over them, in document order.
    struct Priming {
        var threshold: Double
        var rare: [FieldTermScorer]
        var matches: [ScoredDocument]
    }

    /// Threshold priming: a lower bound on the k-th best score before the main pass, the k-th best sum
    /// over the rarest clauses alone, scored in a pass of their own (the other clauses can only add to
    /// a document's score), kept with what that pass scored. With a rare word beside a common one, the
    /// common one's clauses are non-essential from the first document, instead of once the top k have
    /// filled with their low scores. Nil when no clause is rare enough or the rare ones match fewer
    /// than k documents.
    ///
    /// Once k documents are held, the pass goes a window of the rare clauses' blocks at a time, and
    /// passes over a window whose block bounds, with the other clauses' whole bounds (`bounds`), stay
    /// below the k-th best sum so far: none of its documents can enter the top k, whatever the others
    /// add, so it need not be scored nor kept (a long rare list, at scale, is mostly such windows).
    /// The others' block bounds would be tighter, but reading them at every window cost more than
    /// the windows they would pass over (frdocs × 40, or2 pruned: 97 µs against the former pass's
    /// 75, where this way takes 64 against 72).
    static func prime<Clause: Scorer>(_ clauses: [Clause], bounds: [Double], capacity: Int) throws -> Priming? {
        let total = clauses.reduce(0) { $0 + $1.cost }
        var rare: [FieldTermScorer] = []
        var rareCost = 0
        for index in clauses.indices.sorted(by: { clauses[$0].cost < clauses[$1].cost }) {
            guard let clause = clauses[index] as? FieldTermScorer else { continue }
            guard (rareCost + clause.cost) * primingShare <= total else { break }
            rare.append(clause)
            rareCost += clause.cost
        }
        guard !rare.isEmpty && rareCost >= capacity else { return nil }
        let othersBound = clauses.indices.reduce(0.0) { sum, index in rare.contains { $0 === clauses[index] } ? sum : sum + bounds[index] }
        // The rare clauses' union, scored in a loop of its own; then they start again.
        let borrowed = borrowedBuffer(rare)
        defer {
            borrowed.deallocate()
            for clause in rare { clause.rewind() }
        }
        var collector = TopCollector(capacity: capacity)
        var matches: [ScoredDocument] = []
        matches.reserveCapacity(rareCost)
        for clause in borrowed { _ = try clause.with { try $0.next() } }
        // The k-th best sum so far, below by the slack thrice: a window passed over holds no document
        // that could tie with the k-th, whatever order its sums were added in.
        var threshold = -Double.infinity
        var doc = lowestDoc(borrowed)
        while doc != Scorer.end {
            var last = Scorer.end - 1
            if threshold > -.infinity {
                var bound = othersBound
                for clause in borrowed {
                    let block = try clause.with { try $0.blockBound(for: doc) }
                    bound += block.bound
                    last = min(last, block.end)
                }
                if bound * slack <= threshold {
                    guard last < Scorer.end - 1 else { break }
                    for clause in borrowed { try clause.with { if $0.doc <= last { _ = try $0.advance(to: last + 1) } } }
                    doc = lowestDoc(borrowed)
                    continue
                }
            }
            while let match = try nextUnionMatch(borrowed, upTo: last) {
                collector.collect(ScoredDocument(doc: match.doc, score: match.score))
                matches.append(ScoredDocument(doc: match.doc, score: match.score))
                // The first k held: from here, window by window.
                if threshold == -.infinity && collector.threshold != nil { break }
            }
            if let worst = collector.threshold { threshold = worst.score / (slack * slack * slack) }
            doc = lowestDoc(borrowed)
        }
        guard let worst = collector.threshold else { return nil }
        // Below by the comparisons' slack, twice: a document scoring exactly the bound still competes
        // (it may rank before on its number), whatever order its sum was added in.
        return Priming(threshold: worst.score / (slack * slack), rare: rare, matches: matches)
    }

    /// The top k of the documents the priming pass scored, each with the other clauses' scores added
    /// (`others`, largest bound first, with `bounds`) while they can still lift it past the threshold.
    /// The answer when only rare clauses are essential past its k-th score: every document that can
    /// enter matches one of them. The rare postings are not read again.
    private static func completePriming<Clause: Scorer>(_ priming: Priming, others: [Clause], bounds: [Double], capacity: Int) throws -> Result {
        var threshold = priming.threshold
        let clauses = borrowedBuffer(others)
        // What the clauses from the i-th on can add at most.
        let remaining = UnsafeMutableBufferPointer<Double>.allocate(capacity: others.count + 1)
        defer {
            clauses.deallocate()
            remaining.deallocate()
        }
        remaining[others.count] = 0
        for index in stride(from: others.count - 1, through: 0, by: -1) { remaining[index] = remaining[index + 1] + bounds[index] }
        for clause in clauses { _ = try clause.with { try $0.next() } }
        var collector = TopCollector(capacity: capacity)
        for match in priming.matches {
            let doc = match.doc
            var score = match.score
            var competitive = true
            for index in 0..<others.count {
                if (score + remaining[index]) * slack <= threshold {
                    competitive = false
                    break
                }
                score += try clauses[index].with { clause in
                    if clause.doc < doc { _ = try clause.advance(to: doc) }
                    return clause.doc == doc ? try clause.score() : 0
                }
            }
            guard competitive else { continue }
            collector.collect(ScoredDocument(doc: doc, score: score))
            if let worst = collector.threshold { threshold = max(threshold, worst.score) }
        }
        // The other clauses' documents that no rare clause matches were never visited.
        return Result(collector: collector, totalIsExact: false)
    }

    private static func maxScore<Clause: Scorer>(_ unsorted: [Clause], capacity: Int) throws -> Result {
        // Each bound is computed once: a clause's first maxScore reads all its block impacts.
        let bounds = unsorted.map(\.maxScore)
        guard let priming = try prime(unsorted, bounds: bounds, capacity: capacity) else {
            // Until the collector is full, every document competes.
            return try maxScoreWindows(unsorted, bounds: bounds, matching: AnyClause.self, collector: TopCollector(capacity: capacity),
                                       threshold: -.infinity, passing: [])
        }
        // The rare clauses' documents scored whole: their k-th best is k real documents' floor, above
        // the rare clauses' sums alone (a title match's body score counts).
        let isRare = unsorted.map { clause in priming.rare.contains { $0 === clause } }
        let others = unsorted.indices.filter { !isRare[$0] }.sorted { bounds[$0] > bounds[$1] }
        let primed = try completePriming(priming, others: others.map { unsorted[$0] }, bounds: others.map { bounds[$0] },
                                         capacity: capacity)
        let threshold = max(priming.threshold, (primed.collector.threshold?.score ?? -.infinity) / (slack * slack))
        // Every document a rare clause matches has been ranked or ruled out: any other scores at most
        // the other clauses' bounds. When those cannot reach the threshold, the top k is found.
        if others.reduce(0.0, { $0 + bounds[$1] }) * slack <= threshold { return primed }
        // Else the other clauses alone, from the top k found, passing over the documents already
        // ranked: the rare clauses' bounds, the highest, no longer count in any window.
        for index in others { unsorted[index].rewind() }
        let rest = try maxScoreWindows(others.map { unsorted[$0] }, bounds: others.map { bounds[$0] }, matching: AnyClause.self,
                                       collector: primed.collector, threshold: threshold, passing: priming.matches)
        return Result(collector: rest.collector, totalIsExact: false)
    }

    /// Block-max MaxScore over `unsorted` (with their global `bounds`), from `collector` and
    /// `threshold` (a floor for the k-th score, -∞ before k documents are held), passing over the
    /// documents of `passing` (in document order), which the caller has ranked already. With
    /// `RequiredClauses`, a match holds one of the first `required` clauses, and the others only add
    /// to its score (`a MAYBE b`).
    private static func maxScoreWindows<Clause: Scorer, Matching: MatchingClauses>(_ unsorted: [Clause], bounds: [Double], matching: Matching.Type,
                                                                                  required: Int = 0, collector: consuming TopCollector,
                                                                                  threshold: Double, passing: [ScoredDocument]) throws -> Result {
        let count = unsorted.count
        let optionalOnes = Matching.optionalOnes
        var collector = collector
        var threshold = threshold
        var nextPassed = 0
        // Borrowed references and raw buffers: this loop runs per candidate, with no reference counting.
        let clauses = borrowedBuffer(unsorted)
        // The per-clause arrays in one allocation: block bounds, prefix sums in the window's order,
        // then block starts and ends, then the window's order.
        let storage = UnsafeMutableRawPointer.allocate(byteCount: 32 * count, alignment: MemoryLayout<Double>.alignment)
        let doubles = storage.bindMemory(to: Double.self, capacity: 2 * count)
        let blockBounds = UnsafeMutableBufferPointer(start: doubles, count: count)
        let prefix = UnsafeMutableBufferPointer(start: doubles + count, count: count)
        let integers = (storage + 16 * count).bindMemory(to: UInt32.self, capacity: 2 * count)
        let blockStarts = UnsafeMutableBufferPointer(start: integers, count: count)
        let blockEnds = UnsafeMutableBufferPointer(start: integers + count, count: count)
        let order = UnsafeMutableBufferPointer(start: (storage + 24 * count).bindMemory(to: Int.self, capacity: count), count: count)
        defer {
            clauses.deallocate()
            storage.deallocate()
        }
        blockStarts.initialize(repeating: 1)
        blockEnds.initialize(repeating: 0)
        blockBounds.initialize(repeating: 0)
        for index in 0..<count { order[index] = index }
        var exact = true
        for clause in clauses { _ = try clause.with { try $0.next() } }
        // Phrases among the clauses pass over candidates that cannot enter before reading their
        // positions, told what they must reach (`tellPhrases`).
        let phrases = unsorted.indices.compactMap { index in (unsorted[index] as? PhraseScorer).map { (clause: index, scorer: $0) } }
        let cost = unsorted.reduce(0) { $0 + $1.cost }
        for phrase in phrases where phrases.count > 1 && phrase.scorer.cost * primingShare <= cost { phrase.scorer.boundsEndAtMatches = true }
        defer {
            for phrase in phrases {
                phrase.scorer.competitive = (0, 0, 0)
                phrase.scorer.boundsEndAtMatches = false
            }
        }

        // Until there is a threshold, every clause is essential: each document is scored whole.
        var start: UInt32 = 0
        while threshold == -.infinity {
            guard let match = try optionalOnes ? nextRequiredMatch(clauses, required: required) : nextUnionMatch(clauses) else {
                return Result(collector: collector, totalIsExact: exact)
            }
            collector.collect(ScoredDocument(doc: match.doc, score: match.score))
            if let worst = collector.threshold { threshold = worst.score }
            start = match.doc + 1
        }

        // Then window by window (Lucene's block-max MaxScore): a window ends where the first of the
        // clauses' blocks ends, so each clause's block bound holds over all of it. Ordered by those
        // bounds, the clauses whose sum cannot reach the threshold are non-essential in the window:
        // only the others' documents are visited, and the non-essential ones add their scores while
        // the document can still enter. When none is essential, the window is skipped whole. With
        // optional clauses, a candidate that holds no required one is not a match: the required
        // clauses' bounds are among the sums all the same, so `a MAYBE b` with a common `a` and a rare
        // `b` visits `b`'s documents, and those of `a`'s fields where `a` alone can enter (a title).
        while start < Scorer.end {
            var windowEnd = Scorer.end - 1
            for index in 0..<count {
                // A clause's block bound holds until the window passes its block's end.
                if start > blockEnds[index] || start < blockStarts[index] {
                    let block = try clauses[index].with { try $0.blockBound(for: start) }
                    blockStarts[index] = start
                    blockEnds[index] = block.end
                    blockBounds[index] = block.bound
                }
                windowEnd = min(windowEnd, blockEnds[index])
            }
            // Few clauses, nearly in order from the window before.
            insertionSort(order, by: blockBounds)
            var sum = 0.0
            var essential = 0
            for position in 0..<count {
                sum += blockBounds[order[position]]
                prefix[position] = sum
                if sum * slack <= threshold { essential = position + 1 }
            }
            if essential > 0 { exact = false }
            if !phrases.isEmpty {
                tellPhrases(phrases, threshold: threshold, bounds: bounds, blockStarts: blockStarts, blockEnds: blockEnds,
                            blockBounds: blockBounds)
            }
            if essential == count {
                if windowEnd >= Scorer.end - 1 { break }
                start = windowEnd + 1
                continue
            }
            for position in essential..<count {
                try clauses[order[position]].with { if $0.doc < start { _ = try $0.advance(to: start) } }
            }
            // With one essential clause (a single word, or once the threshold leaves one), its
            // documents are the candidates, taken in turn without looking for the least of several.
            let lead: Borrowed<Clause>? = essential == count - 1 ? clauses[order[essential]] : nil
            let leadRequired = !optionalOnes || order[count - 1] < required
            // With every required clause essential, only their documents can match: they lead, and
            // the essential optional ones are moved to them.
            var requiredLead = optionalOnes
            if optionalOnes {
                for position in 0..<essential where order[position] < required { requiredLead = false }
            }
            while true {
                var doc = Scorer.end
                var score = 0.0
                var matched = true
                if essential == 0 {
                    // Every clause essential (short lists, or a threshold still low): exhaustive
                    // scoring's union loop, the clauses called directly, with no bound to test.
                    guard let match = try optionalOnes ? nextRequiredMatch(clauses, required: required, upTo: windowEnd)
                                                       : nextUnionMatch(clauses, upTo: windowEnd) else { break }
                    doc = match.doc
                    score = match.score
                } else if let lead {
                    matched = leadRequired
                    doc = lead.with { $0.doc }
                    if doc > windowEnd { break }
                    score = try lead.with { scorer in
                        let score = try scorer.score()
                        _ = try scorer.next()
                        return score
                    }
                } else {
                    for position in essential..<count where !requiredLead || order[position] < required {
                        let current = clauses[order[position]].with { $0.doc }
                        if current < doc { doc = current }
                    }
                    if doc > windowEnd { break }
                    matched = !optionalOnes
                    for position in essential..<count {
                        let index = order[position]
                        try clauses[index].with { scorer in
                            if requiredLead && scorer.doc < doc { _ = try scorer.advance(to: doc) }
                            guard scorer.doc == doc else { return }
                            score += try scorer.score()
                            _ = try scorer.next()
                            if optionalOnes && index < required { matched = true }
                        }
                    }
                }
                // Ranked already, or ruled out, by the caller.
                while nextPassed < passing.count && passing[nextPassed].doc < doc { nextPassed += 1 }
                if nextPassed < passing.count && passing[nextPassed].doc == doc { continue }
                var competitive = true
                var position = essential - 1
                while position >= 0 {
                    if (score + prefix[position]) * slack <= threshold {
                        competitive = false
                        break
                    }
                    let index = order[position]
                    score += try clauses[index].with { clause in
                        if clause.doc < doc { _ = try clause.advance(to: doc) }
                        guard clause.doc == doc else { return 0 }
                        if optionalOnes && index < required { matched = true }
                        return try clause.score()
                    }
                    position -= 1
                }
                if competitive && matched {
                    collector.collect(ScoredDocument(doc: doc, score: score))
                    if let worst = collector.threshold, worst.score > threshold {
                        threshold = worst.score
                        if !phrases.isEmpty {
                            tellPhrases(phrases, threshold: threshold, bounds: bounds, blockStarts: blockStarts, blockEnds: blockEnds,
                                        blockBounds: blockBounds)
                        }
                    }
                }
            }
            if windowEnd >= Scorer.end - 1 { break }
            start = windowEnd + 1
        }
        return Result(collector: collector, totalIsExact: exact && phrases.allSatisfy { $0.scorer.passedOver == 0 })
    }

    /// Tells each phrase among the clauses what its score must reach for a document to enter the top
    /// k (Lucene's `setMinCompetitiveScore`): the threshold less what the other clauses can add. Up to
    /// the first end of their current blocks, that is the sum of their block bounds; past it (a phrase
    /// moves on to its next match, which may lie beyond), of their global bounds. Divided by the slack
    /// twice: a floor, never above what the loop's own comparisons allow.
    private static func tellPhrases(_ phrases: [(clause: Int, scorer: PhraseScorer)], threshold: Double, bounds: [Double],
                                    blockStarts: UnsafeMutableBufferPointer<UInt32>, blockEnds: UnsafeMutableBufferPointer<UInt32>,
                                    blockBounds: UnsafeMutableBufferPointer<Double>) {
        for (clause, phrase) in phrases {
            var through = Scorer.end - 1, near = 0.0, far = 0.0
            for other in bounds.indices where other != clause {
                // The windows start at or after every block's start: the block bounds hold from there.
                through = min(through, blockEnds[other])
                near += blockBounds[other]
                far += bounds[other]
            }
            phrase.competitive = (through: through, near: (threshold / slack - near) / slack, far: (threshold / slack - far) / slack)
        }
    }

    /// One word in one field: once k documents are held, its blocks whose bound cannot beat the k-th
    /// score are passed by their bounds alone, from the skip entries, without decoding them; the others
    /// are read whole. (MaxScore's windows, over one clause, only add to that.)
    private static func blockMaxWord(_ word: FieldTermScorer, capacity: Int) throws -> Result {
        var collector = TopCollector(capacity: capacity)
        var exact = true
        var block: (start: UInt32, end: UInt32, bound: Double) = (1, 0, 0)
        var doc = try word.next()
        while doc != Scorer.end {
            if let threshold = collector.threshold?.score {
                if doc > block.end || doc < block.start {
                    let bound = try word.blockBound(for: doc)
                    block = (doc, bound.end, bound.bound)
                }
                if block.bound * slack <= threshold {
                    exact = false
                    while block.end < Scorer.end - 1 && block.bound * slack <= threshold {
                        let bound = try word.blockBound(for: block.end + 1)
                        block = (block.end + 1, bound.end, bound.bound)
                    }
                    doc = block.bound * slack <= threshold ? Scorer.end : try word.advance(to: block.start)
                    continue
                }
            }
            collector.collect(ScoredDocument(doc: doc, score: try word.score()))
            doc = try word.next()
        }
        return Result(collector: collector, totalIsExact: exact)
    }

    /// A conjunction's top k: once k documents are held and past its first `boundsAfter` matches, a
    /// block where the sum of the clauses' block bounds cannot beat the k-th score is skipped whole.
    /// (`Int.max`: every match scored.)
    private static func blockMaxConjunction<Matches: ConjunctionMatches>(_ matches: Matches, capacity: Int, boundsAfter: Int) throws -> Result {
        var collector = TopCollector(capacity: capacity)
        var exact = true
        var block: (start: UInt32, end: UInt32, bound: Double) = (1, 0, 0)
        var doc = try matches.first()
        while doc != Scorer.end {
            if collector.total >= boundsAfter, let threshold = collector.threshold?.score {
                // The bound holds until the candidate passes the end of the blocks it came from.
                if doc > block.end || doc < block.start {
                    let bound = try matches.blockBound(for: doc)
                    block = (doc, bound.end, bound.bound)
                }
                if block.bound * slack <= threshold {
                    exact = false
                    // Not passed block after block by bounds, as a single word's are: moving on lands
                    // on the next match, often blocks further (measured: and2 1.07 in instructions).
                    doc = block.end >= Scorer.end - 1 ? Scorer.end : try matches.advance(to: block.end + 1)
                    continue
                }
            }
            collector.collect(ScoredDocument(doc: doc, score: try matches.score(doc)))
            doc = try matches.next(after: doc)
        }
        return Result(collector: collector, totalIsExact: exact)
    }

    /// `a MAYBE b` where `a` is a word or a union of words (a word in several fields): block-max
    /// MaxScore over all its fields' clauses and `b`'s, `a`'s required. `a`'s bound over all its
    /// fields is often above the threshold where that of its body alone is not (`pour` in a title
    /// scores 8.7, in a body at most 1): then `requiredOptional` reads every document of `a`, where
    /// this reads those of `a`'s title and `b`. Nil when `a` is anything else, or when it has at most
    /// twice `boundsAfter` postings: `requiredOptional` scores most of them before any bound, and
    /// costs less than the windows (`dim MAYBE arr`, 321 documents, took 1.17 times the instructions
    /// this way).
    private static func maybeWords(_ root: AndMaybeScorer, capacity: Int, boundsAfter: Int) throws -> Result? {
        func words(_ scorer: Scorer) -> [FieldTermScorer]? {
            let clauses = leaves(of: scorer)
            guard clauses.allSatisfy({ $0 is FieldTermScorer }) else { return nil }
            return clauses.map { unsafeDowncast($0, to: FieldTermScorer.self) }
        }
        guard root.required.cost > 2 * boundsAfter, let required = words(root.required) else { return nil }
        func ranked<Clause: Scorer>(_ clauses: [Clause]) throws -> Result {
            try maxScoreWindows(clauses, bounds: clauses.map(\.maxScore), matching: RequiredClauses.self, required: required.count,
                                collector: TopCollector(capacity: capacity), threshold: -.infinity, passing: [])
        }
        if let optional = words(root.optional) { return try ranked(required + optional) }
        // A phrase among the optional clauses, as in a union: told what it must reach to be read.
        return try ranked(required + leaves(of: root.optional) as [Scorer])
    }

    /// A query with optional clauses (the proximity boost's pairs, `a MAYBE b`): the required clause's
    /// matches, in one loop over its words when it is a conjunction of words, each scored by the
    /// required clause first. When `pruned`, a document whose score and the optional clauses' bounds
    /// (over its block, then, for phrases, from their words' frequencies there) cannot enter the top k
    /// is passed before they are read, and so is a block of documents whose bounds cannot, once
    /// `boundsAfter` matches are counted; where the required clause's bound alone cannot, the optional
    /// clauses' next match leads, when they can be read apart.
    private static func requiredOptional<Root: OptionalSumScorer>(_ root: Root, capacity: Int, pruned: Bool, boundsAfter: Int) throws -> Result {
        if let conjunction = root.required as? ConjunctionScorer, let words = WordConjunction(conjunction) {
            defer { words.deallocate() }
            return try requiredOptional(words, root, capacity: capacity, pruned: pruned, boundsAfter: boundsAfter)
        }
        if let union = root.required as? DisjunctionScorer, let clauses = wordLeaves(of: union) {
            defer { clauses.deallocate() }
            return try requiredOptional(WordUnion(clauses: clauses), root, capacity: capacity, pruned: pruned, boundsAfter: boundsAfter)
        }
        return try requiredOptional(TreeConjunction(root: root.required), root, capacity: capacity, pruned: pruned, boundsAfter: boundsAfter)
    }

    private static func requiredOptional<Matches: ConjunctionMatches, Root: OptionalSumScorer>(_ matches: Matches, _ root: Root, capacity: Int,
                                                                                           pruned: Bool, boundsAfter: Int) throws -> Result {
        var collector = TopCollector(capacity: capacity)
        var exact = true
        var block: (start: UInt32, end: UInt32, required: Double, optional: Double) = (1, 0, 0, 0)
        let optionalMaxScore = root.optionalMaxScore
        var doc = try matches.first()
        while doc != Scorer.end {
            let threshold = pruned ? collector.threshold?.score : nil
            var optionalBound = optionalMaxScore
            if collector.total >= boundsAfter, let threshold {
                if doc > block.end || doc < block.start {
                    let required = try matches.blockBound(for: doc), optional = try root.optionalBlockBound(for: doc)
                    block = (doc, min(required.end, optional.end), required.bound, optional.bound)
                }
                if (block.required + block.optional) * slack <= threshold {
                    exact = false
                    doc = block.end >= Scorer.end - 1 ? Scorer.end : try matches.advance(to: block.end + 1)
                    continue
                }
                // The required clause alone cannot lift a document of the block into the top k: only
                // those an optional clause matches may enter, the next of which leads (`a MAYBE b`,
                // a common `a` and a rarer `b`).
                if block.required * slack <= threshold, let candidate = try root.optionalCandidate(from: doc), candidate != doc {
                    exact = false
                    let target = min(candidate, block.end >= Scorer.end - 1 ? Scorer.end : block.end + 1)
                    doc = target == Scorer.end ? Scorer.end : try matches.advance(to: target)
                    continue
                }
                optionalBound = block.optional
            }
            let required = try matches.score(doc)
            if let threshold, (required + optionalBound) * slack <= threshold || (required + root.optionalBound(doc)) * slack <= threshold {
                exact = false
            } else {
                collector.collect(ScoredDocument(doc: doc, score: try required + root.optionalScore(doc)))
            }
            doc = try matches.next(after: doc)
        }
        return Result(collector: collector, totalIsExact: exact)
    }

    /// A conjunction of words in one loop over their clauses (`WordConjunction`), its lead's documents
    /// scored first when they should mostly match (`leadFirstFromRate`); nil when a child is anything
    /// else.
    private static func wordConjunction(_ root: ConjunctionScorer, capacity: Int, boundsAfter: Int, leadFirstFromRate: Double) throws -> Result? {
        guard let words = WordConjunction(root) else { return nil }
        defer { words.deallocate() }
        guard words.matchRate >= leadFirstFromRate else { return try blockMaxConjunction(words, capacity: capacity, boundsAfter: boundsAfter) }
        return try leadFirstConjunction(words, capacity: capacity, boundsAfter: boundsAfter)
    }

    /// `blockMaxConjunction` with one more test, Lucene's in its block-max conjunctions: the lead's
    /// document is a candidate before the other words move to it, and one whose score, with the other
    /// words' block bounds, cannot beat the k-th is passed. In `les basé`, most of `basé`'s documents
    /// never move `les`; in a quorum's question (`"cliquer sur la"/75%`, led by `cliquer` or `sur`),
    /// most of `sur`'s never move `la`.
    private static func leadFirstConjunction<Words: LeadFirstMatches>(_ words: Words, capacity: Int, boundsAfter: Int) throws -> Result {
        var collector = TopCollector(capacity: capacity)
        var exact = true
        var block: (start: UInt32, end: UInt32, lead: Double, others: Double) = (1, 0, 0, 0)
        var doc = try words.firstCandidate()
        while doc != Scorer.end {
            var leadScore: Double?
            if collector.total >= boundsAfter, let threshold = collector.threshold?.score {
                if doc > block.end || doc < block.start {
                    let bound = try words.blockBounds(for: doc)
                    block = (doc, bound.end, bound.lead, bound.others)
                }
                if (block.lead + block.others) * slack <= threshold {
                    exact = false
                    doc = block.end >= Scorer.end - 1 ? Scorer.end : try words.candidate(advancingTo: block.end + 1)
                    continue
                }
                let score = try words.leadScore(doc)
                if (score + block.others) * slack <= threshold {
                    exact = false
                    doc = try words.nextCandidate(after: doc)
                    continue
                }
                leadScore = score
            }
            let match = try words.match(from: doc)
            if match == Scorer.end { break }
            if match != doc {
                doc = match
                // A candidate of its own, to test as one.
                if leadScore != nil { continue }
            }
            let score = try leadScore.map { try words.score(doc, lead: $0) } ?? words.score(doc)
            collector.collect(ScoredDocument(doc: doc, score: score))
            doc = try words.nextCandidate(after: doc)
        }
        return Result(collector: collector, totalIsExact: exact)
    }
}

/// Which of MaxScore's clauses make a match: any of them (a union), or one of the first few
/// (`RequiredClauses`: `a MAYBE b`, whose other clauses only add to the scores). A type, so that a
/// union's loop is compiled without the tests the other needs.
protocol MatchingClauses {
    static var optionalOnes: Bool { get }
}

enum AnyClause: MatchingClauses {
    static var optionalOnes: Bool { false }
}

enum RequiredClauses: MatchingClauses {
    static var optionalOnes: Bool { true }
}

/// What the block-max conjunction loop needs of a conjunction: its matches in order, their scores,
/// and bounds over blocks.
protocol ConjunctionMatches {
    func first() throws -> UInt32
    /// The next match after `doc`, the current one.
    func next(after doc: UInt32) throws -> UInt32
    func advance(to target: UInt32) throws -> UInt32
    /// The score of `doc`, the current match.
    func score(_ doc: UInt32) throws -> Double
    func blockBound(for doc: UInt32) throws -> (end: UInt32, bound: Double)
}

extension WordConjunction: ConjunctionMatches {}

/// What `leadFirstConjunction` needs of a conjunction or a quorum: its lead's documents as candidates
/// (the other clauses not moved), the lead's score on one, bounds over blocks, and its matches from a
/// candidate on.
protocol LeadFirstMatches {
    /// The lead's first document.
    func firstCandidate() throws -> UInt32
    /// The lead's next document after `doc`, the current candidate.
    func nextCandidate(after doc: UInt32) throws -> UInt32
    /// The lead's first document at or after `target`.
    func candidate(advancingTo target: UInt32) throws -> UInt32
    /// The lead's bound and the other clauses' over the documents from `doc` where all their blocks overlap.
    func blockBounds(for doc: UInt32) throws -> (end: UInt32, lead: Double, others: Double)
    /// The lead's score on the candidate `doc`.
    func leadScore(_ doc: UInt32) throws -> Double
    /// The first match from the candidate on, the other clauses moved to it.
    func match(from candidate: UInt32) throws -> UInt32
    /// The score of the match `doc`; with the lead's known, the same sum in the same order.
    func score(_ doc: UInt32) throws -> Double
    func score(_ doc: UInt32, lead: Double) throws -> Double
}

extension WordConjunction: LeadFirstMatches {
    func leadScore(_ doc: UInt32) throws -> Double { try score(word: 0, doc) }
}

/// Any conjunction (or any scorer), through the query tree's scorers.
/// A union of words (each over its fields: `a` in `a MAYBE b`) as a required clause's matches, its
/// clauses called directly, as exhaustive scoring's union loop calls them, not through the tree's
/// table.
private struct WordUnion: ConjunctionMatches {
    let clauses: UnsafeMutableBufferPointer<Borrowed<FieldTermScorer>>

    func first() throws -> UInt32 {
        for clause in clauses { _ = try clause.with { try $0.next() } }
        return TopDocs.lowestDoc(clauses)
    }

    func next(after doc: UInt32) throws -> UInt32 {
        for clause in clauses { try clause.with { if $0.doc == doc { _ = try $0.next() } } }
        return TopDocs.lowestDoc(clauses)
    }

    func advance(to target: UInt32) throws -> UInt32 {
        for clause in clauses { try clause.with { if $0.doc < target { _ = try $0.advance(to: target) } } }
        return TopDocs.lowestDoc(clauses)
    }

    func score(_ doc: UInt32) throws -> Double {
        var total = 0.0
        for clause in clauses { total += try clause.with { $0.doc == doc ? try $0.score() : 0 } }
        return total
    }

    func blockBound(for doc: UInt32) throws -> (end: UInt32, bound: Double) { try sumOfBounds(clauses, for: doc) }
}

private struct TreeConjunction: ConjunctionMatches {
    let root: Scorer
    func first() throws -> UInt32 { try root.next() }
    func next(after doc: UInt32) throws -> UInt32 { try root.next() }
    func advance(to target: UInt32) throws -> UInt32 { try root.advance(to: target) }
    func score(_ doc: UInt32) throws -> Double { try root.score() }
    func blockBound(for doc: UInt32) throws -> (end: UInt32, bound: Double) { try root.blockBound(for: doc) }
}

/// When the pruned paths check bounds at all. Where bounds would be read for about as many candidates
/// as they could skip, every match is scored instead: measured on frdocs, that was slower.
struct PruningPolicy: Sendable {
    /// Up to this many postings to read (the query's cost), every match is scored: with a block or two
    /// a clause, bounds skip little and cost more than reading them saves (as measured on the bundled
    /// corpus and frdocs' rarer words).
    var exhaustiveUpToCost = 256
    /// A conjunction checks its block bounds only past this many matches, as Lucene's top-docs
    /// collector counts its first 1,000 hits before it lets its scorer skip. A common word's block
    /// spans few documents, so below that, a bound is read at nearly every candidate and rarely skips
    /// one: on frdocs' three-word queries of 40 to 330 matches, that took 5 to 12% longer than scoring
    /// them all. The total of a conjunction with fewer matches is then exact, with no count after.
    var conjunctionBoundsAfterMatches = 256
    /// A conjunction of words scores the lead's candidate before the other words move to it when at
    /// least this share of the lead's documents should match them all (the product of their shares of
    /// the documents): in `les basé`, the test passes most of `basé`'s documents without moving `les`;
    /// in `nom fonction donne` (0.05), most candidates fail to match anyway, and scoring them first
    /// costs more than it saves. On frdocs, in instructions: the lead scored first always, and2 0.90
    /// and and3 1.02 of the loop before; from a quarter, 0.92 and 1.00.
    var leadScoredFirstFromMatchRate = 0.25

    /// From this many words in fields, a union of words is ranked by scoring every match, window by
    /// window (`TopDocs.windowedUnion`), instead of by MaxScore. Measured on frdocs (its words are in
    /// about 2 fields each), in process, MaxScore against scored whole: 8 random words 72 µs against
    /// 83, 12 words 145 against 114, 16 words 226 against 150, documents like one (25 words) 422
    /// against 206 (BENCHMARKS.md, "Unions of words, window by window").
    var windowedFromClauses = 20
    /// Documents a window of `TopDocs.windowedUnion` spans (a multiple of 64): its scores, 32 KiB, stay
    /// in the first-level cache. The tests take small ones, so that their corpora span many.
    var unionWindow = 4_096

    /// Bounds checked from the first document of any query (the tests, on corpora where every query
    /// is small).
    static let everywhere = PruningPolicy(exhaustiveUpToCost: 0, conjunctionBoundsAfterMatches: 0, leadScoredFirstFromMatchRate: 0,
                                          windowedFromClauses: .max)
}
