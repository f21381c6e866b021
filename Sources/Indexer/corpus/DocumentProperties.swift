/// What a document's properties say of it beyond its title (Word's docProps/core.xml, OpenDocument's
/// meta.xml, an EPUB's package metadata, a PDF's information dictionary), as fields of its first
/// section named as front matter's are: `author`, `description` and `keywords` are searched (each
/// author and keyword counted apart by facets); `date`, when it was made, is stored, to be shown and
/// sorted by.
struct DocumentProperties: Equatable {
    enum Property { case author, description, keyword, keywordList, date }

    var authors: [String] = []
    var description: String?
    var keywords: [String] = []
    var date: String?

    var fields: [SourceDocument.Field] {
        var fields: [SourceDocument.Field] = []
        if !authors.isEmpty { fields.append(SourceDocument.Field(name: "author", value: authors.joined(separator: ", "), items: authors)) }
        if let description { fields.append(SourceDocument.Field(name: "description", value: description)) }
        if !keywords.isEmpty { fields.append(SourceDocument.Field(name: "keywords", value: keywords.joined(separator: ", "), items: keywords)) }
        if let date { fields.append(SourceDocument.Field(name: "date", value: date, indexed: false)) }
        return fields
    }

    /// Adds a property's text: the first description and date win; authors and keywords gather,
    /// each once (a list of keywords split at its commas and semicolons).
    mutating func add(_ property: Property, _ text: String) {
        let shown = text.singleSpaced
        guard !shown.isEmpty else { return }
        switch property {
        case .author: if !authors.contains(shown) { authors.append(shown) }
        case .description: description = description ?? shown
        case .keyword: if !keywords.contains(shown) { keywords.append(shown) }
        case .keywordList:
            for keyword in shown.split(whereSeparator: { $0 == "," || $0 == ";" }) {
                add(.keyword, String(keyword))
            }
        case .date: date = date ?? shown
        }
    }

    /// The properties an XML part's elements hold, by element name.
    static func read(_ xml: [UInt8], elements: [String: Property]) -> DocumentProperties {
        var properties = DocumentProperties()
        var current: (property: Property, text: String)?
        var scanner = XMLScanner(xml, attributesOf: [])
        while let event = scanner.next() {
            switch event {
            case .start(let name, _, false): current = elements[name].map { ($0, "") }
            case .text(let text): current?.text += text
            case .end(let name):
                if let done = current, elements[name] == done.property { properties.add(done.property, done.text) }
                current = nil
            default: break
            }
        }
        return properties
    }

    static let word: [String: Property] = ["dc:creator": .author, "dc:description": .description, "cp:keywords": .keywordList,
                                           "dcterms:created": .date]
    static let openDocument: [String: Property] = ["meta:initial-creator": .author, "dc:creator": .author, "dc:description": .description,
                                                   "meta:keyword": .keywordList, "meta:creation-date": .date]
    static let epub: [String: Property] = ["dc:creator": .author, "dc:description": .description, "dc:subject": .keyword, "dc:date": .date]
}
