import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct SearchCommandTests {
    static let index = ProcessScratch.path("search-cli")
    static let built: Bool = {
        let result = try? FTSCommand.run(["index", "-o", index, IndexCommandTests.corpus])
        return result?.status == 0
    }()

    init() { #expect(Self.built) }

    /// `-l`, as grep's: each file holding a match, once, in the order of its best match.
    @Test func filesWithMatchesListsEachFileOnceBestFirst() throws {
        let listed = try FTSCommand.run(["search", "--index", Self.index, "-l", "économie"])
        #expect(listed.status == 0)
        let paths = listed.stdout.split(separator: "\n").map(String.init)
        #expect(paths.count > 1 && Set(paths).count == paths.count)
        // Every match's file: those of all the hits, in the order of their first hit.
        let json = try FTSCommand.run(["search", "--index", Self.index, "--json", "--limit", "1000", "économie"])
        var expected: [String] = []
        for line in json.stdout.split(separator: "\n").dropLast() {
            let path = (try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["path"] as! String
            if !expected.contains(path) { expected.append(path) }
        }
        #expect(paths == expected)
        #expect(try FTSCommand.run(["search", "--index", Self.index, "--files-with-matches", "--limit", "1", "économie"]).stdout == paths[0] + "\n")
        let none = try FTSCommand.run(["search", "--index", Self.index, "-l", "zzzzqq"])
        #expect(none.status == 1 && none.stdout.isEmpty)
        let bad = try FTSCommand.run(["search", "--index", Self.index, "-l", "--count", "économie"])
        #expect(bad.status == 2 && bad.stderr.contains("--files-with-matches prints paths alone"))
    }

    /// `-L`, as grep's: each file none of whose documents match, in byte order; the others are `-l`'s.
    @Test func filesWithoutMatchListsTheOthers() throws {
        func lines(_ arguments: String...) throws -> (status: Int32, paths: [String]) {
            let result = try FTSCommand.run(["search", "--index", Self.index] + arguments)
            return (result.status, result.stdout.split(separator: "\n").map(String.init))
        }
        let every = try lines("-L", "zzzzqq")
        #expect(every.status == 1 && every.paths.count > 2)
        #expect(every.paths == every.paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        let without = try lines("--files-without-match", "économie"), with = try lines("-l", "économie")
        #expect(without.status == 0 && !without.paths.isEmpty)
        #expect(Set(without.paths).isDisjoint(with: with.paths) && Set(without.paths + with.paths) == Set(every.paths))
        let bad = try FTSCommand.run(["search", "--index", Self.index, "-L", "--limit", "3", "économie"])
        #expect(bad.status == 2 && bad.stderr.contains("--files-without-match prints the paths"))
    }

    /// `-Z`, as grep's: each path of `-l` and `-L` ends with a NUL byte, so that a name holding a line
    /// feed reaches `xargs -0` whole.
    @Test func nullEndsThePathsOfFileLists() throws {
        let folder = ProcessScratch.path("null-cli")
        try FileManager.default.createDirectory(atPath: folder + "/corpus", withIntermediateDirectories: true)
        try "Le jardin partagé\n".write(toFile: folder + "/corpus/un\njardin.txt", atomically: false, encoding: .utf8)
        try "La mer\n".write(toFile: folder + "/corpus/mer.txt", atomically: false, encoding: .utf8)
        #expect(try FTSCommand.run(["index", "-o", folder + "/index", folder + "/corpus"]).status == 0)
        func search(_ arguments: String...) throws -> ChildProcess.Result {
            try FTSCommand.run(["search", "--index", folder + "/index"] + arguments)
        }
        #expect(try search("-lZ", "jardin").stdout == folder + "/corpus/un\njardin.txt\0")
        #expect(try search("-L", "--null", "mer").stdout == folder + "/corpus/un\njardin.txt\0")
        #expect(try search("-L", "zzzzqq", "-Z").stdout == folder + "/corpus/mer.txt\0" + folder + "/corpus/un\njardin.txt\0")
        #expect(try search("-l", "jardin").stdout == folder + "/corpus/un\njardin.txt\n")
        let bad = try search("-Z", "jardin")
        #expect(bad.status == 2 && bad.stderr.contains("--null ends the paths of -l or -L"))
    }

    /// A CSV table's rows are searched, filtered, counted and sorted by their columns, as JSON Lines
    /// documents are by their keys.
    @Test func aTablesRowsAreSearchedByTheirColumns() throws {
        let folder = ProcessScratch.path("csv-cli")
        try FileManager.default.createDirectory(atPath: folder + "/corpus", withIntermediateDirectories: true)
        try "title;ville;année\nLe jardin partagé;Lyon;2021\nLa ressourcerie;Lille;2019\nLe café associatif;Lyon;2023\n"
            .write(toFile: folder + "/corpus/lieux.csv", atomically: false, encoding: .utf8)
        #expect(try FTSCommand.run(["index", "-o", folder + "/index", folder + "/corpus"]).status == 0)
        func lines(_ arguments: String...) throws -> [String] {
            try FTSCommand.run(["search", "--index", folder + "/index"] + arguments).stdout.split(separator: "\n").map(String.init)
        }
        #expect(try lines("--count", "ville:lyon") == ["2"])
        #expect(try lines("--count", "lille") == ["1"])
        let newest = try lines("--json", "--sort", "annee:desc", "*").dropLast().map {
            (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["id"] as! String
        }
        #expect(newest == ["lieux.csv#4", "lieux.csv#2", "lieux.csv#3"])
        #expect(try lines("-l", "--filter", "ville:=Lille", "ressourcerie") == [folder + "/corpus/lieux.csv"])
    }

    /// `-l` and `--all` go past the maximum window of a page: a file whose matches all rank after the
    /// first 10,000 is listed too, and every match is printed, a page at a time.
    @Test func everyMatchPastTheMaximumWindow() throws {
        let folder = ProcessScratch.path("all-cli")
        try FileManager.default.createDirectory(atPath: folder + "/corpus", withIntermediateDirectories: true)
        // 10,000 short documents in one file outrank the 20 longer ones of the other.
        try String(repeating: "{\"body\":\"jardin\"}\n", count: 10_000).write(toFile: folder + "/corpus/a.jsonl", atomically: false, encoding: .utf8)
        try String(repeating: "{\"body\":\"jardin potager chou navet radis\"}\n", count: 20)
            .write(toFile: folder + "/corpus/b.jsonl", atomically: false, encoding: .utf8)
        #expect(try FTSCommand.run(["index", "-o", folder + "/index", folder + "/corpus"]).status == 0)
        func search(_ arguments: String...) throws -> ChildProcess.Result {
            try FTSCommand.run(["search", "--index", folder + "/index"] + arguments)
        }
        let files = try search("-l", "jardin")
        #expect(files.status == 0)
        #expect(files.stdout.split(separator: "\n").map { $0.split(separator: "/").last! } == ["a.jsonl", "b.jsonl"])
        #expect(try search("-l", "--limit", "10", "jardin").stdout.split(separator: "\n").count == 1)

        let json = try search("--all", "--json", "--snippet-length", "0", "jardin")
        #expect(json.status == 0)
        let objects = json.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.count == 10_021)
        #expect(objects.dropLast().map { $0["rank"] as! Int } == Array(1...10_020))
        #expect(objects.dropLast().suffix(20).allSatisfy { ($0["id"] as! String).hasPrefix("b.jsonl#") })
        #expect(objects.last!["total"] as? Int == 10_020)
        let table = try search("--all", "--offset", "10010", "jardin")
        #expect(table.stdout.split(separator: "\n").last?.hasPrefix("10,011–10,020 of 10,020 documents in ") == true, "\(table.stdout)")
        #expect(table.stdout.components(separatedBy: "[jardin] potager").count == 11)

        let limited = try search("--all", "--limit", "3", "jardin")
        #expect(limited.status == 2 && limited.stderr.contains("--all shows every match: not with --limit or --count"))
        let deep = try search("--offset", "10000", "--limit", "1", "jardin")
        #expect(deep.status == 2 && deep.stderr.contains("maximum window of 10000 results: --all shows every match"))
        let wide = try search("--limit", "10001", "jardin")
        #expect(wide.status == 2 && wide.stderr.contains("maximum window of 10000 results: --all shows every match"))
    }

    /// `--fields`: the words that name no field searched in those fields only.
    /// `--cursor` and `--after`: each page after the last one's cursor, in JSON and in the table, goes
    /// on where the one before stopped; a cursor that is not one is a usage error.
    @Test func pagesAfterCursors() throws {
        func search(_ arguments: String...) throws -> ChildProcess.Result {
            try FTSCommand.run(["search", "--index", Self.index, "--snippet-length", "0"] + arguments)
        }
        func ids(_ result: ChildProcess.Result) -> (ids: [String], summary: [String: Any]) {
            let objects = result.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            return (objects.dropLast().map { $0["id"] as! String }, objects.last!)
        }
        let whole = ids(try search("--json", "--limit", "9", "économie OR solidaire")).ids
        let first = ids(try search("--json", "--cursor", "--limit", "4", "économie OR solidaire"))
        #expect(first.ids == Array(whole.prefix(4)))
        let token = try #require(first.summary["next"] as? String)
        let second = ids(try search("--json", "--after", token, "--limit", "5", "économie OR solidaire"))
        #expect(second.ids == Array(whole[4..<9]))
        #expect(second.summary["next"] is String)
        #expect(ids(try search("--json", "--limit", "4", "économie OR solidaire")).summary["next"] == nil)
        let table = try search("--after", token, "--limit", "5", "économie OR solidaire")
        #expect(table.status == 0)
        #expect(table.stdout.contains("5 after the cursor, of "))
        let next = try #require(table.stdout.split(separator: "\n").last)
        #expect(next == "next page: --after \(second.summary["next"] as! String)")
        let bad = try search("--after", "nope", "économie")
        #expect(bad.status == 2 && bad.stderr.contains("--after: \"nope\" is not a cursor"))
        let all = try search("--all", "--cursor", "économie")
        #expect(all.status == 2 && all.stderr.contains("not with --all, --count or --files-with-matches"))
    }

    @Test func fieldsConfineTheWords() throws {
        func count(_ arguments: String...) throws -> ChildProcess.Result {
            try FTSCommand.run(["search", "--index", Self.index, "--count"] + arguments)
        }
        let confined = try count("--fields", "title", "économie")
        let written = try count("title:économie"), everywhere = try count("économie")
        #expect(confined.status == 0 && confined.stdout == written.stdout && written.stdout != everywhere.stdout)
        #expect(try count("--fields", "title,body", "économie").stdout == everywhere.stdout)
        let unknown = try count("--fields", "title,tags", "économie")
        #expect(unknown.status == 2 && unknown.stderr.contains(#"cannot search in "tags": the index searches no such field (fields: title, body)"#))
        let empty = try count("--fields", "title,", "économie")
        #expect(empty.status == 2 && empty.stderr.contains("--fields takes field names separated by commas, as in title,tags"))
    }

    /// `fts get --query`: the document with the query's words marked, or their ranges in JSON.
    @Test func getMarksTheWordsOfAQuery() throws {
        let id = "002_93f8321c060206ad.txt#6"
        let marked = try FTSCommand.run(["get", "--index", Self.index, "--query", "économie Suisse", id])
        #expect(marked.status == 0)
        #expect(marked.stdout.contains("\nid: \(id)\n") || marked.stdout.hasPrefix("id: \(id)\n"))
        #expect(marked.stdout.contains("l’[économie] sociale") && marked.stdout.contains("([Suisse])"))
        let own = try FTSCommand.run(["get", "--index", Self.index, "--query", "économie", "--highlight-open", "<b>", "--highlight-close", "</b>", id])
        #expect(own.stdout.contains("l’<b>économie</b> sociale"))
        let json = try FTSCommand.run(["get", "--index", Self.index, "--json", "--query", "\"économie sociale\"", id])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let body = (object["document"] as! [String: String])["body"]!
        let ranges = (object["highlights"] as! [String: [[Int]]])["body"]!
        #expect(ranges.map { String(decoding: Array(body.utf8)[$0[0]..<$0[1]], as: UTF8.self) } == ["économie", "sociale"])
        let plain = try FTSCommand.run(["get", "--index", Self.index, "--json", id])
        #expect((try JSONSerialization.jsonObject(with: Data(plain.stdout.utf8)) as! [String: String])["body"] == body)
        let bad = try FTSCommand.run(["get", "--index", Self.index, "--query", "économie (", id])
        #expect(bad.status == 2 && bad.stderr == "fts get: unbalanced parenthesis at column 10\n")
        let missing = try FTSCommand.run(["get", "--index", Self.index, "--query", "économie", "nope#1"])
        #expect(missing.status == 1 && missing.stderr.contains("no document with id \"nope#1\""))
    }

    /// `--like ID`: the documents like one, never itself, narrowed by a query when one is given.
    @Test func documentsLikeOne() throws {
        let id = "004_b485c98c060516cb.txt#1"
        let like = try FTSCommand.run(["search", "--index", Self.index, "--json", "--limit", "5", "--like", id])
        #expect(like.status == 0, "\(like.stderr)")
        let lines = like.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 6)
        #expect(!lines.dropLast().contains { $0["id"] as? String == id })
        let total = lines.last!["total"] as! Int
        let narrowed = try FTSCommand.run(["search", "--index", Self.index, "--count", "--like", id, "-économie"])
        #expect(narrowed.status == 0 && Int(narrowed.stdout.dropLast())! < total)
        // The table, whose did-you-mean reads the query beside the document.
        let table = try FTSCommand.run(["search", "--index", Self.index, "--like", id, "--", "-économie", "ecnomie"])
        #expect(table.status == 1 && table.stdout.hasSuffix("did you mean: -économie économie\n"), "\(table.stdout)")
        let unknown = try FTSCommand.run(["search", "--index", Self.index, "--like", "nope#1"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no document with id nope#1"))
        let none = try FTSCommand.run(["search", "--index", Self.index])
        #expect(none.status == 2 && none.stderr.contains("missing <query>"))
    }

    /// `--synonyms FILE`: its words searched as one another; a file that cannot be read is an error.
    @Test func synonymFiles() throws {
        let file = ProcessScratch.path("synonyms-cli.txt")
        try "recyclerie, ressourcerie\n".write(toFile: file, atomically: true, encoding: .utf8)
        func count(_ arguments: String...) throws -> (Int32, String, String) {
            let result = try FTSCommand.run(["search", "--index", Self.index, "--count"] + arguments)
            return (result.status, result.stdout, result.stderr)
        }
        let alone = try count("recyclerie"), either = try count("recyclerie OR ressourcerie")
        #expect(try count("--synonyms", file, "recyclerie").1 == either.1 && either.1 != alone.1)
        try "a, , b\n".write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try count("--synonyms", file, "recyclerie")
        #expect(bad.0 == 2 && bad.2 == "fts search: \(file): line 1: an empty entry\n", "\(bad.2)")
    }

    @Test func tableHasRanksScoresIdsTitlesAndSnippets() throws {
        let result = try FTSCommand.run(["search", "--index", Self.index, "--limit", "3", "économie", "solidaire"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[0].hasPrefix("  1  ") && lines[0].contains(".txt#"))
        #expect(lines[1].contains("[économie]"))
        #expect(lines[6].hasPrefix("3 of 33 documents in "))
        // Columns as printf's `%3d  %8.4f  ` pads them, and the time with 2 decimals.
        for (rank, line) in [lines[0], lines[2], lines[4]].enumerated() {
            let score = line.dropFirst(5).prefix(8)
            #expect(line.hasPrefix("  \(rank + 1)  ") && score.first == " " && line.dropFirst(13).hasPrefix("  "))
            #expect(score.split(separator: ".").last?.count == 4 && Double(score.drop { $0 == " " }) != nil)
        }
        let took = lines[6].dropFirst("3 of 33 documents in ".count)
        #expect(took.hasSuffix(" ms") && took.dropLast(3).split(separator: ".").last?.count == 2)
    }

    /// A later page's summary says which results it shows.
    @Test func aLaterPageSaysWhichResultsItShows() throws {
        let page = try FTSCommand.run(["search", "--index", Self.index, "--offset", "10", "--limit", "5", "économie", "solidaire"])
        let lines = page.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix(" 11  ") == true)
        #expect(lines.last?.hasPrefix("11–15 of 33 documents in ") == true)
        let last = try FTSCommand.run(["search", "--index", Self.index, "--offset", "30", "économie", "solidaire"])
        #expect(last.stdout.split(separator: "\n").last?.hasPrefix("31–33 of 33 documents in ") == true)
        let past = try FTSCommand.run(["search", "--index", Self.index, "--offset", "40", "économie", "solidaire"])
        #expect(past.stdout.split(separator: "\n").last?.hasPrefix("0 of 33 documents in ") == true)
    }

    @Test func unknownWordsGetADidYouMean() throws {
        let table = try FTSCommand.run(["search", "--index", Self.index, "ecnomie", "socale"])
        // As grep: 1 when nothing matches.
        #expect(table.status == 1)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[0].hasPrefix("no document matches (") && lines[0].hasSuffix(" ms)") && lines[1] == "did you mean: économie sociale")
        let json = try FTSCommand.run(["search", "--index", Self.index, "--json", "ecnomie"])
        let summary = try JSONSerialization.jsonObject(with: Data(json.stdout.split(separator: "\n").last!.utf8)) as! [String: Any]
        #expect(summary["suggestion"] as? String == "économie" && summary["total"] as? Int == 0)
        let known = try FTSCommand.run(["search", "--index", Self.index, "--json", "économie"])
        #expect(!known.stdout.contains("suggestion") && !known.stdout.isEmpty)
    }

    @Test func snippetMarkersAndLengthAreOptions() throws {
        let result = try FTSCommand.run(["search", "--index", Self.index, "--limit", "1", "--highlight-open", "<b>",
                                         "--highlight-close", "</b>", "--snippet-length", "60", "économie"])
        #expect(result.status == 0)
        let snippet = result.stdout.split(separator: "\n").map(String.init)[1].trimmingCharacters(in: .whitespaces)
        #expect(snippet.range(of: "<b>[ÉEée]conomie</b>", options: .regularExpression) != nil, "\(snippet)")
        #expect(snippet.replacingOccurrences(of: "<b>", with: "").replacingOccurrences(of: "</b>", with: "").utf8.count <= 60 + 7 + 8)
        let bad = try FTSCommand.run(["search", "--index", Self.index, "--snippet-length", "3", "économie"])
        #expect(bad.status != 0 && bad.stderr.contains("--snippet-length"))
        // 0: no snippet, a hit a line in the table, an empty snippet in JSON.
        let none = try FTSCommand.run(["search", "--index", Self.index, "--limit", "3", "--snippet-length", "0", "économie"])
        let lines = none.stdout.split(separator: "\n")
        #expect(none.status == 0 && lines.count == 4 && lines.prefix(3).allSatisfy { $0.contains(".txt#") }, "\(none.stdout)")
        let json = try FTSCommand.run(["search", "--index", Self.index, "--limit", "3", "--json", "--snippet-length", "0", "économie"])
        let hits = try json.stdout.split(separator: "\n").dropLast().map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(hits.count == 3 && hits.allSatisfy { $0["snippet"] as? String == "" })
        // BM25's parameters where Lucene takes them: a negative or NaN weight would break the bounds
        // that pruning reads.
        for (option, value, name) in [("--k1", "-1", "k1"), ("--k1", "nan", "k1"), ("--k1", "inf", "k1"), ("--b", "1.5", "b"),
                                      ("--b", "-0.1", "b"), ("--title-boost", "-2", "title boost"), ("--title-boost", "nan", "title boost")] {
            let refused = try FTSCommand.run(["search", "--index", Self.index, "\(option)=\(value)", "économie"])
            #expect(refused.status == 2 && refused.stderr.contains("\(name) must be"), "\(option) \(value): \(refused.stderr)")
        }
        for (option, value) in [("--k1", "0"), ("--b", "0"), ("--b", "1"), ("--title-boost", "0")] {
            #expect(try FTSCommand.run(["search", "--index", Self.index, "\(option)=\(value)", "économie"]).status == 0, "\(option) \(value)")
        }
        // `--boost FIELD=W`: the field's part of each score multiplied, as `--explain` shows it; a
        // field the index does not search, or a malformed one, is an error.
        let boosted = try FTSCommand.run(["search", "--index", Self.index, "--limit", "1", "--explain", "--boost", "Body=3",
                                          "--boost", "title=0.5", "économie"])
        #expect(boosted.status == 0 && boosted.stdout.contains("body:econom (economie)  tf=") && boosted.stdout.contains(" boost=3 ")
                && boosted.stdout.contains("title:econom (economie)  tf=1 idf=") && boosted.stdout.contains(" boost=0.5 "), "\(boosted.stdout)")
        let unknown = try FTSCommand.run(["search", "--index", Self.index, "--boost", "tags=3", "économie"])
        #expect(unknown.status == 2 && unknown.stderr.contains(#"--boost: cannot boost "tags": the index searches no such field (fields: title, body)"#),
                "\(unknown.stderr)")
        for value in ["tags", "=3", "tags=x", "tags=-1", "tags=20000"] {
            let refused = try FTSCommand.run(["search", "--index", Self.index, "--boost", value, "économie"])
            #expect(refused.status == 2 && refused.stderr.contains("boost"), "\(value): \(refused.stderr)")
        }
        // `--proximity-boost W`: the pair's proximity search among the explained contributions, the
        // same matches; a weight out of range is an error.
        let near = try FTSCommand.run(["search", "--index", Self.index, "--limit", "1", "--explain", "--proximity-boost", "2",
                                       "économie", "solidaire"])
        let plain = try FTSCommand.run(["search", "--index", Self.index, "--limit", "1", "économie", "solidaire"])
        #expect(near.status == 0 && near.stdout.contains(#"body:"economie solidaire"~2  phrase freq="#) && near.stdout.contains(" boost=2 "),
                "\(near.stdout)")
        func matches(_ output: String) -> Substring? { output.split(separator: "\n").last?.split(separator: " in ").first }
        #expect(matches(near.stdout) != nil && matches(near.stdout) == matches(plain.stdout), "\(near.stdout)")
        for value in ["-1", "nan", "20000", "x"] {
            let refused = try FTSCommand.run(["search", "--index", Self.index, "--proximity-boost", value, "économie"])
            #expect(refused.status == 2 && refused.stderr.contains("proximity"), "\(value): \(refused.stderr)")
        }
        // `--proximity-slop N`: the pairs' proximity searches as `~N`; out of 0 to 64, an error.
        let apart = try FTSCommand.run(["search", "--index", Self.index, "--limit", "1", "--explain", "--proximity-boost", "2",
                                        "--proximity-slop", "5", "économie", "solidaire"])
        #expect(apart.status == 0 && apart.stdout.contains(#"body:"economie solidaire"~5  phrase freq="#), "\(apart.stdout)")
        for value in ["-1", "65", "1.5", "x"] {
            let refused = try FTSCommand.run(["search", "--index", Self.index, "--proximity-boost", "1", "--proximity-slop", value, "économie"])
            #expect(refused.status == 2 && (refused.stderr.contains("proximity-slop") || refused.stderr.contains("proximity slop")),
                    "\(value): \(refused.stderr)")
        }
    }

    /// `fts bench --alongside-exhaustive` times each query pruned and exhaustive in one process, and
    /// both find as many hits.
    @Test func benchTimesPrunedAndExhaustiveInTurn() throws {
        let queries = NSTemporaryDirectory() + "fts-bench-\(UUID().uuidString).tsv"
        try "# test\nor2\tjardin OR monnaie\nterm\téconomie\n".write(toFile: queries, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: queries) }
        let result = try FTSCommand.run(["bench", "--index", Self.index, "--queries", queries, "--runs", "2", "--json", "--alongside-exhaustive"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let pruned = object["classes"] as! [String: [String: Any]], exhaustive = object["exhaustive_classes"] as! [String: [String: Any]]
        #expect(Set(pruned.keys) == ["or2", "term"] && Set(exhaustive.keys) == ["or2", "term"])
        for kind in ["or2", "term"] {
            #expect((pruned[kind]!["hits"] as? Int ?? 0) > 0 && pruned[kind]!["hits"] as? Int == exhaustive[kind]!["hits"] as? Int)
            #expect((exhaustive[kind]!["median_us"] as? Int ?? 0) > 0)
        }
        let conflicting = try FTSCommand.run(["bench", "--index", Self.index, "--queries", queries, "--alongside-exhaustive", "--count"])
        #expect(conflicting.status != 0 && conflicting.stderr.contains("--alongside-exhaustive"))
        // Counts it cannot run with are refused (`--runs -1` crashed).
        for (option, value, message) in [("--runs", "-1", "--runs must be at least 1"), ("--runs", "0", "--runs must be at least 1"),
                                         ("--threads", "0", "--threads must be at least 1"), ("--depth", "0", "--depth must be at least 1"),
                                         ("--top", "20000", "--top must be between 0 and 10000")] {
            let refused = try FTSCommand.run(["bench", "--index", Self.index, "--queries", queries, "\(option)=\(value)"])
            #expect(refused.status == 2 && refused.stderr.contains(message), "\(option) \(value): \(refused.stderr)")
        }
    }

    /// `fts bench --complete` times completions: each line's hits are its completions.
    @Test func benchTimesCompletions() throws {
        let queries = NSTemporaryDirectory() + "fts-bench-\(UUID().uuidString).tsv"
        try "prefix\tecon\ncontext\téconomie sol\nnone\tjardin \n".write(toFile: queries, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: queries) }
        let result = try FTSCommand.run(["bench", "--index", Self.index, "--queries", queries, "--runs", "1", "--json", "--complete", "--top", "3"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let classes = object["classes"] as! [String: [String: Any]]
        #expect(object["mode"] as? String == "complete3")
        #expect(classes["prefix"]?["hits"] as? Int == 3 && classes["context"]?["hits"] as? Int == 3 && classes["none"]?["hits"] as? Int == 0)
        for (extra, message) in [(["--count"], "--complete times completions in process"), (["--top", "0"], "--top must be between 1 and 100")] {
            let refused = try FTSCommand.run(["bench", "--index", Self.index, "--queries", queries, "--complete"] + extra)
            #expect(refused.status == 2 && refused.stderr.contains(message), "\(extra): \(refused.stderr)")
        }
    }

    @Test func jsonHasOneObjectAHitAndASummary() throws {
        let result = try FTSCommand.run(["search", "--index", Self.index, "--json", "--limit", "2", "--offset", "1", "jardin"])
        #expect(result.status == 0)
        let objects = try result.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(objects.count == 3)
        #expect(objects[0]["rank"] as? Int == 2)
        for key in ["id", "score", "path", "line", "title", "snippet", "highlights", "fields"] { #expect(objects[0][key] != nil, "\(key)") }
        let snippet = objects[0]["snippet"] as! String
        let highlight = (objects[0]["highlights"] as! [[Int]])[0]
        let word = String(decoding: Array(snippet.utf8)[highlight[0]..<highlight[1]], as: UTF8.self)
        #expect(word.lowercased().hasPrefix("jardin"))
        #expect(objects[2]["exact"] as? Bool == true && objects[2]["total"] as? Int != nil && objects[2]["took_us"] as? Int != nil)
    }

    /// A JSON Lines document's own fields (a URL, an author) come with its hit in JSON, under
    /// `fields`: a front end links to the document without asking for it.
    @Test func jsonHitsCarryTheDocumentsOtherFields() throws {
        let folder = ProcessScratch.path("search-cli-fields")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lines = [#"{"id":"a1","title":"Jardin partagé","body":"Un jardin partagé.","url":"https://example.org/a1","author":"Marie \"M\""}"#,
                     #"{"id":"a2","title":"Potager","body":"Le potager du jardin.","année":2024,"catégorie":["réemploi","vélo"]}"#]
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        #expect(try FTSCommand.run(["index", "-o", folder + "/index", folder + "/corpus.jsonl"]).status == 0)
        let result = try FTSCommand.run(["search", "--index", folder + "/index", "--json", "jardin"])
        let objects = try result.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let hits = Dictionary(uniqueKeysWithValues: objects.dropLast().map { ($0["id"] as! String, $0["fields"] as! [String: String]) })
        #expect(hits["a1"] == ["url": "https://example.org/a1", "author": "Marie \"M\""])
        #expect(hits["a2"] == ["année": "2024", "catégorie": "réemploi, vélo"])
        // "Jardin partagé": the title's matching word as a byte range, as the snippet's are.
        #expect(objects.first { $0["id"] as? String == "a1" }?["title_highlights"] as? [[Int]] == [[0, 6]])
        let table = try FTSCommand.run(["search", "--index", folder + "/index", "--color", "never", "jardin"])
        #expect(table.stdout.contains("a1  [Jardin] partagé\n"), "\(table.stdout)")
        // A field is named as written, or without its accents and capitals, as people type.
        for query in ["année:2024", "annee:2024", "Catégorie: velo", "categorie:(réemploi OR x)"] {
            let found = try FTSCommand.run(["search", "--index", folder + "/index", "--json", query])
            #expect(found.status == 0 && found.stdout.hasPrefix(#"{"rank":1,"id":"a2""#) && found.stdout.contains(#""total":1"#), "\(query)")
        }
    }

    /// A French spreadsheet's CSV writes its amounts formatted (`1 500,50 €`, a no-break space before
    /// the sign): they sort as numbers, and a histogram counts them.
    @Test func amountsOfASpreadsheetSortAsNumbers() throws {
        let folder = ProcessScratch.path("search-cli-amounts")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let table = "titre;prix;remise\nA;1\u{202F}500,50\u{A0}€;5 %\nB;12€;n/a\nC;€ 30;12,5 %\nD;99,90 EUR;\nE;sur devis;50 %\n"
        try table.write(toFile: folder + "/tarifs.csv", atomically: false, encoding: .utf8)
        #expect(try FTSCommand.run(["index", "-o", folder + "/index", folder + "/tarifs.csv"]).status == 0)
        func titres(_ arguments: [String]) throws -> [String] {
            let result = try FTSCommand.run(["search", "--index", folder + "/index", "--json", "--fields", "titre"] + arguments + ["prix:*"])
            // A French header's `titre` is the title.
            return result.stdout.split(separator: "\n").dropLast().map {
                (try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["title"] as! String
            }
        }
        #expect(try titres(["--sort", "prix"]) == ["B", "C", "D", "A", "E"])
        #expect(try titres(["--sort", "remise:desc"]) == ["E", "C", "A", "B", "D"])
        let histogram = try FTSCommand.run(["search", "--index", folder + "/index", "--json", "--limit", "0", "--facet", "prix:interval=100", "prix:*"])
        #expect(histogram.stdout.contains(#"{"value":"0","count":3},{"value":"1500","count":1}"#), "\(histogram.stdout)")
    }

    /// `--sort FIELD[:desc]` orders the hits by a field's numbers or dates, and the table shows each
    /// hit's value as the document writes it.
    @Test func sortedByAField() throws {
        let folder = ProcessScratch.path("search-cli-sort")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lines = [#"{"id":"a","title":"Jardin","body":"un jardin","prix":"12,5"}"#,
                     #"{"id":"b","title":"Potager","body":"le jardin potager","prix":3}"#,
                     #"{"id":"c","title":"Verger","body":"un jardin de fruits","prix":-4.5}"#,
                     #"{"id":"d","title":"Rucher","body":"jardin et ruches","auteur":"Anne"}"#]
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        #expect(try FTSCommand.run(["index", "-o", folder + "/index", folder + "/corpus.jsonl"]).status == 0)
        func ids(_ arguments: [String]) throws -> [String] {
            let result = try FTSCommand.run(["search", "--index", folder + "/index", "--json"] + arguments + ["jardin"])
            return result.stdout.split(separator: "\n").dropLast().map { (try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["id"] as! String }
        }
        #expect(try ids(["--sort", "prix"]) == ["c", "b", "a", "d"])
        #expect(try ids(["--sort=prix:desc"]) == ["a", "b", "c", "d"])
        #expect(try ids(["--sort", "prix:desc", "--limit", "2", "--offset", "1"]) == ["b", "c"])
        let table = try FTSCommand.run(["search", "--index", folder + "/index", "--color", "never", "--sort", "prix", "jardin"])
        #expect(table.stdout.contains("c  Verger  (prix: -4.5)\n") && table.stdout.contains("d  Rucher  (no prix)\n"), "\(table.stdout)")
        let unknown = try FTSCommand.run(["search", "--index", folder + "/index", "--sort", "title", "jardin"])
        #expect(unknown.status == 2 && unknown.stderr.contains(#"cannot sort by "title": it holds no numbers, dates or values (fields that sort: path, prix, auteur)"#),
                "\(unknown.stderr)")
        // A field of text values, alphabetically, the table showing each hit's.
        let byAuthor = try FTSCommand.run(["search", "--index", folder + "/index", "--color", "never", "--sort", "auteur", "jardin"])
        #expect(byAuthor.stdout.contains("d  Rucher  (auteur: Anne)\n") && byAuthor.stdout.contains("(no auteur)"), "\(byAuthor.stdout)")
        let malformed = try FTSCommand.run(["search", "--index", folder + "/index", "--sort", "prix:up", "jardin"])
        #expect(malformed.status == 2 && malformed.stderr.contains(#"--sort: a sort is FIELD, FIELD:asc or FIELD:desc, not "prix:up""#))
        // `--collapse`: the best match of each value, a match without one alone; pages go through the groups.
        try ([#"{"id":"e","title":"Jardin","body":"jardin jardin jardin","auteur":"Anne"}"#,
              #"{"id":"f","title":"Potager","body":"un jardin","auteur":"Anne"}"#].joined(separator: "\n") + "\n")
            .write(toFile: folder + "/more.jsonl", atomically: false, encoding: .utf8)
        #expect(try FTSCommand.run(["index", "-o", folder + "/collapsible", folder + "/corpus.jsonl", folder + "/more.jsonl"]).status == 0)
        func collapsed(_ arguments: [String]) throws -> (ids: [String], summary: [String: Any]) {
            let result = try FTSCommand.run(["search", "--index", folder + "/collapsible", "--json", "--collapse", "auteur"] + arguments + ["jardin"])
            let lines = result.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            return (lines.dropLast().map { $0["id"] as! String }, lines.last ?? [:])
        }
        let all = try collapsed([])
        #expect(all.ids.count == 4 && Set(all.ids) == ["a", "b", "c", "e"] && all.summary["groups"] as? Int == 4 && all.summary["total"] as? Int == 6,
                "\(all)")
        #expect(try collapsed(["--limit", "2", "--offset", "3"]).ids == [all.ids[3]])
        #expect(try collapsed(["--sort", "prix:desc"]).ids == ["a", "b", "c", "e"])
        let groupTable = try FTSCommand.run(["search", "--index", folder + "/collapsible", "--color", "never", "--collapse", "auteur", "jardin"])
        #expect(groupTable.stdout.contains("\n4 of 4 groups (6 documents) in "), "\(groupTable.stdout)")
        let badCollapse = try FTSCommand.run(["search", "--index", folder + "/index", "--collapse", "title", "jardin"])
        #expect(badCollapse.status == 2 && badCollapse.stderr.contains(#"cannot collapse on "title": the index keeps no values of it"#), "\(badCollapse.stderr)")
        // `fts stats` says which fields can sort, and in how many documents.
        let stats = try FTSCommand.run(["stats", "--json", folder + "/index"])
        let fields = (try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as! [String: Any])["fields"] as! [[String: Any]]
        #expect(fields.first { $0["name"] as? String == "prix" }?["documents_with_values"] as? Int == 3)
        #expect(fields.first { $0["name"] as? String == "auteur" }?["documents_with_values"] as? Int == 0)
        #expect(fields.first { $0["name"] as? String == "prix" }?["number_values"] as? Int == 3)
        #expect(fields.first { $0["name"] as? String == "prix" }?["date_values"] as? Int == 0)
        // `fts bench --sort` times the same searches.
        try "t\tjardin\nt\tverger OR potager\n".write(toFile: folder + "/queries.tsv", atomically: false, encoding: .utf8)
        let bench = try FTSCommand.run(["bench", "--index", folder + "/index", "--queries", folder + "/queries.tsv", "--runs", "2",
                                        "--json", "--sort", "prix:desc"])
        let report = try JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as! [String: Any]
        #expect(report["sort"] as? String == "prix:desc")
        #expect((report["classes"] as? [String: [String: Any]])?["t"]?["hits"] as? Int == 6)
        let together = try FTSCommand.run(["bench", "--index", folder + "/index", "--queries", folder + "/queries.tsv", "--sort", "prix", "--count"])
        #expect(together.status == 2 && together.stderr.contains("--sort times sorted searches in process: not with --count"))
    }

    /// `--facet FIELD[:N]` counts a field's values among every match: after the table, and in the JSON
    /// summary.
    @Test func facetsCountValuesAmongTheMatches() throws {
        let folder = ProcessScratch.path("search-cli-facet")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lines = [#"{"id":"a","title":"Jardin","body":"un jardin","tags":["bio","local"],"auteur":"Dupont, Jean"}"#,
                     #"{"id":"b","title":"Potager","body":"le jardin potager","tags":["bio","bio"]}"#,
                     #"{"id":"c","title":"Verger","body":"un jardin de fruits","tags":"local"}"#,
                     #"{"id":"d","title":"Rucher","body":"des ruches","tags":["ruches"]}"#]
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder + "/corpus.jsonl", atomically: false, encoding: .utf8)
        #expect(try FTSCommand.run(["index", "-o", folder + "/index", folder + "/corpus.jsonl"]).status == 0)
        let table = try FTSCommand.run(["search", "--index", folder + "/index", "--color", "never", "--limit", "1",
                                        "--facet", "tags", "--facet", "auteur:1", "jardin"])
        #expect(table.stdout.contains("1 of 3 documents in ") && table.stdout.hasSuffix("""
             ms
            tags: 2 values, 0 matches without one
              2  bio
              2  local
            auteur: 1 value, 2 matches without one
              1  Dupont, Jean

            """), "\(table.stdout)")
        let json = try FTSCommand.run(["search", "--index", folder + "/index", "--json", "--limit", "0", "--facet", "tags:2", "*:*"])
        let summary = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let facets = try #require(summary["facets"] as? [[String: Any]])
        #expect(facets.count == 1 && facets[0]["distinct"] as? Int == 3 && facets[0]["missing"] as? Int == 0)
        #expect((facets[0]["values"] as? [[String: Any]])?.map { "\($0["value"]!)=\($0["count"]!)" } == ["bio=2", "local=2"])
        let unknown = try FTSCommand.run(["search", "--index", folder + "/index", "--facet", "nope", "jardin"])
        #expect(unknown.status == 2 && unknown.stderr.contains(#"cannot count the values of unknown field "nope" (fields with values: path, auteur, tags)"#))
        let malformed = try FTSCommand.run(["search", "--index", folder + "/index", "--facet", "tags:0", "jardin"])
        #expect(malformed.status == 2 && malformed.stderr.contains("--facet: a facet is FIELD, FIELD:N with N from 1 to 1000, FIELD:year, FIELD:month, FIELD:day or FIELD:interval=WIDTH"))
        // `--filter` narrows the matches; the facet on its own field still counts the values not chosen.
        let filtered = try FTSCommand.run(["search", "--index", folder + "/index", "--json", "--facet", "tags", "--filter", "tags:=local", "jardin"])
        let filteredLines = filtered.stdout.split(separator: "\n")
        #expect(filteredLines.count == 3 && filteredLines[2].contains(#""total":2"#)
                && filteredLines[2].contains(#"{"value":"bio","count":2},{"value":"local","count":2}"#), "\(filtered.stdout)")
        #expect(try FTSCommand.run(["search", "--index", folder + "/index", "--count", "--filter", #"auteur:="Dupont, Jean""#, "*"]).stdout == "1\n")
        // `fts bench --facet --filter` times the same searches.
        try "t\tjardin\n".write(toFile: folder + "/queries.tsv", atomically: false, encoding: .utf8)
        let bench = try FTSCommand.run(["bench", "--index", folder + "/index", "--queries", folder + "/queries.tsv", "--runs", "2",
                                        "--json", "--facet", "tags", "--filter", "tags:=local"])
        let report = try JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as! [String: Any]
        #expect(report["facets"] as? [String] == ["tags:10"] && report["filters"] as? [String] == ["tags:=local"])
        #expect((report["classes"] as? [String: [String: Any]])?["t"]?["hits"] as? Int == 2)
        let badFilter = try FTSCommand.run(["search", "--index", folder + "/index", "--filter", "tags:local", "jardin"])
        #expect(badFilter.status == 2 && badFilter.stderr.contains("--filter: a filter is FIELD:=VALUE"))
        let counted = try FTSCommand.run(["search", "--index", folder + "/index", "--facet", "tags", "--count", "jardin"])
        #expect(counted.status == 2 && counted.stderr.contains("use --limit 0, not --count"))
        let stats = try FTSCommand.run(["stats", "--json", folder + "/index"])
        let fields = (try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as! [String: Any])["fields"] as! [[String: Any]]
        #expect(fields.first { $0["name"] as? String == "tags" }?["distinct_values"] as? Int == 3)
        // `fts index --facets` keeps the values of the fields it names only.
        #expect(try FTSCommand.run(["index", "--facets", "tags", "-o", folder + "/tags", folder + "/corpus.jsonl"]).status == 0)
        let left = try FTSCommand.run(["search", "--index", folder + "/tags", "--facet", "auteur", "jardin"])
        #expect(left.status == 2 && left.stderr.contains(#"cannot count the values of "auteur": the index keeps none of its values (fields with values: path, tags)"#))
        let empty = try FTSCommand.run(["index", "--facets", ",", "-o", folder + "/none", folder + "/corpus.jsonl"])
        #expect(empty.status == 2 && empty.stderr.contains("--facets takes all, none, or field names separated by commas"))
    }

    @Test func countExplainAndGet() throws {
        let count = try FTSCommand.run(["search", "--index", Self.index, "--count", "\"clichy sous bois\""])
        #expect(count.stdout == "1\n")
        let explained = try FTSCommand.run(["search", "--index", Self.index, "--explain", "--limit", "1", "Il était deux fois"])
        #expect(explained.stdout.contains("title:etait  tf=1"))
        let search = try FTSCommand.run(["search", "--index", Self.index, "--json", "--limit", "1", "Il était deux fois"])
        let id = (try JSONSerialization.jsonObject(with: Data(search.stdout.split(separator: "\n")[0].utf8)) as! [String: Any])["id"] as! String
        let document = try FTSCommand.run(["get", "--index", Self.index, id])
        #expect(document.status == 0 && document.stdout.contains("title: Il était deux fois..."))
        let json = try FTSCommand.run(["get", "--index", Self.index, "--json", id])
        #expect((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: String])["id"] == id)
        let missing = try FTSCommand.run(["get", "--index", Self.index, "nope"])
        #expect(missing.status == 1 && missing.stderr.contains("no document with id \"nope\""))
    }

    @Test func badQueriesAndIndexesAreClearErrors() throws {
        let quote = try FTSCommand.run(["search", "--index", Self.index, "économie \"solidaire"])
        #expect(quote.status == 2 && quote.stderr == "fts search: unbalanced quote at column 10\n")
        let field = try FTSCommand.run(["search", "--index", Self.index, "auteur:x"])
        #expect(field.status == 2 && field.stderr.contains("unknown field \"auteur\""))
        // No index at all (a search before `fts index`): said so, with the command that builds one.
        let noIndex = try FTSCommand.run(["search", "--index", Self.index + "-missing", "x"])
        #expect(noIndex.status == 2 && noIndex.stderr.contains("no index (no meta.fts in \(Self.index)-missing)")
                && noIndex.stderr.contains("fts index -o \(Self.index)-missing CORPUS"))
    }

    /// `-word` as an argument of its own excludes the word, as it does inside a quoted query; a
    /// mistyped long option is an error that names it, not a word searched for.
    @Test func dashWordsAreExclusionsAndUnknownLongOptionsErrors() throws {
        let all = try FTSCommand.run(["search", "--index", Self.index, "--count", "jardin"])
        let quoted = try FTSCommand.run(["search", "--index", Self.index, "--count", "jardin -solidaire"])
        let separate = try FTSCommand.run(["search", "--index", Self.index, "--count", "jardin", "-solidaire"])
        let first = try FTSCommand.run(["search", "--index", Self.index, "-solidaire", "--count", "jardin"])
        #expect(all.stdout == "4\n" && quoted.stdout == "1\n")
        #expect(separate.status == 0 && separate.stdout == quoted.stdout && first.stdout == quoted.stdout)
        let typo = try FTSCommand.run(["search", "--index", Self.index, "jardin", "--limt", "3"])
        #expect(typo.status == 2 && typo.stdout.isEmpty && typo.stderr.hasPrefix("fts search: unknown option '--limt'"))
        // After `--`, every argument is the query's, where a doubled dash excludes nothing.
        let afterDashes = try FTSCommand.run(["search", "--index", Self.index, "--count", "--", "jardin", "--solidaire"])
        let both = try FTSCommand.run(["search", "--index", Self.index, "--count", "jardin solidaire"])
        #expect(afterDashes.status == 0 && afterDashes.stdout == both.stdout && both.stdout != all.stdout)
    }

    /// grep's exit statuses, for scripts: 0 when something matches, 1 when nothing does (a count of 0
    /// too, as `grep -c`), 2 on an error.
    @Test func exitStatusSaysWhetherAnythingMatched() throws {
        #expect(try FTSCommand.run(["search", "--index", Self.index, "--count", "jardin"]).status == 0)
        let none = try FTSCommand.run(["search", "--index", Self.index, "--count", "jardin", "xyzzyq"])
        #expect(none.status == 1 && none.stdout == "0\n")
        #expect(try FTSCommand.run(["search", "--index", Self.index, "--json", "xyzzyq"]).status == 1)
        // A page past the last hit still matched something.
        #expect(try FTSCommand.run(["search", "--index", Self.index, "--offset", "100", "jardin"]).status == 0)
        // -q, as grep's: the status alone, whatever else is asked; an error still says what it is.
        for (arguments, status) in [(["-q", "jardin"], 0), (["--quiet", "jardin", "xyzzyq"], 1), (["-q", "--json", "jardin"], 0), (["-q", "-l", "jardin"], 0)] {
            let quiet = try FTSCommand.run(["search", "--index", Self.index] + arguments)
            #expect(quiet.status == status && quiet.stdout.isEmpty, "\(arguments)")
        }
        let bad = try FTSCommand.run(["search", "--index", Self.index, "-q", "jardin OR"])
        #expect(bad.status == 2 && bad.stdout.isEmpty && bad.stderr.contains("OR needs a word"))
    }

    /// On a terminal the table is colored as grep colors its matches; in a pipe (a script) it is plain,
    /// and NO_COLOR, `--color never` or markers of one's own turn the color off.
    @Test func theTableIsColoredOnATerminalOnly() throws {
        let plain = try FTSCommand.run(["search", "--index", Self.index, "--limit", "1", "jardin"])
        #expect(plain.status == 0 && !plain.stdout.contains("\u{1B}") && plain.stdout.contains("[Jardin]"))
        let always = try FTSCommand.run(["search", "--index", Self.index, "--limit", "1", "--color", "always", "jardin"])
        #expect(always.stdout.contains("\u{1B}[1;31mJardin\u{1B}[0m") && always.stdout.contains("\u{1B}[35m003_"))
        let markers = try FTSCommand.run(["search", "--index", Self.index, "--limit", "1", "--color", "always", "--highlight-open", "<", "jardin"])
        #expect(markers.stdout.contains("<Jardin]"))
        let bad = try FTSCommand.run(["search", "--index", Self.index, "--color", "sometimes", "jardin"])
        #expect(bad.status == 2 && bad.stderr.hasPrefix("fts search: --color takes always, never or auto, not 'sometimes'"))
        // `auto` on a terminal: the command run by script(1) in a pseudo-terminal.
        func onATerminal(_ environment: [String: String]) throws -> String {
            try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/script"),
                                 ["-qec", "'\(FTSCommand.binary.path)' search --index '\(Self.index)' --limit 1 jardin", "/dev/null"],
                                 environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }).stdout
        }
        #expect(try onATerminal(["NO_COLOR": "", "TERM": "xterm"]).contains("\u{1B}[1;31mJardin"))
        #expect(try !onATerminal(["NO_COLOR": "1", "TERM": "xterm"]).contains("\u{1B}"))
    }
}
