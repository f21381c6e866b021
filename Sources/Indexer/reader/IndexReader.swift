import CSupport
import Foundation

/// An opened index, memory-mapped and shared by any number of threads (it holds no mutable state but
/// the lexicon decoded for fuzzy words, built once behind a lock).
///
/// Opening checks meta.fts's checksum, and each component's header, footer, length and index id
/// against it, and reads the first key of each block of the sorted tables (for their lookups).
/// `checksums: true` also checks every file's CRC-32C (about a millisecond per 10 MB), which a
/// long-running server does so that it never answers from a damaged file, and so may write stored
/// bytes as they are; `verify()` checks everything.
public final class IndexReader: @unchecked Sendable {
    public static let requiredComponents: [FileFormat.Tag] = [.terms, .postings, .positions, .norms, .store, .lexicon, .ids, .values, .facets, .files]

    public let path: String
    public let meta: IndexMeta
    /// The files of `requiredComponents`, in their order. Not a dictionary: the first use of a
    /// dictionary type costs the Swift runtime a scan of the program's protocol conformances, a tenth of
    /// a one-shot search's instructions.
    let files: [MappedFile]
    let metaFile: MappedFile
    /// Kept apart from `files`: every postings cursor needs both, and a dictionary lookup costs more
    /// than the rest of opening a cursor.
    private let postingsFile: MappedFile
    private let positionsFile: MappedFile
    let terms: SortedTable
    let lexiconTable: SortedTable
    let ids: SortedTable
    let store: StoredFieldsReader
    /// store.fts's blocks, and the bytes of the zstd dictionary they are compressed with (0: none).
    public var storeLayout: (blocks: Int, dictionaryBytes: Int) { (store.blockCount, store.dictionaryLength) }
    /// Each document's numbers and dates, by field: what a sorted search orders by.
    public let sortValues: SortValuesReader
    /// Each document's values as the corpus gave them, by field: what facets count.
    public let facetValues: FacetValuesReader
    /// Each indexed field's length in every document (norms.fts).
    private let fieldLengths: FieldLengthsReader
    /// Built by the ninth walk of the lexicon (`lexiconEntries(near:)`, a fuzzy word or a "did you
    /// mean"): decoding costs about six walks over the table's blocks, so a one-shot search
    /// (`fts search 'word~'`) walks the blocks, and a server decodes once it has walked enough.
    private let decodedLexiconLock = NSLock()
    private nonisolated(unsafe) var decodedLexiconStorage: DecodedTable?
    private nonisolated(unsafe) var lexiconWalks = 0

    public var documentCount: Int { meta.documentCount }

    /// The corpus the index was built from (files.fts), decoded when asked for: only a check that the
    /// index is in step with its corpus reads it.
    public func corpusManifest() throws -> CorpusManifest {
        let index = Self.requiredComponents.firstIndex(of: .files)!
        let bytes = files[index].bytes
        let body = try FileFormat.validateFrame(bytes, file: FileFormat.Tag.files.fileName, tag: .files, indexID: meta.indexID)
        return try CorpusManifest.decode(bytes, body: body, file: FileFormat.Tag.files.fileName)
    }

    public init(path: String, checksums: Bool = false) throws {
        self.path = path
        let metaName = FileFormat.Tag.meta.fileName
        // A missing index is the usual first mistake (a command run before `fts index`): say so.
        guard access(path + "/" + metaName, F_OK) == 0 || errno != ENOENT else { throw IndexError.noIndex(path: path) }
        metaFile = try MappedFile(path: path + "/" + metaName, name: metaName)
        let metaBody = try FileFormat.validateFrame(metaFile.bytes, file: metaName, tag: .meta, indexID: nil)
        try FileFormat.verifyChecksum(metaFile.bytes, file: metaName)
        meta = try IndexMeta.decode(metaFile.bytes, body: metaBody, file: metaName)

        // Each component once (checked below), and nothing else.
        guard meta.components.count == Self.requiredComponents.count else {
            throw IndexError.corrupt(file: metaName, reason: "lists \(meta.components.count) components, not \(Self.requiredComponents.count)")
        }
        var files: [MappedFile] = []
        // Each body's bounds, flat: an array of `Range<Int>` has its type made at run time, and the
        // lookup of `Int: Comparable` through the whole static program cost a one-shot count a sixth
        // of its instructions.
        var bodyBounds: [Int] = []
        for tag in Self.requiredComponents {
            let matching = meta.components.filter { $0.tag == tag }
            guard matching.count == 1 else {
                throw IndexError.corrupt(file: metaName, reason: "lists \(tag.fileName) \(matching.count) times")
            }
            let file = try MappedFile(path: path + "/" + tag.fileName, name: tag.fileName)
            guard file.bytes.count == Int(matching[0].length) else {
                throw IndexError.corrupt(file: tag.fileName, reason: "\(file.bytes.count) bytes where meta.fts records \(matching[0].length) (truncated or replaced)")
            }
            let body = try FileFormat.validateFrame(file.bytes, file: tag.fileName, tag: tag, indexID: meta.indexID)
            bodyBounds += [body.lowerBound, body.upperBound]
            if checksums { try FileFormat.verifyChecksum(file.bytes, file: tag.fileName) }
            files.append(file)
        }
        self.files = files
        func component(_ tag: FileFormat.Tag) -> (file: MappedFile, body: Range<Int>) {
            let index = Self.requiredComponents.firstIndex(of: tag)!
            return (files[index], bodyBounds[2 * index]..<bodyBounds[2 * index + 1])
        }
        postingsFile = component(.postings).file
        positionsFile = component(.positions).file
        terms = try SortedTable(bytes: component(.terms).file.bytes, file: FileFormat.Tag.terms.fileName, body: component(.terms).body)
        lexiconTable = try SortedTable(bytes: component(.lexicon).file.bytes, file: FileFormat.Tag.lexicon.fileName, body: component(.lexicon).body)
        ids = try SortedTable(bytes: component(.ids).file.bytes, file: FileFormat.Tag.ids.fileName, body: component(.ids).body)
        store = try StoredFieldsReader(bytes: component(.store).file.bytes, file: FileFormat.Tag.store.fileName, body: component(.store).body)
        guard store.documentCount == meta.documentCount else {
            throw IndexError.corrupt(file: FileFormat.Tag.store.fileName, reason: "holds \(store.documentCount) documents, meta.fts \(meta.documentCount)")
        }
        sortValues = try SortValuesReader(bytes: component(.values).file.bytes, file: FileFormat.Tag.values.fileName,
                                          body: component(.values).body, fieldCount: meta.fields.count, documentCount: meta.documentCount)
        facetValues = try FacetValuesReader(bytes: component(.facets).file.bytes, file: FileFormat.Tag.facets.fileName,
                                            body: component(.facets).body, fieldCount: meta.fields.count, documentCount: meta.documentCount)
        fieldLengths = try FieldLengthsReader(bytes: component(.norms).file.bytes, file: FileFormat.Tag.norms.fileName,
                                              body: component(.norms).body, meta: meta)
    }

    // MARK: Terms and postings

    static func key(field: Int, term: String) -> [UInt8] {
        [UInt8(field)] + Array(term.utf8)
    }

    public func termInfo(field: Int, term: String) throws -> TermInfo? {
        guard field >= 0 && field < meta.fields.count && meta.fields[field].indexed else { return nil }
        // The key (field byte, then the term) is built on the stack: a lookup allocates nothing.
        var term = term
        return try term.withUTF8 { utf8 in
            try withUnsafeTemporaryAllocation(byteCount: utf8.count + 1, alignment: 1) { key in
                key[0] = UInt8(field)
                UnsafeMutableRawBufferPointer(rebasing: key[1...]).copyMemory(from: UnsafeRawBufferPointer(utf8))
                guard let value = try terms.value(for: UnsafeRawBufferPointer(key)) else { return nil }
                return try TermInfo.decode(value, file: terms.file)
            }
        }
    }

    /// The infos of `terms` in `field`, in their order, nil for those it lacks, found in one walk over
    /// the term table in byte order rather than by a search each (a prefix's hundreds of expansions
    /// are neighbours there).
    public func termInfos(field: Int, terms: [String]) throws -> [TermInfo?] {
        var infos = [TermInfo?](repeating: nil, count: terms.count)
        guard field >= 0 && field < meta.fields.count && meta.fields[field].indexed else { return infos }
        // The keys in one buffer, not an array each.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(terms.reduce(terms.count) { $0 + $1.utf8.count })
        var ends: [Int] = []
        ends.reserveCapacity(terms.count)
        for term in terms {
            bytes.append(UInt8(field))
            bytes.append(contentsOf: term.utf8)
            ends.append(bytes.count)
        }
        try bytes.withUnsafeBytes { all in
            func key(_ index: Int) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: all[(index == 0 ? 0 : ends[index - 1])..<ends[index]])
            }
            var order = Array(terms.indices)
            // Expansions come sorted; other words' alternatives are few.
            if !order.indices.dropFirst().allSatisfy({ compareBytes(key($0 - 1), key($0)) <= 0 }) {
                order.sort { compareBytes(key($0), key($1)) < 0 }
            }
            try self.terms.forEachValue(ofSorted: order.count, { key(order[$0]) }) { index, value in
                infos[order[index]] = try TermInfo.decode(value, file: self.terms.file)
            }
        }
        return infos
    }

    /// The terms of `field` that start with `prefix`, in byte order, at most `limit` (nil: all).
    public func terms(field: Int, prefix: String, limit: Int? = nil) throws -> [(term: String, info: TermInfo)] {
        var result: [(term: String, info: TermInfo)] = []
        try forEachTerm(field: field, prefix: prefix) { term, info in
            if let limit, result.count >= limit { return false }
            result.append((term, info))
            return true
        }
        return result
    }

    /// Calls `body` with each term of `field` that starts with `prefix`, in byte order, until it
    /// returns false: a field's whole vocabulary read without holding it. Exact forms (`ExactForm`)
    /// are not among them: they sort first, and the walk starts past them.
    public func forEachTerm(field: Int, prefix: String, _ body: (String, TermInfo) throws -> Bool) throws {
        let start = Self.key(field: field, term: prefix)
        var cursor = try terms.seek(atLeast: prefix.isEmpty ? start + [ExactForm.marker + 1] : start)
        while let value = try cursor.next(), cursor.key.starts(with: start) {
            guard try body(String(decoding: cursor.key.dropFirst(), as: UTF8.self), try TermInfo.decode(value, file: terms.file)) else { return }
        }
    }

    public func postings(_ info: TermInfo) throws -> PostingsCursor {
        try PostingsCursor(info: info, postings: postingsFile, positions: positionsFile, documentCount: meta.documentCount)
    }

    /// The length in terms of `field` in document `doc` (0 for a field that is not indexed).
    public func length(field: Int, doc: UInt32) -> UInt32 {
        guard Int(doc) < meta.documentCount, let lengths = fieldLengths.lengths(field: field) else { return 0 }
        return UInt32(littleEndian: lengths.loadUnaligned(fromByteOffset: Int(doc) * 4, as: UInt32.self))
    }

    /// The lengths of `field` in every document: `documentCount` little-endian UInt32s, read with
    /// `loadUnaligned`; nil for a field that is not indexed. Valid while the reader lives.
    public func lengths(field: Int) -> UnsafeRawPointer? { fieldLengths.lengths(field: field) }

    public func averageLength(field: Int) -> Double {
        meta.documentCount == 0 ? 0 : Double(meta.fields[field].totalLength) / Double(meta.documentCount)
    }

    // MARK: Documents

    public func storedFields(_ doc: Int) throws -> StoredFields {
        try store.document(doc)
    }

    /// The stored fields of `docs`, in that order: a block several of them share is decompressed once.
    public func storedFields(_ docs: [Int]) throws -> [StoredFields] {
        try store.documents(docs)
    }

    /// The stored fields of `docs`, with the body as its UTF-8 bytes, unchecked, and its tokens' offsets
    /// instead of among the strings: for text that is only cut into snippets.
    public func storedFieldsWithBody(_ docs: [Int]) throws -> [(fields: StoredFields, body: StoredText?)] {
        try store.documents(docs, rawBody: true)
    }

    /// The records of `docs`: each field's bytes, unchecked, and the body with its tokens' offsets
    /// (what a page of results reads).
    public func storedRecords(_ docs: [Int]) throws -> [StoredRecord] {
        try store.records(docs)
    }

    /// The number of the document with this id.
    public func document(id: String) throws -> Int? {
        guard let value = try ids.value(for: Array(id.utf8)) else { return nil }
        var reader = ByteReader(value, file: ids.file)
        return try reader.vint(max: meta.documentCount - 1)
    }

    // MARK: Lexicon

    /// The terms a folded spelling was indexed under, or nil if the index never saw it.
    public func lexiconTerms(surface: String) throws -> [String]? {
        try lexiconEntry(surface: surface)?.terms
    }

    /// The terms a folded spelling was indexed under and how compounds make it, or nil if the index
    /// never saw it.
    public func lexiconEntry(surface: String) throws -> (terms: [String], joined: JoinedSpelling?)? {
        var surface = surface
        return try surface.withUTF8 { utf8 in
            guard let value = try lexiconTable.value(for: UnsafeRawBufferPointer(utf8)) else { return nil }
            let header = try Self.decodeLexiconHeader(value, surface: utf8, file: lexiconTable.file)
            return (try Self.decodeLexiconTerms(value, surface: utf8, header: header, file: lexiconTable.file), header.joined)
        }
    }

    /// Calls `body` with each folded spelling starting with `prefix` (its UTF-8 bytes, valid for the
    /// call), how compounds make it, and a function decoding its terms, in byte order, until it
    /// returns false. A caller that matches spellings (a wildcard) decodes the terms of those it keeps only.
    public func forEachLexiconEntry(prefix: String,
                                    _ body: (_ surface: UnsafeBufferPointer<UInt8>, _ joined: JoinedSpelling?,
                                             _ terms: () throws -> [String]) throws -> Bool) throws {
        let start = Array(prefix.utf8)
        var cursor = try lexiconTable.seek(atLeast: start)
        let file = lexiconTable.file
        while let value = try cursor.next(), cursor.key.starts(with: start) {
            let keepGoing = try cursor.key.withUnsafeBufferPointer { surface in
                // The first byte's low bit says whether a compound makes the spelling: most need no decoding.
                let joined = value.first.map { $0 & 1 } == 0 ? nil : try Self.decodeLexiconHeader(value, surface: surface, file: file).joined
                return try body(surface, joined) { try Self.decodeLexiconTerms(value, surface: surface, file: file) }
            }
            guard keepGoing else { return }
        }
    }

    /// Calls `body` with each folded spelling that `pattern` matches whole (its UTF-8 bytes, valid for
    /// the call) and a function decoding its terms, in byte order, until it returns false. The
    /// spellings that start with the pattern's literal prefix are read, or, without one, the whole
    /// lexicon is walked as a trie: a spelling's first characters are matched once for all the
    /// spellings that share them, and those that extend a prefix no match starts with are skipped.
    public func forEachLexiconEntry(matching pattern: RegexPattern,
                                    _ body: (_ surface: UnsafeBufferPointer<UInt8>, _ terms: () throws -> [String]) throws -> Bool) throws {
        var walker = RegexPattern.Walker(pattern)
        if !pattern.literalPrefix.isEmpty {
            // Every match starts with these characters: only the spellings that do are read.
            let start = Array(pattern.literalPrefix.utf8)
            var cursor = try lexiconTable.seek(atLeast: start)
            // The key before, copied into one buffer: holding the cursor's array would make it copy
            // its key at every step.
            var previous: [UInt8] = []
            while let value = try cursor.next(), cursor.key.starts(with: start) {
                var shared = 0
                let limit = min(previous.count, cursor.key.count)
                while shared < limit && previous[shared] == cursor.key[shared] { shared += 1 }
                previous.removeAll(keepingCapacity: true)
                previous.append(contentsOf: cursor.key)
                let keepGoing = try cursor.key.withUnsafeBufferPointer { surface in
                    try !walker.matches(UnsafeRawBufferPointer(surface), shared: shared)
                        || body(surface) { try Self.decodeLexiconTerms(value, surface: surface, file: lexiconTable.file) }
                }
                guard keepGoing else { return }
            }
            return
        }
        var stopped = false
        let file = lexiconTable.file
        let visit = { (key: UnsafeRawBufferPointer, shared: Int, value: UnsafeRawBufferPointer) throws -> Int in
            guard !stopped else { return 0 }
            guard walker.matches(key, shared: shared) else { return walker.hopelessPrefix }
            let surface = key.assumingMemoryBound(to: UInt8.self)
            stopped = try !body(surface) { try Self.decodeLexiconTerms(value, surface: surface, file: file) }
            // 0: every entry after this one is skipped.
            return stopped ? 0 : .max
        }
        if let decoded = try decodedLexicon() {
            try decoded.forEachEntry(visit)
        } else {
            try lexiconTable.forEachEntry(visit)
        }
    }

    /// The longest `surface` (in Unicode scalars) that `lexiconEntries(near:)` compares.
    public static let longestNearSurface = EditDistance.maximumTargetScalars

    /// Folded spellings within `maxEdits` edits of `surface` (`EditDistance`) and their terms: the
    /// `limit` closest, fewest edits first, then in byte order. The whole lexicon is walked, as a trie.
    /// With `prefixes`, the spellings that start within `maxEdits` edits of it, and with its first
    /// letter (what a word being typed with a typo may become). None for a surface longer than
    /// `longestNearSurface`.
    public func lexiconEntries(near surface: String, maxEdits: Int, limit: Int, prefixes: Bool = false) throws
        -> [(surface: String, edits: Int, terms: [String])] {
        guard let distance = EditDistance(target: surface, maxEdits: maxEdits, prefixes: prefixes) else { return [] }
        var found: [(edits: Int, surface: [UInt8], value: UnsafeRawBufferPointer)] = []
        let visit = { (key: UnsafeRawBufferPointer, shared: Int, value: UnsafeRawBufferPointer) -> Int in
            if let edits = distance.distance(to: key, shared: shared) { found.append((edits, Array(key), value)) }
            return distance.hopelessPrefix
        }
        if let decoded = try decodedLexicon() {
            decoded.forEachEntry(visit)
        } else {
            try lexiconTable.forEachEntry(visit)
        }
        found.sort { $0.edits != $1.edits ? $0.edits < $1.edits : $0.surface.lexicographicallyPrecedes($1.surface) }
        return try found.prefix(limit).map { entry in
            let surface = String(decoding: entry.surface, as: UTF8.self)
            return (surface, entry.edits, try Self.decodeLexiconTerms(entry.value, surface: surface, file: lexiconTable.file))
        }
    }

    /// The decoded lexicon, or nil the first eight times it is asked for.
    private func decodedLexicon() throws -> DecodedTable? {
        decodedLexiconLock.lock()
        defer { decodedLexiconLock.unlock() }
        if let decoded = decodedLexiconStorage { return decoded }
        lexiconWalks += 1
        guard lexiconWalks > 8 else { return nil }
        let decoded = try DecodedTable(lexiconTable)
        decodedLexiconStorage = decoded
        return decoded
    }

    static func decodeLexiconTerms(_ value: UnsafeRawBufferPointer, surface: String, file: String) throws -> [String] {
        var surface = surface
        return try surface.withUTF8 { try decodeLexiconTerms(value, surface: $0, file: file) }
    }

    /// An entry's number of terms, how compounds make it, and where its terms start.
    static func decodeLexiconHeader(_ value: UnsafeRawBufferPointer, surface: UnsafeBufferPointer<UInt8>, file: String) throws
        -> (count: Int, joined: JoinedSpelling?, termsOffset: Int) {
        var reader = ByteReader(value, file: file)
        let header = try reader.vint(max: value.count << 1 | 1)
        guard header & 1 == 1 else { return (header >> 1, nil, reader.offset) }
        guard surface.count > 1 else { throw reader.corrupt("a spelling of one byte made by a compound") }
        let joined = try reader.vint(max: (surface.count - 1) << 1 | 1)
        guard joined >> 1 > 0 else { throw reader.corrupt("a compound's first word of no length") }
        return (header >> 1, JoinedSpelling(firstLength: joined >> 1, isWritten: joined & 1 == 1), reader.offset)
    }

    /// Each term is the surface's first `shared` bytes and a suffix, checked as UTF-8 when it is made.
    static func decodeLexiconTerms(_ value: UnsafeRawBufferPointer, surface: UnsafeBufferPointer<UInt8>, file: String) throws -> [String] {
        try decodeLexiconTerms(value, surface: surface, header: try decodeLexiconHeader(value, surface: surface, file: file), file: file)
    }

    static func decodeLexiconTerms(_ value: UnsafeRawBufferPointer, surface: UnsafeBufferPointer<UInt8>,
                                   header: (count: Int, joined: JoinedSpelling?, termsOffset: Int), file: String) throws -> [String] {
        var reader = ByteReader(value, file: file)
        try reader.skip(header.termsOffset)
        var terms: [String] = []
        terms.reserveCapacity(header.count)
        for _ in 0..<header.count {
            let shared = try reader.vint(max: surface.count)
            let suffix = try reader.bytes(try reader.vint(max: reader.remaining))
            let length = shared + suffix.count
            let term = withUnsafeTemporaryAllocation(byteCount: length, alignment: 1) { bytes in
                bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(surface)[..<shared]))
                UnsafeMutableRawBufferPointer(rebasing: bytes[shared...]).copyMemory(from: suffix)
                return String(validUTF8: UnsafeRawBufferPointer(bytes))
            }
            guard let term else { throw reader.corrupt("invalid UTF-8 in a lexicon term") }
            terms.append(term)
        }
        return terms
    }
}
