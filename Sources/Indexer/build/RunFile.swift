/// A sorted run: what an `Inverter` spills, merged into the final index at the end of a build. A
/// temporary file inside the build folder, never published.
///
///     header (tag RUN_)
///     term entries, in key order: VInt key length (> 0), key ([field] + term UTF-8), VInt docFreq,
///         VInt payload length, payload: per document VInt doc delta (from -1), VInt freq, freq × VInt
///         position delta
///     VInt 0
///     lexicon entries, in surface order: String surface, VInt n, n × String term
///     footer
final class RunWriter {
    private let file: OutputFile
    private var buffer = ByteWriter(capacity: 1 << 16)

    init(path: String) throws {
        file = try OutputFile(path: path, tag: .run, indexID: [UInt8](repeating: 0, count: 16), durable: false)
    }

    func addTerm(key: [UInt8], docFreq: Int, payload: [UInt8]) throws {
        buffer.vint(key.count)
        buffer.append(key)
        buffer.vint(docFreq)
        buffer.vint(payload.count)
        buffer.append(payload)
        try drain()
    }

    func finishTerms() throws {
        buffer.vint(0)
        try drain()
    }

    func addLexiconEntry(surface: String, terms: [String]) throws {
        buffer.string(surface)
        buffer.vint(terms.count)
        for term in terms { buffer.string(term) }
        try drain()
    }

    private func drain() throws {
        if buffer.count >= 1 << 16 {
            try file.write(buffer)
            buffer.removeAll()
        }
    }

    func finish() throws {
        try file.write(buffer)
        try file.finish()
    }
}

/// Reads a run sequentially: its terms, then its lexicon.
final class RunReader {
    let mapped: MappedFile
    private var reader: ByteReader
    private(set) var key: [UInt8] = []
    private(set) var docFreq = 0
    private(set) var payload = UnsafeRawBufferPointer(start: nil, count: 0)
    private var inLexicon = false
    private var released = 0

    init(path: String) throws {
        mapped = try MappedFile(path: path, name: path)
        let body = try FileFormat.validateFrame(mapped.bytes, file: path, tag: .run, indexID: nil)
        reader = ByteReader(mapped.bytes, file: path, offset: body.lowerBound, end: body.upperBound)
    }

    /// The previous entry is done with: its pages go, so that merging many runs keeps a bounded footprint.
    private func releaseConsumedPages() {
        if reader.offset - released >= 64 << 10 {
            mapped.release(upTo: reader.offset)
            released = reader.offset
        }
    }

    /// Moves to the next term; false after the last.
    func nextTerm() throws -> Bool {
        guard !inLexicon else { return false }
        releaseConsumedPages()
        let keyLength = try reader.vint(max: reader.remaining)
        if keyLength == 0 {
            inLexicon = true
            return false
        }
        key = Array(try reader.bytes(keyLength))
        docFreq = try reader.vint(max: Int(UInt32.max))
        payload = try reader.bytes(try reader.vint(max: reader.remaining))
        return true
    }

    /// The next lexicon entry, once the terms are exhausted.
    func nextLexiconEntry() throws -> (surface: String, terms: [String])? {
        precondition(inLexicon)
        releaseConsumedPages()
        guard !reader.isAtEnd else { return nil }
        let surface = try reader.string()
        let count = try reader.vint(max: reader.remaining)
        var terms: [String] = []
        for _ in 0..<count { terms.append(try reader.string()) }
        return (surface, terms)
    }
}
