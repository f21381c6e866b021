import CICU

/// French text in, terms out, the same at index and at query time.
///
/// 1. ICU word segmentation (locale `fr`) of the UTF-8 bytes: words and numbers, no punctuation. The
///    chunks between spaces that ICU's rules keep as plain words are cut without ICU (`WordBreaker`).
/// 2. Elision removed from the front of a word (`l’`, `qu’`, `jusqu’`…); `aujourd’hui` stays whole.
/// 3. Words split where ICU keeps inner dots (`salarié.e.s`, `D.E.S.I.R`, `site.org`); single letters
///    joined by dots are an acronym and are glued back (`D.E.S.I.R` → `desir`).
/// 4. Inclusive writing (`salarié-e-s`, `salarié·e·s`, `salarié(e)s`, `acteurs-trices`, `un-e`): the
///    feminine and plural marks are absorbed and the word analysed as its plain plural (`salariés`).
/// 5. Each word is lower-cased, stemmed by Snowball (whose French rules read accents), and then folded
///    (accents removed, ligatures expanded). Stemming before folding keeps every conflation of the
///    reference stemmer; the `Lexicon` then makes queries typed without accents reach the same terms.
///
/// Stop words are indexed like any other word, at their own positions. Removing them would make a query
/// made of common words (`Il était deux fois`) find nothing and let phrases match across a removed word;
/// BM25's idf already gives them almost no weight, and the query engine's pruning skips them cheaply.
///
/// Numbers (`2022`, `2,5`, `45,320`) are kept verbatim, neither stemmed nor folded; one written in
/// groups of three digits (`100 000`, `2 500,50`, any single space between) is one number, its
/// digits. Compounds split by ICU at hyphens (`Clichy-sous-Bois`) yield their parts at consecutive
/// positions; asked to, the analyzer also yields a compound of two words as the one word it is often
/// written as (`en-tête` as `entête`, `e-mail` as `email`), at its first part's position, as Lucene's
/// WordDelimiterGraphFilter catenates words and Sphinx indexes blended words.
///
/// Expensive steps run once per distinct spelling (`WordCache`). Not thread-safe: one per thread.
public final class FrenchAnalyzer {
    /// Taken out of the object for the length of a call: mutating a local struct needs no dynamic
    /// exclusivity checks, which on class properties cost a tenth of the pipeline.
    private var pipeline: AnalysisPipeline?

    /// `everyByteThroughICU`: see `WordBreaker`; the terms are the same either way.
    public init(everyByteThroughICU: Bool = false) throws {
        pipeline = AnalysisPipeline(breaker: try WordBreaker(locale: "fr", everyByteThroughICU: everyByteThroughICU),
                                    stemmer: try SnowballStemmer(language: "french"))
    }

    /// Called with the folded surface and the term of each spelling the analyzer meets for the first
    /// time (or again after its cache was emptied): how the indexer builds the lexicon without a lookup
    /// per token. Numbers are not reported: their term is their spelling.
    public var onNewWord: ((_ surface: String, _ term: String) -> Void)? {
        get { pipeline?.onNewWord }
        set { pipeline?.onNewWord = newValue }
    }

    /// Called with the folded surface and the term of each compound's joined word (`Token.span` 2) the
    /// analyzer makes for the first time, and the length in bytes of the compound's first word's folded
    /// spelling, its start (`metadonnees` from `méta-données`: 4); 0 when the joined spelling does not
    /// start with it. Joined words are cached apart from the words written as such, so that the
    /// lexicon learns which spellings compounds make, where they split, and which no document writes.
    public var onNewJoinedWord: ((_ surface: String, _ term: String, _ firstLength: Int) -> Void)? {
        get { pipeline?.onNewJoinedWord }
        set { pipeline?.onNewJoinedWord = newValue }
    }

    /// Changes whenever word ids (`Token.wordID`) are reassigned: a word id names the same spelling,
    /// hence the same term, only within one generation.
    public var wordGeneration: Int { pipeline?.cache.generation ?? -1 }

    /// Analyses `text`, calling `emit` with each term in order. With `joiningCompounds`, a compound of
    /// two words joined by a hyphen is followed by its parts written as one word (`Token.span` 2), at
    /// its first part's position: what the index holds, so that `entête` finds `en-tête`.
    public func analyze(_ text: String, joiningCompounds: Bool = false, _ emit: (Token) -> Void) throws {
        // Swapped out and back: a move, where copying it would retain each of its arrays.
        var pipeline: AnalysisPipeline?
        swap(&pipeline, &self.pipeline)
        defer { swap(&pipeline, &self.pipeline) }
        pipeline!.joinsCompounds = joiningCompounds
        try pipeline!.analyze(text, emit)
    }

    /// Whether `gap`, the bytes between two words, is a hyphen that joins a compound: `-`, `‐` (U+2010)
    /// or `‑` (U+2011).
    @inlinable
    public static func isHyphen(_ gap: UnsafeRawBufferPointer) -> Bool {
        switch gap.count {
        case 1: return gap[0] == 0x2D
        case 3: return gap[0] == 0xE2 && gap[1] == 0x80 && (gap[2] == 0x90 || gap[2] == 0x91)
        default: return false
        }
    }

    /// The terms of `text`, in order.
    public func tokens(_ text: String, joiningCompounds: Bool = false) throws -> [Token] {
        var tokens: [Token] = []
        try analyze(text, joiningCompounds: joiningCompounds) { tokens.append($0) }
        return tokens
    }

    /// The articles and pronouns whose vowel an apostrophe elides before a word (`l’`, `jusqu’`).
    public static let elidedWords: Set<String> = ["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"]
}

private struct AnalysisPipeline {
    struct Word {
        let term: String
        let surface: String
        /// The word's number in the cache, or -1 (numbers are not cached).
        var id: Int32 = -1
    }

    /// What the cache keeps of a word: its number is its entry's.
    struct CachedWord {
        let term: String
        let surface: String
    }

    enum Joiner { case none, dot, other }

    struct Piece {
        var start: Int
        var end: Int
        var isNumber: Bool
        /// How this piece is attached to the previous one: not at all, by a dot inside an ICU word, or by
        /// a single hyphen, bracket, slash or middle dot.
        var joiner: Joiner
        /// A number of several groups of digits, spaces between (`100 000`).
        var grouped = false
    }

    let breaker: WordBreaker
    let stemmer: SnowballStemmer
    var onNewWord: ((String, String) -> Void)?
    var onNewJoinedWord: ((String, String, Int) -> Void)?
    var joinsCompounds = false
    var cache = WordCache<CachedWord>()
    /// Joined words, keyed by the compound as written, hyphen and all.
    var joinedCache = WordCache<CachedWord>(limit: 1 << 16)
    var words: [fts_word] = []
    var pieces: [Piece] = []
    /// Spellings that are not contiguous in the text: acronyms and inclusive plurals.
    var spelling: [UInt8] = []

    init(breaker: WordBreaker, stemmer: SnowballStemmer) {
        self.breaker = breaker
        self.stemmer = stemmer
    }

    mutating func analyze(_ text: String, _ emit: (Token) -> Void) throws {
        cache.startAfreshIfFull()
        joinedCache.startAfreshIfFull()
        var text = text
        try text.withUTF8 { bytes in
            var position = 0
            if Self.isPlainWord(bytes) {
                // What ICU would say of it, without the cost of pointing ICU at a new text: a query is
                // mostly such words, each analysed on its own.
                pieces.removeAll(keepingCapacity: true)
                pieces.append(Piece(start: 0, end: bytes.count, isNumber: false, joiner: .none))
                analyzeChain(0..<1, in: bytes, position: &position, emit)
                return
            }
            try breaker.setText(bytes)
            var previousEnd = 0
            var exhausted = false
            pieces.removeAll(keepingCapacity: true)
            while !exhausted {
                words.removeAll(keepingCapacity: true)
                exhausted = try !breaker.fill(&words)
                for word in words { appendPieces(of: word, in: bytes, previousEnd: &previousEnd) }
                // A chain of joined pieces may go on in the next batch: keep the last one until it ends.
                var ready = pieces.count
                if !exhausted {
                    while ready > 0 && pieces[ready - 1].joiner != .none { ready -= 1 }
                    ready = max(ready - 1, 0)
                }
                var start = 0
                while start < ready {
                    var end = start + 1
                    while end < ready && pieces[end].joiner != .none { end += 1 }
                    analyzeChain(start..<end, in: bytes, position: &position, emit)
                    start = end
                }
                pieces.removeFirst(ready)
            }
        }
    }

    /// Whether `bytes` are one word of Latin letters only (ASCII, or Latin-1's `À`–`ÿ` but `×` and
    /// `÷`), which ICU's word rules keep whole as letters (UAX #29, WB5) and which hold no apostrophe
    /// or dot to split at.
    static func isPlainWord(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty && bytes.count <= 64 else { return false }
        var k = 0
        while k < bytes.count {
            let byte = bytes[k]
            if (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A {
                k += 1
            } else if byte == 0xC3 && k + 1 < bytes.count && bytes[k + 1] >= 0x80 && bytes[k + 1] <= 0xBF
                        && bytes[k + 1] != 0x97 && bytes[k + 1] != 0xB7 {
                k += 2
            } else {
                return false
            }
        }
        return true
    }

    // MARK: Pieces

    mutating func appendPieces(of word: fts_word, in bytes: UnsafeBufferPointer<UInt8>, previousEnd: inout Int) {
        let end = Int(word.end)
        let joiner: Joiner = Self.isJoiner(bytes, previousEnd..<Int(word.start)) && previousEnd > 0 ? .other : .none
        previousEnd = end
        if word.kind == Int32(FTS_WORD_NUMBER) {
            // ICU calls a word that ends in digits a number (`d’IPv6`, `l’A380`): its article is elided all
            // the same. A number that starts with a digit never is (`1'000`).
            var start = Self.startAfterElision(bytes, Int(word.start)..<end)
            var k = start
            var pieceJoiner = joiner
            // A narrow no-break space, which ICU keeps inside a number (UAX #29's ExtendNumLet), parts it
            // as the other spaces do (`2024 2025` is two numbers however spaced), unless it groups digits.
            while k + 2 < end {
                guard Self.isNarrowNoBreakSpace(bytes, at: k) else {
                    k += 1
                    continue
                }
                if k > start { appendNumber(Piece(start: start, end: k, isNumber: true, joiner: pieceJoiner), in: bytes) }
                pieceJoiner = .none
                k += 3
                start = k
            }
            if end > start { appendNumber(Piece(start: start, end: end, isNumber: true, joiner: pieceJoiner), in: bytes) }
            return
        }
        // `l’ économie`, typed with a space: the article is as elided as in `l’économie`.
        if end < bytes.count && Self.isApostrophe(bytes, at: end) && Self.isElided(bytes, Int(word.start)..<end) { return }
        if word.kind == Int32(FTS_WORD_ONLY_LETTERS) || !Self.mayNeedSplitting(UnsafeRawBufferPointer(bytes), Int(word.start)..<end) {
            pieces.append(Piece(start: Int(word.start), end: end, isNumber: false, joiner: joiner))
            return
        }
        var pieceStart = Self.startAfterElision(bytes, Int(word.start)..<end)
        let wordEnd = Self.endBeforePossessive(bytes, pieceStart..<end)
        var pieceJoiner = joiner
        var k = pieceStart
        while k < wordEnd {
            let separator: (length: Int, joiner: Joiner)
            switch bytes[k] {
            // A dot between digits is a number's, as ICU keeps it in `1.0b2`: `3.0a` and `1.2.3a` stay whole.
            case 0x2E where k > pieceStart && k + 1 < wordEnd && Self.isDigit(bytes[k - 1]) && Self.isDigit(bytes[k + 1]):
                k += 1
                continue
            case 0x2E: separator = (1, .dot)
            // ICU keeps `@` inside a word (`david@tilapin`): split, as Lucene's and tantivy's tokenizers
            // split an address, so that `david` finds it and the address typed whole is still a phrase.
            case 0x40: separator = (1, .none)
            // And a narrow no-break space, a space.
            case 0xE2 where k + 2 < wordEnd && Self.isNarrowNoBreakSpace(bytes, at: k): separator = (3, .none)
            case 0xC2 where k + 1 < wordEnd && bytes[k + 1] == 0xB7: separator = (2, .other)  // · U+00B7
            case 0xE2 where k + 2 < wordEnd && bytes[k + 1] == 0x80 && bytes[k + 2] == 0xA7: separator = (3, .other)  // ‧
            default:
                k += 1
                continue
            }
            if k > pieceStart { appendSplitPiece(Piece(start: pieceStart, end: k, isNumber: false, joiner: pieceJoiner), in: bytes) }
            pieceJoiner = separator.joiner
            // A sentence run on without a space (`utilisateur.L'emplacement`) elides as it would after one.
            pieceStart = Self.startAfterElision(bytes, k + separator.length..<wordEnd)
            k = pieceStart
        }
        if wordEnd > pieceStart { appendSplitPiece(Piece(start: pieceStart, end: wordEnd, isNumber: false, joiner: pieceJoiner), in: bytes) }
    }

    /// A piece of a word split at its inner marks; beside a narrow no-break space, a number when it is
    /// one (`12 000 km` with narrow no-break spaces is one ICU word, of letters), which may join the
    /// number before as its next group.
    mutating func appendSplitPiece(_ piece: Piece, in bytes: UnsafeBufferPointer<UInt8>) {
        guard Self.integerDigits(bytes, piece.start..<piece.end) != nil,
              (piece.start >= 3 && Self.isNarrowNoBreakSpace(bytes, at: piece.start - 3))
                || (piece.end + 3 <= bytes.count && Self.isNarrowNoBreakSpace(bytes, at: piece.end))
        else {
            pieces.append(piece)
            return
        }
        var number = piece
        number.isNumber = true
        appendNumber(number, in: bytes)
    }

    /// Whether a word holds a byte that may start an apostrophe (`'`, `’`, `‘`, `ʼ`), an inner dot (`.`, `·`,
    /// `‧`) or an `@`: most words hold none and are one piece as they stand.
    static func mayNeedSplitting(_ bytes: UnsafeRawBufferPointer, _ word: Range<Int>) -> Bool {
        var offset = word.lowerBound
        while offset < word.upperBound {
            let chunk = Bytes.load(bytes, offset, end: word.upperBound)
            let found = Bytes.matches(chunk, 0x27) | Bytes.matches(chunk, 0x2E) | Bytes.matches(chunk, 0x40) | Bytes.matches(chunk, 0xC2)
                | Bytes.matches(chunk, 0xE2) | Bytes.matches(chunk, 0xCA)
            if found != 0 { return true }
            offset += 8
        }
        return false
    }

    /// A single hyphen, bracket, slash or middle dot between two words joins them (`salarié-e-s`,
    /// `salarié(e)s`, `un/e`); anything longer or else (a space) separates them.
    static func isJoiner(_ bytes: UnsafeBufferPointer<UInt8>, _ gap: Range<Int>) -> Bool {
        switch gap.count {
        case 1:
            switch bytes[gap.lowerBound] {
            case 0x2D, 0x28, 0x29, 0x2F: return true  // - ( ) /
            default: return false
            }
        case 2:
            return bytes[gap.lowerBound] == 0xC2 && bytes[gap.lowerBound + 1] == 0xB7  // ·
        case 3:
            guard bytes[gap.lowerBound] == 0xE2 else { return false }
            switch (bytes[gap.lowerBound + 1], bytes[gap.lowerBound + 2]) {
            case (0x80, 0x90), (0x80, 0x91), (0x80, 0xA2), (0x80, 0xA7), (0x8B, 0x85): return true  // ‐ ‑ • ‧ ⋅
            default: return false
            }
        default:
            return false
        }
    }

    /// A number, or the next group of three digits of the number before (`100 000`, `2 500,50`, one
    /// space of any width between), as French typography writes large numbers: the two are one.
    mutating func appendNumber(_ piece: Piece, in bytes: UnsafeBufferPointer<UInt8>) {
        if let last = pieces.last, last.isNumber, Self.isGroupSpace(bytes, last.end..<piece.start),
           Self.isDigitGroup(bytes, piece.start..<piece.end),
           last.grouped ? !bytes[last.start..<last.end].contains(where: { $0 == 0x2C || $0 == 0x2E })
                        : last.end - last.start <= 3 && bytes[last.start..<last.end].allSatisfy(Self.isDigit) {
            pieces[pieces.count - 1].end = piece.end
            pieces[pieces.count - 1].grouped = true
            return
        }
        pieces.append(piece)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Three digits, then nothing or a decimal part (`000`, `500,50`).
    static func isDigitGroup(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        integerDigits(bytes, range) == 3
    }

    /// How many digits `range` starts with when it is a number: digits, then nothing or a decimal part
    /// (`12`, `500,50`, `3.5`); nil otherwise.
    static func integerDigits(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        let text = bytes[range]
        let digits = text.prefix(while: isDigit).count
        let rest = text.dropFirst(digits)
        guard digits > 0, rest.isEmpty || (rest.count >= 2 && (rest.first == 0x2C || rest.first == 0x2E) && rest.dropFirst().allSatisfy(isDigit))
        else { return nil }
        return digits
    }

    /// One space of any width (`SortValue.groupSpaceLength`) between two numbers.
    static func isGroupSpace(_ bytes: UnsafeBufferPointer<UInt8>, _ gap: Range<Int>) -> Bool {
        !gap.isEmpty && SortValue.groupSpaceLength(bytes, at: gap.lowerBound) == gap.count
    }

    /// U+202F at `index`, its three bytes there (the caller checked that they are).
    static func isNarrowNoBreakSpace(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        bytes[index] == 0xE2 && bytes[index + 1] == 0x80 && bytes[index + 2] == 0xAF
    }

    /// The bytes of the apostrophe (`'`, `’`, `ʼ`, or `‘`, which word processors put in place of `’`
    /// after a letter and which ICU joins words with as it does `’`) at `index` in `bytes[..<end]`, or 0.
    static func apostropheLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, end: Int) -> Int {
        switch bytes[index] {
        case 0x27: return 1
        case 0xE2 where index + 2 < end && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0x99 || bytes[index + 2] == 0x98): return 3  // ’ ‘
        case 0xCA where index + 1 < end && bytes[index + 1] == 0xBC: return 2  // ʼ
        // ´, typed for an apostrophe on keyboards that have no ’ (`l´école`): ICU parts words at it, so
        // it is met only after an elided article, which then goes as after `’`.
        case 0xC2 where index + 1 < end && bytes[index + 1] == 0xB4: return 2
        default: return 0
        }
    }

    static func isApostrophe(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        apostropheLength(bytes, at: index, end: bytes.count) > 0
    }

    /// Where the word starts once an elided article or pronoun (`l’`, `qu'`, `jusqu’`…) is removed.
    static func startAfterElision(_ bytes: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> Int {
        var k = word.lowerBound
        // The longest elided words (jusqu, lorsqu, puisqu, quoiqu) have six letters.
        while k < word.upperBound && k - word.lowerBound <= 6 {
            let byte = bytes[k]
            let apostrophe = apostropheLength(bytes, at: k, end: word.upperBound)
            if apostrophe == 0 {
                guard (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A else { return word.lowerBound }
                k += 1
                continue
            }
            let rest = k + apostrophe
            // `lʼ` alone: ʼ is a letter to ICU, which keeps it in the word.
            guard rest <= word.upperBound, isElided(bytes, word.lowerBound..<k) else { return word.lowerBound }
            return rest
        }
        return word.lowerBound
    }

    /// Where the word ends once an English possessive `’s` is removed (`manager’s`, `McDonald's`: quoted
    /// English, brand names), as Lucene's EnglishPossessiveFilter does: a French word never ends in one,
    /// and Snowball would leave `manager'`, a term that `manager` never reaches.
    static func endBeforePossessive(_ bytes: UnsafeBufferPointer<UInt8>, _ word: Range<Int>) -> Int {
        let end = word.upperBound
        guard word.count >= 3, bytes[end - 1] | 0x20 == 0x73 else { return end }
        for length in 1...3 where end - 1 - length > word.lowerBound {
            let apostrophe = end - 1 - length
            if apostropheLength(bytes, at: apostrophe, end: end - 1) == length { return apostrophe }
        }
        return end
    }

    /// The elided words, their letters packed into an integer as `isElided` packs a word's.
    static let elided: Set<UInt64> = Set(
        FrenchAnalyzer.elidedWords.map { word in
            word.utf8.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        }
    )

    /// Packed into an integer, lowercased: a lookup that allocates nothing, for every apostrophe.
    static func isElided(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count >= 1 && range.count <= 6 else { return false }
        var packed: UInt64 = 0
        for index in range { packed = packed << 8 | UInt64(bytes[index] | 0x20) }
        return elided.contains(packed)
    }

    // MARK: Chains of joined pieces

    mutating func analyzeChain(_ chain: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, position: inout Int,
                              _ emit: (Token) -> Void) {
        var i = chain.lowerBound
        let firstPosition = position
        while i < chain.upperBound {
            let piece = pieces[i]
            var last = i
            let word: Word
            if piece.isNumber {
                word = number(UnsafeBufferPointer(rebasing: bytes[piece.start..<piece.end]), grouped: piece.grouped)
            } else if let acronymEnd = acronymEnd(from: i, in: chain, bytes) {
                last = acronymEnd
                spelling.removeAll(keepingCapacity: true)
                for letter in pieces[i...last] { spelling.append(contentsOf: bytes[letter.start..<letter.end]) }
                word = spelling.withUnsafeBytes { lookUp($0) }
            } else {
                let base = lookUp(bytes, piece)
                var plural = false
                if let mark = suffix(at: last + 1, in: chain, bytes), let isPlural = Self.inclusiveMark(mark, after: base.surface) {
                    last += 1
                    plural = isPlural
                    while let mark = suffix(at: last + 1, in: chain, bytes), mark == "s" || mark == "x" {
                        last += 1
                        plural = true
                    }
                }
                if plural && !base.surface.hasSuffix("s") && !base.surface.hasSuffix("x") {
                    spelling.removeAll(keepingCapacity: true)
                    spelling.append(contentsOf: bytes[piece.start..<piece.end])
                    spelling.append(0x73)
                    word = spelling.withUnsafeBytes { lookUp($0) }
                } else {
                    word = base
                }
            }
            emit(Token(term: word.term, surface: word.surface, position: position, range: piece.start..<pieces[last].end,
                       wordID: word.id))
            position += 1
            i = last + 1
        }
        // Two pieces made two words, neither the other's inclusive ending.
        if joinsCompounds && chain.count == 2 && position - firstPosition == 2, let joined = joinedCompound(chain, in: bytes) {
            emit(Token(term: joined.term, surface: joined.surface, position: firstPosition,
                       range: pieces[chain.lowerBound].start..<pieces[chain.upperBound - 1].end, wordID: joined.id, span: 2))
        }
    }

    /// The two words of `chain` as one (`en-tête` → `entête`), when they are joined by a hyphen, both
    /// words of letters, and the second no pronoun after a verb (`dit-il`, `vas-y`, `celui-ci`: no
    /// word anyone writes joined); nil otherwise, or when the joined word would be under four letters
    /// (`o-r`).
    mutating func joinedCompound(_ chain: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Word? {
        let left = pieces[chain.lowerBound], right = pieces[chain.lowerBound + 1]
        guard !left.isNumber, !right.isNumber,
              FrenchAnalyzer.isHyphen(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[left.end..<right.start]))) else {
            return nil
        }
        let text = UnsafeRawBufferPointer(bytes)
        let key = WordCache<CachedWord>.key(text, left.start..<right.end)
        let compound = UnsafeRawBufferPointer(rebasing: text[left.start..<right.end])
        let joined = joinedCache.value(for: key, bytes: compound)?.value ?? join(left, right, in: bytes, compound: compound, key: key)
        return joined.term.isEmpty ? nil : Word(term: joined.term, surface: joined.surface)
    }

    /// `joinedCompound`'s word, analysed and cached; an empty term for a compound that is not joined.
    mutating func join(_ left: Piece, _ right: Piece, in bytes: UnsafeBufferPointer<UInt8>, compound: UnsafeRawBufferPointer,
                       key: WordCache<CachedWord>.Key) -> CachedWord {
        // Both words are in the cache: they were just analysed.
        let first = lookUp(bytes, left).surface, second = lookUp(bytes, right).surface
        var joined = CachedWord(term: "", surface: "")
        if first.utf8.count + second.utf8.count >= 4 && !Self.pronouns.contains(second) {
            spelling.removeAll(keepingCapacity: true)
            spelling.append(contentsOf: bytes[left.start..<left.end])
            spelling.append(contentsOf: bytes[right.start..<right.end])
            let word = analyzeWord(String(decoding: spelling, as: UTF8.self))
            joined = CachedWord(term: word.term, surface: word.surface)
            onNewJoinedWord?(word.surface, word.term, word.surface.utf8.starts(with: first.utf8) ? first.utf8.count : 0)
        }
        _ = joinedCache.insert(joined, for: key, bytes: compound)
        return joined
    }

    /// Folded, as the words after a verb's hyphen are written.
    static let pronouns: Set<String> = ["je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "ce", "moi", "toi",
                                        "lui", "leur", "eux", "y", "en", "le", "la", "les", "ci", "meme", "memes"]

    /// The last piece of an acronym of at least two single letters joined by dots starting at `index`.
    mutating func acronymEnd(from index: Int, in chain: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard index + 1 < chain.upperBound, pieces[index + 1].joiner == .dot,
              isSingleLetter(pieces[index], bytes) else { return nil }
        var last = index
        while last + 1 < chain.upperBound, pieces[last + 1].joiner == .dot, !pieces[last + 1].isNumber,
              isSingleLetter(pieces[last + 1], bytes) {
            last += 1
        }
        return last > index ? last : nil
    }

    mutating func isSingleLetter(_ piece: Piece, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        piece.end - piece.start <= 4 && lookUp(bytes, piece).surface.utf8.count == 1
    }

    /// The folded spelling of the piece at `index` if it is short enough to be an inclusive-writing mark.
    mutating func suffix(at index: Int, in chain: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard index < chain.upperBound else { return nil }
        let piece = pieces[index]
        guard !piece.isNumber, piece.end - piece.start <= 8 else { return nil }
        return lookUp(bytes, piece).surface
    }

    /// Whether `mark` is a feminine or plural ending that fits `base` (folded), and if so whether it
    /// marks a plural. The fit rules keep real compounds apart: `Villeneuve-le-Roi` is no `-le`.
    static func inclusiveMark(_ mark: String, after base: String) -> Bool? {
        let fits: Bool
        switch mark {
        case "e", "es", "s", "x": fits = true
        case "ne", "nes": fits = base.hasSuffix("n")
        case "le", "les": fits = base.hasSuffix("l") || (base.hasSuffix("aux") && base.count > 4)  // locaux-les
        case "te", "tes": fits = base.hasSuffix("t") || base == "tou"
        case "trice", "trices", "rice", "rices", "ice", "ices":
            fits = base.hasSuffix("eur") || base.hasSuffix("eurs")
        case "euse", "euses": fits = base.hasSuffix("eur") || base.hasSuffix("eurs") || base.hasSuffix("eux")
        case "ve", "ves": fits = base.hasSuffix("f") || base.hasSuffix("fs")
        case "ere", "eres": fits = base.hasSuffix("er") || base.hasSuffix("ers")
        default: return nil
        }
        return fits ? mark.hasSuffix("s") || mark == "x" : nil
    }

    // MARK: Words

    mutating func lookUp(_ bytes: UnsafeBufferPointer<UInt8>, _ piece: Piece) -> Word {
        lookUp(UnsafeRawBufferPointer(bytes), piece.start..<piece.end)
    }

    mutating func lookUp(_ spelling: UnsafeRawBufferPointer) -> Word {
        lookUp(spelling, 0..<spelling.count)
    }

    /// The word at `range` of `text`.
    mutating func lookUp(_ text: UnsafeRawBufferPointer, _ range: Range<Int>) -> Word {
        let key = WordCache<CachedWord>.key(text, range)
        let spelling = UnsafeRawBufferPointer(rebasing: text[range])
        if let (word, index) = cache.value(for: key, bytes: spelling) {
            return Word(term: word.term, surface: word.surface, id: Int32(index))
        }
        let word = analyzeWord(String(decoding: spelling, as: UTF8.self))
        let index = cache.insert(CachedWord(term: word.term, surface: word.surface), for: key, bytes: spelling)
        onNewWord?(word.surface, word.term)
        return Word(term: word.term, surface: word.surface, id: Int32(index))
    }

    /// Numbers are not stemmed; ICU also calls `CO2` or `OPAC38` numbers, whose letters are folded. A
    /// number written in groups is its digits (`100 000` → `100000`).
    func number(_ bytes: UnsafeBufferPointer<UInt8>, grouped: Bool = false) -> Word {
        if grouped {
            // Digits and decimal marks are ASCII; of the spaces, all but the plain one are not.
            let digits = String(decoding: bytes.filter { $0 > 0x20 && $0 < 0x80 }, as: UTF8.self)
            return Word(term: digits, surface: digits)
        }
        let number = String(decoding: bytes, as: UTF8.self)
        guard bytes.contains(where: { $0 >= 0x41 }) else { return Word(term: number, surface: number) }
        let folded = Folding.removeAccents(Folding.lowercase(number))
        return Word(term: folded, surface: folded)
    }

    func analyzeWord(_ spelling: String) -> Word {
        let lower = Folding.lowercase(Self.plainLetters(spelling))
        return Word(term: Self.ordinal(lower) ?? Folding.removeAccents(stemmer.stem(lower)), surface: Folding.removeAccents(lower))
    }

    /// A word without the invisible characters ICU keeps inside it (UAX #29, WB4): a soft hyphen where it
    /// may be cut (`écono\u{AD}mie`, HTML's `&shy;`, Word's optional hyphen), zero-width joiners and
    /// spaces, a word joiner, a byte-order mark, which would make a term of their own spelling; and
    /// with its superscript letters as letters (`XIXᵉ`, `1ᵉʳ`, as French typography sets them), which
    /// Snowball would not stem as `XIXe`. NFKC_Casefold (Lucene's ICUFoldingFilter) does both.
    static func plainLetters(_ spelling: String) -> String {
        // Each starts with one of these bytes in UTF-8; most words hold none.
        guard spelling.utf8.contains(where: { $0 == 0xC2 || $0 == 0xCA || $0 == 0xCB || $0 == 0xE1 || $0 == 0xE2 || $0 == 0xEF }),
              spelling.unicodeScalars.contains(where: { invisibles.contains($0.value) || superscripts[$0.value] != nil }) else { return spelling }
        var plain = String.UnicodeScalarView()
        for scalar in spelling.unicodeScalars where !invisibles.contains(scalar.value) { plain.append(superscripts[scalar.value] ?? scalar) }
        return plain.isEmpty ? spelling : String(plain)
    }

    private static let invisibles: Set<UInt32> = [0xAD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF]

    /// The modifier letters that write a small letter raised (Unicode's `<super>` of each).
    private static let superscripts: [UInt32: Unicode.Scalar] = [
        0x1D43: "a", 0x1D47: "b", 0x1D9C: "c", 0x1D48: "d", 0x1D49: "e", 0x1DA0: "f", 0x1D4D: "g", 0x02B0: "h", 0x2071: "i",
        0x02B2: "j", 0x1D4F: "k", 0x02E1: "l", 0x1D50: "m", 0x207F: "n", 0x1D52: "o", 0x1D56: "p", 0x02B3: "r", 0x02E2: "s",
        0x1D57: "t", 0x1D58: "u", 0x1D5B: "v", 0x02B7: "w", 0x02E3: "x", 0x02B8: "y", 0x1DBB: "z",
    ]

    /// An ordinal as French typography writes it (`2e`, `1re`), for the ways it is typed: `2ème`, `2eme`,
    /// `2è`, `2ième` are `2e`, and `1ère` is `1re`, where Snowball would leave `2em` beside `2e`.
    static func ordinal(_ lower: String) -> String? {
        guard let first = lower.utf8.first, first >= 0x30 && first <= 0x39 else { return nil }
        let digits = lower.utf8.prefix { $0 >= 0x30 && $0 <= 0x39 }
        guard digits.count < lower.utf8.count else { return nil }
        let number = String(decoding: digits, as: UTF8.self)
        switch String(decoding: lower.utf8.dropFirst(digits.count), as: UTF8.self) {
        case "e", "è", "ème", "eme", "ième", "ieme": return number == "1" ? nil : number + "e"
        case "re", "ère", "ere": return number == "1" ? "1re" : nil
        default: return nil
        }
    }
}
