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

    func merge() throws -> Result {
        var result = Result()
        let readers = try runs.map { try RunReader(path: $0) }
        var active = try readers.filter { try $0.nextTerm() }

        let termsFile = try OutputFile(path: folder + "/" + FileFormat.Tag.terms.fileName, tag: .terms, indexID: indexID)
        let postingsFile = try OutputFile(path: folder + "/" + FileFormat.Tag.postings.fileName, tag: .postings, indexID: indexID)
        let positionsFile = try OutputFile(path: folder + "/" + FileFormat.Tag.positions.fileName, tag: .positions, indexID: indexID)
        var table = SortedTableWriter(file: termsFile)
        var postings = PostingsWriter(postings: postingsFile, positions: positionsFile)

        while !active.isEmpty {
            var key = active[0].key
            for run in active.dropFirst() where run.key.lexicographicallyPrecedes(key) { key = run.key }
            let group = active.filter { $0.key == key }
            postings.startTerm(lengths: lengths[Int(key[0])])
            var decoders = group.map { PayloadDecoder($0.payload, file: $0.mapped.name) }
            var live = try decoders.indices.filter { try decoders[$0].advance() }
            while !live.isEmpty {
                var best = live[0]
                for index in live.dropFirst() where decoders[index].doc < decoders[best].doc { best = index }
                let encoded = try decoders[best].encodedPositions()
                try postings.add(doc: UInt32(decoders[best].doc), freq: decoders[best].freq, encodedPositions: encoded)
                if try !decoders[best].advance() { live.removeAll { $0 == best } }
            }
            let info = try postings.finishTerm()
            try table.add(key: key, value: info.encoded())
            result.termCount += 1
            result.postingCount += UInt64(info.docFreq)
            result.positionCount += UInt64(info.totalTermFreq)
            for run in group where try !run.nextTerm() { active.removeAll { $0 === run } }
        }
        try table.finish()
        result.components.append(component(.terms, try termsFile.finish()))
        result.components.append(component(.postings, try postingsFile.finish()))
        result.components.append(component(.positions, try positionsFile.finish()))
        result.lexiconCount = try mergeLexicons(readers, into: &result)
        return result
    }

    private func component(_ tag: FileFormat.Tag, _ written: (length: Int, checksum: UInt32)) -> IndexMeta.Component {
        IndexMeta.Component(tag: tag, length: UInt64(written.length), checksum: written.checksum)
    }

    /// lexicon.fts: a sorted table from folded surface to the terms it was indexed under, each term
    /// written as its shared prefix length with the surface and the rest.
    private func mergeLexicons(_ readers: [RunReader], into result: inout Result) throws -> UInt64 {
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
            let sorted = terms.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            value.vint(sorted.count)
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
        result.components.append(component(.lexicon, try file.finish()))
        return count
    }
}
