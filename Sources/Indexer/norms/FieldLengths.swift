import Foundation

/// norms.fts: each indexed field's length in terms in every document, exact (BM25 needs them as they
/// are). A field most documents hold is dense, a `u32` per document; one that fewer than half hold is
/// sparse, the documents that have it and their lengths, as Lucene's sparse norms: a field few
/// documents hold costs what they hold, not four bytes in every document (docs/FORMAT.md).
enum FieldLengthsWriter {
    static let dense: UInt8 = 0, sparse: UInt8 = 1

    /// The body for the indexed fields' `lengths` (each `documentCount` long, in field order).
    static func write(_ lengths: [[UInt32]], fields: [FieldInfo], to file: OutputFile) throws {
        for (number, field) in fields.enumerated() where field.indexed {
            let all = lengths[number]
            let holding = all.indices.filter { all[$0] > 0 }
            var writer = ByteWriter(capacity: 5 + 4 * all.count)
            if 4 + 8 * holding.count < 4 * all.count {
                writer.u8(sparse)
                writer.u32(UInt32(holding.count))
                for doc in holding { writer.u32(UInt32(doc)) }
                for doc in holding { writer.u32(all[doc]) }
            } else {
                writer.u8(dense)
                for length in all { writer.u32(length) }
            }
            try file.write(writer)
        }
    }
}

/// Reads norms.fts. A dense field's lengths are read in place; a sparse field's are spread into a
/// `u32` per document the first time a search needs them, and kept while the index is open.
final class FieldLengthsReader: @unchecked Sendable {
    private enum Field {
        case dense(offset: Int)
        case sparse(docs: Int, count: Int)
    }

    private let bytes: UnsafeRawBufferPointer
    private let documentCount: Int
    /// By field number; nil for a field that is not indexed.
    private let fields: [Field?]
    private let lock = NSLock()
    private var spread: [UnsafeMutablePointer<UInt32>?]

    init(bytes: UnsafeRawBufferPointer, file: String, body: Range<Int>, meta: IndexMeta) throws {
        self.bytes = bytes
        documentCount = meta.documentCount
        var reader = ByteReader(bytes, file: file, offset: body.lowerBound, end: body.upperBound)
        var fields: [Field?] = []
        for field in meta.fields {
            guard field.indexed else {
                fields.append(nil)
                continue
            }
            switch try reader.u8() {
            case FieldLengthsWriter.dense:
                fields.append(.dense(offset: reader.offset))
                try reader.skip(4 * meta.documentCount)
            case FieldLengthsWriter.sparse:
                let count = Int(try reader.u32())
                guard count <= meta.documentCount else { throw reader.corrupt("\(count) lengths of field \(field.name) for \(meta.documentCount) documents") }
                fields.append(.sparse(docs: reader.offset, count: count))
                try reader.skip(8 * count)
            default:
                throw reader.corrupt("unknown layout of field \(field.name)")
            }
        }
        guard reader.isAtEnd else { throw reader.corrupt("length does not match the fields and documents") }
        self.fields = fields
        spread = [UnsafeMutablePointer<UInt32>?](repeating: nil, count: fields.count)
    }

    deinit {
        for lengths in spread { lengths?.deallocate() }
    }

    /// `documentCount` little-endian `u32`s, read with `loadUnaligned`; nil for a field that is not
    /// indexed. Valid while the reader lives.
    func lengths(field: Int) -> UnsafeRawPointer? {
        guard field >= 0, field < fields.count, let layout = fields[field] else { return nil }
        switch layout {
        case .dense(let offset):
            return bytes.baseAddress! + offset
        case let .sparse(docs, count):
            return lock.withLock {
                if let lengths = spread[field] { return UnsafeRawPointer(lengths) }
                let lengths = UnsafeMutablePointer<UInt32>.allocate(capacity: max(documentCount, 1))
                lengths.initialize(repeating: 0, count: max(documentCount, 1))
                for index in 0..<count {
                    let doc = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: docs + 4 * index, as: UInt32.self)))
                    // A damaged document number is passed over (`fts verify` reports the totals).
                    guard doc < documentCount else { continue }
                    lengths[doc] = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: docs + 4 * (count + index), as: UInt32.self))
                }
                spread[field] = lengths
                return UnsafeRawPointer(lengths)
            }
        }
    }
}
