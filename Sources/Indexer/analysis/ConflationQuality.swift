import Foundation

/// How a design's terms compare with the reference stemmer's conflations over a vocabulary: two words
/// conflate when they share a stem. Reported in BENCHMARKS.md and checked by the tests.
public struct ConflationQuality: Sendable {
    /// Pairs of words the reference stemmer conflates.
    public let referencePairs: Int
    /// Of those, the pairs the design conflates too.
    public let keptPairs: Int
    /// Pairs the design conflates that the reference keeps apart.
    public let addedPairs: Int

    public init(words: [String], referenceStems: [String], terms: [String]) {
        precondition(words.count == referenceStems.count && words.count == terms.count)
        var byReference: [String: Int] = [:]
        var byTerm: [String: Int] = [:]
        var byBoth: [[String]: Int] = [:]
        for (stem, term) in zip(referenceStems, terms) {
            byReference[stem, default: 0] += 1
            byTerm[term, default: 0] += 1
            byBoth[[stem, term], default: 0] += 1
        }
        func pairs(_ counts: Dictionary<some Hashable, Int>.Values) -> Int { counts.reduce(0) { $0 + $1 * ($1 - 1) / 2 } }
        referencePairs = pairs(byReference.values)
        keptPairs = pairs(byBoth.values)
        addedPairs = pairs(byTerm.values) - keptPairs
    }

    /// A word as someone types it without accents: combining marks dropped, case and ligatures kept
    /// (`Économie` → `Economie`, `œuvre` stays). Independent of `Folding`, whose results it is used
    /// to check.
    public static func typedWithoutAccents(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .nonspacingMark {
            scalars.append(scalar)
        }
        return String(scalars).precomposedStringWithCanonicalMapping
    }
}
