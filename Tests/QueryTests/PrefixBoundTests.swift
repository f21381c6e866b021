import Foundation
import Testing
@testable import Indexer
@testable import Query
import TestSupport

@Suite struct PrefixBoundTests {
    /// The bound of a prefix's expansions is on terms, not spellings: 900 spellings that stem to 225
    /// terms all count, however many spellings come before the last term's.
    @Test func aPrefixReachesEverySpellingOfItsTerms() throws {
        let folder = ProcessScratch.path("prefix-bound")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let consonants = Array("bcdfghjklmnprst")
        var lines = ""
        var documents = 0
        for first in consonants {
            for second in consonants {
                // Four spellings of one word (`zqbabé`, `zqbabée`, `zqbabées`, `zqbabés`), a document each.
                for ending in ["é", "ée", "ées", "és"] {
                    lines += #"{"id":"d\#(documents)","body":"zq\#(first)a\#(second)\#(ending)"}"# + "\n"
                    documents += 1
                }
            }
        }
        try lines.write(toFile: folder + "/words.jsonl", atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [folder + "/words.jsonl"], output: folder + "/index")
        let reader = try IndexReader(path: folder + "/index")
        let entries = try reader.lexiconEntries(prefix: "zq")
        // The premise: more spellings than the bound, fewer terms.
        #expect(entries.count == 900 && entries.count > QueryPlanner.maximumExpansions)
        #expect(Set(entries.flatMap(\.terms)).count == 225)
        let searcher = Searcher(reader: reader)
        #expect(try searcher.count("zq*") == documents)
        #expect(try searcher.count("zqbabe -zq*") == 0)
        #expect(try searcher.search("zqt*", limit: 100).total == 60)
    }
}
