/// `fts verify`: every checksum, then every structure, cross-checked against meta.fts.
public struct IndexVerification: Sendable {
    public var files: [(name: String, bytes: Int)] = []
    public var terms: UInt64 = 0
    public var postings: UInt64 = 0
    public var positions: UInt64 = 0
    public var documents = 0
    public var lexiconEntries: UInt64 = 0
}

extension IndexReader {
    /// Checks the index completely; throws `IndexError.corrupt` naming the file at the first problem.
    public func verify() throws -> IndexVerification {
        var report = IndexVerification()
        try FileFormat.verifyChecksum(metaFile.bytes, file: metaFile.name)
        report.files.append((metaFile.name, metaFile.bytes.count))
        for component in meta.components {
            let file = files[Self.requiredComponents.firstIndex(of: component.tag)!]
            try FileFormat.verifyChecksum(file.bytes, file: file.name)
            let stored = UInt32(littleEndian: file.bytes.loadUnaligned(fromByteOffset: file.bytes.count - 4, as: UInt32.self))
            guard stored == component.checksum else {
                throw IndexError.corrupt(file: file.name, reason: "checksum differs from the one meta.fts records")
            }
            report.files.append((file.name, file.bytes.count))
        }

        for table in [terms, lexiconTable, ids] { try table.verifyBlockIndex() }

        // The corpus's files decode, and each is a path given to the build or lies in one.
        if let outside = try corpusManifest().fileOutsideRoots {
            throw IndexError.corrupt(file: FileFormat.Tag.files.fileName, reason: "\(outside.path) lies in none of the paths the build was given")
        }

        // Terms and postings: every list decodes, agrees with its dictionary entry, and every position
        // lies within its document's length.
        var cursor = try terms.cursor()
        var previousField = -1
        var positions: [UInt32] = []
        while let value = try cursor.next() {
            let field = Int(cursor.key[0])
            guard field < meta.fields.count, meta.fields[field].indexed, field >= previousField else {
                throw IndexError.corrupt(file: terms.file, reason: "term of unknown or unindexed field \(field)")
            }
            previousField = field
            let info = try TermInfo.decode(value, file: terms.file)
            let postings = try self.postings(info)
            // The stored frontiers bound every posting they speak for.
            var termImpacts: [Impact] = [], tailImpacts: [Impact] = []
            _ = try postings.forEachTermImpact { termImpacts.append(Impact(termFreq: $0, length: $1)) }
            _ = try postings.forEachTailImpact { tailImpacts.append(Impact(termFreq: $0, length: $1)) }
            let tailStart = info.docFreq / BitPacking.blockSize * BitPacking.blockSize
            func bounds(_ frontier: [Impact], _ freq: UInt32, _ length: UInt32) -> Bool {
                frontier.isEmpty || frontier.contains { $0.termFreq >= freq && $0.length <= length }
            }
            var docs = 0, occurrences = 0
            while try postings.next() != PostingsCursor.end {
                try postings.positions(into: &positions)
                let length = self.length(field: field, doc: postings.doc)
                guard let last = positions.last, last < length else {
                    throw IndexError.corrupt(file: FileFormat.Tag.positions.fileName, reason: "position past the end of document \(postings.doc)")
                }
                guard bounds(termImpacts, postings.freq, length), docs < tailStart || bounds(tailImpacts, postings.freq, length) else {
                    throw IndexError.corrupt(file: FileFormat.Tag.postings.fileName, reason: "impacts do not bound document \(postings.doc)")
                }
                docs += 1
                occurrences += positions.count
            }
            guard docs == info.docFreq, occurrences == info.totalTermFreq else {
                throw IndexError.corrupt(file: FileFormat.Tag.postings.fileName, reason: "posting list disagrees with its dictionary entry")
            }
            report.terms += 1
            report.postings += UInt64(docs)
            report.positions += UInt64(occurrences)
        }
        guard report.terms == meta.termCount, report.postings == meta.postingCount, report.positions == meta.positionCount else {
            throw IndexError.corrupt(file: terms.file, reason: "term, posting or position counts differ from meta.fts")
        }

        // Norms: each field's lengths add up to its recorded total.
        for (number, field) in meta.fields.enumerated() where field.indexed {
            var total: UInt64 = 0
            for doc in 0..<meta.documentCount { total += UInt64(length(field: number, doc: UInt32(doc))) }
            guard total == field.totalLength else {
                throw IndexError.corrupt(file: FileFormat.Tag.norms.fileName, reason: "lengths of field \(field.name) differ from meta.fts")
            }
        }

        // Documents and ids: every document decodes, its id leads back to it, its body's token
        // offsets (in range by decoding) are as many as its body's length, and its sort values are
        // those of its stored fields.
        var valueCounts = [Int](repeating: 0, count: meta.fields.count)
        var facetCounts = [Int](repeating: 0, count: meta.fields.count)
        try verifyFacetDictionaries()
        for doc in 0..<meta.documentCount {
            let (fields, body) = try storedFieldsWithBody([doc])[0]
            guard let id = fields.value(of: StandardField.id), try document(id: id) == doc else {
                throw IndexError.corrupt(file: FileFormat.Tag.ids.fileName, reason: "document \(doc)'s id does not lead back to it")
            }
            if let body, String(validating: body.bytes, as: UTF8.self) == nil {
                throw IndexError.corrupt(file: FileFormat.Tag.store.fileName, reason: "document \(doc)'s body is not valid UTF-8")
            }
            let tokens = try body?.tokens.decoded() ?? TokenOffsets()
            let terms = Int(length(field: StandardField.body, doc: UInt32(doc)))
            guard tokens.count == terms else {
                throw IndexError.corrupt(file: FileFormat.Tag.store.fileName, reason: "document \(doc) has \(tokens.count) token offsets for a body of \(terms) terms")
            }
            try verifySortValues(of: doc, fields: fields, counts: &valueCounts)
            try verifyFacetValues(of: doc, fields: fields, counts: &facetCounts)
            report.documents += 1
        }
        for field in meta.fields.indices where facetCounts[field] != facetValues.documentsWithValue(field: field) {
            throw IndexError.corrupt(file: FileFormat.Tag.facets.fileName, reason: "field \(meta.fields[field].name) has values in \(facetCounts[field]) documents, not \(facetValues.documentsWithValue(field: field))")
        }
        for field in meta.fields.indices where valueCounts[field] != sortValues.documentsWithValue(field: field) {
            throw IndexError.corrupt(file: FileFormat.Tag.values.fileName, reason: "field \(meta.fields[field].name) has values in \(valueCounts[field]) documents, not \(sortValues.documentsWithValue(field: field))")
        }
        guard ids.entryCount == meta.documentCount else {
            throw IndexError.corrupt(file: FileFormat.Tag.ids.fileName, reason: "holds \(ids.entryCount) ids for \(meta.documentCount) documents")
        }

        var lexicon = try lexiconTable.cursor()
        while let value = try lexicon.next() {
            guard let surface = String(validating: lexicon.key, as: UTF8.self) else {
                throw IndexError.corrupt(file: lexiconTable.file, reason: "invalid UTF-8 in a surface")
            }
            _ = try Self.decodeLexiconTerms(value, surface: surface, file: lexiconTable.file)
            try verifyJoinedFirstWord(value, surface: surface)
            report.lexiconEntries += 1
        }
        guard report.lexiconEntries == meta.lexiconCount else {
            throw IndexError.corrupt(file: lexiconTable.file, reason: "entry count differs from meta.fts")
        }
        return report
    }

    /// A spelling compounds make starts with their first word's, which the lexicon lists too: a prefix
    /// leaves the compound's spelling out for it, and a phrase finds the compound through its words.
    private func verifyJoinedFirstWord(_ value: UnsafeRawBufferPointer, surface: String) throws {
        var bytes = surface
        try bytes.withUTF8 { utf8 in
            guard let length = try Self.decodeLexiconHeader(value, surface: utf8, file: lexiconTable.file).joined?.firstLength else { return }
            guard try lexiconTable.value(for: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(utf8)[..<length])) != nil else {
                throw IndexError.corrupt(file: lexiconTable.file, reason: "the first word of \(surface)'s compounds is not in the lexicon")
            }
        }
    }

    /// The values of `doc` in every field beyond the body are those its stored text holds.
    private func verifySortValues(of doc: Int, fields: StoredFields, counts: inout [Int]) throws {
        for field in meta.fields.indices where field > StandardField.body {
            var expected: (smallest: Double, largest: Double)?
            for stored in fields.values where stored.field == field {
                guard let range = SortValue.range(of: stored.value) else { continue }
                expected = expected.map { (min($0.smallest, range.smallest), max($0.largest, range.largest)) } ?? range
            }
            let smallest = sortValues.value(doc: doc, field: field, largest: false)
            let largest = sortValues.value(doc: doc, field: field, largest: true)
            guard smallest == expected?.smallest, largest == expected?.largest else {
                throw IndexError.corrupt(file: FileFormat.Tag.values.fileName,
                                         reason: "document \(doc)'s values in field \(meta.fields[field].name) differ from its stored text")
            }
            if expected != nil { counts[field] += 1 }
        }
    }

    /// Each field's values are distinct, in byte order, and no longer than the build keeps.
    private func verifyFacetDictionaries() throws {
        for field in facetValues.fields {
            var previous: String?
            for ordinal in 0..<facetValues.valueCount(field: field) {
                let value = try facetValues.value(ordinal: ordinal, field: field)
                guard !value.isEmpty, value.utf8.count <= FacetValuesReader.longestValue,
                      previous.map({ $0.utf8.lexicographicallyPrecedes(value.utf8) }) ?? true else {
                    throw IndexError.corrupt(file: FileFormat.Tag.facets.fileName,
                                             reason: "value \(ordinal) of field \(meta.fields[field].name) is empty, too long or out of order")
                }
                previous = value
            }
        }
    }

    /// `doc`'s path is its value of the path (unless too long to keep), and its values in every field
    /// beyond the body are in its stored text; in a field with a column (`fts index --facets` may leave
    /// fields out), a stored text that is one value (no ", " joins items there) is the only one.
    private func verifyFacetValues(of doc: Int, fields: StoredFields, counts: inout [Int]) throws {
        let path = fields.values.first { $0.field == StandardField.path }?.value ?? ""
        let kept = path.isEmpty || path.utf8.count > FacetValuesReader.longestValue ? [] : [path]
        guard try facetValues.values(doc: doc, field: StandardField.path) == kept else {
            throw IndexError.corrupt(file: FileFormat.Tag.facets.fileName, reason: "document \(doc)'s value of the path is not its path")
        }
        counts[StandardField.path] += kept.count
        for field in meta.fields.indices where field > StandardField.body {
            let stored = fields.values.filter { $0.field == field }.map(\.value).joined(separator: ", ")
            let values = try facetValues.values(doc: doc, field: field)
            let whole = facetValues.hasValues(field: field) && !stored.isEmpty && !stored.contains(", ")
                && stored.utf8.count <= FacetValuesReader.longestValue
            guard values.allSatisfy({ stored.contains($0) }), !whole || values == [stored], !stored.isEmpty || values.isEmpty else {
                throw IndexError.corrupt(file: FileFormat.Tag.facets.fileName,
                                         reason: "document \(doc)'s values in field \(meta.fields[field].name) differ from its stored text")
            }
            if !values.isEmpty { counts[field] += 1 }
        }
    }
}
