/// Which of a hit's matches its snippet highlights: a word's terms wherever they occur, a phrase's only
/// inside an occurrence of the phrase, as Lucene's unified highlighter does, so that a search for
/// `"ligne de commande"` does not light up every `de` of the document (nor choose the passage with the
/// most of them). In a proximity search (`"a b"~N`), an occurrence is highlighted where every other
/// word of the search occurs within N + words − 1 positions of it, the widest a match spans: every
/// occurrence in a match is, though not every such occurrence is in one. In order (`a ADJ/N b`), the
/// occurrences of each match are highlighted: from each of the first word's, the nearest of each next
/// word after the one before, when the last lies within that width.
struct HighlightFilter {
    struct Phrase {
        /// Per word, the numbers of the terms it reaches.
        var words: [[Int]]
        /// Each word's position after the first's.
        var offsets: [Int]
        var slop: Int?
        var ordered: Bool
    }

    /// Per term number: highlighted wherever it occurs.
    private let free: [Bool]
    private let phrases: [Phrase]

    /// `terms` are the highlighted terms in the order that numbers them; `free` those of words outside
    /// phrases.
    init(terms: [String], free: Set<String>, phrases: [(words: [[String]], offsets: [Int], slop: Int?, ordered: Bool)]) {
        var numbers: [String: Int] = [:]
        for (number, term) in terms.enumerated() { numbers[term] = number }
        self.free = terms.map(free.contains)
        self.phrases = phrases.map { phrase in
            Phrase(words: phrase.words.map { $0.compactMap { numbers[$0] } }, offsets: phrase.offsets, slop: phrase.slop, ordered: phrase.ordered)
        }
    }

    /// Removes from `matches[start...]` (one hit's matches, as `MatchPositions` makes them, sorted)
    /// those outside every occurrence of their phrases. When that would leave none of a body's, all are
    /// kept (`keepingAllWhenNone`): the query matched elsewhere (a phrase in the title), and its words
    /// are shown where they stand.
    func apply(to matches: inout [UInt64], from start: Int, keepingAllWhenNone: Bool = true) {
        let count = matches.count - start
        guard count > 0 else { return }
        var keep = [Bool](repeating: false, count: count)
        matches.withUnsafeBufferPointer { all in
            let hit = UnsafeBufferPointer(rebasing: all[start...])
            for index in 0..<count where free[MatchPositions.term(hit[index])] { keep[index] = true }
            for phrase in phrases {
                if let slop = phrase.slop, phrase.ordered {
                    Self.markOrdered(phrase, width: slop + phrase.words.count - 1, in: hit, keep: &keep)
                } else if let slop = phrase.slop {
                    Self.markNear(phrase, reach: slop + phrase.words.count - 1, in: hit, keep: &keep)
                } else {
                    Self.markExact(phrase, in: hit, keep: &keep)
                }
            }
        }
        guard keep.contains(true) || !keepingAllWhenNone else { return }
        var kept = start
        for index in 0..<count where keep[index] {
            matches[kept] = matches[start + index]
            kept += 1
        }
        matches.removeLast(matches.count - kept)
    }

    /// The first match at or after `position`.
    private static func firstMatch(at position: Int, in hit: UnsafeBufferPointer<UInt64>) -> Int {
        var low = 0, high = hit.count
        while low < high {
            let middle = (low + high) / 2
            if MatchPositions.position(hit[middle]) < position { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Each occurrence of the phrase: its first word at some position, each other word at its offset
    /// from there.
    private static func markExact(_ phrase: Phrase, in hit: UnsafeBufferPointer<UInt64>, keep: inout [Bool]) {
        markOccurrences(of: phrase, in: hit, keep: &keep) { word, start, _, found in
            let position = start + phrase.offsets[word]
            var match = firstMatch(at: position, in: hit)
            let before = found.count
            while match < hit.count && MatchPositions.position(hit[match]) == position {
                if phrase.words[word].contains(MatchPositions.term(hit[match])) { found.append(match) }
                match += 1
            }
            return found.count > before ? position : nil
        }
    }

    /// Each match in order: from an occurrence of the first word, the nearest occurrence of each next
    /// word after the one before's, the last at most `width` positions after the first.
    private static func markOrdered(_ phrase: Phrase, width: Int, in hit: UnsafeBufferPointer<UInt64>, keep: inout [Bool]) {
        markOccurrences(of: phrase, in: hit, keep: &keep) { word, start, previous, found in
            var match = firstMatch(at: previous + 1, in: hit)
            while match < hit.count && !phrase.words[word].contains(MatchPositions.term(hit[match])) { match += 1 }
            guard match < hit.count, MatchPositions.position(hit[match]) - start <= width else { return nil }
            found.append(match)
            return MatchPositions.position(hit[match])
        }
    }

    /// From each occurrence of the phrase's first word, `next` appends the matches of each next word
    /// (given the start's position and the word before's) to `found` and returns their position, nil
    /// when it finds none: the matches of each occurrence found whole are kept.
    private static func markOccurrences(of phrase: Phrase, in hit: UnsafeBufferPointer<UInt64>, keep: inout [Bool],
                                        next: (_ word: Int, _ start: Int, _ previous: Int, _ found: inout [Int]) -> Int?) {
        guard let first = phrase.words.first else { return }
        // The matches of one occurrence, its storage kept from one start to the next.
        var found: [Int] = []
        occurrences: for index in hit.indices where first.contains(MatchPositions.term(hit[index])) {
            let start = MatchPositions.position(hit[index])
            found.removeAll(keepingCapacity: true)
            found.append(index)
            var previous = start
            for word in 1..<phrase.words.count {
                guard let position = next(word, start, previous, &found) else { continue occurrences }
                previous = position
            }
            for match in found { keep[match] = true }
        }
    }

    /// Each occurrence of a word with an occurrence of every other word (another one, for a word typed
    /// twice) within `reach` positions.
    private static func markNear(_ phrase: Phrase, reach: Int, in hit: UnsafeBufferPointer<UInt64>, keep: inout [Bool]) {
        for index in hit.indices {
            let term = MatchPositions.term(hit[index])
            guard let own = phrase.words.firstIndex(where: { $0.contains(term) }) else { continue }
            let position = MatchPositions.position(hit[index])
            let from = firstMatch(at: position - reach, in: hit)
            var near = true
            for word in phrase.words.indices where word != own {
                var match = from
                var seen = false
                while match < hit.count && MatchPositions.position(hit[match]) <= position + reach {
                    if match != index && phrase.words[word].contains(MatchPositions.term(hit[match])) {
                        seen = true
                        break
                    }
                    match += 1
                }
                if !seen {
                    near = false
                    break
                }
            }
            if near { keep[index] = true }
        }
    }
}
