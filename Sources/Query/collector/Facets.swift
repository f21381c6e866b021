import Indexer

/// A count a search makes besides its hits: how many of all its matches hold each value of a field
/// (`fts search --facet FIELD[:N]`, searchd's `FACET`), as Elasticsearch's terms aggregation and
/// Lucene's facets count them. The values are the field's as the corpus gave them (`FacetValuesReader`).
public struct FacetRequest: Sendable, Equatable {
    public static let defaultLimit = 10
    public static let maximumLimit = 1_000

    /// A histogram: the field's dates counted by the year, month or day they fall on (`FIELD:year`,
    /// `FIELD:month`, `FIELD:day`), or its numbers by intervals of a width (`FIELD:interval=10`), the
    /// buckets in order, as Elasticsearch's `date_histogram` and `histogram` count them.
    public enum Histogram: Sendable, Equatable {
        case year, month, day
        case interval(Double)

        init?(parsing text: some StringProtocol) {
            switch text.lowercased() {
            case "year": self = .year
            case "month": self = .month
            case "day": self = .day
            case let other where other.hasPrefix("interval="):
                guard let width = SortValue.number(of: other.dropFirst("interval=".count)), width > 0 else { return nil }
                self = .interval(width)
            default: return nil
            }
        }

        var grouping: FacetValuesReader.ValueGrouping {
            switch self {
            case .year: .datePrefix(length: 4)
            case .month: .datePrefix(length: 7)
            case .day: .datePrefix(length: 10)
            case .interval(let width): .numberInterval(width: width)
            }
        }

        /// As a request and a reply write it: `year`, `interval=10`.
        public var name: String {
            switch self {
            case .year: "year"
            case .month: "month"
            case .day: "day"
            case .interval(let width): "interval=" + FacetValuesReader.label(width)
            }
        }
    }

    public var field: String
    /// How many values to return: the most frequent first, or a histogram's first buckets in order.
    public var limit: Int
    /// Set for a histogram.
    public var histogram: Histogram?

    public init(field: String, limit: Int = Self.defaultLimit, histogram: Histogram? = nil) {
        self.field = field
        self.limit = limit
        self.histogram = histogram
    }

    /// `FIELD`, `FIELD:N`, or a histogram of every bucket up to the maximum: `FIELD:year`,
    /// `FIELD:month`, `FIELD:day`, `FIELD:interval=WIDTH`; as `fts search --facet` and searchd's
    /// `FACET` take it.
    public init(parsing text: String) throws(QueryError) {
        var field = Substring(text), limit = Self.defaultLimit
        var histogram: Histogram?
        if let colon = text.lastIndex(of: ":") {
            let suffix = text[text.index(after: colon)...]
            if let number = Int(suffix), (1...Self.maximumLimit).contains(number) {
                limit = number
            } else if let step = Histogram(parsing: suffix) {
                histogram = step
                limit = Self.maximumLimit
            } else {
                throw QueryError("a facet is FIELD, FIELD:N with N from 1 to \(Self.maximumLimit), FIELD:year, FIELD:month, "
                                 + "FIELD:day or FIELD:interval=WIDTH, not \"\(text)\"")
            }
            field = text[..<colon]
        }
        guard !field.isEmpty else { throw QueryError("a facet names a field: FIELD, FIELD:N, FIELD:year|month|day or FIELD:interval=WIDTH") }
        self.init(field: String(field), limit: limit, histogram: histogram)
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
        guard number != StandardField.title && number != StandardField.body else {
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

    /// The field's name in the index, and a histogram's step (`date:year`, `prix:interval=10`).
    public var field: String
    /// The most frequent values, at most the request's limit: by count, highest first, then in byte
    /// order of the values. A histogram's buckets in order: `2024`, `2024-03`, `2024-03-15` in time
    /// order, or intervals by their start (`10` for [10, 20)).
    public var values: [Value]
    /// How many different values (a histogram's buckets) the matches hold.
    public var distinct: Int
    /// How many matches hold no value (for a histogram, no date or no number) in the field.
    public var missing: Int
}

enum FacetCounter {
    /// Counts the values of every requested field (by number) over every match of `root`, in one walk
    /// that reads the matches as counting them does; and the matches. Every document (`*:*`, a front
    /// end's first page) reads each field's counts, kept once counted.
    static func count(_ root: Scorer, requests: [(request: FacetRequest, field: Int)], reader: IndexReader) throws
        -> (facets: [FacetCounts], matches: Int) {
        let values = reader.facetValues
        // In buffers, not arrays: the loop below runs once a match and field, and an array's
        // uniqueness and bounds checks would cost as much as the count. Values and histograms apart:
        // the values' loop stays as tight as it is without histograms.
        let everyDocument = root is AllScorer
        let histograms = requests.reduce(0) { $0 + ($1.request.histogram == nil ? 0 : 1) }
        let tallies = UnsafeMutableBufferPointer<FieldTally>.allocate(capacity: requests.count - histograms)
        let bucketTallies = UnsafeMutableBufferPointer<BucketTally>.allocate(capacity: histograms)
        var madeTallies = 0, madeBuckets = 0
        defer {
            for tally in tallies.prefix(madeTallies) { tally.counts.deallocate() }
            for tally in bucketTallies.prefix(madeBuckets) { tally.deallocate() }
            tallies.deallocate()
            bucketTallies.deallocate()
        }
        // Each histogram's buckets, in the order of the requests.
        var groups: [FacetValuesReader.ValueGroups] = []
        for (request, field) in requests {
            let column = values.column(field: field)!
            if let histogram = request.histogram {
                let grouped = try values.groups(field: field, by: histogram.grouping)
                guard !grouped.keys.isEmpty else {
                    if case .interval = histogram {
                        throw QueryError("cannot count the numbers of \"\(request.field)\": none of its values is a number")
                    }
                    throw QueryError("cannot count the dates of \"\(request.field)\": none of its values is a date (YYYY-MM-DD)")
                }
                (bucketTallies.baseAddress! + madeBuckets).initialize(to: BucketTally(column: column, groupOf: grouped.groupOf, buckets: grouped.keys.count))
                groups.append(grouped)
                madeBuckets += 1
            } else {
                let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: values.valueCount(field: field))
                var tally = FieldTally(column: column, counts: counts)
                if everyDocument {
                    // Every document: the field's counts, kept once counted.
                    _ = counts.initialize(from: values.documentCounts(field: field))
                    tally.missing = reader.documentCount - values.documentsWithValue(field: field)
                } else {
                    counts.initialize(repeating: 0)
                }
                (tallies.baseAddress! + madeTallies).initialize(to: tally)
                madeTallies += 1
            }
        }
        var matches = everyDocument ? reader.documentCount : 0
        if !everyDocument && !tallies.isEmpty { matches = try tally(root, tallies, documentCount: reader.documentCount) }
        if !bucketTallies.isEmpty {
            // A walk apart, the second when values are counted too: the values' walk stays the one it
            // is without histograms.
            if !everyDocument && !tallies.isEmpty { root.rewind() }
            let walked = try tally(root, bucketTallies, documentCount: reader.documentCount)
            if !everyDocument && tallies.isEmpty { matches = walked }
        }
        // The tallies were made in the order of the requests, values and histograms apart.
        var facets: [FacetCounts] = []
        facets.reserveCapacity(requests.count)
        var nextTally = 0, nextBuckets = 0
        for (request, field) in requests {
            if request.histogram != nil {
                let tally = bucketTallies[nextBuckets], keys = groups[nextBuckets].keys
                nextBuckets += 1
                let buckets = tally.counts.indices.filter { tally.counts[$0] > 0 }
                // Named as the index names the field (typed `categorie`, it is `catégorie`), and the step.
                facets.append(FacetCounts(field: reader.meta.fields[field].name + ":" + request.histogram!.name,
                                          values: buckets.prefix(request.limit).map { .init(value: keys[$0], count: tally.counts[$0]) },
                                          distinct: buckets.count, missing: tally.missing))
                continue
            }
            let tally = tallies[nextTally]
            nextTally += 1
            var keeper = TopKeeper<CountedValue>(capacity: request.limit)
            var distinct = 0
            for (ordinal, count) in tally.counts.enumerated() where count > 0 {
                distinct += 1
                keeper.collect(CountedValue(ordinal: ordinal, count: count))
            }
            facets.append(FacetCounts(field: reader.meta.fields[field].name,
                                      values: try keeper.sorted().map { .init(value: try values.value(ordinal: $0.ordinal, field: field), count: $0.count) },
                                      distinct: distinct, missing: tally.missing))
        }
        return (facets, matches)
    }

    /// Counts every match of `root` in each tally (values' or histograms'); returns the matches.
    /// Inlined into each caller: a walk of its own for each kind of tally, as tight as one written for it.
    @inline(__always)
    private static func tally<Tally: MatchTally>(_ root: Scorer, _ tallies: UnsafeMutableBufferPointer<Tally>, documentCount: Int) throws -> Int {
        var matches = 0
        try MatchCounter.forEachMatch(root, documentCount: documentCount) { match in
            matches &+= 1
            for index in 0..<tallies.count { tallies[index].add(Int(match)) }
        }
        return matches
    }

    /// Counts kept for each match, in document order.
    private protocol MatchTally {
        mutating func add(_ doc: Int)
    }

    /// One field's counts over the matches so far.
    private struct FieldTally: MatchTally {
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

    /// A histogram's counts over the matches so far, by bucket: a document counts once in a bucket
    /// however many of its values fall there.
    private struct BucketTally: MatchTally {
        let column: FacetValuesReader.FieldColumn
        var cursor = FacetValuesReader.Cursor()
        /// Each ordinal's bucket, -1 for a value the histogram does not take.
        let groupOf: UnsafeMutableBufferPointer<Int32>
        /// By bucket, and the last document counted in each.
        let counts: UnsafeMutableBufferPointer<Int>
        let lastDocument: UnsafeMutableBufferPointer<Int>
        /// Matches without a value the histogram takes.
        var missing = 0

        init(column: FacetValuesReader.FieldColumn, groupOf: [Int32], buckets: Int) {
            self.column = column
            self.groupOf = .allocate(capacity: groupOf.count)
            _ = self.groupOf.initialize(from: groupOf)
            counts = .allocate(capacity: buckets)
            counts.initialize(repeating: 0)
            lastDocument = .allocate(capacity: buckets)
            lastDocument.initialize(repeating: -1)
        }

        func deallocate() {
            groupOf.deallocate()
            counts.deallocate()
            lastDocument.deallocate()
        }

        @inline(__always)
        mutating func add(_ doc: Int) {
            var found = false
            let (groupOf, counts, lastDocument) = (self.groupOf, self.counts, self.lastDocument)
            column.forEachOrdinal(doc: doc, cursor: &cursor) {
                let group = Int(groupOf[$0])
                guard group >= 0 else { return }
                found = true
                if lastDocument[group] != doc {
                    lastDocument[group] = doc
                    counts[group] &+= 1
                }
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
    /// Whether every value starting with `value` is kept (`path:=notes/*`), not only `value` itself.
    public var prefix: Bool

    public init(field: String, value: String, prefix: Bool = false) {
        self.field = field
        self.value = value
        self.prefix = prefix
    }

    /// `FIELD:=VALUE`, `FIELD:="A VALUE"` or `FIELD:=PREFIX*`, as the query language writes a value.
    public init(parsing text: String) throws(QueryError) {
        guard case let .value(value, field, prefix, _)? = try? QueryParser().parse(text) else {
            throw QueryError("a filter is FIELD:=VALUE, with the value in quotes when it holds a space: tags:=\"économie sociale\", not \(text)")
        }
        self.init(field: field, value: value, prefix: prefix)
    }

    /// The field's number in `reader`'s index; an error when the index keeps no values of it.
    public func fieldNumber(in reader: IndexReader) throws(QueryError) -> Int {
        try reader.fieldWithValues(named: field, cannot: "filter by")
    }
}
