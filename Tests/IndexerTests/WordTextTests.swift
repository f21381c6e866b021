import Foundation
import Testing
@testable import Indexer
import TestSupport

/// Word 97–2003 documents are read in process, as the pages they show, and one that cannot be read
/// is an issue, never a trap.
@Suite struct WordTextTests {
    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/office/\(name)", withExtension: nil)!.path
    }

    static func page(_ bytes: [UInt8]) -> Result<(html: String, properties: DocumentProperties), WordText.Failure> {
        Result { () throws(WordText.Failure) in try WordText.page(of: bytes) }
    }

    /// A document LibreOffice saved as .doc from a flat one written by hand (Fixtures/office/README.md):
    /// the Title paragraph, headings by their styles, a list, footnote and endnote where they are
    /// cited, a field's result and not its code, text outside the Latin-1 range, a table with an
    /// empty cell and a table in a cell, the text box after the text; hidden text (by its own
    /// formatting and by a character style), a deleted revision, a comment, the header and the
    /// footer not shown; the summary's properties as fields.
    @Test func aWordDocumentReadsAsItsPage() throws {
        let documents = try OfficeTextTests.read("bilan.doc", try OfficeTextTests.fixture("bilan.doc")).get()
        #expect(documents.map(\.title) == ["Le rapport du jardin", "Première partie", "Seconde partie"])
        #expect(documents.map(\.line) == [1, 2, 8])
        #expect(documents.map(\.body) == [
            "Une introduction, écrite en français, avec “guillemets”, un 😊, du grec ἀλήθεια et une espace insécable.",
            "Un paragraphe visible, un lien le lien et la page 1.\n\n- Premier point Une note. En deux paragraphes.\n- Second point Une note de fin.\n\n"
                + "Une sous-partie\n\nTexte de la sous-partie\nsur deux lignes.",
            "Nom Valeur\n\nClichy-sous-Bois (93) dedans aussi 3,5 %\n\nFin du rapport.\n\nTexte de la zone",
        ])
        #expect(documents[0].extraFields == [
            SourceDocument.Field(name: "author", value: "Marie Dupont", items: ["Marie Dupont"]),
            SourceDocument.Field(name: "description", value: "Un rapport"),
            SourceDocument.Field(name: "keywords", value: "jardin, semis", items: ["jardin", "semis"]),
            SourceDocument.Field(name: "date", value: "2024-03-15T10:20:30Z", indexed: false),
        ])
        // A document of 60 words, which antiword, read before, refused as too small.
        let short = try OfficeTextTests.read("court.doc", try OfficeTextTests.fixture("court.doc")).get()
        #expect(short.map(\.title) == ["Titre des propriétés"])
        #expect(short.map(\.body) == [Array(repeating: "mot", count: 60).joined(separator: " ") + "."])
    }

    /// A paragraph style that hides its text (Fixtures/office/README.md: `consignes.fodt` saved by
    /// LibreOffice as .doc, .docx and .odt): its paragraphs are left out, but for a span shown again
    /// by its own style, which stays a paragraph of its own; each format reads the same.
    @Test func aParagraphStyleThatHidesItsTextHidesItInEveryFormat() throws {
        for name in ["consignes.doc", "consignes.docx", "consignes.odt"] {
            let documents = try OfficeTextTests.read(name, try OfficeTextTests.fixture(name)).get()
            #expect(documents.map(\.body) == [
                "Une fiche avec assez de mots pour faire une entrée à elle seule, et une consigne cachée.\n\nsauf ceci\n\n"
                    + "La fin de la fiche, avec elle aussi assez de mots.",
            ], "\(name)")
        }
    }

    /// Word's own ways, in a document written here: the text in two pieces, one of Windows-1252
    /// bytes (a non-breaking hyphen among them) and one of UTF-16, kept in a compound file of
    /// 4,096-byte sectors whose FAT is listed in a DIFAT sector, then of 512-byte sectors; the
    /// summary's title in the code page it names.
    @Test func piecesOfBothKindsReadAsOneText() throws {
        for version in [3, 4] {
            let file = CompoundFileWriter.file([("WordDocument", WordFile.document()), ("1Table", WordFile.table())], version: version,
                                               difatSectors: version == 4 ? 2 : 0)
            #expect(try Self.page(file).get().html == "<p>L’été-là ἀλήθεια lien fin</p>", "version \(version)")
        }
        // Each code page: café, then кафе in Cyrillic (1251) and Łódź in Central European (1250), through ICU.
        let titles: [(codePage: Int, bytes: [UInt8], text: String)] = [
            (1252, [0x63, 0x61, 0x66, 0xE9], "café"), (10000, [0x63, 0x61, 0x66, 0x8E], "café"), (65001, Array("café".utf8), "café"),
            (1200, "café".utf16.flatMap { le16(Int($0)) }, "café"), (1251, [0xEA, 0xE0, 0xF4, 0xE5], "кафе"), (1250, [0xA3, 0xF3, 0x64, 0x9F], "Łódź"),
        ]
        for title in titles {
            let summary = WordFile.summary(title: title.bytes, codePage: title.codePage)
            let file = CompoundFileWriter.file([("WordDocument", WordFile.document()), ("1Table", WordFile.table()), ("\u{5}SummaryInformation", summary)],
                                               version: 3)
            #expect(try Self.page(file).get().html == "<title>\(title.text)</title><p>L’été-là ἀλήθεια lien fin</p>", "code page \(title.codePage)")
        }
    }

    /// A run of property modifiers is walked by each one's operand size, told by its code (and, for
    /// the variable ones, by their first byte, or two for a table's definition).
    @Test func propertyModifiersAreWalkedByTheirSizes() throws {
        let grpprl: [UInt8] = le16(0x6649) + le32(2) + le16(0x2416) + [1] + le16(0xD608) + le16(260) + [UInt8](repeating: 9, count: 259) + le16(0x2417) + [1]
            + le16(0xE601) + [7, 7, 7] + le16(0x460B) + le16(3) + le16(0xC601) + [2, 8, 8] + le16(0x2640) + [0] + le16(0x2416)
        var seen: [Int] = []
        try WordText.forEachSprm(LittleEndianBytes(grpprl), from: 0, to: grpprl.count) { sprm, _ in seen.append(sprm) }
        // The last one's operand is missing: it is not read.
        #expect(seen == [0x6649, 0x2416, 0xD608, 0x2417, 0xE601, 0x460B, 0xC601, 0x2640])
        // A toggle's operands: off, on, the style's, the style's opposite.
        #expect([0, 1, 0x80, 0x81].map(WordText.toggle) == [false, true, nil, true])
    }

    /// A style is a heading by Word's built-in identifier, else by its name in English, else by the
    /// style it is based on.
    @Test func stylesAreHeadingsByIdentifierNameOrBase() {
        #expect(WordText.headingLevel(identifier: 2, name: "Titre 2") == 2)
        #expect(WordText.headingLevel(identifier: 62, name: "Titre") == 0)
        #expect(WordText.headingLevel(identifier: 0xFFE, name: "Heading 3") == 3)
        #expect(WordText.headingLevel(identifier: 0xFFE, name: "Title") == 0)
        #expect(WordText.headingLevel(identifier: 0xFFE, name: "heading 10") == nil)
        #expect(WordText.headingLevel(identifier: 0, name: "Normal") == nil)
        let levels = WordText.inherited([(nil, 0xFFF), (1, 0), (nil, 1), (nil, 2), (nil, 5), (nil, 4)])
        #expect(levels == [1: 1, 2: 1, 3: 1])
    }

    /// What cannot be read says why: another format under the name, a compound file without a Word
    /// document, Word 6 and 95, encryption, a piece table out of order, a file cut short.
    @Test func aDocumentThatCannotBeReadSaysWhy() throws {
        func reason(_ bytes: [UInt8]) -> String? {
            guard case .failure(let failure) = Self.page(bytes) else { return nil }
            return failure.reason
        }
        #expect(reason(Array("Un texte, pas un document Word.".utf8)) == "not a compound file (no OLE2 signature)")
        #expect(reason([UInt8](try OfficeTextTests.fixture("fiche.docx"))) == "not a compound file (no OLE2 signature)")
        #expect(reason(CompoundFileWriter.file([("Workbook", [UInt8](repeating: 0, count: 4_096))], version: 3))
            == "not a Word document (no WordDocument stream)")
        #expect(reason(CompoundFileWriter.file([("WordDocument", WordFile.document())], version: 3)) == "not a Word document (no 1Table stream)")
        func word(_ document: [UInt8]) -> [UInt8] { CompoundFileWriter.file([("WordDocument", document), ("1Table", WordFile.table())], version: 3) }
        #expect(reason(word(WordFile.document(version: 0x68))) == "a document of Word 95 or before: only Word 97 and later are read")
        #expect(reason(word(WordFile.document(flags: 0x0300))) == "an encrypted Word document: not read")
        #expect(reason(CompoundFileWriter.file([("WordDocument", WordFile.document()), ("1Table", WordFile.table(cps: [0, 9, 6]))], version: 3))
            == "the Word document's piece table is damaged")
        #expect(reason(CompoundFileWriter.file([("WordDocument", WordFile.document()), ("1Table", WordFile.table())], version: 3, declaredExtra: 512))
            == "a stream of the compound file is cut short")
        let fiche = [UInt8](try OfficeTextTests.fixture("fiche.doc"))
        #expect(reason(Array(fiche[..<(fiche.count / 2)])) == "the file is cut short or damaged (a structure runs past its end)")
        #expect(reason(fiche) == nil)
    }

    /// Any damage to a document's bytes (bounds and overflow checked in debug builds): an issue or
    /// its page, never a trap nor a hang; the damage reaches both outcomes.
    @Test func anyDamageReadsWithoutTrapping() throws {
        var random = SplitMix64(seed: 97)
        var outcomes = DamageOutcomes()
        for name in ["fiche.doc", "bilan.doc"] {
            // Half the changes among the first sectors: the header, the FAT, the directory and the FIB.
            outcomes.read(damagedCopiesOf: [UInt8](try OfficeTextTests.fixture(name)), rounds: 600, head: 3_072, random: &random) {
                if case .success = Self.page($0) { true } else { false }
            }
        }
        #expect(outcomes.read > 100 && outcomes.refused > 100, "\(outcomes)")
    }
}

/// A Word 97 document's WordDocument and table streams written here ([MS-DOC]): a FIB, and text in
/// two pieces, `L’été-là ` as Windows-1252 bytes (its hyphen a non-breaking one) and, as UTF-16,
/// `ἀλήθεια`, a field with a result, one without, and a paragraph mark.
enum WordFile {
    static let compressedText: [UInt8] = [0x4C, 0x92, 0xE9, 0x74, 0xE9, 0x1E, 0x6C, 0xE0, 0x20]
    static let wideText = Array("ἀλήθεια \u{13}HYPERLINK x\u{14}lien\u{15} \u{13}TC code\u{15}fin\r".utf16)

    static func document(version: Int = 0xC1, flags: Int = 0x0200) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 4_096)
        func put16(_ value: Int, at offset: Int) { bytes.replaceSubrange(offset..<(offset + 2), with: le16(value)) }
        func put32(_ value: Int, at offset: Int) { bytes.replaceSubrange(offset..<(offset + 4), with: le32(value)) }
        put16(0xA5EC, at: 0)
        put16(version, at: 2)
        put16(flags, at: 0x0A)
        put16(14, at: 0x20)
        put16(22, at: 0x3E)
        put32(compressedText.count + wideText.count, at: 0x40 + 4 * 3)
        put16(93, at: 0x98)
        // fcClx and lcbClx, the 34th pair.
        put32(0, at: 0x9A + 8 * 33)
        put32(table().count, at: 0x9A + 8 * 33 + 4)
        bytes.replaceSubrange(0x800..<(0x800 + compressedText.count), with: compressedText)
        for (index, unit) in wideText.enumerated() { put16(Int(unit), at: 0x800 + compressedText.count + 2 * index) }
        return bytes
    }

    /// The piece table alone (a Clx: a Prc, passed over, and a Pcdt): the first piece compressed at
    /// 0x800, the second wide right after it.
    static func table(cps: [Int] = [0, compressedText.count, compressedText.count + wideText.count]) -> [UInt8] {
        var bytes: [UInt8] = [1] + le16(2) + [0, 0] + [2] + le32(4 * 3 + 8 * 2)
        for cp in cps { bytes += le32(cp) }
        bytes += [0, 0] + le32(0x800 * 2 | 0x4000_0000) + [0, 0]
        bytes += [0, 0] + le32(0x800 + compressedText.count) + [0, 0]
        return bytes
    }

    /// A summary information stream ([MS-OLEPS]) of a code page and a title, its bytes in that page.
    static func summary(title: [UInt8], codePage: Int) -> [UInt8] {
        let codePageValue = le16(2) + le16(0) + le16(codePage) + le16(0)
        var titleValue = le16(0x1E) + le16(0) + le32(title.count + 1) + title + [0]
        titleValue += [UInt8](repeating: 0, count: (4 - titleValue.count % 4) % 4)
        let set = le32(24 + codePageValue.count + titleValue.count) + le32(2) + le32(1) + le32(24) + le32(2) + le32(24 + codePageValue.count)
            + codePageValue + titleValue
        let zeros = [UInt8](repeating: 0, count: 16)
        return le16(0xFFFE) + le16(0) + le32(0) + zeros + le32(1) + zeros + le32(48) + set
    }
}

/// A compound file ([MS-CFB]) written here, each stream in sectors of its own, padded to 4,096
/// bytes so that none is in the mini stream; the FAT's sector listed in the header, or in the
/// second of a chain of DIFAT sectors (the first empty); each stream's size as said, or larger
/// than its sectors by `declaredExtra`.
enum CompoundFileWriter {
    static func file(_ streams: [(name: String, bytes: [UInt8])], version: Int, difatSectors: Int = 0, declaredExtra: Int = 0) -> [UInt8] {
        let sectorSize = version == 4 ? 4_096 : 512
        let free: UInt32 = 0xFFFF_FFFF, end: UInt32 = 0xFFFF_FFFE
        var fat: [UInt32] = []
        // Sector 0: the FAT; 1: the DIFAT, when used; then the directory; then the streams.
        fat.append(0xFFFF_FFFD)
        fat += [UInt32](repeating: 0xFFFF_FFFC, count: difatSectors)
        let directoryStart = fat.count
        let directoryBytes = 128 * (streams.count + 1)
        let directorySectors = (directoryBytes + sectorSize - 1) / sectorSize
        for index in 0..<directorySectors { fat.append(index == directorySectors - 1 ? end : UInt32(fat.count + 1)) }
        var starts: [Int] = [], padded: [[UInt8]] = []
        for stream in streams {
            var bytes = stream.bytes
            bytes += [UInt8](repeating: 0, count: max(0, 4_096 - bytes.count))
            bytes += [UInt8](repeating: 0, count: (sectorSize - bytes.count % sectorSize) % sectorSize)
            starts.append(fat.count)
            let count = bytes.count / sectorSize
            for index in 0..<count { fat.append(index == count - 1 ? end : UInt32(fat.count + 1)) }
            padded.append(bytes)
        }
        fat += [UInt32](repeating: free, count: sectorSize / 4 - fat.count)

        var directory: [UInt8] = []
        func entry(_ name: String, type: UInt8, child: UInt32, right: UInt32, start: UInt32, size: Int) {
            var bytes = [UInt8](repeating: 0, count: 128)
            let units = Array(name.utf16)
            for (index, unit) in units.enumerated() { bytes.replaceSubrange((2 * index)..<(2 * index + 2), with: le16(Int(unit))) }
            bytes.replaceSubrange(0x40..<0x42, with: le16(2 * units.count + 2))
            bytes[0x42] = type
            bytes.replaceSubrange(0x44..<0x50, with: le32(Int(free)) + le32(Int(right)) + le32(Int(child)))
            // Version 3 leaves the size's high half undefined: here, all ones.
            bytes.replaceSubrange(0x74..<0x80, with: le32(Int(start)) + le32(size) + le32(version == 3 ? 0xFFFF_FFFF : 0))
            directory += bytes
        }
        entry("Root Entry", type: 5, child: streams.isEmpty ? free : 1, right: free, start: end, size: 0)
        for (index, stream) in streams.enumerated() {
            entry(stream.name, type: 2, child: free, right: index + 1 < streams.count ? UInt32(index + 2) : free, start: UInt32(starts[index]),
                  size: max(stream.bytes.count, 4_096) + declaredExtra)
        }
        directory += [UInt8](repeating: 0, count: directorySectors * sectorSize - directory.count)

        var header: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 16)
        header += le16(0x3E) + le16(version) + le16(0xFFFE) + le16(version == 4 ? 12 : 9) + le16(6) + [UInt8](repeating: 0, count: 6)
        header += le32(version == 4 ? directorySectors : 0) + le32(1) + le32(directoryStart) + le32(0) + le32(4_096)
        header += le32(Int(end)) + le32(0) + le32(difatSectors > 0 ? 1 : Int(end)) + le32(difatSectors)
        header += le32(difatSectors > 0 ? Int(free) : 0)
        for _ in 1..<109 { header += le32(Int(free)) }
        header += [UInt8](repeating: 0, count: sectorSize - header.count)

        var file = header + fat.flatMap { le32(Int($0)) }
        for sector in 1...max(1, difatSectors) where difatSectors > 0 {
            let last = sector == difatSectors
            var difat = le32(last ? 0 : Int(free))
            for _ in 1..<(sectorSize / 4 - 1) { difat += le32(Int(free)) }
            file += difat + le32(last ? Int(end) : sector + 1)
        }
        file += directory
        for bytes in padded { file += bytes }
        return file
    }
}
