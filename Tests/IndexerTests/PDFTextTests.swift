import Foundation
import Testing
@testable import Indexer
import TestSupport

/// PDFs are read a page a section through `pdftotext`, and one it cannot read is an issue, never a wait.
@Suite struct PDFTextTests {
    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/pdf/\(name)", withExtension: nil)!.path
    }

    /// A PDF exported by LibreOffice (Fixtures/pdf/README.md) through `Corpus.read`: a section a
    /// page, the cover joined to the next, lines the pages' numbers, titled by the properties'
    /// title, else by each page's first line.
    @Test func aPDFReadsAPageASection() throws {
        let folder = try TemporaryFolder()
        for name in ["guide.pdf", "sans-titre.pdf"] {
            try FileManager.default.copyItem(atPath: Self.fixture(name), toPath: folder.file(name))
        }
        var documents: [SourceDocument] = []
        for file in Corpus.files(in: [folder.path]).files {
            try Corpus.read(file, document: { documents.append($0) }, issue: { Issue.record("\($0)") })
        }
        let bodies = [
            "Guide du jardin partagé\nÉdition 2026\n\nLes semis commencent en avril : semer les graines de tomates à l’abri, arroser\n"
                + "souvent et attendre qu’elles lèvent.\nLes bénévoles de l’association se retrouvent le samedi matin.",
            "La récolte des courgettes et des tomates cœur de bœuf se fait en été, quand\nles fruits sont mûrs.",
        ]
        #expect(documents.map(\.id) == ["guide.pdf#1", "guide.pdf#2", "sans-titre.pdf#1", "sans-titre.pdf#2"])
        #expect(documents.map(\.line) == [1, 3, 1, 3])
        #expect(documents.map(\.title) == ["Guide du jardin & du potager", "Guide du jardin & du potager",
                                           "Guide du jardin partagé", "La récolte des courgettes et des tomates cœur de bœuf se fait en été, quand"])
        #expect(documents.map(\.body) == bodies + bodies)
    }

    /// PDFs are read ahead on other threads (`ReadAhead`), yet the index numbers every document in
    /// the files' order, as a file at a time would, and a PDF that cannot be read is reported in turn.
    @Test func pdfsReadAheadKeepTheFilesOrder() throws {
        let folder = try TemporaryFolder()
        let corpus = folder.file("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        let text = "Un texte entre les documents, avec assez de mots pour faire une section à lui seul."
        for number in 0..<9 {
            let name = String(format: "%02d", number)
            switch number % 3 {
            case 0: try text.write(toFile: "\(corpus)/\(name).txt", atomically: false, encoding: .utf8)
            case 1: try FileManager.default.copyItem(atPath: Self.fixture(number == 4 ? "sans-titre.pdf" : "guide.pdf"), toPath: "\(corpus)/\(name).pdf")
            default: try (number == 5 ? "pas un PDF" : text).write(toFile: "\(corpus)/\(name).\(number == 5 ? "pdf" : "md")", atomically: false, encoding: .utf8)
            }
        }
        var expected: [String] = [], issues: [String] = []
        for file in Corpus.files(in: [corpus]).files {
            do {
                try Corpus.read(file, document: { expected.append($0.id) }, issue: { issues.append($0.description) })
            } catch let issue as CorpusIssue {
                issues.append(issue.description)
            }
        }
        #expect(expected.count == 11 && issues == [corpus + "/05.pdf: skipped: not a PDF pdftotext can open (damaged, or locked by a password)"])
        for threads in [1, 2, 4] {
            var options = IndexBuildOptions()
            options.threads = threads
            let collector = BadInputTests.Collector()
            let output = folder.file("index-\(threads)")
            _ = try IndexBuilder.build(paths: [corpus], output: output, options: options, observer: collector)
            let reader = try IndexReader(path: output)
            let ids = try (0..<reader.documentCount).map { try reader.storedFields($0).value(of: StandardField.id) ?? "" }
            #expect(ids == expected, "\(threads) threads")
            #expect(collector.issues.map(\.description) == issues)
        }
    }

    /// What `pdftotext` says of a PDF it cannot read, or its absence, is the file's issue; one that
    /// keeps it busy past the time limit is given up (here a stand-in that sleeps, with a limit of
    /// a second), not waited for.
    @Test func aPDFThatCannotBeReadIsAnIssue() throws {
        let folder = try TemporaryFolder()
        let notPDF = folder.file("faux.pdf")
        try "Un texte, pas un PDF.".write(toFile: notPDF, atomically: false, encoding: .utf8)
        func reason(_ path: String, searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                    timeLimit: Int = PDFText.timeLimit) -> String? {
            do {
                _ = try PDFText.sections(of: path, minimumWords: 12, searchPath: searchPath, timeLimit: timeLimit)
                return nil
            } catch {
                return error.message
            }
        }
        #expect(reason(notPDF) == "skipped: not a PDF pdftotext can open (damaged, or locked by a password)")
        #expect(reason(Self.fixture("guide.pdf"), searchPath: folder.path) == "skipped: reading a PDF needs pdftotext (Debian's poppler-utils)")

        // Stand-ins for pdftotext, beside the real `timeout`.
        let tools = folder.file("outils")
        try FileManager.default.createDirectory(atPath: tools, withIntermediateDirectories: true)
        let timeout = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { "\($0)/timeout" }.first { FileManager.default.isExecutableFile(atPath: $0) }!
        try FileManager.default.createSymbolicLink(atPath: tools + "/timeout", withDestinationPath: timeout)
        // Written through a descriptor closed on exec: a program another test starts meanwhile must
        // not hold the script open for writing, which would make running it fail (ETXTBSY).
        func standIn(_ script: String) throws {
            try? FileManager.default.removeItem(atPath: tools + "/pdftotext")
            let descriptor = open(tools + "/pdftotext", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
            #expect(descriptor >= 0)
            let bytes = Array(("#!/bin/sh\n" + script + "\n").utf8)
            #expect(write(descriptor, bytes, bytes.count) == bytes.count)
            close(descriptor)
        }
        // What pdftotext prints is split at its pages' form feeds: a blank page left out, a short
        // last page joined to the one before, an empty title not a title, entities decoded.
        let long = "Une page de texte avec assez de mots pour faire une section à elle seule."
        try standIn("""
            printf '<html><head>\\n<title> </title>\\n<meta name="Author" content="Marie Dupont"/><meta name="Keywords" content="jardin, semis"/>\\n<meta name="Subject" content="Un guide"/><meta name="CreationDate" content="2024-03-01T10:00:00Z"/></head><body>\\n<pre>\\n%s\\n\\f \\n\\f%s &amp; &lt;b&gt;\\n\\fFin.\\n\\f</pre></body></html>' '\(long)' '\(long)'
            """)
        let (sections, fields) = try PDFText.sections(of: notPDF, minimumWords: 12, searchPath: tools)
        #expect(fields == [
            SourceDocument.Field(name: "author", value: "Marie Dupont"),
            SourceDocument.Field(name: "description", value: "Un guide"),
            SourceDocument.Field(name: "keywords", value: "jardin, semis", items: ["jardin", "semis"]),
            SourceDocument.Field(name: "date", value: "2024-03-01T10:00:00Z", indexed: false),
        ])
        #expect(sections == [SectionSplitter.Section(line: 1, title: long, body: long),
                             SectionSplitter.Section(line: 3, title: long + " & <b>", body: long + " & <b>\n\nFin.")])
        try standIn("exit 3")
        #expect(reason(notPDF, searchPath: tools) == "skipped: its permissions forbid copying its text")
        try standIn("exit 99")
        #expect(reason(notPDF, searchPath: tools) == "skipped: pdftotext failed (exit status 99)")
        try standIn("sleep 30")
        #expect(reason(notPDF, searchPath: tools, timeLimit: 1) == "skipped: pdftotext took more than 1 s to read it")
        try standIn("trap '' TERM; sleep 30")
        #expect(reason(notPDF, searchPath: tools, timeLimit: 1) == "skipped: pdftotext took more than 1 s to read it")
    }
}
