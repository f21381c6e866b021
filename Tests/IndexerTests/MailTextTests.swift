import Foundation
import Testing
@testable import Indexer
import TestSupport

/// E-mail is read a message a document: its subject, sender and date, and the text it shows.
@Suite struct MailTextTests {
    /// A mailbox of four messages, as Thunderbird keeps a folder: quoted-printable Latin-1 with
    /// encoded words in its headers (a subject folded across two), a `>From` line; a multipart
    /// alternative; a mixed message of base64 HTML, two attachments of endings fts does not read
    /// (left out), a
    /// forwarded message and an epilogue (left out); a message with a subject alone.
    static let mailbox = """
        From renee@example.org Tue Mar  5 10:20:30 2024
        From: =?iso-8859-1?Q?Ren=E9e?= Martin <renee@example.org>
        To: jardin@example.org
        Subject: =?utf-8?Q?R=C3=A9union_du?=
         =?utf-8?Q?_jardin?=
        Date: Tue, 5 Mar 2024 10:20:30 +0100 (CET)
        MIME-Version: 1.0
        Content-Type: text/plain; charset="iso-8859-1"
        Content-Transfer-Encoding: quoted-printable

        Bonjour =E0 toutes et =E0 tous,
        la r=E9union du jardin partag=E9 aura lieu samedi, avec assez de mots pour=
         faire une section.
        >From the garden.

        From paul@example.org Wed Mar  6 08:00:00 2024
        From: Paul <paul@example.org>
        Subject: Deux versions
        Date: Wed, 6 Mar 2024 08:00:00 +0000
        Content-Type: multipart/alternative; boundary="ALT"

        --ALT
        Content-Type: text/plain; charset=utf-8

        Le texte brut du message, celui que l’on garde.
        --ALT
        Content-Type: text/html; charset=utf-8

        <p>Le HTML du message, laissé de côté.</p>
        --ALT--

        From lettre@example.org Thu Mar  7 09:00:00 2024
        From: La lettre <lettre@example.org>
        Subject: Lettre de mars
        Date: 7 Mar 2024 09:00 +0200
        Content-Type: multipart/mixed; boundary="MIX"

        --MIX
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: base64

        PGh0bWw+PGJvZHk+PGgxPkxldHRyZSBk4oCZaW5mb3JtYXRpb248L2gxPjxwPkxlIDxiPnBvdGFn
        ZXI8L2I+IHBhcnRhZ8OpIG91dnJlIGVuIGF2cmlsLjwvcD48dWw+PGxpPlNlbWlzPC9saT48bGk+
        QXJyb3NhZ2U8L2xpPjwvdWw+PC9ib2R5PjwvaHRtbD4=
        --MIX
        Content-Type: application/octet-stream; name="plan.bin"
        Content-Disposition: attachment; filename="plan.bin"
        Content-Transfer-Encoding: base64

        JVBERi0xLjQgemVwcGVsaW4=
        --MIX
        Content-Type: text/plain
        Content-Disposition: attachment; filename="secret.dat"

        zeppelin secret
        --MIX
        Content-Type: message/rfc822

        Subject: Transfert de la mairie
        From: mairie@example.org

        Le message transféré par la mairie.
        --MIX--

        Un épilogue, après la dernière partie, qu'aucun lecteur ne montre.

        From vide@example.org Fri Mar  8 09:00:00 2024
        From: vide@example.org
        Subject: Sujet seul

        """

    @Test func aMailboxReadsAMessageADocument() throws {
        let documents = try OfficeTextTests.read("boite.mbox", Data(Self.mailbox.utf8)).get()
        #expect(documents.map(\.id) == (1...4).map { "boite.mbox#\($0)" })
        #expect(documents.map(\.title) == ["Réunion du jardin", "Deux versions", "Lettre de mars", "Sujet seul"])
        #expect(documents.map(\.line) == [11, 22, 38, 70])
        #expect(documents.map(\.body) == [
            "Bonjour à toutes et à tous,\nla réunion du jardin partagé aura lieu samedi, avec assez de mots pour faire une section.\nFrom the garden.",
            "Le texte brut du message, celui que l’on garde.",
            "Lettre d’information\n\nLe potager partagé ouvre en avril.\n\n- Semis\n- Arrosage\n\nTransfert de la mairie\n\nLe message transféré par la mairie.",
            "",
        ])
        #expect(documents.map { $0.extraFields.first { $0.name == "author" }?.value } == [
            "Renée Martin <renee@example.org>", "Paul <paul@example.org>", "La lettre <lettre@example.org>", "vide@example.org",
        ])
        #expect(documents.map { $0.extraFields.first { $0.name == "date" }?.value } == ["2024-03-05T09:20:30Z", "2024-03-06T08:00:00Z", "2024-03-07T07:00:00Z", nil])
        #expect(!documents.contains { $0.body.contains("zeppelin") || $0.body.contains("laissé") || $0.body.contains("épilogue") })
        // The same mailbox, its lines ended by CR LF: the same messages.
        let crlf = try OfficeTextTests.read("boite.mbox", Data(Self.mailbox.replacingOccurrences(of: "\n", with: "\r\n").utf8)).get()
        #expect(crlf.map(\.title) == documents.map(\.title) && crlf.map(\.line) == documents.map(\.line))
    }

    /// A message alone, its lines ended by CR LF; a file that is no message, and a mailbox with
    /// none, are issues.
    @Test func aMessageFileReadsAsOneMessage() throws {
        let message = "From: Paul <paul@example.org>\r\nSubject: =?ISO-8859-15?B?Q2Fm6Q==?=  =?utf-8?q?_cr=C3=A8me?=\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\nUn café crème, s’il vous plaît.\r\n"
        let documents = try OfficeTextTests.read("cafe.eml", Data(message.utf8)).get()
        #expect(documents.map(\.title) == ["Café crème"])
        #expect(documents.map(\.body) == ["Un café crème, s’il vous plaît."])
        #expect(documents.map(\.line) == [5])
        func reason(_ name: String, _ text: String) throws -> String? {
            guard case .failure(let issue) = try OfficeTextTests.read(name, Data(text.utf8)) else { return nil }
            return issue.message
        }
        #expect(try reason("faux.eml", "Pas un message\nrien que du texte\n") == "not an e-mail message (no header before its first blank line)")
        #expect(try reason("faux.mbox", "Pas une boîte\nFrom nulle part\n") == "not a mailbox (no line starts a message with \"From \")")
    }

    /// Attached files fts reads are read as files of their names are, each section a document of
    /// the mailbox at its message's line; one that cannot be read is an issue of the mailbox, and a
    /// picture is left out.
    @Test func attachmentsAreReadAsTheirFiles() throws {
        let docx = try OfficeTextTests.fixture("fiche.docx").base64EncodedString(options: .lineLength76Characters)
        let mailbox = """
            From a@example.org Tue Mar  5 10:20:30 2024
            From: Anne <a@example.org>
            Subject: La fiche en pièce jointe
            Content-Type: multipart/mixed; boundary="B"

            --B
            Content-Type: text/plain; charset=utf-8

            Voici la fiche du jardin, en pièce jointe.
            --B
            Content-Type: application/octet-stream; name="=?utf-8?Q?fiche_du_jardin.docx?="
            Content-Transfer-Encoding: base64

            \(docx)
            --B
            Content-Disposition: attachment; filename="../abime.docx"
            Content-Transfer-Encoding: base64

            AAAA
            --B
            Content-Type: text/plain; name="note.txt"
            Content-Disposition: attachment; filename="note.txt"
            Content-Transfer-Encoding: base64

            TGUgY2Fm6SBkdSBqYXJkaW4gcGFydGFn6Swgbm906SDgIHBhcnQu
            --B
            Content-Type: image/png
            Content-Disposition: inline; filename="photo.png"
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --B--
            """
        let folder = try TemporaryFolder()
        try mailbox.replacingOccurrences(of: "\r\n", with: "\n").write(toFile: folder.file("pj.mbox"), atomically: false, encoding: .utf8)
        var documents: [SourceDocument] = [], issues: [String] = []
        for file in Corpus.files(in: [folder.path]).files {
            try Corpus.read(file, document: { documents.append($0) }, issue: { issues.append($0.description) })
        }
        #expect(documents.map(\.title) == ["La fiche en pièce jointe", "Le jardin partagé de la Haute Borne", "Les semis", "La récolte",
                                           "Le café du jardin partagé, noté à part."])
        #expect(documents.map(\.id) == (1...5).map { "pj.mbox#\($0)" })
        #expect(documents.allSatisfy { $0.path == folder.file("pj.mbox") && $0.line == 6 })
        #expect(documents[3].body.hasSuffix("Récolter en été quand les fruits sont mûrs."))
        // The attachment's own issues are the mailbox's, at its message's line.
        #expect(issues == [folder.file("pj.mbox") + ":6: attachment abime.docx: not a ZIP archive (too short)",
                           folder.file("pj.mbox") + ":6: attachment note.txt: not UTF-8; read as Windows-1252 (Latin-1)"])
    }

    /// Headers' encoded words, transfer encodings and dates, read as mail clients read them.
    /// A mailbox's PDFs are read first, at once; their documents still come in the messages' order,
    /// each after its message's text, as each file alone gives them.
    @Test func attachedPDFsComeInTheMessagesOrder() throws {
        let attached = ["coupures.pdf", "guide.pdf", "sans-titre.pdf", "coupures.pdf"]
        var mailbox = ""
        var expected: [String] = []
        for (index, name) in attached.enumerated() {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: PDFTextTests.fixture(name)))
            mailbox += """
                From a@example.org Tue Mar  5 10:20:30 2024
                Subject: Message \(index)
                Content-Type: multipart/mixed; boundary="B"

                --B
                Content-Type: text/plain; charset=utf-8

                Le message \(index), avec sa pièce jointe.
                --B
                Content-Disposition: attachment; filename="\(name)"
                Content-Transfer-Encoding: base64

                \(bytes.base64EncodedString(options: .lineLength76Characters))
                --B--


                """
            expected.append("Message \(index)")
            let file = try #require(Corpus.files(in: [PDFTextTests.fixture(name)]).files.first)
            try Corpus.read(file, document: { expected.append($0.title + " " + $0.body) }, issue: { _ in })
        }
        let folder = try TemporaryFolder()
        try mailbox.write(toFile: folder.file("pdf.mbox"), atomically: false, encoding: .utf8)
        var documents: [String] = [], issues: [String] = []
        for file in Corpus.files(in: [folder.path]).files {
            try Corpus.read(file, document: { documents.append($0.title.hasPrefix("Message ") ? $0.title : $0.title + " " + $0.body) },
                            issue: { issues.append($0.description) })
        }
        #expect(documents == expected)
        #expect(documents.count > attached.count * 2)
        #expect(issues.isEmpty, "\(issues)")
    }

    @Test func encodingsAndDatesAreDecoded() {
        #expect(MailText.decodedWords("=?utf-8?Q?caf=C3=A9?= =?utf-8?Q?_noir?= et =?bogus?X?x?= fin") == "café noir et =?bogus?X?x?= fin")
        #expect(MailText.decodedWords("Re: =?windows-1252?Q?l=92=E9t=E9?=") == "Re: l’été")
        #expect(MailText.decoded(Array("a=3Db=\nc=\r\nd=ZZ".utf8)[...], encoding: "quoted-printable") == Array("a=bcd=ZZ".utf8))
        #expect(MailText.decoded(Array("Y2Fm\r\n6Q".utf8)[...], encoding: "base64") == [0x63, 0x61, 0x66, 0xE9])
        #expect(MailText.text([0x63, 0x61, 0x66, 0xE9], charset: "utf-8") == "café")
        #expect(MailText.text([0xA3, 0xF3, 0x64, 0xBC], charset: "ISO-8859-2") == "Łódź")
        #expect(MailText.text([0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2], charset: "windows-1251") == "Привет")
        #expect(MailText.text([0x82, 0xA0], charset: "Shift_JIS") == "あ")
        #expect(MailText.text([0xE9, 0x74, 0xE9], charset: "x-unknown") == "été")
        // Any charset ICU converts: KOI8-R, GB2312, EUC-KR, Big5, UTF-16 by its byte order mark.
        #expect(MailText.text([0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4], charset: "KOI8-R") == "Привет")
        #expect(MailText.text([0xD6, 0xD0, 0xCE, 0xC4], charset: "gb2312") == "中文")
        #expect(MailText.text([0xC7, 0xD1, 0xB1, 0xDB], charset: "euc-kr") == "한글")
        #expect(MailText.text([0xA4, 0xA4, 0xA4, 0xE5], charset: "big5") == "中文")
        #expect(MailText.text([0xFF, 0xFE, 0x63, 0x00, 0xE9, 0x00], charset: "utf-16") == "cé")
        #expect(MailText.decodedWords("=?koi8-r?B?8NLJ18XU?=") == "Привет")
        #expect(MailText.text([0x63, 0x61, 0x66, 0xE9], charset: "utf-8") == "café")
        #expect(MailText.isoDate("Tue, 05 Mar 2024 23:30:00 -0200") == "2024-03-06T01:30:00Z")
        #expect(MailText.isoDate("5 Mar 24 10:20 GMT") == "2024-03-05T10:20:00Z")
        #expect(MailText.isoDate("hier soir") == nil)
    }

    /// Any damage to a mailbox: its messages or none, never a trap nor a hang.
    @Test func anyDamageReadsWithoutTrapping() {
        var random = SplitMix64(seed: 19)
        let original = Array(Self.mailbox.utf8)
        var messages = 0
        for round in 0..<2_000 {
            var bytes = original
            for _ in 0...(random.next() % 6) {
                let pieces = ["\n", "--", "=", "=?", "?=", "From ", ">", "\r\n", "boundary=\"\"", "base64"]
                let at = Int(random.next() % UInt64(bytes.count))
                if random.next() % 2 == 0 {
                    bytes[at] = UInt8(truncatingIfNeeded: random.next())
                } else {
                    bytes.insert(contentsOf: pieces[Int(random.next() % UInt64(pieces.count))].utf8, at: at)
                }
            }
            if round % 3 == 0 { bytes.removeLast(Int(random.next() % UInt64(bytes.count))) }
            messages += MailText.messages(ofMailbox: bytes).count
        }
        #expect(messages > 2_000)
    }
}
