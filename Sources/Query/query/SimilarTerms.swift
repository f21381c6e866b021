import Indexer

/// The terms that tell one document apart, to find the documents like it (Lucene's MoreLikeThis):
/// its searched fields analysed again from the store, as the index analysed them, each term weighed
/// by how often it occurs there times its BM25 idf in that field, the best kept. Stop words and terms no
/// other document holds are left out; a long field is read up to `bytesRead`.
enum SimilarTerms {
    /// Terms kept (Lucene's and Elasticsearch's `max_query_terms`).
    static let maximumTerms = 25
    /// A term the document shares with no other finds nothing.
    static let minimumDocumentFrequency = 2

    /// Words that say nothing of what a document is about: Snowball's French stop list, with the
    /// forms it leaves out as homonyms of other words (`été`, `est`, `sommes`, `son`), folded as the
    /// analyzer folds spellings. They stay in the index (a phrase needs them); they are never chosen here.
    static let stopWords: Set<String> = Set("""
        au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me même mes moi
        mon ne nos notre nous on ou par pas pour qu que qui sa se ses sur ta te tes toi ton tu un une
        vos votre vous c d j l à m n s t y étée étées étant suis es êtes sont serai seras sera
        serons serez seront serais serait serions seriez seraient étais était étions étiez étaient
        fus fut fûmes fûtes furent sois soit soyons soyez soient fusse fusses fussions fussiez
        fussent ayant eu eue eues eus ai avons avez ont aurai aurons aurez auront aurais aurait aurions
        auriez auraient avais avait aviez avaient eut eûmes eûtes eurent aie aies ait ayons ayez
        aient eusse eusses eût eussions eussiez eussent ceci cela celà cet cette ici ils les leurs
        quel quels quelle quelles sans soi été étés est sommes son
        """.split(whereSeparator: \.isWhitespace).map { Folding.removeAccents(Folding.lowercase(String($0))) })

    /// Bytes of each field read (cut after the last space before them): about 5,000 words of French, as
    /// Lucene's MoreLikeThis reads at most 5,000 tokens a field. A long document's opening tells it
    /// apart as well as its whole text does, for a bounded cost.
    static let bytesRead = 32_768

    /// The part of a field's text that is read: all of it up to `bytesRead` bytes, else up to its last
    /// space or line break before them (or the last whole character, when there is none).
    static func readPart(of text: String) -> Substring {
        let utf8 = text.utf8
        guard utf8.count > bytesRead else { return text[...] }
        var end = utf8.index(utf8.startIndex, offsetBy: bytesRead)
        // Back to the start of a character: past UTF-8's continuation bytes.
        while end > utf8.startIndex && utf8[end] & 0xC0 == 0x80 { end = utf8.index(before: end) }
        let cut = text[..<end]
        guard let space = cut.lastIndex(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) else { return cut }
        return text[..<space]
    }

    struct Selected: Equatable {
        var field: Int
        var term: String
        /// The term as the document first spells it (folded), for explanations.
        var surface: String
        var weight: Double
    }

    /// The best terms of `doc`, best first; equal weights in the order of their fields, then of their
    /// terms' bytes, so that a document always makes the same query.
    /// `fields`: those read (the searched fields a word without one is searched in).
    static func select(doc: Int, reader: IndexReader, analyzer: FrenchAnalyzer, fields: Set<Int>) throws -> [Selected] {
        let stored = try reader.storedFields(doc)
        var candidates: [Selected] = []
        for (field, text) in stored.values where fields.contains(field) {
            // Counted by spelling first, by the analyzer's number for it where it has one (a cheaper
            // key than the term's text), then by term.
            var spellings: [(term: String, surface: String, count: Int)] = []
            var slotOfWord: [Int32: Int] = [:]
            var slotOfNumber: [String: Int] = [:]
            try analyzer.analyze(String(readPart(of: text))) { token in
                let slot = token.wordID >= 0 ? slotOfWord[token.wordID] : slotOfNumber[token.term]
                if let slot { return spellings[slot].count += 1 }
                if token.wordID >= 0 { slotOfWord[token.wordID] = spellings.count } else { slotOfNumber[token.term] = spellings.count }
                spellings.append((token.term, token.surface, 1))
            }
            var frequencies: [String: (count: Int, surface: String)] = [:]
            for spelling in spellings where !stopWords.contains(spelling.surface) {
                frequencies[spelling.term, default: (0, spelling.surface)].count += spelling.count
            }
            let terms = Array(frequencies.keys)
            let infos = try reader.termInfos(field: field, terms: terms)
            let documents = Int(reader.meta.fields[field].documentsWithField)
            for (term, info) in zip(terms, infos) {
                guard let info, info.docFreq >= minimumDocumentFrequency else { continue }
                let entry = frequencies[term]!
                let idf = BM25Parameters.idf(docFreq: info.docFreq, documentCount: documents)
                candidates.append(Selected(field: field, term: term, surface: entry.surface, weight: Double(entry.count) * idf))
            }
        }
        candidates.sort { a, b in
            if a.weight != b.weight { return a.weight > b.weight }
            if a.field != b.field { return a.field < b.field }
            return a.term.utf8.lexicographicallyPrecedes(b.term.utf8)
        }
        return Array(candidates.prefix(maximumTerms))
    }
}
