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

/// Writes store.fts: documents in order, packed into blocks of about `blockBytes` that are compressed
/// with zstd, followed by a fixed-width index of (first document, offset) per block.
final class StoredFieldsWriter {
    private let file: OutputFile
    private let blockBytes: Int
    private let level: Int32
    private var block = ByteWriter(capacity: 1 << 16)
    private var blockFirstDoc = 0
    private var documentCount = 0
    private var index: [(firstDoc: UInt32, offset: UInt64)] = []
    private var compressed: [UInt8] = []
    private let context: OpaquePointer

    init(file: OutputFile, blockBytes: Int = 16 << 10, level: Int32 = 3) {
        self.file = file
        self.blockBytes = blockBytes
        self.level = level
        context = ZSTD_createCCtx()
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Adds the next document: its fields, and where the tokens of its body stand.
    func add(_ fields: StoredFields, bodyTokens: TokenOffsets) throws {
        var record = ByteWriter()
        record.vint(fields.values.count)
        for (field, value) in fields.values {
            record.vint(field)
            record.string(value)
        }
        bodyTokens.encode(into: &record)
        block.vint(record.count)
        block.append(record.bytes)
        documentCount += 1
        if block.count >= blockBytes { try flush() }
    }

    private func flush() throws {
        guard block.count > 0 else { return }
        let bound = ZSTD_compressBound(block.count)
        if compressed.count < bound { compressed = [UInt8](repeating: 0, count: bound) }
        let written = block.bytes.withUnsafeBytes { source in
            compressed.withUnsafeMutableBytes { target in
                ZSTD_compressCCtx(context, target.baseAddress, target.count, source.baseAddress, source.count, level)
            }
        }
        guard ZSTD_isError(written) == 0 else {
            throw IndexError.io(path: file.path, reason: "zstd: \(String(cString: ZSTD_getErrorName(written)))")
        }
        index.append((UInt32(blockFirstDoc), UInt64(file.position)))
        try file.write(compressed[0..<written])
        block.removeAll()
        blockFirstDoc = documentCount
    }

    /// Writes the last block, the block index and the trailer. The caller finishes the file.
    func finish() throws {
        try flush()
        let indexOffset = file.position
        var trailer = ByteWriter()
        for entry in index {
            trailer.u32(entry.firstDoc)
            trailer.u64(entry.offset)
        }
        trailer.u64(UInt64(indexOffset))
        trailer.u32(UInt32(index.count))
        trailer.u32(UInt32(documentCount))
        try file.write(trailer)
    }
}

/// Reads store.fts in place: a document costs a binary search of the block index and the decompression
/// of its block.
struct StoredFieldsReader: @unchecked Sendable {
    private let cache: BlockCache
    private let contexts = DecompressionContexts()
    private let bytes: UnsafeRawBufferPointer
    private let file: String
    private let indexOffset: Int
    private let blockCount: Int
    let documentCount: Int
    private static let entryLength = 12
    private static let trailerLength = 16
    /// A block never decompresses to more than this: a guard against a corrupt frame header.
    private static let maximumBlockBytes = 1 << 30

    init(bytes: UnsafeRawBufferPointer, file: String, body: Range<Int>) throws {
        self.bytes = bytes
        self.file = file
        var trailer = ByteReader(bytes, file: file, offset: body.upperBound - Self.trailerLength, end: body.upperBound)
        guard body.count >= Self.trailerLength else { throw trailer.corrupt("store shorter than its trailer") }
        let indexOffset = try trailer.u64()
        let blockCount = try trailer.u32()
        let documentCount = try trailer.u32()
        guard indexOffset >= UInt64(body.lowerBound),
              indexOffset + UInt64(blockCount) * UInt64(Self.entryLength) + UInt64(Self.trailerLength) == UInt64(body.upperBound),
              blockCount <= documentCount
        else { throw IndexError.corrupt(file: file, reason: "store trailer does not match the file's length") }
        self.indexOffset = Int(indexOffset)
        self.blockCount = Int(blockCount)
        self.documentCount = Int(documentCount)
        cache = BlockCache(capacity: BlockCache.defaultCapacity, blockCount: Int(blockCount))
    }

    /// Block `block`'s entry of the block index, which the trailer check placed within the file: read
    /// in place, checked against the file and the document count.
    private func entry(_ block: Int) throws -> (firstDoc: Int, offset: Int) {
        let at = indexOffset + block * Self.entryLength
        let firstDoc = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        // Compared before converting: a damaged offset may not even fit an Int.
        let stored = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at + 4, as: UInt64.self))
        guard stored >= UInt64(FileFormat.headerLength) && stored <= UInt64(indexOffset), firstDoc < documentCount else {
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
        var failed = false
        let context = contexts.take()
        defer { contexts.give(context) }
        let plain = [UInt8](unsafeUninitializedCapacity: Int(size)) { buffer, initialized in
            // No context (zstd could not allocate one): the one-call decompression, which makes its own.
            let decoded = context.map { ZSTD_decompressDCtx($0, buffer.baseAddress, buffer.count, frame.baseAddress, frame.count) }
                ?? ZSTD_decompress(buffer.baseAddress, buffer.count, frame.baseAddress, frame.count)
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

/// zstd decompression contexts, each used by one thread at a time and kept for the next block.
/// `ZSTD_decompress` makes one per call, about 160 KB allocated (memory the kernel maps afresh each
/// time) and initialised: a one-shot search of frdocs with snippets took 1.05 times as long.
final class DecompressionContexts: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [OpaquePointer] = []

    func take() -> OpaquePointer? {
        lock.withLock { idle.popLast() } ?? ZSTD_createDCtx()
    }

    func give(_ context: OpaquePointer?) {
        guard let context else { return }
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
    private let lock = NSLock()
    /// A held block, its last use, and where its number stands in `held`.
    private var slots: [(firstDoc: Int, plain: [UInt8], used: UInt64, heldAt: Int)?]
    private var held: [Int] = []
    private var bytes = 0
    private var clock: UInt64 = 0

    init(capacity: Int, blockCount: Int) {
        self.capacity = capacity
        slots = Array(repeating: nil, count: blockCount)
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
        guard block.plain.count <= capacity, number >= 0 && number < slots.count else { return }
        lock.withLock {
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
