import Foundation
import CZstd

/// One stored document: its fields by field number, values as given.
public struct StoredFields: Equatable, Sendable {
    public var values: [(field: Int, value: String)]

    public init(_ values: [(field: Int, value: String)]) { self.values = values }

    public static func == (a: StoredFields, b: StoredFields) -> Bool {
        a.values.count == b.values.count && zip(a.values, b.values).allSatisfy { $0.field == $1.field && $0.value == $1.value }
    }

    public func value(of field: Int) -> String? { values.first { $0.field == field }?.value }
}

/// A stored text as UTF-8 bytes, not checked, with where its tokens stand. The bytes stay in the
/// decompressed store block they were read from (shared, not copied).
public struct StoredText: Sendable {
    private let block: [UInt8]
    private let range: Range<Int>
    public let tokens: StoredTokens

    init(block: [UInt8], range: Range<Int>, tokens: StoredTokens) {
        self.block = block
        self.range = range
        self.tokens = tokens
    }

    public var bytes: ArraySlice<UInt8> { block[range] }

    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try block.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }
}

/// A stored document as its store block holds it: each field's UTF-8 bytes, unchecked, and the body
/// with its tokens' offsets. The indexer stored valid text: a reader that checked the index's
/// checksums (searchd does) may write these bytes as they are; `string(of:)` repairs anything else.
/// A class: the block it points into is shared by every thread reading it from the cache, and copying
/// a record then retains one object of its own instead of that block three times over.
public final class StoredRecord: Sendable {
    private let block: [UInt8]
    /// Every field in record order, the body included.
    private let fields: [(field: Int, range: Range<Int>)]
    public let body: StoredText?

    init(block: [UInt8], fields: [(field: Int, range: Range<Int>)], body: StoredText?) {
        self.block = block
        self.fields = fields
        self.body = body
    }

    /// The value's bytes, or nil when the document has no such field.
    public func utf8(of field: Int) -> ArraySlice<UInt8>? {
        fields.first { $0.field == field }.map { block[$0.range] }
    }

    public func string(of field: Int) -> String? {
        utf8(of: field).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with each field's number and value's bytes, in record order, the body's included.
    public func forEachField(_ body: (_ field: Int, _ utf8: ArraySlice<UInt8>) throws -> Void) rethrows {
        for (field, range) in fields { try body(field, block[range]) }
    }

    /// Each field's value as checked text, the body left out when `withoutBody`.
    func checkedValues(withoutBody: Bool, file: String) throws -> [(field: Int, value: String)] {
        var values: [(field: Int, value: String)] = []
        values.reserveCapacity(fields.count)
        try block.withUnsafeBytes { raw in
            for (field, range) in fields where !(withoutBody && field == StandardField.body) {
                guard let text = String(validUTF8: UnsafeRawBufferPointer(rebasing: raw[range])) else {
                    throw IndexError.corrupt(file: file, reason: "invalid UTF-8 in a string (at byte \(range.lowerBound) of a store block)")
                }
                values.append((field, text))
            }
        }
        return values
    }
}

/// Writes store.fts: documents in order, packed into blocks of about `blockBytes` compressed with zstd
/// and a dictionary trained on the corpus, followed by a fixed-width index of (first document, offset)
/// per block.
///
/// A dictionary trained on the first documents alone serves a corpus ordered by source (most are)
/// badly, so the blocks are spooled uncompressed to a temporary file while a sample spread over the
/// whole corpus is kept; `finish` trains the dictionary on that sample, then compresses the blocks.
/// Used by one thread at a time: the build's store sequencer, under its lock, then the task that
/// finishes it.
final class StoredFieldsWriter: @unchecked Sendable {
    private let file: OutputFile
    private let spoolPath: String
    private let spool: OutputFile
    private let blockBytes: Int
    private let level: Int32
    private let dictionaryCapacity: Int
    private var block = ByteWriter(capacity: 1 << 16)
    private var blockFirstDoc = 0
    private var documentCount = 0
    /// The spooled blocks: their first document, and their bytes' place in the spool.
    private var spooled: [(firstDoc: Int, range: Range<Int>)] = []
    private var sample: RecordSample

    /// `dictionaryCapacity`: the most a dictionary may hold. A smaller corpus gets one of a 32nd of its
    /// records' bytes (the best of 2 to 112 KiB for the bundled corpus's 250 KB in blocks of 16 KiB: 4%
    /// smaller than none, where 64 KiB made it 19% larger), and none below `RecordSample.minimumDictionary`.
    init(file: OutputFile, spoolPath: String, blockBytes: Int = 8 << 10, level: Int32 = 3,
         dictionaryCapacity: Int = 112 << 10) throws {
        self.file = file
        self.spoolPath = spoolPath
        spool = try OutputFile(path: spoolPath, tag: .run, indexID: [UInt8](repeating: 0, count: 16), durable: false)
        self.blockBytes = blockBytes
        self.level = level
        self.dictionaryCapacity = dictionaryCapacity
        sample = RecordSample(limit: 2 << 20)
    }

    /// Adds the next document: its fields, and where the tokens of its body stand.
    func add(_ fields: StoredFields, bodyTokens: TokenOffsets) throws {
        var record = ByteWriter()
        record.vint(fields.values.count)
        for (field, value) in fields.values {
            record.vint(field)
            record.string(value)
        }
        bodyTokens.encode(into: &record)
        sample.offer(record.bytes, number: documentCount)
        block.vint(record.count)
        block.append(record.bytes)
        documentCount += 1
        if block.count >= blockBytes { try spoolBlock() }
    }

    private func spoolBlock() throws {
        guard block.count > 0 else { return }
        let start = spool.position
        try spool.write(block)
        spooled.append((blockFirstDoc, start..<spool.position))
        block.removeAll()
        blockFirstDoc = documentCount
    }

    /// Trains the dictionary, writes it, the compressed blocks, the block index and the trailer, and
    /// finishes the file.
    func finish() throws -> (length: Int, checksum: UInt32) {
        try spoolBlock()
        try spool.finish()
        defer { try? FileManager.default.removeItem(atPath: spoolPath) }
        let spooledBytes = spooled.reduce(0) { $0 + $1.range.count }
        let dictionary = sample.trainDictionary(capacity: min(dictionaryCapacity, spooledBytes / 32), level: level)
        try file.write(dictionary)

        let context = ZSTD_createCCtx()
        defer { ZSTD_freeCCtx(context) }
        let prepared = dictionary.isEmpty ? nil : dictionary.withUnsafeBytes { ZSTD_createCDict($0.baseAddress, $0.count, level) }
        defer { ZSTD_freeCDict(prepared) }
        guard context != nil, dictionary.isEmpty || prepared != nil else {
            throw IndexError.io(path: file.path, reason: "zstd could not allocate its compression context")
        }
        // The frames leave out the dictionary's id: the store has one dictionary, named by its trailer.
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        ZSTD_CCtx_setParameter(context, ZSTD_c_dictIDFlag, 0)
        if let prepared { ZSTD_CCtx_refCDict(context, prepared) }

        let raw = try MappedFile(path: spoolPath, name: "the store's spool")
        var index = ByteWriter(capacity: spooled.count * 12 + 20)
        var compressed: [UInt8] = []
        for (number, entry) in spooled.enumerated() {
            let bound = ZSTD_compressBound(entry.range.count)
            if compressed.count < bound { compressed = [UInt8](repeating: 0, count: bound) }
            let written = compressed.withUnsafeMutableBytes { target in
                ZSTD_compress2(context, target.baseAddress, target.count, raw.bytes.baseAddress! + entry.range.lowerBound, entry.range.count)
            }
            guard ZSTD_isError(written) == 0 else {
                throw IndexError.io(path: file.path, reason: "zstd: \(String(cString: ZSTD_getErrorName(written)))")
            }
            index.u32(UInt32(entry.firstDoc))
            index.u64(UInt64(file.position))
            try file.write(compressed[0..<written])
            // Each block is read once: its pages need not stay in memory.
            if number % 64 == 63 { raw.release(upTo: entry.range.upperBound) }
        }
        let indexOffset = file.position
        index.u32(UInt32(dictionary.count))
        index.u64(UInt64(indexOffset))
        index.u32(UInt32(spooled.count))
        index.u32(UInt32(documentCount))
        try file.write(index)
        return try file.finish()
    }
}

/// Records taken at a fixed stride, the stride doubled (and every other record dropped) whenever they
/// exceed `limit` bytes: a sample spread evenly over the whole corpus, however long, in bounded
/// memory. The same corpus always gives the same sample, so the same store.
struct RecordSample {
    /// Below this capacity, a dictionary is not worth its bytes.
    static let minimumDictionary = 4 << 10
    let limit: Int
    private(set) var stride = 1
    private var bytes: [UInt8] = []
    private var records: [(number: Int, length: Int)] = []

    var numbers: [Int] { records.map(\.number) }
    var byteCount: Int { bytes.count }

    init(limit: Int) { self.limit = limit }

    mutating func offer(_ record: [UInt8], number: Int) {
        // A record of more than an eighth of the sample would crowd out the others.
        guard number % stride == 0, record.count <= limit / 8 else { return }
        bytes.append(contentsOf: record)
        records.append((number, record.count))
        while bytes.count > limit { thin() }
    }

    private mutating func thin() {
        stride *= 2
        var keptBytes: [UInt8] = []
        keptBytes.reserveCapacity(bytes.count)
        var keptRecords: [(number: Int, length: Int)] = []
        var start = 0
        for record in records {
            if record.number % stride == 0 {
                keptBytes.append(contentsOf: bytes[start..<start + record.length])
                keptRecords.append(record)
            }
            start += record.length
        }
        bytes = keptBytes
        records = keptRecords
    }

    /// A zstd dictionary of at most `capacity` bytes trained on the sample, or none (empty) when the
    /// capacity is below `minimumDictionary` or zstd cannot train one on so few records.
    func trainDictionary(capacity: Int, level: Int32) -> [UInt8] {
        guard capacity >= Self.minimumDictionary, !records.isEmpty else { return [] }
        var parameters = ZDICT_fastCover_params_t()
        // Fixed segment and d-mer sizes: zstd's own trainer searches for them, on frdocs about 4 times
        // slower, and unsteady (from 1% smaller stores to 10% larger ones, by sample).
        parameters.k = 200
        parameters.d = 8
        parameters.f = 20
        parameters.accel = 1
        parameters.zParams.compressionLevel = level
        var dictionary = [UInt8](repeating: 0, count: capacity)
        let sizes = records.map(\.length)
        let length = dictionary.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                ZDICT_trainFromBuffer_fastCover(target.baseAddress, target.count, source.baseAddress, sizes, UInt32(sizes.count), parameters)
            }
        }
        guard ZDICT_isError(length) == 0 else { return [] }
        return Array(dictionary[0..<length])
    }
}

/// Reads store.fts in place: a document costs a binary search of the block index and the decompression
/// of its block.
struct StoredFieldsReader: @unchecked Sendable {
    private let cache: BlockCache
    private let contexts = DecompressionContexts()
    private let dictionary: DecompressionDictionary?
    private let bytes: UnsafeRawBufferPointer
    private let file: String
    let dictionaryLength: Int
    /// Where the blocks start: after the dictionary.
    private let blocksStart: Int
    private let indexOffset: Int
    let blockCount: Int
    let documentCount: Int
    private static let entryLength = 12
    private static let trailerLength = 20
    /// A block never decompresses to more than this: a guard against a corrupt frame header.
    private static let maximumBlockBytes = 1 << 30

    init(bytes: UnsafeRawBufferPointer, file: String, body: Range<Int>) throws {
        self.bytes = bytes
        self.file = file
        var trailer = ByteReader(bytes, file: file, offset: body.upperBound - Self.trailerLength, end: body.upperBound)
        guard body.count >= Self.trailerLength else { throw trailer.corrupt("store shorter than its trailer") }
        let dictionaryLength = try trailer.u32()
        let indexOffset = try trailer.u64()
        let blockCount = try trailer.u32()
        let documentCount = try trailer.u32()
        guard indexOffset >= UInt64(body.lowerBound) + UInt64(dictionaryLength),
              indexOffset + UInt64(blockCount) * UInt64(Self.entryLength) + UInt64(Self.trailerLength) == UInt64(body.upperBound),
              blockCount <= documentCount
        else { throw IndexError.corrupt(file: file, reason: "store trailer does not match the file's length") }
        self.dictionaryLength = Int(dictionaryLength)
        blocksStart = body.lowerBound + Int(dictionaryLength)
        self.indexOffset = Int(indexOffset)
        self.blockCount = Int(blockCount)
        self.documentCount = Int(documentCount)
        dictionary = dictionaryLength == 0 ? nil
            : DecompressionDictionary(UnsafeRawBufferPointer(rebasing: bytes[body.lowerBound..<blocksStart]), file: file)
        cache = BlockCache(capacity: BlockCache.defaultCapacity, blockCount: Int(blockCount))
    }

    /// Block `block`'s entry of the block index, which the trailer check placed within the file: read
    /// in place, checked against the file and the document count.
    private func entry(_ block: Int) throws -> (firstDoc: Int, offset: Int) {
        let at = indexOffset + block * Self.entryLength
        let firstDoc = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        // Compared before converting: a damaged offset may not even fit an Int.
        let stored = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 4, as: UInt64.self))
        guard stored >= UInt64(blocksStart) && stored <= UInt64(indexOffset), firstDoc < documentCount else {
            throw IndexError.corrupt(file: file, reason: "store block index entry out of range (at byte \(at))")
        }
        return (firstDoc, Int(truncatingIfNeeded: stored))
    }

    func document(_ doc: Int) throws -> StoredFields {
        try documents([doc])[0]
    }

    /// The documents `docs` (any order, repeats allowed), in that order; each block they fall in is
    /// decompressed once.
    func documents(_ docs: [Int]) throws -> [StoredFields] {
        try documents(docs, rawBody: false).map(\.fields)
    }

    /// The documents `docs`, with the body left as bytes (not in `fields`) beside its tokens' offsets:
    /// a long text read only for its snippet need not be checked as UTF-8 whole and copied into a
    /// string.
    func documents(_ docs: [Int], rawBody: Bool) throws -> [(fields: StoredFields, body: StoredText?)] {
        try records(docs).map { record in
            (StoredFields(try record.checkedValues(withoutBody: rawBody, file: file)), rawBody ? record.body : nil)
        }
    }

    /// The records of `docs` (any order, repeats allowed), in that order, their bytes unchecked; each
    /// block they fall in is decompressed once.
    func records(_ docs: [Int]) throws -> [StoredRecord] {
        // The blocks this call has read: a page of results falls in a few, looked for by a scan.
        var blocks: [(number: Int, firstDoc: Int, plain: [UInt8])] = []
        blocks.reserveCapacity(min(docs.count, 16))
        return try docs.map { doc in
            guard doc >= 0 && doc < documentCount else {
                throw IndexError.corrupt(file: file, reason: "no stored document \(doc)")
            }
            let block = try self.block(containing: doc)
            var found = blocks.firstIndex { $0.number == block }
            if found == nil {
                let read: (firstDoc: Int, plain: [UInt8])
                if let cached = cache.block(block) {
                    read = cached
                } else {
                    read = try decompress(block)
                    cache.insert(read, for: block)
                }
                blocks.append((block, read.firstDoc, read.plain))
                found = blocks.count - 1
            }
            let entry = blocks[found!]
            return try record(doc - entry.firstDoc, in: entry.plain)
        }
    }

    private func block(containing doc: Int) throws -> Int {
        var low = 0, high = blockCount - 1, block = 0
        while low <= high {
            let middle = (low + high) / 2
            if try entry(middle).firstDoc <= doc {
                block = middle
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return block
    }

    private func decompress(_ block: Int) throws -> (firstDoc: Int, plain: [UInt8]) {
        let (firstDoc, start) = try entry(block)
        let end = block + 1 < blockCount ? try entry(block + 1).offset : indexOffset
        guard end >= start else { throw IndexError.corrupt(file: file, reason: "store blocks out of order") }
        let frame = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        let size = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
        guard size != ZSTD_CONTENTSIZE_ERROR, size != ZSTD_CONTENTSIZE_UNKNOWN, size <= UInt64(Self.maximumBlockBytes) else {
            throw IndexError.corrupt(file: file, reason: "store block \(block) is not a valid zstd frame")
        }
        let prepared = try dictionary?.prepared()
        guard let context = contexts.take() else {
            throw IndexError.io(path: file, reason: "zstd could not allocate its decompression context")
        }
        defer { contexts.give(context) }
        var failed = false
        let plain = [UInt8](unsafeUninitializedCapacity: Int(size)) { buffer, initialized in
            let decoded = ZSTD_decompress_usingDDict(context, buffer.baseAddress, buffer.count, frame.baseAddress, frame.count,
                                                     prepared)
            failed = ZSTD_isError(decoded) != 0 || decoded != Int(size)
            // On failure the bytes are not trusted, nor kept.
            initialized = failed ? 0 : Int(size)
        }
        guard !failed else { throw IndexError.corrupt(file: file, reason: "store block \(block) does not decompress") }
        return (firstDoc, plain)
    }

    /// Record `index` of a decompressed block.
    private func record(_ index: Int, in plain: [UInt8]) throws -> StoredRecord {
        try plain.withUnsafeBytes { raw in
            var reader = ByteReader(raw, file: file)
            for _ in 0..<index {
                try reader.skip(try reader.vint(max: reader.remaining))
            }
            var record = ByteReader(raw, file: file, offset: reader.offset, end: raw.count)
            let length = try record.vint(max: record.remaining)
            record = ByteReader(raw, file: file, offset: record.offset, end: record.offset + length)
            let count = try record.vint(max: 1 << 16)
            var fields: [(field: Int, range: Range<Int>)] = []
            fields.reserveCapacity(count)
            var body: Range<Int>?
            for _ in 0..<count {
                let field = try record.vint(max: 255)
                let length = try record.vint(max: record.remaining)
                let start = record.offset
                try record.skip(length)
                fields.append((field, start..<record.offset))
                if field == StandardField.body { body = start..<record.offset }
            }
            let tokens = try StoredTokens(source: plain, reader: &record, textLength: body?.count ?? 0)
            return StoredRecord(block: plain, fields: fields, body: body.map { StoredText(block: plain, range: $0, tokens: tokens) })
        }
    }
}

/// The store's zstd dictionary (pointing into the mapped file), prepared for decompression at the
/// first block read, once: a search that only counts never pays for it.
final class DecompressionDictionary: @unchecked Sendable {
    private let bytes: UnsafeRawBufferPointer
    private let file: String
    private let lock = NSLock()
    private var loaded: OpaquePointer?

    init(_ bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
    }

    func prepared() throws -> OpaquePointer {
        try lock.withLock {
            if let loaded { return loaded }
            guard let made = ZSTD_createDDict_byReference(bytes.baseAddress, bytes.count) else {
                throw IndexError.corrupt(file: file, reason: "the store's zstd dictionary does not load")
            }
            loaded = made
            return made
        }
    }

    deinit { ZSTD_freeDDict(loaded) }
}

/// zstd decompression contexts, each used by one thread at a time and kept for the next block.
/// `ZSTD_decompress` makes one per call, about 160 KB allocated (memory the kernel maps afresh each
/// time) and initialised: a one-shot search of frdocs with snippets took 1.05 times as long.
final class DecompressionContexts: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [OpaquePointer] = []

    func take() -> OpaquePointer? {
        lock.withLock { idle.popLast() } ?? ZSTD_createDCtx()
    }

    func give(_ context: OpaquePointer) {
        lock.withLock { idle.append(context) }
    }

    deinit {
        for context in idle { ZSTD_freeDCtx(context) }
    }
}

/// Decompressed store blocks, the most recently used up to `capacity` bytes, shared by the threads
/// reading one index (as Manticore's docstore cache): a daemon answering pages of results reads the
/// same blocks again and again, and decompressing them was a third of a search with snippets. Blocks
/// are slots of an array by block number: a lookup is an index, not a hash. The numbers of the blocks
/// held are listed apart, for eviction to scan those only (a few thousand at most), not every slot of
/// a large store.
final class BlockCache: @unchecked Sendable {
    static let defaultCapacity = 32 << 20

    private let capacity: Int
    private let blockCount: Int
    private let lock = NSLock()
    /// A held block, its last use, and where its number stands in `held`. Made at the first insertion:
    /// a process that reads no document (a count) does not pay for a slot per block.
    private var slots: [(firstDoc: Int, plain: [UInt8], used: UInt64, heldAt: Int)?] = []
    private var held: [Int] = []
    private var bytes = 0
    private var clock: UInt64 = 0

    init(capacity: Int, blockCount: Int) {
        self.capacity = capacity
        self.blockCount = blockCount
    }

    func block(_ number: Int) -> (firstDoc: Int, plain: [UInt8])? {
        lock.withLock {
            guard number >= 0 && number < slots.count, slots[number] != nil else { return nil }
            clock += 1
            slots[number]!.used = clock
            return (slots[number]!.firstDoc, slots[number]!.plain)
        }
    }

    func insert(_ block: (firstDoc: Int, plain: [UInt8]), for number: Int) {
        guard block.plain.count <= capacity, number >= 0 && number < blockCount else { return }
        lock.withLock {
            if slots.isEmpty { slots = Array(repeating: nil, count: blockCount) }
            guard slots[number] == nil else { return }
            // Evict the least recently used: a scan of the blocks held, as evicting is rare.
            while bytes + block.plain.count > capacity, let oldest = held.min(by: { slots[$0]!.used < slots[$1]!.used }) {
                let evicted = slots[oldest]!
                bytes -= evicted.plain.count
                slots[oldest] = nil
                let last = held.removeLast()
                if last != oldest {
                    held[evicted.heldAt] = last
                    slots[last]!.heldAt = evicted.heldAt
                }
            }
            clock += 1
            slots[number] = (block.firstDoc, block.plain, clock, held.count)
            held.append(number)
            bytes += block.plain.count
        }
    }
}
