import Indexer

/// A query clause evaluated document at a time, in increasing document order (as in Lucene and
/// tantivy): `next`, `advance(to:)`, and the current document's score.
class Scorer {
    static let end = PostingsCursor.end
    /// The current document: `end` when exhausted; undefined before the first `next`/`advance`.
    var doc: UInt32 = 0

    /// Documents it may match, for ordering conjunctions (rarest first).
    var cost: Int { 0 }
    /// No document scores more.
    var maxScore: Double { 0 }

    /// A bound on the score of every document from `target` to `end` (inclusive), from the block
    /// impacts where there are some; by default the global bound, good to the end.
    func blockBound(for target: UInt32) throws -> (end: UInt32, bound: Double) { (Self.end - 1, maxScore) }

    /// Back before its first document, for another pass (counting after a pruned top k, explaining a
    /// hit): cheaper than planning the query again.
    func rewind() { fatalError("abstract") }
    func next() throws -> UInt32 { fatalError("abstract") }
    func advance(to target: UInt32) throws -> UInt32 { fatalError("abstract") }
    func score() throws -> Double { fatalError("abstract") }
    /// One line per contribution to the current document's score, for `--explain`.
    func explain(into lines: inout [String], reader: IndexReader) throws {}
}

/// A reference that costs no reference counting, for the inner loops: whoever holds the object
/// strongly (the scorer tree) outlives every use.
struct Borrowed<Object: AnyObject> {
    private let reference: Unmanaged<Object>
    init(_ object: Object) { reference = .passUnretained(object) }

    /// Calls `body` with the object, which is neither retained nor released around the call.
    @inline(__always)
    func with<Result>(_ body: (Object) throws -> Result) rethrows -> Result {
        try reference._withUnsafeGuaranteedRef(body)
    }
}

/// Borrowed references in a buffer that is not reference-counted either (an array's would be, on
/// every loop over it). The owner deallocates it.
func borrowedBuffer<Object: AnyObject>(_ objects: [Object]) -> UnsafeMutableBufferPointer<Borrowed<Object>> {
    let buffer = UnsafeMutableBufferPointer<Borrowed<Object>>.allocate(capacity: objects.count)
    // In place: mapping to an array first would allocate it only to copy it here.
    for (index, object) in objects.enumerated() { (buffer.baseAddress! + index).initialize(to: Borrowed(object)) }
    return buffer
}

/// Orders `order` (indices into `keys`) by increasing key. An insertion sort: a query's clauses or a
/// phrase's words are a handful, and often still in order from the call before.
@inline(__always)
func insertionSort<Key: Comparable>(_ order: UnsafeMutableBufferPointer<Int>, by keys: UnsafeMutableBufferPointer<Key>) {
    guard order.count > 1 else { return }
    for position in 1..<order.count {
        let moving = order[position]
        var slot = position
        while slot > 0 && keys[order[slot - 1]] > keys[moving] {
            order[slot] = order[slot - 1]
            slot -= 1
        }
        order[slot] = moving
    }
}

/// Merges increasing runs into one increasing list, two runs at a time (log₂ of the runs passes, each
/// linear), where a sort would compare its way through what is already in order. The runs lie end to
/// end in `values`, starting at `bounds[0] = 0, bounds[1], …` with `bounds[runs]` the end; `bounds` is
/// overwritten, and `scratch` has room for every value. The merged list ends in `values`.
func mergeRuns<Element: Comparable>(_ values: UnsafeMutablePointer<Element>, bounds: UnsafeMutablePointer<Int>, runs: Int,
                                    scratch: UnsafeMutablePointer<Element>) {
    var runs = runs
    var source = values, target = scratch
    while runs > 1 {
        let end = bounds[runs]
        var merged = 0
        for run in stride(from: 0, to: runs, by: 2) {
            let low = bounds[run], middle = bounds[run + 1], high = run + 2 <= runs ? bounds[run + 2] : middle
            var left = low, right = middle, out = low
            while left < middle && right < high {
                if source[right] < source[left] {
                    target[out] = source[right]
                    right += 1
                } else {
                    target[out] = source[left]
                    left += 1
                }
                out += 1
            }
            (target + out).update(from: source + left, count: middle - left)
            (target + out + middle - left).update(from: source + right, count: high - right)
            bounds[merged] = low
            merged += 1
        }
        bounds[merged] = end
        runs = merged
        swap(&source, &target)
    }
    if source != values { values.update(from: source, count: bounds[runs]) }
}

/// Matches nothing: a word the index never saw.
final class EmptyScorer: Scorer {
    override func rewind() { doc = 0 }
    override func next() throws -> UInt32 { doc = Self.end; return doc }
    override func advance(to target: UInt32) throws -> UInt32 { doc = Self.end; return doc }
    override func score() throws -> Double { 0 }
}

/// Every document, each with the same score (`*:*`, Lucene's MatchAllDocsQuery: 1, times a boost).
final class AllScorer: Scorer {
    private let documentCount: UInt32
    private let constant: Double
    private var started = false

    init(documentCount: Int, score: Double) {
        self.documentCount = UInt32(documentCount)
        constant = score
    }

    override var cost: Int { Int(documentCount) }
    override var maxScore: Double { constant }

    override func rewind() {
        started = false
        doc = 0
    }

    override func next() throws -> UInt32 {
        if !started {
            started = true
            doc = 0
        } else if doc != Self.end {
            doc += 1
        }
        if doc >= documentCount { doc = Self.end }
        return doc
    }

    override func advance(to target: UInt32) throws -> UInt32 {
        if !started || doc < target {
            started = true
            doc = target < documentCount ? target : Self.end
        }
        return doc
    }

    override func score() throws -> Double { constant }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        lines.append(String(format: "%.4f  every document (*:*)", constant))
    }
}

/// The documents of a set, each with the same score: a subclass says which of its documents comes
/// first from a given one.
class ConstantScoreScorer: Scorer {
    let constant: Double
    private var started = false

    init(score: Double) { constant = score }

    override var maxScore: Double { constant }

    override func rewind() {
        started = false
        doc = 0
    }

    override func next() throws -> UInt32 {
        try advance(to: started ? (doc == Self.end ? doc : doc + 1) : 0)
    }

    override func advance(to target: UInt32) throws -> UInt32 {
        if started && doc >= target { return doc }
        started = true
        doc = firstMatch(from: target) ?? Self.end
        return doc
    }

    override func score() throws -> Double { constant }

    /// The first document of the set at or after `doc`, or nil.
    func firstMatch(from doc: UInt32) -> UInt32? { fatalError("abstract") }
}

/// One document: what `--like` leaves out of the documents like it.
final class OneDocumentScorer: ConstantScoreScorer {
    let target: UInt32

    init(doc: UInt32) {
        target = doc
        super.init(score: 0)
    }

    override var cost: Int { 1 }

    override func firstMatch(from doc: UInt32) -> UInt32? { doc <= target ? target : nil }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        lines.append("the document searched like")
    }
}

/// Every document with a word in a field (`title:*`), from the field's lengths: a document without
/// one has a length of 0.
final class FieldExistsScorer: ConstantScoreScorer {
    private let lengths: UnsafeRawPointer
    private let documentCount: UInt32
    private let name: String
    private let documentsWithField: Int
    /// Held so that the mapped lengths outlive the scorer.
    private let reader: IndexReader

    init(reader: IndexReader, field: Int, lengths: UnsafeRawPointer, score: Double) {
        self.reader = reader
        self.lengths = lengths
        documentCount = UInt32(reader.documentCount)
        name = reader.meta.fields[field].name
        documentsWithField = Int(reader.meta.fields[field].documentsWithField)
        super.init(score: score)
    }

    override var cost: Int { documentsWithField }

    override func firstMatch(from doc: UInt32) -> UInt32? {
        var candidate = doc
        while candidate < documentCount && lengths.loadUnaligned(fromByteOffset: Int(candidate) * 4, as: UInt32.self) == 0 { candidate += 1 }
        return candidate < documentCount ? candidate : nil
    }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        lines.append(String(format: "%.4f  a word in %@ (%@:*)", constant, name, name))
    }
}

/// One query word in one field: the union of its alternative terms' posting lists (the spellings its
/// folded form was indexed under, or a prefix's expansions), scored as one term: frequencies add up,
/// and the idf is that of the most frequent alternative (Lucene's SynonymQuery).
final class FieldTermScorer: Scorer {
    let weight: FieldWeight
    /// The word as the query wrote it (folded), or its pattern.
    private let typed: String
    /// The terms the word searches, some perhaps absent from the field: for `explain`.
    private let terms: [String]
    /// One per term found in the field.
    let cursors: [PostingsCursor]
    /// Held so that the mapped files `lengths` and the cursors read from outlive the scorer.
    private let reader: IndexReader
    private let totalCost: Int
    private var started = false

    /// The cursor when there is only one (the common case): no loops over alternatives.
    private let single: PostingsCursor?
    private let singleCursor: Borrowed<PostingsCursor>?
    /// The field's lengths, read in place.
    private let lengths: UnsafeRawPointer?
    /// With several terms (a word's spellings, a prefix's hundreds of expansions), their cursors in a
    /// min-heap on their documents, as Lucene's disjunctions keep theirs: moving on touches only the
    /// cursors that are behind, not every one. Empty with a single term.
    private let heap: UnsafeMutableBufferPointer<Borrowed<PostingsCursor>>

    /// Over the cursors of the word's terms found in the field (at least one).
    init(weight: FieldWeight, cursors: [PostingsCursor], terms: [String], label: String, reader: IndexReader) {
        self.weight = weight
        self.terms = terms
        self.cursors = cursors
        single = cursors.count == 1 ? cursors[0] : nil
        singleCursor = single.map(Borrowed.init)
        heap = cursors.count > 1 ? borrowedBuffer(cursors) : UnsafeMutableBufferPointer(start: nil, count: 0)
        lengths = reader.lengths(field: weight.field)
        typed = label
        self.reader = reader
        totalCost = cursors.reduce(0) { $0 + $1.docFreq }
    }

    /// The word as typed, an exact word with its `=` (a phrase's words are labelled by their spellings
    /// alone, which cost nothing to find). Read by `explain` alone.
    var label: String { !typed.hasPrefix("=") && terms.count == 1 && ExactForm.isExact(terms[0]) ? ExactForm.shown(terms[0]) : typed }

    deinit {
        heap.deallocate()
        runBounds?.deallocate()
        mergeScratch?.deallocate()
    }

    override var cost: Int { totalCost }

    /// The index's documents.
    var documentCount: Int { reader.documentCount }

    override func rewind() {
        for cursor in cursors { cursor.rewind() }
        started = false
        doc = 0
    }

    /// Bounds from the impacts, read when first needed: the term's (its frontier, stored with its
    /// postings) and the tail's. Only for a single term: alternatives add up (their bound is the
    /// weight's saturation limit).
    private var maximum: Double?
    private var tailBound: Double?

    @inline(__always)
    static func length(_ lengths: UnsafeRawPointer?, _ doc: UInt32) -> UInt32 {
        guard let lengths else { return 0 }
        return UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: Int(doc) &* 4, as: UInt32.self))
    }

    override var maxScore: Double {
        if let maximum { return maximum }
        let bound = (try? computeMaximum()) ?? weight.maximum
        maximum = bound
        return bound
    }

    private func computeMaximum() throws -> Double {
        guard let single else { return weight.maximum }
        let weight = self.weight
        var best = 0.0
        if try single.forEachTermImpact({ best = max(best, weight.score(freq: Double($0), length: $1)) }) { return best }
        // Too short to have a frontier: all of it is the tail.
        return try tail(single)
    }

    private func tail(_ cursor: PostingsCursor) throws -> Double {
        if let tailBound { return tailBound }
        let weight = self.weight, lengths = self.lengths
        var best = 0.0
        if try !cursor.forEachTailImpact({ best = max(best, weight.score(freq: Double($0), length: $1)) }) {
            try cursor.forEachTailPosting { doc, freq in
                best = max(best, weight.score(freq: Double(freq), length: Self.length(lengths, doc)))
            }
        }
        tailBound = best
        return best
    }

    /// The block bound last asked for and the documents it holds for: conjunctions ask again at every
    /// candidate until one passes the end of some clause's block.
    private var lastBlock: (documents: ClosedRange<UInt32>, bound: Double)?

    override func blockBound(for target: UInt32) throws -> (end: UInt32, bound: Double) {
        // Already past the target: no document of it lies between the two, since a clause only moves
        // to the first document at or after a target, and its targets only grow. A sparse clause (a
        // word in the titles) then adds nothing to the bound until its next document.
        if doc > target { return (doc - 1, 0) }
        guard let single else { return (Self.end - 1, weight.maximum) }
        if let lastBlock, lastBlock.documents.contains(target) { return (lastBlock.documents.upperBound, lastBlock.bound) }
        let weight = self.weight
        var best = 0.0
        let block: (documents: ClosedRange<UInt32>, bound: Double)
        if let documents = try single.forEachBlockImpact(containing: target, { best = max(best, weight.score(freq: Double($0), length: $1)) }) {
            block = (documents, best)
        } else {
            block = (try single.tailStart()...(Self.end - 1), try tail(single))
        }
        lastBlock = block
        return (block.documents.upperBound, block.bound)
    }

    // Forced: past a few callers, the compiler stops inlining it into the top-k loops.
    @inline(__always)
    override func next() throws -> UInt32 {
        if let singleCursor {
            doc = try singleCursor.with { try $0.next() }
            return doc
        }
        if !started {
            started = true
            for cursor in heap { _ = try cursor.with { try $0.next() } }
            heapify()
        } else if doc != Self.end {
            // Every cursor on the current document moves on; they are at the top.
            let current = doc
            while heapDoc(0) == current {
                _ = try heap[0].with { try $0.next() }
                siftDown(0)
            }
        }
        doc = heapDoc(0)
        return doc
    }

    override func advance(to target: UInt32) throws -> UInt32 {
        if let singleCursor {
            doc = try singleCursor.with { try $0.advance(to: target) }
            return doc
        }
        if !started {
            started = true
            for cursor in heap { _ = try cursor.with { try $0.advance(to: target) } }
            heapify()
        } else {
            while heapDoc(0) < target {
                _ = try heap[0].with { try $0.advance(to: target) }
                siftDown(0)
            }
        }
        doc = heapDoc(0)
        return doc
    }

    var freq: UInt32 {
        if let singleCursor { return singleCursor.with { $0.freq } }
        return freqs(below: 0)
    }

    /// The frequencies of the heap's cursors on the current document from `slot` down: those on it
    /// lie at the top, each below another on it. (Wrapping: a damaged index gives a wrong score, not a
    /// trap.)
    private func freqs(below slot: Int) -> UInt32 {
        guard slot < heap.count, heapDoc(slot) == doc else { return 0 }
        return heap[slot].with { $0.freq } &+ freqs(below: 2 * slot + 1) &+ freqs(below: 2 * slot + 2)
    }

    @inline(__always)
    private func heapDoc(_ slot: Int) -> UInt32 { heap[slot].with { $0.doc } }

    private func heapify() {
        for slot in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(slot) }
    }

    /// Moves the cursor at `slot` down to where its document keeps the heap in order.
    private func siftDown(_ slot: Int) {
        let moving = heap[slot]
        let key = moving.with { $0.doc }
        var hole = slot
        while true {
            var child = 2 * hole + 1
            guard child < heap.count else { break }
            if child + 1 < heap.count && heapDoc(child + 1) < heapDoc(child) { child += 1 }
            guard heapDoc(child) < key else { break }
            heap[hole] = heap[child]
            hole = child
        }
        heap[hole] = moving
    }

    override func score() throws -> Double {
        weight.score(freq: Double(freq), length: Self.length(lengths, doc))
    }

    /// The current document's positions over all alternatives, increasing: all of them, or at least
    /// those up to `limit`.
    func positions(into output: inout PositionBuffer, upTo limit: UInt32 = .max) throws {
        if let singleCursor {
            try singleCursor.with { cursor in
                output.reserve(Int(cursor.freq))
                output.count = try cursor.decodePositions(into: output.base, upTo: limit)
            }
            return
        }
        try mergedPositions(into: &output) { cursor, base in try cursor.decodePositions(into: base) }
    }

    /// The alternatives' positions in the current document, as `read` writes each cursor's (at most
    /// its frequency), merged in order.
    private func mergedPositions(into output: inout PositionBuffer,
                                 _ read: (PostingsCursor, UnsafeMutablePointer<UInt32>) throws -> Int) throws {
        output.reserve(Int(freq))
        output.count = 0
        let bounds = runBounds ?? .allocate(capacity: cursors.count + 1)
        runBounds = bounds
        var runs = 0
        for cursor in cursors where cursor.doc == doc {
            bounds[runs] = output.count
            output.count += try read(cursor, output.base + output.count)
            runs += 1
        }
        bounds[runs] = output.count
        if mergeScratch == nil { mergeScratch = PositionBuffer(capacity: output.count) }
        mergeScratch!.reserve(output.count)
        mergeRuns(output.base, bounds: bounds.baseAddress!, runs: runs, scratch: mergeScratch!.base)
    }

    /// The current document's positions within `width` of one of the increasing `anchors`, over all
    /// alternatives, increasing.
    func positions(near anchors: UnsafeBufferPointer<UInt32>, width: UInt32, into output: inout PositionBuffer) throws {
        if let singleCursor {
            try singleCursor.with { cursor in
                output.reserve(Int(cursor.freq))
                output.count = try cursor.positionsNear(anchors, width: width, into: output.base)
            }
            return
        }
        try mergedPositions(into: &output) { cursor, base in try cursor.positionsNear(anchors, width: width, into: base) }
    }

    /// The terms' runs of positions and room to merge them, allocated when positions are first read.
    private var runBounds: UnsafeMutableBufferPointer<Int>?
    private var mergeScratch: PositionBuffer?

    /// Keeps, of the increasing `starts[0..<count]`, those s with s + `shift` among the current
    /// document's positions (moved to the front, in order); returns how many. `scratch` holds merged
    /// positions when the word has several terms.
    func retainStarts(_ starts: UnsafeMutablePointer<UInt32>, count: Int, shift: UInt32, scratch: inout PositionBuffer) throws -> Int {
        if let singleCursor {
            return try singleCursor.with { try $0.retainStarts(starts, count: count, shift: shift) }
        }
        guard count > 0 else { return 0 }
        try positions(into: &scratch, upTo: starts[count - 1] + shift)
        let list = scratch.positions
        var kept = 0, cursor = 0
        for k in 0..<count {
            let wanted = starts[k] + shift
            while cursor < list.count && list[cursor] < wanted { cursor += 1 }
            if cursor == list.count { break }
            if list[cursor] == wanted {
                starts[kept] = starts[k]
                kept += 1
            }
        }
        return kept
    }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        let length = reader.length(field: weight.field, doc: doc)
        let name = reader.meta.fields[weight.field].name
        lines.append(String(format: "%.4f  %@:%@  tf=%d idf=%.4f boost=%g length=%d avg=%.1f", try score(),
                            name, try searchedTerms(reader), freq, weight.idf, weight.boost, length, weight.averageLength))
    }

    /// The index's terms the document holds of those the word searched, then the word as written
    /// when it differs (`des (desir)`: a stem, or a spelling typed without its accents, can join words
    /// a reader would not expect); past a few terms, their count.
    private func searchedTerms(_ reader: IndexReader) throws -> String {
        // The cursors follow the terms found in the field, in order.
        let found = try terms.filter { try reader.termInfo(field: weight.field, term: $0) != nil }
        let held = zip(found, cursors).filter { $0.1.doc == doc }.map { ExactForm.shown($0.0) }
        guard held.count <= 4 else { return "\(label) (\(held.count) terms)" }
        let shown = held.joined(separator: "|")
        return shown == label ? label : "\(shown) (\(label))"
    }
}

/// Any of its clauses; the score is the sum of the matching clauses' scores.
final class DisjunctionScorer: Scorer {
    let scorers: [Scorer]
    private let children: UnsafeMutableBufferPointer<Borrowed<Scorer>>
    private var started = false

    init(_ scorers: [Scorer]) {
        self.scorers = scorers
        children = borrowedBuffer(scorers)
    }

    deinit { children.deallocate() }

    override var cost: Int { scorers.reduce(0) { $0 + $1.cost } }
    override var maxScore: Double { scorers.reduce(0) { $0 + $1.maxScore } }

    override func blockBound(for target: UInt32) throws -> (end: UInt32, bound: Double) {
        try sumOfBounds(children, for: target)
    }

    private func settle() {
        var lowest = Self.end
        for child in children {
            let current = child.with { $0.doc }
            if current < lowest { lowest = current }
        }
        doc = lowest
    }

    override func rewind() {
        for scorer in scorers { scorer.rewind() }
        started = false
        doc = 0
    }

    override func next() throws -> UInt32 {
        if !started {
            started = true
            for child in children { _ = try child.with { try $0.next() } }
        } else {
            let current = doc
            for child in children { try child.with { if $0.doc == current { _ = try $0.next() } } }
        }
        settle()
        return doc
    }

    override func advance(to target: UInt32) throws -> UInt32 {
        if !started {
            started = true
            for child in children { _ = try child.with { try $0.advance(to: target) } }
        } else {
            for child in children { try child.with { if $0.doc < target { _ = try $0.advance(to: target) } } }
        }
        settle()
        return doc
    }

    override func score() throws -> Double {
        var total = 0.0
        let current = doc
        for child in children { total += try child.with { $0.doc == current ? try $0.score() : 0 } }
        return total
    }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        for scorer in scorers where scorer.doc == doc { try scorer.explain(into: &lines, reader: reader) }
    }
}

/// At least `minimum` of its clauses (Sphinx's quorum, Lucene's minimum number of should clauses),
/// scored as their sum. A match holds `minimum` clauses, so it holds one of any `count - minimum + 1`
/// of them: the union of that many of the rarest leads, and the others, the commonest, only skip to
/// its documents to count them (as Lucene's MinShouldMatchSumScorer), which stops as soon as the
/// clauses left cannot make up the count.
final class QuorumScorer: Scorer, LeadFirstMatches {
    /// Every clause, the rarest first.
    let scorers: [Scorer]
    let minimum: Int
    private let lead: Scorer
    /// The leading clauses (the lead's own, or the lead alone), and the others: borrowed, so that the
    /// loops over them, at every candidate, count no references.
    private let leading: UnsafeMutableBufferPointer<Borrowed<Scorer>>
    private let tail: UnsafeMutableBufferPointer<Borrowed<Scorer>>
    /// Whether each tail clause has moved yet: one that has not stands at no document.
    private let moved: UnsafeMutableBufferPointer<Bool>

    /// The share of the lead's documents that should hold the quorum, as if the clauses were
    /// independent: a document of one leading clause needs `minimum - 1` more, every tail clause, each
    /// as likely as its share of the documents.
    let matchRate: Double

    /// `documentCount`: the index's, which the clauses' costs are shares of.
    init(_ scorers: [Scorer], minimum: Int, documentCount: Int) {
        self.scorers = scorers.sorted { $0.cost < $1.cost }
        self.minimum = minimum
        let leadCount = scorers.count - minimum + 1
        leading = borrowedBuffer(Array(self.scorers.prefix(leadCount)))
        tail = borrowedBuffer(Array(self.scorers.dropFirst(leadCount)))
        lead = leadCount == 1 ? self.scorers[0] : DisjunctionScorer(Array(self.scorers.prefix(leadCount)))
        moved = .allocate(capacity: tail.count)
        moved.initialize(repeating: false)
        let documents = Double(max(documentCount, 1))
        matchRate = self.scorers.dropFirst(leadCount).reduce(1) { $0 * min(Double($1.cost) / documents, 1) }
    }

    deinit {
        leading.deallocate()
        tail.deallocate()
        moved.deallocate()
    }

    override var cost: Int { scorers.prefix(leading.count).reduce(0) { $0 + $1.cost } }
    override var maxScore: Double { scorers.reduce(0) { $0 + $1.maxScore } }

    override func blockBound(for target: UInt32) throws -> (end: UInt32, bound: Double) {
        let bounds = try blockBounds(for: target)
        return (bounds.end, bounds.lead + bounds.others)
    }

    override func rewind() {
        lead.rewind()
        for clause in tail { clause.with { $0.rewind() } }
        moved.update(repeating: false)
        doc = 0
    }

    override func next() throws -> UInt32 {
        doc = try lead.next()
        return try settle()
    }

    override func advance(to target: UInt32) throws -> UInt32 {
        doc = try lead.advance(to: target)
        return try settle()
    }

    /// The tail clause `index` at the document or past it (one behind it moves now).
    @inline(__always)
    private func tailMatches(_ index: Int, _ doc: UInt32) throws -> Bool {
        try tail[index].with { clause in
            if !moved[index] || clause.doc < doc {
                moved[index] = true
                return try clause.advance(to: doc) == doc
            }
            return clause.doc == doc
        }
    }

    /// On from the lead's document to the first that `minimum` clauses match.
    private func settle() throws -> UInt32 {
        while doc != Self.end {
            let current = doc
            var matching = 0
            for clause in leading where clause.with({ $0.doc == current }) { matching += 1 }
            var index = 0
            while matching < minimum && matching + tail.count - index >= minimum {
                if try tailMatches(index, current) { matching += 1 }
                index += 1
            }
            if matching >= minimum { break }
            doc = try lead.next()
        }
        return doc
    }

    // The steps of `TopDocs.leadFirstConjunction` (`LeadFirstMatches`): the lead's documents are
    // candidates, tested against the k-th score before the tail clauses move to them.

    func firstCandidate() throws -> UInt32 { try lead.next() }
    func nextCandidate(after doc: UInt32) throws -> UInt32 { try lead.next() }
    func candidate(advancingTo target: UInt32) throws -> UInt32 { try lead.advance(to: target) }

    /// From the lead's document `candidate` on, as `next()` settles.
    func match(from candidate: UInt32) throws -> UInt32 {
        doc = candidate
        return try settle()
    }

    /// The leading clauses' scores on the lead's document `candidate`, added as `score()` adds them.
    func leadScore(_ candidate: UInt32) throws -> Double {
        var total = 0.0
        for clause in leading { total += try clause.with { $0.doc == candidate ? try $0.score() : 0 } }
        return total
    }

    func score(_ doc: UInt32) throws -> Double { try score() }

    /// `score()` with the leading clauses' part known (`leadScore`): the same sum in the same order.
    func score(_ doc: UInt32, lead: Double) throws -> Double {
        var total = lead
        for index in tail.indices where try tailMatches(index, doc) { total += try tail[index].with { try $0.score() } }
        return total
    }

    /// The leading clauses' bound and the tail's over the documents from `target` where all their
    /// blocks overlap.
    func blockBounds(for target: UInt32) throws -> (end: UInt32, lead: Double, others: Double) {
        let leading = try sumOfBounds(self.leading, for: target), tail = try sumOfBounds(self.tail, for: target)
        return (min(leading.end, tail.end), leading.bound, tail.bound)
    }

    /// Calls `body` with each clause at the document: settling may have left tail clauses behind it,
    /// once the count was made; they move there now.
    private func forEachMatching(_ body: (Scorer) throws -> Void) throws {
        let current = doc
        for clause in leading { try clause.with { if $0.doc == current { try body($0) } } }
        for index in tail.indices where try tailMatches(index, current) { try tail[index].with(body) }
    }

    override func score() throws -> Double { try score(doc, lead: leadScore(doc)) }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        try forEachMatching { try $0.explain(into: &lines, reader: reader) }
    }
}

/// All of its clauses: the rarest leads and the others skip to it (leapfrog). The score is the sum.
final class ConjunctionScorer: Scorer {
    let scorers: [Scorer]
    private let children: UnsafeMutableBufferPointer<Borrowed<Scorer>>
    private let lead: Borrowed<Scorer>

    init(_ scorers: [Scorer]) {
        self.scorers = scorers.sorted { $0.cost < $1.cost }
        children = borrowedBuffer(self.scorers)
        lead = children[0]
    }

    deinit { children.deallocate() }

    override var cost: Int { scorers.first?.cost ?? 0 }
    override var maxScore: Double { scorers.reduce(0) { $0 + $1.maxScore } }

    override func blockBound(for target: UInt32) throws -> (end: UInt32, bound: Double) {
        try sumOfBounds(children, for: target)
    }

    override func rewind() {
        for scorer in scorers { scorer.rewind() }
        doc = 0
    }

    override func next() throws -> UInt32 { try align(lead.with { try $0.next() }) }
    override func advance(to target: UInt32) throws -> UInt32 { try align(lead.with { try $0.advance(to: target) }) }

    private func align(_ candidate: UInt32) throws -> UInt32 {
        var target = candidate
        var index = 1
        while target != Self.end && index < children.count {
            let child = children[index]
            let found = try child.with { try $0.advance(to: target) }
            if found == target {
                index += 1
            } else {
                target = try lead.with { try $0.advance(to: found) }
                index = 1
            }
        }
        doc = target
        return doc
    }

    override func score() throws -> Double {
        var total = 0.0
        for child in children { total += try child.with { try $0.score() } }
        return total
    }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        for scorer in scorers { try scorer.explain(into: &lines, reader: reader) }
    }
}

/// The required clause's documents that the excluded clause does not match.
final class ExclusionScorer: Scorer {
    let required: Scorer
    let excluded: Scorer
    private var excludedStarted = false

    init(required: Scorer, excluded: Scorer) {
        self.required = required
        self.excluded = excluded
    }

    override var cost: Int { required.cost }
    override var maxScore: Double { required.maxScore }

    override func blockBound(for target: UInt32) throws -> (end: UInt32, bound: Double) {
        try required.blockBound(for: target)
    }

    override func rewind() {
        required.rewind()
        excluded.rewind()
        excludedStarted = false
        doc = 0
    }

    override func next() throws -> UInt32 { try skipExcluded(required.next()) }
    override func advance(to target: UInt32) throws -> UInt32 { try skipExcluded(required.advance(to: target)) }

    private func skipExcluded(_ candidate: UInt32) throws -> UInt32 {
        var current = candidate
        while current != Self.end {
            if !excludedStarted || excluded.doc < current {
                excludedStarted = true
                _ = try excluded.advance(to: current)
            }
            if excluded.doc != current { break }
            current = try required.next()
        }
        doc = current
        return doc
    }

    override func score() throws -> Double { try required.score() }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        try required.explain(into: &lines, reader: reader)
    }
}

/// A required clause's documents, scored with optional clauses that add to the scores where they match
/// too, never to the matches: counted as the required clause alone (`MatchCounter`), ranked by
/// `TopDocs.requiredOptional`. The optional clauses' methods are its subclasses'.
class OptionalSumScorer: Scorer {
    let required: Scorer

    init(required: Scorer) { self.required = required }

    override var cost: Int { required.cost }
    override var maxScore: Double { required.maxScore + optionalMaxScore }

    override func blockBound(for target: UInt32) throws -> (end: UInt32, bound: Double) {
        let (end, bound) = try required.blockBound(for: target)
        let optional = try optionalBlockBound(for: target)
        return (min(end, optional.end), bound + optional.bound)
    }

    override func rewind() {
        required.rewind()
        doc = 0
    }

    override func next() throws -> UInt32 {
        doc = try required.next()
        return doc
    }

    override func advance(to target: UInt32) throws -> UInt32 {
        doc = try required.advance(to: target)
        return doc
    }

    override func score() throws -> Double { try required.score() + optionalScore(doc) }

    /// No document gets more from the optional clauses.
    var optionalMaxScore: Double { fatalError("abstract") }
    /// The optional clauses' bound from `target` to `end`.
    func optionalBlockBound(for target: UInt32) throws -> (end: UInt32, bound: Double) { fatalError("abstract") }
    /// A bound on what the optional clauses may add to `doc`, a match of the required clause, before
    /// they are read there.
    func optionalBound(_ doc: UInt32) -> Double { fatalError("abstract") }
    /// What the optional clauses add to `doc`, a match of the required clause; `doc`s come in
    /// increasing order.
    func optionalScore(_ doc: UInt32) throws -> Double { fatalError("abstract") }
    /// The first document from `doc` on that an optional clause matches, whether the required one
    /// does or not, where the optional clauses can be read apart from it; nil where they cannot.
    func optionalCandidate(from doc: UInt32) throws -> UInt32? { fatalError("abstract") }
}

/// The required clause's documents, each scored with the optional phrases that match it too (Lucene's
/// ReqOptSumScorer): the phrases add to the scores, never to the matches, and are checked at those
/// documents alone (`PhraseScorer.matches(at:)`). What the proximity boost's pairs of words are beside
/// their query (`QueryPlanner.proximityPairs`).
final class RequiredOptionalScorer: OptionalSumScorer {
    let optional: [PhraseScorer]
    /// The optional phrases, borrowed for their block bounds.
    private let optionalClauses: UnsafeMutableBufferPointer<Borrowed<Scorer>>

    init(required: Scorer, optional: [PhraseScorer]) {
        self.optional = optional
        optionalClauses = borrowedBuffer(optional.map { $0 as Scorer })
        super.init(required: required)
    }

    deinit { optionalClauses.deallocate() }

    override var optionalMaxScore: Double { optional.reduce(0) { $0 + $1.maxScore } }

    override func optionalBlockBound(for target: UInt32) throws -> (end: UInt32, bound: Double) { try sumOfBounds(optionalClauses, for: target) }

    override func rewind() {
        super.rewind()
        for phrase in optional { phrase.rewind() }
    }

    /// Read before the phrases' positions (`PhraseScorer.bound(at:)`). Inlined into the top-k loop, as
    /// it was before that loop took either kind of optional clauses: a call at every document cost 1%
    /// of the proximity boost's conjunctions.
    @inline(__always)
    override func optionalBound(_ doc: UInt32) -> Double {
        var total = 0.0
        for phrase in optional { total += phrase.bound(at: doc) }
        return total
    }

    /// The phrases are read at the required clause's documents only, where it leaves their words.
    override func optionalCandidate(from doc: UInt32) throws -> UInt32? { nil }

    /// What the optional phrases that match `doc`, the current document, add to its score.
    override func optionalScore(_ doc: UInt32) throws -> Double {
        var total = 0.0
        for phrase in optional where try phrase.matches(at: doc) { total += try phrase.score() }
        return total
    }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        try required.explain(into: &lines, reader: reader)
        for phrase in optional where try phrase.matches(at: doc) { try phrase.explain(into: &lines, reader: reader) }
    }
}

/// The required clause's documents, each scored with the optional clause too where it matches
/// (Xapian's AND_MAYBE, Sphinx's MAYBE, Lucene's ReqOptSumScorer over any clause): `a MAYBE b` ranks
/// `a`'s documents that hold `b` higher, and finds no others. Several optional clauses are one union,
/// whose score is the sum of those that match.
final class AndMaybeScorer: OptionalSumScorer {
    let optional: Scorer
    /// Read once: the top-k loop asks for it at every document it cannot pass by its block.
    private let optionalBest: Double
    private var optionalStarted = false

    init(required: Scorer, optional: Scorer) {
        self.optional = optional
        optionalBest = optional.maxScore
        super.init(required: required)
    }

    override var optionalMaxScore: Double { optionalBest }

    override func optionalBlockBound(for target: UInt32) throws -> (end: UInt32, bound: Double) { try optional.blockBound(for: target) }

    /// Reading the optional clause costs what scoring it does: its best score is the bound.
    override func optionalBound(_ doc: UInt32) -> Double { optionalBest }

    override func rewind() {
        super.rewind()
        optional.rewind()
        optionalStarted = false
    }

    override func optionalScore(_ doc: UInt32) throws -> Double { try optionalMatches(doc) ? optional.score() : 0 }

    override func optionalCandidate(from doc: UInt32) throws -> UInt32? {
        _ = try optionalMatches(doc)
        return optional.doc
    }

    private func optionalMatches(_ doc: UInt32) throws -> Bool {
        if !optionalStarted || optional.doc < doc {
            optionalStarted = true
            _ = try optional.advance(to: doc)
        }
        return optional.doc == doc
    }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        try required.explain(into: &lines, reader: reader)
        if try optionalMatches(doc) { try optional.explain(into: &lines, reader: reader) }
    }
}

/// The bound of a sum of clauses over the documents where all their blocks overlap.
func sumOfBounds<Clause: Scorer>(_ scorers: UnsafeMutableBufferPointer<Borrowed<Clause>>, for target: UInt32) throws -> (end: UInt32, bound: Double) {
    var end = Scorer.end - 1
    var bound = 0.0
    for scorer in scorers {
        let block = try scorer.with { try $0.blockBound(for: target) }
        end = min(end, block.end)
        bound += block.bound
    }
    return (end, bound)
}
