import Foundation

/// An EPUB book as one page of what it shows: its chapters (the XHTML documents of its spine, in
/// reading order) each read as an HTML page (`HTMLText`) and put one after the other, so that the
/// book splits at its top-level headings across chapters, as a reader turns its pages. Each line
/// keeps the number of its chapter in the reading order, which is the line of the sections it starts.
enum EPUBText {
    static func page(of archive: ZipArchive) throws(ZipArchive.Failure) -> HTMLText.Page {
        let (packagePath, package) = try packageDocument(of: archive)
        var manifest: [String: (href: String, type: String)] = [:]
        var spine: [String] = []
        var scanner = XMLScanner(package, attributesOf: ["item", "itemref", "opf:item", "opf:itemref"])
        while let event = scanner.next() {
            guard case .start(let name, let attributes, _) = event else { continue }
            switch name {
            case "item", "opf:item":
                if let id = attributes["id"], let href = attributes["href"] { manifest[id] = (href, attributes["media-type"] ?? "") }
            case "itemref", "opf:itemref":
                if let id = attributes["idref"] { spine.append(id) }
            default: break
            }
        }
        let folder = packagePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().map(String.init)
        var book = HTMLText.Page(lines: [], sourceLines: [])
        for (index, id) in spine.enumerated() {
            guard let item = manifest[id], item.type.contains("html"),
                  let bytes = try archive.data(of: ZipArchive.entryName(item.href, in: folder)) else { continue }
            let chapter = HTMLText.markdown(String(decoding: bytes, as: UTF8.self), titled: false)
            guard !chapter.lines.isEmpty else { continue }
            if !book.lines.isEmpty {
                book.lines.append("")
                book.sourceLines.append(index + 1)
            }
            book.lines += chapter.lines
            book.sourceLines += repeatElement(index + 1, count: chapter.lines.count)
        }
        return book
    }

    /// The book's properties beyond its title, from its package document's metadata.
    static func properties(of archive: ZipArchive) throws(ZipArchive.Failure) -> DocumentProperties {
        DocumentProperties.read(try packageDocument(of: archive).bytes, elements: DocumentProperties.epub)
    }

    /// The package document the container names: its path in the archive, and its bytes.
    private static func packageDocument(of archive: ZipArchive) throws(ZipArchive.Failure) -> (path: String, bytes: [UInt8]) {
        guard let container = try archive.data(of: "META-INF/container.xml") else {
            throw ZipArchive.Failure(reason: "not an EPUB (no META-INF/container.xml)")
        }
        var scanner = XMLScanner(container, attributesOf: ["rootfile"])
        var packagePath: String?
        while packagePath == nil, let event = scanner.next() {
            if case .start("rootfile", let attributes, _) = event { packagePath = attributes["full-path"] }
        }
        guard let packagePath, let package = try archive.data(of: packagePath) else {
            throw ZipArchive.Failure(reason: "not an EPUB (its package document is missing)")
        }
        return (packagePath, package)
    }
}
