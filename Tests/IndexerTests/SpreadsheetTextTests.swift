import Foundation
import Testing
@testable import Indexer
import TestSupport

/// Excel and Calc spreadsheets are read as their sheets' text, a section a sheet.
@Suite struct SpreadsheetTextTests {
    static func read(_ name: String, _ bytes: Data) throws -> Result<[SourceDocument], CorpusIssue> {
        try OfficeTextTests.read(name, bytes)
    }

    /// The same spreadsheet saved by LibreOffice as `.ods`, `.xlsx` and `.xls` (Fixtures/office/README.md):
    /// a section a sheet titled by its name, a row a line of its cells, empty cells and rows left
    /// out, a repeated cell once, formulas as their results, the date as the sheet shows it, the
    /// comment and the hidden sheet left out; the workbook's properties give the first section its
    /// fields. Calc keeps each cell's shown text (here in LibreOffice's English); Excel's numbers
    /// are written in French. In `.xls`, LibreOffice keeps no result for the formula that gives a
    /// text: its cell holds the number 0.
    @Test func aSpreadsheetReadsAsItsSheets() throws {
        for (name, decimal, remark) in [("budget.ods", ".", "objectif atteint"), ("budget.xlsx", ",", "objectif atteint"), ("budget.xls", ",", "0")] {
            let documents = try Self.read(name, OfficeTextTests.fixture(name)).get()
            #expect(documents.map(\.id) == ["\(name)#1", "\(name)#2"])
            #expect(documents.map(\.title) == ["Recettes", "Dépenses"])
            #expect(documents.map(\.line) == [1, 2])
            #expect(documents.map(\.body) == [
                """
                Poste | Montant | Financeur | Remarque
                Subvention de fonctionnement | 12500\(decimal)5 | Région Hauts-de-France | versée en deux fois
                Cotisations des adhérents | 3200
                Total | 15700\(decimal)5 | \(remark)
                """,
                "Loyer du local associatif | 6000\nà préciser\n15/03/2024 | achat de matériel de jardinage pour le potager partagé",
            ], "\(name)")
            #expect(documents.first?.extraFields == [
                SourceDocument.Field(name: "author", value: "Jeanne Petit"),
                SourceDocument.Field(name: "keywords", value: "budget, subventions", items: ["budget", "subventions"]),
            ], "\(name)")
            #expect(!documents.contains { $0.body.contains("zeppelins") || $0.body.contains("secret") })
        }
    }

    /// Excel's own ways, in a workbook written here: sheets in the workbook's order, a hidden and
    /// a very hidden one left out; shared strings with runs and a phonetic reading (left out),
    /// inline strings (as written, a number's too), a formula's text result; true and false, errors left out; dates by a
    /// built-in format and a custom one, not by formats whose `d` is quoted or in brackets; the
    /// 1904 date system; a number's floating-point noise; a sheet named by Excel titled by the
    /// workbook's properties.
    @Test func excelsOwnWaysAreReadAsExcelShowsThem() throws {
        let type = ZipArchive.relationshipType
        let workbook = """
            <workbook><workbookPr date1904="1"/><sheets><sheet name="Feuil1" sheetId="1" r:id="rId3"/>\
            <sheet name="Cachée" sheetId="2" state="hidden" r:id="rId1"/><sheet name="Secrète" sheetId="3" state="veryHidden" r:id="rId1"/>\
            <sheet name="  Suivi   des dons " sheetId="4" r:id="rId1"/></sheets></workbook>
            """
        let rels = """
            <Relationships><Relationship Id="rId1" Type="\(type)worksheet" Target="worksheets/sheet1.xml"/>\
            <Relationship Id="rId3" Type="\(type)worksheet" Target="/xl/worksheets/sheet2.xml"/>\
            <Relationship Id="rId5" Type="\(type)sharedStrings" Target="chaines.xml"/><Relationship Id="rId6" Type="\(type)styles" Target="styles.xml"/></Relationships>
            """
        let strings = """
            <sst><si><t>Donateur</t></si><si><r><rPr><b/></rPr><t xml:space="preserve">Marie </t></r><r><t>Curie</t></r><rPh sb="0" eb="1"><t>マリ</t></rPh></si>\
            <si/><si><t>Montant du don en euros</t></si></sst>
            """
        let styles = """
            <styleSheet><numFmts><numFmt numFmtId="164" formatCode="[$-40C]d\\ mmmm\\ yyyy"/><numFmt numFmtId="165" formatCode="0.00&quot; de durée&quot;"/>\
            <numFmt numFmtId="166" formatCode="[Red]0.00"/></numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>\
            <cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/></cellXfs></styleSheet>
            """
        let first = """
            <worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>3</v></c><c r="C1"/></row>\
            <row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>0.30000000000000004</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><v>#DIV/0!</v></c></row>\
            <row r="3"><c t="inlineStr"><is><r><t>Jean</t></r><r><t xml:space="preserve"> Moulin</t></r></is></c><c s="1"><v>0</v></c><c s="2"><v>7000.75</v></c>\
            <c s="3"><v>12</v></c><c s="4"><v>1250</v></c><c t="str"><f>A3&amp;"!"</f><v>Jean Moulin!</v></c><c t="inlineStr"><is><t>version 1.5</t></is></c><c t="inlineStr"><is><t>2.5</t></is></c></row><row r="4"/></sheetData></worksheet>
            """
        let second = """
            <worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>Relance des donateurs</t></is></c><c t="s"><v>2</v></c><c t="s"><v>99</v></c></row>\
            <row r="2"><c t="inlineStr"><is><t>Appeler chaque donateur de plus de cent euros avant la fin du mois de mars</t></is></c></row></sheetData></worksheet>
            """
        let archive = StoredZip.archive([
            ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", rels), ("xl/chaines.xml", strings), ("xl/styles.xml", styles),
            ("xl/worksheets/sheet1.xml", second), ("xl/worksheets/sheet2.xml", first),
            ("docProps/core.xml", "<cp:coreProperties><dc:title>Dons   2024</dc:title></cp:coreProperties>"),
        ])
        let documents = try Self.read("dons.xlsx", archive).get()
        #expect(documents.map(\.title) == ["Dons 2024", "Suivi des dons"])
        #expect(documents.map(\.line) == [1, 4])
        #expect(documents.map(\.body) == [
            "Donateur | Montant du don en euros\nMarie Curie | 0,3\nJean Moulin | 01/01/1904 | 02/03/1923 | 12 | 1250 | Jean Moulin! | version 1.5 | 2.5",
            "Relance des donateurs\nAppeler chaque donateur de plus de cent euros avant la fin du mois de mars",
        ])
    }

    /// A workbook whose writer prefixes SpreadsheetML's elements (`x:row`, as the Open XML SDK can)
    /// reads as the same workbook unprefixed.
    @Test func prefixedElementsReadAsUnprefixedOnes() throws {
        func workbook(_ x: String) -> Data {
            let type = ZipArchive.relationshipType
            return StoredZip.archive([
                ("xl/workbook.xml", "<\(x)workbook><\(x)sheets><\(x)sheet name=\"Dons\" sheetId=\"1\" r:id=\"rId1\"/></\(x)sheets></\(x)workbook>"),
                ("xl/_rels/workbook.xml.rels", """
                    <Relationships><Relationship Id="rId1" Type="\(type)worksheet" Target="worksheets/sheet1.xml"/>\
                    <Relationship Id="rId2" Type="\(type)sharedStrings" Target="sharedStrings.xml"/>\
                    <Relationship Id="rId3" Type="\(type)styles" Target="styles.xml"/></Relationships>
                    """),
                ("xl/sharedStrings.xml", "<\(x)sst><\(x)si><\(x)t>Donateur généreux du jardin partagé</\(x)t></\(x)si></\(x)sst>"),
                ("xl/styles.xml", "<\(x)styleSheet><\(x)cellXfs><\(x)xf numFmtId=\"0\"/><\(x)xf numFmtId=\"14\"/></\(x)cellXfs></\(x)styleSheet>"),
                ("xl/worksheets/sheet1.xml", """
                    <\(x)worksheet><\(x)sheetData><\(x)row r="1"><\(x)c r="A1" t="s"><\(x)v>0</\(x)v></\(x)c>\
                    <\(x)c r="B1" s="1"><\(x)v>45366</\(x)v></\(x)c><\(x)c r="C1"><\(x)v>12.5</\(x)v></\(x)c>\
                    <\(x)c r="D1" t="inlineStr"><\(x)is><\(x)t>une ligne écrite en ligne pour faire assez de mots</\(x)t></\(x)is></\(x)c></\(x)row>\
                    </\(x)sheetData></\(x)worksheet>
                    """),
            ])
        }
        let plain = try Self.read("dons.xlsx", workbook("")).get()
        #expect(plain.map(\.body) == ["Donateur généreux du jardin partagé | 15/03/2024 | 12,5 | une ligne écrite en ligne pour faire assez de mots"])
        let prefixed = try Self.read("dons.xlsx", workbook("x:")).get()
        #expect(prefixed.map(\.body) == plain.map(\.body) && prefixed.map(\.title) == ["Dons"] && plain.map(\.title) == ["Dons"])
    }

    /// Calc's own ways, in a spreadsheet written here: merged cells' covered parts and comments
    /// left out, a cell's paragraphs, spaces, tabs and line breaks as spaces, a repeated row once,
    /// a sheet named by Calc titled by its first line when the document has no title.
    @Test func calcsOwnWaysAreReadAsCalcShowsThem() throws {
        let content = """
            <office:document-content><office:body><office:spreadsheet><table:table table:name="Feuille1">\
            <table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Fiche</text:p><text:p>bénévole</text:p></table:table-cell>\
            <table:covered-table-cell><text:p>caché</text:p></table:covered-table-cell><table:covered-table-cell/>\
            <table:table-cell><text:p>Nom<text:s text:c="3"/>prénom<text:tab/>et<text:line-break/>adresse</text:p>\
            <office:annotation><text:p>note</text:p></office:annotation></table:table-cell></table:table-row>\
            <table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="2"><text:p>idem</text:p></table:table-cell></table:table-row>\
            <table:table-row><table:table-cell><text:p>Une ligne assez longue pour que la feuille fasse une section.</text:p></table:table-cell></table:table-row>\
            </table:table></office:spreadsheet></office:body></office:document-content>
            """
        let documents = try Self.read("fiche.ods", StoredZip.archive([("content.xml", content)])).get()
        #expect(documents.map(\.title) == ["Fiche bénévole | Nom prénom et adresse"])
        #expect(documents.map(\.body) == ["Fiche bénévole | Nom prénom et adresse\nidem\nUne ligne assez longue pour que la feuille fasse une section."])
    }

    /// The names Excel, Calc and their translations give a new sheet are no titles.
    @Test func aSheetsGivenNameIsNoTitle() {
        for name in ["Feuille1", "Feuil2", "Sheet 3", "Tabelle1", "Hoja1", "Foglio12", "Planilha1", "", "  "] {
            #expect(SpreadsheetText.title(name) == nil, "\(name)")
        }
        for (name, title) in [("Recettes", "Recettes"), ("Feuille de route", "Feuille de route"), ("2024", "2024"), ("Sheet", "Sheet"),
                              ("Budget 2024", "Budget 2024"), (" Suivi  des dons ", "Suivi des dons")] {
            #expect(SpreadsheetText.title(name) == title, "\(name)")
        }
    }

    /// A damaged or foreign file named like a spreadsheet is an issue, never a crash.
    @Test func aDamagedSpreadsheetIsAnIssue() throws {
        func reason(_ name: String, _ bytes: Data) throws -> String? {
            if case .failure(let issue) = try Self.read(name, bytes) { return issue.message }
            return nil
        }
        let xlsx = try OfficeTextTests.fixture("budget.xlsx"), ods = try OfficeTextTests.fixture("budget.ods")
        #expect(try reason("autre.xlsx", ods) == "not an Excel workbook (no xl/workbook.xml)")
        #expect(try reason("autre.ods", xlsx) == "not an OpenDocument spreadsheet (no content.xml)")
        #expect(try reason("coupé.xlsx", xlsx.prefix(xlsx.count / 2)) == "not a ZIP archive (no end of central directory)")

        var random = SplitMix64(seed: 59)
        var outcomes = DamageOutcomes()
        for (format, original) in [(SpreadsheetText.Format.xlsx, xlsx), (.ods, ods)] {
            outcomes.read(damagedCopiesOf: original, random: &random) { archive in
                _ = try SpreadsheetText.sections(of: archive, format: format, minimumWords: 12)
            }
        }
        #expect(outcomes.read > 100 && outcomes.refused > 100, "\(outcomes)")
    }
}
