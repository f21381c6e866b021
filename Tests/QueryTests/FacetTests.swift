import Foundation
import Testing
@testable import Indexer
@testable import Query
import TestSupport

/// Facets: the values of fields among all of a search's matches, against the values the test wrote
/// into the corpus and the matches of the same query.
@Suite struct FacetTests {
    /// An index of generated documents, and each document's values by field (what the test wrote).
    final class FacetedCorpus: @unchecked Sendable {
        static let shared = try! FacetedCorpus()
        let folder = ProcessScratch.path("faceted")
        let searcher: Searcher
        var values: [[String: Set<String>]] = []

        init() throws {
            var generator = SplitMix64(seed: 31)
            var dates = SplitMix64(seed: 37)
            let words = ["jardin", "potager", "verger", "abeille", "ville", "rucher", "compost", "semis"]
            let tags = ["bio", "local", "Bio", "circuit court", "a, b", "zéro déchet", "œuvre", "12"]
            func chance(_ percent: UInt64) -> Bool { generator.next() % 100 < percent }
            func pick(_ list: [String]) -> String { list[Int(generator.next() % UInt64(list.count))] }
            func text(_ count: Int) -> String { (0..<count).map { _ in pick(words) }.joined(separator: " ") }
            var lines = ""
            for index in 0..<1_500 {
                var object = "{\"id\":\"d\(index)\",\"title\":\"\(text(2))\",\"body\":\"\(text(Int(generator.next() % 30) + 1))\""
                var document: [String: Set<String>] = [:]
                if chance(80) {
                    let items = (0..<(Int(generator.next() % 4) + 1)).map { _ in pick(tags) }
                    object += ",\"tags\":[" + items.map { "\"\($0)\"" }.joined(separator: ",") + "]"
                    document["tags"] = Set(items)
                }
                if chance(90) {
                    let category = pick(["agriculture", "déchets", "mobilité", "énergie", "Dupont, Jean"])
                    object += ",\"catégorie\":\"\(category)\""
                    document["catégorie"] = [category]
                }
                // Each its own value, in few documents: a sparse column, and many values of count 1.
                if chance(4) {
                    object += ",\"rare\":\"r\(index % 40)\""
                    document["rare"] = ["r\(index % 40)"]
                }
                // Dates in the forms the corpus may write them, some not dates, a few a document.
                if dates.next() % 100 < 70 {
                    let items = (0..<(Int(dates.next() % 3) + 1)).map { _ in
                        let day = String(format: "%04d-%02d-%02d", 2020 + Int(dates.next() % 4), 1 + Int(dates.next() % 12), 1 + Int(dates.next() % 28))
                        return [day, day + "T10:30", day + " 23:30+02:00", " " + day, "bientôt", "2024-13-01", "2024"][Int(dates.next() % 7)]
                    }
                    object += ",\"jour\":[" + items.map { "\"\($0)\"" }.joined(separator: ",") + "]"
                    document["jour"] = Set(items)
                }
                // Numbers as the corpus may write them, some not numbers.
                if dates.next() % 100 < 60 {
                    let items = (0..<(Int(dates.next() % 3) + 1)).map { _ in
                        let number = Int(dates.next() % 400) - 100
                        return ["\(number)", "\(number),5", "\(number).25", "\(number)e0", " \(number)", "n/a", "2024-01-02",
                                "\(number) €", "€\(number),5", "\(number)\u{A0}%", "\(number) m²"][Int(dates.next() % 11)]
                    }
                    object += ",\"prix\":[" + items.map { "\"\($0)\"" }.joined(separator: ",") + "]"
                    document["prix"] = Set(items)
                }
                lines += object + "}\n"
                values.append(document)
            }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try lines.write(toFile: folder + "/docs.jsonl", atomically: false, encoding: .utf8)
            _ = try IndexBuilder.build(paths: [folder + "/docs.jsonl"], output: folder + "/index")
            searcher = Searcher(reader: try IndexReader(path: folder + "/index"))
        }
    }

    static let queries = ["jardin", "jardin potager", "jardin OR abeille", "\"jardin potager\"", "comp*", "ville -rucher",
                          "(verger OR semis) compost", "*:*", "title:abeille", "tags:bio", "catégorie:déchets", "introuvable"]

    @Test(arguments: queries)
    func countsAreThoseOfEveryMatch(query: String) throws {
        let corpus = FacetedCorpus.shared
        let searcher = corpus.searcher
        let requests = [FacetRequest(field: "tags", limit: 1_000), FacetRequest(field: "categorie", limit: 3),
                        FacetRequest(field: "rare", limit: 5)]
        let faceted = try searcher.search(query, limit: 10, facets: requests)
        // Every match, from the engine's own ranking (checked against brute force by the differential tests).
        let all = try searcher.search(query, limit: Searcher.maximumWindow, snippets: false)
        #expect(all.total == all.hits.count)
        let plain = try searcher.search(query, limit: 10)
        #expect(faceted.total == plain.total && faceted.hits.map(\.doc) == plain.hits.map(\.doc)
                && faceted.hits.map(\.score) == plain.hits.map(\.score), "facets change nothing else")
        #expect(faceted.facets.map(\.field) == ["tags", "catégorie", "rare"], "in the requests' order")
        // The facets' walk gives the total: exact, with a page or without one.
        let countsOnly = try searcher.search(query, limit: 0, facets: requests)
        #expect(faceted.totalIsExact && countsOnly.totalIsExact && countsOnly.total == plain.total && countsOnly.facets == faceted.facets)
        // A page of nothing scores nothing, and still counts every match.
        let empty = try searcher.search(query, limit: 0)
        #expect(empty.hits.isEmpty && empty.totalIsExact && empty.total == plain.total)
        #expect(try searcher.topDocuments(query, limit: 0, exactTotal: true).total == plain.total)
        for (request, counted) in zip(requests, faceted.facets) {
            var counts: [String: Int] = [:]
            var missing = 0
            for hit in all.hits {
                let values = corpus.values[hit.doc][counted.field] ?? []
                if values.isEmpty { missing += 1 }
                for value in values { counts[value, default: 0] += 1 }
            }
            let expected = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .prefix(request.limit).map { FacetCounts.Value(value: $0.key, count: $0.value) }
            #expect(counted == FacetCounts(field: counted.field, values: Array(expected), distinct: counts.count, missing: missing),
                    "\(query) \(counted.field)")
        }
    }

    /// `field:=value` finds the documents holding the value exactly, as the facets count them: the
    /// filter a front end adds when a facet's value is clicked.
    @Test func exactValuesFilterAsFacetsCount() throws {
        let corpus = FacetedCorpus.shared
        let searcher = corpus.searcher
        func documents(_ query: String) throws -> Set<Int> {
            let results = try searcher.search(query, limit: Searcher.maximumWindow, snippets: false)
            #expect(results.total == results.hits.count)
            return Set(results.hits.map(\.doc))
        }
        func holding(_ field: String, _ value: String) -> Set<Int> {
            Set(corpus.values.indices.filter { corpus.values[$0][field]?.contains(value) == true })
        }
        let cases = [("tags", "bio"), ("tags", "Bio"), ("tags", "a, b"), ("tags", "zéro déchet"), ("tags", "12"),
                     ("catégorie", "Dupont, Jean"), ("catégorie", "déchets"), ("rare", "r7"), ("tags", "absent"), ("tags", "bi")]
        for (field, value) in cases {
            let escaped = value.replacingOccurrences(of: "\"", with: "\\\"")
            let expected = holding(field, value)
            #expect(try documents("\(field):=\"\(escaped)\"") == expected, "\(field) \(value)")
            #expect(try documents("jardin \(field):=\"\(escaped)\"") == expected.intersection(try documents("jardin")), "\(field) \(value)")
            #expect(try documents("*:* -\(field):=\"\(escaped)\"") == Set(0..<corpus.values.count).subtracting(expected), "\(field) \(value)")
            // What a facet counts for a value, its filter finds.
            if let counted = try searcher.search("*:*", limit: 0, facets: [FacetRequest(field: field, limit: 1_000)]).facets[0]
                .values.first(where: { $0.value == value }) {
                #expect(counted.count == expected.count)
            } else {
                #expect(expected.isEmpty)
            }
        }
        #expect(try documents("categorie:=déchets") == holding("catégorie", "déchets"), "a field named without its accents")
        let explained = try searcher.search("jardin tags:=bio", limit: 1, explain: true)
        #expect(explained.hits.first?.explanation?.contains("1.0000  tags:=bio (a value: every match scores the same)") == true)
        func message(_ query: String) -> String {
            do {
                _ = try searcher.search(query)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(message("nope:=x") == "unknown field \"nope\" (fields with values: path, catégorie, tags, jour, prix, rare) at column 1")
        #expect(message("title:=x") == "field \"title\" keeps no values to match exactly (fields with values: path, catégorie, tags, jour, prix, rare) at column 1")
    }

    /// `field:=prefix*` finds the documents holding a value that starts with the prefix, byte for byte
    /// (`b*` is not `B*`); `field:=*` those holding any; a quoted or escaped `*` is the value's own.
    @Test func prefixesOfValuesFilterAsTheirValuesDo() throws {
        let corpus = FacetedCorpus.shared
        let searcher = corpus.searcher
        func documents(_ query: String, filters: [FacetFilter] = []) throws -> Set<Int> {
            var hits: [Hit] = []
            _ = try searcher.searchAll(query, filters: filters, snippets: false) { hits += $0 }
            return Set(hits.map(\.doc))
        }
        func holding(_ field: String, _ kept: (String) -> Bool) -> Set<Int> {
            Set(corpus.values.indices.filter { corpus.values[$0][field]?.contains(where: kept) == true })
        }
        let cases = [("tags", "b"), ("tags", "B"), ("tags", "bio"), ("tags", "z"), ("tags", "zéro d"), ("tags", "é"),
                     ("catégorie", "d"), ("catégorie", "Dupont, "), ("rare", "r1"), ("rare", "r"), ("tags", "x"), ("jour", "2021-0")]
        for (field, prefix) in cases {
            let expected = holding(field) { $0.utf8.starts(with: prefix.utf8) }
            let typed = prefix.replacingOccurrences(of: " ", with: "\\ ")
            #expect(try documents("\(field):=\(typed)*") == expected, "\(field) \(prefix)")
            #expect(try documents("jardin \(field):=\(typed)*") == expected.intersection(try documents("jardin")), "\(field) \(prefix)")
            #expect(try documents("*:* -\(field):=\(typed)*") == Set(0..<corpus.values.count).subtracting(expected), "\(field) \(prefix)")
            #expect(try documents("*:*", filters: [FacetFilter(field: field, value: prefix, prefix: true)]) == expected, "\(field) \(prefix)")
        }
        #expect(try !documents("tags:=b*").isEmpty && documents("rare:=r1*").count > documents("rare:=r1").count)
        #expect(try documents("tags:=*") == holding("tags") { _ in true })
        // The value's own `*`: no tag ends with one.
        #expect(try documents(#"tags:="bio*""#).isEmpty && documents(#"tags:=bio\*"#).isEmpty)
        let explained = try searcher.search("jardin tags:=bi*", limit: 1, explain: true)
        #expect(explained.hits.first?.explanation?.contains("1.0000  tags:=bi* (values: every match scores the same)") == true)
    }

    /// Filters narrow the hits to chosen values, any of one field's and all fields'; a facet on a
    /// filtered field counts without its own field's filters (drill sideways), the others over the hits.
    @Test func filtersNarrowTheHitsAndFacetsCountSideways() throws {
        let corpus = FacetedCorpus.shared
        let searcher = corpus.searcher
        let filters = [FacetFilter(field: "tags", value: "bio"), FacetFilter(field: "catégorie", value: "déchets"),
                       FacetFilter(field: "tags", value: "a, b")]
        let requests = [FacetRequest(field: "tags", limit: 1_000), FacetRequest(field: "catégorie", limit: 1_000),
                        FacetRequest(field: "rare", limit: 1_000)]
        for query in ["jardin", "jardin OR abeille", "*:*", "\"jardin potager\"", "introuvable"] {
            let matching = Set(try searcher.search(query, limit: Searcher.maximumWindow, snippets: false).hits.map(\.doc))
            func holds(_ doc: Int, _ field: String) -> Bool {
                !filters.filter { $0.field == field }.allSatisfy { corpus.values[doc][field]?.contains($0.value) != true }
            }
            let narrowed = matching.filter { holds($0, "tags") && holds($0, "catégorie") }
            let results = try searcher.search(query, limit: Searcher.maximumWindow, facets: requests, filters: filters, snippets: false)
            #expect(Set(results.hits.map(\.doc)) == narrowed && results.total == narrowed.count && results.totalIsExact, "\(query)")
            #expect(try searcher.count(query, filters: filters) == narrowed.count, "\(query)")
            func expected(_ field: String, over docs: Set<Int>) -> FacetCounts {
                var counts: [String: Int] = [:]
                for doc in docs { for value in corpus.values[doc][field] ?? [] { counts[value, default: 0] += 1 } }
                let values = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                return FacetCounts(field: field, values: values.map { .init(value: $0.key, count: $0.value) }, distinct: counts.count,
                                   missing: docs.filter { corpus.values[$0][field] == nil }.count)
            }
            #expect(results.facets == [expected("tags", over: matching.filter { holds($0, "catégorie") }),
                                       expected("catégorie", over: matching.filter { holds($0, "tags") }),
                                       expected("rare", over: narrowed)], "\(query)")
            // Confined to the titles, the sideways counts are the titles' too.
            guard query != "*:*" else { continue }
            let confined = try searcher.search(query, limit: 0, facets: requests, filters: filters, fields: ["title"])
            let written = try searcher.search("title:(\(query))", limit: 0, facets: requests, filters: filters)
            #expect(confined.facets == written.facets && confined.total == written.total, "\(query)")
        }
        #expect(try FacetFilter(parsing: #"tags:="zéro déchet""#) == FacetFilter(field: "tags", value: "zéro déchet"))
        for bad in ["tags:=x y", "tags:bio", "bio", "tags:=bio jardin"] {
            #expect(throws: QueryError.self, "\(bad)") { try FacetFilter(parsing: bad) }
        }
        #expect(throws: QueryError("cannot filter by \"title\": the index keeps no values of it (fields with values: path, catégorie, tags, jour, prix, rare)")) {
            try searcher.search("jardin", filters: [FacetFilter(field: "title", value: "x")])
        }
    }

    /// Histograms: each match counted once in each bucket its dates (the date as written) or numbers
    /// (the interval holding them) fall in, the buckets in order; a match with none is missing.
    @Test(arguments: queries)
    func histogramsCountEachMatchOncePerBucket(query: String) throws {
        let corpus = FacetedCorpus.shared
        let requests = [FacetRequest(field: "jour", limit: 1_000, histogram: .year), FacetRequest(field: "jour", limit: 1_000, histogram: .month),
                        FacetRequest(field: "jour", limit: 1_000, histogram: .day), FacetRequest(field: "prix", limit: 1_000, histogram: .interval(50)),
                        FacetRequest(field: "prix", limit: 1_000, histogram: .interval(0.5))]
        let histograms = try corpus.searcher.search(query, limit: 0, facets: requests)
        let counted = histograms.facets
        let all = try corpus.searcher.search(query, limit: Searcher.maximumWindow, snippets: false)
        // Histograms alone count the matches in their own walk.
        #expect(histograms.total == all.total && histograms.totalIsExact, "\(query)")
        for (request, facet) in zip(requests, counted) {
            // Each document's buckets, as (order, key).
            func buckets(_ doc: Int) -> Set<String> {
                let items = (corpus.values[doc][request.field] ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
                switch request.histogram! {
                case .year, .month, .day:
                    let length = ["year": 4, "month": 7, "day": 10][request.histogram!.name]!
                    return Set(items.filter { SortValue.date(of: $0) != nil }.map { String($0.prefix(length)) })
                case .interval(let width):
                    return Set(items.compactMap { item -> String? in
                        // An amount or a percentage is its number.
                        let bare = ["€", " ", "\u{A0}", "%"].reduce(item) { $0.replacingOccurrences(of: $1, with: "") }
                        guard let number = Double(bare.replacingOccurrences(of: ",", with: ".")) else { return nil }
                        let start = (number / width).rounded(.down) * width
                        return start == start.rounded() ? String(Int(start)) : String(start)
                    })
                }
            }
            var counts: [String: Int] = [:]
            var missing = 0
            for hit in all.hits {
                let found = buckets(hit.doc)
                if found.isEmpty { missing += 1 }
                for bucket in found { counts[bucket, default: 0] += 1 }
            }
            let ordered = counts.sorted { a, b in
                if case .interval = request.histogram! { return Double(a.key)! < Double(b.key)! }
                return a.key < b.key
            }
            let expected = ordered.map { FacetCounts.Value(value: $0.key, count: $0.value) }
            let name = "\(request.field):\(request.histogram!.name)"
            #expect(facet == FacetCounts(field: name, values: expected, distinct: counts.count, missing: missing), "\(query) \(name)")
        }
        // A histogram's first buckets, in order.
        let first = try corpus.searcher.search(query, limit: 0, facets: [FacetRequest(field: "jour", limit: 2, histogram: .month)]).facets[0]
        #expect(first.values == Array(counted[1].values.prefix(2)) && first.distinct == counted[1].distinct)
    }

    @Test func requestsAndTheirErrors() throws {
        let searcher = FacetedCorpus.shared.searcher
        #expect(try FacetRequest(parsing: "tags") == FacetRequest(field: "tags", limit: 10))
        #expect(try FacetRequest(parsing: "tags:1000") == FacetRequest(field: "tags", limit: 1_000))
        #expect(try FacetRequest(parsing: "jour:Month") == FacetRequest(field: "jour", limit: 1_000, histogram: .month))
        #expect(try FacetRequest(parsing: "a:b:year") == FacetRequest(field: "a:b", limit: 1_000, histogram: .year))
        #expect(try FacetRequest(parsing: "prix:interval=2,5") == FacetRequest(field: "prix", limit: 1_000, histogram: .interval(2.5)))
        #expect(try FacetRequest(parsing: "prix:interval=10").histogram?.name == "interval=10")
        // A histogram is named as the index names its field.
        let typed = try searcher.search("*:*", limit: 0, facets: [FacetRequest(parsing: "JOUR:year")])
        #expect(typed.facets.map(\.field) == ["jour:year"])
        for bad in ["tags:0", "tags:1001", "tags:x", ":3", "", "jour:week", ":year", "prix:interval=0", "prix:interval=-5", "prix:interval=x",
                    "prix:interval="] {
            #expect(throws: QueryError.self, "\(bad)") { try FacetRequest(parsing: bad) }
        }
        func message(_ request: FacetRequest) -> String {
            do {
                _ = try searcher.search("jardin", facets: [request])
                return ""
            } catch {
                return "\(error)"
            }
        }
        let fields = "(fields with values: path, catégorie, tags, jour, prix, rare)"
        #expect(message(FacetRequest(field: "nope")) == "cannot count the values of unknown field \"nope\" \(fields)")
        #expect(message(FacetRequest(field: "body")) == "cannot count the values of \"body\": the title and the body are texts to search, not values \(fields)")
        #expect(message(FacetRequest(field: "tags", limit: 0)) == "a facet returns from 1 to 1000 values, not 0")
        #expect(message(FacetRequest(field: "tags", histogram: .year)) == "cannot count the dates of \"tags\": none of its values is a date (YYYY-MM-DD)")
        #expect(message(FacetRequest(field: "catégorie", histogram: .interval(10))) == "cannot count the numbers of \"catégorie\": none of its values is a number")
        // A page of no hits still counts every match.
        let counted = try searcher.search("*:*", limit: 0, facets: [FacetRequest(field: "Catégorie", limit: 1)])
        #expect(counted.hits.isEmpty && counted.total == 1_500 && counted.facets[0].values.count == 1)
    }
}
