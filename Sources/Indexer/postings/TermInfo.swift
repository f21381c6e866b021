/// What the term dictionary holds for one term of one field.
public struct TermInfo: Sendable, Equatable {
    /// Documents containing the term.
    public var docFreq: Int
    /// Occurrences of the term in all documents.
    public var totalTermFreq: Int
    /// Where the term's doc/freq data starts in postings.fts.
    public var postingsOffset: Int
    /// Where the term's positions start in positions.fts.
    public var positionsOffset: Int

    public init(docFreq: Int, totalTermFreq: Int, postingsOffset: Int, positionsOffset: Int) {
        self.docFreq = docFreq
        self.totalTermFreq = totalTermFreq
        self.postingsOffset = postingsOffset
        self.positionsOffset = positionsOffset
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter(capacity: 16)
        writer.vint(docFreq)
        writer.vint(totalTermFreq - docFreq)
        writer.vint(postingsOffset)
        writer.vint(positionsOffset)
        return writer.bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, file: String) throws -> TermInfo {
        var reader = ByteReader(bytes, file: file)
        let docFreq = try reader.vint(max: Int(UInt32.max))
        guard docFreq > 0 else { throw reader.corrupt("term with no documents") }
        let extra = try reader.vint(max: Int(Int32.max) * 1024)
        return TermInfo(docFreq: docFreq, totalTermFreq: docFreq + extra,
                        postingsOffset: try reader.vint(max: Int.max), positionsOffset: try reader.vint(max: Int.max))
    }
}

/// A (term frequency, document length) pair: the BM25 contribution grows with the first and shrinks
/// with the second, so the pairs no other pair dominates bound a block's best score for any k1 and b.
public struct Impact: Equatable, Sendable {
    public var termFreq: UInt32
    public var length: UInt32

    public init(termFreq: UInt32, length: UInt32) {
        self.termFreq = termFreq
        self.length = length
    }

    /// A term's list of postings, and its tail, store their frontier when they have at least this many
    /// postings: fewer are read whole faster than a frontier would save.
    public static let storedMinimum = 16

    /// `VInt count`, then each pair as `VInt termFreq, VInt length`.
    static func encode(_ frontier: [Impact], into writer: inout ByteWriter) {
        writer.vint(frontier.count)
        for impact in frontier {
            writer.vint(UInt64(impact.termFreq))
            writer.vint(UInt64(impact.length))
        }
    }

    /// The Pareto frontier of `impacts`, at most `limit` pairs, in increasing term frequency. Over the
    /// limit, neighbours merge into (higher frequency, shorter length): still an upper bound.
    static func frontier(_ impacts: [Impact], limit: Int = 8) -> [Impact] {
        // Highest frequency first, then shortest length, each pair as one integer: sorting integers
        // costs a fraction of sorting pairs through a comparison closure (the merge sorts every block).
        var keys = impacts.map { UInt64(UInt32.max - $0.termFreq) << 32 | UInt64($0.length) }
        keys.sort()
        var frontier: [Impact] = []
        for key in keys {
            let impact = Impact(termFreq: UInt32.max - UInt32(key >> 32), length: UInt32(truncatingIfNeeded: key))
            if frontier.last.map({ impact.length < $0.length }) ?? true { frontier.append(impact) }
        }
        frontier.reverse()
        while frontier.count > limit {
            var merged: [Impact] = []
            var index = 0
            while index < frontier.count {
                if index + 1 < frontier.count {
                    merged.append(Impact(termFreq: frontier[index + 1].termFreq, length: frontier[index + 1].length))
                    merged[merged.count - 1].length = min(frontier[index].length, frontier[index + 1].length)
                    index += 2
                } else {
                    merged.append(frontier[index])
                    index += 1
                }
            }
            frontier = merged
        }
        return frontier
    }
}
