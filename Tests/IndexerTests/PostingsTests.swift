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

    /// A postings file and a positions file being written in a folder of their own.
    struct Files {
        let folder: TemporaryFolder
        let postings: OutputFile
        let positions: OutputFile

        init() throws {
            folder = try TemporaryFolder()
            let id = [UInt8](repeating: 1, count: 16)
            postings = try OutputFile(path: folder.file("p"), tag: .postings, indexID: id)
            positions = try OutputFile(path: folder.file("q"), tag: .positions, indexID: id)
        }

        /// Finishes both and maps them: cursors read them in place, so they must outlive every cursor.
        func mapped() throws -> (postings: MappedFile, positions: MappedFile) {
            try postings.finish()
            try positions.finish()
            return (try MappedFile(path: folder.file("p"), name: "postings.fts"), try MappedFile(path: folder.file("q"), name: "positions.fts"))
        }
    }

    @Test func roundTripsAcrossBlockBoundaries() throws {
        let files = try Files()
        var writer = PostingsWriter(postings: files.postings, positions: files.positions)
        let lengths = (0..<Self.documentCount).map { UInt32($0 % 300 + 1) }
        var generator = SplitMix64(seed: 42)
        var terms: [([Posting], TermInfo)] = []
        for docFreq in [1, 2, 15, 16, 127, 128, 129, 143, 144, 255, 256, 300, 1000, 5000, 19_999] {
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
        let (postingsFile, positionsFile) = try files.mapped()

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

            // Lists of 16 or more store a frontier that dominates every posting's (freq, length); a
            // tail of 16 or more after full blocks stores its own.
            var termImpacts: [Impact] = [], tailImpacts: [Impact] = []
            #expect(try cursor.forEachTermImpact { termImpacts.append(Impact(termFreq: $0, length: $1)) } == (info.docFreq >= 16))
            let tail = info.docFreq % BitPacking.blockSize
            #expect(try cursor.forEachTailImpact { tailImpacts.append(Impact(termFreq: $0, length: $1)) } == (tail >= 16))
            for (number, posting) in read.enumerated() {
                let pair = Impact(termFreq: UInt32(posting.positions.count), length: lengths[Int(posting.doc)])
                func dominated(_ frontier: [Impact]) -> Bool { frontier.contains { $0.termFreq >= pair.termFreq && $0.length <= pair.length } }
                if info.docFreq >= 16 { #expect(dominated(termImpacts), "docFreq \(info.docFreq), posting \(number)") }
                if tail >= 16 && number >= info.docFreq - tail { #expect(dominated(tailImpacts), "docFreq \(info.docFreq), posting \(number)") }
            }

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

    /// Documents with hundreds of positions, mostly consecutive with now and then a long jump: their
    /// gaps straddle position blocks and make patched ones. Reading them whole, reading only up to a
    /// limit, and keeping the phrase starts they hold agree with the positions written.
    @Test func positionsStraddlePatchedBlocks() throws {
        let files = try Files()
        var writer = PostingsWriter(postings: files.postings, positions: files.positions)
        var generator = SplitMix64(seed: 5)
        var list: [Posting] = []
        var doc: UInt32 = 0
        for _ in 0..<400 {
            doc += UInt32(generator.next() % 20) + 1
            var position: UInt32 = 0
            var documentPositions: [UInt32] = []
            for _ in 0..<(generator.next() % 4 == 0 ? Int(generator.next() % 300) + 1 : Int(generator.next() % 3) + 1) {
                position += generator.next() % 50 == 0 ? UInt32(generator.next() % 100_000) + 1 : UInt32(generator.next() % 3) + 1
                documentPositions.append(position)
            }
            list.append(Posting(doc: doc, positions: documentPositions))
        }
        writer.startTerm(lengths: [UInt32](repeating: 1_000_000, count: Int(doc) + 1))
        for posting in list { try posting.positions.withUnsafeBufferPointer { try writer.add(doc: posting.doc, positions: $0) } }
        let info = try writer.finishTerm()
        let (postingsFile, positionsFile) = try files.mapped()
        let cursor = try PostingsCursor(info: info, postings: postingsFile, positions: positionsFile, documentCount: Int(doc) + 1)
        var buffer: [UInt32] = []
        for posting in list where generator.next() % 2 == 0 {
            #expect(try cursor.advance(to: posting.doc) == posting.doc)
            let limit = posting.positions[Int(generator.next() % UInt64(posting.positions.count))]
            var partial = [UInt32](repeating: 0, count: posting.positions.count)
            let written = try partial.withUnsafeMutableBufferPointer { try cursor.decodePositions(into: $0.baseAddress!, upTo: limit) }
            #expect(Array(partial[..<written]) == Array(posting.positions[..<written]))
            #expect(partial[..<written].contains(limit))
            try cursor.positions(into: &buffer)
            #expect(buffer == posting.positions)
            // Phrase starts: candidates s kept when s + shift is a position.
            let shift = UInt32(generator.next() % 3)
            var starts = Set<UInt32>()
            for _ in 0..<20 { starts.insert(UInt32(generator.next() % UInt64(posting.positions.last! + 5))) }
            for position in posting.positions where generator.next() % 3 == 0 && position >= shift { starts.insert(position - shift) }
            var candidates = starts.sorted()
            let expected = candidates.filter { posting.positions.contains($0 + shift) }
            let kept = try candidates.withUnsafeMutableBufferPointer { try cursor.retainStarts($0.baseAddress!, count: $0.count, shift: shift) }
            #expect(Array(candidates[..<kept]) == expected)
            // Positions near anchors: those within the width of one of them, some anchors far apart,
            // some near each other, some at the ends.
            let width = UInt32(generator.next() % 6)
            var anchors = Set<UInt32>()
            for _ in 0..<Int(generator.next() % 6) { anchors.insert(UInt32(generator.next() % UInt64(posting.positions.last! + 10))) }
            for position in posting.positions where generator.next() % 40 == 0 { anchors.insert(position) }
            let sortedAnchors = anchors.sorted()
            let near = posting.positions.filter { position in
                sortedAnchors.contains { Int64($0) - Int64(width) <= Int64(position) && Int64(position) <= Int64($0) + Int64(width) }
            }
            var nearBuffer = [UInt32](repeating: 0, count: posting.positions.count)
            let nearCount = try sortedAnchors.withUnsafeBufferPointer { anchors in
                try nearBuffer.withUnsafeMutableBufferPointer { try cursor.positionsNear(anchors, width: width, into: $0.baseAddress!) }
            }
            #expect(Array(nearBuffer[..<nearCount]) == near)
        }
        withExtendedLifetime((postingsFile, positionsFile)) {}
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
        // Within the limit, the frontier is exactly the pairs no other pair dominates, by frequency.
        for _ in 0..<200 {
            let impacts = (0..<128).map { _ in Impact(termFreq: UInt32(generator.next() % 6 + 1), length: UInt32(generator.next() % 500 + 1)) }
            let undominated = Set(impacts.filter { impact in
                !impacts.contains { ($0.termFreq >= impact.termFreq && $0.length <= impact.length) && $0 != impact }
            }.map { [$0.termFreq, $0.length] })
            guard undominated.count <= 8 else { continue }
            let frontier = Impact.frontier(impacts)
            #expect(Set(frontier.map { [$0.termFreq, $0.length] }) == undominated && frontier.count == undominated.count)
            #expect(frontier.map(\.termFreq) == frontier.map(\.termFreq).sorted())
        }
    }
}
