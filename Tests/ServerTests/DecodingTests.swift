@testable import Query
import Testing
@testable import Server

/// The request decoder reads commands and options as bytes: case, blanks and options as the protocol
/// allows them.
@Suite struct DecodingTests {
    private func decode(_ line: String) -> Result<Request, ProtocolError> { RequestDecoder.decode(Array(line.utf8)) }

    @Test func commandsInAnyCaseAndBlanks() {
        #expect(decode("ping") == .success(.ping))
        #expect(decode(" \tPiNg") == .success(.ping))
        #expect(decode("count\tjardin partagé") == .success(.count("jardin partagé")))
        #expect(decode("suggest ecnomie") == .success(.suggest("ecnomie")))
        #expect(decode("complete écon") == .success(.complete(limit: 10, text: "écon")))
        #expect(decode("Get  doc-1") == .success(.get("doc-1")))
        #expect(decode("format JSON") == .success(.format(.json)))
        #expect(decode("quit") == .success(.quit))
        #expect(decode("AUTH s3cret") == .success(.auth("s3cret")))
        #expect(decode("fields") == .success(.fields))
    }

    @Test func searchOptionsInAnyOrderAndCase() {
        #expect(decode("SEARCH économie solidaire") == .success(.search(SearchRequest(limit: 10, offset: 0, query: "économie solidaire"))))
        #expect(decode("search limit 3 offset 6 jardin") == .success(.search(SearchRequest(limit: 3, offset: 6, query: "jardin"))))
        #expect(decode("SEARCH OFFSET 2  LIMIT 5   mer OR jardin") == .success(.search(SearchRequest(limit: 5, offset: 2, query: "mer OR jardin"))))
        // A word that only starts like an option is the query.
        #expect(decode("SEARCH limited offer") == .success(.search(SearchRequest(limit: 10, offset: 0, query: "limited offer"))))
        // `SORT` in capitals only, as `OR`: in French, `sort` is a word.
        #expect(decode("SEARCH SORT année:desc LIMIT 3 jardin")
            == .success(.search(SearchRequest(limit: 3, offset: 0, sort: FieldSort(field: "année", descending: true), query: "jardin"))))
        #expect(decode("search limit 2 SORT prix  OFFSET 4 jardin")
            == .success(.search(SearchRequest(limit: 2, offset: 4, sort: FieldSort(field: "prix"), query: "jardin"))))
        #expect(decode("SEARCH sort des déchets") == .success(.search(SearchRequest(limit: 10, offset: 0, query: "sort des déchets"))))
        // `FACET` in capitals only, given once a field, among the other options.
        #expect(decode("SEARCH FACET tags LIMIT 0 FACET catégorie:3 SORT prix jardin")
            == .success(.search(SearchRequest(limit: 0, offset: 0, sort: FieldSort(field: "prix"),
                                facets: [FacetRequest(field: "tags"), FacetRequest(field: "catégorie", limit: 3)], query: "jardin"))))
        #expect(decode("SEARCH facet tags") == .success(.search(SearchRequest(limit: 10, offset: 0, query: "facet tags"))))
        // `FILTER field:=value`, a quoted value holding spaces whole.
        #expect(decode(#"SEARCH FILTER tags:="économie sociale" FACET tags FILTER tags:=bio jardin"#)
            == .success(.search(SearchRequest(limit: 10, offset: 0, facets: [FacetRequest(field: "tags")],
                                filters: [FacetFilter(field: "tags", value: "économie sociale"), FacetFilter(field: "tags", value: "bio")],
                                query: "jardin"))))
        // `LIKE id` in capitals, the id quoted when it holds a space; the query may then be empty.
        #expect(decode("SEARCH LIKE a.txt#2") == .success(.search(SearchRequest(limit: 10, offset: 0, like: "a.txt#2", query: ""))))
        #expect(decode("SEARCH LIMIT 3 LIKE \"mes notes.md#1\" -jardin")
            == .success(.search(SearchRequest(limit: 3, offset: 0, like: "mes notes.md#1", query: "-jardin"))))
        #expect(decode(#"SEARCH LIKE "say \"hi\" \\o/" jardin"#)
            == .success(.search(SearchRequest(limit: 10, offset: 0, like: #"say "hi" \o/"#, query: "jardin"))))
        #expect(decode("SEARCH like this") == .success(.search(SearchRequest(limit: 10, offset: 0, query: "like this"))))
        // `SNIPPET n` and `EXPLAIN` in capitals, anywhere among the options.
        #expect(decode("SEARCH SNIPPET 40 EXPLAIN LIMIT 2 jardin")
            == .success(.search(SearchRequest(limit: 2, snippetLength: 40, explain: true, query: "jardin"))))
        #expect(decode("SEARCH EXPLAIN SNIPPET 0 jardin") == .success(.search(SearchRequest(snippetLength: 0, explain: true, query: "jardin"))))
        #expect(decode("SEARCH LIKE a.txt#2 EXPLAIN") == .success(.search(SearchRequest(like: "a.txt#2", explain: true, query: ""))))
        #expect(decode("SEARCH explain snippet 40") == .success(.search(SearchRequest(query: "explain snippet 40"))))
        #expect(decode("SEARCH jardin EXPLAIN") == .success(.search(SearchRequest(query: "jardin EXPLAIN"))))
        #expect(decode("SEARCH SUGGEST LIMIT 2 jardn") == .success(.search(SearchRequest(limit: 2, suggest: true, query: "jardn"))))
        #expect(decode("SEARCH suggest jardn") == .success(.search(SearchRequest(query: "suggest jardn"))))
        #expect(decode("SEARCH COLLAPSE auteur LIMIT 3 jardin")
            == .success(.search(SearchRequest(limit: 3, collapse: FieldCollapse(field: "auteur"), query: "jardin"))))
        #expect(decode("SEARCH collapse auteur") == .success(.search(SearchRequest(query: "collapse auteur"))))
        #expect(decode("SEARCH BOOST tags=3 BOOST Title=0,5 BOOST tags=2 jardin")
            == .failure(ProtocolError(code: .badRequest, message: "BOOST takes FIELD=W, as in BOOST tags=3")))
        #expect(decode("SEARCH BOOST tags=3 BOOST Title=0.5 BOOST tags=2 jardin")
            == .success(.search(SearchRequest(boosts: ["tags": 2, "Title": 0.5], query: "jardin"))))
        #expect(decode("SEARCH boost tags=3") == .success(.search(SearchRequest(query: "boost tags=3"))))
        #expect(decode("SEARCH " + (0..<65).map { "BOOST f\($0)=1 " }.joined() + "jardin")
            == .failure(ProtocolError(code: .badRequest, message: "at most 64 BOOSTs a search")))
        #expect(decode("SEARCH PROXIMITY 1.5 LIMIT 2 jardin partagé")
            == .success(.search(SearchRequest(limit: 2, proximityBoost: 1.5, query: "jardin partagé"))))
        #expect(decode("SEARCH PROXIMITY 0 jardin") == .success(.search(SearchRequest(proximityBoost: 0, query: "jardin"))))
        #expect(decode("SEARCH proximity 2 jardin") == .success(.search(SearchRequest(query: "proximity 2 jardin"))))
        #expect(decode("SEARCH PROXIMITY 1~0 jardin partagé")
            == .success(.search(SearchRequest(proximityBoost: 1, proximitySlop: 0, query: "jardin partagé"))))
        #expect(decode("SEARCH LIMIT 2 PROXIMITY 0.5~64 jardin")
            == .success(.search(SearchRequest(limit: 2, proximityBoost: 0.5, proximitySlop: 64, query: "jardin"))))
        let proximity = ProtocolError(code: .badRequest, message: "PROXIMITY takes a weight from 0 to 10000, then maybe ~ and a slop "
                                      + "from 0 to 64, as in PROXIMITY 1 or PROXIMITY 1~3")
        for wrong in ["-1", "10001", "jardin", "1~65", "1~-1", "1~", "~3", "1~2.5", "1~x"] {
            #expect(decode("SEARCH PROXIMITY \(wrong) jardin") == .failure(proximity), "\(wrong)")
        }
        #expect(decode("SEARCH COLLAPSE  ") == .failure(ProtocolError(code: .badRequest, message: "COLLAPSE takes a field")))
        #expect(decode("SEARCH FIELDS title,Tags LIMIT 2 jardin") == .success(.search(SearchRequest(limit: 2, fields: ["title", "Tags"], query: "jardin"))))
        #expect(decode("SEARCH fields jardin") == .success(.search(SearchRequest(query: "fields jardin"))))
        let fields = ProtocolError(code: .badRequest, message: "FIELDS takes field names separated by commas, once a search, as in FIELDS title,tags")
        #expect(decode("SEARCH FIELDS title, jardin") == .failure(fields))
        #expect(decode("SEARCH FIELDS  ") == .failure(fields))
        #expect(decode("SEARCH FIELDS a FIELDS b jardin") == .failure(fields))
    }

    @Test func malformedLinesGetTheirErrors() {
        #expect(decode("") == .failure(ProtocolError(code: .unknownCommand, message: "empty line; try HELP")))
        #expect(decode("   ") == .failure(ProtocolError(code: .unknownCommand, message: "empty line; try HELP")))
        #expect(decode("SEARCH LIMIT x jardin") == .failure(ProtocolError(code: .badRequest, message: "LIMIT takes a number")))
        #expect(decode("search offset -1 jardin") == .failure(ProtocolError(code: .badRequest, message: "OFFSET takes a number")))
        #expect(decode("SEARCH LIMIT 2") == .failure(ProtocolError(code: .syntax, message: "empty query")))
        let like = ProtocolError(code: .badRequest, message: "LIKE takes a document id, quoted when it holds a space: LIKE \"a b.txt#2\"")
        #expect(decode(#"SEARCH LIKE "open jardin"#) == .failure(like))
        #expect(decode(#"SEARCH LIKE "" jardin"#) == .failure(like))
        #expect(decode(#"SEARCH LIKE "a"b jardin"#) == .failure(like))
        #expect(decode("SEARCH LIKE a LIKE b") == .failure(ProtocolError(code: .badRequest, message: "one LIKE a search")))
        let snippet = ProtocolError(code: .badRequest, message: "SNIPPET takes 0 (no snippets) or a length from 16 to 10000")
        #expect(decode("SEARCH SNIPPET 15 jardin") == .failure(snippet))
        #expect(decode("SEARCH SNIPPET 10001 jardin") == .failure(snippet))
        #expect(decode("SEARCH SNIPPET jardin") == .failure(snippet))
        #expect(decode("SEARCH SNIPPET -1 jardin") == .failure(snippet))
        #expect(decode("SEARCH EXPLAIN") == .failure(ProtocolError(code: .syntax, message: "empty query")))
        let sort = ProtocolError(code: .badRequest, message: "SORT takes FIELD, FIELD:asc or FIELD:desc, or up to 3 of them separated by commas")
        #expect(decode("SEARCH SORT année:up jardin") == .failure(sort))
        #expect(decode("SEARCH SORT  ") == .failure(sort))
        #expect(decode("SEARCH SORT prix") == .failure(ProtocolError(code: .syntax, message: "empty query")))
        #expect(decode("SEARCH SORT a,b,c,d jardin") == .failure(sort))
        #expect(decode("SEARCH SORT genre,date:desc jardin")
            == .success(.search(SearchRequest(sort: try! FieldSort(parsing: "genre,date:desc"), query: "jardin"))))
        let facet = ProtocolError(code: .badRequest, message: "FACET takes FIELD, FIELD:N (N from 1 to 1000), FIELD:year|month|day or FIELD:interval=WIDTH")
        #expect(decode("SEARCH FACET tags:0 jardin") == .failure(facet))
        #expect(decode("SEARCH FACET tags:1001 jardin") == .failure(facet))
        #expect(decode("SEARCH FACET :3 jardin") == .failure(facet))
        #expect(decode("SEARCH FACET tags:x jardin") == .failure(facet))
        #expect(decode("SEARCH FACET date:week jardin") == .failure(facet))
        #expect(decode("SEARCH FACET prix:interval=0 jardin") == .failure(facet))
        #expect(decode("SEARCH FACET date:year jardin")
            == .success(.search(SearchRequest(limit: 10, offset: 0, facets: [FacetRequest(field: "date", limit: 1_000, histogram: .year)], query: "jardin"))))
        #expect(decode("SEARCH FILTER tags:bio jardin") == .failure(ProtocolError(code: .badRequest, message:
            #"a filter is FIELD:=VALUE, with the value in quotes when it holds a space: tags:="économie sociale", not tags:bio"#)))
        #expect(decode(#"SEARCH FILTER tags:="a b jardin"#) == .failure(ProtocolError(code: .badRequest, message:
            #"a filter is FIELD:=VALUE, with the value in quotes when it holds a space: tags:="économie sociale", not tags:="a b jardin"#)))
        #expect(decode("SEARCH " + String(repeating: "FILTER tags:=x ", count: 65) + "jardin")
            == .failure(ProtocolError(code: .badRequest, message: "at most 64 FILTERs a search")))
        #expect(decode("SEARCH " + String(repeating: "FACET tags ", count: 17) + "jardin")
            == .failure(ProtocolError(code: .badRequest, message: "at most 16 FACETs a search")))
        let window = ProtocolError(code: .badRequest, message: "OFFSET + LIMIT is over the maximum window of 10000 results")
        #expect(decode("SEARCH LIMIT 3 OFFSET 9998 jardin") == .failure(window))
        #expect(decode("SEARCH OFFSET 9223372036854775807 LIMIT 1 jardin") == .failure(window))
        #expect(decode("SEARCH LIMIT 10001 jardin") == .failure(window))
        #expect(decode("SEARCH LIMIT 2 OFFSET 9998 jardin") == .success(.search(SearchRequest(limit: 2, offset: 9998, query: "jardin"))))
        #expect(decode("COUNT") == .failure(ProtocolError(code: .syntax, message: "empty query")))
        #expect(decode("SUGGEST ") == .failure(ProtocolError(code: .syntax, message: "empty query")))
        #expect(decode("FORMAT xml") == .failure(ProtocolError(code: .badRequest, message: "FORMAT takes text or json")))
        #expect(decode("SEARCHING jardin") == .failure(ProtocolError(code: .unknownCommand, message: "unknown command SEARCHING; try HELP")))
        #expect(decode("recherche jardin") == .failure(ProtocolError(code: .unknownCommand, message: "unknown command recherche; try HELP")))
    }

    /// `HIGHLIGHT <id> <query>`: the id as `LIKE` takes it, quoted when it holds a space.
    /// `CURSOR` and `AFTER cursor` in capitals, among the other options; a cursor that is not one, or
    /// two, is the request's error.
    @Test func cursorsAreOptionsInCapitals() throws {
        let token = SearchCursor(index: 9, sort: [], place: SortedByFields(key: 0, scored: ScoredDocument(doc: 41, score: 2.5))).token
        let after = try SearchCursor(token: token)
        #expect(decode("SEARCH CURSOR LIMIT 2 jardin") == .success(.search(SearchRequest(limit: 2, cursor: true, query: "jardin"))))
        #expect(decode("SEARCH LIMIT 2 AFTER \(token) EXPLAIN jardin")
            == .success(.search(SearchRequest(limit: 2, explain: true, cursor: true, after: after, query: "jardin"))))
        #expect(decode("SEARCH cursor jardin") == .success(.search(SearchRequest(query: "cursor jardin"))))
        #expect(decode("SEARCH jardin AFTER \(token)") == .success(.search(SearchRequest(query: "jardin AFTER \(token)"))))
        guard case .failure(let error) = decode("SEARCH AFTER nope jardin") else { Issue.record("AFTER nope decoded"); return }
        #expect(error.code == .badRequest && error.message.hasPrefix("AFTER takes the cursor a page gave: \"nope\" is not a cursor"))
        #expect(decode("SEARCH AFTER \(token) AFTER \(token) jardin") == .failure(ProtocolError(code: .badRequest, message: "one AFTER a search")))
    }

    @Test func highlightTakesAnIdThenAQuery() {
        #expect(decode("highlight a.txt#2 économie  sociale") == .success(.highlight(id: "a.txt#2", query: "économie  sociale")))
        #expect(decode(#"HIGHLIGHT "mes \"notes\".md#2" "jardin partagé""#)
            == .success(.highlight(id: #"mes "notes".md#2"#, query: #""jardin partagé""#)))
        let id = ProtocolError(code: .badRequest, message: "HIGHLIGHT takes a document id, quoted when it holds a space, then a query")
        #expect(decode("HIGHLIGHT") == .failure(id))
        #expect(decode(#"HIGHLIGHT "open jardin"#) == .failure(id))
        #expect(decode(#"HIGHLIGHT "" jardin"#) == .failure(id))
        #expect(decode("HIGHLIGHT a.txt#2 ") == .failure(ProtocolError(code: .syntax, message: "empty query")))
    }

    /// `TERMS [FIELD f] [PREFIX p] [LIMIT n | TOP n]`, options in any order and case.
    @Test func termsTakesAFieldAPrefixAndALimitOrATop() {
        #expect(decode("TERMS") == .success(.terms(TermsRequest())))
        #expect(decode("terms top 5 prefix ÉCO field Body")
            == .success(.terms(TermsRequest(field: "Body", prefix: "ÉCO", limit: 5, top: true))))
        #expect(decode("TERMS LIMIT 10000") == .success(.terms(TermsRequest(limit: 10_000))))
        let options = ProtocolError(code: .badRequest, message: "TERMS takes FIELD f, PREFIX p, and LIMIT n or TOP n")
        #expect(decode("TERMS économie") == .failure(options))
        #expect(decode("TERMS FIELD") == .failure(options))
        #expect(decode("TERMS PREFIX ") == .failure(options))
        #expect(decode("TERMS LIMIT 10001") == .failure(ProtocolError(code: .badRequest, message: "LIMIT takes a number from 1 to 10000")))
        #expect(decode("TERMS TOP x") == .failure(ProtocolError(code: .badRequest, message: "TOP takes a number from 1 to 10000")))
        #expect(decode("TERMS LIMIT 3 TOP 3") == .failure(ProtocolError(code: .badRequest, message: "TERMS takes LIMIT or TOP, once")))
    }

    /// A line that is not UTF-8 is refused whole, wherever the bad bytes are (the command, an option,
    /// the query, another command's argument), and a NUL byte anywhere, as the protocol says.
    @Test func invalidUTF8AnywhereAndNulBytesAreRefused() {
        let invalid = Result<Request, ProtocolError>.failure(ProtocolError(code: .invalidUTF8, message: "line is not valid UTF-8"))
        let lines: [[UInt8]] = [
            [0xC3] + Array(" jardin".utf8),
            Array("SE".utf8) + [0xFF] + Array("ARCH jardin".utf8),
            Array("SEARCH ".utf8) + [0xFF, 0xFE],
            Array("SEARCH LIMIT 3 jard".utf8) + [0xC3],
            Array("SEARCH LIMIT ".utf8) + [0xE9] + Array(" jardin".utf8),
            Array("SEARCH OFFSET 2 ".utf8) + [0x80] + Array("LIMIT 3 jardin".utf8),
            Array("COUNT ".utf8) + [0xED, 0xA0, 0x80],
            Array("GET doc".utf8) + [0xF8],
            Array("NOSUCH ".utf8) + [0xC0, 0xAF],
        ]
        for line in lines { #expect(RequestDecoder.decode(line) == invalid, "\(line)") }
        #expect(RequestDecoder.decode(Array("SEARCH jar".utf8) + [0] + Array("din".utf8))
                == .failure(ProtocolError(code: .badRequest, message: "line contains a NUL byte")))
        #expect(decode("SEARCH LIMIT 2 l’économie") == .success(.search(SearchRequest(limit: 2, offset: 0, query: "l’économie"))))
        #expect(decode("ANALYZE Œuvre à l’été") == .success(.analyze("Œuvre à l’été")))
    }

    /// `COMPLETE [LIMIT n] <text>`: `LIMIT` in capitals only, and the text whole, a space at its end kept.
    @Test func completeTakesALimitInCapitalsAndTheTextWhole() {
        #expect(decode("COMPLETE LIMIT 3 économie sol") == .success(.complete(limit: 3, text: "économie sol")))
        #expect(decode("COMPLETE limit") == .success(.complete(limit: 10, text: "limit")))
        #expect(decode("COMPLETE jardin ") == .success(.complete(limit: 10, text: "jardin ")))
        for line in ["COMPLETE LIMIT 0 jardin", "COMPLETE LIMIT 101 jardin", "COMPLETE LIMIT x jardin"] {
            #expect(decode(line) == .failure(ProtocolError(code: .badRequest, message: "LIMIT takes a number from 1 to 100")))
        }
        #expect(decode("COMPLETE ") == .failure(ProtocolError(code: .syntax, message: "empty text")))
        #expect(decode("COMPLETE LIMIT 2") == .failure(ProtocolError(code: .syntax, message: "empty text")))
    }
}
