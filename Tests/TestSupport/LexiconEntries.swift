import Indexer

extension IndexReader {
    /// Folded spellings starting with `prefix`, their terms and how compounds make them, in byte
    /// order, all at once: what the tests' brute force and fixtures compare with, where the engine walks
    /// them one by one.
    public func lexiconEntries(prefix: String) throws -> [(surface: String, terms: [String], joined: JoinedSpelling?)] {
        var result: [(surface: String, terms: [String], joined: JoinedSpelling?)] = []
        try forEachLexiconEntry(prefix: prefix) { surface, joined, terms in
            result.append((String(decoding: surface, as: UTF8.self), try terms(), joined))
            return true
        }
        return result
    }
}
