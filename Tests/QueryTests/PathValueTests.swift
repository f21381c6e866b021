import Foundation
import Testing
@testable import Indexer
@testable import Query
import TestSupport

/// Every document's path is a value of its own (facets.fts): what `searchPaths` (`fts search -l`)
/// reads instead of the stored documents, and what `--facet path`, `path:=` and `--collapse path` use.
@Suite struct PathValueTests {
    /// Markdown files in three folders, each of a few sections drawn from a small vocabulary, and one
    /// file whose path is longer than a value may be (256 bytes): it is read from the store.
    static let corpus = try! Self.makeCorpus()

    static func makeCorpus() throws -> (searcher: Searcher, longPath: String, files: [String]) {
        let folder = ProcessScratch.path("paths")
        var generator = SplitMix64(seed: 21)
        let words = ["jardin", "potager", "compost", "semis", "récolte", "verger", "économie", "atelier"]
        func text(_ count: Int) -> String { (0..<count).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ") }
        var files = (0..<12).map { "\(folder)/corpus/dossier-\($0 % 3)/fiche-\($0).md" }
        // In an "archives" folder, whose path sorts before the others'.
        let longPath = "\(folder)/corpus/archives/" + (0..<3).map { String(repeating: "très-long-\($0)-", count: 8) }.joined(separator: "/") + "/fiche.md"
        files.append(longPath)
        for file in files {
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let sections = (0..<Int(generator.next() % 4 + 1)).map { _ in "# \(text(2))\n\n\(text(Int(generator.next() % 30) + 3))\n" }
            try sections.joined(separator: "\n").write(toFile: file, atomically: false, encoding: .utf8)
        }
        _ = try IndexBuilder.build(paths: [folder + "/corpus"], output: folder + "/index")
        return (Searcher(reader: try IndexReader(path: folder + "/index")), longPath, files)
    }

    static let queries = ["jardin", "jardin OR compost", "potager semis", "\"récolte verger\"", "éco*", "atelier -jardin", "zzzzqq"]

    /// Page after page, the paths `searchPaths` gives are those of the hits of `search` (a window) and
    /// `searchAll` (every match) with the same settings: sorted, collapsed, filtered, from an offset.
    @Test func thePathsAreThoseOfTheHits() throws {
        let (searcher, longPath, _) = Self.corpus
        #expect(longPath.utf8.count > FacetValuesReader.longestValue)
        var sawLongPath = false
        for query in Self.queries {
            let settings: [(offset: Int, sort: FieldSort?, collapse: FieldCollapse?, filters: [FacetFilter])] = [
                (0, nil, nil, []), (3, nil, nil, []), (0, FieldSort(field: "path", descending: true), nil, []),
                (1, nil, FieldCollapse(field: "path"), []),
                (0, nil, nil, [FacetFilter(field: "path", value: "\(Self.folder(of: longPath))/dossier-1/fiche-4.md")]),
            ]
            for setting in settings {
                for limit in [nil, 4] {
                    var pages: [[String]] = []
                    let results = try searcher.searchPaths(query, limit: limit, offset: setting.offset, pageSize: 3, sort: setting.sort,
                                                           collapse: setting.collapse, filters: setting.filters) { pages.append($0) }
                    #expect(pages.dropLast().allSatisfy { $0.count == 3 } && pages.allSatisfy { !$0.isEmpty }, "\(query) \(setting)")
                    var hits: [Hit] = []
                    let reference: SearchResults
                    if let limit {
                        reference = try searcher.search(query, limit: limit, offset: setting.offset, sort: setting.sort, collapse: setting.collapse,
                                                        filters: setting.filters, snippets: false)
                        hits = reference.hits
                    } else {
                        reference = try searcher.searchAll(query, offset: setting.offset, sort: setting.sort, collapse: setting.collapse,
                                                           filters: setting.filters, snippets: false) { hits += $0 }
                    }
                    #expect(pages.flatMap { $0 } == hits.map(\.path), "\(query) \(setting) \(limit ?? -1)")
                    #expect(results.total == reference.total && results.hits.isEmpty, "\(query) \(setting)")
                    sawLongPath = sawLongPath || pages.joined().contains(longPath)
                }
            }
        }
        #expect(sawLongPath)
    }

    /// `pathsWithoutMatch` (`fts search -L`) gives every file of the corpus but those of the matches
    /// of the query, filtered or not, in byte order, and the number of matches.
    @Test func theFilesWithoutMatchAreAllTheOthers() throws {
        let (searcher, longPath, files) = Self.corpus
        var sawLongPath = false
        for query in Self.queries {
            for filters in [[], [FacetFilter(field: "path", value: "\(Self.folder(of: longPath))/dossier-1/", prefix: true)]] {
                var hits: [Hit] = []
                _ = try searcher.searchAll(query, filters: filters, snippets: false) { hits += $0 }
                let matched = Set(hits.map(\.path))
                let expected = files.filter { !matched.contains($0) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                let found = try searcher.pathsWithoutMatch(query, filters: filters)
                #expect(found.paths == expected, "\(query) \(filters)")
                #expect(found.matches == hits.count, "\(query) \(filters)")
                sawLongPath = sawLongPath || found.paths.contains(longPath)
            }
        }
        #expect(sawLongPath)
        #expect(try searcher.pathsWithoutMatch("jardin OR potager OR compost OR semis OR récolte OR verger OR économie OR atelier").paths.isEmpty)
    }

    /// The folder the corpus's files are in.
    static func folder(of longPath: String) -> String {
        String(longPath[..<longPath.range(of: "/corpus/")!.upperBound].dropLast())
    }

    /// `--facet path` counts the matches of each file, `path:=` keeps those of one, and sorting by the
    /// path orders the hits by their files' paths; a path too long to be a value is a match without one.
    @Test func facetsFiltersAndSortsByThePath() throws {
        let (searcher, longPath, _) = Self.corpus
        for query in Self.queries {
            var hits: [Hit] = []
            let total = try searcher.searchAll(query, snippets: false) { hits += $0 }.total
            let counted = try searcher.search(query, limit: 0, facets: [FacetRequest(field: "path", limit: 100)])
            let facet = try #require(counted.facets.first)
            let expected = Dictionary(grouping: hits.filter { $0.path != longPath }, by: \.path).mapValues(\.count)
            #expect(Dictionary(uniqueKeysWithValues: facet.values.map { ($0.value, $0.count) }) == expected, "\(query)")
            #expect(facet.missing == hits.filter { $0.path == longPath }.count && counted.total == total, "\(query)")
            for (path, count) in expected {
                let kept = try searcher.searchAll("\(query) path:=\"\(path)\"", snippets: false) { _ in }
                #expect(kept.total == count, "\(query) \(path)")
            }
            // A folder's files: the paths that start with it.
            for folder in ["dossier-1/", "dossier-", "dossier-1/fiche-1"] {
                let prefix = Self.folder(of: longPath) + "/" + folder
                let kept = try searcher.searchAll("\(query) path:=\(prefix)*", snippets: false) { _ in }
                #expect(kept.total == hits.filter { $0.path.hasPrefix(prefix) }.count, "\(query) \(folder)")
            }
            let sorted = try searcher.search(query, limit: 100, sort: FieldSort(field: "path"), snippets: false)
            let paths = sorted.hits.map(\.path).filter { $0 != longPath }
            #expect(paths == paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "\(query)")
        }
    }

    /// The path is matched whole: a word after `path:` is an error that says how, and the title and
    /// the body still hold no values.
    @Test func thePathIsAValueNotAText() throws {
        let searcher = Self.corpus.searcher
        #expect(throws: QueryError("the path is matched whole, as path:=\"notes/a.md\", not searched (fields: title, body)", column: 8)) {
            try searcher.search("jardin path:dossier")
        }
        #expect(throws: QueryError("cannot count the values of \"title\": the title and the body are texts to search, not values (fields with values: path)")) {
            try searcher.search("jardin", facets: [FacetRequest(field: "title")])
        }
        // Pages of paths are checked as pages of hits are.
        #expect(throws: QueryError("limit and offset cannot be negative")) { try searcher.searchPaths("jardin", limit: -1) { _ in } }
        #expect(throws: QueryError("the offset cannot be negative")) { try searcher.searchPaths("jardin", limit: nil, offset: -1) { _ in } }
        #expect(throws: QueryError("offset + limit is over the maximum window of 10000 results")) {
            try searcher.searchPaths("jardin", limit: 10, offset: Searcher.maximumWindow) { _ in }
        }
        #expect(throws: QueryError("a page holds at least one hit")) { try searcher.searchPaths("jardin", limit: nil, pageSize: 0) { _ in } }
    }
}
