import Indexer

/// Words at given offsets from each other in one field: exactly (`"a b c"`), or all within a window
/// of `count - 1 + slop` positions, in any order (`"a b"~N`). Scored as one term whose frequency is the
/// number of matches and whose idf is the sum of the words' (as Lucene scores phrases).
final class PhraseScorer: Scorer {
    let words: [FieldTermScorer]
    let offsets: [Int]
    let slop: Int?
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

    init(words: [FieldTermScorer], offsets: [Int], slop: Int?, weight: FieldWeight, reader: IndexReader) {
        self.words = words
        self.offsets = offsets
        self.slop = slop
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
        return (block.end, min(weight.maximum, ratio * block.bound))
    }

    override func rewind() {
        conjunction.rewind()
        phraseFreq = 0
        competitive = (0, 0, 0)
        passedOver = 0
        doc = 0
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
            phraseFreq = try slop.map(sloppyMatches) ?? exactMatches()
            if phraseFreq > 0 { break }
            current = try conjunction.next()
        }
        doc = current
        return doc
    }

    /// Whether the candidate's score stays under what it must reach even if the phrase matched as often
    /// as it can there: an exact phrase at most as often as its rarest word in the document (each match
    /// uses an occurrence of every word), a sloppy one as often as its first word (its matches are
    /// counted there). The frequencies and the length are at hand; the positions are not read.
    @inline(__always)
    private func cannotCompete(_ candidate: UInt32) -> Bool {
        let minimum = candidate <= competitive.through ? competitive.near : competitive.far
        guard minimum > 0 else { return false }
        var most = borrowedWords[0].with { $0.freq }
        if slop == nil {
            for index in 1..<borrowedWords.count { most = min(most, borrowedWords[index].with { $0.freq }) }
        }
        return weight.score(freq: Double(most), length: FieldTermScorer.length(lengths, candidate)) < minimum
    }

    /// The number of positions p where word i stands at p + offsets[i] for every i. The words are
    /// read rarest first (in this document), and reading stops once no start is left: frequent words'
    /// positions are often never decoded.
    private func exactMatches() throws -> Int {
        // Insertion sort by frequency in this document: phrases have a handful of words.
        for k in words.indices { frequencies[k] = borrowedWords[k].with { $0.freq } }
        insertionSort(order, by: frequencies)
        try borrowedWords[order[0]].with { try $0.positions(into: &buffers[order[0]]) }
        let first = buffers[order[0]].positions
        let shift = offsets[order[0]]
        starts.reserve(first.count)
        starts.count = 0
        for position in first where Int(position) >= shift {
            starts.base[starts.count] = UInt32(Int(position) - shift)
            starts.count += 1
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

    /// Positions p of the first word for which some window of `count - 1 + slop` positions holds p
    /// and an occurrence of every other word.
    private func sloppyMatches(slop: Int) throws -> Int {
        for index in words.indices { try borrowedWords[index].with { try $0.positions(into: &buffers[index]) } }
        let width = words.count - 1 + slop
        func occurs(_ list: UnsafeBufferPointer<UInt32>, in range: ClosedRange<Int>) -> Bool {
            var low = 0, high = list.count
            while low < high {
                let middle = (low + high) / 2
                if Int(list[middle]) < range.lowerBound { low = middle + 1 } else { high = middle }
            }
            return low < list.count && Int(list[low]) <= range.upperBound
        }
        var count = 0
        for start in buffers[0].positions {
            let p = Int(start)
            for s in max(p - width, 0)...p where buffers.dropFirst().allSatisfy({ occurs($0.positions, in: s...(s + width)) }) {
                count += 1
                break
            }
        }
        return count
    }

    override func score() throws -> Double {
        weight.score(freq: Double(phraseFreq), length: FieldTermScorer.length(lengths, doc))
    }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        let name = reader.meta.fields[weight.field].name
        let label = words.map(\.label).joined(separator: " ")
        lines.append(String(format: "%.4f  %@:\"%@\"%@  phrase freq=%d idf=%.4f boost=%g length=%d avg=%.1f", try score(),
                            name, label, slop.map { "~\($0)" } ?? "", phraseFreq, weight.idf, weight.boost,
                            reader.length(field: weight.field, doc: doc), weight.averageLength))
    }
}
