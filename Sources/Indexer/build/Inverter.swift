/// A document on its way to a worker: its number and the text of its indexed fields.
struct PendingDocument: Sendable {
    var doc: UInt32
    var fields: [(field: UInt8, text: String)]
    var bytes: Int { fields.reduce(0) { $0 + $1.text.utf8.count } }
}

/// One worker's in-memory inverted index: for each (field, term), the documents that contain it with
/// their positions, as a growing byte stream in the run format (`RunFile`). Streams live in chunks of
/// one byte arena (Lucene's byte slices): a term starts with 16 bytes and each new chunk doubles, up to
/// 4 KB, so rare terms cost little and no per-term array is allocated. Spilled to a sorted run when it
/// passes its memory budget.
///
/// A value type on purpose: the worker owns it as a local, so its hot loop pays no dynamic exclusivity
/// checks.
struct Inverter {
    private static let chunkSizes = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
    /// Bytes a term costs besides its stream: dictionary entry, key and state arrays (an estimate).
    private static let termOverhead = 96

    private var dictionaries: [[String: Int32]] = Array(repeating: [:], count: 256)
    private var termField: [UInt8] = []
    private var termText: [String] = []
    private var firstChunk: [UInt32] = []
    private var writeOffset: [UInt32] = []
    private var chunkEnd: [UInt32] = []
    private var level: [UInt8] = []
    private var lastDoc: [Int64] = []
    private var docFreq: [UInt32] = []
    private var arena: [UInt8] = []
    private var lexicon: [String: [String]] = [:]
    private var lexiconBytes = 0
    private var pairs: [UInt64] = []

    /// Document lengths, kept across spills: (document, field, length in terms).
    private(set) var lengths: [(doc: UInt32, field: UInt8, length: UInt32)] = []

    var memoryUsed: Int { arena.count + termText.count * Self.termOverhead + lexiconBytes + lengths.count * 12 }
    var isEmpty: Bool { termText.isEmpty && lexicon.isEmpty }

    mutating func addLexiconEntry(surface: String, term: String) {
        if let terms = lexicon[surface] {
            if !terms.contains(term) { lexicon[surface] = terms + [term] }
        } else {
            lexicon[surface] = [term]
            lexiconBytes += 80 + surface.utf8.count + term.utf8.count
        }
    }

    /// Analyses and inverts one document.
    mutating func add(_ document: PendingDocument, analyzer: FrenchAnalyzer) throws {
        for (field, text) in document.fields {
            pairs.removeAll(keepingCapacity: true)
            var count: UInt32 = 0
            try analyzer.analyze(text) { token in
                let term = termID(field: field, token.term)
                pairs.append(UInt64(term) << 32 | UInt64(token.position))
                count += 1
            }
            lengths.append((document.doc, field, count))
            // Grouped by term, positions in order within each.
            pairs.sort()
            var start = 0
            while start < pairs.count {
                let term = Int(pairs[start] >> 32)
                var end = start + 1
                while end < pairs.count && pairs[end] >> 32 == pairs[start] >> 32 { end += 1 }
                let doc = Int64(document.doc)
                putVInt(term, UInt64(doc - lastDoc[term]))
                putVInt(term, UInt64(end - start))
                var previous: UInt64 = 0
                for index in start..<end {
                    let position = pairs[index] & 0xFFFF_FFFF
                    putVInt(term, position - previous)
                    previous = position
                }
                lastDoc[term] = doc
                docFreq[term] += 1
                start = end
            }
        }
    }

    private mutating func termID(field: UInt8, _ term: String) -> Int {
        if let id = dictionaries[Int(field)][term] { return Int(id) }
        let id = termText.count
        dictionaries[Int(field)][term] = Int32(id)
        termField.append(field)
        termText.append(term)
        let start = UInt32(arena.count)
        arena.append(contentsOf: repeatElement(0, count: Self.chunkSizes[0]))
        firstChunk.append(start)
        writeOffset.append(start)
        chunkEnd.append(start + UInt32(Self.chunkSizes[0] - 4))
        level.append(0)
        lastDoc.append(-1)
        docFreq.append(0)
        return id
    }

    @inline(__always)
    private mutating func putVInt(_ term: Int, _ value: UInt64) {
        var value = value
        while value >= 0x80 {
            put(term, UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        put(term, UInt8(value))
    }

    @inline(__always)
    private mutating func put(_ term: Int, _ byte: UInt8) {
        if writeOffset[term] == chunkEnd[term] { newChunk(term) }
        arena[Int(writeOffset[term])] = byte
        writeOffset[term] += 1
    }

    /// Starts a term's next chunk; the last 4 bytes of the full one point to it.
    private mutating func newChunk(_ term: Int) {
        let next = min(Int(level[term]) + 1, Self.chunkSizes.count - 1)
        let start = arena.count
        precondition(start + Self.chunkSizes[next] < Int(UInt32.max), "inverter arena over 4 GB: lower --memory")
        arena.append(contentsOf: repeatElement(0, count: Self.chunkSizes[next]))
        let pointer = Int(chunkEnd[term])
        withUnsafeBytes(of: UInt32(start).littleEndian) { raw in
            for k in 0..<4 { arena[pointer + k] = raw[k] }
        }
        writeOffset[term] = UInt32(start)
        chunkEnd[term] = UInt32(start + Self.chunkSizes[next] - 4)
        level[term] = UInt8(next)
    }

    /// A term's stream, gathered from its chunks.
    private func stream(of term: Int, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        var start = Int(firstChunk[term])
        var chunk = 0
        let end = Int(writeOffset[term])
        while true {
            let dataEnd = start + Self.chunkSizes[min(chunk, Self.chunkSizes.count - 1)] - 4
            if end >= start && end <= dataEnd {
                output.append(contentsOf: arena[start..<end])
                return
            }
            output.append(contentsOf: arena[start..<dataEnd])
            start = Int(UInt32(arena[dataEnd]) | UInt32(arena[dataEnd + 1]) << 8 | UInt32(arena[dataEnd + 2]) << 16 | UInt32(arena[dataEnd + 3]) << 24)
            chunk += 1
        }
    }

    /// Writes everything inverted so far as a sorted run and starts afresh (document lengths stay).
    mutating func spill(to path: String) throws {
        let order = termText.indices.sorted { a, b in
            termField[a] != termField[b] ? termField[a] < termField[b] : termText[a].utf8.lexicographicallyPrecedes(termText[b].utf8)
        }
        let writer = try RunWriter(path: path)
        var payload: [UInt8] = []
        var key: [UInt8] = []
        for term in order {
            stream(of: term, into: &payload)
            key.removeAll(keepingCapacity: true)
            key.append(termField[term])
            key.append(contentsOf: termText[term].utf8)
            try writer.addTerm(key: key, docFreq: Int(docFreq[term]), payload: payload)
        }
        try writer.finishTerms()
        let surfaces = lexicon.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for surface in surfaces { try writer.addLexiconEntry(surface: surface, terms: lexicon[surface]!) }
        try writer.finish()

        dictionaries = Array(repeating: [:], count: 256)
        termField.removeAll()
        termText.removeAll()
        firstChunk.removeAll()
        writeOffset.removeAll()
        chunkEnd.removeAll()
        level.removeAll()
        lastDoc.removeAll()
        docFreq.removeAll()
        arena.removeAll(keepingCapacity: true)
        lexicon.removeAll()
        lexiconBytes = 0
    }
}
