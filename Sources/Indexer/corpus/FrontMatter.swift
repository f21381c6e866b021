/// The metadata block that opens a Markdown page of a static site: YAML between `---` lines (Jekyll,
/// Hugo, MkDocs, Docusaurus) or TOML between `+++` lines (Hugo). It is not the page's text: its
/// `title` titles the page's first section, and its text-like keys (`description`, `tags`, …) become
/// fields of that section, as a JSON Lines document's further fields do. `date`, `lastmod` and
/// `weight` are stored, to be shown and sorted by, but not searched: they are settings, not text, and
/// would each add a field that every query looks up. Other keys (`layout`, `draft`) are left out.
///
/// The YAML read is the subset front matter uses: `key: value` at the start of a line, values plain or
/// quoted, `[a, b]` lists, `- item` lists and indented or folded (`>`, `|`) continuation lines.
struct FrontMatter: Equatable {
    static let textKeys: Set<String> = ["description", "summary", "subtitle", "tags", "categories", "keywords", "author", "authors"]
    static let storedKeys: Set<String> = ["date", "lastmod", "weight"]
    /// A block names at least one key static sites use, or it is text between two rules
    /// (`Attention : …` set off at the top of a page), which must not be lost.
    static let knownKeys: Set<String> = textKeys.union([
        "title", "date", "lastmod", "layout", "draft", "slug", "weight", "permalink", "lang", "aliases", "type", "published",
        "excerpt", "image", "toc", "menu", "id", "sidebar_position", "sidebar_label", "nav_order", "parent", "template", "status",
    ])
    /// A block that does not close within this many lines is not front matter.
    static let maximumLines = 200

    var title: String?
    var fields: [SourceDocument.Field] = []
    /// Lines it takes at the top of the text, both fences included.
    var lineCount: Int

    /// The front matter opening `lines`, or nil when they do not open with a closed block whose every
    /// line reads as one: a page that opens with a `---` rule and a paragraph keeps its paragraph.
    static func parse(_ lines: [String]) -> FrontMatter? {
        guard let fence = lines.first.map({ $0.trimmed }), fence == "---" || fence == "+++" else { return nil }
        let toml = fence == "+++"
        guard let end = lines.indices.dropFirst().prefix(maximumLines).first(where: { index in
            let line = lines[index].trimmed
            return line == fence || (!toml && line == "...")
        }) else { return nil }
        var entries: [Entry] = []
        for line in lines[1..<end] where !line.isBlank && !line.hasPrefix("#") {
            let indented = line.first == " " || line.first == "\t"
            if toml {
                if let (key, value) = split(line, at: "=") {
                    entries.append(Entry(key: key, value: value))
                } else if !(line.hasPrefix("[") && line.trimmed.hasSuffix("]")) && !indented {
                    return nil
                }
            } else if !indented, let (key, value) = split(line, at: ":") {
                entries.append(Entry(key: key, value: value))
            } else if !entries.isEmpty && (indented || line.hasPrefix("- ")) {
                entries[entries.count - 1].add(line)
            } else {
                return nil
            }
        }
        guard entries.isEmpty || entries.contains(where: { knownKeys.contains($0.key.lowercased()) }) else { return nil }
        var matter = FrontMatter(lineCount: end + 1)
        for entry in entries {
            let key = entry.key.lowercased()
            let text = entry.values.filter { !$0.isEmpty }.joined(separator: entry.isList ? ", " : " ")
            guard !text.isEmpty else { continue }
            if key == "title" {
                matter.title = text
            } else if textKeys.contains(key) || storedKeys.contains(key) {
                matter.fields.append(SourceDocument.Field(name: key, value: text, indexed: textKeys.contains(key),
                                                          items: entry.isList ? entry.values.filter { !$0.isEmpty } : nil))
            }
        }
        return matter
    }

    /// The sections of the page's `lines` (the front matter blanked), with the page's title and first
    /// line: a page of front matter alone is one empty section when it has a title or fields; the
    /// first section starts at the page's first text, not at the blanked lines; and it takes the
    /// page's title unless a heading of its own titles it.
    func applied(to sections: [SectionSplitter.Section], of lines: [String]) -> [SectionSplitter.Section] {
        var sections = sections
        if sections.isEmpty && (title != nil || !fields.isEmpty) {
            sections = [SectionSplitter.Section(line: 1, title: "", body: "")]
        }
        if let first = sections.first, first.line <= lineCount,
           let text = lines.indices.dropFirst(lineCount).first(where: { !lines[$0].isBlank }) {
            sections[0].line = text + 1
        }
        if let title, let first = sections.first {
            // A page's headings, `#` or Setext, as a `.md` file's are read.
            let heading = SectionSplitter.headings(of: lines, setext: true).levels[first.line - 1]
            if heading?.text != first.title { sections[0].title = title }
        }
        return sections
    }

    /// A key and its texts: a value on its line, the lines under it, or both.
    private struct Entry {
        var key: String
        var values: [String] = []
        var isList = false
        /// After `>` or `|`: the lines under the key are text, whatever they hold.
        var isBlock = false

        init(key: String, value: String) {
            self.key = key
            if value.hasPrefix(">") || value.hasPrefix("|") {
                isBlock = true
            } else if value.hasPrefix("["), value.hasSuffix("]") {
                isList = true
                values = value.dropFirst().dropLast().split(separator: ",").map { FrontMatter.unquoted($0.trimmed) }
            } else if !value.isEmpty {
                values = [FrontMatter.unquoted(value)]
            }
        }

        /// A line under the key: more of a long text, a list item, or a nested `name: value`.
        mutating func add(_ line: String) {
            var item = line.trimmed
            guard !isBlock else {
                values.append(item)
                return
            }
            if item.hasPrefix("- ") || item == "-" {
                isList = true
                item = String(item.dropFirst()).trimmed
            }
            if let (_, value) = FrontMatter.split(item, at: ":"), !value.isEmpty { item = value }
            values.append(FrontMatter.unquoted(item))
        }
    }

    /// `key` and the value after `separator`, when the line starts with a key (letters, digits, `_`, `-`,
    /// and `.` for TOML's dotted keys).
    fileprivate static func split(_ line: String, at separator: Character) -> (String, String)? {
        guard let index = line.firstIndex(of: separator) else { return nil }
        let key = line[..<index].trimmed
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else { return nil }
        return (key, String(line[line.index(after: index)...]).trimmed)
    }

    /// A value without its quotes, or without a trailing comment when it has none.
    fileprivate static func unquoted(_ value: String) -> String {
        if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
            let inner = String(value.dropFirst().dropLast())
            return quote == "'" ? inner.replacingOccurrences(of: "''", with: "'")
                : inner.replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
        }
        // In a plain YAML or TOML value, ` #` starts a comment.
        if let comment = value.range(of: " #") { return String(value[..<comment.lowerBound]).trimmed }
        return value
    }
}
