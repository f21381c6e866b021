/// values.fts: for each field whose text holds numbers or dates (`SortValue`), every document's
/// smallest and largest, in columns read by document number, as Lucene's doc values and tantivy's fast
/// fields are: a search sorted by a field reads one value per match, never the stored document.
///
/// Layout (docs/FORMAT.md): a directory of 16-byte entries, then each column's data in directory order.
/// A column of whole numbers stores `value - base + 1` in `width` bits per document, 0 for none; any
/// other column stores each document's value as a `u64` IEEE 754 double, NaN for none. The largest
/// values follow the smallest only where some document holds two different ones.
final class SortValuesWriter {
    private struct Column {
        var docs: [UInt32] = []
        var smallest: [Double] = []
        var largest: [Double] = []
    }

    /// Bytes a document's value costs the build until the end: what the budget is charged.
    static let bytesPerValue = 20
    private var columns: [Int: Column] = [:]

    /// Records `doc`'s values in `field`, if its text holds any. Documents come in increasing order.
    /// Returns whether it did.
    func add(doc: UInt32, field: Int, text: String) -> Bool {
        guard let range = SortValue.range(of: text) else { return false }
        var column = columns.removeValue(forKey: field) ?? Column()
        defer { columns[field] = column }
        // A field met twice in one document holds the values of both.
        if column.docs.last == doc {
            column.smallest[column.smallest.count - 1] = min(column.smallest.last!, range.smallest)
            column.largest[column.largest.count - 1] = max(column.largest.last!, range.largest)
            return false
        }
        column.docs.append(doc)
        column.smallest.append(range.smallest)
        column.largest.append(range.largest)
        return true
    }

    func write(documentCount: Int, to file: OutputFile) throws {
        var directory = ByteWriter()
        let fields = columns.keys.sorted()
        directory.u32(UInt32(fields.count))
        var data: [[UInt8]] = []
        for field in fields {
            let column = columns[field]!
            let twoValues = zip(column.smallest, column.largest).contains { $0 != $1 }
            let all = twoValues ? column.smallest + column.largest : column.smallest
            let whole = all.allSatisfy { $0 == $0.rounded() && abs($0) <= SortValuesReader.largestWhole }
            let base = whole ? Int64(all.min()!) : 0
            let width = whole ? 64 - (UInt64(Int64(all.max()!) - base) + 1).leadingZeroBitCount : 0
            directory.u8(UInt8(field))
            directory.u8(whole ? SortValuesReader.Encoding.whole.rawValue : SortValuesReader.Encoding.double.rawValue)
            directory.u8(twoValues ? 1 : 0)
            directory.u8(UInt8(width))
            directory.u32(UInt32(column.docs.count))
            directory.u64(UInt64(bitPattern: base))
            for values in twoValues ? [column.smallest, column.largest] : [column.smallest] {
                data.append(whole ? Self.packed(values, docs: column.docs, base: base, width: width, documentCount: documentCount)
                                  : Self.doubles(values, docs: column.docs, documentCount: documentCount))
            }
        }
        try file.write(directory)
        for bytes in data { try file.write(bytes) }
    }

    /// `width` bits per document, the lowest bit first, and 7 bytes of padding so that a reader may
    /// load 8 bytes at any document's first byte.
    private static func packed(_ values: [Double], docs: [UInt32], base: Int64, width: Int, documentCount: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: SortValuesReader.packedLength(documentCount: documentCount, width: width))
        for (doc, value) in zip(docs, values) {
            let bit = Int(doc) * width
            let shifted = (UInt64(Int64(value) - base) + 1) << UInt64(bit & 7)
            for byte in 0..<8 { bytes[bit >> 3 + byte] |= UInt8(truncatingIfNeeded: shifted >> UInt64(8 * byte)) }
        }
        return bytes
    }

    private static func doubles(_ values: [Double], docs: [UInt32], documentCount: Int) -> [UInt8] {
        var writer = ByteWriter(capacity: documentCount * 8)
        var next = 0
        for doc in 0..<documentCount {
            if next < docs.count && docs[next] == doc {
                writer.u64(values[next].bitPattern)
                next += 1
            } else {
                writer.u64(Double.nan.bitPattern)
            }
        }
        return writer.bytes
    }
}

/// Reads values.fts. Every column's bounds are checked when it opens, so a read checks nothing.
public struct SortValuesReader: @unchecked Sendable {
    enum Encoding: UInt8 { case whole = 0, double = 1 }

    struct Column {
        var encoding: Encoding
        var width: Int
        var base: Int64
        var documentsWithValue: Int
        var smallest: Int
        var largest: Int
    }

    /// Whole numbers up to 2⁵³ are exact in a double; a column of them takes at most 55 bits a value.
    static let largestWhole = 9_007_199_254_740_992.0
    static let directoryEntryLength = 16

    private let bytes: UnsafeRawBufferPointer
    /// By field number; nil for a field with no values.
    private let columns: [Column?]
    private let documentCount: Int

    static func packedLength(documentCount: Int, width: Int) -> Int { (documentCount * width + 7) / 8 + 7 }

    init(bytes: UnsafeRawBufferPointer, file: String, body: Range<Int>, fieldCount: Int, documentCount: Int) throws {
        self.bytes = bytes
        var reader = ByteReader(bytes, file: file, offset: body.lowerBound, end: body.upperBound)
        let count = Int(try reader.u32())
        guard count <= fieldCount else { throw reader.corrupt("\(count) columns for \(fieldCount) fields") }
        var columns = [Column?](repeating: nil, count: fieldCount)
        var data = reader.offset + count * Self.directoryEntryLength
        var previous = -1
        for _ in 0..<count {
            let field = Int(try reader.u8())
            guard field > previous, field < fieldCount else { throw reader.corrupt("column of unknown or repeated field \(field)") }
            previous = field
            guard let encoding = Encoding(rawValue: try reader.u8()) else { throw reader.corrupt("unknown column encoding") }
            let twoValues = try reader.u8()
            let width = Int(try reader.u8())
            let documentsWithValue = Int(try reader.u32())
            let base = Int64(bitPattern: try reader.u64())
            guard twoValues <= 1, documentsWithValue >= 1, documentsWithValue <= documentCount,
                  encoding == .whole ? (1...55).contains(width) : width == 0 else {
                throw reader.corrupt("malformed column of field \(field)")
            }
            let length = encoding == .whole ? Self.packedLength(documentCount: documentCount, width: width) : documentCount * 8
            let column = Column(encoding: encoding, width: width, base: base, documentsWithValue: documentsWithValue,
                                smallest: data, largest: twoValues == 1 ? data + length : data)
            data += twoValues == 1 ? 2 * length : length
            columns[field] = column
        }
        guard data == body.upperBound else { throw reader.corrupt("columns' data does not fill the file") }
        self.columns = columns
        self.documentCount = documentCount
    }

    /// Whether some document has a value in `field`.
    public func hasValues(field: Int) -> Bool { field >= 0 && field < columns.count && columns[field] != nil }

    /// The fields that have values, by number.
    public var fields: [Int] { columns.indices.filter { columns[$0] != nil } }

    /// How many documents have a value in `field`.
    public func documentsWithValue(field: Int) -> Int { hasValues(field: field) ? columns[field]!.documentsWithValue : 0 }

    /// `doc`'s smallest (or `largest`) value in `field`, nil when it has none. `doc` must be a document
    /// of the index.
    public func value(doc: Int, field: Int, largest: Bool) -> Double? {
        guard field >= 0 && field < columns.count, let column = columns[field] else { return nil }
        return Self.value(doc: doc, in: column, at: largest ? column.largest : column.smallest, bytes: bytes)
    }

    /// Calls `body` with each document that has a value in `field`, in document order, and its smallest
    /// and largest values: one loop over the column, for a range of dates.
    public func forEachDocument(field: Int, _ body: (_ doc: Int, _ smallest: Double, _ largest: Double) throws -> Void) rethrows {
        guard field >= 0 && field < columns.count, let column = columns[field] else { return }
        for doc in 0..<documentCount {
            guard let smallest = Self.value(doc: doc, in: column, at: column.smallest, bytes: bytes) else { continue }
            let largest = column.largest == column.smallest ? smallest
                : Self.value(doc: doc, in: column, at: column.largest, bytes: bytes) ?? smallest
            try body(doc, smallest, largest)
        }
    }

    @inline(__always)
    private static func value(doc: Int, in column: Column, at start: Int, bytes: UnsafeRawBufferPointer) -> Double? {
        switch column.encoding {
        case .whole:
            let bit = doc * column.width
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start + bit >> 3, as: UInt64.self))
            let stored = (word >> UInt64(bit & 7)) & (1 << UInt64(column.width) - 1)
            // Wrapping: a damaged base gives a wrong value (which `fts verify` reports), never a trap.
            return stored == 0 ? nil : Double(column.base &+ Int64(stored) &- 1)
        case .double:
            let value = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start + doc * 8, as: UInt64.self)))
            return value.isNaN ? nil : value
        }
    }
}
