import Foundation
import Indexer

/// BM25 with its parameters, per field (docs/QUERY.md, "Ranking").
public struct BM25Parameters: Sendable, Equatable {
    public var k1 = 1.2
    public var b = 0.75
    /// Multiplies the title field's contribution, unless `fieldBoosts` names the title.
    public var titleBoost = 2.0
    /// Multiplies each named field's contribution (`--boost tags=3`), as Lucene's and tantivy's
    /// per-field boosts do; by the name the index gives the field (`resolved(in:)` makes them so).
    public var fieldBoosts: [String: Double] = [:]
    /// Multiplies the score of each two words next to each other in a query's words, found near each
    /// other in a document (`proximityPairs`: Solr's pf2 and Sphinx's proximity ranking); 0, the
    /// default, ranks by BM25 alone.
    public var proximityBoost = 0.0
    /// How far apart the two words of a pair may stand, as a proximity search's `~N`: by default at most
    /// two words between them, in either order, so that French's little words (`fichier de
    /// configuration`, `économie sociale et solidaire` for `économie solidaire`) do not keep a pair
    /// apart (Solr's ps2).
    public var proximitySlop = 2

    public init(k1: Double = 1.2, b: Double = 0.75, titleBoost: Double = 2.0, fieldBoosts: [String: Double] = [:],
                proximityBoost: Double = 0, proximitySlop: Int = 2) {
        self.k1 = k1
        self.b = b
        self.titleBoost = titleBoost
        self.fieldBoosts = fieldBoosts
        self.proximityBoost = proximityBoost
        self.proximitySlop = proximitySlop
    }

    /// What is wrong with the parameters, nil when nothing is: as Lucene's BM25Similarity, k1 must be a
    /// finite number at least 0 and b lie between 0 and 1; boosts lie between 0 and the largest boost a
    /// query may give (a negative weight would break the score bounds pruning reads).
    public var problem: String? {
        if !(k1.isFinite && k1 >= 0) { return "k1 must be a number at least 0 (it is \(k1))" }
        if !(b >= 0 && b <= 1) { return "b must be between 0 and 1 (it is \(b))" }
        if !Self.isBoost(titleBoost) {
            return "the title boost must be between 0 and \(Int(QueryParser.maximumBoost)) (it is \(titleBoost))"
        }
        for (field, boost) in fieldBoosts.sorted(by: { $0.key < $1.key }) where !Self.isBoost(boost) {
            return "the boost of \(field) must be between 0 and \(Int(QueryParser.maximumBoost)) (it is \(boost))"
        }
        if !Self.isBoost(proximityBoost) {
            return "the proximity boost must be between 0 and \(Int(QueryParser.maximumBoost)) (it is \(proximityBoost))"
        }
        if !(0...QueryParser.maximumSlop).contains(proximitySlop) {
            return "the proximity slop must be between 0 and \(QueryParser.maximumSlop) (it is \(proximitySlop))"
        }
        return nil
    }

    private static func isBoost(_ boost: Double) -> Bool { boost >= 0 && boost <= QueryParser.maximumBoost }

    /// Parameters from options as typed, `boosts` as `FIELD=W` (`tags=3`, the last of a field
    /// counting); an error says what is wrong with them.
    public static func parsing(k1: Double, b: Double, titleBoost: Double, boosts: [String], proximityBoost: Double = 0,
                               proximitySlop: Int = 2) throws -> BM25Parameters {
        var parameters = BM25Parameters(k1: k1, b: b, titleBoost: titleBoost, proximityBoost: proximityBoost, proximitySlop: proximitySlop)
        for text in boosts {
            let (field, boost) = try fieldBoost(parsing: text)
            parameters.fieldBoosts[field] = boost
        }
        if let problem = parameters.problem { throw QueryError(problem) }
        return parameters
    }

    /// `FIELD=W` (`tags=3`): the field as typed and its boost, not yet checked against an index.
    public static func fieldBoost(parsing text: String) throws(QueryError) -> (field: String, boost: Double) {
        guard let equals = text.lastIndex(of: "="), !text[..<equals].isEmpty, let boost = Double(text[text.index(after: equals)...]) else {
            throw QueryError("a field's boost is FIELD=W, as in tags=3, not \(text)")
        }
        return (String(text[..<equals]), boost)
    }

    /// The same parameters with each boosted field named as `meta` names it (`annee` is `année`); a
    /// name that is no searched field of the index is an error.
    public func resolved(in meta: IndexMeta) throws(QueryError) -> BM25Parameters {
        var resolved = self
        resolved.fieldBoosts = [:]
        for (name, boost) in fieldBoosts.sorted(by: { $0.key < $1.key }) {
            guard let field = meta.field(typed: name), meta.fields[field].indexed else {
                let known = meta.fields.filter(\.indexed).map(\.name).joined(separator: ", ")
                throw QueryError("cannot boost \"\(name)\": the index searches no such field (fields: \(known))")
            }
            resolved.fieldBoosts[meta.fields[field].name] = boost
        }
        return resolved
    }

    /// What multiplies the contribution of `field`, named `name`.
    func boost(of field: Int, named name: String) -> Double {
        fieldBoosts[name] ?? (field == StandardField.title ? titleBoost : 1)
    }

    /// Lucene's BM25 idf: never negative.
    public static func idf(docFreq: Int, documentCount: Int) -> Double {
        log(1 + (Double(documentCount) - Double(docFreq) + 0.5) / (Double(docFreq) + 0.5))
    }
}

/// What one field contributes for one query word (or phrase): boost × idf × saturated, length-normalised
/// frequency.
struct FieldWeight: Sendable {
    let field: Int
    let boost: Double
    let idf: Double
    let k1: Double
    let b: Double
    let averageLength: Double

    /// The formula's constants, folded: score = scale·tf / (tf + base + slope·length).
    private let scale: Double
    private let base: Double
    private let slope: Double

    init(field: Int, boost: Double, idf: Double, parameters: BM25Parameters, averageLength: Double) {
        self.field = field
        self.boost = boost
        self.idf = idf
        k1 = parameters.k1
        b = parameters.b
        self.averageLength = averageLength > 0 ? averageLength : 1
        scale = boost * idf * (k1 + 1)
        base = k1 * (1 - b)
        slope = k1 * b / self.averageLength
    }

    @inline(__always)
    func score(freq: Double, length: UInt32) -> Double {
        scale * freq / (freq + base + slope * Double(length))
    }

    /// No document scores more: the saturation limit of the frequency part.
    var maximum: Double { boost * idf * (k1 + 1) }
}
