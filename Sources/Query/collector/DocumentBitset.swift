import Indexer

/// One bit per document of the index (as tantivy's unions buffer theirs), filled from whole lists a
/// block of documents at a time: no merge, no call per document.
final class DocumentBitset {
    private let words: Int
    private let bits: UnsafeMutablePointer<UInt64>

    init(documentCount: Int) {
        words = (documentCount + 63) / 64
        bits = .allocate(capacity: max(words, 1))
        bits.initialize(repeating: 0, count: words)
    }

    deinit { bits.deallocate() }

    /// Marks every document of `cursors` (each read to its end), or only those `among` has marked.
    func mark(_ cursors: [PostingsCursor], among: DocumentBitset? = nil) throws -> DocumentBitset {
        let words = self.words, bits = self.bits
        for cursor in cursors {
            // Two loops, so that the one without a filter does not test for it at every document.
            // `word < words` always holds (cursors check their documents against the count); it keeps
            // a damaged index from reading or writing past the buffers.
            if let filter = among?.bits {
                try cursor.forEachDocumentBlock { documents in
                    for doc in documents where Int(doc >> 6) < words {
                        bits[Int(doc >> 6)] |= filter[Int(doc >> 6)] & (1 << UInt64(doc & 63))
                    }
                }
            } else {
                try cursor.forEachDocumentBlock { documents in
                    for doc in documents where Int(doc >> 6) < words { bits[Int(doc >> 6)] |= 1 << UInt64(doc & 63) }
                }
            }
        }
        return self
    }

    func mark(_ doc: Int) {
        bits[doc >> 6] |= 1 << UInt64(doc & 63)
    }

    func unmark(_ doc: UInt32) {
        guard Int(doc >> 6) < words else { return }
        bits[Int(doc >> 6)] &= ~(1 << UInt64(doc & 63))
    }

    func contains(_ doc: UInt32) -> Bool {
        bits[Int(doc >> 6)] & (1 << UInt64(doc & 63)) != 0
    }

    var count: Int {
        var total = 0
        for word in 0..<words { total += bits[word].nonzeroBitCount }
        return total
    }

    /// Calls `body` with each marked document, in increasing order.
    @inline(__always)
    func forEachMarked(_ body: (UInt32) throws -> Void) rethrows {
        for word in 0..<words {
            var remaining = bits[word]
            while remaining != 0 {
                try body(UInt32(word << 6 + remaining.trailingZeroBitCount))
                remaining &= remaining - 1
            }
        }
    }

    /// The first marked document at or after `doc`, or nil.
    func firstMarked(from doc: UInt32) -> UInt32? {
        var word = Int(doc >> 6)
        guard word < words else { return nil }
        var remaining = bits[word] & (~0 << UInt64(doc & 63))
        while remaining == 0 {
            word += 1
            guard word < words else { return nil }
            remaining = bits[word]
        }
        return UInt32(word << 6 + remaining.trailingZeroBitCount)
    }
}
