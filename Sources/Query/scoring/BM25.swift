import Foundation
import Indexer

/// BM25 with its parameters, per field (docs/QUERY.md, "Ranking").
public struct BM25Parameters: Sendable, Equatable {
    public var k1 = 1.2
    public var b = 0.75
    /// Multiplies the title field's contribution.
    public var titleBoost = 2.0

    public init(k1: Double = 1.2, b: Double = 0.75, titleBoost: Double = 2.0) {
        self.k1 = k1
        self.b = b
        self.titleBoost = titleBoost
    }

    /// What is wrong with the parameters, nil when nothing is: as Lucene's BM25Similarity, k1 must be a
    /// finite number at least 0 and b lie between 0 and 1; the title boost lies between 0 and the
    /// largest boost a query may give (a negative weight would break the score bounds pruning reads).
    public var problem: String? {
        if !(k1.isFinite && k1 >= 0) { return "k1 must be a number at least 0 (it is \(k1))" }
        if !(b >= 0 && b <= 1) { return "b must be between 0 and 1 (it is \(b))" }
        if !(titleBoost >= 0 && titleBoost <= QueryParser.maximumBoost) {
            return "the title boost must be between 0 and \(Int(QueryParser.maximumBoost)) (it is \(titleBoost))"
        }
        return nil
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
