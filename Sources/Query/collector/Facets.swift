import Indexer

/// A count a search makes besides its hits: how many of all its matches hold each value of a field
/// (`fts search --facet FIELD[:N]`, searchd's `FACET`), as Elasticsearch's terms aggregation and
/// Lucene's facets count them. The values are the field's as the corpus gave them (`FacetValuesReader`).
public struct FacetRequest: Sendable, Equatable {
    public static let defaultLimit = 10
    public static let maximumLimit = 1_000

    public var field: String
    /// How many values to return, the most frequent first.
    public var limit: Int

    public init(field: String, limit: Int = Self.defaultLimit) {
        self.field = field
        self.limit = limit
    }

    /// `FIELD` or `FIELD:N`, as `fts search --facet` and searchd's `FACET` take it.
    public init(parsing text: String) throws(QueryError) {
        var field = Substring(text), limit = Self.defaultLimit
        if let colon = text.lastIndex(of: ":") {
            guard let number = Int(text[text.index(after: colon)...]), (1...Self.maximumLimit).contains(number) else {
                throw QueryError("a facet is FIELD or FIELD:N with N from 1 to \(Self.maximumLimit), not \"\(text)\"")
            }
            limit = number
            field = text[..<colon]
        }
        guard !field.isEmpty else { throw QueryError("a facet names a field: FIELD or FIELD:N") }
        self.init(field: String(field), limit: limit)
    }

    /// The field's number in `reader`'s index; an error when no document has a value there.
    public func fieldNumber(in reader: IndexReader) throws(QueryError) -> Int {
        guard (1...Self.maximumLimit).contains(limit) else {
            throw QueryError("a facet returns from 1 to \(Self.maximumLimit) values, not \(limit)")
        }
        let fields = reader.facetValues.fields
        let names = reader.names(of: fields, what: "fields with values", none: "no field of this index holds values to count")
        guard let number = reader.field(named: field, among: fields) else {
            throw QueryError("cannot count the values of unknown field \"\(field)\" (\(names))")
        }
        guard number > StandardField.body else {
            throw QueryError("cannot count the values of \"\(field)\": the title and the body are texts to search, not values (\(names))")
        }
        guard reader.facetValues.hasValues(field: number) else {
            // Too long, or left out by `fts index --facets`.
            throw QueryError("cannot count the values of \"\(field)\": the index keeps none of its values (\(names))")
        }
        return number
    }
}

/// The values of a field among a search's matches.
public struct FacetCounts: Sendable, Equatable {
    public struct Value: Sendable, Equatable {
        public var value: String
        public var count: Int
    }

    /// The field's name in the index.
    public var field: String
    /// The most frequent values, at most the request's limit: by count, highest first, then in byte
    /// order of the values.
    public var values: [Value]
    /// How many different values the matches hold.
    public var distinct: Int
    /// How many matches hold no value in the field.
    public var missing: Int
}

enum FacetCounter {
    /// Counts the values of every requested field (by number) over every match of `root`, in one walk
    /// that reads the matches as counting them does; and the matches. Every document (`*:*`, a front
    /// end's first page) reads each field's counts, kept once counted.
    static func count(_ root: Scorer, requests: [(request: FacetRequest, field: Int)], reader: IndexReader) throws
        -> (facets: [FacetCounts], matches: Int) {
        let values = reader.facetValues
        // In a buffer, not arrays: the loop below runs once a match and field, and an array's
        // uniqueness and bounds checks would cost as much as the count.
        let everyDocument = root is AllScorer
        let tallies = UnsafeMutableBufferPointer<FieldTally>.allocate(capacity: requests.count)
        for (index, request) in requests.enumerated() {
            let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: values.valueCount(field: request.field))
            var tally = FieldTally(column: values.column(field: request.field)!, counts: counts)
            if everyDocument {
                _ = counts.initialize(from: values.documentCounts(field: request.field))
                tally.missing = reader.documentCount - values.documentsWithValue(field: request.field)
            } else {
                counts.initialize(repeating: 0)
            }
            (tallies.baseAddress! + index).initialize(to: tally)
        }
        defer {
            for tally in tallies { tally.counts.deallocate() }
            tallies.deallocate()
        }
        var matches = everyDocument ? reader.documentCount : 0
        if !everyDocument {
            try MatchCounter.forEachMatch(root, documentCount: reader.documentCount) { match in
                matches &+= 1
                for index in 0..<tallies.count { tallies[index].add(Int(match)) }
            }
        }
        let facets = try requests.indices.map { index in
            let (request, field) = requests[index]
            var keeper = TopKeeper<CountedValue>(capacity: request.limit)
            var distinct = 0
            for (ordinal, count) in tallies[index].counts.enumerated() where count > 0 {
                distinct += 1
                keeper.collect(CountedValue(ordinal: ordinal, count: count))
            }
            return FacetCounts(field: reader.meta.fields[field].name,
                               values: try keeper.sorted().map { .init(value: try values.value(ordinal: $0.ordinal, field: field), count: $0.count) },
                               distinct: distinct, missing: tallies[index].missing)
        }
        return (facets, matches)
    }

    /// One field's counts over the matches so far.
    private struct FieldTally {
        let column: FacetValuesReader.FieldColumn
        var cursor = FacetValuesReader.Cursor()
        /// By ordinal.
        let counts: UnsafeMutableBufferPointer<Int>
        /// Matches without a value.
        var missing = 0

        init(column: FacetValuesReader.FieldColumn, counts: UnsafeMutableBufferPointer<Int>) {
            self.column = column
            self.counts = counts
        }

        @inline(__always)
        mutating func add(_ doc: Int) {
            var found = false
            let counts = self.counts
            column.forEachOrdinal(doc: doc, cursor: &cursor) {
                counts[$0] &+= 1
                found = true
            }
            if !found { missing &+= 1 }
        }
    }

    /// Ranks first: the higher count, then the lower ordinal (the value first in byte order).
    private struct CountedValue: Ranked {
        var ordinal: Int
        var count: Int

        func ranksBefore(_ other: CountedValue) -> Bool {
            count != other.count ? count > other.count : ordinal < other.ordinal
        }
    }
}

/// A value a search is narrowed to beside its query (`fts search --filter FIELD:=VALUE`, searchd's
/// `FILTER`), as a front end narrows it when a facet's value is chosen. Filters on one field are
/// alternatives (any of the chosen values), filters on different fields all apply; and each facet
/// counts its matches without the filters on its own field, so that it still offers the values not
/// chosen: Lucene's drill sideways, Elasticsearch's post filter with filtered aggregations.
public struct FacetFilter: Sendable, Equatable {
    public var field: String
    public var value: String

    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }

    /// `FIELD:=VALUE` or `FIELD:="A VALUE"`, as the query language writes an exact value.
    public init(parsing text: String) throws(QueryError) {
        guard case let .value(value, field, _)? = try? QueryParser().parse(text) else {
            throw QueryError("a filter is FIELD:=VALUE, with the value in quotes when it holds a space: tags:=\"économie sociale\", not \(text)")
        }
        self.init(field: field, value: value)
    }

    /// The field's number in `reader`'s index; an error when the index keeps no values of it.
    public func fieldNumber(in reader: IndexReader) throws(QueryError) -> Int {
        let fields = reader.facetValues.fields
        guard let number = reader.field(named: field, among: fields), reader.facetValues.hasValues(field: number) else {
            throw QueryError("cannot filter by \"\(field)\": the index keeps no values of it "
                             + "(\(reader.names(of: fields, what: "fields with values", none: "no field of this index holds values")))")
        }
        return number
    }
}
