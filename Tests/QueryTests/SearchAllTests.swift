import Foundation
import Testing
@testable import Indexer
@testable import Query
import TestSupport

/// `Searcher.searchAll`: every match, a page at a time, in the order `search` ranks them.
@Suite struct SearchAllTests {
    /// The hits of every page, checked to come `pageSize` at a time (the last page shorter), ranked
    /// one after another from `offset + 1`.
    static func pages(_ searcher: Searcher, _ query: String, offset: Int = 0, pageSize: Int, sort: FieldSort? = nil,
                      collapse: FieldCollapse? = nil) throws -> (hits: [Hit], results: SearchResults) {
        var pages: [[Hit]] = []
        let results = try searcher.searchAll(query, offset: offset, pageSize: pageSize, sort: sort, collapse: collapse, snippets: false) {
            pages.append($0)
        }
        #expect(pages.dropLast().allSatisfy { $0.count == pageSize }, "\(query)")
        #expect(pages.last.map { (1...pageSize).contains($0.count) } ?? true, "\(query)")
        let hits = pages.flatMap { $0 }
        #expect(hits.map(\.rank) == Array(offset + 1 ..< offset + 1 + hits.count), "\(query)")
        #expect(results.hits.isEmpty && results.totalIsExact)
        return (hits, results)
    }

    /// Each query's every match, in pages of 7, against `search` of the whole window scoring every
    /// match (the exhaustive scoring `searchAll` does, so scores agree bit for bit), sorted, collapsed
    /// and from an offset too.
    @Test func everyMatchInPagesAsSearchRanksThem() throws {
        let searcher = Searcher(reader: try DifferentialTests.generatedIndex(seed: 7))
        let queries = ["économie", "économie OR solidaire", "projet social", "\"économie sociale\"", "solid*", "projet -social",
                       "title:projet OR source:alpha", "zzzzqq"]
        var matched = 0
        for query in queries {
            let total = try searcher.count(query)
            matched += total > 0 ? 1 : 0
            let settings: [(offset: Int, sort: FieldSort?, collapse: FieldCollapse?)] = [
                (0, nil, nil), (5, nil, nil), (total + 3, nil, nil), (0, FieldSort(field: "note", descending: true), nil),
                (2, nil, FieldCollapse(field: "source")),
            ]
            for setting in settings {
                let (hits, results) = try Self.pages(searcher, query, offset: setting.offset, pageSize: 7, sort: setting.sort,
                                                     collapse: setting.collapse)
                let reference = try searcher.search(query, limit: min(Searcher.maximumWindow, total + 1), offset: 0, sort: setting.sort,
                                                    collapse: setting.collapse, prune: false, snippets: false)
                let expected = reference.hits.dropFirst(setting.offset)
                #expect(hits.map(\.doc) == expected.map(\.doc), "\(query) \(setting)")
                #expect(hits.map(\.score) == expected.map(\.score), "\(query) \(setting)")
                #expect(hits.map(\.id) == expected.map(\.id), "\(query) \(setting)")
                #expect(results.total == total && results.groups == reference.groups, "\(query) \(setting)")
            }
        }
        #expect(matched >= 6)
    }

    /// A searcher over 10,050 documents that all match `jardin`: bodies of 1 to 37 words, one of them
    /// `jardin`, so scores go by length, with many ties. Past the maximum window of a page.
    static func pastTheWindow(_ name: String) throws -> Searcher {
        let folder = ProcessScratch.path(name)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var lines = ""
        for index in 0..<10_050 {
            let filler = Array(repeating: "terre", count: index % 37).joined(separator: " ")
            lines += "{\"id\":\"d\(index)\",\"title\":\"\",\"body\":\"jardin \(filler)\"}\n"
        }
        try lines.write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        return Searcher(reader: try IndexReader(path: folder + "/index"))
    }

    /// Past the maximum window, where `search` stops: 10,050 matches, each once, best first.
    @Test func pastTheMaximumWindow() throws {
        let searcher = try Self.pastTheWindow("search-all")

        let (hits, results) = try Self.pages(searcher, "jardin", pageSize: 500)
        #expect(results.total == 10_050 && hits.count == 10_050)
        #expect(Set(hits.map(\.doc)).count == 10_050)
        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score != $1.score ? $0.score > $1.score : $0.doc < $1.doc })
        let window = try searcher.search("jardin", limit: Searcher.maximumWindow, prune: false, snippets: false)
        #expect(window.hits.map(\.doc) == hits.prefix(Searcher.maximumWindow).map(\.doc))
        #expect(throws: QueryError.self) { try searcher.search("jardin", limit: 1, offset: Searcher.maximumWindow, snippets: false) }
        let (rest, _) = try Self.pages(searcher, "jardin", offset: Searcher.maximumWindow, pageSize: 500)
        #expect(rest.map(\.doc) == hits.suffix(50).map(\.doc))
        // Snippets come a page at a time as well.
        var snippets = 0
        _ = try searcher.searchAll("jardin", offset: 10_040, pageSize: 4) { page in
            snippets += page.filter { $0.snippet.text.hasPrefix("jardin") && $0.snippet.highlights == [0..<6] }.count
        }
        #expect(snippets == 10)
    }
}
