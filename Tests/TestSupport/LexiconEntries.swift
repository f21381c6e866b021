import Indexer

extension IndexReader {
    /// Folded spellings starting with `prefix` and their terms, in byte order, all at once: what the
    /// tests' brute force and fixtures compare with, where the engine walks them one by one.
    public func lexiconEntries(prefix: String) throws -> [(surface: String, terms: [String])] {
        var result: [(surface: String, terms: [String])] = []
        try forEachLexiconEntry(prefix: prefix) { surface, terms in
            result.append((String(decoding: surface, as: UTF8.self), try terms()))
            return true
        }
        return result
    }
}
