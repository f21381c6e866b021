/// A document on its way to a worker: its number and the text of its indexed fields.
struct PendingDocument: Sendable {
    var doc: UInt32
    var fields: [(field: UInt8, text: String)]
    /// What the store keeps of it, written once the analysis has found its body's token offsets.
    var stored: StoredFields
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

    /// Per field, the term of each analyzer word id (+1; 0 unknown): most tokens find their term
    /// without hashing a string. Valid for one analyzer word generation and until the next spill.
    private var termForWord: [[Int32]] = Array(repeating: [], count: 256)
    private var wordGeneration = -1

    /// Grouping one field's tokens by term (a counting sort): per term, the stamp of the field that
    /// last saw it, its count there and where its positions go.
    private var stamp: [UInt32] = []
    private var counts: [UInt32] = []
    private var fill: [Int32] = []
    private var currentStamp: UInt32 = 0
    private var fieldTerms: [Int32] = []
    private var tokenTerms: [Int32] = []
    private var tokenPositions: [UInt32] = []
    private var grouped: [UInt32] = []

    /// Document lengths, kept across spills: (document, field, length in terms).
    private(set) var lengths: [(doc: UInt32, field: UInt8, length: UInt32)] = []
    /// Each token also inverted under its exact form (`ExactForm`), at its position.
    private let exactForms: Bool

    init(exactForms: Bool = false) {
        self.exactForms = exactForms
    }

    /// The inversion buffers (document lengths are the ledger's, as bookkeeping). The arena counts by
    /// its capacity: an array grows by doubling, and what it reserved is what it touches.
    var memoryUsed: Int { arena.capacity + termText.count * Self.termOverhead + lexiconBytes }
    var isEmpty: Bool { termText.isEmpty && lexicon.isEmpty }

    mutating func addLexiconEntry(surface: String, term: String) {
        if let terms = lexicon[surface] {
            if !terms.contains(term) { lexicon[surface] = terms + [term] }
        } else {
            lexicon[surface] = [term]
            lexiconBytes += 80 + surface.utf8.count + term.utf8.count
        }
    }

    /// Analyses and inverts one document; `bodyTokens` receives where its body's tokens stand.
    mutating func add(_ document: PendingDocument, analyzer: FrenchAnalyzer, bodyTokens: inout TokenOffsets) throws {
        for (field, text) in document.fields {
            let isBody = Int(field) == StandardField.body
            if analyzer.wordGeneration != wordGeneration {
                wordGeneration = analyzer.wordGeneration
                termForWord = Array(repeating: [], count: 256)
            }
            currentStamp &+= 1
            if currentStamp == 0 {
                stamp = Array(repeating: 0, count: stamp.count)
                currentStamp = 1
            }
            fieldTerms.removeAll(keepingCapacity: true)
            tokenTerms.removeAll(keepingCapacity: true)
            tokenPositions.removeAll(keepingCapacity: true)
            // A compound's joined form stands beside its first part: it adds no position, so it counts
            // in neither the field's length nor the body's token offsets.
            var length: UInt32 = 0
            try analyzer.analyze(text, joiningCompounds: true) { token in
                if token.span == 1 {
                    if isBody { bodyTokens.append(token.range) }
                    length += 1
                }
                add(termID(field: field, token), at: token.position)
                if exactForms { add(termID(field: field, token, exact: true), at: token.position) }
            }
            lengths.append((document.doc, field, length))
            var running: Int32 = 0
            for term in fieldTerms {
                fill[Int(term)] = running
                running += Int32(counts[Int(term)])
            }
            if grouped.count < tokenTerms.count { grouped = [UInt32](repeating: 0, count: tokenTerms.count * 2) }
            for (index, term) in tokenTerms.enumerated() {
                grouped[Int(fill[Int(term)])] = tokenPositions[index]
                fill[Int(term)] += 1
            }
            let doc = Int64(document.doc)
            for term32 in fieldTerms {
                let term = Int(term32)
                let count = Int(counts[term])
                let end = Int(fill[term])
                putVInt(term, UInt64(doc - lastDoc[term]))
                putVInt(term, UInt64(count))
                var previous: UInt32 = 0
                for index in (end - count)..<end {
                    putVInt(term, UInt64(grouped[index] - previous))
                    previous = grouped[index]
                }
                lastDoc[term] = doc
                docFreq[term] += 1
            }
        }
    }

    /// One occurrence of `term` in the field being inverted.
    @inline(__always)
    private mutating func add(_ term: Int, at position: Int) {
        tokenTerms.append(Int32(term))
        tokenPositions.append(UInt32(position))
        if stamp[term] != currentStamp {
            stamp[term] = currentStamp
            counts[term] = 0
            fieldTerms.append(Int32(term))
        }
        counts[term] += 1
    }

    /// The term number of a token, or of its exact form: through its word id when the analyzer gave
    /// one, else by hashing. With exact forms, a word's two terms sit side by side in `termForWord`.
    @inline(__always)
    private mutating func termID(field: UInt8, _ token: Token, exact: Bool = false) -> Int {
        let word = Int(token.wordID)
        if word >= 0 {
            let slot = exactForms ? word &* 2 &+ (exact ? 1 : 0) : word
            if slot < termForWord[Int(field)].count, termForWord[Int(field)][slot] != 0 {
                return Int(termForWord[Int(field)][slot]) - 1
            }
            let term = termID(field: field, exact ? ExactForm.term(token.surface) : token.term)
            if slot >= termForWord[Int(field)].count {
                termForWord[Int(field)].append(contentsOf: repeatElement(0, count: max(slot + 1 - termForWord[Int(field)].count, 1024)))
            }
            termForWord[Int(field)][slot] = Int32(term + 1)
            return term
        }
        return termID(field: field, exact ? ExactForm.term(token.surface) : token.term)
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
        stamp.append(0)
        counts.append(0)
        fill.append(0)
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
        let keys = termText.indices.map { [termField[$0]] + Array(termText[$0].utf8) }
        let order = keys.indices.sorted { a, b in
            keys[a].withUnsafeBytes { x in keys[b].withUnsafeBytes { y in compareBytes(x, y) < 0 } }
        }
        let writer = try RunWriter(path: path)
        var payload: [UInt8] = []
        for term in order {
            stream(of: term, into: &payload)
            try writer.addTerm(key: keys[term], docFreq: Int(docFreq[term]), payload: payload)
        }
        try writer.finishTerms()
        for (surface, _) in sortedByBytes(lexicon.keys) { try writer.addLexiconEntry(surface: surface, terms: lexicon[surface]!) }
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
        stamp.removeAll()
        counts.removeAll()
        fill.removeAll()
        termForWord = Array(repeating: [], count: 256)
        // Give the memory back: the arena counts by its capacity.
        arena = []
        lexicon.removeAll()
        lexiconBytes = 0
    }
}
