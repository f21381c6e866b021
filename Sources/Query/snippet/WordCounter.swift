/// Finds where the n-th word of a text starts, approximately and fast (a few cycles a byte), so
/// that a snippet analyses only the text around its passage: the word breaker and stemmer cost a
/// hundred times more per byte.
///
/// It follows the analyzer's counting where it matters: letters and digits make words; an
/// apostrophe, a dot, a comma or an underscore between two of them keeps one word (`l’économie`,
/// `D.E.S.I.R`, `2,5`), a hyphen splits (`Clichy-sous-Bois` is three). It can drift from the analyzer
/// by a word here and there (symbols, a place name that looks like inclusive writing), which the
/// snippet's margin absorbs. Inclusive writing (`salarié-e-s`, `acteur·trice`) is one word, as the
/// analyser makes it, from the list of marks it knows (without its checks of the word before).
enum WordCounter {
    /// The byte offsets where words `first` and `last` (0-based, `first` ≤ `last`) start, in one pass;
    /// the text's length for a word past its end.
    static func offsets(ofWords first: Int, _ last: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (first: Int, last: Int) {
        var found = bytes.count
        var words = 0
        var inWord = false
        var index = 0
        let count = bytes.count
        while index < count {
            // Inside a word, ASCII letters and digits (most of French text) just move on.
            if inWord && isASCIIAlphanumeric(bytes[index]) {
                index += 1
                continue
            }
            let length = sequenceLength(bytes[index])
            if isWordStart(bytes, index) {
                if !inWord {
                    if words == first { found = index }
                    if words == last { return (found, index) }
                    words += 1
                    inWord = true
                }
            } else if inWord && !joinsWord(bytes, index, length) && !startsInclusiveMark(bytes, index, length) {
                inWord = false
            }
            index += length
        }
        return (found, count)
    }

    /// The analyser's inclusive marks (`FrenchAnalyzer`), ASCII lower-case.
    private static let inclusiveMarks: Set<[UInt8]> = Set(["e", "es", "s", "x", "ne", "nes", "le", "les", "te", "tes", "trice", "trices",
                                                             "rice", "rices", "ice", "ices", "euse", "euses", "ve", "ves", "ere", "eres"]
        .map { Array($0.utf8) })

    /// A hyphen, middle dot or dot followed by an inclusive mark that ends there (`-e`, `·trice`).
    private static func startsInclusiveMark(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ length: Int) -> Bool {
        let byte = bytes[index]
        guard byte == 0x2D || byte == 0x2E || (byte == 0xC2 && length == 2 && index + 1 < bytes.count && bytes[index + 1] == 0xB7) else { return false }
        var end = index + length
        while end < bytes.count && end - index - length < 7 && bytes[end] >= 0x61 && bytes[end] <= 0x7A { end += 1 }
        guard end > index + length, end == bytes.count || !isWordStart(bytes, end) else { return false }
        return inclusiveMarks.contains(Array(bytes[(index + length)..<end]))
    }

    @inline(__always)
    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10 || (byte | 0x20) &- 0x61 < 26
    }

    @inline(__always)
    private static func sequenceLength(_ lead: UInt8) -> Int {
        lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// A letter or digit: ASCII alphanumerics, and non-ASCII characters other than the punctuation and
    /// spaces French text uses (« » – — … ’ non-breaking spaces, middle dot).
    @inline(__always)
    private static func isWordStart(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        let byte = bytes[index]
        if byte < 0x80 { return isASCIIAlphanumeric(byte) }
        if byte == 0xC2, index + 1 < bytes.count {
            // « (AB), » (BB), no-break space (A0), middle dot (B7), section and degree signs.
            let next = bytes[index + 1]
            return !(next == 0xAB || next == 0xBB || next == 0xA0 || next == 0xB7 || next == 0xA7 || next == 0xB0)
        }
        if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80 || bytes[index + 1] == 0x81 {
            // General punctuation and spaces (U+2000–U+206F): dashes, quotes, ellipsis, thin spaces.
            return false
        }
        return byte >= 0xC0
    }

    /// An apostrophe, dot, comma or underscore with a letter or digit right after it.
    @inline(__always)
    private static func joinsWord(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int, _ length: Int) -> Bool {
        let byte = bytes[index]
        let joiner = byte == 0x27 || byte == 0x2E || byte == 0x2C || byte == 0x5F
            || (byte == 0xE2 && index + 2 < bytes.count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x99)
        return joiner && index + length < bytes.count && isWordStart(bytes, index + length)
    }
}
