/// values.fts: for each field whose text holds numbers or dates (`SortValue`), every document's
/// smallest and largest, in columns read by document number, as Lucene's doc values and tantivy's fast
/// fields are: a search sorted by a field reads one value per match, never the stored document.
///
/// Layout (docs/FORMAT.md): a directory of 16-byte entries, then each column's data in directory order.
/// A column holds a slot per document (dense), or the documents that have a value and a slot for each
/// (sparse), whichever is smaller: a field few documents hold costs what they hold, not a slot for
/// every document. A slot of whole numbers is `value - base + 1` in `width` bits, 0 for none; any
/// other slot is a `u64` IEEE 754 double, NaN for none. The largest values follow the smallest only
/// where some document holds two different ones.
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

    /// Writes the directory, then each column's data, a column at a time.
    func write(documentCount: Int, to file: OutputFile) throws {
        let fields = columns.keys.sorted()
        var directory = ByteWriter()
        directory.u32(UInt32(fields.count))
        var layouts: [SortValuesReader.Layout] = []
        for field in fields {
            let column = columns[field]!
            let twoValues = zip(column.smallest, column.largest).contains { $0 != $1 }
            let all = twoValues ? column.smallest + column.largest : column.smallest
            let whole = all.allSatisfy { $0 == $0.rounded() && abs($0) <= SortValuesReader.largestWhole }
            let base = whole ? Int64(all.min()!) : 0
            let width = whole ? 64 - (UInt64(Int64(all.max()!) - base) + 1).leadingZeroBitCount : 0
            let dense = SortValuesReader.Layout(whole: whole, sparse: false, twoValues: twoValues, width: width, base: base)
            var sparse = dense
            sparse.sparse = true
            let layout = sparse.length(documentsWithValue: column.docs.count, documentCount: documentCount)
                < dense.length(documentsWithValue: column.docs.count, documentCount: documentCount) ? sparse : dense
            layouts.append(layout)
            directory.u8(UInt8(field))
            directory.u8(layout.encoding)
            directory.u8(twoValues ? 1 : 0)
            directory.u8(UInt8(width))
            directory.u32(UInt32(column.docs.count))
            directory.u64(UInt64(bitPattern: base))
        }
        try file.write(directory)
        for (field, layout) in zip(fields, layouts) {
            let column = columns[field]!
            // A dense column's slot is the document; a sparse one's, the document's rank among those listed.
            let slots = layout.sparse ? column.docs.indices.map { UInt32($0) } : column.docs
            let slotCount = layout.sparse ? column.docs.count : documentCount
            if layout.sparse {
                var docs = ByteWriter(capacity: 4 * column.docs.count)
                for doc in column.docs { docs.u32(doc) }
                try file.write(docs)
            }
            for values in layout.twoValues ? [column.smallest, column.largest] : [column.smallest] {
                try file.write(layout.whole ? Self.packed(values, slots: slots, base: layout.base, width: layout.width, slotCount: slotCount)
                                            : Self.doubles(values, slots: slots, slotCount: slotCount))
            }
        }
    }

    /// `width` bits a slot, the lowest bit first, and 7 bytes of padding so that a reader may load 8
    /// bytes at any slot's first byte.
    private static func packed(_ values: [Double], slots: [UInt32], base: Int64, width: Int, slotCount: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: SortValuesReader.packedLength(slots: slotCount, width: width))
        for (slot, value) in zip(slots, values) {
            let bit = Int(slot) * width
            let shifted = (UInt64(Int64(value) - base) + 1) << UInt64(bit & 7)
            for byte in 0..<8 { bytes[bit >> 3 + byte] |= UInt8(truncatingIfNeeded: shifted >> UInt64(8 * byte)) }
        }
        return bytes
    }

    private static func doubles(_ values: [Double], slots: [UInt32], slotCount: Int) -> [UInt8] {
        var writer = ByteWriter(capacity: slotCount * 8)
        var next = 0
        for slot in 0..<slotCount {
            if next < slots.count && slots[next] == slot {
                writer.u64(values[next].bitPattern)
                next += 1
            } else {
                writer.u64(Double.nan.bitPattern)
            }
        }
        return writer.bytes
    }
}

/// Reads values.fts. Every column's bounds are checked when it opens, so a read checks nothing but a
/// sparse column's document numbers, which a damaged file could put past the index's documents.
public struct SortValuesReader: @unchecked Sendable {
    /// How a column is laid out: what its directory entry says.
    struct Layout {
        var whole: Bool
        var sparse: Bool
        var twoValues: Bool
        var width: Int
        var base: Int64

        /// 0 whole numbers, 1 doubles; plus 2 when sparse.
        var encoding: UInt8 { (whole ? 0 : 1) + (sparse ? 2 : 0) }

        /// The bytes of the column's data.
        func length(documentsWithValue: Int, documentCount: Int) -> Int {
            let slots = sparse ? documentsWithValue : documentCount
            let values = whole ? SortValuesReader.packedLength(slots: slots, width: width) : slots * 8
            return (sparse ? 4 * documentsWithValue : 0) + (twoValues ? 2 : 1) * values
        }
    }

    struct Column {
        var layout: Layout
        var documentsWithValue: Int
        /// Offsets in the file: a sparse column's document numbers, and the slots of each value.
        var docs: Int
        var smallest: Int
        var largest: Int
    }

    /// Whole numbers up to 2⁵³ are exact in a double; a column of them takes at most 55 bits a value.
    static let largestWhole = 9_007_199_254_740_992.0
    static let directoryEntryLength = 16

    private let bytes: UnsafeRawBufferPointer
    /// By field number; nil for a field with no values.
    let columns: ColumnDirectory<Column>
    private let documentCount: Int

    static func packedLength(slots: Int, width: Int) -> Int { (slots * width + 7) / 8 + 7 }

    init(bytes: UnsafeRawBufferPointer, file: String, body: Range<Int>, fieldCount: Int, documentCount: Int) throws {
        self.bytes = bytes
        columns = try ColumnDirectory(bytes: bytes, file: file, body: body, fieldCount: fieldCount,
                                      entryLength: Self.directoryEntryLength) { field, reader, data in
            let encoding = try reader.u8()
            let twoValues = try reader.u8()
            let width = Int(try reader.u8())
            let documentsWithValue = Int(try reader.u32())
            let base = Int64(bitPattern: try reader.u64())
            let layout = Layout(whole: encoding & 1 == 0, sparse: encoding & 2 != 0, twoValues: twoValues == 1, width: width, base: base)
            guard encoding <= 3, twoValues <= 1, documentsWithValue >= 1, documentsWithValue <= documentCount,
                  layout.whole ? (1...55).contains(width) : width == 0 else {
                throw reader.corrupt("malformed column of field \(field)")
            }
            let length = layout.length(documentsWithValue: documentsWithValue, documentCount: documentCount)
            let smallest = data + (layout.sparse ? 4 * documentsWithValue : 0)
            let values = (length - (smallest - data)) / (layout.twoValues ? 2 : 1)
            return (Column(layout: layout, documentsWithValue: documentsWithValue, docs: data, smallest: smallest,
                           largest: layout.twoValues ? smallest + values : smallest), data + length)
        }
        self.documentCount = documentCount
    }

    /// Whether some document has a value in `field`.
    public func hasValues(field: Int) -> Bool { columns[field] != nil }

    /// The fields that have values, by number.
    public var fields: [Int] { columns.fields }

    /// How many documents have a value in `field`.
    public func documentsWithValue(field: Int) -> Int { columns[field]?.documentsWithValue ?? 0 }

    /// `doc`'s smallest (or `largest`) value in `field`, nil when it has none. `doc` must be a document
    /// of the index.
    public func value(doc: Int, field: Int, largest: Bool) -> Double? {
        guard let column = columns[field] else { return nil }
        guard let slot = column.layout.sparse ? slot(of: doc, in: column) : doc else { return nil }
        return value(slot: slot, in: column, at: largest ? column.largest : column.smallest)
    }

    /// Calls `body` with each document that has a value in `field`, in document order, and its smallest
    /// and largest values: one loop over the column, for a range of dates.
    public func forEachDocument(field: Int, _ body: (_ doc: Int, _ smallest: Double, _ largest: Double) throws -> Void) rethrows {
        guard let column = columns[field] else { return }
        for slot in 0..<(column.layout.sparse ? column.documentsWithValue : documentCount) {
            let doc = column.layout.sparse ? document(at: slot, in: column) : slot
            guard doc < documentCount, let smallest = value(slot: slot, in: column, at: column.smallest) else { continue }
            let largest = column.largest == column.smallest ? smallest : value(slot: slot, in: column, at: column.largest) ?? smallest
            try body(doc, smallest, largest)
        }
    }

    @inline(__always)
    private func document(at slot: Int, in column: Column) -> Int {
        Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: column.docs + 4 * slot, as: UInt32.self)))
    }

    /// The slot of `doc` in a sparse column: a binary search of its document numbers.
    private func slot(of doc: Int, in column: Column) -> Int? {
        var low = 0, high = column.documentsWithValue
        while low < high {
            let middle = (low + high) / 2
            if document(at: middle, in: column) < doc { low = middle + 1 } else { high = middle }
        }
        return low < column.documentsWithValue && document(at: low, in: column) == doc ? low : nil
    }

    @inline(__always)
    private func value(slot: Int, in column: Column, at start: Int) -> Double? {
        if column.layout.whole {
            let bit = slot * column.layout.width
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start + bit >> 3, as: UInt64.self))
            let stored = (word >> UInt64(bit & 7)) & (1 << UInt64(column.layout.width) - 1)
            // Wrapping: a damaged base gives a wrong value (which `fts verify` reports), never a trap.
            return stored == 0 ? nil : Double(column.layout.base &+ Int64(stored) &- 1)
        }
        let value = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start + slot * 8, as: UInt64.self)))
        return value.isNaN ? nil : value
    }
}
