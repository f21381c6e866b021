import TestSupport
import Testing
@testable import Indexer

@Suite struct PostingsTests {
    struct Posting: Equatable {
        var doc: UInt32
        var positions: [UInt32]
    }

    static let documentCount = 20_000

    static func randomPostings(docFreq: Int, generator: inout SplitMix64) -> [Posting] {
        var docs = Set<UInt32>()
        while docs.count < docFreq { docs.insert(UInt32(generator.next() % UInt64(documentCount))) }
        return docs.sorted().map { doc in
            let freq = generator.next() % 4 == 0 ? Int(generator.next() % 40) + 2 : 1
            var positions = Set<UInt32>()
            while positions.count < freq { positions.insert(UInt32(generator.next() % 5000)) }
            return Posting(doc: doc, positions: positions.sorted())
        }
    }

    @Test func roundTripsAcrossBlockBoundaries() throws {
        let folder = try TemporaryFolder()
        let id = [UInt8](repeating: 1, count: 16)
        let postings = try OutputFile(path: folder.file("p"), tag: .postings, indexID: id)
        let positions = try OutputFile(path: folder.file("q"), tag: .positions, indexID: id)
        var writer = PostingsWriter(postings: postings, positions: positions)
        let lengths = (0..<Self.documentCount).map { UInt32($0 % 300 + 1) }
        var generator = SplitMix64(seed: 42)
        var terms: [([Posting], TermInfo)] = []
        for docFreq in [1, 2, 127, 128, 129, 255, 256, 300, 1000, 5000, 19_999] {
            let list = Self.randomPostings(docFreq: docFreq, generator: &generator)
            writer.startTerm(lengths: lengths)
            for posting in list {
                try posting.positions.withUnsafeBufferPointer { try writer.add(doc: posting.doc, positions: $0) }
            }
            let info = try writer.finishTerm()
            #expect(info.docFreq == docFreq)
            #expect(info.totalTermFreq == list.reduce(0) { $0 + $1.positions.count })
            terms.append((list, info))
        }
        try postings.finish()
        try positions.finish()
        let postingsFile = try MappedFile(path: folder.file("p"), name: "postings.fts")
        let positionsFile = try MappedFile(path: folder.file("q"), name: "positions.fts")

        for (list, info) in terms {
            // Sequential reading gives every document, frequency and position.
            let cursor = try PostingsCursor(info: info, postings: postingsFile, positions: positionsFile, documentCount: Self.documentCount)
            var read: [Posting] = []
            var buffer: [UInt32] = []
            while try cursor.next() != PostingsCursor.end {
                try cursor.positions(into: &buffer)
                #expect(cursor.freq == UInt32(buffer.count))
                read.append(Posting(doc: cursor.doc, positions: buffer))
            }
            #expect(read == list, "docFreq \(info.docFreq)")

            // advance(to:) lands on the first document ≥ target, from anywhere, and positions still line up.
            let skipping = try PostingsCursor(info: info, postings: postingsFile, positions: positionsFile, documentCount: Self.documentCount)
            var target: UInt32 = 0
            while true {
                target += UInt32(generator.next() % 700)
                let expected = list.first { $0.doc >= target }
                let doc = try skipping.advance(to: target)
                #expect(doc == (expected?.doc ?? PostingsCursor.end))
                guard let expected else { break }
                if generator.next() % 3 == 0 {
                    try skipping.positions(into: &buffer)
                    #expect(buffer == expected.positions)
                    try skipping.positions(into: &buffer)
                    #expect(buffer == expected.positions)
                }
                target = doc
            }
            #expect(try skipping.next() == PostingsCursor.end)
        }
    }

    @Test func impactFrontierBoundsEveryPair() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let impacts = (0..<128).map { _ in Impact(termFreq: UInt32(generator.next() % 30 + 1), length: UInt32(generator.next() % 500 + 1)) }
            let frontier = Impact.frontier(impacts)
            #expect(frontier.count <= 8 && !frontier.isEmpty)
            // Every pair is dominated by some frontier pair: the frontier's best score bounds the block's.
            #expect(impacts.allSatisfy { impact in frontier.contains { $0.termFreq >= impact.termFreq && $0.length <= impact.length } })
        }
    }
}
