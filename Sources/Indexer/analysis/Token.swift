/// One term of analyzed text.
public struct Token: Equatable, Sendable {
    /// The index term: Snowball stem of the lower-cased word, then folded (accents removed).
    public var term: String
    /// The folded word as written (lower-case, no accents, elision removed): what the lexicon maps to
    /// terms, so that a query typed without accents reaches the same terms, and what prefixes match.
    public var surface: String
    /// Ordinal of the term in the text: consecutive words have consecutive positions.
    public var position: Int
    /// UTF-8 byte offsets of the source text the term comes from.
    public var range: Range<Int>
    /// A small number for the spelling within the analyzer's current `wordGeneration`, or -1: lets the
    /// indexer find the term without hashing it. Not part of the token's identity.
    public var wordID: Int32
    /// The positions the token stands for: 1, or 2 for a hyphenated compound's parts written as one
    /// word (`en-tête` as `entête`), which stands at its first part's position, beside that part.
    public var span: Int

    public init(term: String, surface: String, position: Int, range: Range<Int>, wordID: Int32 = -1, span: Int = 1) {
        self.term = term
        self.surface = surface
        self.position = position
        self.range = range
        self.wordID = wordID
        self.span = span
    }

    public static func == (a: Token, b: Token) -> Bool {
        a.term == b.term && a.surface == b.surface && a.position == b.position && a.range == b.range && a.span == b.span
    }
}

/// Exact forms (`fts index --exact-words`, Sphinx's `index_exact_words`): each word is also indexed as
/// written, folded but not stemmed, so that `=word` finds that form alone. Its term is the surface after
/// a NUL byte, which no analyzer term holds: in a field, exact forms sort before every other term, and
/// listings of a field's terms pass them over.
public enum ExactForm {
    /// The byte an exact form's term starts with.
    public static let marker: UInt8 = 0

    public static func term(_ surface: String) -> String { String(UnicodeScalar(marker)) + surface }

    @inlinable public static func isExact(_ term: String) -> Bool { term.utf8.first == marker }

    /// A term as a person reads it: an exact form as `=form`, any other as it is.
    public static func shown(_ term: String) -> String { isExact(term) ? "=" + term.dropFirst() : term }
}
