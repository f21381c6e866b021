import Foundation

/// A PDF as the text of its pages, from the words Poppler's `pdftotext` (Debian's poppler-utils) finds
/// in reading order (laid out by `PDFLayout`): a section a page (`PageSections`), its title the
/// document's title when its properties hold one, else the page's first line of text.
/// `pdftotext` runs under `timeout`: a PDF that would keep it busy longer is skipped, not waited for.
enum PDFText {
    /// `searchPath` is where `pdftotext` and `timeout` are looked for (`$PATH`'s folders).
    static func sections(of path: String, minimumWords: Int, searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                         timeLimit: Int = ExternalTool.timeLimit) throws(CorpusIssue) -> ([SectionSplitter.Section], [SourceDocument.Field]) {
        let (title, properties, pages) = try extract(path, searchPath: searchPath, timeLimit: timeLimit)
        let numbered = pages.enumerated().map { PageSections.Page(number: $0.offset + 1, lines: $0.element.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)) }
        return (PageSections.sections(of: numbered, documentTitle: title, minimumWords: minimumWords), properties.fields)
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
        let title = element("title", in: layout.head).map { XMLScanner.decoded($0[...]).singleSpaced }
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
