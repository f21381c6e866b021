import Foundation

/// Case and accent folding. Split in two steps because Snowball's French rules read accents: words are
/// lower-cased, stemmed, and only then stripped of accents (see FrenchAnalyzer).
public enum Folding {
    /// Full Unicode lower-casing (`É` → `é`, `İ` → `i̇`), with every apostrophe written as `'`.
    public static func lowercase(_ text: String) -> String {
        let lower = text.lowercased()
        guard lower.utf8.contains(where: { $0 >= 0x80 }) else { return lower }
        var scalars = String.UnicodeScalarView()
        for scalar in lower.unicodeScalars {
            switch scalar.value {
            case 0x2019, 0x2018, 0x02BC: scalars.append("'")
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
            if scalar.isASCII { folded.unicodeScalars.append(scalar) } else { folded += latinFolds[Int(scalar.value)] }
        }
        return folded
    }

    /// Each scalar below U+0180, folded alone by decomposition.
    static let latinFolds: [String] = (0..<0x180).map { removeAccentsByDecomposition(String(Unicode.Scalar(UInt32($0))!)) }

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
