import Foundation
import Testing
@testable import Indexer
@testable import Query
import TestSupport

/// Searches sorted by a field's numbers and dates, against the values the test wrote into the corpus
/// and the matches and scores of the same query ranked by score.
@Suite struct SortTests {
    /// An index of generated documents, and each document's values by field (what the test wrote).
    final class SortedCorpus: @unchecked Sendable {
        static let shared = try! SortedCorpus()
        let folder = ProcessScratch.path("sorted")
        let searcher: Searcher
        var values: [[String: [Double]]] = []

        init() throws {
            var generator = SplitMix64(seed: 21)
            let words = ["jardin", "potager", "verger", "abeille", "ville", "rucher", "compost", "semis"]
            func chance(_ percent: UInt64) -> Bool { generator.next() % 100 < percent }
            func text(_ count: Int) -> String { (0..<count).map { _ in words[Int(generator.next() % UInt64(words.count))] }.joined(separator: " ") }
            var lines = ""
            for index in 0..<1_500 {
                var object = "{\"id\":\"d\(index)\",\"title\":\"\(text(2))\",\"body\":\"\(text(Int(generator.next() % 30) + 1))\""
                var document: [String: [Double]] = [:]
                // Few distinct years, so that many documents tie and their scores decide.
                if chance(85) {
                    let years = (0..<(chance(20) ? 2 : 1)).map { _ in Double(2000 + Int(generator.next() % 12)) }
                    object += ",\"année\":" + (years.count == 1 ? "\(Int(years[0]))" : "[\(Int(years[0])),\(Int(years[1]))]")
                    document["année"] = years
                }
                if chance(70) {
                    let cents = Double(Int(generator.next() % 20_001) - 10_000) / 100
                    // As a spreadsheet exports a price, or as a number alone.
                    let written = String(format: "%.2f", cents).replacingOccurrences(of: ".", with: ",")
                    let form = ["\(written)", "\(written) €", "€\(written)", "\(written)\u{A0}EUR", "\(written)\u{202F}€"][Int(generator.next() % 5)]
                    object += ",\"prix\":\"\(form)\""
                    document["prix"] = [cents]
                }
                let formatter = ISO8601DateFormatter()
                formatter.timeZone = TimeZone(secondsFromGMT: 3600)
                if chance(60) {
                    let seconds = Double(generator.next() % 2_000_000_000)
                    object += ",\"date\":\"\(formatter.string(from: Date(timeIntervalSince1970: seconds)))\""
                    document["date"] = [seconds]
                }
                // Several days of 2020 to 2022, some at noon: documents whose days lie on both sides of a range.
                if chance(50) {
                    let days = (0..<(Int(generator.next() % 3) + 1)).map { _ in
                        Double(18_262 + Int(generator.next() % 1_096)) * 86_400 + (chance(50) ? 43_200 : 0)
                    }
                    object += ",\"jours\":[" + days.map { "\"\(formatter.string(from: Date(timeIntervalSince1970: $0)))\"" }.joined(separator: ",") + "]"
                    document["jours"] = days
                }
                lines += object + ",\"auteur\":\"\(text(1))\"}\n"
                values.append(document)
            }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try lines.write(toFile: folder + "/docs.jsonl", atomically: false, encoding: .utf8)
            _ = try IndexBuilder.build(paths: [folder + "/docs.jsonl"], output: folder + "/index")
            searcher = Searcher(reader: try IndexReader(path: folder + "/index"))
        }
    }

    let corpus = SortedCorpus.shared

    /// The value a document sorts by: its smallest ascending, its largest descending.
    func value(_ doc: Int, _ field: String, descending: Bool) -> Double? {
        corpus.values[doc][field].map { descending ? $0.max()! : $0.min()! }
    }

    @Test(arguments: ["jardin", "potager OR verger", "jardin ville", "*:*", "semis -compost", "\"jardin potager\"", "title:rucher", "nulpart",
                     "jardin MAYBE potager", "(potager OR verger) jardin MAYBE semis"])
    func everyMatchComesInTheFieldsOrder(query: String) throws {
        let byScore = try corpus.searcher.search(query, limit: Searcher.maximumWindow, snippets: false)
        let scores = Dictionary(uniqueKeysWithValues: byScore.hits.map { ($0.doc, $0.score) })
        for field in ["année", "prix", "date"] {
            for descending in [false, true] {
                let sort = FieldSort(field: field, descending: descending)
                let sorted = try corpus.searcher.search(query, limit: Searcher.maximumWindow, sort: sort, snippets: false)
                #expect(sorted.total == byScore.total && sorted.totalIsExact)
                #expect(Set(sorted.hits.map(\.doc)) == Set(scores.keys), "\(query) by \(field)")
                #expect(sorted.sortField == corpus.searcher.reader.meta.field(named: field))
                for hit in sorted.hits {
                    #expect(abs(hit.score - scores[hit.doc]!) <= 1e-9 * scores[hit.doc]!, "\(query): \(hit.doc)")
                }
                // Each hit comes before the next: a value before none, the better value first, then
                // the higher score, then the lower document number.
                for (hit, next) in zip(sorted.hits, sorted.hits.dropFirst()) {
                    let a = value(hit.doc, field, descending: descending), b = value(next.doc, field, descending: descending)
                    let ordered: Bool
                    switch (a, b) {
                    case (nil, .some): ordered = false
                    case (.some, nil): ordered = true
                    case let (.some(a), .some(b)) where a != b: ordered = descending ? a > b : a < b
                    default: ordered = hit.score != next.score ? hit.score > next.score : hit.doc < next.doc
                    }
                    #expect(ordered, "\(query) by \(field)\(descending ? " desc" : ""): \(hit.doc) before \(next.doc)")
                }
                // Pages are slices of the whole order: none overlaps, none misses a hit.
                for (offset, limit) in [(0, 10), (10, 10), (7, 33), (sorted.total - 3, 10), (0, 0), (sorted.total + 1, 5)] where offset >= 0 {
                    let page = try corpus.searcher.search(query, limit: limit, offset: offset, sort: sort, snippets: false)
                    #expect(page.total == sorted.total)
                    #expect(page.hits.map(\.doc) == Array(sorted.hits.dropFirst(offset).prefix(limit).map(\.doc)))
                    #expect(page.hits.first.map(\.rank) == (offset < sorted.total && limit > 0 ? offset + 1 : nil))
                }
            }
        }
    }

    /// Ranges of dates against the days the test wrote: a document matches when one of its values lies
    /// within; a day alone as a bound stands for the whole day.
    @Test func rangesOfDates() throws {
        var generator = SplitMix64(seed: 4)
        var straddling = 0
        func day(_ seconds: Double) -> String {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            formatter.timeZone = TimeZone(secondsFromGMT: 0)
            return formatter.string(from: Date(timeIntervalSince1970: seconds))
        }
        for round in 0..<60 {
            let field = round % 2 == 0 ? "jours" : "date"
            let span: UInt64 = field == "jours" ? 1_096 : 23_000
            let start = field == "jours" ? 18_262 : 0
            var low = Double(start + Int(generator.next() % span)) * 86_400
            var high = low + Double(generator.next() % 200) * 86_400
            let includesLow = generator.next() % 2 == 0, includesHigh = generator.next() % 2 == 0
            let openLow = round % 7 == 3, openHigh = round % 11 == 5
            let query = "\(field):\(includesLow ? "[" : "{")\(openLow ? "*" : day(low)) TO \(openHigh ? "*" : day(high))\(includesHigh ? "]" : "}")"
            // Whole days: `{D` starts the day after D, `D]` ends with D.
            if !includesLow { low += 86_400 }
            if includesHigh { high += 86_400 }
            let within = { (value: Double) in (openLow || value >= low) && (openHigh || value < high) }
            let expected = Set(corpus.values.indices.filter { doc in (corpus.values[doc][field] ?? []).contains(where: within) })
            // Those whose smallest and largest values lie on both sides: their stored text decides.
            straddling += corpus.values.filter { values in
                guard let days = values[field], let first = days.min(), let last = days.max() else { return false }
                return !within(first) && !within(last) && first < low && last >= high
            }.count
            let found = try corpus.searcher.search(query, limit: Searcher.maximumWindow, snippets: false)
            #expect(Set(found.hits.map(\.doc)) == expected, "\(query)")
            #expect(try corpus.searcher.count(query) == expected.count, "\(query)")
            #expect(found.hits.allSatisfy { $0.score == 1 })
        }
        #expect(straddling > 20)
        #expect(throws: QueryError("a range of dates needs a field, as in date:[2024-01-01 TO 2024-06-30]", column: 1)) {
            try corpus.searcher.search("[2024-01-01 TO *]")
        }
        #expect(throws: QueryError("field \"auteur\" holds no dates (fields with numbers or dates: année, date, jours, prix)", column: 1)) {
            try corpus.searcher.search("auteur:[2024-01-01 TO *]")
        }
        #expect(throws: QueryError("a range's bounds are both numbers or both dates, not 2024-01-01 and 30", column: 6)) {
            try corpus.searcher.search("date:[2024-01-01 TO 30]")
        }
        // A month and a year stand for the whole of them: the same matches as their days.
        for (whole, days) in [("date:[2024-01 TO 2024-03]", "date:[2024-01-01 TO 2024-03-31]"), ("date:{2023 TO 2024-06}", "date:[2024-01-01 TO 2024-05-31]")] {
            let found = try corpus.searcher.search(whole, limit: 1_000).hits.map(\.doc)
            #expect(found == (try corpus.searcher.search(days, limit: 1_000).hits.map(\.doc)), "\(whole)")
            #expect(!found.isEmpty, "\(whole)")
        }
    }

    /// `now` in ranges of dates, moved by days and hours and rounded to the day, against the days the
    /// test wrote, the bounds worked out here in seconds (UTC has no daylight saving).
    @Test func rangesRelativeToNow() throws {
        let searcher = Searcher(reader: corpus.searcher.reader)
        let now = 1_655_294_400.0 + 3_723  // 2022-06-15T13:02:03Z, within the days of `jours`
        searcher.clock = { Date(timeIntervalSince1970: now) }
        var generator = SplitMix64(seed: 5)
        var matched = 0
        for _ in 0..<40 {
            let back = Int(generator.next() % 300), ahead = Int(generator.next() % 100)
            let unit = generator.next() % 2 == 0 ? "d" : "h", seconds = unit == "d" ? 86_400.0 : 3_600.0
            let roundLow = generator.next() % 2 == 0, roundHigh = generator.next() % 2 == 0
            let includesLow = generator.next() % 2 == 0, includesHigh = generator.next() % 2 == 0
            let query = "jours:\(includesLow ? "[" : "{")now-\(back)\(unit)\(roundLow ? "/d" : "") TO now+\(ahead)\(unit)\(roundHigh ? "/d" : "")"
                + (includesHigh ? "]" : "}")
            var low = now - Double(back) * seconds, high = now + Double(ahead) * seconds
            // Rounded, a bound stands for its whole day: from its start, or after its end.
            func dayStart(_ t: Double) -> Double { (t / 86_400).rounded(.down) * 86_400 }
            var lowIncluded = includesLow, highIncluded = includesHigh
            if roundLow { (low, lowIncluded) = (includesLow ? dayStart(low) : dayStart(low) + 86_400, true) }
            if roundHigh { (high, highIncluded) = (includesHigh ? dayStart(high) + 86_400 : dayStart(high), false) }
            let within = { (value: Double) in (lowIncluded ? value >= low : value > low) && (highIncluded ? value <= high : value < high) }
            let expected = Set(corpus.values.indices.filter { (corpus.values[$0]["jours"] ?? []).contains(where: within) })
            let found = try searcher.search(query, limit: Searcher.maximumWindow, snippets: false)
            #expect(Set(found.hits.map(\.doc)) == expected, "\(query)")
            if !expected.isEmpty { matched += 1 }
        }
        #expect(matched > 25)
    }

    /// Queries thrown together from the syntax's pieces (ranges of dates among them), sorted by a field
    /// or not: each runs, its total the count's, or gets a `QueryError`.
    @Test func randomQueriesSortedRunOrFailCleanly() throws {
        var generator = SplitMix64(seed: 79)
        var ran = 0
        for _ in 0..<1_500 {
            let query = RandomQueryTests.query(of: 10, using: &generator)
            let field = ["année", "prix", "date", "jours", "auteur"][Int(generator.next() % 5)]
            let sort = generator.next() % 3 == 0 ? nil : FieldSort(field: field, descending: generator.next() % 2 == 0)
            do {
                let results = try corpus.searcher.search(query, limit: Int(generator.next() % 20) + 1, sort: sort)
                #expect(results.hits.count <= results.total, "\(query)")
                #expect(try corpus.searcher.count(query) == results.total, "\(query)")
                ran += 1
            } catch is QueryError {}
        }
        #expect(ran > 300, "\(ran) ran")
    }

    /// A field of text values sorts alphabetically, as Elasticsearch sorts a keyword field, but in
    /// lower case and without accents first (then in byte order): ascending by each document's first
    /// value, descending by its last; none last; equal values by score. Checked against the order
    /// worked out here from the values the test wrote and the scores of the unsorted search.
    @Test func textValuesSortAlphabetically() throws {
        let folder = ProcessScratch.path("sort-text")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let names = ["Émile", "emile", "Zoé", "zoe", "Éloïse", "Aurélie", "aurelie", "Œdipe", "Oscar", "Ève", "Eva", "bob"]
        var generator = SplitMix64(seed: 12)
        var written: [[String]] = []
        var lines = ""
        for doc in 0..<400 {
            let count = Int(generator.next() % 4)  // 0 to 3 authors
            let authors = (0..<count).map { _ in names[Int(generator.next() % UInt64(names.count))] }
            written.append(authors)
            let words = (0..<Int(generator.next() % 5 + 1)).map { _ in ["jardin", "potager", "verger"][Int(generator.next() % 3)] }
            let object: [String: Any] = ["id": "d\(doc)", "title": "Fiche", "body": words.joined(separator: " "), "auteur": authors]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try lines.write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        let searcher = Searcher(reader: try IndexReader(path: folder + "/index"))
        // The alphabetical order: folded, then bytes.
        func folded(_ name: String) -> String { name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .replacingOccurrences(of: "œ", with: "oe") }
        func before(_ a: String, _ b: String) -> Bool {
            folded(a) != folded(b) ? folded(a).utf8.lexicographicallyPrecedes(folded(b).utf8) : a.utf8.lexicographicallyPrecedes(b.utf8)
        }
        let unsorted = try searcher.search("jardin", limit: Searcher.maximumWindow, snippets: false)
        let scores = Dictionary(uniqueKeysWithValues: unsorted.hits.map { ($0.doc, $0.score) })
        for descending in [false, true] {
            let key = { (doc: Int) -> String? in
                let sorted = written[doc].sorted(by: before)
                return descending ? sorted.last : sorted.first
            }
            let expected = scores.keys.sorted { a, b in
                switch (key(a), key(b)) {
                case let (x?, y?) where x != y: return descending ? before(y, x) : before(x, y)
                case (.some, nil): return true
                case (nil, .some): return false
                default: return scores[a]! != scores[b]! ? scores[a]! > scores[b]! : a < b
                }
            }
            let sorted = try searcher.search("jardin", limit: Searcher.maximumWindow, sort: FieldSort(field: "auteur", descending: descending),
                                             snippets: false)
            #expect(sorted.hits.map(\.doc) == expected, "descending: \(descending)")
            #expect(sorted.total == unsorted.total && sorted.sortField == searcher.reader.meta.field(named: "auteur"))
            // A page of them, as pages of numbers go.
            let page = try searcher.search("jardin", limit: 7, offset: 30, sort: FieldSort(field: "auteur", descending: descending), snippets: false)
            #expect(page.hits.map(\.doc) == Array(expected.dropFirst(30).prefix(7)))
        }
    }

    /// Several fields in turn (`auteur,année:desc`): each orders what the ones before leave equal, then
    /// the score; text values alphabetically, numbers as numbers, up to three fields.
    @Test func severalFieldsInTurn() throws {
        let folder = ProcessScratch.path("sort-several")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let names = ["Anne", "anne", "Bruno", "Élise", "Zoé"]
        var generator = SplitMix64(seed: 13)
        var authors: [[String]] = [], years: [[Double]] = [], kinds: [[String]] = []
        var lines = ""
        for doc in 0..<300 {
            authors.append((0..<Int(generator.next() % 3)).map { _ in names[Int(generator.next() % UInt64(names.count))] })
            years.append((0..<Int(generator.next() % 3)).map { _ in Double(2000 + generator.next() % 6) })
            kinds.append(generator.next() % 4 == 0 ? [] : [["guide", "fiche"][Int(generator.next() % 2)]])
            let words = (0..<Int(generator.next() % 4 + 1)).map { _ in ["jardin", "potager"][Int(generator.next() % 2)] }
            let object: [String: Any] = ["id": "d\(doc)", "title": "Fiche", "body": words.joined(separator: " "), "auteur": authors[doc],
                                         "année": years[doc].map { Int($0) }, "genre": kinds[doc]]
            lines += String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        try lines.write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [folder + "/corpus.jsonl"], output: folder + "/index")
        let searcher = Searcher(reader: try IndexReader(path: folder + "/index"))
        let unsorted = try searcher.search("jardin", limit: Searcher.maximumWindow, snippets: false)
        let scores = Dictionary(uniqueKeysWithValues: unsorted.hits.map { ($0.doc, $0.score) })
        func folded(_ name: String) -> String { name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) }
        func before(_ a: String, _ b: String) -> Bool {
            folded(a) != folded(b) ? folded(a).utf8.lexicographicallyPrecedes(folded(b).utf8) : a.utf8.lexicographicallyPrecedes(b.utf8)
        }
        // A field's comparison of two documents: -1 (a first), 1 (b first) or 0 (equal or both without a value).
        func text(_ values: [[String]], descending: Bool) -> (Int, Int) -> Int {
            { a, b in
                let x = descending ? values[a].sorted(by: before).last : values[a].sorted(by: before).first
                let y = descending ? values[b].sorted(by: before).last : values[b].sorted(by: before).first
                switch (x, y) {
                case let (x?, y?): return x == y ? 0 : (before(x, y) != descending ? -1 : 1)
                case (.some, nil): return -1
                case (nil, .some): return 1
                default: return 0
                }
            }
        }
        func number(_ values: [[Double]], descending: Bool) -> (Int, Int) -> Int {
            { a, b in
                let x = descending ? values[a].max() : values[a].min(), y = descending ? values[b].max() : values[b].min()
                switch (x, y) {
                case let (x?, y?): return x == y ? 0 : ((x < y) != descending ? -1 : 1)
                case (.some, nil): return -1
                case (nil, .some): return 1
                default: return 0
                }
            }
        }
        let orders: [(sort: String, compare: [(Int, Int) -> Int])] = [
            ("auteur,année:desc", [text(authors, descending: false), number(years, descending: true)]),
            ("année,auteur:desc", [number(years, descending: false), text(authors, descending: true)]),
            ("genre:desc,année,auteur", [text(kinds, descending: true), number(years, descending: false), text(authors, descending: false)]),
        ]
        let phraseScores = Dictionary(uniqueKeysWithValues: try searcher.search("\"jardin potager\"", limit: Searcher.maximumWindow,
                                                                               snippets: false).hits.map { ($0.doc, $0.score) })
        #expect(phraseScores.count > 30)
        let unionScores = Dictionary(uniqueKeysWithValues: try searcher.search("jardin OR potager", limit: Searcher.maximumWindow,
                                                                              snippets: false).hits.map { ($0.doc, $0.score) })
        for order in orders {
            func expected(_ scores: [Int: Double]) -> [Int] {
                scores.keys.sorted { a, b in
                    for compare in order.compare {
                        let result = compare(a, b)
                        if result != 0 { return result < 0 }
                    }
                    return scores[a]! != scores[b]! ? scores[a]! > scores[b]! : a < b
                }
            }
            let sort = try FieldSort(parsing: order.sort)
            let sorted = try searcher.search("jardin", limit: Searcher.maximumWindow, sort: sort, snippets: false)
            #expect(sorted.hits.map(\.doc) == expected(scores), "\(order.sort)")
            #expect(sorted.sortFields == (try sort.fieldNumbers(in: searcher.reader)) && sorted.sortFields.count == sort.keys.count)
            let page = try searcher.search("jardin", limit: 9, offset: 20, sort: sort, snippets: false)
            #expect(page.hits.map(\.doc) == Array(expected(scores).dropFirst(20).prefix(9)), "\(order.sort)")
            // A phrase, read and scored as it goes; a union of words, read in two passes (its first
            // field's values, then the candidates' other fields and scores).
            let phrase = try searcher.search("\"jardin potager\"", limit: 15, sort: sort, snippets: false)
            #expect(phrase.hits.map(\.doc) == Array(expected(phraseScores).prefix(15)), "\(order.sort)")
            let union = try searcher.search("jardin OR potager", limit: 15, sort: sort, snippets: false)
            #expect(union.hits.map(\.doc) == Array(expected(unionScores).prefix(15)), "\(order.sort)")
        }
        #expect(throws: QueryError("a sort takes at most 3 fields, not 4")) { try FieldSort(parsing: "a,b,c,d") }
        #expect(throws: QueryError.self) { try FieldSort(parsing: "auteur,") }
        #expect(try FieldSort(parsing: "Auteur:desc,année").keys == [FieldSort.Key(field: "Auteur", descending: true), FieldSort.Key(field: "année")])
    }

    @Test func fieldsThatCannotSortAreClearErrors() throws {
        let searcher = corpus.searcher
        #expect(throws: QueryError("cannot sort by unknown field \"nope\" (fields that sort: path, année, auteur, date, jours, prix)")) {
            try searcher.search("jardin", sort: FieldSort(field: "nope"))
        }
        #expect(throws: QueryError("cannot sort by \"title\": it holds no numbers, dates or values (fields that sort: path, année, auteur, date, jours, prix)")) {
            try searcher.search("jardin", sort: FieldSort(field: "title"))
        }
        // A field's name as the query language takes it: without its accents and capitals.
        #expect(try searcher.search("jardin", sort: FieldSort(field: "Annee")).sortField == searcher.reader.meta.field(named: "année"))
        #expect(try FieldSort(parsing: "année:DESC") == FieldSort(field: "année", descending: true))
        #expect(try FieldSort(parsing: "prix:asc") == FieldSort(field: "prix"))
        #expect(try FieldSort(parsing: "prix") == FieldSort(field: "prix"))
        for bad in ["", ":desc", "prix:", "prix:down"] {
            #expect(throws: QueryError.self, "\(bad)") { try FieldSort(parsing: bad) }
        }
        // An index of text files sorts by their paths alone.
        #expect(throws: QueryError("cannot sort by unknown field \"année\" (fields that sort: path)")) {
            try BundledIndex.shared.searcher.search("jardin", sort: FieldSort(field: "année"))
        }
    }

    /// A page's front matter `date` (and `lastmod`, `weight`) is stored and sorted by, not searched;
    /// where a JSON Lines document of the same corpus searches a field of that name, it is searched
    /// there, and the pages have no terms in it.
    @Test func pagesSortByTheirFrontMatterDate() throws {
        let folder = ProcessScratch.path("sorted-pages")
        try FileManager.default.createDirectory(atPath: folder + "/pages", withIntermediateDirectories: true)
        let pages = [("a.md", "date: 2024-03-01\nweight: 2"), ("b.md", "date: 2023-11-15T10:00:00+01:00\nweight: 1"), ("c.md", "layout: page")]
        for (name, matter) in pages {
            try "---\ntitle: \(name)\n\(matter)\n---\nUn jardin en 2024.\n".write(toFile: folder + "/pages/" + name, atomically: false, encoding: .utf8)
        }
        _ = try IndexBuilder.build(paths: [folder + "/pages"], output: folder + "/pages-index")
        let searcher = Searcher(reader: try IndexReader(path: folder + "/pages-index"))
        let date = try #require(searcher.reader.meta.field(named: "date"))
        #expect(!searcher.reader.meta.fields[date].indexed)
        func titles(_ results: SearchResults) -> [String] { results.hits.map(\.title) }
        #expect(titles(try searcher.search("jardin", sort: FieldSort(field: "date", descending: true))) == ["a.md", "b.md", "c.md"])
        #expect(titles(try searcher.search("jardin", sort: FieldSort(field: "Weight"))) == ["b.md", "a.md", "c.md"])
        #expect(throws: QueryError("field \"date\" is stored to sort by, not searched (fields: title, body)", column: 1)) {
            try searcher.search("date:2024")
        }
        // The same pages beside a JSON Lines document that searches its date.
        try #"{"id":"j","title":"jardin","body":"un jardin","date":"2024-06-01"}"#.write(toFile: folder + "/pages/z.jsonl", atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [folder + "/pages"], output: folder + "/mixed-index")
        let mixed = Searcher(reader: try IndexReader(path: folder + "/mixed-index"))
        #expect(mixed.reader.meta.fields[try #require(mixed.reader.meta.field(named: "date"))].indexed)
        #expect(try mixed.search("date:2024").hits.map(\.id) == ["j"])
        #expect(titles(try mixed.search("jardin", sort: FieldSort(field: "date", descending: true))) == ["jardin", "a.md", "b.md", "c.md"])
        _ = try mixed.reader.verify()
    }
}
