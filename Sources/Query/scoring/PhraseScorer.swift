import Indexer

/// Words at given offsets from each other in one field: exactly (`"a b c"`), or all within a window
/// of `count - 1 + slop` positions, in any order (`"a b"~N`), each word at an occurrence of its own (a
/// word typed twice occurs twice in the window; an occurrence two words reach stands for one of
/// them), or within that window in their order (`ordered`: `a ADJ/N b`, each word after the one before).
/// Scored as one term whose frequency is the number of matches and whose idf is the sum of the words'
/// (as Lucene scores phrases).
final class PhraseScorer: Scorer {
    let words: [FieldTermScorer]
    let offsets: [Int]
    let slop: Int?
    let ordered: Bool
    /// Per word, the first word with the same terms (`"a b a"~2`: 0, 1, 0): the words of a proximity
    /// search are counted by group.
    private let groups: [Int]
    /// Per group (at its first word's index), how many of the phrase's words it stands for, and how
    /// many of its occurrences the window being checked holds.
    private let needs: UnsafeMutableBufferPointer<Int32>
    private let counts: UnsafeMutableBufferPointer<Int32>
    /// A proximity search's occurrences of every group in one list (position << 32 | group), then as
    /// much room to merge them in; and where each group's run of them starts.
    private var occurrences: UnsafeMutableBufferPointer<UInt64>
    private let runBounds: UnsafeMutableBufferPointer<Int>
    /// In order: per word, its next occurrence to try after the word before's (`orderedMatches`).
    private let nextOccurrences: UnsafeMutableBufferPointer<Int>
    /// Set when words share some terms but not all (`de`, `des`): an occurrence may then stand for
    /// several words, and the window is checked by assignment, not by counting.
    private let assignment: OccurrenceAssignment?
    let weight: FieldWeight
    private let conjunction: ConjunctionScorer
    private let reader: IndexReader
    private let lengths: UnsafeRawPointer?
    /// Per word, its positions in the current candidate; then the phrase starts still possible.
    private let buffers: UnsafeMutableBufferPointer<PositionBuffer>
    private var starts = PositionBuffer()
    private let borrowedWords: UnsafeMutableBufferPointer<Borrowed<FieldTermScorer>>
    /// The words' indices, rarest in the current candidate first, and their frequencies in it.
    private let order: UnsafeMutableBufferPointer<Int>
    private let frequencies: UnsafeMutableBufferPointer<UInt32>
    private(set) var phraseFreq = 0

    /// What the phrase must score at a document for it to enter the top k, told by the top-k loop
    /// (Lucene's `setMinCompetitiveScore`): `near` for documents up to `through`, `far` past it. A
    /// candidate that could not reach it even if the phrase matched as often as it can there is passed
    /// over before its positions are read. Zero, the default and after `rewind`, passes over nothing.
    var competitive: (through: UInt32, near: Double, far: Double) = (0, 0, 0)
    /// Candidates passed over that way: the matches counted beside the top k are then a lower bound.
    private(set) var passedOver = 0
    /// Set by the top-k loop for a phrase rare beside the others (a phrase in the titles): its block
    /// bound at a match ends there, so that the windows after it do not carry its bound, which the
    /// other phrases' floors would subtract (`"une ligne"` over every field: 0.69 of the
    /// instructions). A common phrase would only split the windows at each of its matches.
    var boundsEndAtMatches = false

    /// `groups[i]` is the first word with the same terms as word i (i itself when none is before it);
    /// `sharing`, the types of occurrences when groups share terms (`OccurrenceAssignment.types`).
    init(words: [FieldTermScorer], offsets: [Int], slop: Int?, ordered: Bool = false, groups: [Int], sharing: [UInt64]?, weight: FieldWeight,
         reader: IndexReader) {
        precondition(groups.count == words.count && groups.indices.allSatisfy { groups[$0] <= $0 && groups[groups[$0]] == groups[$0] })
        precondition(!ordered || (slop != nil && sharing == nil))
        self.words = words
        self.offsets = offsets
        self.slop = slop
        self.ordered = ordered
        self.groups = groups
        // Only a proximity search counts occurrences: an exact phrase allocates none of this.
        func buffer<Element>(_ count: Int) -> UnsafeMutableBufferPointer<Element> {
            slop == nil || count == 0 ? UnsafeMutableBufferPointer(start: nil, count: 0) : .allocate(capacity: count)
        }
        needs = buffer(words.count)
        needs.initialize(repeating: 0)
        for group in groups where slop != nil { needs[group] += 1 }
        counts = buffer(words.count)
        counts.initialize(repeating: 0)
        occurrences = buffer(0)
        runBounds = buffer(words.count + 1)
        nextOccurrences = ordered ? .allocate(capacity: words.count) : buffer(0)
        assignment = slop == nil ? nil : sharing.map { OccurrenceAssignment(masks: $0, groups: groups) }
        self.weight = weight
        self.reader = reader
        lengths = reader.lengths(field: weight.field)
        conjunction = ConjunctionScorer(words)
        buffers = .allocate(capacity: words.count)
        _ = buffers.initialize(from: words.map { _ in PositionBuffer() })
        borrowedWords = borrowedBuffer(words)
        order = .allocate(capacity: words.count)
        _ = order.initialize(from: words.indices)
        frequencies = .allocate(capacity: words.count)
        frequencies.initialize(repeating: 0)
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        buffers.deallocate()
        starts.deallocate()
        borrowedWords.deallocate()
        order.deallocate()
        frequencies.deallocate()
        needs.deallocate()
        counts.deallocate()
        occurrences.deallocate()
        runBounds.deallocate()
        nextOccurrences.deallocate()
    }

    override var cost: Int { conjunction.cost }

    /// The word whose frequency bounds the phrase's: for an exact phrase any word would do (each match
    /// uses its own occurrence of each), and the rarest is the cheapest to read bounds for and usually
    /// the tightest; for a sloppy one only the first (its matches are counted at the first word's
    /// occurrences). A phrase's score is then at most that word's score at the same frequency and
    /// length, times the ratio of their idfs and boosts: the formulas differ in nothing else.
    private lazy var boundingWord: FieldTermScorer = slop == nil ? words.min { $0.cost < $1.cost }! : words[0]

    /// The phrase's score over the bounding word's, at the same frequency and length.
    private var ratio: Double {
        let wordScale = boundingWord.weight.maximum
        return wordScale > 0 ? weight.maximum / wordScale : .infinity
    }

    override var maxScore: Double { min(weight.maximum, ratio * boundingWord.maxScore) }

    override func blockBound(for target: UInt32) throws -> (end: UInt32, bound: Double) {
        let block = try boundingWord.blockBound(for: target)
        // On a match, when told so: its bound holds for that document only, and past it the phrase's
        // next match is still to be found (a bound of 0 until then, as a word past the target has).
        return (boundsEndAtMatches && doc == target ? target : block.end, min(weight.maximum, ratio * block.bound))
    }

    override func rewind() {
        conjunction.rewind()
        phraseFreq = 0
        competitive = (0, 0, 0)
        passedOver = 0
        boundsEndAtMatches = false
        doc = 0
    }

    /// Whether the words stand at `target` as the phrase asks: a phrase that only adds to the documents
    /// another clause finds (the proximity boost's pairs, `RequiredOptionalScorer`) checks each of them
    /// alone, as Lucene's two-phase iteration checks a candidate, instead of looking for its own next
    /// match. Its words are then that clause's own scorers, read where it left them and never moved
    /// here: at each of its matches, once scored, every word stands on the match or past it (a
    /// conjunction moves its words there, a union its fields, a quorum its clauses as it scores them),
    /// so one past the target is not on it. The postings are read once, not twice (and2 with the
    /// boost: 0.82 of the instructions of pairs with cursors of their own). `score()` and `explain`
    /// then hold for the target.
    func matches(at target: UInt32) throws -> Bool {
        doc = target
        phraseFreq = holdsWords(at: target) ? try matchesHere() : 0
        return phraseFreq > 0
    }

    /// A bound on the score at `target` from the words' frequencies there and the field's length, read
    /// before any position (as `cannotCompete` bounds it); 0 when a word is not there. The words stand
    /// as for `matches(at:)`.
    func bound(at target: UInt32) -> Double {
        guard holdsWords(at: target) else { return 0 }
        return weight.score(freq: Double(mostMatches), length: FieldTermScorer.length(lengths, target))
    }

    /// Whether every word stands at `target`, where another clause moved them (`matches(at:)`).
    private func holdsWords(at target: UInt32) -> Bool {
        for word in borrowedWords where word.with({ $0.doc }) != target { return false }
        return true
    }

    /// The most matches the phrase may have at the words' document: an exact phrase at most as many
    /// as its rarest word's occurrences (each match uses an occurrence of every word), a sloppy one as
    /// many as its first word's (its matches are counted there).
    private var mostMatches: UInt32 {
        var most = borrowedWords[0].with { $0.freq }
        if slop == nil {
            for index in 1..<borrowedWords.count { most = min(most, borrowedWords[index].with { $0.freq }) }
        }
        return most
    }

    override func next() throws -> UInt32 { try matching(conjunction.next()) }
    override func advance(to target: UInt32) throws -> UInt32 { try matching(conjunction.advance(to: target)) }

    /// The first document from `candidate` on where the words stand as the phrase asks.
    private func matching(_ candidate: UInt32) throws -> UInt32 {
        var current = candidate
        while current != Self.end {
            if cannotCompete(current) {
                passedOver += 1
                current = try conjunction.next()
                continue
            }
            phraseFreq = try matchesHere()
            if phraseFreq > 0 { break }
            current = try conjunction.next()
        }
        doc = current
        return doc
    }

    /// Whether the candidate's score stays under what it must reach even if the phrase matched as often
    /// as it can there (`mostMatches`). The frequencies and the length are at hand; the positions are
    /// not read.
    @inline(__always)
    private func cannotCompete(_ candidate: UInt32) -> Bool {
        let minimum = candidate <= competitive.through ? competitive.near : competitive.far
        guard minimum > 0 else { return false }
        return weight.score(freq: Double(mostMatches), length: FieldTermScorer.length(lengths, candidate)) < minimum
    }

    /// The phrase's matches in the current document, its words standing on it.
    @inline(__always)
    private func matchesHere() throws -> Int {
        guard let slop else { return try exactMatches() }
        return try ordered ? orderedMatches(slop: slop) : sloppyMatches(slop: slop)
    }

    /// The positions p of the first word from which each other word has an occurrence after the one
    /// before's, the last at most `count - 1 + slop` positions after p. Each word's nearest occurrence
    /// after the one before's ends the nearest run from p: if any run fits, it does. As p grows, so do
    /// those occurrences, so each word's positions are read once, in one pass. A match lies within the
    /// width of an occurrence of the rarest word, and so do the nearest occurrences it starts from:
    /// the other words' positions farther from all of those are never read, as in `sloppyMatches`.
    /// Never inlined: inlined into `matching`, it changed what the compiler inlined there (the
    /// conjunction's alignment no longer was), and every exact phrase took 0.7% more instructions.
    @inline(never)
    private func orderedMatches(slop: Int) throws -> Int {
        let width = words.count - 1 + slop
        var rarest = 0
        for index in words.indices {
            frequencies[index] = borrowedWords[index].with { $0.freq }
            if frequencies[index] < frequencies[rarest] { rarest = index }
            nextOccurrences[index] = 0
        }
        try borrowedWords[rarest].with { try $0.positions(into: &buffers[rarest]) }
        let anchors = buffers[rarest].positions
        for index in words.indices where index != rarest {
            try borrowedWords[index].with { try $0.positions(near: anchors, width: UInt32(width), into: &buffers[index]) }
        }
        var matches = 0
        starts: for start in buffers[0].positions {
            var previous = start
            for index in 1..<words.count {
                let positions = buffers[index].positions
                var next = nextOccurrences[index]
                while next < positions.count && positions[next] <= previous { next += 1 }
                nextOccurrences[index] = next
                // No occurrence after the one before's: none for a later start either.
                guard next < positions.count else { break starts }
                previous = positions[next]
                if Int(previous) - Int(start) > width { continue starts }
            }
            matches += 1
        }
        return matches
    }

    /// The number of positions p where word i stands at p + offsets[i] for every i. The words are
    /// read rarest first (in this document), and reading stops once no start is left: frequent words'
    /// positions are often never decoded.
    private func exactMatches() throws -> Int {
        // Insertion sort by frequency in this document: phrases have a handful of words.
        for k in words.indices { frequencies[k] = borrowedWords[k].with { $0.freq } }
        insertionSort(order, by: frequencies)
        // The rarest word's positions become the starts in place: less its offset, those before the
        // field's start dropped (they come first).
        try borrowedWords[order[0]].with { try $0.positions(into: &starts) }
        let shift = offsets[order[0]]
        if shift > 0 {
            var dropped = 0
            while dropped < starts.count && Int(starts.base[dropped]) < shift { dropped += 1 }
            for index in dropped..<starts.count { starts.base[index - dropped] = UInt32(Int(starts.base[index]) - shift) }
            starts.count -= dropped
        }
        for index in order.dropFirst() {
            guard starts.count > 0 else { return 0 }
            let count = starts.count
            starts.count = try borrowedWords[index].with {
                try $0.retainStarts(starts.base, count: count, shift: UInt32(offsets[index]), scratch: &buffers[index])
            }
        }
        return starts.count
    }

    /// Positions p of the first word for which some window of `count - 1 + slop` positions holds p and,
    /// for every group of words, as many of its occurrences as it has words. Each distinct word's
    /// positions are read once and merged in position order; a sweep finds, for each occurrence, the
    /// shortest run from it that holds every group enough times. Where that run fits in the window,
    /// the windows holding it are those that start from its end less the width up to its start, and
    /// the positions p they hold run from its end less the width to its start plus the width. Those
    /// bounds only grow from one run to the next, so one pass over the first word's positions counts
    /// them: linear in the occurrences (after the merge), whatever the phrase's length.
    private func sloppyMatches(slop: Int) throws -> Int {
        var missing = 0, rarest = 0
        for index in words.indices where groups[index] == index {
            frequencies[index] = borrowedWords[index].with { $0.freq }
            if Int(frequencies[index]) < Int(needs[index]) { return 0 }
            if frequencies[index] < frequencies[rarest] { rarest = index }
            counts[index] = 0
            missing += 1
        }
        let width = words.count - 1 + slop
        // Every window that holds all the groups holds an occurrence of the rarest one, and lies within
        // the width of it: the other groups' occurrences farther from all of them are never read (a
        // common word's, in a long document, are most of its positions). The first word's positions
        // left out that way are in no such window either, so the windows' starts count the same.
        try borrowedWords[rarest].with { try $0.positions(into: &buffers[rarest]) }
        let anchors = buffers[rarest].positions
        var total = 0
        for index in words.indices where groups[index] == index {
            if index != rarest {
                try borrowedWords[index].with { try $0.positions(near: anchors, width: UInt32(width), into: &buffers[index]) }
            }
            if buffers[index].count < Int(needs[index]) { return 0 }
            total += buffers[index].count
        }
        if occurrences.count < 2 * total {
            occurrences.deallocate()
            occurrences = .allocate(capacity: max(2 * total, 2 * occurrences.count))
        }
        var filled = 0, runs = 0
        for index in words.indices where groups[index] == index {
            runBounds[runs] = filled
            runs += 1
            for position in buffers[index].positions {
                occurrences[filled] = UInt64(position) << 32 | UInt64(index)
                filled += 1
            }
        }
        runBounds[runs] = filled
        let merged = occurrences.baseAddress!
        mergeRuns(merged, bounds: runBounds.baseAddress!, runs: runs, scratch: merged + filled)
        if let assignment { return try assignedMatches(merged, count: filled, width: width, assignment: assignment) }
        let first = buffers[0].positions
        var next = 0, right = 0, matches = 0
        for left in 0..<filled {
            while missing > 0 && right < filled {
                let group = Int(truncatingIfNeeded: merged[right] & 0xFFFF_FFFF)
                counts[group] += 1
                if counts[group] == needs[group] { missing -= 1 }
                right += 1
            }
            if missing > 0 { break }
            matches += countStarts(first, from: &next, run: Int(merged[left] >> 32), Int(merged[right - 1] >> 32), width: width)
            let group = Int(truncatingIfNeeded: merged[left] & 0xFFFF_FFFF)
            if counts[group] == needs[group] { missing += 1 }
            counts[group] -= 1
        }
        return matches
    }

    /// The first word's positions, from `next` on, that a window of `width` holding the run from
    /// `start` to `end` holds: none when the run is wider. Runs come in order of their start and end,
    /// so `next` only moves forward.
    @inline(__always)
    private func countStarts(_ first: UnsafeBufferPointer<UInt32>, from next: inout Int, run start: Int, _ end: Int, width: Int) -> Int {
        guard end - start <= width else { return 0 }
        var matches = 0
        while next < first.count && Int(first[next]) < end - width { next += 1 }
        while next < first.count && Int(first[next]) <= start + width {
            matches += 1
            next += 1
        }
        return matches
    }

    /// `sloppyMatches`'s sweep when words share terms. The merged occurrences (position << 32 | group)
    /// become one per position, tagged with its type (the words it can stand for); each run is the
    /// shortest from its start over which the assignment gives every word occurrences of its own.
    private func assignedMatches(_ merged: UnsafeMutablePointer<UInt64>, count: Int, width: Int,
                                 assignment: OccurrenceAssignment) throws -> Int {
        var positions = 0, index = 0
        while index < count {
            let position = merged[index] >> 32
            var mask: UInt64 = 0
            while index < count && merged[index] >> 32 == position {
                mask |= assignment.bit(ofGroup: Int(truncatingIfNeeded: merged[index] & 0xFFFF_FFFF))
                index += 1
            }
            merged[positions] = position << 32 | UInt64(assignment.type(of: mask))
            positions += 1
        }
        assignment.reset()
        let first = buffers[0].positions
        var next = 0, right = 0, matches = 0
        for left in 0..<positions {
            while !assignment.complete && right < positions {
                assignment.add(Int(truncatingIfNeeded: merged[right] & 0xFFFF_FFFF))
                right += 1
            }
            if !assignment.complete { break }
            matches += countStarts(first, from: &next, run: Int(merged[left] >> 32), Int(merged[right - 1] >> 32), width: width)
            assignment.remove(Int(truncatingIfNeeded: merged[left] & 0xFFFF_FFFF))
        }
        return matches
    }

    override func score() throws -> Double {
        weight.score(freq: Double(phraseFreq), length: FieldTermScorer.length(lengths, doc))
    }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        let name = reader.meta.fields[weight.field].name
        let label = words.map(\.label).joined(separator: " ")
        lines.append(String(format: "%.4f  %@:\"%@\"%@  phrase freq=%d idf=%.4f boost=%g length=%d avg=%.1f", try score(),
                            name, label, slop.map { "~\($0)" + (ordered ? " in order" : "") } ?? "", phraseFreq, weight.idf, weight.boost,
                            reader.length(field: weight.field, doc: doc), weight.averageLength))
    }
}
