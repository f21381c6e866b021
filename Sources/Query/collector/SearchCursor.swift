import Foundation

/// Where a page of results ends, so that the next page starts after it without an offset: past the
/// maximum window, and without the pages before being ranked again to be skipped, as Elasticsearch's
/// `search_after` and Lucene's `searchAfter` page. It holds the last hit's place in the order (its
/// sort fields' keys, its score and its document number) and says which index and which order it
/// belongs to: document numbers and a text field's alphabetical ranks hold for one build only, and a
/// place means nothing in another order.
///
/// Written as a token (base64url, no padding) of: a version byte (1); the first 4 bytes of the index
/// id; the number of sort fields n (0 for score order); n field numbers; when n > 0, a byte whose bit
/// i says field i descends; n keys, the score and the document number, little-endian (8, 8 and 4 bytes).
public struct SearchCursor: Sendable, Equatable {
    /// The index the place belongs to.
    let index: UInt32
    /// The sort's fields and directions; empty for score order.
    let sort: [SortField]
    /// The last hit's place: its keys (0 where the order has none), its score and its number.
    let place: SortedByFields

    struct SortField: Equatable {
        var field: Int
        var descending: Bool
    }

    init(index: UInt32, sort: [SortField], place: SortedByFields) {
        self.index = index
        self.sort = sort
        self.place = place
    }

    private static let version: UInt8 = 1

    /// The token a reply gives.
    public var token: String {
        var bytes: [UInt8] = [Self.version]
        withUnsafeBytes(of: index.littleEndian) { bytes += $0 }
        bytes.append(UInt8(sort.count))
        if !sort.isEmpty {
            bytes += sort.map { UInt8($0.field) }
            bytes.append(sort.indices.reduce(0) { $0 | (sort[$1].descending ? 1 << $1 : 0) })
        }
        for key in [place.key, place.second, place.third].prefix(sort.count) + [place.scored.score] {
            withUnsafeBytes(of: key.bitPattern.littleEndian) { bytes += $0 }
        }
        withUnsafeBytes(of: place.scored.doc.littleEndian) { bytes += $0 }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// A token as `token` writes it; an error for anything else.
    public init(token: String) throws(QueryError) {
        let malformed = QueryError("\"\(token.prefix(80))\" is not a cursor: pass the one a page of results gave")
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard token.utf8.count <= 128, token.utf8.allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") }),
              let data = Data(base64Encoded: base64) else { throw malformed }
        let bytes = [UInt8](data)
        guard bytes.count >= 6, bytes[0] == Self.version, Int(bytes[5]) <= FieldSort.maximumKeys else { throw malformed }
        let fields = Int(bytes[5])
        guard bytes.count == 6 + (fields > 0 ? fields + 1 : 0) + 8 * (fields + 1) + 4 else { throw malformed }
        func integer<T: FixedWidthInteger>(at offset: Int, as: T.Type) -> T {
            bytes[offset..<offset + MemoryLayout<T>.size].reversed().reduce(0) { $0 << 8 | T($1) }
        }
        index = integer(at: 1, as: UInt32.self)
        let directions = fields > 0 ? bytes[6 + fields] : 0
        guard directions >> fields == 0 else { throw malformed }
        sort = (0..<fields).map { SortField(field: Int(bytes[6 + $0]), descending: directions & (1 << $0) != 0) }
        var offset = 6 + (fields > 0 ? fields + 1 : 0)
        var values: [Double] = []
        for _ in 0...fields {
            values.append(Double(bitPattern: integer(at: offset, as: UInt64.self)))
            offset += 8
        }
        guard !values.contains(where: \.isNaN) else { throw malformed }
        let keys = Array(values.dropLast()) + [0, 0, 0]
        var place = SortedByFields(key: keys[0], scored: ScoredDocument(doc: integer(at: offset, as: UInt32.self), score: values[fields]))
        place.second = keys[1]
        place.third = keys[2]
        self.place = place
    }

    /// The first 4 bytes of an index id, as a cursor holds them.
    static func index(of id: [UInt8]) -> UInt32 {
        id.prefix(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}
