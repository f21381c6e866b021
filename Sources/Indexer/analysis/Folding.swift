import Foundation

/// Case and accent folding. Split in two steps because Snowball's French rules read accents: words are
/// lower-cased, stemmed, and only then stripped of accents (see FrenchAnalyzer).
public enum Folding {
    /// Full Unicode lower-casing (`É` → `é`, `İ` → `i̇`), with every apostrophe written as `'` and the
    /// Greek final sigma as the other (`ς` → `σ`, as case folding and Lucene's ICU folding make it):
    /// lower-casing `ΟΔΟΣ` gives `οδοσ`, which `οδός` must meet.
    public static func lowercase(_ text: String) -> String {
        let lower = text.lowercased()
        guard lower.utf8.contains(where: { $0 >= 0x80 }) else { return lower }
        var scalars = String.UnicodeScalarView()
        for scalar in lower.unicodeScalars {
            switch scalar.value {
            case 0x2019, 0x2018, 0x02BC: scalars.append("'")
            case 0x03C2: scalars.append("\u{03C3}")
            default: scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Removes accents and expands ligatures of lower-case text: `économie` → `economie`,
    /// `œuvre` → `oeuvre`, `ﬁ` → `fi`. Compatibility decomposition, then combining marks dropped.
    /// Text of Latin letters only (below U+0180, French's and most of Western Europe's) is folded
    /// letter by letter from a table, which is what the decomposition gives them: it has no combining
    /// marks to reorder or compose. Foundation's normalization was a twentieth of a build.
    public static func removeAccents(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        var folded = ""
        folded.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            guard scalar.value < 0x180 else { return removeAccentsByDecomposition(text) }
            if scalar.isASCII { folded.unicodeScalars.append(scalar) } else { folded += latinFolds[Int(scalar.value) - 0x80] }
        }
        return folded
    }

    /// U+0080 to U+017F, each folded alone by decomposition (`removeAccentsByDecomposition`), written
    /// out: computing them took a one-shot search a millisecond. A test checks every entry against it.
    static let latinFolds: [String] = [
        "\u{80}", "\u{81}", "\u{82}", "\u{83}", "\u{84}", "\u{85}", "\u{86}", "\u{87}",  // U+0080
        "\u{88}", "\u{89}", "\u{8A}", "\u{8B}", "\u{8C}", "\u{8D}", "\u{8E}", "\u{8F}",  // U+0088
        "\u{90}", "\u{91}", "\u{92}", "\u{93}", "\u{94}", "\u{95}", "\u{96}", "\u{97}",  // U+0090
        "\u{98}", "\u{99}", "\u{9A}", "\u{9B}", "\u{9C}", "\u{9D}", "\u{9E}", "\u{9F}",  // U+0098
        " ", "\u{A1}", "\u{A2}", "\u{A3}", "\u{A4}", "\u{A5}", "\u{A6}", "\u{A7}",  // U+00A0
        " ", "\u{A9}", "a", "\u{AB}", "\u{AC}", "\u{AD}", "\u{AE}", " ",  // U+00A8
        "\u{B0}", "\u{B1}", "2", "3", " ", "\u{3BC}", "\u{B6}", "\u{B7}",  // U+00B0
        " ", "1", "o", "\u{BB}", "1\u{2044}4", "1\u{2044}2", "3\u{2044}4", "\u{BF}",  // U+00B8
        "A", "A", "A", "A", "A", "A", "\u{C6}", "C",  // U+00C0
        "E", "E", "E", "E", "I", "I", "I", "I",  // U+00C8
        "\u{D0}", "N", "O", "O", "O", "O", "O", "\u{D7}",  // U+00D0
        "\u{D8}", "U", "U", "U", "U", "Y", "\u{DE}", "ss",  // U+00D8
        "a", "a", "a", "a", "a", "a", "ae", "c",  // U+00E0
        "e", "e", "e", "e", "i", "i", "i", "i",  // U+00E8
        "d", "n", "o", "o", "o", "o", "o", "\u{F7}",  // U+00F0
        "o", "u", "u", "u", "u", "y", "th", "y",  // U+00F8
        "A", "a", "A", "a", "A", "a", "C", "c",  // U+0100
        "C", "c", "C", "c", "C", "c", "D", "d",  // U+0108
        "\u{110}", "d", "E", "e", "E", "e", "E", "e",  // U+0110
        "E", "e", "E", "e", "G", "g", "G", "g",  // U+0118
        "G", "g", "G", "g", "H", "h", "\u{126}", "\u{127}",  // U+0120
        "I", "i", "I", "i", "I", "i", "I", "i",  // U+0128
        "I", "i", "IJ", "ij", "J", "j", "K", "k",  // U+0130
        "\u{138}", "L", "l", "L", "l", "L", "l", "L\u{B7}",  // U+0138
        "l\u{B7}", "\u{141}", "l", "N", "n", "N", "n", "N",  // U+0140
        "n", "\u{2BC}n", "\u{14A}", "\u{14B}", "O", "o", "O", "o",  // U+0148
        "O", "o", "\u{152}", "oe", "R", "r", "R", "r",  // U+0150
        "R", "r", "S", "s", "S", "s", "S", "s",  // U+0158
        "S", "s", "T", "t", "T", "t", "\u{166}", "\u{167}",  // U+0160
        "U", "u", "U", "u", "U", "u", "U", "u",  // U+0168
        "U", "u", "U", "u", "W", "w", "Y", "y",  // U+0170
        "Y", "Z", "z", "Z", "z", "Z", "z", "s",  // U+0178
    ]

    static func removeAccentsByDecomposition(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCompatibilityMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            switch scalar.value {
            case 0x0153: scalars.append(contentsOf: "oe".unicodeScalars)  // œ
            case 0x00E6: scalars.append(contentsOf: "ae".unicodeScalars)  // æ
            case 0x00DF: scalars.append(contentsOf: "ss".unicodeScalars)  // ß
            case 0x00F8: scalars.append("o")                              // ø
            case 0x0111, 0x00F0: scalars.append("d")                      // đ, ð
            case 0x0142: scalars.append("l")                              // ł
            case 0x0131: scalars.append("i")                              // dotless ı
            case 0x00FE: scalars.append(contentsOf: "th".unicodeScalars)  // þ
            default: scalars.append(scalar)
            }
        }
        return String(scalars).precomposedStringWithCanonicalMapping
    }
}
