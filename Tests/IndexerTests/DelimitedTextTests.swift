import Foundation
import Testing
@testable import Indexer
import TestSupport

/// CSV and TSV tables are read a document a row, their header naming the fields.
@Suite struct DelimitedTextTests {
    func rows(_ text: String, separator: UInt8 = 0x2C) -> (rows: [[String]], lines: [Int], unclosed: Int?) {
        var rows: [[String]] = [], lines: [Int] = []
        var text = text
        let unclosed = text.withUTF8 { bytes in
            DelimitedText.rows(bytes, separator: separator) { rows.append($0.values); lines.append($0.line) }
        }
        return (rows, lines, unclosed)
    }

    /// RFC 4180's quoting: separators, line breaks and `""` inside quotes; each row at the line it
    /// starts, whatever ends the lines; blank lines skipped; a last line without its line break read.
    @Test func rowsAreReadAsRFC4180Writes() {
        let table = rows("a,b,c\r\n\"x, y\",\"deux\r\nlignes\",\"un \"\"mot\"\"\"\r\n\r\n,,\nfin,\"\",z")
        #expect(table.rows == [["a", "b", "c"], ["x, y", "deux\nlignes", "un \"mot\""], ["", "", ""], ["fin", "", "z"]])
        #expect(table.lines == [1, 2, 5, 6])
        #expect(table.unclosed == nil)
        // Classic Mac OS's Excel ended lines with `\r` alone.
        #expect(rows("a;b\r1;\"2\r3\"\r4;5", separator: 0x3B).lines == [1, 2, 4])
        // What follows a closing quote is kept, as spreadsheets read it; a quote inside a value is text.
        #expect(rows("\"a\"b,c\"d\"").rows == [["ab", "c\"d\""]])
        // A quote never closed: the line it opens at, and its row not given.
        let cut = rows("a,b\n1,2\n3,\"quatre\n5,6\n")
        #expect(cut.rows == [["a", "b"], ["1", "2"]] && cut.unclosed == 3)
    }

    /// A table read a piece at a time, cut anywhere (inside `\r\n`, `""`, a quoted value, a character of
    /// several bytes), gives the rows it gives read whole; damaged UTF-8 is replaced and its row said.
    @Test func rowsReadInPiecesAreTheRowsReadWhole() {
        let text = Array("a,b,c\r\n\"x, y\",\"deux\r\nlignes\",\"un \"\"mot\"\"\"\r\n\r\nété,\"\",œuvre\rfin,\"ça\nva\"".utf8)
        func read(_ bytes: [UInt8], pieces size: Int) -> (rows: [[String]], lines: [Int], unclosed: Int?, repaired: Int?) {
            var reader = DelimitedText.Reader(separator: 0x2C, charset: nil)
            var rows: [[String]] = [], lines: [Int] = []
            for start in stride(from: 0, to: bytes.count, by: size) {
                bytes[start..<min(start + size, bytes.count)].withUnsafeBufferPointer { piece in
                    reader.read(piece) { rows.append($0.values); lines.append($0.line) }
                }
            }
            let unclosed = reader.finish { rows.append($0.values); lines.append($0.line) }
            return (rows, lines, unclosed, reader.firstRepairedLine)
        }
        let whole = read(text, pieces: text.count)
        #expect(whole.rows == [["a", "b", "c"], ["x, y", "deux\nlignes", "un \"mot\""], ["été", "", "œuvre"], ["fin", "ça\nva"]])
        #expect(whole.lines == [1, 2, 5, 6] && whole.unclosed == nil && whole.repaired == nil)
        for size in 1...9 {
            let pieces = read(text, pieces: size)
            #expect(pieces.rows == whole.rows && pieces.lines == whole.lines && pieces.unclosed == nil, "pieces of \(size)")
        }
        let damaged = read(Array("a\nb\nc\u{FF}d\n".utf8.prefix(5)) + [0xFF] + Array("d\n".utf8), pieces: 2)
        #expect(damaged.rows == [["a"], ["b"], ["c\u{FFFD}d"]] && damaged.repaired == 3)
        #expect(read(Array("a,\"b\nc".utf8), pieces: 3).unclosed == 1)
    }

    /// A CSV's separator is the one its first line holds most of outside quotes: a French Excel writes
    /// semicolons, its decimal separator being the comma.
    @Test func theSeparatorIsTheFirstLines() {
        func separator(_ text: String) -> UInt8 {
            var text = text
            return text.withUTF8 { DelimitedText.separator(ofFirstLine: $0) }
        }
        #expect(separator("titre;prix;\"a,b,c\"\n1,5;2,5;x") == 0x3B)
        #expect(separator("title,body\na;b;c;d") == 0x2C)
        #expect(separator("id\ttitle\tbody") == 0x09)
        #expect(separator("titre") == 0x2C)
        #expect(separator("a;b,c") == 0x2C)
    }

    /// Each row a document: `id`, `title`, `body` (or `text`) in any case as a JSON Lines document's,
    /// the other columns fields under their names (made field names as JSON keys are), empty values
    /// left out; rows with values past the header's columns reported and skipped, as an unnamed
    /// column's values and what follows a quote never closed.
    @Test func aTableReadsAsADocumentARow() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        // A French Excel's CSV: semicolons, Windows-1252, CRLF.
        let csv = "Titre;Body;Ville;Année de création;\r\n\"Jardin partagé\";\"Un jardin; ouvert\r\nà tous\";Lyon;2021;x\r\n"
            + "Ressourcerie;Réemploi solidaire;;2019;\r\n;;Paris;;;en trop\r\n"
        try Data(csv.data(using: .windowsCP1252)!).write(to: URL(fileURLWithPath: corpus + "/lieux.csv"))
        // Excel's "Unicode text": UTF-16 with its byte order mark, tabs.
        let tsv = "ID\tTITLE\ttext\ttags\n7\tLa mer\tLe bord de mer\tplage\n8\tLe lac\t\"Un lac\n"
        try Data([0xFF, 0xFE] + Array(tsv.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(to: URL(fileURLWithPath: corpus + "/eaux.tsv"))
        var documents: [SourceDocument] = [], issues: [String] = []
        for file in Corpus.files(in: [corpus]).files {
            try Corpus.read(file, document: { documents.append($0) }, issue: { issues.append($0.description.components(separatedBy: "corpus/").last!) })
        }
        #expect(documents == [
            SourceDocument(id: "7", path: corpus + "/eaux.tsv", line: 2, title: "La mer", body: "Le bord de mer",
                           extraFields: [SourceDocument.Field(name: "tags", value: "plage")]),
            // A French header's `Titre` is the title.
            SourceDocument(id: "lieux.csv#2", path: corpus + "/lieux.csv", line: 2, title: "Jardin partagé", body: "Un jardin; ouvert\nà tous",
                           extraFields: [SourceDocument.Field(name: "Ville", value: "Lyon"), SourceDocument.Field(name: "Année_de_création", value: "2021")]),
            SourceDocument(id: "lieux.csv#4", path: corpus + "/lieux.csv", line: 4, title: "Ressourcerie", body: "Réemploi solidaire", extraFields: [
                SourceDocument.Field(name: "Année_de_création", value: "2019"),
            ]),
        ])
        #expect(issues == [
            "eaux.tsv:3: a quote opened here is never closed; the rest of the table skipped",
            "lieux.csv:1: not UTF-8; read as Windows-1252 (Latin-1)",
            "lieux.csv:1: column 5 has no name in the header; its values are left out",
            "lieux.csv:2: field \"Année de création\" is indexed as \"Année_de_création\" (a field's name holds letters, digits, _ - and . only)",
            "lieux.csv:5: 6 values where the header names 5 columns; row skipped",
        ])
    }

    /// A table's and a JSON object's title and body are read from their French names (`titre`; `texte`,
    /// else `contenu`) when the English ones are absent; present beside them, the French ones are
    /// fields of their own.
    @Test func frenchNamesTitleAndBody() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        try "TITRE,Contenu,ville\nLa mer,Le bord de mer,Brest\n".write(toFile: corpus + "/a.csv", atomically: false, encoding: .utf8)
        try "title,titre,texte,body\nThe sea,La mer,Le bord,The shore\n".write(toFile: corpus + "/b.csv", atomically: false, encoding: .utf8)
        try ("{\"titre\": \"Le lac\", \"texte\": [\"Un lac\", \"bleu\"], \"contenu\": \"x\"}\n"
             + "{\"title\": \"Lake\", \"titre\": \"Lac\", \"text\": \"A lake\", \"contenu\": \"y\"}\n")
            .write(toFile: corpus + "/c.jsonl", atomically: false, encoding: .utf8)
        var documents: [SourceDocument] = []
        for file in Corpus.files(in: [corpus]).files {
            try Corpus.read(file, document: { documents.append($0) }, issue: { Issue.record("\($0)") })
        }
        func field(_ name: String, _ value: String) -> SourceDocument.Field { SourceDocument.Field(name: name, value: value) }
        #expect(documents.map(\.title) == ["La mer", "The sea", "Le lac", "Lake"])
        #expect(documents.map(\.body) == ["Le bord de mer", "The shore", "Un lac\n\nbleu", "A lake"])
        #expect(documents.map(\.extraFields) == [[field("ville", "Brest")], [field("titre", "La mer"), field("texte", "Le bord")],
                                                 [field("contenu", "x")], [field("contenu", "y"), field("titre", "Lac")]])
    }

    /// A gzip-compressed table (`.csv.gz`, `.tsv.gz`, as databases export them) reads as the table.
    @Test func aCompressedTableReadsAsTheTable() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        try "id,title\n1,La mer\n2,\"Le lac\"\n".write(toFile: corpus + "/eaux.csv", atomically: false, encoding: .utf8)
        try IndexFixtures.compress(corpus + "/eaux.csv")
        let files = Corpus.files(in: [corpus]).files
        #expect(files.map(\.name) == ["eaux.csv.gz"])
        var documents: [SourceDocument] = []
        try Corpus.read(files[0], document: { documents.append($0) }, issue: { Issue.record("\($0)") })
        #expect(documents.map(\.id) == ["1", "2"] && documents.map(\.title) == ["La mer", "Le lac"] && documents.map(\.line) == [2, 3])
    }
}
