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
        #expect(decode("Get  doc-1") == .success(.get("doc-1")))
        #expect(decode("format JSON") == .success(.format(.json)))
        #expect(decode("quit") == .success(.quit))
        #expect(decode("AUTH s3cret") == .success(.auth("s3cret")))
    }

    @Test func searchOptionsInAnyOrderAndCase() {
        #expect(decode("SEARCH économie solidaire") == .success(.search(limit: 10, offset: 0, query: "économie solidaire")))
        #expect(decode("search limit 3 offset 6 jardin") == .success(.search(limit: 3, offset: 6, query: "jardin")))
        #expect(decode("SEARCH OFFSET 2  LIMIT 5   mer OR jardin") == .success(.search(limit: 5, offset: 2, query: "mer OR jardin")))
        // A word that only starts like an option is the query.
        #expect(decode("SEARCH limited offer") == .success(.search(limit: 10, offset: 0, query: "limited offer")))
    }

    @Test func malformedLinesGetTheirErrors() {
        #expect(decode("") == .failure(ProtocolError(code: .unknownCommand, message: "empty line; try HELP")))
        #expect(decode("   ") == .failure(ProtocolError(code: .unknownCommand, message: "empty line; try HELP")))
        #expect(decode("SEARCH LIMIT x jardin") == .failure(ProtocolError(code: .badRequest, message: "LIMIT takes a number")))
        #expect(decode("search offset -1 jardin") == .failure(ProtocolError(code: .badRequest, message: "OFFSET takes a number")))
        #expect(decode("SEARCH LIMIT 2") == .failure(ProtocolError(code: .syntax, message: "empty query")))
        #expect(decode("COUNT") == .failure(ProtocolError(code: .syntax, message: "empty query")))
        #expect(decode("FORMAT xml") == .failure(ProtocolError(code: .badRequest, message: "FORMAT takes text or json")))
        #expect(decode("SEARCHING jardin") == .failure(ProtocolError(code: .unknownCommand, message: "unknown command SEARCHING; try HELP")))
        #expect(decode("recherche jardin") == .failure(ProtocolError(code: .unknownCommand, message: "unknown command recherche; try HELP")))
    }
}
