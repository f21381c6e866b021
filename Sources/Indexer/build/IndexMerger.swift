import Foundation

/// Merges sorted runs into the final term dictionary, posting lists, positions and lexicon.
struct IndexMerger {
    let runs: [String]
    /// Document lengths by field number (empty for fields that are not indexed).
    let lengths: [[UInt32]]
    let folder: String
    let indexID: [UInt8]

    struct Result {
        var components: [IndexMeta.Component] = []
        var termCount: UInt64 = 0
        var postingCount: UInt64 = 0
        var positionCount: UInt64 = 0
        var lexiconCount: UInt64 = 0

        mutating func add(_ counts: Counts) {
            termCount += counts.terms
            postingCount += counts.postings
            positionCount += counts.positions
        }
    }

    /// One run's posting list for the term being merged, decoded a document at a time.
    private struct PayloadDecoder {
        var reader: ByteReader
        var doc: Int64 = -1
        var freq = 0

        init(_ payload: UnsafeRawBufferPointer, file: String) {
            reader = ByteReader(payload, file: file)
        }

        /// Reads the next document's number and frequency; false when the list is done.
        mutating func advance() throws -> Bool {
            guard !reader.isAtEnd else { return false }
            doc += Int64(try reader.vint())
            freq = try reader.vint(max: reader.remaining)
            return true
        }

        /// The current document's positions as encoded: the run and positions.fts share the encoding.
        mutating func encodedPositions() throws -> UnsafeRawBufferPointer {
            let start = reader.offset
            var left = freq
            while left > 0 {
                guard reader.offset < reader.end else { throw reader.corrupt("positions run past the payload") }
                if reader.bytes[reader.offset] < 0x80 { left -= 1 }
                reader.offset += 1
            }
            return UnsafeRawBufferPointer(rebasing: reader.bytes[start..<reader.offset])
        }
    }

    /// Where the terms are split between the merge's two threads.
    enum Split: Sendable {
        /// Where the first run's postings reach half their bytes (each thread then writes about half).
        case payloadMiddle
        /// All on one thread.
        case none
        /// At this key (the tests: the files must not depend on where the split falls).
        case at([UInt8])
    }

    /// The terms in two key ranges, merged at once: the first range into the final files, the second
    /// into files of its own, appended to them after; and the lexicon beside both. The merge was a
    /// build's one phase on one core.
    func merge(split: Split = .payloadMiddle) throws -> Result {
        var result = Result()
        let splitKey: [UInt8]?
        switch split {
        case .payloadMiddle: splitKey = try runs.first.flatMap { try Self.payloadMiddle(ofRun: $0) }
        case .none: splitKey = nil
        case .at(let key): splitKey = key
        }
        let secondPostings = folder + "/" + FileFormat.Tag.postings.fileName + ".second"
        let secondPositions = folder + "/" + FileFormat.Tag.positions.fileName + ".second"
        defer {
            try? FileManager.default.removeItem(atPath: secondPostings)
            try? FileManager.default.removeItem(atPath: secondPositions)
        }
        let lexicon = BackgroundTask { [self] in try mergeLexicons() }
        let second = splitKey.map { splitKey in
            BackgroundTask { [self] in
                let postingsFile = try OutputFile(path: secondPostings, tag: .postings, indexID: indexID, durable: false)
                let positionsFile = try OutputFile(path: secondPositions, tag: .positions, indexID: indexID, durable: false)
                var entries: [(key: [UInt8], info: TermInfo)] = []
                let counts = try mergeTerms(from: splitKey, to: nil, postings: postingsFile, positions: positionsFile) { entries.append(($0, $1)) }
                try postingsFile.finish()
                try positionsFile.finish()
                return (entries: entries, counts: counts)
            }
        }

        // Whatever happens here, both threads are waited for before the merge returns or throws.
        let firstOutcome = Swift.Result { try mergeFirstRange(to: splitKey) }
        let secondOutcome = second.map { task in Swift.Result { try task.wait() } }
        let lexiconOutcome = Swift.Result { try lexicon.wait() }

        var first = try firstOutcome.get()
        result.add(first.counts)
        if let secondOutcome {
            let (entries, counts) = try secondOutcome.get()
            // The second range's offsets were from its own files' headers; its bytes now follow the first's.
            let postingsShift = first.postings.position - FileFormat.headerLength
            let positionsShift = first.positions.position - FileFormat.headerLength
            try Self.appendBody(of: secondPostings, to: first.postings)
            try Self.appendBody(of: secondPositions, to: first.positions)
            for (key, info) in entries {
                var shifted = info
                shifted.postingsOffset += postingsShift
                shifted.positionsOffset += positionsShift
                try first.table.add(key: key, value: shifted.encoded())
            }
            result.add(counts)
        }
        try first.table.finish()
        result.components.append(component(.terms, try first.terms.finish()))
        result.components.append(component(.postings, try first.postings.finish()))
        result.components.append(component(.positions, try first.positions.finish()))
        let (lexiconComponent, lexiconCount) = try lexiconOutcome.get()
        result.components.append(lexiconComponent)
        result.lexiconCount = lexiconCount
        return result
    }

    /// The final term, postings and positions files, written up to the second range.
    private struct FirstRange {
        var terms: OutputFile
        var postings: OutputFile
        var positions: OutputFile
        var table: SortedTableWriter
        var counts: Counts
    }

    private func mergeFirstRange(to upper: [UInt8]?) throws -> FirstRange {
        let terms = try OutputFile(path: folder + "/" + FileFormat.Tag.terms.fileName, tag: .terms, indexID: indexID)
        let postings = try OutputFile(path: folder + "/" + FileFormat.Tag.postings.fileName, tag: .postings, indexID: indexID)
        let positions = try OutputFile(path: folder + "/" + FileFormat.Tag.positions.fileName, tag: .positions, indexID: indexID)
        var table = SortedTableWriter(file: terms)
        let counts = try mergeTerms(from: nil, to: upper, postings: postings, positions: positions) {
            try table.add(key: $0, value: $1.encoded())
        }
        return FirstRange(terms: terms, postings: postings, positions: positions, table: table, counts: counts)
    }

    struct Counts: Sendable {
        var terms: UInt64 = 0
        var postings: UInt64 = 0
        var positions: UInt64 = 0
    }

    /// Merges the runs' terms from `lower` (included) to `upper` (excluded), nil meaning no bound,
    /// through readers of their own; each term's key and dictionary entry goes to `entry`, in order.
    private func mergeTerms(from lower: [UInt8]?, to upper: [UInt8]?, postings postingsFile: OutputFile, positions positionsFile: OutputFile,
                            entry: ([UInt8], TermInfo) throws -> Void) throws -> Counts {
        var counts = Counts()
        let readers = try runs.map { try RunReader(path: $0) }
        var active: [RunReader] = []
        for reader in readers {
            var more = try reader.nextTerm()
            if let lower {
                while more && reader.key.lexicographicallyPrecedes(lower) { more = try reader.nextTerm() }
            }
            if more { active.append(reader) }
        }
        var postings = PostingsWriter(postings: postingsFile, positions: positionsFile)
        while !active.isEmpty {
            var key = active[0].key
            for run in active.dropFirst() where run.key.lexicographicallyPrecedes(key) { key = run.key }
            if let upper, !key.lexicographicallyPrecedes(upper) { break }
            let group = active.filter { $0.key == key }
            postings.startTerm(lengths: lengths[Int(key[0])])
            var decoders = group.map { PayloadDecoder($0.payload, file: $0.name) }
            var live = try decoders.indices.filter { try decoders[$0].advance() }
            while !live.isEmpty {
                var best = live[0]
                for index in live.dropFirst() where decoders[index].doc < decoders[best].doc { best = index }
                let encoded = try decoders[best].encodedPositions()
                try postings.add(doc: UInt32(decoders[best].doc), freq: decoders[best].freq, encodedPositions: encoded)
                if try !decoders[best].advance() { live.removeAll { $0 == best } }
            }
            let info = try postings.finishTerm()
            try entry(key, info)
            counts.terms += 1
            counts.postings += UInt64(info.docFreq)
            counts.positions += UInt64(info.totalTermFreq)
            for run in group where try !run.nextTerm() { active.removeAll { $0 === run } }
        }
        return counts
    }

    /// The key where the run's term payloads reach half their bytes; nil with fewer than two terms.
    static func payloadMiddle(ofRun path: String) throws -> [UInt8]? {
        var sizes: [(key: [UInt8], bytes: Int)] = []
        let reader = try RunReader(path: path)
        while try reader.nextTerm() { sizes.append((reader.key, reader.payload.count)) }
        guard sizes.count >= 2 else { return nil }
        let half = sizes.reduce(0) { $0 + $1.bytes } / 2
        var sum = 0
        for (index, size) in sizes.enumerated().dropFirst() {
            sum += sizes[index - 1].bytes
            if sum >= half { return size.key }
        }
        return sizes[sizes.count - 1].key
    }

    /// Copies a finished file's body (between its header and footer) to the end of `file`.
    private static func appendBody(of path: String, to file: OutputFile) throws {
        let mapped = try MappedFile(path: path, name: path)
        let end = mapped.bytes.count - FileFormat.footerLength
        var offset = FileFormat.headerLength
        while offset < end {
            let chunk = min(end - offset, 1 << 20)
            try file.write(UnsafeRawBufferPointer(rebasing: mapped.bytes[offset..<offset + chunk]))
            offset += chunk
            mapped.release(upTo: offset)
        }
    }

    private func component(_ tag: FileFormat.Tag, _ written: (length: Int, checksum: UInt32)) -> IndexMeta.Component {
        IndexMeta.Component(tag: tag, length: UInt64(written.length), checksum: written.checksum)
    }

    /// lexicon.fts: a sorted table from folded surface to the terms it was indexed under, each term
    /// written as its shared prefix length with the surface and the rest, after how compounds make the
    /// spelling. Through readers of its own, past the runs' terms.
    private func mergeLexicons() throws -> (component: IndexMeta.Component, count: UInt64) {
        let readers = try runs.map { try RunReader(path: $0) }
        for reader in readers { while try reader.nextTerm() {} }
        let file = try OutputFile(path: folder + "/" + FileFormat.Tag.lexicon.fileName, tag: .lexicon, indexID: indexID)
        var table = SortedTableWriter(file: file)
        var heads = try readers.map { try $0.nextLexiconEntry() }
        var count: UInt64 = 0
        while true {
            var surface: String?
            for head in heads {
                if let head, surface.map({ head.surface.utf8.lexicographicallyPrecedes($0.utf8) }) ?? true { surface = head.surface }
            }
            guard let surface else { break }
            var terms = Set<String>()
            for index in heads.indices where heads[index]?.surface == surface {
                terms.formUnion(heads[index]!.terms)
                heads[index] = try readers[index].nextLexiconEntry()
            }
            var value = ByteWriter()
            let resolved = Lexicon.resolved(terms)
            let sorted = resolved.terms.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            value.vint(sorted.count << 1 | (resolved.joined == nil ? 0 : 1))
            if let joined = resolved.joined { value.vint(joined.firstLength << 1 | (joined.isWritten ? 1 : 0)) }
            for term in sorted {
                let shared = zip(surface.utf8, term.utf8).prefix { $0 == $1 }.count
                value.vint(shared)
                value.vint(term.utf8.count - shared)
                value.append(term.utf8.dropFirst(shared))
            }
            try table.add(key: Array(surface.utf8), value: value.bytes)
            count += 1
        }
        try table.finish()
        return (component(.lexicon, try file.finish()), count)
    }
}

/// Runs `body` on a thread of its own; `wait` returns what it returned, or throws what it threw.
final class BackgroundTask<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Written by the thread before it signals `done`, read after `wait` has waited for it.
    private var result: Swift.Result<Value, Error>?

    init(_ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            result = Swift.Result(catching: body)
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func wait() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
