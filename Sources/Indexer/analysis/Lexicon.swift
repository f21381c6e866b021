/// The words of an index as written, folded, each with the terms they were indexed under.
///
/// Snowball's French rules read accents, so `activité` stems to `activ` while `activite` stems to
/// `activit`: a query typed without accents would miss. The lexicon, collected at index time, maps every
/// folded spelling (`activite`) to the terms its accented forms produced (`activ`), so that at query time
/// `activité`, `ACTIVITÉ` and `activite` reach exactly the same terms. Spellings the index never saw fall
/// back to the analyzer's own term.
public struct Lexicon: Sendable, Equatable {
    private var termsBySurface: [String: [String]] = [:]

    public init() {}

    public var count: Int { termsBySurface.count }

    /// Records that `token.surface` was indexed as `token.term`.
    public mutating func add(_ token: Token) {
        add(surface: token.surface, term: token.term)
    }

    public mutating func add(surface: String, term: String) {
        if let known = termsBySurface[surface] {
            if !known.contains(term) { termsBySurface[surface] = (known + [term]).sorted() }
        } else {
            termsBySurface[surface] = [term]
        }
    }

    /// A spelling with an apostrophe inside (`aujourd'hui`, `quelqu'un`, `o'reilly`: elided articles are
    /// gone by then) as it is typed without one (`aujourdhui`), which the lexicon lists too, so that it
    /// reaches the word's terms (unless a document writes that spelling itself); nil for a spelling
    /// without one, or whose last part is a single letter or an English contraction's (`don't` is no
    /// `dont`, `we'll` no `well`).
    public static func withoutApostrophes(_ surface: String) -> String? {
        guard let last = surface.utf8.lastIndex(of: 0x27) else { return nil }
        let tail = surface.utf8[surface.utf8.index(after: last)...]
        guard tail.count >= 2, !["ll", "re", "ve"].contains(where: { tail.elementsEqual($0.utf8) }) else { return nil }
        return String(surface.unicodeScalars.filter { $0 != "'" })
    }

    /// How the builder marks the terms of a spelling typed without its apostrophe (`withoutApostrophes`)
    /// in its runs: the merge keeps them only for a spelling no document writes itself, so that the
    /// index's own words come first (`solidaire` is not `Solid'Aire`).
    static let fallbackMark = "\u{1}"

    /// How the builder marks the term of a compound's joined word (`FrenchAnalyzer.onNewJoinedWord`) in
    /// its runs, with the length of the compound's first word: `\u{2}4:metadon` for `méta-données`.
    static func joinedMark(firstLength: Int) -> String { "\u{2}\(firstLength):" }

    /// The terms the lexicon lists for a spelling, of those its runs gave: the spelling's own, written
    /// or joined, or with none, those of the words typed that way without their apostrophe. And how
    /// compounds make it: nil when none does, or when one's joined word does not start with its first
    /// word's spelling (Unicode case rules could make that); else the shortest of their first words.
    static func resolved(_ marked: Set<String>) -> (terms: Set<String>, joined: JoinedSpelling?) {
        var written = Set<String>(), joined = Set<String>(), fallback = Set<String>()
        var firstLength = Int.max
        for term in marked {
            if term.hasPrefix(fallbackMark) {
                fallback.insert(String(term.dropFirst(fallbackMark.count)))
            } else if term.hasPrefix("\u{2}"), let colon = term.firstIndex(of: ":"),
                      let length = Int(term[term.index(after: term.startIndex)..<colon]) {
                joined.insert(String(term[term.index(after: colon)...]))
                firstLength = min(firstLength, length)
            } else {
                written.insert(term)
            }
        }
        if written.isEmpty && joined.isEmpty { return (fallback, nil) }
        guard !joined.isEmpty && firstLength > 0 else { return (written.union(joined), nil) }
        return (written.union(joined), JoinedSpelling(firstLength: firstLength, isWritten: !written.isEmpty))
    }

    /// The index terms a query word reaches: every term its folded spelling was indexed under, or its
    /// own term when the index never saw that spelling. Sorted, never empty.
    public func terms(for token: Token) -> [String] {
        termsBySurface[token.surface] ?? [token.term]
    }

    /// Every folded spelling with its terms, in no particular order.
    public var entries: [(surface: String, terms: [String])] {
        termsBySurface.map { ($0.key, $0.value) }
    }
}

/// How compounds make a spelling of the lexicon: `metadonnees` is `méta-données` joined, whose first
/// word, `meta`, starts it (docs/FORMAT.md, lexicon.fts).
public struct JoinedSpelling: Sendable, Equatable {
    /// The length in bytes of the compounds' first word's folded spelling (of several, the shortest).
    public var firstLength: Int
    /// Whether some document also writes the spelling as a word.
    public var isWritten: Bool

    public init(firstLength: Int, isWritten: Bool) {
        self.firstLength = firstLength
        self.isWritten = isWritten
    }
}
