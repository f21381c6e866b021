/// Where each token of a stored text stands in its UTF-8 bytes, by position: what snippets highlight
/// from, without analysing the text again (as Lucene's highlighters do with offsets in the index).
/// Stored after the fields of a record (docs/FORMAT.md, "store.fts").
public struct TokenOffsets: Equatable, Sendable {
    /// `start, end` of token `i` at `2i` and `2i + 1`, increasing and not overlapping.
    public private(set) var bounds: [UInt32]

    public init(bounds: [UInt32] = []) { self.bounds = bounds }

    @inlinable public var count: Int { bounds.count / 2 }

    @inlinable public subscript(position: Int) -> Range<Int> { Int(bounds[2 * position])..<Int(bounds[2 * position + 1]) }

    /// Adds the next token. A range that would overlap the previous one (the analyser never makes one)
    /// is clipped to start where it ended, so that the stored form stays increasing.
    mutating func append(_ range: Range<Int>) {
        let previousEnd = bounds.last ?? 0
        let start = max(UInt32(clamping: range.lowerBound), previousEnd)
        bounds.append(start)
        bounds.append(max(UInt32(clamping: range.upperBound), start))
    }

    /// `VInt count`, then per token one byte `gap << 5 | length` (gap = start - previousEnd ≤ 7,
    /// length = end - start ≤ 30: nearly every word), else 0xFF, `VInt gap`, `VInt length`.
    func encode(into writer: inout ByteWriter) {
        writer.vint(count)
        var previousEnd: UInt32 = 0
        for index in 0..<count {
            let gap = bounds[2 * index] - previousEnd, length = bounds[2 * index + 1] - bounds[2 * index]
            if gap <= 7 && length <= 30 {
                writer.u8(UInt8(gap << 5 | length))
            } else {
                writer.u8(0xFF)
                writer.vint(UInt64(gap))
                writer.vint(UInt64(length))
            }
            previousEnd = bounds[2 * index + 1]
        }
    }

    /// Decodes the offsets of a text of `textLength` bytes; every token must lie within it. One-byte
    /// tokens (nearly all) are read straight from the buffer: this runs for every hit of a search.
    static func decode(from reader: inout ByteReader, textLength: Int) throws -> TokenOffsets {
        let count = try reader.vint(max: textLength)
        var previousEnd = 0
        let bounds = try [UInt32](unsafeUninitializedCapacity: 2 * count) { output, initialized in
            for index in 0..<count {
                guard reader.offset < reader.end else { throw reader.corrupt("token offsets run past the record") }
                let code = reader.bytes[reader.offset]
                reader.offset += 1
                var start = previousEnd + Int(code >> 5), end = start + Int(code & 0x1F)
                if code == 0xFF {
                    start = previousEnd + (try reader.vint(max: textLength - previousEnd))
                    end = start + (try reader.vint(max: textLength - start))
                }
                guard end <= textLength else { throw reader.corrupt("token offsets past the end of the text") }
                output[2 * index] = UInt32(start)
                output[2 * index + 1] = UInt32(end)
                previousEnd = end
                initialized = 2 * index + 2
            }
        }
        return TokenOffsets(bounds: bounds)
    }
}
