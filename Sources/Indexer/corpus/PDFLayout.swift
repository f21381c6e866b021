/// The text of a PDF's pages from the words `pdftotext -bbox-layout` places on them (pages of flows of
/// lines of words, in reading order, each word with its box), laid out as `pdftotext` prints text:
/// each line on a line of its own, a blank line after each flow (a column, a paragraph apart), and the
/// words of a line apart only where a space stands between their boxes (`XIXᵉ` stays one word).
///
/// It differs in one thing: a word cut by a hyphen at a line's end. `pdftotext` glues it to the
/// next line's first word without its hyphen, so that `dévelop-` `pement` reads `développement`, but so
/// do compounds: `grands-` `parents` became `grandsparents`, `Saint-` `Germain` `SaintGermain`, `1998-`
/// `2004` `19982004`, and `parents`, `Saint`, `Germain` were not found. Here the two are joined keeping the
/// hyphen (`grands-parents`, which the analyzer indexes as `grands`, `parents` and the joined
/// `grandsparents`, and `dévelop-pement` as `dévelop`, `pement` and `développement`: every reading is
/// found), unless the document says otherwise (it writes `développement` whole elsewhere), or keeping
/// it would make a compound of three words, which the analyzer does not join (`join`).
///
/// `pdftotext`'s output is read as it comes, a page at a time (`append`): it holds about twenty times
/// the bytes of the text, and only each page's lines are kept.
struct PDFLayout {
    /// What comes before the pages: the title and the document's properties.
    private(set) var head: [UInt8] = []
    /// Each page's flows, each flow's lines (`text(of:)`).
    private(set) var pages: [[[String]]] = []
    private var pending: [UInt8] = []
    /// How far `pending` was searched for a page's end: the pipe gives a few KB at a time, not a page.
    private var searched = 0
    private var inPages = false

    /// Reads what `pdftotext -bbox-layout` wrote next; each page is laid out once whole.
    mutating func append(_ bytes: ArraySlice<UInt8>) {
        pending += bytes
        if !inPages {
            guard let start = pending.firstIndex(of: "<doc>", from: max(0, pending.count - bytes.count - 4)) else { return }
            head = Array(pending[..<start])
            pending.removeFirst(start + 5)
            inPages = true
        }
        var consumed = 0
        while let end = pending.firstIndex(of: "</page>", from: max(consumed, searched)) {
            for flows in Self.pages(of: Array(pending[consumed..<(end + 7)])) {
                pages.append(flows.map { $0.map(Self.text(of:)) })
            }
            consumed = end + 7
        }
        pending.removeFirst(consumed)
        searched = max(0, pending.count - 6)
    }

    /// Each page's text, once everything is read.
    func text() -> [String] {
        Self.text(of: pages)
    }

    /// A word's box, in points from the page's top left corner.
    struct Word: Equatable {
        var text: String
        var xMin, yMin, xMax, yMax: Double
    }

    typealias Line = [Word]
    /// Lines in reading order, a column or a paragraph.
    typealias Flow = [Line]

    /// The pages of `pdftotext -bbox-layout`'s document (the bytes of its `<doc>`), each its flows.
    /// Read tag by tag as `pdftotext` writes them (a word's coordinates as `name="number"`, its text
    /// escaped), not through `XMLScanner`, which would decode every word's attributes into a
    /// dictionary: the output holds about twenty times the bytes of the text. Any other tags are
    /// passed over, a word without its coordinates read at 0.
    static func pages(of document: [UInt8]) -> [[Flow]] {
        var pages: [[Flow]] = [], flows: [Flow] = [], lines: [Line] = [], words: [Word] = []
        var index = 0
        while let open = document[index...].firstIndex(of: UInt8(ascii: "<")) {
            guard let close = document[open...].firstIndex(of: UInt8(ascii: ">")) else { break }
            let tag = document[(open + 1)..<close]
            index = close + 1
            if tag.starts(with: "word ".utf8) {
                // The text, escaped, runs to the next tag (`</word>`), which the loop then passes over.
                index = document[index...].firstIndex(of: UInt8(ascii: "<")) ?? document.count
                let text = XMLScanner.decoded(document[close + 1..<index])
                if !text.isEmpty { words.append(word(text, box: tag)) }
            } else if tag.elementsEqual("/line".utf8) {
                if !words.isEmpty { lines.append(words) }
                words = []
            } else if tag.elementsEqual("/flow".utf8) {
                if !lines.isEmpty { flows.append(lines) }
                lines = []
            } else if tag.elementsEqual("/page".utf8) {
                pages.append(flows)
                flows = []
            }
        }
        return pages
    }

    /// A word with the box its tag's `xMin`, `yMin`, `xMax` and `yMax` give (0 for one missing).
    private static func word(_ text: String, box tag: ArraySlice<UInt8>) -> Word {
        var box = [0.0, 0.0, 0.0, 0.0]
        var at = tag.startIndex
        while let equals = tag[at...].firstIndex(of: UInt8(ascii: "=")) {
            at = equals + 1
            guard equals - 5 >= tag.startIndex, tag[equals - 5] == UInt8(ascii: " "), at < tag.endIndex, tag[at] == UInt8(ascii: "\""),
                  let slot = boxNames.firstIndex(where: { tag[(equals - 4)..<equals].elementsEqual($0) }) else { continue }
            box[slot] = number(in: tag[(at + 1)...])
        }
        return Word(text: text, xMin: box[0], yMin: box[1], xMax: box[2], yMax: box[3])
    }

    private static let boxNames = ["xMin", "yMin", "xMax", "yMax"].map { Array($0.utf8) }

    /// The decimal number (`28.500000`, `-3`) that starts `bytes`; 0 when none does.
    private static func number(in bytes: ArraySlice<UInt8>) -> Double {
        var value = 0.0, scale = 1.0, fraction = false
        let negative = bytes.first == UInt8(ascii: "-")
        for byte in bytes.dropFirst(negative ? 1 : 0) {
            if byte == UInt8(ascii: "."), !fraction {
                fraction = true
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                value = value * 10 + Double(byte - UInt8(ascii: "0"))
                if fraction { scale *= 10 }
            } else {
                break
            }
        }
        return (negative ? -value : value) / scale
    }

    /// Each page's text: its flows a blank line apart, their lines a line apart, a word hyphenated at
    /// a line's end joined to the next line's first word as the document's `spellings` say.
    static func text(of pages: [[[String]]]) -> [String] {
        // Looked up only when a line ends in a hyphen: most PDFs have none.
        var spellings: Set<String>?
        func documentSpellings() -> Set<String> {
            if spellings == nil { spellings = self.spellings(of: pages) }
            return spellings!
        }
        return pages.map { flows in
            flows.map { flow in
                var lines: [String] = []
                var joinsNext = false
                for (index, line) in flow.enumerated() {
                    var text = line
                    // Most lines end in no hyphen: their words are not looked at.
                    let join = index + 1 < flow.count && line.last.map(hyphens.contains) == true
                        ? self.join(lastWord(of: line), before: firstWord(of: flow[index + 1]), spellings: documentSpellings) : nil
                    if let join {
                        // A soft or Unicode hyphen kept is written as ASCII's, which the analyzer splits compounds at.
                        text.unicodeScalars.removeLast()
                        if join == .withHyphen { text += "-" }
                    }
                    if joinsNext { lines[lines.count - 1] += text } else { lines.append(text) }
                    joinsNext = join != nil
                }
                return lines.joined(separator: "\n")
            }.joined(separator: "\n\n")
        }
    }

    private static func firstWord(of line: String) -> String {
        String(line.prefix { $0 != " " })
    }

    private static func lastWord(of line: String) -> String {
        String(line.reversed().prefix { $0 != " " }.reversed())
    }

    /// A line's words, a space between two only where their boxes stand apart by more than a tenth
    /// of the first one's height across the line (`pdftotext`'s own rule, with its font size): a
    /// superscript or a change of font inside a word is no space.
    static func text(of line: Line) -> String {
        guard var previous = line.first else { return "" }
        // Lines run left to right, or top to bottom and back in rotated text.
        let across = abs(line.last!.xMin - previous.xMin) >= abs(line.last!.yMin - previous.yMin)
        var text = previous.text
        for word in line.dropFirst() {
            let gap = across ? max(word.xMin - previous.xMax, previous.xMin - word.xMax) : max(word.yMin - previous.yMax, previous.yMin - word.yMax)
            let size = across ? previous.yMax - previous.yMin : previous.xMax - previous.xMin
            if gap > size / 10 { text += " " }
            text += word.text
            previous = word
        }
        return text
    }

    enum Join: Equatable {
        /// `grands-parents`, `1998-2004`.
        case withHyphen
        /// `développement`.
        case withoutHyphen
    }

    /// How a line that ends with `last` joins the next, which starts with `next`: nil when `last`
    /// ends with no hyphen after a letter or digit, or `next` starts with neither (a dash, a list).
    static func join(_ last: String, before next: String, spellings: () -> Set<String>) -> Join? {
        guard let hyphen = last.last, hyphens.contains(hyphen) else { return nil }
        let head = last.dropLast()
        guard let end = head.last, end.isLetter || end.isNumber, let start = next.first, start.isLetter || start.isNumber else { return nil }
        // A number (`1998-2004`) or a name (`Saint-Germain`) after the hyphen keeps it.
        guard end.isLetter, start.isLetter, !start.isUppercase else { return .withHyphen }
        let rest = next.prefix(while: \.isLetter), after = next.dropFirst(rest.count)
        let parts = head.split(whereSeparator: hyphens.contains)
        let part = elided(parts.last!).lowercased(), folded = rest.lowercased()
        let spellings = spellings()
        if spellings.contains(part + "-" + folded) { return .withHyphen }
        if spellings.contains(part + folded) { return .withoutHyphen }
        // Two words the document writes (`shadow-` `call-stack`) make a compound.
        if spellings.contains(part) && spellings.contains(folded) { return .withHyphen }
        // The analyzer reads a compound of two words both ways, not one of three: where the hyphen
        // would make one, a cut word is likelier (`Ren-` `dez-vous`, `sous-pré-` `fectures`), but for
        // a little word that links a compound's words (`Clichy-` `sous-Bois`, `arcs-en-` `ciel`) or an
        // ending of inclusive writing (`salarié-` `e-s`).
        if after.first.map(hyphens.contains) == true { return compoundWords.contains(folded) ? .withHyphen : .withoutHyphen }
        if parts.count > 1 { return compoundWords.contains(part) ? .withHyphen : .withoutHyphen }
        // An address or a file name (`happyculturecita-` `dine.fr`) has no compounds.
        if after.first == ".", after.dropFirst().first?.isLetter == true { return .withoutHyphen }
        return .withHyphen
    }

    /// The words that link a compound's first words to its last (`arc-en-ciel`, `rez-de-chaussée`),
    /// and the endings of inclusive writing (`salarié-e-s`, `chercheur-euse-s`).
    private static let compoundWords: Set<String> = [
        "à", "au", "aux", "de", "des", "du", "en", "et", "la", "le", "les", "lès", "sous", "sur",
        "e", "es", "s", "ne", "nes", "se", "ses", "euse", "euses", "trice", "trices", "ve", "ves", "ère", "ères",
    ]

    /// A word without the article elided before it (`l’économie`: `économie`).
    private static func elided(_ word: Substring) -> Substring {
        word.lastIndex { $0 == "'" || $0 == "’" }.map { word[word.index(after: $0)...] } ?? word
    }

    /// The hyphen `pdftotext` gives a line's end: ASCII's, Unicode's, a soft hyphen shown.
    private static let hyphens: Set<Character> = ["-", "\u{2010}", "\u{AD}"]

    /// The document's words in lower case, without the punctuation around them or an elided article
    /// (`l’économie`: `économie`), a compound's words alone and each pair a hyphen joins (`arcs-en-ciel`:
    /// `arcs`, `en`, `ciel`, `arcs-en`, `en-ciel`), for `join` to look a spelling up. The two halves of a
    /// word cut at a line's end are left out: they would vouch for themselves.
    static func spellings(of pages: [[[String]]]) -> Set<String> {
        var spellings: Set<String> = []
        for flow in pages.joined() {
            var cut = false
            for (number, line) in flow.enumerated() {
                let words = line.split(separator: " ")
                let cuts = number + 1 < flow.count && line.last.map(hyphens.contains) == true
                for (index, word) in words.enumerated() where !(index == 0 && cut) && !(index == words.count - 1 && cuts) {
                    var text = elided(Substring(word.lowercased()))
                    text = text.drop { !$0.isLetter && !$0.isNumber }
                    while let last = text.last, !last.isLetter, !last.isNumber { text.removeLast() }
                    guard !text.isEmpty else { continue }
                    spellings.insert(String(text))
                    let parts = text.split(whereSeparator: hyphens.contains)
                    guard parts.count > 1 else { continue }
                    for part in parts { spellings.insert(String(part)) }
                    for (first, second) in zip(parts, parts.dropFirst()) { spellings.insert(first + "-" + second) }
                }
                cut = cuts
            }
        }
        return spellings
    }
}
