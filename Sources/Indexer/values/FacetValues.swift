import Foundation

/// facets.fts: every document's path, and for each field beyond the title and the body, every
/// document's values as the corpus gave them (a JSON array's elements, a front matter list's entries,
/// or the whole text), numbered in a sorted dictionary: what a search counts to give the values of
/// its matches (facets), as Lucene's sorted set doc values and tantivy's string columns hold them.
///
/// Layout (docs/FORMAT.md): a directory of 16-byte entries, then each column's data in directory order:
/// the dictionary (offsets, then the values' bytes), a sparse column's documents, each slot's start in
/// the ordinals, and the ordinals bit-packed. A column holds a slot per document (dense), or a slot per
/// document with a value (sparse), whichever is smaller. A column whose documents hold one value each
/// (single, as Lucene's sorted doc values beside its sorted set ones) has no starts: a slot is its
/// ordinal plus one, 0 for none, so that counting reads one packed number a match. A value longer than
/// 256 bytes (`FacetValuesReader.longestValue`) is left out, as Elasticsearch's `ignore_above` leaves
/// out long keywords: it is a text, not a category.
final class FacetValuesWriter {
    private struct Column {
        /// Values numbered as first met; renumbered in byte order when written.
        var numbers: [String: UInt32] = [:]
        var docs: [UInt32] = []
        /// Where each of `docs` ends in `values`.
        var ends: [UInt32] = []
        var values: [UInt32] = []
    }

    private var columns: [Int: Column] = [:]

    /// Records `doc`'s `items` in `field`. Documents come in increasing order. Returns the bytes the
    /// build holds for them until the end: what the budget is charged.
    func add(doc: UInt32, field: Int, items: [String]) -> Int {
        var column = columns.removeValue(forKey: field) ?? Column()
        // A field none of whose values is kept (all empty, or all too long) has no column: a column
        // holds at least one value.
        defer { if !column.docs.isEmpty { columns[field] = column } }
        var held = 0
        for item in items where !item.isEmpty && item.utf8.count <= FacetValuesReader.longestValue {
            if column.docs.last != doc {
                column.docs.append(doc)
                column.ends.append(UInt32(column.values.count))
                held += 8
            }
            let number: UInt32
            if let known = column.numbers[item] {
                number = known
            } else {
                number = UInt32(column.numbers.count)
                column.numbers[item] = number
                held += 64 + item.utf8.count
            }
            column.values.append(number)
            column.ends[column.ends.count - 1] += 1
            held += 4
        }
        return held
    }

    func write(documentCount: Int, to file: OutputFile) throws {
        let fields = columns.keys.sorted()
        var directory = ByteWriter()
        directory.u32(UInt32(fields.count))
        var data: [[UInt8]] = []
        for field in fields {
            let column = columns[field]!
            let sorted = column.numbers.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            var rank = [UInt32](repeating: 0, count: sorted.count)
            for (index, value) in sorted.enumerated() { rank[Int(column.numbers[value]!)] = UInt32(index) }
            // Each document's ordinals in order, each once.
            var ordinals: [UInt32] = []
            var ends: [UInt32] = []
            var start = 0
            for end in column.ends {
                let mine = Set(column.values[start..<Int(end)].map { rank[Int($0)] }).sorted()
                ordinals += mine
                ends.append(UInt32(ordinals.count))
                start = Int(end)
            }
            let single = ordinals.count == column.docs.count
            // Single: each slot is an ordinal plus one, 0 for a document without a value.
            let width = single ? 64 - UInt64(sorted.count).leadingZeroBitCount : max(1, 64 - UInt64(sorted.count - 1).leadingZeroBitCount)
            let sparse = FacetValuesReader.slotsLength(slots: column.docs.count, sparse: true, single: single, width: width)
                < FacetValuesReader.slotsLength(slots: documentCount, sparse: false, single: single, width: width)
            directory.u8(UInt8(field))
            directory.u8((sparse ? 1 : 0) | (single ? 2 : 0))
            directory.u8(UInt8(width))
            directory.u8(0)
            directory.u32(UInt32(sorted.count))
            directory.u32(UInt32(column.docs.count))
            directory.u32(UInt32(ordinals.count))

            var bytes = ByteWriter()
            var offset: UInt32 = 0
            bytes.u32(0)
            for value in sorted {
                offset += UInt32(value.utf8.count)
                bytes.u32(offset)
            }
            for value in sorted { bytes.append(value.utf8) }
            if sparse {
                for doc in column.docs { bytes.u32(doc) }
            }
            if single {
                var slots = [UInt32](repeating: 0, count: sparse ? column.docs.count : documentCount)
                for (index, doc) in column.docs.enumerated() { slots[sparse ? index : Int(doc)] = ordinals[index] + 1 }
                bytes.append(Self.packed(slots, width: width))
                data.append(bytes.bytes)
                continue
            }
            if sparse {
                bytes.u32(0)
                for end in ends { bytes.u32(end) }
            } else {
                var next = 0, end: UInt32 = 0
                bytes.u32(0)
                for doc in 0..<documentCount {
                    if next < column.docs.count && column.docs[next] == doc {
                        end = ends[next]
                        next += 1
                    }
                    bytes.u32(end)
                }
            }
            bytes.append(Self.packed(ordinals, width: width))
            data.append(bytes.bytes)
        }
        try file.write(directory)
        for bytes in data { try file.write(bytes) }
    }

    /// `width` bits a value, the lowest bit first, and 7 bytes of padding so that a reader may load 8
    /// bytes at any value's first byte.
    private static func packed(_ values: [UInt32], width: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: FacetValuesReader.packedLength(count: values.count, width: width))
        for (index, value) in values.enumerated() {
            let bit = index * width
            let shifted = UInt64(value) << UInt64(bit & 7)
            for byte in 0..<5 { bytes[bit >> 3 + byte] |= UInt8(truncatingIfNeeded: shifted >> UInt64(8 * byte)) }
        }
        return bytes
    }
}

/// Reads facets.fts. Opening checks the directory and every column's length; a read checks the slot's
/// bounds and each ordinal, so that a damaged file gives wrong values (which `fts verify` reports),
/// never a read out of bounds.
public struct FacetValuesReader: @unchecked Sendable {
    struct Column {
        var sparse: Bool
        /// One value a document with any: no starts, and each slot the ordinal plus one (0 for none).
        var single: Bool
        var width: Int
        var valueCount: Int
        var documentsWithValue: Int
        var ordinalCount: Int
        /// Offsets in the file.
        var offsets: Int
        var strings: Int
        var stringsLength: Int
        var docs: Int
        var starts: Int
        var ordinals: Int
    }

    static let directoryEntryLength = 16
    /// Longer values are left out.
    public static let longestValue = 256

    private let bytes: UnsafeRawBufferPointer
    private let file: String
    /// By field number; nil for a field with no values.
    let columns: ColumnDirectory<Column>
    private let documentCount: Int
    private let computed = Computed()

    /// Each field's documents by value, counted the first time a search over every document asks;
    /// and its values' groups, by field and grouping, made the first time a search asks.
    private final class Computed: @unchecked Sendable {
        let lock = NSLock()
        var documentCounts: [Int: [Int]] = [:]
        var groups: [GroupKey: ValueGroups] = [:]
        var kinds: [Int: ValueKinds] = [:]
        var alphabetical: [Int: [Int32]] = [:]
    }

    /// How many of a field's different values read as dates (`FIELD:year` counts them) and as
    /// numbers (`FIELD:interval=W` counts them).
    public struct ValueKinds: Equatable, Sendable {
        public var dates = 0
        public var numbers = 0
    }

    private struct GroupKey: Hashable {
        var field: Int
        var grouping: ValueGrouping
    }

    /// How a histogram groups a field's values.
    public enum ValueGrouping: Hashable, Sendable {
        /// Dates (`SortValue.date`) by the first `length` characters of the date as written (4: the
        /// year, 7: the month, 10: the day), so that a date falls on the day its text says whatever
        /// its time zone.
        case datePrefix(length: Int)
        /// Numbers (`SortValue.number`) by intervals of `width` from 0: `[k·width, (k+1)·width)`.
        case numberInterval(width: Double)
    }

    /// A field's values grouped for a histogram.
    public struct ValueGroups: Sendable {
        /// The groups' keys in order: dates in time order, intervals by their start (`10` for [10, 20)).
        public let keys: [String]
        /// Each ordinal's group, -1 for a value the grouping does not take (not a date, not a number).
        public let groupOf: [Int32]
    }

    static func packedLength(count: Int, width: Int) -> Int { (count * width + 7) / 8 + 7 }

    /// The bytes of a column's documents and slots (its starts, or a single column's ordinals): a
    /// sparse column lists its documents.
    static func slotsLength(slots: Int, sparse: Bool, single: Bool, width: Int) -> Int {
        (sparse ? 4 * slots : 0) + (single ? packedLength(count: slots, width: width) : 4 * (slots + 1))
    }

    init(bytes: UnsafeRawBufferPointer, file: String, body: Range<Int>, fieldCount: Int, documentCount: Int) throws {
        self.bytes = bytes
        self.file = file
        columns = try ColumnDirectory(bytes: bytes, file: file, body: body, fieldCount: fieldCount,
                                      entryLength: Self.directoryEntryLength) { field, reader, data in
            let layout = try reader.u8()
            let width = Int(try reader.u8())
            _ = try reader.u8()
            let valueCount = Int(try reader.u32())
            let documentsWithValue = Int(try reader.u32())
            let ordinalCount = Int(try reader.u32())
            let sparse = layout & 1 != 0, single = layout & 2 != 0
            guard layout <= 3, (1...32).contains(width), valueCount >= 1, documentsWithValue >= 1,
                  documentsWithValue <= documentCount, single ? ordinalCount == documentsWithValue : ordinalCount >= documentsWithValue else {
                throw reader.corrupt("malformed column of field \(field)")
            }
            let strings = data + 4 * (valueCount + 1)
            guard strings + 4 <= body.upperBound else { throw reader.corrupt("column of field \(field) runs past the end") }
            let stringsLength = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: strings - 4, as: UInt32.self)))
            let docs = strings + stringsLength
            let starts = docs + (sparse ? 4 * documentsWithValue : 0)
            let slots = sparse ? documentsWithValue : documentCount
            let ordinals = single ? starts : starts + 4 * (slots + 1)
            let end = ordinals + Self.packedLength(count: single ? slots : ordinalCount, width: width)
            guard end <= body.upperBound else { throw reader.corrupt("column of field \(field) runs past the end") }
            return (Column(sparse: sparse, single: single, width: width, valueCount: valueCount, documentsWithValue: documentsWithValue,
                           ordinalCount: ordinalCount, offsets: data, strings: strings, stringsLength: stringsLength,
                           docs: docs, starts: starts, ordinals: ordinals), end)
        }
        self.documentCount = documentCount
    }

    /// Whether some document has a value in `field`.
    public func hasValues(field: Int) -> Bool { columns[field] != nil }

    /// The fields that have values, by number.
    public var fields: [Int] { columns.fields }

    /// How many different values `field` holds: its ordinals are below it.
    public func valueCount(field: Int) -> Int { columns[field]?.valueCount ?? 0 }

    /// How many documents have a value in `field`.
    public func documentsWithValue(field: Int) -> Int { columns[field]?.documentsWithValue ?? 0 }

    /// The value numbered `ordinal` in `field` (values are numbered in byte order).
    public func value(ordinal: Int, field: Int) throws -> String {
        guard let column = columns[field], ordinal >= 0, ordinal < column.valueCount else {
            throw IndexError.corrupt(file: file, reason: "no value \(ordinal) in field \(field)")
        }
        func load(_ offset: Int) -> Int { Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        let start = load(column.offsets + 4 * ordinal), end = load(column.offsets + 4 * ordinal + 4)
        guard start <= end, end <= column.stringsLength else {
            throw IndexError.corrupt(file: file, reason: "value \(ordinal) of field \(field) lies outside its dictionary")
        }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(column.strings + start)..<(column.strings + end)]), as: UTF8.self)
    }

    /// Where a search over documents in increasing order stands in a sparse column: the slot to search
    /// from for the next document.
    public struct Cursor {
        var slot = 0
        public init() {}
    }

    /// One field's column, to read many documents' ordinals without looking the field up each time.
    public struct FieldColumn {
        fileprivate let bytes: UnsafeRawBufferPointer
        fileprivate let column: Column
        fileprivate let documentCount: Int

        /// Calls `body` with the ordinal of each of `doc`'s values, in increasing order. Calls with the
        /// same `cursor` must come in increasing document order.
        @inline(__always)
        public func forEachOrdinal(doc: Int, cursor: inout Cursor, _ body: (Int) -> Void) {
            guard let slot = column.sparse ? slot(of: doc, from: &cursor.slot) : doc, slot < documentCount else { return }
            if column.single {
                let stored = packed(slot)
                if stored != 0 && stored <= column.valueCount { body(stored - 1) }
                return
            }
            let start = Int(load(column.starts + 4 * slot)), end = Int(load(column.starts + 4 * slot + 4))
            guard start <= end, end <= column.ordinalCount else { return }
            for index in start..<end {
                let ordinal = packed(index)
                if ordinal < column.valueCount { body(ordinal) }
            }
        }

        /// Calls `body` with each document holding a value numbered within `ordinals`, in increasing order.
        func forEachDocument(withOrdinalIn ordinals: Range<Int>, _ body: (Int) -> Void) {
            let slots = column.sparse ? column.documentsWithValue : documentCount
            for slot in 0..<slots {
                var holds = false
                if column.single {
                    holds = ordinals.contains(packed(slot) - 1)
                } else {
                    let start = Int(load(column.starts + 4 * slot)), end = Int(load(column.starts + 4 * slot + 4))
                    guard start <= end, end <= column.ordinalCount else { continue }
                    for index in start..<end where ordinals.contains(packed(index)) {
                        holds = true
                        break
                    }
                }
                guard holds else { continue }
                let doc = column.sparse ? Int(load(column.docs + 4 * slot)) : slot
                if doc < documentCount { body(doc) }
            }
        }

        /// The `index`-th number of the packed ordinals.
        @inline(__always)
        private func packed(_ index: Int) -> Int {
            let bit = index * column.width
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: column.ordinals + bit >> 3, as: UInt64.self))
            return Int((word >> UInt64(bit & 7)) & (UInt64(1) << UInt64(column.width) - 1))
        }

        @inline(__always)
        private func load(_ offset: Int) -> UInt32 {
            UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }

        /// The slot of `doc` in a sparse column, searched from `from` on (by doubling steps, then
        /// halving), which it leaves at the first slot not below `doc`.
        private func slot(of doc: Int, from: inout Int) -> Int? {
            var low = from, step = 1
            var high = low
            while high < column.documentsWithValue && Int(load(column.docs + 4 * high)) < doc {
                low = high + 1
                high += step
                step *= 2
            }
            high = min(high, column.documentsWithValue)
            while low < high {
                let middle = (low + high) / 2
                if Int(load(column.docs + 4 * middle)) < doc { low = middle + 1 } else { high = middle }
            }
            from = low
            return low < column.documentsWithValue && Int(load(column.docs + 4 * low)) == doc ? low : nil
        }
    }

    /// `field`'s column, nil when no document has a value there.
    public func column(field: Int) -> FieldColumn? {
        columns[field].map { FieldColumn(bytes: bytes, column: $0, documentCount: documentCount) }
    }

    /// Calls `body` with the ordinal of each of `doc`'s values in `field`, in increasing order. Calls
    /// with the same `cursor` must come in increasing document order.
    public func forEachOrdinal(doc: Int, field: Int, cursor: inout Cursor, _ body: (Int) -> Void) {
        column(field: field)?.forEachOrdinal(doc: doc, cursor: &cursor, body)
    }

    /// The ordinal of `value` in `field`, nil when no document holds it: a binary search of the dictionary.
    public func ordinal(of value: String, field: Int) throws -> Int? {
        let low = try firstOrdinal(field: field) { !$0.utf8.lexicographicallyPrecedes(value.utf8) }
        return try low < valueCount(field: field) && self.value(ordinal: low, field: field) == value ? low : nil
    }

    /// The ordinals of `field`'s values that start with `prefix` (all of them for an empty one): they
    /// follow one another, as the values are in byte order. Two binary searches of the dictionary.
    public func ordinals(withPrefix prefix: String, field: Int) throws -> Range<Int> {
        let first = try firstOrdinal(field: field) { !$0.utf8.lexicographicallyPrecedes(prefix.utf8) }
        let end = try firstOrdinal(field: field) { !$0.utf8.lexicographicallyPrecedes(prefix.utf8) && !$0.utf8.starts(with: prefix.utf8) }
        return first..<max(first, end)
    }

    /// The first ordinal of `field` whose value is `beyond`, which holds for every value after it
    /// (the values' count when none is): a binary search of the dictionary.
    private func firstOrdinal(field: Int, where beyond: (String) -> Bool) throws -> Int {
        var low = 0, high = valueCount(field: field)
        while low < high {
            let middle = (low + high) / 2
            if try beyond(value(ordinal: middle, field: field)) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Calls `body` with each document holding a value numbered within `ordinals` in `field`, in
    /// increasing order.
    public func forEachDocument(withOrdinalIn ordinals: Range<Int>, field: Int, _ body: (Int) -> Void) {
        guard let column = column(field: field) else { return }
        column.forEachDocument(withOrdinalIn: ordinals, body)
    }

    /// How many documents hold each value of `field`, by ordinal: the facet of every document (`*:*`),
    /// counted once over the column, then kept (as sparse norms are spread once).
    public func documentCounts(field: Int) -> [Int] {
        computed.lock.withLock {
            if let counts = computed.documentCounts[field] { return counts }
            var counts = [Int](repeating: 0, count: valueCount(field: field))
            if let column = column(field: field) {
                var cursor = Cursor()
                counts.withUnsafeMutableBufferPointer { counts in
                    for doc in 0..<documentCount { column.forEachOrdinal(doc: doc, cursor: &cursor) { counts[$0] += 1 } }
                }
            }
            computed.documentCounts[field] = counts
            return counts
        }
    }

    /// Each of `field`'s values' place in alphabetical order, by ordinal: in lower case and without
    /// accents first (`école` beside `Ecole`, before `été` and `Zoé`), in byte order between values that
    /// fold alike. What a search sorted by a field of text values orders by; made the first time it
    /// is asked, then kept.
    public func alphabeticalRanks(field: Int) throws -> [Int32] {
        try computed.lock.withLock {
            if let ranks = computed.alphabetical[field] { return ranks }
            let values = try (0..<valueCount(field: field)).map { try value(ordinal: $0, field: field) }
            let folded = values.map { Array(Folding.removeAccents(Folding.lowercase($0)).utf8) }
            let order = values.indices.sorted { a, b in
                folded[a] != folded[b] ? folded[a].lexicographicallyPrecedes(folded[b]) : values[a].utf8.lexicographicallyPrecedes(values[b].utf8)
            }
            var ranks = [Int32](repeating: 0, count: values.count)
            for (rank, ordinal) in order.enumerated() { ranks[ordinal] = Int32(rank) }
            computed.alphabetical[field] = ranks
            return ranks
        }
    }

    /// Which histograms `field`'s values make: counted the first time it is asked, then kept.
    public func kinds(field: Int) throws -> ValueKinds {
        try computed.lock.withLock {
            if let kinds = computed.kinds[field] { return kinds }
            var kinds = ValueKinds()
            for ordinal in 0..<valueCount(field: field) {
                // Trimmed as `groups` trims them, so that the counts say what a histogram finds.
                let value = try self.value(ordinal: ordinal, field: field).trimmingCharacters(in: .whitespaces)
                if SortValue.date(of: value) != nil { kinds.dates += 1 }
                if SortValue.number(ofItem: value) != nil { kinds.numbers += 1 }
            }
            computed.kinds[field] = kinds
            return kinds
        }
    }

    /// `field`'s values grouped by `grouping` (dates by the start of their text, numbers by interval),
    /// the groups in order. Made once a field and grouping, then kept.
    public func groups(field: Int, by grouping: ValueGrouping) throws -> ValueGroups {
        try computed.lock.withLock {
            let key = GroupKey(field: field, grouping: grouping)
            if let groups = computed.groups[key] { return groups }
            // Each group's key and its place in the order (a date's text, an interval's start).
            var found: [String: (number: Int32, order: Double)] = [:]
            var keys: [(key: String, order: Double)] = []
            var groupOf = [Int32](repeating: -1, count: valueCount(field: field))
            for ordinal in groupOf.indices {
                let value = try self.value(ordinal: ordinal, field: field).trimmingCharacters(in: .whitespaces)
                let group: (key: String, order: Double)
                switch grouping {
                case .datePrefix(let length):
                    guard SortValue.date(of: value) != nil else { continue }
                    // Byte order is time order for `YYYY-MM-DD`: the order comes from the key.
                    group = (String(value.prefix(length)), 0)
                case .numberInterval(let width):
                    guard let number = SortValue.number(ofItem: value) else { continue }
                    let start = (number / width).rounded(.down) * width
                    guard start.isFinite else { continue }
                    group = (Self.label(start), start)
                }
                if found[group.key] == nil {
                    found[group.key] = (Int32(keys.count), group.order)
                    keys.append(group)
                }
                groupOf[ordinal] = found[group.key]!.number
            }
            let order = keys.indices.sorted {
                keys[$0].order != keys[$1].order ? keys[$0].order < keys[$1].order : keys[$0].key.utf8.lexicographicallyPrecedes(keys[$1].key.utf8)
            }
            var renumbered = [Int32](repeating: 0, count: keys.count)
            for (rank, group) in order.enumerated() { renumbered[group] = Int32(rank) }
            let groups = ValueGroups(keys: order.map { keys[$0].key }, groupOf: groupOf.map { $0 < 0 ? -1 : renumbered[Int($0)] })
            computed.groups[key] = groups
            return groups
        }
    }

    /// An interval's start as a key: `10`, `-20`, `2.5`, without a fractional part when it has none.
    public static func label(_ start: Double) -> String {
        // 12 significant digits: an interval of 0.1 starts at 0.3, not 0.30000000000000004.
        let start = Double(String(format: "%.12g", start)) ?? start
        if start == start.rounded(), abs(start) < 1e15 { return String(Int64(start)) }
        return "\(start)"
    }

    /// `doc`'s values in `field`, in byte order.
    public func values(doc: Int, field: Int) throws -> [String] {
        var ordinals: [Int] = []
        var cursor = Cursor()
        forEachOrdinal(doc: doc, field: field, cursor: &cursor) { ordinals.append($0) }
        return try ordinals.map { try value(ordinal: $0, field: field) }
    }
}
