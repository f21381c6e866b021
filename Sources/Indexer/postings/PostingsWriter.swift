/// Writes the final posting lists (docs/FORMAT.md, "postings.fts" and "positions.fts"), one term at a
/// time, documents in increasing order.
///
/// Per term: when it has at least 16 documents, its impact frontier; when it has full blocks of 128
/// documents, the byte length of its skip entries and a skip entry per full block (its last document,
/// the byte length of its doc/freq data, how many positions it has and the bytes of position blocks
/// they start, and its impact frontier), then the full blocks (document deltas and frequencies
/// bit-packed), then the remaining documents as variable-length integers, after their own frontier
/// when there are at least 16 and full blocks before them. The term's positions, as gaps within each document, go to positions.fts in blocks of 128
/// (patched bit-packing), the last ones as variable-length integers.
///
/// A value type so that its owner's hot loop pays no dynamic exclusivity checks.
struct PostingsWriter {
    private let postings: OutputFile
    private let positions: OutputFile
    /// Document lengths of the field being written, for the impacts.
    private var lengths: [UInt32] = []

    private var docs: [UInt32] = []
    private var freqs: [UInt32] = []
    private var skips = ByteWriter()
    private var blocks = ByteWriter()
    /// The frontiers of the full blocks so far, whose frontier bounds the term's.
    private var blockImpacts: [Impact] = []
    /// Position gaps not yet in a block, and the encoded blocks not yet written.
    private var positionGaps: [UInt32] = []
    private var positionBytes = ByteWriter()
    /// Bytes of the term's position blocks so far, and when the current document block started.
    private var positionBlockBytes = 0
    private var blockPositionBlockBytes = 0
    private var blockPositionCount = 0
    private var lastBlockDoc: Int64 = -1
    private var previousDoc: Int64 = -1
    private var docFreq = 0
    private var totalTermFreq = 0
    private var positionsOffset = 0
    private var deltas = [UInt32](repeating: 0, count: BitPacking.blockSize)
    private var scratch = [UInt32](repeating: 0, count: BitPacking.blockSize)

    init(postings: OutputFile, positions: OutputFile) {
        self.postings = postings
        self.positions = positions
        docs.reserveCapacity(BitPacking.blockSize)
        freqs.reserveCapacity(BitPacking.blockSize)
        positionGaps.reserveCapacity(BitPacking.blockSize)
    }

    /// Starts a term of the field whose document lengths are `lengths`.
    mutating func startTerm(lengths: [UInt32]) {
        self.lengths = lengths
        docs.removeAll(keepingCapacity: true)
        freqs.removeAll(keepingCapacity: true)
        skips.removeAll()
        blocks.removeAll()
        blockImpacts.removeAll(keepingCapacity: true)
        lastBlockDoc = -1
        previousDoc = -1
        docFreq = 0
        totalTermFreq = 0
        positionGaps.removeAll(keepingCapacity: true)
        positionBlockBytes = 0
        blockPositionBlockBytes = 0
        blockPositionCount = 0
        positionsOffset = positions.position
    }

    /// Adds a document with the term's positions in it (increasing, at least one).
    mutating func add(doc: UInt32, positions documentPositions: UnsafeBufferPointer<UInt32>) throws {
        var last: UInt32 = 0
        for position in documentPositions {
            try addGap(position - last)
            last = position
        }
        try addDocument(doc, freq: documentPositions.count)
    }

    /// Adds a document whose positions come as a run file holds them: `freq` gaps as variable-length
    /// integers.
    mutating func add(doc: UInt32, freq: Int, encodedPositions: UnsafeRawBufferPointer) throws {
        var reader = ByteReader(encodedPositions, file: FileFormat.Tag.run.fileName)
        for _ in 0..<freq { try addGap(UInt32(try reader.vint(max: Int(UInt32.max)))) }
        try addDocument(doc, freq: freq)
    }

    private mutating func addGap(_ gap: UInt32) throws {
        positionGaps.append(gap)
        guard positionGaps.count == BitPacking.blockSize else { return }
        let before = positionBytes.count
        positionGaps.withUnsafeBufferPointer { PatchedBitPacking.encode($0, into: &positionBytes) }
        positionBlockBytes += positionBytes.count - before
        positionGaps.removeAll(keepingCapacity: true)
        if positionBytes.count >= 1 << 16 {
            try positions.write(positionBytes)
            positionBytes.removeAll()
        }
    }

    private mutating func addDocument(_ doc: UInt32, freq: Int) throws {
        precondition(Int64(doc) > previousDoc && freq > 0)
        previousDoc = Int64(doc)
        docs.append(doc)
        freqs.append(UInt32(freq))
        docFreq += 1
        totalTermFreq += freq
        blockPositionCount += freq
        if docs.count == BitPacking.blockSize { try flushBlock() }
    }

    private mutating func flushBlock() throws {
        let blockStart = blocks.count
        var base = lastBlockDoc
        for index in 0..<BitPacking.blockSize {
            deltas[index] = UInt32(Int64(docs[index]) - base - 1)
            base = Int64(docs[index])
            scratch[index] = freqs[index] - 1
        }
        let docBits = deltas.withUnsafeBufferPointer { BitPacking.bitWidth($0) }
        let freqBits = scratch.withUnsafeBufferPointer { BitPacking.bitWidth($0) }
        blocks.u8(UInt8(docBits))
        blocks.u8(UInt8(freqBits))
        deltas.withUnsafeBufferPointer { BitPacking.pack($0, bits: docBits, into: &blocks) }
        scratch.withUnsafeBufferPointer { BitPacking.pack($0, bits: freqBits, into: &blocks) }

        let lastDoc = Int64(docs[BitPacking.blockSize - 1])
        skips.vint(UInt64(lastDoc - lastBlockDoc))
        skips.vint(blocks.count - blockStart)
        skips.vint(blockPositionCount)
        skips.vint(positionBlockBytes - blockPositionBlockBytes)
        let frontier = Impact.frontier(zip(docs, freqs).map { Impact(termFreq: $1, length: lengths[Int($0)]) })
        Impact.encode(frontier, into: &skips)
        blockImpacts += frontier
        lastBlockDoc = lastDoc
        blockPositionCount = 0
        blockPositionBlockBytes = positionBlockBytes
        docs.removeAll(keepingCapacity: true)
        freqs.removeAll(keepingCapacity: true)
    }

    /// Writes the term's data and returns its dictionary entry.
    mutating func finishTerm() throws -> TermInfo {
        for gap in positionGaps { positionBytes.vint(UInt64(gap)) }
        positionGaps.removeAll(keepingCapacity: true)
        try positions.write(positionBytes)
        positionBytes.removeAll()
        let tailImpacts = zip(docs, freqs).map { Impact(termFreq: $1, length: lengths[Int($0)]) }
        var head = ByteWriter()
        if docFreq >= Impact.storedMinimum { Impact.encode(Impact.frontier(blockImpacts + tailImpacts), into: &head) }
        var tail = ByteWriter()
        // Without full blocks, the term's frontier is the tail's.
        if docs.count >= Impact.storedMinimum && !blockImpacts.isEmpty { Impact.encode(Impact.frontier(tailImpacts), into: &tail) }
        var base = lastBlockDoc
        for (doc, freq) in zip(docs, freqs) {
            let delta = UInt64(Int64(doc) - base - 1)
            tail.vint(delta << 1 | (freq == 1 ? 1 : 0))
            if freq != 1 { tail.vint(UInt64(freq - 2)) }
            base = Int64(doc)
        }
        let info = TermInfo(docFreq: docFreq, totalTermFreq: totalTermFreq, postingsOffset: postings.position,
                            positionsOffset: positionsOffset)
        if !skips.bytes.isEmpty { head.vint(skips.count) }
        try postings.write(head)
        try postings.write(skips)
        try postings.write(blocks)
        try postings.write(tail)
        return info
    }
}
