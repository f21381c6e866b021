import Foundation
import Testing
@testable import Indexer
import TestSupport

/// Bad input gets a clear message naming the file and line; the rest of the corpus is indexed.
@Suite struct BadInputTests {
    final class Collector: IndexBuildObserver {
        var issues: [CorpusIssue] = []
        func progress(documents: Int, bytesRead: Int, totalBytes: Int) {}
        func issue(_ issue: CorpusIssue) { issues.append(issue) }
        func phase(_ description: String) {}
    }

    /// A corpus folder with one problem of each kind.
    static func messyCorpus(in folder: TemporaryFolder) throws -> String {
        let corpus = folder.file("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        try "# Titre\nL’économie sociale et solidaire au service des territoires et de leurs habitants, depuis longtemps.\n"
            .write(toFile: corpus + "/good.md", atomically: false, encoding: .utf8)
        var bad = Data("Première ligne correcte.\nDeuxième ligne.\nTroisième ".utf8)
        bad.append(contentsOf: [0xFF, 0xFE])
        bad.append(Data(" ligne abîmée, mais la coopérative reste trouvable.\n".utf8))
        try bad.write(to: URL(fileURLWithPath: corpus + "/bad.txt"))
        let lines = [
            #"{"id":"a","title":"Premier","body":"Le réemploi solidaire"}"#,
            #"{"id":"b","title": oops"#,
            #"[1, 2, 3]"#,
            #"{"id":"a","title":"Doublon","body":"Ce document reprend un id"}"#,
            #"{"id":"c","body":"Un champ au nom impossible","bad name!":"x","region":"Bretagne"}"#,
            "",
            #"{"id":42,"text":"Un id numérique et un corps en text"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: corpus + "/docs.jsonl", atomically: false, encoding: .utf8)
        try "ignored".write(toFile: corpus + "/notes.numbers", atomically: false, encoding: .utf8)
        try "Un texte, pas un PDF.".write(toFile: corpus + "/notes.pdf", atomically: false, encoding: .utf8)
        return corpus
    }

    @Test func storedStringsAreCheckedAsUTF8() {
        // The reader's check agrees with the standard library's on valid text and on damaged bytes.
        var random = SplitMix64(seed: 5)
        let samples: [[UInt8]] = [[], Array("économie · l’œuvre 😀".utf8), [0xFF], [0xC3], [0xC3, 0x28], [0xE2, 0x82],
                                  [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], Array("abc".utf8) + [0xEF, 0xBF, 0xBD]]
        var all = samples
        for _ in 0..<5000 {
            var bytes = Array("Économie sociale et solidaire, 2,5 M€".utf8)
            for _ in 0..<Int(random.next() % 3) { bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next()) }
            all.append(bytes)
        }
        for bytes in all {
            #expect(String(validUTF8: bytes) == String(validating: bytes, as: UTF8.self), "\(bytes)")
        }
    }

    @Test func problemsAreReportedAndTheRestIsIndexed() throws {
        let folder = try TemporaryFolder()
        let corpus = try Self.messyCorpus(in: folder)
        let collector = Collector()
        let output = folder.file("index")
        let summary = try IndexBuilder.build(paths: [corpus, folder.file("nope.txt")], output: output, observer: collector)
        let reported = collector.issues.map(\.description)
        #expect(reported.contains { $0.hasSuffix("nope.txt: no such file or folder") })
        #expect(reported.contains { $0.contains("bad.txt:3: invalid UTF-8") })
        #expect(reported.contains { $0.contains("docs.jsonl:2: malformed JSON") })
        #expect(reported.contains { $0.contains("docs.jsonl:3: not a JSON object") })
        #expect(reported.contains { $0.contains("docs.jsonl:4: duplicate id \"a\"") })
        #expect(reported.contains { $0.contains("docs.jsonl:5: field \"bad name!\" is indexed as \"bad_name\"") })
        #expect(reported.contains { $0.contains("notes.pdf: skipped: not a PDF pdftotext can open") })
        #expect(collector.issues.count == 7)
        #expect(summary.issues == 7)

        let reader = try IndexReader(path: output)
        _ = try reader.verify()
        // bad.txt (1 section), docs.jsonl lines 1, 5 and 7, good.md (1 section).
        #expect(reader.documentCount == 5)
        #expect(try reader.document(id: "a") != nil && reader.document(id: "c") != nil && reader.document(id: "42") != nil)
        #expect(try reader.storedFields(reader.document(id: "a")!).value(of: StandardField.title) == "Premier")
        #expect(try reader.termInfo(field: StandardField.body, term: "cooper") != nil)
        #expect(reader.meta.field(named: "region") != nil)
        #expect(try reader.storedFields(reader.document(id: "c")!).value(of: reader.meta.field(named: "bad_name")!) == "x")
        #expect(try reader.storedFields(reader.document(id: "42")!).value(of: StandardField.body) == "Un id numérique et un corps en text")
    }

    /// A file named like text whose first 8,000 bytes hold a NUL byte is binary data (an image, an
    /// executable saved as `.txt`): reported and skipped, as git and grep tell binary files, instead of
    /// read as Mac OS Roman into words that are none (or, named `.jsonl`, reported line by line as
    /// malformed JSON; named `.eml`, read as a message's body). UTF-16 after its byte order mark is text, and a NUL past the first 8,000 bytes
    /// leaves the file text.
    @Test func binaryFilesNamedLikeTextAreSkipped() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        var random = SplitMix64(seed: 11)
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D] + Array("IHDR".utf8)
        try Data(png + (0..<20_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }).write(to: URL(fileURLWithPath: corpus + "/logo.txt"))
        try Data(Array("<html".utf8) + [0] + Array("coopérative</html>".utf8)).write(to: URL(fileURLWithPath: corpus + "/page.html"))
        let late = String(repeating: "La mutuelle des jardiniers. ", count: 300)
        try Data(Array(late.utf8) + [0] + Array(" Fin du rucher.".utf8)).write(to: URL(fileURLWithPath: corpus + "/long.txt"))
        try Data([0xFF, 0xFE] + "Le verger partagé".utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] })
            .write(to: URL(fileURLWithPath: corpus + "/notepad.txt"))
        var dump = Array("{\"id\":\"a\",\"body\":\"coopérative\"}\n".utf8) + [0x7B, 0x00]
        dump += (0..<50_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        try Data(dump).write(to: URL(fileURLWithPath: corpus + "/dump.jsonl"))
        try Data(Array("From: a@b.fr\nSubject: coopérative\n\n".utf8) + [0] + Array("corps".utf8)).write(to: URL(fileURLWithPath: corpus + "/mail.eml"))
        let collector = Collector()
        _ = try IndexBuilder.build(paths: [corpus], output: folder.file("index"), observer: collector)
        #expect(collector.issues.map(\.description).map { $0.components(separatedBy: "corpus/").last! }
            == ["dump.jsonl: binary data, not JSON Lines (a NUL byte at byte 35); skipped",
                "logo.txt: binary data, not text (a NUL byte at byte 9); skipped",
                "mail.eml: binary data, not an e-mail message (a NUL byte at byte 37); skipped",
                "page.html: binary data, not text (a NUL byte at byte 6); skipped"])
        let reader = try IndexReader(path: folder.file("index"))
        #expect(reader.documentCount == 2)
        #expect(try reader.termInfo(field: StandardField.body, term: "ruch") != nil)
        #expect(try reader.termInfo(field: StandardField.body, term: "verg") != nil)
        #expect(try reader.termInfo(field: StandardField.body, term: "cooper") == nil)
    }

    /// JSON printed over several lines in a JSON Lines file (an array or objects, as jq and
    /// `json.dumps(…, indent=2)` print them, gzip-compressed too) is said once and read as JSON, instead
    /// of reported line by line as malformed; a JSON Lines file whose first line is damaged is still
    /// read line by line.
    @Test func jsonOverSeveralLinesIsReadAsJSON() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        func object(_ id: String) -> String { "{\n  \"id\": \"\(id)\",\n  \"body\": \"La coopérative\"\n}" }
        try "[\n  \(object("a1").replacingOccurrences(of: "\n", with: "\n  ")),\n  {\"id\": \"a2\"}\n]\n"
            .write(toFile: corpus + "/array.jsonl", atomically: false, encoding: .utf8)
        try "\n \(object("o1"))\n\(object("o2"))\n".write(toFile: corpus + "/objects.ndjson", atomically: false, encoding: .utf8)
        try "\u{FEFF}\(object("bom"))\n".write(toFile: corpus + "/bom.jsonl", atomically: false, encoding: .utf8)
        try "{\"id\":\"c1\",\"bo\n{\"id\":\"c2\",\"body\":\"Le rucher\"}\n".write(toFile: corpus + "/cut.jsonl", atomically: false, encoding: .utf8)
        try "[\n{\"id\": \"g1\"}\n]\n".write(toFile: corpus + "/packed.jsonl", atomically: false, encoding: .utf8)
        try IndexFixtures.compress(corpus + "/packed.jsonl")
        let collector = Collector()
        _ = try IndexBuilder.build(paths: [corpus], output: folder.file("index"), observer: collector)
        let read = "JSON over several lines, not JSON Lines (one object a line); read as JSON"
        #expect(collector.issues.map(\.description).map { $0.components(separatedBy: "corpus/").last! }
            == ["array.jsonl:1: " + read,
                "bom.jsonl:1: " + read,
                "cut.jsonl:1: malformed JSON at byte 15 (the line ends inside a string); line skipped",
                "objects.ndjson:2: " + read,
                "packed.jsonl.gz:1: " + read])
        let reader = try IndexReader(path: folder.file("index"))
        for id in ["a1", "a2", "bom", "c2", "o1", "o2", "g1"] { #expect(try reader.document(id: id) != nil, "\(id)") }
        #expect(reader.documentCount == 7)
    }

    /// A file's first hundred problems are shown and the rest counted (a CSV saved as `.jsonl`); the
    /// build's count holds them all, and the next file's are shown again.
    @Test func aFilesProblemsPastAHundredAreCounted() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        let csv = (1...250).map { "\($0);Titre \($0);La coopérative" }.joined(separator: "\n") + "\n"
        try csv.write(toFile: corpus + "/a.jsonl", atomically: false, encoding: .utf8)
        try "{\"id\":\"x\",\"body\":\"Le rucher\"}\n{oops\n".write(toFile: corpus + "/b.jsonl", atomically: false, encoding: .utf8)
        let collector = Collector()
        let summary = try IndexBuilder.build(paths: [corpus], output: folder.file("index"), observer: collector)
        let shown = collector.issues.map(\.description).map { $0.components(separatedBy: "corpus/").last! }
        #expect(shown.count == 102)
        #expect(shown.first == "a.jsonl:1: malformed JSON at byte 2 (text after the value); line skipped")
        #expect(shown[99] == "a.jsonl:100: malformed JSON at byte 4 (text after the value); line skipped")
        #expect(shown[100] == "a.jsonl: 150 more problems not shown")
        #expect(shown[101] == "b.jsonl:2: malformed JSON at byte 2 (expected a member name in quotes); line skipped")
        #expect(summary.issues == 251)
        #expect(try IndexReader(path: folder.file("index")).documentCount == 1)
    }

    /// Invalid UTF-8 in a JSON string is replaced and reported, the document kept; a line split across
    /// the reader's chunks (over 1 MiB) and a last line without a newline are read whole.
    @Test func jsonLinesWithInvalidUTF8AndLongLines() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.file("corpus"), withIntermediateDirectories: true)
        var bytes = Array(#"{"id":"a","body":"Le réemploi solidaire"}"#.utf8) + [0x0A]
        bytes += Array(#"{"id":"b","body":"La coop"#.utf8) + [0xC3, 0x28] + Array(#"rative \n abîmée"}"#.utf8) + [0x0A]
        bytes += Array(#"{"id":"c","body":""#.utf8) + Array(repeating: Array("mutuelle ".utf8), count: 300_000).joined() + Array(#""}"#.utf8) + [0x0A]
        bytes += Array(#"{"id":"d","title":"Dernière ligne"}"#.utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: folder.file("corpus/docs.jsonl")))
        let collector = Collector()
        _ = try IndexBuilder.build(paths: [folder.file("corpus")], output: folder.file("index"), observer: collector)
        #expect(collector.issues.map(\.description).map { $0.components(separatedBy: "corpus/").last! }
            == ["docs.jsonl:2: invalid UTF-8; invalid bytes replaced by U+FFFD"])
        let reader = try IndexReader(path: folder.file("index"))
        #expect(reader.documentCount == 4)
        #expect(try reader.storedFields(reader.document(id: "b")!).value(of: StandardField.body) == "La coop\u{FFFD}(rative \n abîmée")
        #expect(try reader.termInfo(field: StandardField.body, term: "mutuel")?.totalTermFreq == 300_000)
        #expect(try reader.storedFields(reader.document(id: "d")!).value(of: StandardField.title) == "Dernière ligne")
    }

    /// Numbers and arrays are text, as a page's front matter tags are, and an object's members are
    /// fields of their own (`meta.auteur`); a title or body of true or false is reported, not dropped
    /// without a word; null is as absent.
    @Test func jsonLinesNumbersArraysAndObjectsAreText() throws {
        let folder = try TemporaryFolder()
        let lines = [
            #"{"id":"a","title":["Guide","tome 2"],"body":["Premier paragraphe.","Second paragraphe."],"tags":["réemploi",["vélo"]],"année":2024,"prix":-2.5e1,"meta":{"auteur":"Marie","sources":[{"nom":"A"},{"nom":"B"}]}}"#,
            #"{"id":"b","title":{"fr":"Titre"},"text":true,"note":null,"ok":false,"vide":[],"mal nommé":{"x":"y"}}"#,
            #"{"id":null,"body":"Sans id"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder.file("docs.jsonl"), atomically: false, encoding: .utf8)
        let collector = Collector()
        _ = try IndexBuilder.build(paths: [folder.file("docs.jsonl")], output: folder.file("index"), observer: collector)
        #expect(collector.issues.map(\.description).map { $0.components(separatedBy: "/").last! }
            == [#"docs.jsonl:2: "text" is true or false, not text; left out"#,
                #"docs.jsonl:2: field "mal nommé.x" is indexed as "mal_nommé.x" (a field's name holds letters, digits, _ - and . only)"#])
        let reader = try IndexReader(path: folder.file("index"))
        #expect(reader.documentCount == 3)
        let a = try reader.storedFields(reader.document(id: "a")!)
        #expect(a.value(of: StandardField.title) == "Guide, tome 2")
        #expect(a.value(of: StandardField.body) == "Premier paragraphe.\n\nSecond paragraphe.")
        let field = { (name: String) in reader.meta.field(named: name) }
        for (name, value) in [("tags", "réemploi, vélo"), ("année", "2024"), ("prix", "-2.5e1"), ("meta.auteur", "Marie"), ("meta.sources.nom", "A, B")] {
            #expect(field(name).map { a.value(of: $0) } == value, "\(name)")
        }
        #expect(try field("année").flatMap { try reader.termInfo(field: $0, term: "2024") }?.docFreq == 1)
        #expect(try reader.termInfo(field: StandardField.body, term: "paragraph")?.totalTermFreq == 2)
        #expect(field("note") == nil && field("ok") == nil && field("vide") == nil && field("meta") == nil)
        let b = try reader.storedFields(reader.document(id: "b")!)
        #expect(b.value(of: StandardField.title) ?? "" == "" && b.value(of: StandardField.body) ?? "" == "")
        #expect(field("title.fr").map { b.value(of: $0) } == "Titre")
        #expect(field("mal_nommé.x").map { b.value(of: $0) } == "y")
        #expect(try reader.document(id: "docs.jsonl#3") != nil)
    }

    /// A key that is not a field's name is indexed under one that is, said once a file: a spreadsheet's
    /// export (`Date de publication`) is searchable, not lost.
    @Test func jsonLinesKeysThatAreNotFieldNamesAreRenamedOnce() throws {
        #expect(FieldName.usable("Date de publication") == "Date_de_publication")
        #expect(FieldName.usable("bad name!") == "bad_name")
        #expect(FieldName.usable("  prix (€) ") == "prix")
        #expect(FieldName.usable("2024") == "_2024")
        #expect(FieldName.usable("année") == "année")
        #expect(FieldName.usable("!?") == nil)
        #expect(FieldName.usable(String(repeating: "a", count: 65)) == nil)
        let folder = try TemporaryFolder()
        let lines = [
            #"{"id":"a","Date de publication":"2024","title!":"pas le titre","!?":"rien"}"#,
            #"{"id":"b","Date de publication":"2025","a b":"un","a_b":"deux"}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder.file("docs.jsonl"), atomically: false, encoding: .utf8)
        let collector = Collector()
        _ = try IndexBuilder.build(paths: [folder.file("docs.jsonl")], output: folder.file("index"), observer: collector)
        #expect(collector.issues.map(\.description).map { $0.components(separatedBy: "/").last! }
            == [#"docs.jsonl:1: field name "!?" holds no letter or digit, or is too long; field skipped in this file"#,
                #"docs.jsonl:1: field "Date de publication" is indexed as "Date_de_publication" (a field's name holds letters, digits, _ - and . only)"#,
                #"docs.jsonl:1: field "title!" is indexed as "title_" (a field's name holds letters, digits, _ - and . only)"#,
                #"docs.jsonl:2: field "a b" is indexed as "a_b" (a field's name holds letters, digits, _ - and . only)"#])
        let reader = try IndexReader(path: folder.file("index"))
        let a = try reader.storedFields(reader.document(id: "a")!)
        let b = try reader.storedFields(reader.document(id: "b")!)
        let field = { (name: String) in reader.meta.field(named: name)! }
        #expect(a.value(of: field("Date_de_publication")) == "2024" && b.value(of: field("Date_de_publication")) == "2025")
        #expect(a.value(of: field("title_")) == "pas le titre" && a.value(of: StandardField.title) == nil)
        #expect(b.value(of: field("a_b")) == "un, deux")
        #expect(try reader.termInfo(field: field("a_b"), term: "deux")?.docFreq == 1)
    }

    final class ProgressRecorder: IndexBuildObserver {
        var reports: [(documents: Int, bytesRead: Int, totalBytes: Int)] = []
        func progress(documents: Int, bytesRead: Int, totalBytes: Int) { reports.append((documents, bytesRead, totalBytes)) }
        func issue(_ issue: CorpusIssue) {}
        func phase(_ description: String) {}
    }

    /// A large JSON Lines file reports the bytes read as it goes, not only once it is done (its first
    /// report comes at its 64th document, 640 KB in, once the first 1 MiB chunk is read).
    @Test func aLargeJSONLinesFileReportsItsProgress() throws {
        let folder = try TemporaryFolder()
        let body = String(repeating: "la coopérative d’habitants ", count: 370)
        let lines = (0..<300).map { #"{"id":"d\#($0)","body":"\#(body)"}"# }
        try (lines.joined(separator: "\n") + "\n").write(toFile: folder.file("big.jsonl"), atomically: false, encoding: .utf8)
        let recorder = ProgressRecorder()
        _ = try IndexBuilder.build(paths: [folder.file("big.jsonl")], output: folder.file("index"), observer: recorder)
        let total = recorder.reports.last!.totalBytes
        #expect(total > 3_000_000)
        #expect(recorder.reports.contains { $0.documents < 300 && $0.bytesRead > 0 && $0.bytesRead < total }, "\(recorder.reports)")
        #expect(recorder.reports.last!.bytesRead == total)
    }

    @Test func strictModePublishesNothing() throws {
        let folder = try TemporaryFolder()
        let corpus = try Self.messyCorpus(in: folder)
        let output = folder.file("index")
        _ = try IndexBuilder.build(paths: [Fixtures.corpusFolder.path], output: output)
        var options = IndexBuildOptions()
        options.strict = true
        #expect(throws: CorpusIssue.self) { try IndexBuilder.build(paths: [corpus], output: output, options: options) }
        #expect(try IndexReader(path: output).documentCount == 89)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["corpus", "index"])
    }

    @Test func refusesToReplaceSomethingThatIsNotAnIndex() throws {
        let folder = try TemporaryFolder()
        let precious = folder.file("precious")
        try FileManager.default.createDirectory(atPath: precious, withIntermediateDirectories: true)
        try "do not delete".write(toFile: precious + "/notes.txt", atomically: false, encoding: .utf8)
        #expect(throws: IndexError.self) { try IndexBuilder.build(paths: [Fixtures.corpusFolder.path], output: precious) }
        #expect(try String(contentsOfFile: precious + "/notes.txt", encoding: .utf8) == "do not delete")
    }

    @Test func anEmptyCorpusIsAnErrorAndPublishesNothing() throws {
        let folder = try TemporaryFolder()
        let empty = folder.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        #expect(throws: IndexError.self) { try IndexBuilder.build(paths: [empty], output: folder.file("index")) }
        #expect(!FileManager.default.fileExists(atPath: folder.file("index")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["empty"])
    }

    /// French text saved as Windows-1252 (`é` as the byte E9) is read as such, with an issue, instead of
    /// losing every accented letter to U+FFFD; UTF-8 with a few bad bytes keeps its replacements.
    @Test func windows1252TextIsReadAsWindows1252() throws {
        let text = "Première ligne.\nL’Économie sociale : l’œuvre des coopératives, 2,5 M€… « déjà » à Besançon, où ça va.\n"
        let codes: [Character: UInt8] = ["è": 0xE8, "’": 0x92, "É": 0xC9, "œ": 0x9C, "é": 0xE9, "€": 0x80, "…": 0x85, "«": 0xAB,
                                         "»": 0xBB, "à": 0xE0, "ç": 0xE7, "ù": 0xF9]
        let bytes = text.flatMap { character in codes[character].map { [$0] } ?? Array(String(character).utf8) }
        #expect(bytes.allSatisfy { $0 < 0x80 || codes.values.contains($0) })
        var issues: [String] = []
        #expect(Corpus.decode(bytes, file: "ancien.txt", line: 1, issue: { issues.append($0.description) }) == text)
        #expect(issues == ["ancien.txt:1: not UTF-8; read as Windows-1252 (Latin-1)"])
        // The five bytes Windows-1252 leaves undefined read as the control characters of their number.
        #expect(LegacyCharset.windows1252.decode([0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x9F, 0xA0, 0xFF]).unicodeScalars.map(\.value)
                == [0x81, 0x8D, 0x8F, 0x90, 0x9D, 0x178, 0xA0, 0xFF])

        // Mostly UTF-8: the bad bytes are replaced, and the line of the first one is named.
        issues = []
        let damaged = Array("Première\nDeuxième où l’on coopère ".utf8) + [0xE9] + Array(" fin".utf8)
        #expect(Corpus.decode(damaged, file: "abime.txt", line: 1, issue: { issues.append($0.description) })
                == "Première\nDeuxième où l’on coopère \u{FFFD} fin")
        #expect(issues == ["abime.txt:2: invalid UTF-8; invalid bytes replaced by U+FFFD"])
    }

    /// The same French text saved by a Unix system in Latin-9 (`œ` as BD, `€` as A4) or by a classic
    /// Mac in Mac OS Roman (`é` as 8E) is read in that charset, told by which one reads the bytes beside
    /// letters as French letters; a Latin-1 text whose `½` stands between digits stays Latin-1.
    @Test func latin9AndMacRomanTextsAreToldApart() throws {
        #expect(LegacyCharset.latin9.decode([0xA4, 0xBC, 0xBD, 0xBE, 0xE9, 0x92]) == "€ŒœŸé\u{92}")
        #expect(LegacyCharset.macRoman.decode([0x8E, 0x8F, 0x88, 0x8D, 0x90, 0x99, 0x9D, 0xCE, 0xCF, 0xD5, 0xDB, 0xC7, 0xC8, 0x83])
                == "éèàçêôùŒœ’€«»É")
        let text = "Le cœur de l’œuvre : Œuvres à 5 €, déjà vues à Besançon. ÉCONOMIE SOCIALE où ça va.\n"
        var issues: [String] = []
        for (charset, name) in [(LegacyCharset.latin9, "iso-8859-15"), (.macRoman, "macintosh"), (.windows1252, "windows-1252")] {
            let bytes = Array(encoded(text, charset))
            #expect(Corpus.decode(bytes, file: "\(name).txt", line: 1, issue: { issues.append($0.description) }) == text
                    .replacingOccurrences(of: "’", with: charset == .latin9 ? "'" : "’"))
            // Declared by a page, a charset is read without an issue, whatever the bytes suggest.
            #expect(Corpus.decode(bytes, file: "page.html", line: 1, declaredCharset: name, issue: { issues.append($0.description) })
                    == charset.decode(bytes))
        }
        #expect(issues == ["iso-8859-15.txt:1: not UTF-8; read as ISO-8859-15 (Latin-9)",
                           "macintosh.txt:1: not UTF-8; read as Mac OS Roman",
                           "windows-1252.txt:1: not UTF-8; read as Windows-1252 (Latin-1)"])
        issues = []
        let fractions = Array("Ajouter 1".utf8) + [0xBD] + Array(" litre d".utf8) + [0x92] + Array("eau, ".utf8) + [0xBC] + Array(" de sel.".utf8)
        #expect(Corpus.decode(fractions, file: "recette.txt", line: 1, issue: { issues.append($0.description) })
                == "Ajouter 1½ litre d’eau, ¼ de sel.")
        #expect(issues == ["recette.txt:1: not UTF-8; read as Windows-1252 (Latin-1)"])
        // A letter beside its word's letters only after it; a Mac's `œ` (CF), which Windows-1252
        // reads as a capital (`cÏur`), beside lowercase letters.
        #expect(Corpus.decode(Array("Une ".utf8) + [0xBD] + Array("uvre ".utf8) + [0xE0] + Array(" voir".utf8), file: "a.txt", line: 1,
                              issue: { _ in }) == "Une œuvre à voir")
        #expect(Corpus.decode(Array(encoded("Le cœur de ma sœur.", .macRoman)), file: "b.txt", line: 1, issue: { _ in }) == "Le cœur de ma sœur.")
        // A charset neither fts nor ICU reads is said, and the bytes are read as if undeclared; UTF-8
        // declared is read as UTF-8.
        issues = []
        #expect(Corpus.decode(Array(encoded(text, .windows1252)), file: "page.html", line: 1, declaredCharset: "x-mac-nulle-part",
                              issue: { issues.append($0.description) }) == text)
        let damaged = Array("Première où l’on coopère ".utf8) + [0xE9] + Array(" fin".utf8)
        #expect(Corpus.decode(damaged, file: "page.html", line: 1, declaredCharset: "utf-8", issue: { issues.append($0.description) })
                == "Première où l’on coopère \u{FFFD} fin")
        #expect(issues == ["page.html:1: not UTF-8; read as Windows-1252 (Latin-1); its declared charset \"x-mac-nulle-part\" is not one fts reads",
                           "page.html:1: invalid UTF-8; invalid bytes replaced by U+FFFD"])
    }

    /// The text in a single-byte charset, each character as the byte that charset reads as it (an
    /// apostrophe for `’` where it has none).
    private func encoded(_ text: String, _ charset: LegacyCharset) -> [UInt8] {
        let bytes = (0x80...0xFF).map { UInt8($0) }
        let byteOf = Dictionary(bytes.map { (charset.scalar($0), $0) }, uniquingKeysWith: { first, _ in first })
        return text.unicodeScalars.map { scalar in
            scalar.isASCII ? UInt8(scalar.value) : byteOf[scalar] ?? UInt8(ascii: "'")
        }
    }

    /// UTF-16 with its byte order mark (Windows Notepad's "Unicode"), either byte order, is read as such.
    @Test func utf16WithAByteOrderMarkIsReadAsUTF16() throws {
        let text = "L’économie sociale\nà Besançon 😀\n"
        let units = Array(text.utf16)
        let little: [UInt8] = [0xFF, 0xFE] + units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let big: [UInt8] = [0xFE, 0xFF] + units.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        var issues: [String] = []
        #expect(Corpus.decode(little, file: "le.txt", line: 1, issue: { issues.append($0.description) }) == text)
        #expect(Corpus.decode(big, file: "be.txt", line: 1, issue: { issues.append($0.description) }) == text)
        #expect(issues.isEmpty)
        // A lone surrogate on the second line, and an odd last byte.
        let damaged = little.prefix(2 + 2 * 19) + [0x00, 0xD8] + little.dropFirst(2 + 2 * 19) + [0x41]
        let decoded = Corpus.decode(Array(damaged), file: "abime.txt", line: 1, issue: { issues.append($0.description) })
        #expect(decoded == "L’économie sociale\n\u{FFFD}à Besançon 😀\n\u{FFFD}")
        #expect(issues == ["abime.txt:2: invalid UTF-16; invalid code units replaced by U+FFFD"])
    }

    /// A file whose name is not UTF-8 cannot be opened through a Swift path: it is reported, not
    /// silently left out.
    @Test func aFileNameThatIsNotUTF8IsReported() throws {
        let folder = try TemporaryFolder()
        try "Un texte sur l’économie sociale.".write(toFile: folder.file("normal.txt"), atomically: false, encoding: .utf8)
        let name = Array(folder.path.utf8) + Array("/caf".utf8) + [0xE9] + Array(".txt".utf8) + [0]
        let descriptor = name.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
        #expect(descriptor >= 0)
        close(descriptor)
        defer { _ = name.withUnsafeBufferPointer { unlink(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self)) } }
        let (files, issues) = Corpus.files(in: [folder.path])
        #expect(files.map(\.name) == ["normal.txt"])
        #expect(issues.map(\.message) == ["skipped: the name is not valid UTF-8 (rename it to index it)"])
        #expect(issues.first?.file.hasSuffix("/caf\u{FFFD}.txt") == true)
    }

    /// Links are followed, but each folder and file is walked once: two links back to a parent made
    /// the walk exponential (2^40 paths before the system refused them), and a link to a file indexed
    /// it twice.
    @Test func linkLoopsAndDuplicatesAreWalkedOnce() throws {
        let folder = try TemporaryFolder()
        let manager = FileManager.default
        try manager.createDirectory(atPath: folder.file("corpus/sub"), withIntermediateDirectories: true)
        try "Un texte sur l’économie sociale.".write(toFile: folder.file("corpus/sub/a.txt"), atomically: false, encoding: .utf8)
        try manager.createSymbolicLink(atPath: folder.file("corpus/sub/loop"), withDestinationPath: "..")
        try manager.createSymbolicLink(atPath: folder.file("corpus/sub/loop2"), withDestinationPath: "..")
        try manager.createSymbolicLink(atPath: folder.file("corpus/sub/same.txt"), withDestinationPath: "a.txt")
        let corpus = folder.file("corpus")
        let (files, issues) = Corpus.files(in: [corpus, corpus + "/sub/a.txt"])
        #expect(files.map(\.name) == ["sub/a.txt"])
        #expect(issues.map(\.description).sorted() == [
            corpus + "/sub/a.txt: skipped: the same file as " + corpus + "/sub/a.txt",
            corpus + "/sub/loop2: skipped: the same folder as " + corpus,
            corpus + "/sub/loop: skipped: the same folder as " + corpus,
            corpus + "/sub/same.txt: skipped: the same file as " + corpus + "/sub/a.txt",
        ])
    }

    /// The files of a folder that no reader takes are counted by type, so that a build can say what it
    /// left out; hidden files, folders, and files read are not counted, and a path given by name that
    /// no reader takes stays an issue.
    @Test func filesOfOtherTypesAreCountedByType() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.file("corpus/notes/.git"), withIntermediateDirectories: true)
        for name in ["a.txt", "b.JPG", "c.jpg", "notes/d.org", "notes/e.rst", "notes/Makefile", "notes/f.tar.gz", "notes/.cache",
                     "notes/.git/config", "notes/g.md"] {
            try "jardin".write(toFile: folder.file("corpus/" + name), atomically: false, encoding: .utf8)
        }
        let walk = Corpus.walk([folder.file("corpus"), folder.file("corpus/notes/e.rst")])
        #expect(walk.files.map(\.name) == ["a.txt", "notes/g.md"])
        #expect(walk.leftOut == [".jpg": 2, ".org": 1, ".rst": 1, "no extension": 1, ".gz": 1])
        #expect(walk.issues.count == 1 && walk.issues[0].file == folder.file("corpus/notes/e.rst"))
        #expect(Corpus.leftOutType(of: "x.") == "no extension" && Corpus.leftOutType(of: "LISEZMOI") == "no extension")
    }

    /// A file reached through a link is its target, size and time: what the progress counts and what
    /// `searchd --watch` compares.
    @Test func aLinkedFileIsItsTarget() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.file("corpus"), withIntermediateDirectories: true)
        let text = "Un texte rangé hors du corpus, sur l’économie sociale et solidaire."
        try text.write(toFile: folder.file("dehors.txt"), atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.file("corpus/lien.txt"), withDestinationPath: folder.file("dehors.txt"))
        let (files, issues) = Corpus.files(in: [folder.file("corpus")])
        #expect(issues.isEmpty && files.map(\.name) == ["lien.txt"])
        #expect(files.first?.size == text.utf8.count)
        #expect(files.first?.status == FileStatus(path: folder.file("dehors.txt")))
    }

    /// A named pipe called like a corpus file is skipped: opening it to read waits for a writer, which
    /// hung the build.
    @Test func aPipeNamedLikeACorpusFileIsSkipped() throws {
        let folder = try TemporaryFolder()
        try "Un texte sur l’économie sociale.".write(toFile: folder.file("a.txt"), atomically: false, encoding: .utf8)
        #expect(mkfifo(folder.file("pipe.jsonl"), 0o644) == 0)
        let (files, issues) = Corpus.files(in: [folder.path, folder.file("pipe.jsonl")])
        #expect(files.map(\.name) == ["a.txt"])
        #expect(issues.map(\.description) == [folder.file("pipe.jsonl") + ": " + Corpus.notRegular,
                                              folder.file("pipe.jsonl") + ": " + Corpus.notRegular])
    }

    /// A link to nothing and a loop of links are reported, as grep reports them, where they would
    /// have been read: a file of a known type, or a folder. A file out of reach says so.
    @Test func linksThatLeadNowhereAreReported() throws {
        let folder = try TemporaryFolder()
        try "Un texte sur l’économie sociale.".write(toFile: folder.file("a.txt"), atomically: false, encoding: .utf8)
        #expect(symlink("/nonexistent/b.txt", folder.file("b.txt")) == 0)
        #expect(symlink("/nonexistent", folder.file("gone")) == 0)
        #expect(symlink("/nonexistent", folder.file("gone.png")) == 0)
        #expect(symlink("d.md", folder.file("c.md")) == 0 && symlink("c.md", folder.file("d.md")) == 0)
        let (files, issues) = Corpus.files(in: [folder.path])
        #expect(files.map(\.name) == ["a.txt"])
        #expect(issues.map(\.description) == [folder.file("b.txt") + ": skipped: a link to /nonexistent/b.txt, which does not exist",
                                              folder.file("c.md") + ": skipped: a loop of links",
                                              folder.file("d.md") + ": skipped: a loop of links",
                                              folder.file("gone") + ": skipped: a link to /nonexistent, which does not exist"])
        #expect(FileStatus.unreachable(folder.file("a.txt")) == nil && FileStatus.unreachable(folder.file("e.txt")) == nil)
    }

    /// A gzip file cut short is reported as such: zlib ends it as it ends a whole one. The documents
    /// before the cut are indexed.
    @Test func aTruncatedGzipFileIsReported() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("docs.jsonl")
        try IndexFixtures.generateGzipCorpus(at: corpus, documents: 400, seed: 4, keep: false)
        let whole = try Data(contentsOf: URL(fileURLWithPath: corpus + ".gz"))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: corpus + ".gz"))
        let collector = Collector()
        _ = try IndexBuilder.build(paths: [corpus + ".gz"], output: folder.file("index"), observer: collector)
        #expect(collector.issues.map(\.description) == [corpus + ".gz: gzip data is truncated; the documents before the cut are indexed"])
        let documents = try IndexReader(path: folder.file("index")).documentCount
        #expect(documents > 100 && documents < 400)
    }
}
