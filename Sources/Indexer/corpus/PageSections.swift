/// Pages as sections, the way Xapian's omindex and Recoll read PDFs and slides: a section a page (a
/// PDF's page, a presentation's slide), its line the page's number. A page of fewer words than a
/// section needs (a cover, a slide that only names a part) joins the next, and a last such page the
/// section before it.
enum PageSections {
    struct Page: Equatable {
        var number: Int
        /// The page's own title (a slide's title placeholder); nil for a PDF's page.
        var title: String?
        var lines: [String]

        /// Takes the next page in: its title is a line of this one's unless this one has none.
        mutating func append(_ next: Page) {
            if !lines.isEmpty { lines.append("") }
            if title == nil {
                title = next.title
            } else if let nextTitle = next.title {
                lines.append(nextTitle)
            }
            lines += next.lines
        }
    }

    /// The sections of an Office 97–2003 file's pages (a workbook's sheets, a presentation's
    /// slides), which `pages` reads from its compound file, titled by its summary information,
    /// whose other properties are the first section's fields.
    static func sections(ofCompoundFile bytes: [UInt8], minimumWords: Int,
                         pages: (CompoundFile) throws(CompoundFile.Failure) -> [Page]) throws(CompoundFile.Failure)
        -> ([SectionSplitter.Section], [SourceDocument.Field]) {
        let file = try CompoundFile(bytes)
        let read = try pages(file)
        let summary = try SummaryInformation(of: file)
        return (sections(of: read, documentTitle: summary.title, minimumWords: minimumWords), summary.properties.fields)
    }

    /// Each section is titled by its first page's title, else `documentTitle` (a PDF's properties'),
    /// else its first line.
    static func sections(of pages: [Page], documentTitle: String?, minimumWords: Int) -> [SectionSplitter.Section] {
        var sections: [SectionSplitter.Section] = []
        var pending: (page: Page, words: Int)?
        for var page in pages {
            page.lines = trimmed(page.lines[...])
            guard !page.lines.isEmpty || page.title != nil else { continue }
            let words = page.lines.reduce(wordCount(page.title ?? "")) { $0 + wordCount($1) }
            if var joined = pending {
                joined.page.append(page)
                joined.words += words
                pending = joined
            } else {
                pending = (page, words)
            }
            if let full = pending, full.words >= minimumWords {
                sections.append(section(full.page, documentTitle: documentTitle))
                pending = nil
            }
        }
        if let rest = pending?.page {
            if var last = sections.popLast() {
                let lines = (rest.title.map { [$0] } ?? []) + rest.lines
                last.body += (last.body.isEmpty ? "" : "\n\n") + lines.joined(separator: "\n")
                sections.append(last)
            } else {
                sections.append(section(rest, documentTitle: documentTitle))
            }
        }
        return sections
    }

    private static func section(_ page: Page, documentTitle: String?) -> SectionSplitter.Section {
        SectionSplitter.Section(line: page.number, title: page.title ?? documentTitle ?? SectionSplitter.title(from: page.lines[...], markdown: false),
                                body: page.lines.joined(separator: "\n"))
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
}
