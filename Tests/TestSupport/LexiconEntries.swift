import Indexer

extension IndexReader {
    /// Folded spellings starting with `prefix`, their terms and their `joinedFirstLength`, in byte
    /// order, all at once: what the tests' brute force and fixtures compare with, where the engine walks
    /// them one by one.
    public func lexiconEntries(prefix: String) throws -> [(surface: String, terms: [String], joinedFirstLength: Int)] {
        var result: [(surface: String, terms: [String], joinedFirstLength: Int)] = []
        try forEachLexiconEntry(prefix: prefix) { surface, joinedFirstLength, terms in
            result.append((String(decoding: surface, as: UTF8.self), try terms(), joinedFirstLength))
            return true
        }
        return result
    }
}
