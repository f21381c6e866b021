import Foundation
import Logging
@testable import Query
import Testing
@testable import Indexer
@testable import Server

@Suite(.serialized) struct ServerTests {
    @Test func everyCommandInText() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("PING\r\n")
        #expect(client.line() == "PONG")
        client.send("SEARCH LIMIT 2 économie solidaire\n")
        let results = client.counted()
        #expect(results.header.hasPrefix("RESULTS 2 33 "))
        #expect(results.lines.count == 2)
        let fields = results.lines[0].split(separator: "\t", omittingEmptySubsequences: false)
        #expect(fields.count == 5 && fields[0] == "1" && fields[1].contains(".txt#") && fields[4].contains("[économie]"))
        client.send("SEARCH OFFSET 1 LIMIT 1 économie solidaire\n")
        #expect(client.counted().lines.first?.hasPrefix("2\t") == true)
        client.send("SEARCH LIMIT 3 LIKE 004_b485c98c060516cb.txt#1\nSEARCH LIKE nope#1\n")
        let like = client.counted()
        #expect(like.header.hasPrefix("RESULTS 3 ") && like.lines.count == 3)
        #expect(!like.lines.contains { $0.contains("\t004_b485c98c060516cb.txt#1\t") })
        #expect(client.line() == "ERR not_found no document with id nope#1")
        client.send("COUNT \"clichy sous bois\"\n")
        #expect(client.line() == "COUNT 1")
        client.send("SUGGEST title:jardn \"ecnomie socale\"\nSUGGEST économie\n")
        #expect(client.line() == "SUGGESTION title:jardin \"économie sociale\"")
        #expect(client.line() == "SUGGESTION")
        client.send("COMPLETE LIMIT 2 économie sol\nCOMPLETE jardin \n")
        let completions = client.counted()
        #expect(completions.header == "COMPLETIONS 2" && completions.lines.first == "économie solidaire\t33")
        #expect(client.counted().header == "COMPLETIONS 0")
        client.send("GET 004_b485c98c060516cb.txt#1\n")
        let document = client.counted()
        #expect(document.header.hasPrefix("DOCUMENT "))
        #expect(document.lines.contains("id\t004_b485c98c060516cb.txt#1"))
        #expect(document.lines.contains { $0.hasPrefix("body\t") && !$0.dropFirst(5).contains("\n") })
        client.send("ANALYZE L’économie des salarié-e-s\n")
        let terms = client.counted()
        #expect(terms.header == "TERMS 3" && terms.lines[2] == "2\tsalari\t18\t30\tsalarié-e-s")
        client.send("STATS\n")
        let stats = client.counted()
        #expect(stats.lines.contains("documents\t89") && stats.lines.contains { $0.hasPrefix("latency_p99_us\t") })
        #expect(stats.lines.contains("version\t\(Release.version)") && stats.lines.contains("format_version\t\(FileFormat.version)"))
        client.send("HELP\n")
        #expect(client.counted().lines.contains { $0.hasPrefix("SEARCH") })
        client.send("RELOAD\n")
        #expect(client.line() == "OK reloaded 89 documents")
        client.send("BOGUS\nGET nope\nSEARCH économie \"solidaire\nSEARCH LIMIT x y\n")
        #expect(client.line() == "ERR unknown_command unknown command BOGUS; try HELP")
        #expect(client.line() == "ERR not_found no document with id nope")
        #expect(client.line() == "ERR syntax unbalanced quote at column 10")
        #expect(client.line() == "ERR bad_request LIMIT takes a number")
        // Errors never close: the connection still answers.
        client.send("QUIT\n")
        #expect(client.line() == "BYE")
        #expect(client.line() == nil)
    }

    @Test func everyCommandInJSON() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("FORMAT json\n")
        #expect(client.line() == "{\"ok\":\"format json\"}")
        let commands = ["PING", "SEARCH LIMIT 3 jardin", "COUNT jardin", "GET 004_b485c98c060516cb.txt#1", "ANALYZE Clichy-sous-Bois",
                        "STATS", "HELP", "RELOAD", "BOGUS", "SEARCH (a", "SUGGEST ecnomie", "SUGGEST jardin", "COMPLETE LIMIT 1 économie sol", "QUIT"]
        client.send(commands.map { $0 + "\n" }.joined())
        var replies: [[String: Any]] = []
        for _ in commands {
            let line = try #require(client.line())
            replies.append(try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])
        }
        #expect(replies[0]["pong"] as? Bool == true)
        let results = replies[1]["results"] as! [[String: Any]]
        #expect(results.count == 3 && replies[1]["total"] as? Int == replies[2]["count"] as? Int && replies[1]["exact"] as? Bool == true)
        #expect((results[0]["highlights"] as! [[Int]]).count > 0)
        let document = replies[3]["document"] as! [String: Any]
        #expect(document["id"] as? String == "004_b485c98c060516cb.txt#1" && document["line"] as? Int == 1)
        #expect((replies[4]["terms"] as! [[String: Any]]).map { $0["term"] as! String } == ["clichy", "sous", "bois"])
        let stats = replies[5]["stats"] as! [String: Any]
        #expect(stats["documents"] as? Int == 89 && (stats["index_bytes"] as? Int ?? 0) > 0 && stats["latency_p99_us"] is Int)
        #expect(stats["index"] is String)
        #expect((replies[6]["help"] as! [String]).count > 5)
        #expect((replies[7]["ok"] as? String)?.hasPrefix("reloaded") == true)
        #expect((replies[8]["error"] as! [String: String])["code"] == "unknown_command")
        #expect((replies[9]["error"] as! [String: String])["code"] == "syntax")
        #expect(replies[10]["suggestion"] as? String == "économie")
        #expect(replies[11].keys.contains("suggestion") && replies[11]["suggestion"] is NSNull)
        let completions = replies[12]["completions"] as! [[String: Any]]
        #expect(completions.count == 1 && completions[0]["text"] as? String == "économie solidaire" && completions[0]["count"] as? Int == 33)
        #expect(replies[13]["bye"] as? Bool == true)
    }

    /// A hit in JSON carries its document's fields beyond id, path, line, title and body, as GET
    /// would give them, escaped; a document with none has an empty object.
    @Test func jsonHitsCarryTheDocumentsOtherFields() throws {
        let corpus = NSTemporaryDirectory() + "fts-server-fields-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: corpus) }
        try ([#"{"id":"a1","title":"Jardin","body":"Un jardin partagé.","url":"https://example.org/a1?x=1&y=\"2\"","tags":"potager\tville"}"#,
              #"{"id":"a2","title":"Potager","body":"Le potager du jardin."}"#].joined(separator: "\n") + "\n")
            .write(toFile: corpus, atomically: false, encoding: .utf8)
        let server = try TestServer(corpus: corpus)
        defer { server.stop() }
        let client = try server.client()
        client.send("FORMAT json\nSEARCH jardin\nGET a1\n")
        _ = client.line()
        let reply = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        let hits = Dictionary(uniqueKeysWithValues: (reply["results"] as! [[String: Any]]).map { ($0["id"] as! String, $0["fields"] as! [String: String]) })
        #expect(hits["a1"] == ["url": "https://example.org/a1?x=1&y=\"2\"", "tags": "potager\tville"])
        #expect(hits["a2"] == [:])
        // The title's matching words, as byte ranges: `Jardin` in a1's, none in a2's.
        let titles = Dictionary(uniqueKeysWithValues: (reply["results"] as! [[String: Any]]).map { ($0["id"] as! String, $0["title_highlights"] as! [[Int]]) })
        #expect(titles == ["a1": [[0, 6]], "a2": []])
        let document = (try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any])["document"] as! [String: Any]
        #expect(document["url"] as? String == hits["a1"]?["url"])
    }

    @Test func searchesSortedByAField() throws {
        let corpus = NSTemporaryDirectory() + "fts-server-sort-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: corpus) }
        try ([#"{"id":"a","title":"Jardin","body":"un jardin","année":2019,"date":"2024-05-01"}"#,
              #"{"id":"b","title":"Potager","body":"le jardin potager","année":[2001,2022]}"#,
              #"{"id":"c","title":"Verger","body":"un jardin de fruits","date":"2023-12-31T23:00:00Z"}"#,
              #"{"id":"d","title":"Rucher","body":"jardin et ruches","année":2010,"auteur":"Anne"}"#].joined(separator: "\n") + "\n")
            .write(toFile: corpus, atomically: false, encoding: .utf8)
        let server = try TestServer(corpus: corpus)
        defer { server.stop() }
        let client = try server.client()
        func ids(_ request: String) -> [String] {
            client.send(request + "\n")
            return client.counted().lines.map { String($0.split(separator: "\t")[1]) }
        }
        // Ascending by each one's smallest year, descending by its largest; none last either way.
        #expect(ids("SEARCH SORT année jardin") == ["b", "d", "a", "c"])
        #expect(ids("SEARCH SORT année:desc jardin") == ["b", "a", "d", "c"])
        #expect(ids("SEARCH LIMIT 2 OFFSET 1 SORT annee:desc jardin") == ["a", "d"])
        #expect(ids("SEARCH SORT date:desc jardin") == ["a", "c", "b", "d"])
        // A field of text values, alphabetically: d alone has an author.
        #expect(ids("SEARCH SORT auteur jardin").first == "d" && ids("SEARCH SORT auteur:desc jardin").first == "d")
        // Several fields: the author first (d alone has one), then the years, largest first (b 2022, a 2019, c none).
        #expect(ids("SEARCH SORT auteur,année:desc jardin") == ["d", "b", "a", "c"])
        client.send("SEARCH SORT title jardin\nSEARCH SORT nope jardin\nSEARCH sort jardin\n")
        #expect(client.line() == #"ERR bad_request cannot sort by "title": it holds no numbers, dates or values (fields that sort: path, année, date, auteur)"#)
        #expect(client.line() == #"ERR bad_request cannot sort by unknown field "nope" (fields that sort: path, année, date, auteur)"#)
        // In lower case, `sort` is a word of the query: no document holds it.
        #expect(client.line()?.hasPrefix("RESULTS 0 0 ") == true)
        // COLLAPSE: one hit a value (b and d alone: no author); the header ends with the groups.
        client.send("SEARCH COLLAPSE auteur jardin\nSEARCH COLLAPSE title jardin\n")
        let collapsed = client.counted()
        #expect(collapsed.header.hasPrefix("RESULTS 4 4 ") && collapsed.header.split(separator: " ").last == "4", "\(collapsed.header)")
        #expect(client.line() == #"ERR bad_request cannot collapse on "title": the index keeps no values of it (fields with values: path, année, date, auteur)"#)
        // FIELDS says which fields sort, count and make which histograms, as `fts stats` does.
        client.send("FIELDS\n")
        let fields = client.counted()
        #expect(fields.header == "FIELDS 8")
        #expect(fields.lines.contains("année\tyes\tyes\t3\t1.0\t3\t4\t0\t4\tno"), "\(fields.lines)")
        #expect(fields.lines.contains("date\tyes\tyes\t2\t2.0\t2\t2\t2\t0\tno"), "\(fields.lines)")
        #expect(fields.lines.contains("auteur\tyes\tyes\t1\t0.2\t0\t1\t0\t0\tno"), "\(fields.lines)")
        #expect(fields.lines.contains("id\tno\tyes\t0\t0.0\t0\t0\t0\t0\tno"), "\(fields.lines)")
        client.send("FORMAT json\nFIELDS\n")
        _ = client.line()
        let reply = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        client.send("SEARCH LIMIT 1 COLLAPSE auteur jardin\n")
        let groups = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        #expect(groups["groups"] as? Int == 4 && groups["total"] as? Int == 4 && (groups["results"] as? [Any])?.count == 1)
        let summaries = try FieldSummary.all(in: server.server.service.currentSearcher.reader)
        let objects = try #require(reply["fields"] as? [[String: Any]])
        #expect(objects.count == summaries.count)
        for (object, summary) in zip(objects, summaries) {
            #expect(object["name"] as? String == summary.name && object["indexed"] as? Bool == summary.indexed
                    && object["date_values"] as? Int == summary.dateValues && object["number_values"] as? Int == summary.numberValues
                    && object["distinct_values"] as? Int == summary.distinctValues && object["exact_forms"] as? Bool == false, "\(object)")
        }
    }

    @Test func searchesCountTheValuesOfFields() throws {
        let corpus = NSTemporaryDirectory() + "fts-server-facet-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: corpus) }
        try ([#"{"id":"a","title":"Jardin","body":"un jardin","tags":["bio","local"],"catégorie":"agriculture"}"#,
              #"{"id":"b","title":"Potager","body":"le jardin potager","tags":["bio","tab\there"],"catégorie":"agriculture"}"#,
              #"{"id":"c","title":"Verger","body":"un jardin de fruits","catégorie":"vergers, fruits"}"#,
              #"{"id":"d","title":"Rucher","body":"des ruches","tags":"local","catégorie":"apiculture"}"#].joined(separator: "\n") + "\n")
            .write(toFile: corpus, atomically: false, encoding: .utf8)
        let server = try TestServer(corpus: corpus)
        defer { server.stop() }
        let client = try server.client()
        // After the hits, each facet: its header, then a line a value (tabs escaped as in other fields).
        client.send("SEARCH LIMIT 1 FACET tags FACET categorie:2 jardin\n")
        #expect(client.counted().lines.map { String($0.split(separator: "\t")[1]) } == ["a"])
        #expect(client.lines(4) == ["FACET tags 3 3 1", "bio\t2", "local\t1", "tab\\there\t1"])
        #expect(client.lines(3) == ["FACET catégorie 2 2 0", "agriculture\t2", "vergers, fruits\t1"])
        client.send("FORMAT json\nSEARCH LIMIT 0 FACET tags:1 *:*\n")
        _ = client.line()
        let reply = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        #expect(reply["total"] as? Int == 4 && (reply["results"] as? [Any])?.isEmpty == true)
        let facets = try #require(reply["facets"] as? [[String: Any]])
        #expect(facets.count == 1 && facets[0]["field"] as? String == "tags" && facets[0]["distinct"] as? Int == 3
                && facets[0]["missing"] as? Int == 1)
        let values = try #require(facets[0]["values"] as? [[String: Any]])
        #expect(values.count == 1 && values[0]["value"] as? String == "bio" && values[0]["count"] as? Int == 2)
        // A filter narrows the hits; the facet on its own field still counts the values not chosen.
        client.send("FORMAT text\nSEARCH FILTER tags:=local FACET tags FACET catégorie jardin\n")
        _ = client.line()
        #expect(client.counted().lines.map { String($0.split(separator: "\t")[1]) } == ["a"])
        #expect(client.lines(4) == ["FACET tags 3 3 1", "bio\t2", "local\t1", "tab\\there\t1"])
        #expect(client.lines(2) == ["FACET catégorie 1 1 0", "agriculture\t1"])
        client.send("SEARCH FILTER nope:=x jardin\n")
        #expect(client.line() == #"ERR bad_request cannot filter by "nope": the index keeps no values of it (fields with values: path, catégorie, tags)"#)
        client.send("FORMAT text\nSEARCH FACET title jardin\nSEARCH FACET nope jardin\n")
        _ = client.line()
        #expect(client.line() == #"ERR bad_request cannot count the values of "title": the title and the body are texts to search, not values (fields with values: path, catégorie, tags)"#)
        #expect(client.line() == #"ERR bad_request cannot count the values of unknown field "nope" (fields with values: path, catégorie, tags)"#)
    }

    /// `SNIPPET n` sets each snippet's length (0: none); `EXPLAIN` follows the hits with each one's
    /// terms and their parts of its score, which add up to it, as the searcher explains them.
    @Test func snippetLengthsAndExplanations() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        func snippets(_ request: String) -> [String] {
            client.send(request + "\n")
            return client.counted().lines.map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[4]) }
        }
        let standard = snippets("SEARCH LIMIT 5 économie solidaire")
        let short = snippets("SEARCH LIMIT 5 SNIPPET 40 économie solidaire")
        #expect(snippets("SEARCH LIMIT 5 SNIPPET 0 économie solidaire") == Array(repeating: "", count: 5))
        #expect(standard.count == 5 && short.count == 5)
        for (long, short) in zip(standard, short) {
            #expect(short.contains("[") && short.count < long.count && short.count <= 60, "\(short)")
        }
        let searcher = server.server.service.currentSearcher
        let expected = try searcher.search("économie solidaire", limit: 3, explain: true).hits
        client.send("SEARCH LIMIT 3 EXPLAIN économie solidaire\n")
        let results = client.counted()
        #expect(results.header.hasPrefix("RESULTS 3 33 "))
        for hit in expected {
            let explanation = try #require(hit.explanation)
            #expect(client.line() == "EXPLAIN \(hit.rank) \(explanation.count)")
            let lines = client.lines(explanation.count)
            #expect(lines == explanation)
            let parts = lines.compactMap { Double($0.split(separator: " ").first ?? "") }
            #expect(parts.count == lines.count && abs(parts.reduce(0, +) - hit.score) < 1e-3, "\(lines)")
        }
        client.send("FORMAT json\nSEARCH LIMIT 2 EXPLAIN SNIPPET 0 économie solidaire\nSEARCH LIMIT 1 économie solidaire\n")
        _ = client.line()
        let explained = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        let hits = explained["results"] as! [[String: Any]]
        #expect(hits.map { $0["explanation"] as? [String] } == expected.prefix(2).map(\.explanation))
        #expect(hits.allSatisfy { $0["snippet"] as? String == "" && ($0["highlights"] as? [[Int]])?.isEmpty == true })
        let plain = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        #expect((plain["results"] as! [[String: Any]]).allSatisfy { $0["explanation"] == nil })
    }

    /// `SEARCH SUGGEST` follows the results with what `SUGGEST` answers, before `NEXT`: a front end
    /// shows "did you mean" with no second request.
    @Test func searchWithItsSuggestion() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("SEARCH SUGGEST ecnomie\nSEARCH SUGGEST LIMIT 1 CURSOR économie\nSEARCH LIMIT 1 économie\nPING\n")
        #expect(client.counted().header.hasPrefix("RESULTS 0 0 "))
        #expect(client.line() == "SUGGESTION économie")
        #expect(client.counted().header.hasPrefix("RESULTS 1 "))
        #expect(client.line() == "SUGGESTION")
        #expect(client.line()?.hasPrefix("NEXT ") == true)
        #expect(client.counted().header.hasPrefix("RESULTS 1 "))
        #expect(client.line() == "PONG")
        // In JSON, `suggestion` beside the total (filtered here: nothing matches); absent unless asked.
        client.send("FORMAT json\nSEARCH SUGGEST FILTER path:=nowhere instalation\nSEARCH LIMIT 0 ecnomie\n")
        _ = client.line()
        let filtered = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        #expect(filtered["total"] as? Int == 0 && filtered["suggestion"] as? String == "installation", "\(filtered)")
        let plain = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        #expect(plain["suggestion"] == nil && plain.keys.contains("total"))
    }

    /// `SEARCH FIELDS`: the words that name no field searched in those fields, as the searcher does;
    /// a field the index does not search is the request's error.
    @Test func searchConfinedToFields() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let expected = try server.server.service.currentSearcher.search("économie sociale", limit: 5, fields: ["title"])
        client.send("SEARCH LIMIT 5 FIELDS title économie sociale\nSEARCH FIELDS title,tags économie\n")
        let results = client.counted()
        #expect(results.header.hasPrefix("RESULTS \(expected.hits.count) \(expected.total) "))
        #expect(results.lines.map { String($0.split(separator: "\t")[1]) } == expected.hits.map(\.id))
        #expect(client.line() == "ERR bad_request cannot search in \"tags\": the index searches no such field (fields: title, body)")
    }

    /// `HIGHLIGHT`: `GET`'s reply with the searcher's highlights, marked in text, as ranges in JSON.
    @Test func highlightGivesTheDocumentWithItsMatchesMarked() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let id = "002_93f8321c060206ad.txt#6", query = "\"économie sociale\" Suisse"
        let searcher = server.server.service.currentSearcher
        let names = searcher.reader.meta.fields.map(\.name)
        let document = try #require(try searcher.highlight(query, inDocument: id))
        client.send("HIGHLIGHT \(id) \(query)\n")
        let text = client.counted()
        #expect(text.header == "DOCUMENT \(document.fields.count)")
        let expected = document.fields.map { field in
            names[field.field] + "\t" + (field.highlights.map { Snippet(text: field.value, highlights: $0).marked() } ?? field.value)
        }
        #expect(text.lines == expected)
        #expect(text.lines.contains { $0.hasPrefix("body\t") && $0.contains("l’[économie] [sociale] et solidaire") && $0.contains("([Suisse])") })
        client.send("HIGHLIGHT nope#1 jardin\nHIGHLIGHT \(id) (jardin\nFORMAT json\nHIGHLIGHT \(id) \(query)\nGET \(id)\n")
        #expect(client.line() == "ERR not_found no document with id nope#1")
        #expect(client.line() == "ERR syntax unbalanced parenthesis at column 1")
        _ = client.line()
        let json = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        let highlights = json["highlights"] as! [String: [[Int]]]
        #expect(highlights == Dictionary(uniqueKeysWithValues: document.fields.compactMap { field in
            field.highlights.map { (names[field.field], $0.map { [$0.lowerBound, $0.upperBound] }) }
        }))
        #expect(highlights["body"]?.count == 3 && highlights["id"] == nil)
        let get = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        #expect(get["highlights"] == nil)
        #expect(NSDictionary(dictionary: get["document"] as! [String: Any]).isEqual(to: json["document"] as! [String: Any]))
    }

    /// `CURSOR` and `AFTER`: page after page, every match once, in the order of one ranking of them
    /// all, in text and in JSON; a cursor that cannot page this search is the request's error.
    @Test func pagesAfterCursors() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let searcher = server.server.service.currentSearcher
        var expected: [String] = []
        _ = try searcher.searchAll("économie OR solidaire", pageSize: 100, snippets: false) { expected += $0.map(\.id) }
        #expect(expected.count > 20)
        var ids: [String] = []
        var request = "SEARCH LIMIT 7 CURSOR SNIPPET 0 économie OR solidaire"
        var cursors: [String] = []
        for _ in 0..<100 {
            client.send(request + "\n")
            let results = client.counted()
            #expect(results.header.hasPrefix("RESULTS \(results.lines.count) \(expected.count) "))
            ids += results.lines.map { String($0.split(separator: "\t")[1]) }
            let next = try #require(client.line())
            if results.lines.isEmpty {
                #expect(next == "NEXT")
                break
            }
            #expect(next.hasPrefix("NEXT ") && !next.dropFirst(5).contains(" "))
            cursors.append(String(next.dropFirst(5)))
            request = "SEARCH LIMIT 7 AFTER \(cursors.last!) SNIPPET 0 économie OR solidaire"
        }
        #expect(ids == expected)
        client.send("FORMAT json\nSEARCH LIMIT 3 AFTER \(cursors[0]) économie OR solidaire\nSEARCH LIMIT 3 économie OR solidaire\n")
        _ = client.line()
        let json = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        #expect((json["results"] as! [[String: Any]]).map { $0["id"] as! String } == Array(expected[7..<10]))
        let next = try SearchCursor(token: try #require(json["next"] as? String))
        #expect(next.place.scored.doc == UInt32(try #require(try searcher.reader.document(id: expected[9]))))
        let plain = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        #expect(plain["next"] == nil)
        let elsewhere = SearchCursor(index: next.index ^ 1, sort: [], place: next.place).token
        client.send("FORMAT text\nSEARCH AFTER xyz économie\nSEARCH AFTER \(elsewhere) économie\n")
        _ = client.line()
        #expect(client.line()?.hasPrefix("ERR bad_request AFTER takes the cursor a page gave: \"xyz\" is not a cursor") == true)
        #expect(client.line() == "ERR bad_request the cursor comes from another index (built or reloaded since): start again from the first page")
    }

    /// In text, where matched words are marked (snippets, `HIGHLIGHT`'s fields), the document's own
    /// brackets are escaped, so that a bare bracket is always a mark; fields without marks, and JSON,
    /// keep them as they are.
    @Test func theTextsOwnBracketsAreEscapedWhereMatchesAreMarked() throws {
        let corpus = NSTemporaryDirectory() + "fts-server-brackets-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: corpus) }
        try (#"{"id":"b1","title":"Jardins [partagés]","body":"Le jardin [voir plan] ouvre, jardin] et [jardin."}"# + "\n")
            .write(toFile: corpus, atomically: false, encoding: .utf8)
        let server = try TestServer(corpus: corpus)
        defer { server.stop() }
        let client = try server.client()
        client.send("SEARCH jardin\nHIGHLIGHT b1 jardin\nFORMAT json\nSEARCH jardin\n")
        let results = client.counted()
        let score = results.lines.first?.split(separator: "\t")[2] ?? ""
        #expect(results.lines == ["1\tb1\t\(score)\tJardins [partagés]\t" + #"Le [jardin] \[voir plan\] ouvre, [jardin]\] et \[[jardin]."#])
        let document = client.counted()
        #expect(document.lines == ["id\tb1", "path\t\(corpus)", "line\t1", "title\t" + #"[Jardins] \[partagés\]"#,
                                   "body\t" + #"Le [jardin] \[voir plan\] ouvre, [jardin]\] et \[[jardin]."#])
        _ = client.line()
        let reply = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        let hit = try #require((reply["results"] as? [[String: Any]])?.first)
        #expect(hit["snippet"] as? String == "Le jardin [voir plan] ouvre, jardin] et [jardin.")
        #expect(hit["highlights"] as? [[Int]] == [[3, 9], [29, 35], [41, 47]])
    }

    /// `TERMS`: the index's terms as its term dictionary holds them, in byte order or the most held
    /// first, cut at the limit and saying so.
    @Test func termsListTheVocabulary() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let reader = server.server.service.currentSearcher.reader
        // Every term, read from the dictionary here: title's then body's, each in byte order.
        var all: [String] = []
        for (field, name) in [(StandardField.title, "title"), (StandardField.body, "body")] {
            try reader.forEachTerm(field: field, prefix: "") { term, info in
                all.append("\(name)\t\(term)\t\(info.docFreq)\t\(info.totalTermFreq)")
                return true
            }
        }
        #expect(all.count > 1_000)
        client.send("TERMS\n")
        let first = client.counted()
        #expect(first.header == "TERMS 100 partial" && first.lines == Array(all.prefix(100)))
        client.send("TERMS LIMIT \(all.count)\nTERMS LIMIT \(all.count - 1)\n")
        #expect(client.counted() == ("TERMS \(all.count) complete", all))
        #expect(client.counted().header == "TERMS \(all.count - 1) partial")
        let prefixed = all.filter { $0.split(separator: "\t")[1].hasPrefix("econom") }
        client.send("TERMS PREFIX Économ\nTERMS FIELD Body PREFIX econom\n")
        #expect(client.counted() == ("TERMS \(prefixed.count) complete", prefixed))
        #expect(client.counted().lines == prefixed.filter { $0.hasPrefix("body\t") })
        // Most documents first; equal ones in the listing's order (a stable sort of it).
        let ranked = all.enumerated().sorted { a, b in
            let (x, y) = (Int(a.element.split(separator: "\t")[2])!, Int(b.element.split(separator: "\t")[2])!)
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
        client.send("TERMS TOP 25\nTERMS FIELD title TOP 5\n")
        #expect(client.counted() == ("TERMS 25 partial", Array(ranked.prefix(25))))
        #expect(client.counted().lines == Array(ranked.filter { $0.hasPrefix("title\t") }.prefix(5)))
        client.send("TERMS FIELD auteur\nFORMAT json\nTERMS FIELD title PREFIX econ\n")
        #expect(client.line() == "ERR bad_request no searched field \"auteur\" (fields: title, body)")
        _ = client.line()
        let json = try JSONSerialization.jsonObject(with: Data(try #require(client.line()).utf8)) as! [String: Any]
        let terms = json["terms"] as! [[String: Any]]
        #expect(json["complete"] as? Bool == true)
        #expect(terms.map { "\($0["field"]!)\t\($0["term"]!)\t\($0["documents"]!)\t\($0["occurrences"]!)" }
                == all.filter { $0.hasPrefix("title\tecon") })
    }

    /// `--synonyms`: read at start, and again on RELOAD; a file that cannot be read is refused there,
    /// and the lines read before serve on.
    @Test func synonymsAreReadAtStartAndOnReload() throws {
        let server = try TestServer()
        defer { server.stop() }
        let file = server.folder + "/synonyms.txt"
        try "recyclerie, ressourcerie\n".write(toFile: file, atomically: true, encoding: .utf8)
        let service = try SearchService(indexPath: server.index, authToken: nil, logger: Logger(label: "test"), synonymsPath: file)
        let session = Session(authenticated: true)
        func count(_ query: String) -> Reply { service.execute(.count(query), session: session) }
        guard case .count(let recycleries) = count("recyclerie"), case .count(let alone) = service.execute(.count("recyclerie OR ressourcerie"),
                                                                                                         session: session) else {
            Issue.record("no count")
            return
        }
        #expect(recycleries == alone && recycleries > 0)
        try "recyclerie => recyclerie\n".write(toFile: file, atomically: true, encoding: .utf8)
        _ = try service.reload()
        guard case .count(let narrowed) = count("recyclerie") else {
            Issue.record("no count")
            return
        }
        #expect(narrowed < recycleries)
        try "a => b => c\n".write(toFile: file, atomically: true, encoding: .utf8)
        guard case .error(let error) = service.execute(.reload, session: session) else {
            Issue.record("reloaded")
            return
        }
        #expect(error.code == .reloadFailed && error.message.contains("synonyms.txt: line 1: more than one =>"), "\(error.message)")
        guard case .count(let kept) = count("recyclerie") else {
            Issue.record("no count")
            return
        }
        #expect(kept == narrowed)
        #expect(throws: QueryError.self) {
            try SearchService(indexPath: server.index, authToken: nil, logger: Logger(label: "test"), synonymsPath: file)
        }
    }

    /// `--k1`, `--b`, `--title-boost` and `--boost`: searches score as a searcher set alike scores
    /// them; a boosted field the index lacks is refused at start and on reload, and the index
    /// before serves on.
    @Test func rankingParametersHoldAcrossReloads() throws {
        let corpus = NSTemporaryDirectory() + "fts-server-boost-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: corpus) }
        try ([#"{"id":"a","title":"Jardin","body":"un jardin partagé","tags":"potager"}"#,
              #"{"id":"b","title":"Potager","body":"le potager du jardin","tags":"jardin"}"#,
              #"{"id":"c","title":"Verger","body":"un verger"}"#].joined(separator: "\n") + "\n")
            .write(toFile: corpus, atomically: false, encoding: .utf8)
        let server = try TestServer(corpus: corpus)
        defer { server.stop() }
        let parameters = try BM25Parameters.parsing(k1: 0.9, b: 0.5, titleBoost: 1, boosts: ["Tags=5"])
        let service = try SearchService(indexPath: server.index, authToken: nil, logger: Logger(label: "test"), parameters: parameters)
        let reader = service.currentSearcher.reader
        let expected = try Searcher(reader: reader, parameters: parameters.resolved(in: reader.meta)).search("jardin").hits
        #expect(service.currentSearcher.parameters.fieldBoosts == ["tags": 5])
        let session = Session(authenticated: true)
        func ranked() -> [String] {
            guard case .results(let results, _) = service.execute(.search(SearchRequest(query: "jardin")), session: session) else { return [] }
            return results.hits.map { "\($0.id) \($0.score)" }
        }
        // b's tag outweighs a's title: the boost changes the order, not only the scores.
        #expect(ranked() == expected.map { "\($0.id) \($0.score)" } && expected.first?.id == "b")
        // BOOST weighs a field for one search: tags back to 1, a's title first again.
        guard case .results(let requested, _) = service.execute(.search(SearchRequest(boosts: ["tags": 1], query: "jardin")), session: session),
              case .error(let unknown) = service.execute(.search(SearchRequest(boosts: ["nope": 1], query: "jardin")), session: session),
              case .error(let negative) = service.execute(.search(SearchRequest(boosts: ["tags": -2], query: "jardin")), session: session) else {
            Issue.record("BOOST")
            return
        }
        let unboosted = try Searcher(reader: reader, parameters: BM25Parameters(k1: 0.9, b: 0.5, titleBoost: 1)).search("jardin").hits
        #expect(requested.hits.map { "\($0.id) \($0.score)" } == unboosted.map { "\($0.id) \($0.score)" } && unboosted.first?.id == "a")
        #expect(unknown.code == .badRequest && unknown.message.hasPrefix(#"cannot boost "nope""#), "\(unknown.message)")
        #expect(negative == ProtocolError(code: .badRequest, message: "the boost of tags must be between 0 and 10000 (it is -2.0)"))
        try (#"{"id":"a","title":"Jardin","body":"un jardin"}"# + "\n").write(toFile: corpus, atomically: false, encoding: .utf8)
        _ = try IndexBuilder.build(paths: [corpus], output: server.index)
        guard case .error(let error) = service.execute(.reload, session: session) else {
            Issue.record("reloaded an index without the boosted field")
            return
        }
        #expect(error.code == .reloadFailed && error.message.contains(#"cannot boost "Tags""#), "\(error.message)")
        #expect(ranked() == expected.map { "\($0.id) \($0.score)" })
        #expect(throws: QueryError.self) {
            try SearchService(indexPath: server.index, authToken: nil, logger: Logger(label: "test"), parameters: parameters)
        }
    }

    /// `--proximity-boost` and `PROXIMITY w`: the words near each other rank a document above one
    /// that BM25 alone ranks first, with the scores a searcher set alike gives; `PROXIMITY 0` is BM25
    /// alone, whatever the server's weight. `--proximity-slop` holds in every search.
    @Test func proximityWeighsWordsNearEachOther() throws {
        let corpus = NSTemporaryDirectory() + "fts-server-proximity-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: corpus) }
        try ([#"{"id":"apart","title":"Notes","body":"la configuration de systèmes de fichiers ext4 ou xfs montés au démarrage selon la configuration"}"#,
              #"{"id":"near","title":"Notes","body":"les fichiers de configuration du poste, et bien d'autres choses encore à dire"}"#,
              #"{"id":"neither","title":"Notes","body":"un verger"}"#].joined(separator: "\n") + "\n")
            .write(toFile: corpus, atomically: false, encoding: .utf8)
        let server = try TestServer(corpus: corpus)
        defer { server.stop() }
        let parameters = BM25Parameters(proximityBoost: 2)
        let service = try SearchService(indexPath: server.index, authToken: nil, logger: Logger(label: "test"), parameters: parameters)
        let reader = service.currentSearcher.reader
        let session = Session(authenticated: true)
        func ranked(_ request: SearchRequest, by chosen: SearchService? = nil) -> [String] {
            guard case .results(let results, _) = (chosen ?? service).execute(.search(request), session: session) else { return [] }
            return results.hits.map { "\($0.id) \($0.score)" }
        }
        func expected(_ weight: Double) throws -> [String] {
            try Searcher(reader: reader, parameters: BM25Parameters(proximityBoost: weight)).search("fichier configuration").hits
                .map { "\($0.id) \($0.score)" }
        }
        let plain = try expected(0), near = try expected(2)
        #expect(plain.map { $0.split(separator: " ")[0] } == ["apart", "near"])
        #expect(near.map { $0.split(separator: " ")[0] } == ["near", "apart"])
        #expect(ranked(SearchRequest(query: "fichier configuration")) == near)
        #expect(ranked(SearchRequest(proximityBoost: 0, query: "fichier configuration")) == plain)
        #expect(ranked(SearchRequest(proximityBoost: 5, query: "fichier configuration")) == (try expected(5)))
        // With BOOST in the same search, both hold.
        let boosted = try Searcher(reader: reader, parameters: BM25Parameters(fieldBoosts: ["body": 3], proximityBoost: 0.5))
            .search("fichier configuration").hits.map { "\($0.id) \($0.score)" }
        #expect(ranked(SearchRequest(boosts: ["body": 3], proximityBoost: 0.5, query: "fichier configuration")) == boosted)
        // A slop of 0: `fichiers de configuration` is one word too far apart, with BOOST or without.
        let tight = try SearchService(indexPath: server.index, authToken: nil, logger: Logger(label: "test"),
                                      parameters: BM25Parameters(proximityBoost: 2, proximitySlop: 0))
        #expect(ranked(SearchRequest(query: "fichier configuration"), by: tight) == plain)
        let tightBoosted = try Searcher(reader: reader, parameters: BM25Parameters(fieldBoosts: ["body": 3], proximityBoost: 2))
            .search("fichier configuration").hits.map { "\($0.id) \($0.score)" }
        let tightPlain = try Searcher(reader: reader, parameters: BM25Parameters(fieldBoosts: ["body": 3]))
            .search("fichier configuration").hits.map { "\($0.id) \($0.score)" }
        #expect(tightBoosted != tightPlain)
        #expect(ranked(SearchRequest(boosts: ["body": 3], query: "fichier configuration"), by: tight) == tightPlain)
        // `PROXIMITY w~N` sets the slop for one search: 1 is enough here, with the server's weight or another.
        let loose = try Searcher(reader: reader, parameters: BM25Parameters(proximityBoost: 2, proximitySlop: 1))
            .search("fichier configuration").hits.map { "\($0.id) \($0.score)" }
        #expect(loose == near)
        #expect(ranked(SearchRequest(proximityBoost: 2, proximitySlop: 1, query: "fichier configuration"), by: tight) == loose)
        #expect(ranked(SearchRequest(proximityBoost: 5, proximitySlop: 1, query: "fichier configuration"), by: tight) == (try expected(5)))
        #expect(ranked(SearchRequest(proximitySlop: 0, query: "fichier configuration")) == plain)
        guard case .count(let matches) = service.execute(.count("fichier configuration"), session: session) else {
            Issue.record("no count")
            return
        }
        #expect(matches == 2)
    }

    /// `--log-slow-queries`: a search or count that takes at least the threshold is logged as a warning
    /// with its time, matches and query; the others, and every other request, are not.
    @Test func slowQueriesAreLogged() throws {
        let server = try TestServer()
        defer { server.stop() }
        let messages = CapturedLog()
        func service(slow: UInt64) throws -> SearchService {
            try SearchService(indexPath: server.index, authToken: nil, logger: Logger(label: "test") { _ in messages }, slowQueryMicroseconds: slow)
        }
        let session = Session(authenticated: true)
        let everything = try service(slow: 0)
        _ = everything.execute(.search(SearchRequest(query: "économie solidaire")), session: session)
        _ = everything.execute(.count("jardin"), session: session)
        _ = everything.execute(.suggest("ecnomie"), session: session)
        _ = everything.execute(.ping, session: session)
        let logged = messages.lines
        #expect(logged.count == 2, "\(logged)")
        #expect(logged.first.map { $0.hasPrefix("warning slow SEARCH: ") && $0.hasSuffix(" ms, 33 matches: économie solidaire") } == true)
        #expect(logged.last.map { $0.hasPrefix("warning slow COUNT: ") && $0.hasSuffix(" ms, 4 matches: jardin") } == true)
        // STATS counts them.
        func slowQueries(_ service: SearchService) -> ReplyValue? {
            guard case .stats(let pairs) = service.execute(.stats, session: session) else { return nil }
            return pairs.first { $0.key == "slow_queries" }?.value
        }
        #expect(slowQueries(everything) == .number(2))
        messages.lines = []
        let never = try service(slow: 3_600_000_000)
        _ = never.execute(.search(SearchRequest(query: "économie solidaire")), session: session)
        _ = never.execute(.count("jardin"), session: session)
        #expect(messages.lines.isEmpty && slowQueries(never) == .number(0))
    }

    /// A port already taken, or an address no interface has (192.0.2.1 is reserved for documentation),
    /// is said so, naming the address and the option to change.
    @Test func aServerThatCannotListenSaysWhere() throws {
        let server = try TestServer()
        defer { server.stop() }
        let service = try SearchService(indexPath: server.index, authToken: nil, logger: Logger(label: "test"))
        func failure(host: String, port: Int, httpPort: Int? = nil) -> String {
            var configuration = ServerConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.httpPort = httpPort
            let second = SearchServer(service: service, configuration: configuration)
            defer { second.stop(grace: 0) }
            do {
                _ = try second.start()
                return "listening"
            } catch {
                return "\(error)"
            }
        }
        #expect(failure(host: "127.0.0.1", port: server.port)
                == "cannot listen on 127.0.0.1:\(server.port): the port is in use (another searchd?); choose another with --port")
        #expect(failure(host: "192.0.2.1", port: 0)
                == "cannot listen on 192.0.2.1:0: no interface of this machine has that address; see --host")
        #expect(failure(host: "127.0.0.1", port: 0, httpPort: server.port)
                == "cannot listen on 127.0.0.1:\(server.port): the port is in use (another searchd?); choose another with --http-port")
    }

    /// `printf 'SEARCH …\n' | nc -q1 host port`: the client closes its side right after sending.
    @Test func aClientThatClosesItsSideStillGetsEveryReply() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("PING\nSEARCH LIMIT 2 économie solidaire\nCOUNT jardin\n")
        client.shutdownWrite()
        #expect(client.line() == "PONG")
        #expect(client.counted().header.hasPrefix("RESULTS 2 33 "))
        #expect(client.line()?.hasPrefix("COUNT ") == true)
        #expect(client.isClosedByServer())
    }

    @Test func pipeliningAThousandRequestsInOneWrite() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        let queries = ["économie", "jardin", "emploi", "\"clichy sous bois\"", "mer OR jardin"]
        let expected = try queries.map { try server.server.service.currentSearcher.count($0) }
        client.send((0..<1000).map { "COUNT \(queries[$0 % queries.count])\n" }.joined())
        for index in 0..<1000 {
            #expect(client.line() == "COUNT \(expected[index % queries.count])", "reply \(index)")
        }
    }

    /// A connection's pipelined requests run on several threads at once, but a FORMAT between them
    /// still applies to exactly the replies after it, every reply comes back in order, and nothing after
    /// a QUIT is answered.
    @Test func pipelinedRequestsRunInParallelYetAnswerInOrder() throws {
        let server = try TestServer { $0.threads = 4 }
        defer { server.stop() }
        let searcher = server.server.service.currentSearcher
        let queries = ["économie", "jardin", "emploi", "\"commerce équitable\"", "mer OR jardin", "solidaire -sociale"]
        let counts = try queries.map { try searcher.count($0) }
        let tops = try queries.map { try searcher.search($0, limit: 3).hits.map(\.id) }
        var requests: [String] = []
        for index in 0..<600 {
            if index % 97 == 0 { requests.append(index % 2 == 0 ? "FORMAT json" : "FORMAT text") }
            requests.append(index % 2 == 0 ? "COUNT \(queries[index % queries.count])" : "SEARCH LIMIT 3 \(queries[index % queries.count])")
        }
        requests += ["QUIT", "PING"]
        let client = try server.client()
        client.send(requests.map { $0 + "\n" }.joined())
        var json = false, index = 0
        for request in requests.dropLast(2) {
            if request.hasPrefix("FORMAT") {
                json = request.hasSuffix("json")
                #expect(client.line() == (json ? #"{"ok":"format json"}"# : "OK format text"), "\(request)")
                continue
            }
            let query = index % queries.count
            if request.hasPrefix("COUNT") {
                #expect(client.line() == (json ? #"{"count":\#(counts[query])}"# : "COUNT \(counts[query])"), "reply \(index)")
            } else if json {
                let object = try #require(try JSONSerialization.jsonObject(with: Data((client.line() ?? "").utf8)) as? [String: Any])
                let hits = try #require(object["results"] as? [[String: Any]], "reply \(index)")
                #expect(hits.compactMap { $0["id"] as? String } == tops[query], "reply \(index)")
            } else {
                #expect(client.counted().lines.map { String($0.split(separator: "\t")[1]) } == tops[query], "reply \(index)")
            }
            index += 1
        }
        #expect(client.line() == (json ? #"{"bye":true}"# : "BYE"))
        #expect(client.line() == nil)
    }

    @Test func fiftyConcurrentClients() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let expected = try server.server.service.currentSearcher.search("emploi insertion", limit: 5).hits.map(\.id)
        let port = server.port
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    let client = try LineClient(port: port)
                    var agreed = true
                    for _ in 0..<20 {
                        client.send("SEARCH LIMIT 5 emploi insertion\n")
                        let reply = client.counted()
                        agreed = agreed && reply.lines.map { String($0.split(separator: "\t")[1]) } == expected
                    }
                    return agreed
                }
            }
            for try await agreed in group { #expect(agreed) }
        }
    }
}

/// A log handler keeping each message as `level message`.
final class CapturedLog: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [String] = []
    var lines: [String] {
        get { lock.withLock { kept } }
        set { lock.withLock { kept = newValue } }
    }
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        lock.withLock { kept.append("\(event.level) \(event.message)") }
    }
}
