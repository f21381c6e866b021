import Indexer

/// The documents marked in a bitset, each with the same score: a range of numbers, scored as Lucene's
/// and tantivy's range queries are, since how often a number occurs says nothing of relevance; or a
/// field's exact value, a filter.
final class BitsetScorer: ConstantScoreScorer {
    private let bitset: DocumentBitset
    private let label: String
    /// What matched, for `explain`: "a range", "a value".
    private let kind: String
    private let matches: Int

    init(bitset: DocumentBitset, score: Double, label: String, kind: String) {
        self.bitset = bitset
        self.label = label
        self.kind = kind
        matches = bitset.count
        super.init(score: score)
    }

    override var cost: Int { matches }

    override func firstMatch(from doc: UInt32) -> UInt32? { bitset.firstMarked(from: doc) }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        lines.append(String(format: "%.4f  %@ (%@: every match scores the same)", constant, label, kind))
    }
}
