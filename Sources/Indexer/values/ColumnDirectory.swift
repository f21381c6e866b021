/// The columns of a file that holds one per field (values.fts, facets.fts), as its directory lists
/// them: a `u32` count, then fixed-length entries in increasing field order, each starting with its
/// field's number, then each column's data in the same order, filling the body exactly.
struct ColumnDirectory<Column> {
    /// By field number; nil for a field with no column.
    private let columns: [Column?]

    /// Reads the directory, `entryLength` bytes an entry. `entry` reads the rest of one entry after its
    /// field's number, given where that column's data starts, and returns the column and where its
    /// data ends; it checks its own fields and bounds.
    init(bytes: UnsafeRawBufferPointer, file: String, body: Range<Int>, fieldCount: Int, entryLength: Int,
         entry: (_ field: Int, _ reader: inout ByteReader, _ data: Int) throws -> (column: Column, end: Int)) throws {
        var reader = ByteReader(bytes, file: file, offset: body.lowerBound, end: body.upperBound)
        let count = Int(try reader.u32())
        guard count <= fieldCount else { throw reader.corrupt("\(count) columns for \(fieldCount) fields") }
        var columns = [Column?](repeating: nil, count: fieldCount)
        var data = reader.offset + count * entryLength
        var previous = -1
        for _ in 0..<count {
            let field = Int(try reader.u8())
            guard field > previous, field < fieldCount else { throw reader.corrupt("column of unknown or repeated field \(field)") }
            previous = field
            let (column, end) = try entry(field, &reader, data)
            columns[field] = column
            data = end
        }
        guard data == body.upperBound else { throw reader.corrupt("columns' data does not fill the file") }
        self.columns = columns
    }

    /// `field`'s column, nil when it has none (or is no field of the index).
    @inline(__always)
    subscript(field: Int) -> Column? { field >= 0 && field < columns.count ? columns[field] : nil }

    /// The fields that have a column, by number.
    var fields: [Int] { columns.indices.filter { columns[$0] != nil } }
}
