/// Reads one term's posting list in document order: `next`, `advance(to:)` (which skips whole blocks
/// through the skip entries), the current document's frequency, and its positions on demand. Every
/// read is bounds-checked: a damaged file throws `IndexError.corrupt`.
public final class PostingsCursor {
    /// The document number after the last one.
    public static let end = UInt32.max

    private struct Skip {
        var lastDoc: UInt32
        var dataOffset: Int
        var impactsOffset: Int
        /// The ordinal of the block's first position among the term's, and where the position block
        /// holding it starts.
        var firstPosition: Int
        var positionBlockOffset: Int
    }

    public let docFreq: Int
    private let postings: UnsafeRawBufferPointer
    private let positionBytes: UnsafeRawBufferPointer
    private let postingsFile: String
    private let positionsFile: String
    private let documentCount: UInt32
    private let dataEnd: Int
    private let positionsEnd: Int

    private let fullBlocks: Int
    private let blockCount: Int
    private var skipReader: ByteReader
    private var skips: [Skip] = []
    /// Where the next unread block's data starts, the ordinal of its first position, and where the
    /// position block holding that one starts.
    private var nextDataOffset: Int
    /// Where the term's impact frontier is, when it has one.
    private var termImpactsOffset: Int?
    private var nextFirstPosition = 0
    private var nextPositionBlockOffset: Int

    private var block = -1
    /// The current block's documents and frequencies (each less one, as stored): one raw buffer, since
    /// arrays in a class pay a uniqueness check and retain/release on every write, and a query opens
    /// cursors by the dozen (1 KiB: malloc's thread cache serves it). Allocated last in `init`: an
    /// init that throws runs no deinit, and would leak it.
    private let buffers: UnsafeMutablePointer<UInt32>
    private var docs: UnsafeMutablePointer<UInt32> { buffers }
    private var freqs: UnsafeMutablePointer<UInt32> { buffers + BitPacking.blockSize }
    private var count = 0
    private var index = -1
    public private(set) var doc: UInt32 = 0

    /// Positions are read lazily: `positionOrdinal` is the ordinal of document `positionsIndex`'s
    /// first position among the term's.
    private let totalTermFreq: Int
    private let fullPositionBlocks: Int
    private var blockFirstPosition = 0
    private var blockPositionBlockOffset = 0
    private var positionsIndex = 0
    private var positionOrdinal = 0
    /// The loaded position block's gaps, allocated when positions are first read.
    private var gapBuffer: UnsafeMutablePointer<UInt32>?
    private var gaps: UnsafeMutablePointer<UInt32> {
        if let gapBuffer { return gapBuffer }
        let buffer = UnsafeMutablePointer<UInt32>.allocate(capacity: BitPacking.blockSize)
        gapBuffer = buffer
        return buffer
    }
    /// The position block whose gaps `gaps` holds (-1: none) and how many it has; a block whose start
    /// is known, to walk to later ones from.
    private var loadedPositionBlock = -1
    private var loadedPositionCount = 0
    private var knownPositionBlock = 0
    private var knownPositionBlockOffset = 0

    init(info: TermInfo, postings: MappedFile, positions: MappedFile, documentCount: Int) throws {
        docFreq = info.docFreq
        self.postings = postings.bytes
        positionBytes = positions.bytes
        postingsFile = postings.name
        positionsFile = positions.name
        self.documentCount = UInt32(documentCount)
        dataEnd = postings.bytes.count - FileFormat.footerLength
        positionsEnd = positions.bytes.count - FileFormat.footerLength
        fullBlocks = info.docFreq / BitPacking.blockSize
        blockCount = fullBlocks + (info.docFreq % BitPacking.blockSize > 0 ? 1 : 0)
        guard info.postingsOffset >= FileFormat.headerLength, info.postingsOffset < dataEnd,
              info.positionsOffset >= FileFormat.headerLength, info.positionsOffset <= positionsEnd
        else { throw IndexError.corrupt(file: postings.name, reason: "term data offset outside the file") }
        skipReader = ByteReader(postings.bytes, file: postings.name, offset: info.postingsOffset, end: dataEnd)
        nextDataOffset = info.postingsOffset
        if info.docFreq >= Impact.storedMinimum {
            termImpactsOffset = skipReader.offset
            try Self.skipImpacts(&skipReader)
            nextDataOffset = skipReader.offset
        }
        if fullBlocks > 0 {
            let skipLength = try skipReader.vint(max: skipReader.remaining)
            nextDataOffset = skipReader.offset + skipLength
        }
        nextPositionBlockOffset = info.positionsOffset
        totalTermFreq = info.totalTermFreq
        fullPositionBlocks = info.totalTermFreq / BitPacking.blockSize
        buffers = .allocate(capacity: 2 * BitPacking.blockSize)
    }

    deinit {
        buffers.deallocate()
        gapBuffer?.deallocate()
    }

    private func corrupt(_ reason: String) -> IndexError {
        .corrupt(file: postingsFile, reason: reason)
    }

    /// Parses skip entries up to and including block `target`.
    private func parseSkips(through target: Int) throws {
        // Sized once for every full block: growing it entry by entry cost a query several reallocations.
        if skips.isEmpty { skips.reserveCapacity(fullBlocks) }
        while skips.count <= target {
            let lastDoc: Int64 = skips.isEmpty ? -1 : Int64(skips[skips.count - 1].lastDoc)
            let delta = try skipReader.vint(max: Int(UInt32.max))
            let doc = lastDoc + Int64(delta)
            guard delta > 0, doc < Int64(documentCount) else { throw corrupt("skip entry points past the last document") }
            let dataLength = try skipReader.vint(max: dataEnd)
            let positionCount = try skipReader.vint(max: Int(UInt32.max) * BitPacking.blockSize)
            let positionBlocksLength = try skipReader.vint(max: positionsEnd)
            let impactsOffset = skipReader.offset
            let impacts = try skipReader.vint(max: BitPacking.blockSize)
            for _ in 0..<impacts {
                _ = try skipReader.vint()
                _ = try skipReader.vint()
            }
            skips.append(Skip(lastDoc: UInt32(doc), dataOffset: nextDataOffset, impactsOffset: impactsOffset,
                              firstPosition: nextFirstPosition, positionBlockOffset: nextPositionBlockOffset))
            nextDataOffset += dataLength
            nextFirstPosition += positionCount
            nextPositionBlockOffset += positionBlocksLength
            guard nextDataOffset <= dataEnd, nextPositionBlockOffset <= positionsEnd, nextFirstPosition <= totalTermFreq else {
                throw corrupt("block lengths run past the end of the file")
            }
        }
    }

    /// Frequencies are decoded unless `frequencies` is false (a block only counted: never its
    /// frequencies, until the cursor starts again).
    private func load(block target: Int, frequencies: Bool = true) throws {
        let previousLast: Int64
        if target < fullBlocks {
            try parseSkips(through: target)
            previousLast = target == 0 ? -1 : Int64(skips[target - 1].lastDoc)
            try decodeFullBlock(skips[target], previousLast: previousLast, frequencies: frequencies)
            blockFirstPosition = skips[target].firstPosition
            blockPositionBlockOffset = skips[target].positionBlockOffset
        } else {
            if fullBlocks > 0 { try parseSkips(through: fullBlocks - 1) }
            previousLast = fullBlocks == 0 ? -1 : Int64(skips[fullBlocks - 1].lastDoc)
            try decodeTail(at: try tailEntriesOffset(), previousLast: previousLast)
            blockFirstPosition = nextFirstPosition
            blockPositionBlockOffset = nextPositionBlockOffset
        }
        block = target
        index = 0
        positionsIndex = 0
        positionOrdinal = blockFirstPosition
        knownPositionBlock = blockFirstPosition / BitPacking.blockSize
        knownPositionBlockOffset = blockPositionBlockOffset
        doc = docs[0]
    }

    private func decodeFullBlock(_ skip: Skip, previousLast: Int64, frequencies: Bool) throws {
        var reader = ByteReader(postings, file: postingsFile, offset: skip.dataOffset, end: dataEnd)
        let docBits = Int(try reader.u8()), freqBits = Int(try reader.u8())
        guard docBits <= 32, freqBits <= 32 else { throw corrupt("bit width over 32") }
        let docStart = reader.offset
        try reader.skip(BitPacking.packedLength(bits: docBits))
        let freqStart = reader.offset
        try reader.skip(BitPacking.packedLength(bits: freqBits))
        BitPacking.unpack(postings.baseAddress! + docStart, bits: docBits, into: docs)
        if frequencies { BitPacking.unpack(postings.baseAddress! + freqStart, bits: freqBits, into: freqs) }
        // Frequencies stay as stored, one less than the frequency (`freq` adds it back): the loop only
        // sums the gaps. 128 gaps under 2³² each cannot overflow the 64-bit sum.
        var base = previousLast
        for k in 0..<BitPacking.blockSize {
            base &+= Int64(docs[k]) &+ 1
            docs[k] = UInt32(truncatingIfNeeded: base)
        }
        guard base == Int64(skip.lastDoc) else {
            throw corrupt("block does not end on its skip entry's last document")
        }
        count = BitPacking.blockSize
    }

    private func decodeTail(at offset: Int, previousLast: Int64) throws {
        var reader = ByteReader(postings, file: postingsFile, offset: offset, end: dataEnd)
        count = docFreq % BitPacking.blockSize
        var base = previousLast
        for k in 0..<count {
            let code = try reader.vint()
            base += Int64(code >> 1) + 1
            guard base < Int64(documentCount) else { throw corrupt("document number past the last document") }
            docs[k] = UInt32(base)
            freqs[k] = code & 1 == 1 ? 0 : UInt32(try reader.vint(max: Int(UInt32.max) - 2)) + 1
        }
    }

    /// Back before the first document, as when opened (what was learnt of the skip entries is kept).
    public func rewind() {
        block = -1
        index = -1
        doc = 0
        loadedPositionBlock = -1
    }

    /// Moves to the next document; returns it, or `end`.
    @discardableResult
    public func next() throws -> UInt32 {
        if block >= blockCount { return Self.end }
        if block >= 0 && index + 1 < count {
            index += 1
            doc = docs[index]
            return doc
        }
        guard block + 1 < blockCount else { return finish() }
        try load(block: block + 1)
        return doc
    }

    /// Calls `body` with the documents from the current one (the first, before any move) to the last,
    /// a block of them at a time (valid for the call): counting reads whole lists without a call per
    /// document. The cursor ends past its last document. Every document is below the index's document
    /// count (blocks are checked against their skip entries, tails entry by entry).
    public func forEachDocumentBlock(_ body: (UnsafeBufferPointer<UInt32>) -> Void) throws {
        if block >= blockCount { return }
        if block < 0 { try load(block: 0, frequencies: false) }
        while true {
            body(UnsafeBufferPointer(start: docs + index, count: count - index))
            guard block + 1 < blockCount else { break }
            try load(block: block + 1, frequencies: false)
        }
        _ = finish()
    }

    /// Moves to the first document ≥ `target`; returns it, or `end`.
    @discardableResult
    public func advance(to target: UInt32) throws -> UInt32 {
        if block >= blockCount { return Self.end }
        if block >= 0 && doc >= target { return doc }
        if block < 0 || docs[count - 1] < target {
            var next = max(block + 1, 0)
            while next < fullBlocks {
                try parseSkips(through: next)
                if skips[next].lastDoc >= target { break }
                next += 1
            }
            guard next < blockCount else { return finish() }
            try load(block: next)
        }
        // Far targets (a rare word leading a frequent one) are found by bisection, near ones by
        // counting the next eight documents below the target: a scan, whose exit falls at an
        // unpredictable step, mispredicted on most calls. (A bisection without branches, seven
        // selects, measured no faster than this one.)
        if index &+ 8 < count {
            if docs[index &+ 8] < target {
                var low = index + 9, high = count
                while low < high {
                    let middle = (low + high) >> 1
                    if docs[middle] < target { low = middle + 1 } else { high = middle }
                }
                index = low
            } else {
                var below: UInt64 = 0
                for k in 0..<8 { below &+= Self.below(docs[index &+ k], target) }
                index &+= Int(below)
            }
        } else {
            while index < count && docs[index] < target { index += 1 }
        }
        // Only the last block can end below the target: its last document has no skip entry.
        guard index < count else { return finish() }
        doc = docs[index]
        return doc
    }

    /// 1 when `doc < target`, else 0, as the sign of their 64-bit difference: arithmetic the compiler
    /// does not turn back into a branch.
    @inline(__always)
    private static func below(_ doc: UInt32, _ target: UInt32) -> UInt64 {
        (UInt64(doc) &- UInt64(target)) >> 63
    }

    private func finish() -> UInt32 {
        block = blockCount
        doc = Self.end
        return doc
    }

    private static func skipImpacts(_ reader: inout ByteReader) throws {
        for _ in 0..<(try reader.vint(max: BitPacking.blockSize)) {
            _ = try reader.vint()
            _ = try reader.vint()
        }
    }

    /// Calls `body` with each (term frequency, document length) pair of the impact frontier at `offset`.
    private func forEachImpact(at offset: Int, _ body: (UInt32, UInt32) -> Void) throws {
        var reader = ByteReader(postings, file: postingsFile, offset: offset, end: dataEnd)
        for _ in 0..<(try reader.vint(max: BitPacking.blockSize)) {
            let termFreq = UInt32(try reader.vint(max: Int(UInt32.max)))
            body(termFreq, UInt32(try reader.vint(max: Int(UInt32.max))))
        }
    }

    /// Calls `body` with each pair of the term's impact frontier, which bounds every posting's score;
    /// false when the term is too short to have one (its postings are then all in the tail).
    public func forEachTermImpact(_ body: (UInt32, UInt32) -> Void) throws -> Bool {
        guard let termImpactsOffset else { return false }
        try forEachImpact(at: termImpactsOffset, body)
        return true
    }

    /// Calls `body` with each pair of the frontier of the full block holding the first document ≥
    /// `target` (reading skip entries as far as needed, no block); returns the documents the block
    /// spans (from the one after the previous block's last), or nil when the target is past every full
    /// block (in the tail, which starts at `tailStart()`).
    public func forEachBlockImpact(containing target: UInt32, _ body: (UInt32, UInt32) -> Void) throws -> ClosedRange<UInt32>? {
        while skips.count < fullBlocks && (skips.last.map { $0.lastDoc < target } ?? true) { try parseSkips(through: skips.count) }
        guard let last = skips.last, last.lastDoc >= target else { return nil }
        var low = 0, high = skips.count - 1
        while low < high {
            let middle = (low + high) / 2
            if skips[middle].lastDoc < target { low = middle + 1 } else { high = middle }
        }
        try forEachImpact(at: skips[low].impactsOffset, body)
        return (low == 0 ? 0 : skips[low - 1].lastDoc + 1)...skips[low].lastDoc
    }

    /// The first document the tail can hold: the one after the last full block's last.
    public func tailStart() throws -> UInt32 {
        guard fullBlocks > 0 else { return 0 }
        try parseSkips(through: fullBlocks - 1)
        return skips[fullBlocks - 1].lastDoc + 1
    }

    /// Calls `body` with each pair of the tail's impact frontier; false when the tail is too short to
    /// have one (`forEachTailPosting` reads it whole).
    public func forEachTailImpact(_ body: (UInt32, UInt32) -> Void) throws -> Bool {
        // Without full blocks, the tail is the whole term.
        if fullBlocks == 0 { return try forEachTermImpact(body) }
        guard hasTailImpacts else { return false }
        try parseSkips(through: fullBlocks - 1)
        try forEachImpact(at: nextDataOffset, body)
        return true
    }

    private var hasTailImpacts: Bool { fullBlocks > 0 && docFreq % BitPacking.blockSize >= Impact.storedMinimum }

    /// Where the tail's postings start: after the full blocks, and after the tail's frontier if any.
    private func tailEntriesOffset() throws -> Int {
        if fullBlocks > 0 { try parseSkips(through: fullBlocks - 1) }
        guard hasTailImpacts else { return nextDataOffset }
        var reader = ByteReader(postings, file: postingsFile, offset: nextDataOffset, end: dataEnd)
        try Self.skipImpacts(&reader)
        return reader.offset
    }

    /// Calls `body` with each document and frequency of the tail (the postings after the full blocks),
    /// leaving the cursor where it is.
    public func forEachTailPosting(_ body: (UInt32, UInt32) -> Void) throws {
        let tail = docFreq % BitPacking.blockSize
        guard tail > 0 else { return }
        var reader = ByteReader(postings, file: postingsFile, offset: try tailEntriesOffset(), end: dataEnd)
        var base: Int64 = fullBlocks == 0 ? -1 : Int64(skips[fullBlocks - 1].lastDoc)
        for _ in 0..<tail {
            let code = try reader.vint()
            base += Int64(code >> 1) + 1
            guard base < Int64(documentCount) else { throw corrupt("document number past the last document") }
            body(UInt32(base), code & 1 == 1 ? 1 : UInt32(try reader.vint(max: Int(UInt32.max) - 2)) + 2)
        }
    }

    /// The current document's term frequency.
    /// (A stored frequency of 2³²-1 wraps to 0 here: harmless, no positions, and verify reports it.)
    public var freq: UInt32 { freqs[index] &+ 1 }

    /// The current document's positions, increasing.
    public func positions(into output: inout [UInt32]) throws {
        // The array's storage is reused from call to call (the verifier reads every posting's).
        let count = Int(freq)
        output.removeAll(keepingCapacity: true)
        // No positions (a damaged frequency that wrapped to 0): an empty array may have no storage.
        guard count > 0 else { return }
        output.append(contentsOf: repeatElement(0, count: count))
        let written = try output.withUnsafeMutableBufferPointer { try decodePositions(into: $0.baseAddress!) }
        output.removeLast(count - written)
    }

    private func corruptPositions(_ reason: String) -> IndexError {
        IndexError.corrupt(file: positionsFile, reason: reason)
    }

    /// Makes `gaps` hold position block `target` (of the current document block or after); returns how
    /// many gaps it has: 128, or fewer for the last, the term's variable-length tail.
    private func loadPositionBlock(_ target: Int) throws -> Int {
        if target == loadedPositionBlock { return loadedPositionCount }
        if target < knownPositionBlock {
            // Back to an earlier block of the same document (its positions read again): walk from the
            // first block of the current block of postings.
            knownPositionBlock = blockFirstPosition / BitPacking.blockSize
            knownPositionBlockOffset = blockPositionBlockOffset
        }
        guard target <= fullPositionBlocks, target >= knownPositionBlock else { throw corruptPositions("position out of its term's range") }
        let base = positionBytes.baseAddress!
        // Blocks before the target are skipped by their headers, without decoding them.
        while knownPositionBlock < target {
            guard knownPositionBlock < fullPositionBlocks, knownPositionBlockOffset + PatchedBitPacking.headerLength <= positionsEnd else {
                throw corruptPositions("position blocks run past the end of the file")
            }
            let bits = Int(base.load(fromByteOffset: knownPositionBlockOffset, as: UInt8.self))
            let exceptions = Int(base.load(fromByteOffset: knownPositionBlockOffset + 1, as: UInt8.self))
            knownPositionBlockOffset += PatchedBitPacking.length(bits: bits, exceptions: exceptions)
            knownPositionBlock += 1
        }
        let offset = knownPositionBlockOffset
        if target < fullPositionBlocks {
            guard offset + PatchedBitPacking.headerLength <= positionsEnd else { throw corruptPositions("position block past the end of the file") }
            let bits = Int(base.load(fromByteOffset: offset, as: UInt8.self))
            let exceptions = Int(base.load(fromByteOffset: offset + 1, as: UInt8.self))
            guard bits <= 32, exceptions <= PatchedBitPacking.maximumExceptions,
                  offset + PatchedBitPacking.length(bits: bits, exceptions: exceptions) <= positionsEnd else {
                throw corruptPositions("malformed position block")
            }
            try PatchedBitPacking.decode(base + offset, bits: bits, exceptions: exceptions, into: gaps) {
                corruptPositions("malformed position block")
            }
            loadedPositionCount = BitPacking.blockSize
        } else {
            loadedPositionCount = totalTermFreq - target * BitPacking.blockSize
            var reader = ByteReader(positionBytes, file: positionsFile, offset: offset, end: positionsEnd)
            let gaps = self.gaps
            for k in 0..<loadedPositionCount { gaps[k] = UInt32(try reader.vint(max: Int(UInt32.max))) }
        }
        loadedPositionBlock = target
        return loadedPositionCount
    }

    /// Calls `body` with the current document's position gaps, a run at a time (the part of it in one
    /// position block), until it returns false.
    @inline(__always)
    private func forEachGapRun(_ body: (UnsafeMutablePointer<UInt32>, Int) throws -> Bool) throws {
        if positionsIndex < index {
            // At most a block's frequencies, each under 2³²: the sum cannot wrap, and wrapping adds
            // let the loop vectorize.
            var skipped: UInt64 = 0
            for k in positionsIndex..<index { skipped &+= UInt64(freqs[k]) }
            positionOrdinal &+= Int(skipped) &+ (index &- positionsIndex)
            positionsIndex = index
        }
        var ordinal = positionOrdinal
        var left = Int(freq)
        guard ordinal + left <= totalTermFreq else { throw corruptPositions("more positions than the term has") }
        while left > 0 {
            let available = try loadPositionBlock(ordinal / BitPacking.blockSize)
            let start = ordinal % BitPacking.blockSize
            guard start < available else { throw corruptPositions("more positions than the term has") }
            let run = min(left, available - start)
            guard try body(gaps + start, run) else { return }
            ordinal += run
            left -= run
        }
    }

    /// Calls `visit` with the current document's positions, increasing, until it returns false, but
    /// for those below `floor` (which `visit` may raise): a frequent word's positions mostly lie
    /// between a rare word's, and are summed eight gaps at a time, not visited. (Eight gaps of at most
    /// 2³²/8 each cannot wrap a 32-bit sum; larger ones are visited one by one.)
    @inline(__always)
    private func forEachPosition(from floor: UInt64, _ visit: (_ position: UInt64, _ floor: inout UInt64) throws -> Bool) throws {
        var position: UInt64 = 0
        var floor = floor
        try forEachGapRun { run, length in
            var k = 0
            while k < length {
                while k &+ 8 <= length {
                    let eight = UnsafeRawPointer(run + k).loadUnaligned(as: SIMD8<UInt32>.self)
                    let sum = UInt64(eight.wrappedSum())
                    if position &+ sum >= floor || eight.max() > UInt32.max / 8 { break }
                    position &+= sum
                    k &+= 8
                }
                let stop = min(k &+ 8, length)
                while k < stop {
                    position &+= UInt64(run[k])
                    k &+= 1
                    guard try visit(position, &floor) else { return false }
                }
            }
            return true
        }
    }

    /// Keeps, of the increasing `starts[0..<count]`, those s for which s + `shift` is one of the current
    /// document's positions, moved to the front in order; returns how many. Positions are compared as
    /// they are summed from their gaps, and only as far as the last start needs.
    public func retainStarts(_ starts: UnsafeMutablePointer<UInt32>, count: Int, shift: UInt32) throws -> Int {
        guard count > 0 else { return 0 }
        var kept = 0
        var next = 0
        var wanted = UInt64(starts[0]) + UInt64(shift)
        try forEachPosition(from: wanted) { position, floor in
            // Starts whose word would stand before this position are gone.
            while wanted < position {
                next += 1
                if next == count { return false }
                wanted = UInt64(starts[next]) + UInt64(shift)
            }
            if wanted == position {
                starts[kept] = starts[next]
                kept += 1
                next += 1
                if next == count { return false }
                wanted = UInt64(starts[next]) + UInt64(shift)
            }
            floor = wanted
            return true
        }
        return kept
    }

    /// Writes the current document's positions within `width` of one of the increasing `anchors`,
    /// increasing, to `output` (room for `freq` of them); returns how many. The positions below the
    /// next anchor's reach are summed, not written, and reading stops past the last anchor's reach: a
    /// frequent word's positions near a rare word's.
    public func positionsNear(_ anchors: UnsafeBufferPointer<UInt32>, width: UInt32, into output: UnsafeMutablePointer<UInt32>) throws -> Int {
        guard !anchors.isEmpty else { return 0 }
        var written = 0
        var next = 0
        var low = UInt64(anchors[0]) - UInt64(min(anchors[0], width))
        var high = UInt64(anchors[0]) + UInt64(width)
        try forEachPosition(from: low) { position, floor in
            // Anchors whose reach ends before this position are done with.
            while position > high {
                next += 1
                if next == anchors.count { return false }
                low = UInt64(anchors[next]) - UInt64(min(anchors[next], width))
                high = UInt64(anchors[next]) + UInt64(width)
            }
            if position >= low {
                guard position <= UInt64(UInt32.max) else { throw corruptPositions("position out of range") }
                output[written] = UInt32(truncatingIfNeeded: position)
                written += 1
            }
            floor = low
            return true
        }
        return written
    }

    /// Writes the current document's positions, increasing, to `output` (room for `freq` of them),
    /// stopping soon after the first one past `limit`; returns how many it wrote.
    public func decodePositions(into output: UnsafeMutablePointer<UInt32>, upTo limit: UInt32 = .max) throws -> Int {
        var position: UInt64 = 0
        var written = 0
        try forEachGapRun { run, length in
            for k in 0..<length {
                position &+= UInt64(run[k])
                output[written + k] = UInt32(truncatingIfNeeded: position)
            }
            written += length
            // Gaps are under 2³², so a run of 128 cannot wrap the sum around.
            guard position <= UInt64(UInt32.max) else { throw corruptPositions("position out of range") }
            return position <= UInt64(limit)
        }
        return written
    }
}
