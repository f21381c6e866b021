import Foundation
import Indexer
import Query

/// How replies are written on a connection (`FORMAT text` / `FORMAT json`).
public enum ReplyFormat: String, Sendable {
    case text, json
}

/// A request, decoded from one line (docs/PROTOCOL.md).
enum Request: Equatable {
    case ping
    case search(SearchRequest)
    case count(String)
    case suggest(String)
    case complete(limit: Int, text: String)
    case get(String)
    case highlight(id: String, query: String)
    case analyze(String)
    case terms(TermsRequest)
    case stats
    case fields
    case reload
    case format(ReplyFormat)
    case auth(String)
    case help
    case quit
}

/// `TERMS`'s options: a field's terms (every searched field's when nil) starting with a prefix, the
/// first `limit` in byte order, or the `limit` held by the most documents (`top`).
struct TermsRequest: Equatable {
    /// The most terms one reply lists.
    static let maximumLimit = 10_000
    var field: String?
    var prefix = ""
    var limit = 100
    var top = false
}

/// `SEARCH`'s options and query.
struct SearchRequest: Equatable {
    var limit = 10
    var offset = 0
    var sort: FieldSort?
    var collapse: FieldCollapse?
    var facets: [FacetRequest] = []
    var filters: [FacetFilter] = []
    var like: String?
    /// Fields weighed for this search alone (`BOOST tags=3`), by name as typed.
    var boosts: [String: Double] = [:]
    /// The weight of the query's words near each other for this search alone (`PROXIMITY 1`), and how
    /// far apart they may stand (`PROXIMITY 1~3`); nil for the server's.
    var proximityBoost: Double?
    var proximitySlop: Int?
    /// Where words without a field are searched (`FIELDS title,tags`), by name as typed; nil for every
    /// searched field.
    var fields: [String]?
    /// 0 for no snippets.
    var snippetLength = Searcher.defaultSnippetLength
    var explain = false
    /// Whether the reply also says what the query would be with its spelling corrected (`SUGGEST`).
    var suggest = false
    /// Whether the reply says where its last hit stands (`CURSOR`, or `AFTER`).
    var cursor = false
    var after: SearchCursor?
    var query: String

    /// What makes the request as a whole wrong: a window past the maximum, or neither a query nor `LIKE`.
    var problem: ProtocolError? {
        // An argument error, not the query's: reported as one.
        guard limit <= Searcher.maximumWindow && offset <= Searcher.maximumWindow - limit else {
            return ProtocolError(code: .badRequest, message: "OFFSET + LIMIT is over the maximum window of \(Searcher.maximumWindow) results")
        }
        guard !query.isEmpty || like != nil else { return ProtocolError(code: .syntax, message: "empty query") }
        return nil
    }
}

/// A reply, written in the connection's format.
enum Reply {
    case pong
    case ok(String)
    /// With `SUGGEST`, the suggestion: `.some(nil)` when there is nothing to correct.
    case results(SearchResults, suggestion: String?? = nil)
    case count(Int)
    case suggestion(String?)
    case completions([Completion])
    /// A stored document's fields; with `highlighted` (`HIGHLIGHT`), a searched field's matching words
    /// too, as UTF-8 byte ranges in its value (nil for a field not searched).
    case document([(name: String, value: ReplyValue, highlights: [Range<Int>]?)], highlighted: Bool)
    /// `ANALYZE`'s tokens.
    case analysis([(token: Token, text: String)])
    /// `TERMS`'s: each term with its field's name, and whether every term asked for is listed.
    case vocabulary([(field: String, entry: Vocabulary.Entry)], complete: Bool)
    case stats([(key: String, value: ReplyValue)])
    case fields([FieldSummary])
    case help([String])
    case bye
    case error(ProtocolError)
}

/// A value of a `STATS` or `GET` reply: a count, a measure or a line number (a JSON number), or text
/// (a JSON string). Text replies write both as they are.
enum ReplyValue: Equatable {
    case number(Int)
    case text(String)

    /// As a text reply writes it.
    var plain: String {
        switch self {
        case .number(let number): "\(number)"
        case .text(let text): text
        }
    }
}

/// `ERR <code> <message>`: stable codes a client can act on.
struct ProtocolError: Error, Equatable {
    enum Code: String {
        case syntax, unknownCommand = "unknown_command", lineTooLong = "line_too_long"
        case tooManyConnections = "too_many_connections", unauthorized, notFound = "not_found"
        case invalidUTF8 = "invalid_utf8", badRequest = "bad_request", reloadFailed = "reload_failed"
        case internalError = "internal", busy
    }

    var code: Code
    var message: String
}

/// An option of `SEARCH` (PROTOCOL.md), by its name: `LIMIT` and `OFFSET` in any case, the others in
/// capitals, as `OR` in a query (`SEARCH sort des déchets` searches the word). Over HTTP, a parameter
/// of its name in lower case.
enum SearchOption: String, CaseIterable {
    case limit = "LIMIT", offset = "OFFSET", sort = "SORT", collapse = "COLLAPSE", facet = "FACET", filter = "FILTER"
    case like = "LIKE", boost = "BOOST", proximity = "PROXIMITY", fields = "FIELDS", snippet = "SNIPPET"
    case explain = "EXPLAIN", suggest = "SUGGEST", cursor = "CURSOR", after = "AFTER"

    init?(_ word: ArraySlice<UInt8>) {
        if RequestDecoder.matches(word, "LIMIT") {
            self = .limit
        } else if RequestDecoder.matches(word, "OFFSET") {
            self = .offset
        } else if let option = Self.allCases.first(where: { word.elementsEqual($0.rawValue.utf8) }) {
            self = option
        } else {
            return nil
        }
    }

    /// `EXPLAIN`, `SUGGEST` and `CURSOR` stand alone; every other option takes the word after it.
    var takesArgument: Bool { self != .explain && self != .suggest && self != .cursor }

    /// Sets the option to `argument` in `request` (a `LIKE`'s id and a `FILTER`'s value may be quoted);
    /// the error that says how the option is written when `argument` is not.
    func apply(_ argument: some Collection<UInt8>, to request: inout SearchRequest) -> ProtocolError? {
        let value = String(decoding: argument, as: UTF8.self)
        func bad(_ message: String) -> ProtocolError { ProtocolError(code: .badRequest, message: message) }
        switch self {
        case .explain: request.explain = true
        case .suggest: request.suggest = true
        case .cursor: request.cursor = true
        case .proximity:
            // `w` or `w~N`, as a proximity search writes its slop.
            let parts = value.split(separator: "~", maxSplits: 1, omittingEmptySubsequences: false)
            let slop = parts.count == 2 ? Int(parts[1]) : nil
            guard let weight = Double(parts.first ?? ""), parts.count == 1 || slop != nil,
                  BM25Parameters(proximityBoost: weight, proximitySlop: slop ?? BM25Parameters().proximitySlop).problem == nil else {
                return bad("PROXIMITY takes a weight from 0 to \(Int(QueryParser.maximumBoost)), then maybe ~ and a slop from 0 to "
                    + "\(QueryParser.maximumSlop), as in PROXIMITY 1 or PROXIMITY 1~3")
            }
            request.proximityBoost = weight
            request.proximitySlop = slop
        case .boost:
            guard request.boosts.count < RequestDecoder.maximumBoosts else { return bad("at most \(RequestDecoder.maximumBoosts) BOOSTs a search") }
            guard let (field, boost) = try? BM25Parameters.fieldBoost(parsing: value) else { return bad("BOOST takes FIELD=W, as in BOOST tags=3") }
            request.boosts[field] = boost
        case .fields:
            let names = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard request.fields == nil, !value.isEmpty, names.allSatisfy({ !$0.isEmpty }) else {
                return bad("FIELDS takes field names separated by commas, once a search, as in FIELDS title,tags")
            }
            request.fields = names
        case .after:
            guard request.after == nil else { return bad("one AFTER a search") }
            do {
                request.after = try SearchCursor(token: value)
                request.cursor = true
            } catch {
                return bad("AFTER takes the cursor a page gave: \(error.description)")
            }
        case .collapse:
            guard !value.isEmpty else { return bad("COLLAPSE takes a field") }
            request.collapse = FieldCollapse(field: value)
        case .snippet:
            let lengths = Searcher.snippetLengths
            guard let length = Int(value), length == 0 || lengths.contains(length) else {
                return bad("SNIPPET takes 0 (no snippets) or a length from \(lengths.lowerBound) to \(lengths.upperBound)")
            }
            request.snippetLength = length
        case .like:
            guard request.like == nil else { return bad("one LIKE a search") }
            guard let id = RequestDecoder.unquoted(ArraySlice(argument)), !id.isEmpty else {
                return bad("LIKE takes a document id, quoted when it holds a space: LIKE \"a b.txt#2\"")
            }
            request.like = id
        case .filter:
            guard request.filters.count < RequestDecoder.maximumFilters else { return bad("at most \(RequestDecoder.maximumFilters) FILTERs a search") }
            do {
                request.filters.append(try FacetFilter(parsing: value))
            } catch {
                return bad(error.description)
            }
        case .facet:
            guard request.facets.count < RequestDecoder.maximumFacets else { return bad("at most \(RequestDecoder.maximumFacets) FACETs a search") }
            guard let facet = try? FacetRequest(parsing: value) else {
                return bad("FACET takes FIELD, FIELD:N (N from 1 to \(FacetRequest.maximumLimit)), FIELD:year|month|day or FIELD:interval=WIDTH")
            }
            request.facets.append(facet)
        case .sort:
            guard let sort = try? FieldSort(parsing: value) else {
                return bad("SORT takes FIELD, FIELD:asc or FIELD:desc, or up to 3 of them separated by commas")
            }
            request.sort = sort
        case .limit, .offset:
            guard let number = Int(value), number >= 0 else { return bad("\(rawValue) takes a number") }
            if self == .limit { request.limit = number } else { request.offset = number }
        }
        return nil
    }
}

enum RequestDecoder {
    /// Decodes one line (without its line ending). The command and the options are read as bytes;
    /// only the query (or argument) becomes a string.
    static func decode(_ bytes: [UInt8]) -> Result<Request, ProtocolError> {
        if bytes.contains(0) { return .failure(ProtocolError(code: .badRequest, message: "line contains a NUL byte")) }
        guard String(validUTF8: bytes) != nil else {
            return .failure(ProtocolError(code: .invalidUTF8, message: "line is not valid UTF-8"))
        }
        var start = 0
        while start < bytes.count && isBlank(bytes[start]) { start += 1 }
        var end = start
        while end < bytes.count && !isBlank(bytes[end]) { end += 1 }
        let name = bytes[start..<end]
        var restStart = end
        while restStart < bytes.count && isBlank(bytes[restStart]) { restStart += 1 }
        if name.isEmpty { return .failure(ProtocolError(code: .unknownCommand, message: "empty line; try HELP")) }
        if matches(name, "SEARCH") { return search(bytes[restStart...]) }
        let rest = String(decoding: bytes[restStart...], as: UTF8.self)
        if matches(name, "COUNT") {
            return rest.isEmpty ? .failure(ProtocolError(code: .syntax, message: "empty query")) : .success(.count(rest))
        }
        if matches(name, "SUGGEST") {
            return rest.isEmpty ? .failure(ProtocolError(code: .syntax, message: "empty query")) : .success(.suggest(rest))
        }
        if matches(name, "COMPLETE") { return complete(bytes[restStart...]) }
        if matches(name, "PING") { return .success(.ping) }
        if matches(name, "GET") {
            return rest.isEmpty ? .failure(ProtocolError(code: .badRequest, message: "GET needs a document id")) : .success(.get(rest))
        }
        if matches(name, "HIGHLIGHT") { return highlight(bytes[restStart...]) }
        if matches(name, "ANALYZE") { return .success(.analyze(rest)) }
        if matches(name, "TERMS") { return terms(bytes[restStart...]) }
        if matches(name, "STATS") { return .success(.stats) }
        if matches(name, "FIELDS") { return .success(.fields) }
        if matches(name, "RELOAD") { return .success(.reload) }
        if matches(name, "FORMAT") {
            guard let format = ReplyFormat(rawValue: rest.lowercased()) else {
                return .failure(ProtocolError(code: .badRequest, message: "FORMAT takes text or json"))
            }
            return .success(.format(format))
        }
        if matches(name, "AUTH") { return .success(.auth(rest)) }
        if matches(name, "HELP") { return .success(.help) }
        if matches(name, "QUIT") { return .success(.quit) }
        let shown = String(decoding: name, as: UTF8.self).prefix(32)
        return .failure(ProtocolError(code: .unknownCommand, message: "unknown command \(shown); try HELP"))
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Whether `word` is `name` (upper-case ASCII) in any case.
    fileprivate static func matches(_ word: ArraySlice<UInt8>, _ name: StaticString) -> Bool {
        guard word.count == name.utf8CodeUnitCount else { return false }
        return zip(word, UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)).allSatisfy { byte, letter in
            byte == letter || byte == letter | 0x20
        }
    }

    /// Facets one search may count.
    static let maximumFacets = 16

    /// `SEARCH [LIMIT n] [OFFSET n] [SORT field[:asc|:desc]] [COLLAPSE field] [FACET field[:n]]…
    /// [FILTER field:=value]… [LIKE id] [BOOST field=w]… [PROXIMITY w[~n]] [FIELDS a,b] [SNIPPET n] [EXPLAIN] [SUGGEST] [CURSOR] [AFTER cursor] <query>`,
    /// options in any order; the query may be empty after `LIKE`.
    private static func search(_ text: ArraySlice<UInt8>) -> Result<Request, ProtocolError> {
        var request = SearchRequest(query: "")
        var rest = text
        while true {
            let word = rest.prefix { $0 != 0x20 }
            guard let option = SearchOption(word) else { break }
            let afterWord = rest.dropFirst(word.count).drop { $0 == 0x20 }
            let argument = !option.takesArgument ? afterWord.prefix(0)
                : option == .filter || option == .like ? filterArgument(afterWord) : afterWord.prefix { $0 != 0x20 }
            if let error = option.apply(argument, to: &request) { return .failure(error) }
            rest = afterWord.dropFirst(argument.count).drop { $0 == 0x20 }
        }
        request.query = String(decoding: rest, as: UTF8.self)
        if let error = request.problem { return .failure(error) }
        return .success(.search(request))
    }

    /// `HIGHLIGHT <id> <query>`: the id as `LIKE` takes it (quoted when it holds a space), then the query.
    private static func highlight(_ text: ArraySlice<UInt8>) -> Result<Request, ProtocolError> {
        let argument = filterArgument(text)
        guard let id = unquoted(argument), !id.isEmpty else {
            return .failure(ProtocolError(code: .badRequest, message: "HIGHLIGHT takes a document id, quoted when it holds a space, then a query"))
        }
        let query = text.dropFirst(argument.count).drop { $0 == 0x20 }
        guard !query.isEmpty else { return .failure(ProtocolError(code: .syntax, message: "empty query")) }
        return .success(.highlight(id: id, query: String(decoding: query, as: UTF8.self)))
    }

    /// `TERMS [FIELD f] [PREFIX p] [LIMIT n | TOP n]`, options in any order and case.
    private static func terms(_ text: ArraySlice<UInt8>) -> Result<Request, ProtocolError> {
        var request = TermsRequest()
        var rest = text
        var counted = false
        while !rest.isEmpty {
            let word = rest.prefix { $0 != 0x20 }
            let afterWord = rest.dropFirst(word.count).drop { $0 == 0x20 }
            let argument = afterWord.prefix { $0 != 0x20 }
            let value = String(decoding: argument, as: UTF8.self)
            let isLimit = matches(word, "LIMIT"), isTop = matches(word, "TOP")
            if isLimit || isTop {
                guard !counted else { return .failure(ProtocolError(code: .badRequest, message: "TERMS takes LIMIT or TOP, once")) }
                guard let number = Int(value), (1...TermsRequest.maximumLimit).contains(number) else {
                    return .failure(ProtocolError(code: .badRequest, message: "\(isTop ? "TOP" : "LIMIT") takes a number from 1 to \(TermsRequest.maximumLimit)"))
                }
                (request.limit, request.top, counted) = (number, isTop, true)
            } else if matches(word, "FIELD"), !argument.isEmpty {
                request.field = value
            } else if matches(word, "PREFIX"), !argument.isEmpty {
                request.prefix = value
            } else {
                return .failure(ProtocolError(code: .badRequest, message: "TERMS takes FIELD f, PREFIX p, and LIMIT n or TOP n"))
            }
            rest = afterWord.dropFirst(argument.count).drop { $0 == 0x20 }
        }
        return .success(.terms(request))
    }

    /// `LIKE`'s id: as written, or between quotes with `\"` and `\\` for a quote and a backslash;
    /// nil when a quote is left open or text follows the closing one.
    static func unquoted(_ argument: ArraySlice<UInt8>) -> String? {
        guard argument.first == 0x22 else { return String(decoding: argument, as: UTF8.self) }
        var bytes: [UInt8] = []
        var index = argument.startIndex + 1
        while index < argument.endIndex {
            switch argument[index] {
            case 0x22: return index + 1 == argument.endIndex ? String(decoding: bytes, as: UTF8.self) : nil
            case 0x5C where index + 1 < argument.endIndex:
                bytes.append(argument[index + 1])
                index += 2
            default:
                bytes.append(argument[index])
                index += 1
            }
        }
        return nil
    }

    /// Filters one search may apply.
    static let maximumFilters = 64

    /// Fields one search may boost.
    static let maximumBoosts = 64

    /// `COMPLETE [LIMIT n] <text>`. `LIMIT` only in capitals: a user typing `limit` gets it completed.
    /// The text is kept whole, a space at its end included (its last word is then finished).
    private static func complete(_ text: ArraySlice<UInt8>) -> Result<Request, ProtocolError> {
        var limit = 10
        var rest = text
        let word = rest.prefix { $0 != 0x20 }
        if word.elementsEqual("LIMIT".utf8) {
            let afterWord = rest.dropFirst(word.count).drop { $0 == 0x20 }
            let argument = afterWord.prefix { $0 != 0x20 }
            guard let value = Int(String(decoding: argument, as: UTF8.self)), (1...Searcher.maximumCompletions).contains(value) else {
                return .failure(ProtocolError(code: .badRequest, message: "LIMIT takes a number from 1 to \(Searcher.maximumCompletions)"))
            }
            limit = value
            rest = afterWord.dropFirst(argument.count).drop { $0 == 0x20 }
        }
        guard !rest.isEmpty else { return .failure(ProtocolError(code: .syntax, message: "empty text")) }
        return .success(.complete(limit: limit, text: String(decoding: rest, as: UTF8.self)))
    }

    /// `FILTER`'s argument: up to the next space, but for a quoted value (`tags:="a b"`), which goes on
    /// to its closing quote.
    private static func filterArgument(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var index = text.startIndex
        while index < text.endIndex && text[index] != 0x20 {
            if text[index] == 0x22 {
                index += 1
                while index < text.endIndex && text[index] != 0x22 { index += text[index] == 0x5C && index + 1 < text.endIndex ? 2 : 1 }
            }
            index = min(index + 1, text.endIndex)
        }
        return text[text.startIndex..<index]
    }
}

enum ReplyEncoder {
    /// Tabs, line breaks and backslashes inside a field of a text reply.
    static func escape(_ text: String) -> String {
        var out = ByteOutput(capacity: text.utf8.count)
        out.appendField(text)
        return out.string
    }

    /// The reply's bytes, every line ending in `\n`.
    static func encode(_ reply: Reply, format: ReplyFormat) -> [UInt8] {
        var out = ByteOutput(capacity: 256)
        encode(reply, format: format, into: &out)
        return out.bytes
    }

    /// Appends the reply's bytes to `out`.
    static func encode(_ reply: Reply, format: ReplyFormat, into out: inout ByteOutput) {
        if format == .json {
            json(reply, into: &out)
        } else {
            text(reply, into: &out)
        }
        out.append(UInt8(ascii: "\n"))
    }

    /// Every reply but the last line's `\n`.
    private static func text(_ reply: Reply, into out: inout ByteOutput) {
        /// `NAME count`, then a line of tab-separated fields per row.
        func counted(_ name: String, _ rows: [[String]], after: String = "") {
            out.append("\(name) \(rows.count)\(after)")
            for row in rows {
                out.append(UInt8(ascii: "\n"))
                for (index, field) in row.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: "\t")) }
                    out.appendField(field)
                }
            }
        }
        switch reply {
        case .pong: out.append("PONG")
        case .ok(let message): out.append("OK \(message)")
        case .results(let results, let suggestion):
            // Numbers written directly: interpolating them into a string cost as much as a hit line.
            out.append("RESULTS ")
            out.append(results.hits.count)
            out.append(UInt8(ascii: " "))
            out.append(results.total)
            out.append(UInt8(ascii: " "))
            out.append(results.tookMicroseconds)
            if let groups = results.groups {
                out.append(UInt8(ascii: " "))
                out.append(groups)
            }
            for hit in results.hits {
                out.append(UInt8(ascii: "\n"))
                out.append(hit.rank)
                out.append(UInt8(ascii: "\t"))
                out.appendField(hit.record.utf8(of: StandardField.id) ?? [])
                out.append(UInt8(ascii: "\t"))
                out.append(hit.score, decimals: 4)
                out.append(UInt8(ascii: "\t"))
                out.appendField(hit.record.utf8(of: StandardField.title) ?? [])
                out.append(UInt8(ascii: "\t"))
                out.appendMarkedField(hit.snippet)
            }
            for hit in results.hits {
                guard let explanation = hit.explanation else { continue }
                out.append("\nEXPLAIN \(hit.rank) \(explanation.count)")
                for line in explanation {
                    out.append(UInt8(ascii: "\n"))
                    out.appendField(line)
                }
            }
            for facet in results.facets {
                out.append("\nFACET \(facet.field) \(facet.values.count) \(facet.distinct) \(facet.missing)")
                for value in facet.values {
                    out.append(UInt8(ascii: "\n"))
                    out.appendField(value.value)
                    out.append(UInt8(ascii: "\t"))
                    out.append(value.count)
                }
            }
            if let suggestion {
                out.append("\nSUGGESTION")
                if let query = suggestion {
                    out.append(UInt8(ascii: " "))
                    out.appendField(query)
                }
            }
            if results.pagedByCursor {
                out.append("\nNEXT")
                if let next = results.next { out.append(" " + next.token) }
            }
        case .count(let count): out.append("COUNT \(count)")
        case .suggestion(let query):
            out.append("SUGGESTION")
            if let query {
                out.append(UInt8(ascii: " "))
                out.appendField(query)
            }
        case .completions(let completions): counted("COMPLETIONS", completions.map { [$0.text, String($0.count)] })
        case .document(let fields, _):
            out.append("DOCUMENT \(fields.count)")
            for field in fields {
                out.append(UInt8(ascii: "\n"))
                out.appendField(field.name)
                out.append(UInt8(ascii: "\t"))
                if let highlights = field.highlights {
                    out.appendMarkedField(Snippet(text: field.value.plain, highlights: highlights))
                } else {
                    out.appendField(field.value.plain)
                }
            }
        case .analysis(let terms):
            counted("TERMS", terms.map { [String($0.token.position), $0.token.term, String($0.token.range.lowerBound),
                                          String($0.token.range.upperBound), $0.text] })
        case .vocabulary(let terms, let complete):
            counted("TERMS", terms.map { [$0.field, $0.entry.term, String($0.entry.documents), String($0.entry.occurrences)] },
                    after: complete ? " complete" : " partial")
        case .stats(let pairs): counted("STATS", pairs.map { [$0.key, $0.value.plain] })
        case .fields(let fields):
            func flag(_ value: Bool) -> String { value ? "yes" : "no" }
            counted("FIELDS", fields.map { field in
                [field.name, flag(field.indexed), flag(field.stored), String(field.documents), String(format: "%.1f", field.averageLength),
                 String(field.documentsWithValues), String(field.distinctValues), String(field.dateValues), String(field.numberValues),
                 flag(field.exactForms)]
            })
        case .help(let lines): counted("HELP", lines.map { [$0] })
        case .bye: out.append("BYE")
        case .error(let error):
            out.append("ERR \(error.code.rawValue) ")
            out.appendField(error.message)
        }
    }

    /// One JSON object.
    private static func json(_ reply: Reply, into out: inout ByteOutput) {
        /// `[[start,end],…]`: byte ranges of highlighted words.
        func ranges(_ ranges: [Range<Int>]) {
            out.append(UInt8(ascii: "["))
            for (number, range) in ranges.enumerated() {
                out.append(number > 0 ? ",[\(range.lowerBound),\(range.upperBound)]" : "[\(range.lowerBound),\(range.upperBound)]")
            }
            out.append(UInt8(ascii: "]"))
        }
        /// `{"key":value,…}`: numbers as JSON numbers, text as JSON strings.
        func object(_ pairs: [(key: String, value: ReplyValue)]) {
            out.append(UInt8(ascii: "{"))
            for (index, pair) in pairs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.appendJSONString(pair.key)
                out.append(UInt8(ascii: ":"))
                switch pair.value {
                case .number(let number): out.append(number)
                case .text(let text): out.appendJSONString(text)
                }
            }
            out.append(UInt8(ascii: "}"))
        }
        switch reply {
        case .pong: out.append("{\"pong\":true}")
        case .ok(let message):
            out.append("{\"ok\":")
            out.appendJSONString(message)
            out.append(UInt8(ascii: "}"))
        case .results(let results, let suggestion):
            out.append("{\"results\":[")
            for (index, hit) in results.hits.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append("{\"rank\":\(hit.rank),\"id\":")
                out.appendJSONString(hit.record.utf8(of: StandardField.id) ?? [])
                out.append(",\"score\":\(hit.score),\"path\":")
                out.appendJSONString(hit.record.utf8(of: StandardField.path) ?? [])
                out.append(",\"line\":\(hit.line),\"title\":")
                out.appendJSONString(hit.record.utf8(of: StandardField.title) ?? [])
                out.append(",\"title_highlights\":")
                ranges(hit.titleHighlights)
                out.append(",\"snippet\":")
                hit.snippet.utf8.withUnsafeBufferPointer { out.appendJSONString($0) }
                out.append(",\"highlights\":")
                ranges(hit.snippet.highlights)
                out.append(",\"fields\":{")
                var first = true
                hit.forEachOtherField { field, utf8 in
                    if !first { out.append(UInt8(ascii: ",")) }
                    first = false
                    out.appendJSONString(results.fieldNames[field])
                    out.append(UInt8(ascii: ":"))
                    out.appendJSONString(utf8)
                }
                out.append(UInt8(ascii: "}"))
                if let explanation = hit.explanation {
                    out.append(",\"explanation\":[")
                    for (number, line) in explanation.enumerated() {
                        if number > 0 { out.append(UInt8(ascii: ",")) }
                        out.appendJSONString(line)
                    }
                    out.append(UInt8(ascii: "]"))
                }
                out.append(UInt8(ascii: "}"))
            }
            out.append("],\"returned\":\(results.hits.count),\"total\":\(results.total),"
                       + "\"exact\":\(results.totalIsExact),\"took_us\":\(results.tookMicroseconds)")
            if let groups = results.groups { out.append(",\"groups\":\(groups)") }
            if !results.facets.isEmpty { out.append(",\"facets\":" + JSON.facets(results.facets)) }
            if let suggestion {
                out.append(",\"suggestion\":")
                if let query = suggestion { out.appendJSONString(query) } else { out.append("null") }
            }
            if results.pagedByCursor { out.append(",\"next\":" + (results.next.map { "\"\($0.token)\"" } ?? "null")) }
            out.append(UInt8(ascii: "}"))
        case .count(let count): out.append("{\"count\":\(count)}")
        case .suggestion(let query):
            out.append("{\"suggestion\":")
            if let query { out.appendJSONString(query) } else { out.append("null") }
            out.append(UInt8(ascii: "}"))
        case .completions(let completions):
            out.append("{\"completions\":[")
            for (index, completion) in completions.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append("{\"text\":")
                out.appendJSONString(completion.text)
                out.append(",\"count\":\(completion.count)}")
            }
            out.append("]}")
        case .document(let fields, let highlighted):
            out.append("{\"document\":")
            object(fields.map { ($0.name, $0.value) })
            if highlighted {
                out.append(",\"highlights\":{")
                for (index, field) in fields.filter({ $0.highlights != nil }).enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out.appendJSONString(field.name)
                    out.append(UInt8(ascii: ":"))
                    ranges(field.highlights!)
                }
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "}"))
        case .vocabulary(let terms, let complete):
            out.append("{\"terms\":[")
            for (index, (field, entry)) in terms.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append("{\"field\":")
                out.appendJSONString(field)
                out.append(",\"term\":")
                out.appendJSONString(entry.term)
                out.append(",\"documents\":\(entry.documents),\"occurrences\":\(entry.occurrences)}")
            }
            out.append("],\"complete\":\(complete)}")
        case .analysis(let terms):
            out.append("{\"terms\":[")
            for (index, (token, text)) in terms.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append("{\"position\":\(token.position),\"term\":")
                out.appendJSONString(token.term)
                out.append(",\"start\":\(token.range.lowerBound),\"end\":\(token.range.upperBound),\"text\":")
                out.appendJSONString(text)
                out.append(UInt8(ascii: "}"))
            }
            out.append("]}")
        case .stats(let pairs):
            out.append("{\"stats\":")
            object(pairs)
            out.append(UInt8(ascii: "}"))
        case .fields(let fields):
            out.append("{\"fields\":[")
            for (index, field) in fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(field.json)
            }
            out.append("]}")
        case .help(let lines):
            out.append("{\"help\":[")
            for (index, help) in lines.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.appendJSONString(help)
            }
            out.append("]}")
        case .bye: out.append("{\"bye\":true}")
        case .error(let error):
            out.append("{\"error\":{\"code\":")
            out.appendJSONString(error.code.rawValue)
            out.append(",\"message\":")
            out.appendJSONString(error.message)
            out.append("}}")
        }
    }
}

extension ByteOutput {
    /// A field of a text reply: tabs, line breaks and backslashes escaped, so that it stays one field
    /// on one line.
    mutating func appendField(_ text: String) {
        var text = text
        text.withUTF8 { appendField($0) }
    }

    /// Stored bytes as a field of a text reply.
    mutating func appendField(_ utf8: ArraySlice<UInt8>) {
        utf8.withUnsafeBufferPointer { appendField($0) }
    }

    /// Stored bytes as a JSON string literal.
    mutating func appendJSONString(_ utf8: ArraySlice<UInt8>) {
        utf8.withUnsafeBufferPointer { appendJSONString($0) }
    }

    /// A snippet with its highlights between `[` and `]`, as a field of a text reply. A bracket of the
    /// text itself is escaped (`\[`, `\]`), so that a bare one is always a mark.
    mutating func appendMarkedField(_ snippet: Snippet) {
        snippet.utf8.withUnsafeBufferPointer { utf8 in
            // Nearly always: nothing to escape and highlights in order, copied in one go.
            var ordered = true, end = 0
            for range in snippet.highlights {
                ordered = ordered && range.lowerBound >= end && range.upperBound <= utf8.count
                end = range.upperBound
            }
            if ordered && !Self.containsMarkedFieldEscape(utf8) {
                append(utf8, marking: snippet.highlights, open: UInt8(ascii: "["), close: UInt8(ascii: "]"))
                return
            }
            var position = 0
            for range in snippet.highlights where range.lowerBound >= position && range.upperBound <= utf8.count {
                appendMarkedPiece(UnsafeBufferPointer(rebasing: utf8[position..<range.lowerBound]))
                append(UInt8(ascii: "["))
                appendMarkedPiece(UnsafeBufferPointer(rebasing: utf8[range]))
                append(UInt8(ascii: "]"))
                position = range.upperBound
            }
            appendMarkedPiece(UnsafeBufferPointer(rebasing: utf8[position...]))
        }
    }

    private mutating func appendMarkedPiece(_ utf8: UnsafeBufferPointer<UInt8>) {
        append(utf8, escaping: Self.needsMarkedFieldEscape, wordTest: Self.mayNeedMarkedFieldEscape, with: Self.escapeInField)
    }

    private mutating func appendField(_ utf8: UnsafeBufferPointer<UInt8>) {
        // Nearly always nothing to escape: one check of the whole, one copy.
        if !Self.containsFieldEscape(utf8) { return append(utf8) }
        append(utf8, escaping: Self.needsFieldEscape, wordTest: Self.mayNeedFieldEscape, with: Self.escapeInField)
    }

    private static func needsFieldEscape(_ byte: UInt8) -> Bool { byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x5C }

    private static func needsMarkedFieldEscape(_ byte: UInt8) -> Bool { needsFieldEscape(byte) || byte == 0x5B || byte == 0x5D }

    /// The high bit of each byte of `word` that may need escaping in a field: tab, line feed and
    /// carriage return (below 0x0E) and the backslash. Exact for "any", with no branch per test.
    @inline(__always)
    private static func fieldEscapeFlags(_ word: UInt64) -> UInt64 {
        let backslashes = word ^ 0x5C5C_5C5C_5C5C_5C5C
        return ((word &- 0x0E0E_0E0E_0E0E_0E0E) & ~word | (backslashes &- 0x0101_0101_0101_0101) & ~backslashes)
            & 0x8080_8080_8080_8080
    }

    private static func mayNeedFieldEscape(_ word: UInt64) -> Bool { fieldEscapeFlags(word) != 0 }

    /// `fieldEscapeFlags`, and the brackets, which mark highlights.
    @inline(__always)
    private static func markedFieldEscapeFlags(_ word: UInt64) -> UInt64 {
        fieldEscapeFlags(word) | Bytes.matches(word, 0x5B) | Bytes.matches(word, 0x5D)
    }

    private static func mayNeedMarkedFieldEscape(_ word: UInt64) -> Bool { markedFieldEscapeFlags(word) != 0 }

    /// Whether any byte of `utf8` may need escaping in a field, read two words at a time: true for
    /// the other control bytes below 0x0E too, which the escaping path then copies as they are.
    private static func containsFieldEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        contains(utf8, flags: fieldEscapeFlags, byte: needsFieldEscape)
    }

    private static func containsMarkedFieldEscape(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        contains(utf8, flags: markedFieldEscapeFlags, byte: needsMarkedFieldEscape)
    }

    @inline(__always)
    private static func contains(_ utf8: UnsafeBufferPointer<UInt8>, flags: (UInt64) -> UInt64, byte: (UInt8) -> Bool) -> Bool {
        guard let base = utf8.baseAddress else { return false }
        var index = 0
        while utf8.count - index >= 16 {
            let raw = UnsafeRawPointer(base + index)
            if flags(raw.loadUnaligned(as: UInt64.self)) | flags(raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) != 0 {
                return true
            }
            index += 16
        }
        return utf8[index...].contains(where: byte)
    }

    private static func escapeInField(_ byte: UInt8, _ out: inout ByteOutput) {
        switch byte {
        case 0x09: out.append("\\t")
        case 0x0A: out.append("\\n")
        case 0x0D: out.append("\\r")
        case 0x5B: out.append("\\[")
        case 0x5D: out.append("\\]")
        default: out.append("\\\\")
        }
    }
}
