/// A document as read from the corpus, before analysis.
public struct SourceDocument: Sendable, Equatable, Codable {
    public struct Field: Sendable, Equatable, Codable {
        public var name: String
        public var value: String
        /// False for a value kept to be shown and sorted by, not searched (a page's `date`).
        public var indexed: Bool
        /// The values as the corpus gave them before `value` joined them: a JSON array's elements, a
        /// front matter list's entries, or `value` alone. What facets count (`FacetValues`).
        public var items: [String]

        public init(name: String, value: String, indexed: Bool = true, items: [String]? = nil) {
            self.name = name
            self.value = value
            self.indexed = indexed
            self.items = items ?? [value]
        }
    }

    /// Stable identifier: the JSON `id`, or `FILE#N` for the N-th section of a text file.
    public var id: String
    /// The file it comes from, as named under the indexed folder.
    public var path: String
    /// The 1-based line of the file where it starts.
    public var line: Int
    public var title: String
    public var body: String
    /// Further fields of a JSON Lines document (or front matter), indexed and stored under their own names.
    public var extraFields: [Field]

    public init(id: String, path: String, line: Int, title: String, body: String, extraFields: [Field] = []) {
        self.id = id
        self.path = path
        self.line = line
        self.title = title
        self.body = body
        self.extraFields = extraFields
    }
}
