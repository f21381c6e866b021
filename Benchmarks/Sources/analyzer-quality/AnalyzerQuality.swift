import Foundation
import Indexer

// How each order of folding and stemming keeps the reference Snowball conflations on the official
// vocabulary, and whether words typed without accents reach the terms of the accented words.
// Usage: analyzer-quality [SNOWBALL_DIR]   (default: the copy in Tests/IndexerTests/Fixtures)

@main
struct AnalyzerQuality {
    static func main() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let folder = CommandLine.arguments.dropFirst().first
            ?? root.appendingPathComponent("Tests/IndexerTests/Fixtures/snowball-french").path
        func lines(_ name: String) throws -> [String] {
            try String(contentsOfFile: folder + "/" + name, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        let words = try lines("voc.txt")
        let stems = try lines("output.txt")
        let stemmer = try SnowballStemmer(language: "french")
        let analyzer = try FrenchAnalyzer()
        func fold(_ word: String) -> String { Folding.removeAccents(Folding.lowercase(word)) }

        var lexicon = Lexicon()
        var tokens: [Token] = []
        for word in words {
            let token = try analyzer.tokens(word)[0]
            tokens.append(token)
            lexicon.add(token)
        }

        struct Design {
            let name: String
            let term: (String) throws -> String
        }
        let designs = [
            Design(name: "Snowball alone (no folding)") { stemmer.stem($0) },
            Design(name: "fold, then stem") { stemmer.stem(fold($0)) },
            Design(name: "stem, then fold (fts's index terms)") { try analyzer.tokens($0)[0].term },
        ]
        print("Snowball French vocabulary: \(words.count) words, \(Set(stems).count) reference stems")
        print("")
        print("| design | reference conflations kept | conflations added | accentless typing reaches the word's term |")
        print("|---|---:|---:|---:|")
        func percent(_ part: Int, _ whole: Int) -> String { String(format: "%.2f%%", 100 * Double(part) / Double(whole)) }
        var referencePairs = 0
        for design in designs {
            let terms = try words.map(design.term)
            let quality = ConflationQuality(words: words, referenceStems: stems, terms: terms)
            referencePairs = quality.referencePairs
            var reached = 0
            for (word, term) in zip(words, terms) where try design.term(ConflationQuality.typedWithoutAccents(word)) == term { reached += 1 }
            print("| \(design.name) | \(quality.keptPairs) / \(quality.referencePairs) (\(percent(quality.keptPairs, quality.referencePairs))) | \(quality.addedPairs) | \(percent(reached, words.count)) |")
        }
        let terms = tokens.map(\.term)
        let quality = ConflationQuality(words: words, referenceStems: stems, terms: terms)
        var reached = 0
        for (word, token) in zip(words, tokens) {
            let typed = try analyzer.tokens(ConflationQuality.typedWithoutAccents(word).uppercased()).map { lexicon.terms(for: $0) }
            if typed == [lexicon.terms(for: token)] && typed[0].contains(token.term) { reached += 1 }
        }
        print("| stem, then fold, + lexicon at query time (fts) | \(quality.keptPairs) / \(referencePairs) (\(percent(quality.keptPairs, referencePairs))) | \(quality.addedPairs) | \(percent(reached, words.count)) |")
        let ambiguous = lexicon.entries.filter { $0.terms.count > 1 }.count
        print("")
        print("Lexicon: \(lexicon.count) folded spellings, \(ambiguous) of them reach more than one term.")
    }
}
