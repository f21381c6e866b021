import Foundation
import Testing
@testable import Indexer
@testable import Query
import TestSupport

/// Pages after a cursor (`search(cursor:after:)`): what Elasticsearch's `search_after` gives.
@Suite struct SearchCursorTests {
    static let reader = Result { try DifferentialTests.generatedIndex(seed: 7) }

    /// The hits of every page of `query`, `limit` at a time, each page after the last one's cursor.
    static func cursorPages(_ searcher: Searcher, _ query: String, limit: Int, sort: FieldSort?) throws -> [Hit] {
        var hits: [Hit] = []
        var after: SearchCursor?
        for _ in 0..<1_000 {
            let page = try searcher.search(query, limit: limit, sort: sort, snippets: false, cursor: true, after: after)
            let total = try searcher.count(query)
            #expect(page.totalIsExact && page.total == total, "\(query)")
            // Ranks count from the cursor.
            #expect(page.hits.map(\.rank) == Array((0..<page.hits.count).map { $0 + 1 }), "\(query)")
            hits += page.hits
            #expect((page.next == nil) == page.hits.isEmpty, "\(query)")
            guard let next = page.next else { return hits }
            after = try SearchCursor(token: next.token)
            #expect(after == next)
        }
        Issue.record("\(query): pages without end")
        return hits
    }

    /// Page after page, by score, by one field and by two, every match comes once, in the order and
    /// with the scores of one ranking of them all (`searchAll`); a first page from an offset starts
    /// there.
    @Test func pagesAfterCursorsGoThroughEveryMatchInOrder() throws {
        let searcher = Searcher(reader: try Self.reader.get())
        let queries = ["économie", "économie OR solidaire", "projet social", "\"économie sociale\"", "solid*", "projet -social",
                       "title:projet OR source:alpha", "zzzzqq"]
        let orders: [FieldSort?] = [nil, FieldSort(field: "note", descending: true), try FieldSort(parsing: "source,note")]
        var paged = 0
        for query in queries {
            for sort in orders {
                var reference: [Hit] = []
                _ = try searcher.searchAll(query, sort: sort, snippets: false) { reference += $0 }
                let hits = try Self.cursorPages(searcher, query, limit: 7, sort: sort)
                #expect(hits.map(\.id) == reference.map(\.id), "\(query) \(String(describing: sort))")
                #expect(hits.map(\.score) == reference.map(\.score), "\(query) \(String(describing: sort))")
                paged += hits.count > 14 ? 1 : 0
                let first = try searcher.search(query, limit: 5, offset: 2, sort: sort, snippets: false, cursor: true)
                #expect(first.hits.map(\.id) == reference.dropFirst(2).prefix(5).map(\.id), "\(query)")
                if let next = first.next {
                    let second = try searcher.search(query, limit: 5, sort: sort, snippets: false, after: next)
                    #expect(second.hits.map(\.id) == reference.dropFirst(7).prefix(5).map(\.id), "\(query)")
                } else {
                    #expect(reference.count <= 2)
                }
            }
        }
        #expect(paged >= 15)
    }

    /// A cursor goes past the maximum window, where offsets stop: 10,050 matches with many equal
    /// scores, each once, in the order of one ranking of them all.
    @Test func pastTheMaximumWindow() throws {
        let searcher = try SearchAllTests.pastTheWindow("search-cursor")
        var reference: [Hit] = []
        _ = try searcher.searchAll("jardin", pageSize: 1_000, snippets: false) { reference += $0 }
        let hits = try Self.cursorPages(searcher, "jardin", limit: 1_000, sort: nil)
        #expect(hits.count == 10_050 && Set(hits.map(\.doc)).count == 10_050)
        #expect(hits.map(\.doc) == reference.map(\.doc))
    }

    /// A token is read back as it was written, whatever the order and the keys (none, infinite);
    /// anything else is refused.
    @Test func tokensRoundTripAndNothingElseIsACursor() throws {
        var generator = SplitMix64(seed: 3)
        for fields in 0...FieldSort.maximumKeys {
            for _ in 0..<50 {
                let sort = (0..<fields).map { _ in SearchCursor.SortField(field: Int(generator.next() % 256), descending: generator.next() % 2 == 0) }
                func key() -> Double { [-Double.infinity, 0, -3.5, 1e300, Double(generator.next() % 1000)][Int(generator.next() % 5)] }
                var place = SortedByFields(key: fields > 0 ? key() : 0,
                                           scored: ScoredDocument(doc: UInt32(truncatingIfNeeded: generator.next()), score: Double(generator.next() % 10_000) / 7))
                place.second = fields > 1 ? key() : 0
                place.third = fields > 2 ? key() : 0
                let cursor = SearchCursor(index: UInt32(truncatingIfNeeded: generator.next()), sort: sort, place: place)
                #expect(!cursor.token.contains { "+/=".contains($0) })
                #expect(try SearchCursor(token: cursor.token) == cursor)
            }
        }
        let valid = SearchCursor(index: 7, sort: [], place: SortedByFields(key: 0, scored: ScoredDocument(doc: 3, score: 1.5))).token
        let nan = Double.nan.bitPattern.littleEndian
        var nanBytes: [UInt8] = [1, 7, 0, 0, 0, 0]
        withUnsafeBytes(of: nan) { nanBytes += $0 }
        nanBytes += [3, 0, 0, 0]
        let nanToken = Data(nanBytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
        for token in ["", "abc", String(valid.dropLast()), valid + "A", "2" + valid.dropFirst(), String(repeating: "A", count: 200),
                      valid.replacingOccurrences(of: "A", with: "+"), nanToken, "élan"] where token != valid {
            #expect(throws: QueryError.self, "\(token)") { try SearchCursor(token: token) }
        }
    }

    /// A cursor from another index, or made for another order, is an error that says so; so is a
    /// cursor with a collapse.
    @Test func aCursorPagesOnlyItsOwnIndexAndOrder() throws {
        let searcher = Searcher(reader: try Self.reader.get())
        let other = Searcher(reader: try DifferentialTests.generatedIndex(seed: 8))
        let byScore = try #require(try searcher.search("économie", limit: 3, snippets: false, cursor: true).next)
        let byNote = try #require(try searcher.search("économie", limit: 3, sort: FieldSort(field: "note"), snippets: false, cursor: true).next)
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        #expect(message { _ = try other.search("économie", snippets: false, after: byScore) }.contains("another index"))
        #expect(message { _ = try searcher.search("économie", snippets: false, after: byNote) }.contains("sorted by note: page them"))
        #expect(message { _ = try searcher.search("économie", sort: FieldSort(field: "note", descending: true), snippets: false, after: byNote) }
            .contains("sorted by note: page them"))
        #expect(message { _ = try searcher.search("économie", sort: FieldSort(field: "note"), snippets: false, after: byScore) }
            .contains("by score: page them"))
        #expect(message { _ = try searcher.search("économie", collapse: FieldCollapse(field: "source"), snippets: false, cursor: true) }
            .contains("cannot page collapsed results"))
        // Without cursors, a search gives none.
        #expect(try searcher.search("économie", limit: 3, snippets: false).next == nil)
    }
}
