import Foundation

/// A PDF as the text of its pages, from the words Poppler's `pdftotext` (Debian's poppler-utils) finds
/// in reading order (laid out by `PDFLayout`), the way Xapian's omindex and Recoll read PDFs: a section a page (a page of fewer
/// words than a section needs, such as a cover, joins the next), its line the page's number, its
/// title the document's title when its properties hold one, else the page's first line of text.
/// `pdftotext` runs under `timeout`: a PDF that would keep it busy longer is skipped, not waited for.
enum PDFText {
    /// `searchPath` is where `pdftotext` and `timeout` are looked for (`$PATH`'s folders).
    static func sections(of path: String, minimumWords: Int, searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                         timeLimit: Int = ExternalTool.timeLimit) throws(CorpusIssue) -> ([SectionSplitter.Section], [SourceDocument.Field]) {
        let (title, properties, pages) = try extract(path, searchPath: searchPath, timeLimit: timeLimit)
        var sections: [SectionSplitter.Section] = []
        var pending: (page: Int, lines: [String], words: Int)?
        for (index, page) in pages.enumerated() {
            let lines = trimmed(page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...])
            guard !lines.isEmpty else { continue }
            let words = lines.reduce(0) { $0 + wordCount($1) }
            pending = pending.map { ($0.page, $0.lines + [""] + lines, $0.words + words) } ?? (index + 1, lines, words)
            if let full = pending, full.words >= minimumWords {
                sections.append(section(full.page, full.lines, title: title))
                pending = nil
            }
        }
        if let rest = pending {
            if let last = sections.popLast() {
                sections.append(section(last.line, last.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + [""] + rest.lines,
                                        title: title))
            } else {
                sections.append(section(rest.page, rest.lines, title: title))
            }
        }
        return (sections, properties.fields)
    }

    private static func section(_ page: Int, _ lines: [String], title: String?) -> SectionSplitter.Section {
        SectionSplitter.Section(line: page, title: title ?? SectionSplitter.title(from: lines[...], markdown: false), body: lines.joined(separator: "\n"))
    }

    /// The runs of bytes between ASCII spaces: words enough to tell a cover from a page, without
    /// reading every character's Unicode properties (a tenth of the reading's own time, before).
    private static func wordCount(_ line: String) -> Int {
        var count = 0, inWord = false
        for byte in line.utf8 {
            let space = byte == UInt8(ascii: " ") || (9...13).contains(byte)
            if !space && !inWord { count += 1 }
            inWord = !space
        }
        return count
    }

    /// The lines without the blank ones that open and close them.
    private static func trimmed(_ lines: ArraySlice<String>) -> [String] {
        var lines = lines
        while lines.first?.allSatisfy(\.isWhitespace) == true { lines.removeFirst() }
        while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
        return Array(lines)
    }

    /// The document's title (nil when its properties hold none), its other properties, and its pages' text.
    private static func extract(_ path: String, searchPath: String, timeLimit: Int)
        throws(CorpusIssue) -> (title: String?, properties: DocumentProperties, pages: [String]) {
        // -bbox-layout: the words of each page, in reading order with their boxes (PDFLayout), after
        // a head that holds the title.
        var layout = PDFLayout()
        let tool = ExternalTool(name: "pdftotext", package: "poppler-utils", reads: "a PDF")
        switch try tool.run(["-q", "-bbox-layout", "-enc", "UTF-8", path, "-"], file: path, searchPath: searchPath, timeLimit: timeLimit,
                            output: { layout.append($0) }) {
        case 0: break
        case 1: throw CorpusIssue(file: path, message: "skipped: not a PDF pdftotext can open (damaged, or locked by a password)")
        case 3: throw CorpusIssue(file: path, message: "skipped: its permissions forbid copying its text")
        case let code: throw CorpusIssue(file: path, message: "skipped: pdftotext failed (exit status \(code))")
        }
        let title = element("title", in: layout.head).map { XMLScanner.decoded($0[...]).split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let pages = layout.text()
        // The head's <meta name="Author" content="…"/>, as pdftotext writes the information dictionary.
        var properties = DocumentProperties()
        var scanner = XMLScanner(Array(element("head", in: layout.head) ?? []), attributesOf: ["meta"])
        while let event = scanner.next() {
            guard case .start("meta", let attributes, _) = event, let content = attributes["content"] else { continue }
            switch attributes["name"] {
            case "Author": properties.add(.author, content)
            case "Subject": properties.add(.description, content)
            case "Keywords": properties.add(.keywordList, content)
            case "CreationDate": properties.add(.date, content)
            default: break
            }
        }
        return (title?.isEmpty == false ? title : nil, properties, pages)
    }

    /// The bytes between `<name>` and `</name>`.
    private static func element(_ name: String, in output: [UInt8]) -> ArraySlice<UInt8>? {
        let open = "<\(name)>"
        guard let start = output.firstIndex(of: open, from: 0).map({ $0 + open.utf8.count }),
              let end = output.firstIndex(of: "</\(name)>", from: start) else { return nil }
        return output[start..<end]
    }
}
