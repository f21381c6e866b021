import Indexer

/// The documents marked in a bitset, each with the same score: a range of numbers, scored as Lucene's
/// and tantivy's range queries are, since how often a number occurs says nothing of relevance.
final class BitsetScorer: ConstantScoreScorer {
    private let bitset: DocumentBitset
    private let label: String
    private let matches: Int

    init(bitset: DocumentBitset, score: Double, label: String) {
        self.bitset = bitset
        self.label = label
        matches = bitset.count
        super.init(score: score)
    }

    override var cost: Int { matches }

    override func firstMatch(from doc: UInt32) -> UInt32? { bitset.firstMarked(from: doc) }

    override func explain(into lines: inout [String], reader: IndexReader) throws {
        lines.append(String(format: "%.4f  %@ (a range: every match scores the same)", constant, label))
    }
}
