import Foundation
import NIOCore
import NIOEmbedded
import Testing
@testable import Indexer
@testable import Server
import TestSupport

/// The commands over HTTP: the same replies as the line protocol's JSON ones, with HTTP's statuses.
@Suite(.serialized) struct HTTPTests {
    /// One response: its status code, its headers (names in lower case) and its body.
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// Sends `request` (a request line and headers; the blank line is added) and reads one response
    /// whose body is at most one line, as every JSON reply is.
    static func exchange(_ client: LineClient, _ request: String, bodyless: Bool = false) -> Response? {
        client.send(request + "\r\n\r\n")
        return response(client, bodyless: bodyless)
    }

    /// The next response on `client`.
    static func response(_ client: LineClient, bodyless: Bool = false) -> Response? {
        guard let statusLine = client.line(), let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else { return nil }
        var headers: [String: String] = [:]
        while let line = client.line()?.trimmingCharacters(in: .init(charactersIn: "\r")), !line.isEmpty {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers[parts[0].lowercased()] = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        return Response(status: status, headers: headers, body: length > 0 && !bodyless ? (client.line() ?? "") + "\n" : "")
    }

    static func get(_ client: LineClient, _ target: String, headers: String = "") -> Response? {
        exchange(client, "GET \(target) HTTP/1.1\r\nHost: localhost" + headers)
    }

    @Test func commandsAnswerTheirJSONReplies() throws {
        let server = try TestServer { $0.httpPort = 0 }
        defer { server.stop() }
        let http = try LineClient(port: server.server.httpPort!)
        let line = try server.client()
        line.send("FORMAT json\n")
        _ = line.line()
        // Each command's body is the line protocol's JSON reply to the same request, took_us aside.
        func tookAside(_ text: String) -> String { text.replacingOccurrences(of: #""took_us":[0-9]+"#, with: "", options: .regularExpression) }
        let pairs = [("/search?q=%C3%A9conomie+solidaire&limit=3&snippet=40&facet=path", "SEARCH LIMIT 3 SNIPPET 40 FACET path économie solidaire"),
                     ("/search?q=jardin&sort=path:desc&explain&fields=title,body", "SEARCH SORT path:desc EXPLAIN FIELDS title,body jardin"),
                     ("/search?q=jardn&suggest", "SEARCH SUGGEST jardn"),
                     ("/search?q=emploi&filter=path:%3D*001*&limit=0", "SEARCH FILTER path:=*001* LIMIT 0 emploi"),
                     ("/count?q=emploi+-insertion", "COUNT emploi -insertion"), ("/suggest?q=emploie", "SUGGEST emploie"),
                     ("/complete?q=sol&limit=3", "COMPLETE LIMIT 3 sol"), ("/get?id=001_6542941b035b2caf.txt%231", "GET 001_6542941b035b2caf.txt#1"),
                     ("/highlight?id=001_6542941b035b2caf.txt%231&q=emploi", "HIGHLIGHT 001_6542941b035b2caf.txt#1 emploi"),
                     ("/analyze?q=l%E2%80%99%C3%A9conomie", "ANALYZE l’économie"), ("/terms?prefix=solid&limit=3", "TERMS PREFIX solid LIMIT 3"),
                     ("/fields", "FIELDS"), ("/ping", "PING"), ("/", "PING"), ("/help", "HELP")]
        for (target, request) in pairs {
            let response = try #require(Self.get(http, target), "\(target)")
            line.send(request + "\n")
            #expect(response.status == 200 && tookAside(response.body) == tookAside((line.line() ?? "") + "\n"), "\(target): \(response.body)")
            #expect(response.headers["content-type"] == "application/json; charset=utf-8" && response.headers["access-control-allow-origin"] == nil)
        }
        // A page after a cursor, as `AFTER` gives it.
        let first = try #require(Self.get(http, "/search?q=emploi&limit=2&cursor"))
        let cursor = try #require(first.body.firstMatch(of: /"next":"([^"]+)"/)?.1)
        let next = try #require(Self.get(http, "/search?q=emploi&limit=2&after=\(cursor)"))
        line.send("SEARCH LIMIT 2 AFTER \(cursor) emploi\n")
        #expect(tookAside(next.body) == tookAside((line.line() ?? "") + "\n"))
        // HEAD: the headers alone.
        let head = try #require(Self.exchange(http, "HEAD /count?q=emploi HTTP/1.1\r\nHost: localhost", bodyless: true))
        #expect(head.status == 200 && head.headers["content-length"] == "13")
        #expect(try #require(Self.get(http, "/ping")).body == #"{"pong":true}"# + "\n")
    }

    @Test func errorsHaveTheirStatuses() throws {
        let server = try TestServer { $0.httpPort = 0; $0.maximumLineLength = 1024 }
        defer { server.stop() }
        let http = try LineClient(port: server.server.httpPort!)
        let cases: [(String, Int, String)] = [
            ("/search?q=%22jardin", 400, #"{"error":{"code":"syntax","message":"unbalanced quote at column 1"}}"#),
            ("/search?limit=3", 400, #"{"error":{"code":"syntax","message":"empty query"}}"#),
            ("/search?q=a&limit=x", 400, #"{"error":{"code":"bad_request","message":"LIMIT takes a number"}}"#),
            ("/search?q=a&LIMIT=3", 400, #"{"error":{"code":"bad_request","message":"search takes no parameter LIMIT"}}"#),
            ("/search?q=a&explain=no", 400, #"{"error":{"code":"bad_request","message":"explain is set alone, as in &explain"}}"#),
            ("/search?q=a&limit=10000&offset=1", 400,
             #"{"error":{"code":"bad_request","message":"OFFSET + LIMIT is over the maximum window of 10000 results"}}"#),
            ("/count?q=a&x=1", 400, #"{"error":{"code":"bad_request","message":"count takes no parameter x"}}"#),
            ("/search?q=%FF", 400, #"{"error":{"code":"invalid_utf8","message":"a parameter is not valid UTF-8 once percent-decoded"}}"#),
            ("/search?q=a%00b", 400, #"{"error":{"code":"bad_request","message":"a parameter holds a NUL byte"}}"#),
            ("/get?id=nope", 404, #"{"error":{"code":"not_found","message":"no document with id nope"}}"#),
            ("/nope", 404, #"{"error":{"code":"not_found","message":"no command nope; GET /help lists them"}}"#),
            ("/search?q=" + String(repeating: "a", count: 2000), 414,
             #"{"error":{"code":"line_too_long","message":"request target longer than the limit"}}"#),
        ]
        for (target, status, body) in cases {
            let response = try #require(Self.get(http, target), "\(target.prefix(40))")
            #expect(response.status == status && response.body == body + "\n", "\(target.prefix(40)): \(response.status) \(response.body)")
        }
        let post = try #require(Self.exchange(http, "POST /search?q=a HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0"))
        #expect(post.status == 405 && post.headers["allow"] == "GET, HEAD")
        let reloadByGet = try #require(Self.get(http, "/reload"))
        #expect(reloadByGet.status == 405 && reloadByGet.headers["allow"] == "POST")
    }

    /// What HTTP cannot parse gets a JSON error after the responses to the requests before it, and a
    /// connection that closes is closed without a reset, however much its client sent after: the
    /// server closes its side, then reads and drops the rest (a reset would lose the responses the
    /// client has not read yet).
    @Test func whatHTTPCannotParseIsAnsweredAfterTheRequestsBefore() throws {
        let server = try TestServer { $0.httpPort = 0 }
        defer { server.stop() }
        let more = String(repeating: "GET /ping HTTP/1.1\r\n\r\n", count: 20_000)
        let garbage = try LineClient(port: server.server.httpPort!)
        garbage.send("GET /count?q=jardin HTTP/1.1\r\n\r\n\u{1}\u{2} nonsense\r\n\r\n" + more)
        let counted = try #require(Self.response(garbage)), refused = try #require(Self.response(garbage))
        #expect(counted.status == 200 && counted.body == #"{"count":4}"# + "\n")
        #expect(refused.status == 400 && refused.headers["connection"] == "close"
                && refused.body == #"{"error":{"code":"bad_request","message":"not an HTTP/1.1 request (invalid HTTP method)"}}"# + "\n")
        #expect(garbage.isClosedByServer())
        // Requests pipelined after `Connection: close` are not answered.
        let closing = try LineClient(port: server.server.httpPort!)
        closing.send("GET /count?q=jardin HTTP/1.1\r\nConnection: close\r\n\r\n" + more)
        let closed = try #require(Self.response(closing))
        #expect(closed.status == 200 && closed.body == #"{"count":4}"# + "\n" && closed.headers["connection"] == "close")
        #expect(closing.isClosedByServer())
        // Past what NIO's parser takes of a request line and headers.
        let long = try LineClient(port: server.server.httpPort!)
        long.send("GET /search?q=" + String(repeating: "jardin+", count: 12_000) + " HTTP/1.1\r\n\r\n")
        let tooLong = try #require(Self.response(long))
        #expect(tooLong.status == 431
                && tooLong.body == #"{"error":{"code":"line_too_long","message":"request line and headers longer than 80 KiB"}}"# + "\n")
        // The server serves on.
        #expect(try Self.get(LineClient(port: server.server.httpPort!), "/ping")?.body == #"{"pong":true}"# + "\n")
    }

    /// `GET /metrics` is `STATS` in Prometheus's text format: each line a comment or `name{labels} value`,
    /// each metric described once, the figures those of `STATS`.
    /// A label's value escapes what the format says: backslash, double quote and line feed.
    @Test func metricsEscapeLabelValues() {
        let text = String(decoding: MetricsEncoder.encode([("documents", .number(2)), ("index", .text("a\\b \"c\"\nd"))]), as: UTF8.self)
        #expect(text.contains(#"fts_info{index="a\\b \"c\"\nd"} 1"#), "\(text)")
    }

    @Test func metricsAreStatsForPrometheus() throws {
        let server = try TestServer(configure: { $0.httpPort = 0 }, authToken: "sekret")
        defer { server.stop() }
        let http = try LineClient(port: server.server.httpPort!)
        let bearer = "\r\nAuthorization: Bearer sekret"
        func metrics() throws -> (headers: [String: String], samples: [String: String], lines: [String]) {
            http.send("GET /metrics HTTP/1.1\r\nHost: localhost" + bearer + "\r\n\r\n")
            let head = try #require(Self.response(http, bodyless: true))
            #expect(head.status == 200)
            var lines: [String] = [], read = 0
            while read < Int(head.headers["content-length"] ?? "0")!, let line = http.line() {
                lines.append(line)
                read += line.utf8.count + 1
            }
            var samples: [String: String] = [:]
            for line in lines where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                #expect(parts.count == 2 && line.wholeMatch(of: #/fts_[a-z_]+(\{[a-z_]+="[^"\\]*"(,[a-z_]+="[^"\\]*")*\})? [0-9.e+-]+/#) != nil, "\(line)")
                samples[String(parts[0])] = parts.count == 2 ? String(parts[1]) : nil
            }
            return (head.headers, samples, lines)
        }
        let before = try metrics()
        #expect(before.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(before.samples["fts_documents"] == "89" && before.samples["fts_queries_total"] == "0")
        #expect(before.samples["fts_info{version=\"\(Release.version)\",format_version=\"\(FileFormat.version)\",index=\"\(server.index)\"}"] == "1")
        let types = before.lines.filter { $0.hasPrefix("# TYPE ") }
        #expect(Set(types).count == types.count && types.contains("# TYPE fts_queries_total counter"))
        #expect(before.samples["fts_slow_queries_total"] == "0")
        #expect(try #require(Self.get(http, "/count?q=emploi", headers: bearer)).body == #"{"count":47}"# + "\n")
        let after = try metrics()
        #expect(after.samples["fts_queries_total"] == "1" && Double(after.samples["fts_query_latency_seconds{quantile=\"0.5\"}"] ?? "") ?? 0 > 0)
        // As every command: the token first, and no parameter.
        #expect(try #require(Self.get(http, "/metrics")).status == 401)
        #expect(try #require(Self.get(http, "/metrics?x=1", headers: bearer)).status == 400)
    }

    @Test func aTokenIsABearerAndOriginsAreAllowedWhenSaid() throws {
        let server = try TestServer(configure: { $0.httpPort = 0; $0.allowedOrigin = "https://example.org" }, authToken: "sekret")
        defer { server.stop() }
        let http = try LineClient(port: server.server.httpPort!)
        let none = try #require(Self.get(http, "/count?q=emploi"))
        #expect(none.status == 401 && none.body.contains("Authorization: Bearer <token>"))
        #expect(try #require(Self.get(http, "/count?q=emploi", headers: "\r\nAuthorization: Bearer wrong")).status == 401)
        let good = try #require(Self.get(http, "/count?q=emploi", headers: "\r\nAuthorization: Bearer sekret"))
        #expect(good.status == 200 && good.body == #"{"count":47}"# + "\n" && good.headers["access-control-allow-origin"] == "https://example.org")
        #expect(try #require(Self.get(http, "/ping")).status == 200)
        let reload = try #require(Self.exchange(http, "POST /reload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nAuthorization: Bearer sekret"))
        #expect(reload.status == 200 && reload.body == #"{"ok":"reloaded 89 documents"}"# + "\n")
        // A browser's preflight before a request with the token.
        let preflight = try #require(Self.exchange(http, "OPTIONS /count?q=emploi HTTP/1.1\r\nHost: localhost\r\nOrigin: https://example.org"))
        #expect(preflight.status == 204 && preflight.headers["access-control-allow-headers"] == "Authorization")
    }

    /// A client that pipelines requests for large replies and reads none holds the server to what the
    /// sockets take and one reply more: the next request waits for the channel to take its response
    /// (every one of the 300 ran before, their responses held in memory).
    @Test func largeRepliesNotReadHoldTheServerToOne() throws {
        let server = try TestServer { $0.httpPort = 0 }
        defer { server.stop() }
        let target = "/search?q=de&limit=1000&snippet=10000"
        let probe = try LineClient(port: server.server.httpPort!)
        let reply = try #require(Self.get(probe, target)).body
        let replyBytes = reply.utf8.count
        let slow = try LineClient(port: server.server.httpPort!, receiveBuffer: 64 << 10)
        slow.send(String(repeating: "GET \(target) HTTP/1.1\r\nHost: localhost\r\n\r\n", count: 300))
        usleep(3_000_000)
        let stats = try #require(Self.get(probe, "/stats")).body
        let queries = try #require(stats.firstMatch(of: /"queries":([0-9]+)/)?.1)
        let executed = Int(queries)! - 1
        let sendBuffer = (try? String(contentsOfFile: "/proc/sys/net/ipv4/tcp_wmem", encoding: .utf8))?
            .split(whereSeparator: \.isWhitespace).last.flatMap { Int($0) } ?? 4 << 20
        let inSockets = (sendBuffer + 2 * (64 << 10)) / replyBytes
        print("HTTP large replies: \(executed) of 300 executed after 3 s, replies of \(replyBytes) bytes, \(inSockets) fit the sockets")
        #expect(replyBytes > 100_000 && executed <= inSockets + 8)
        // Every response comes, in order, as the client reads.
        func tookAside(_ text: String?) -> String? { text?.replacingOccurrences(of: #""took_us":[0-9]+"#, with: "", options: .regularExpression) }
        for _ in 0..<300 { #expect(tookAside(Self.response(slow)?.body) == tookAside(reply)) }
    }

    /// Both ports share `--max-connections`: one more client gets a 503 and is closed.
    @Test func extraConnectionsAreRefusedWithA503() throws {
        let server = try TestServer { $0.httpPort = 0; $0.maximumConnections = 1 }
        defer { server.stop() }
        let first = try server.client()
        first.send("PING\n")
        #expect(first.line() == "PONG")
        let refused = try LineClient(port: server.server.httpPort!)
        let response = try #require(Self.get(refused, "/ping"))
        #expect(response.status == 503 && response.headers["retry-after"] == "1" && response.body.contains(#""code":"too_many_connections""#)
                && refused.line() == nil)
    }

    @Test func requestsOnOneConnectionAnswerInOrderAndHTTP10Closes() throws {
        let server = try TestServer { $0.httpPort = 0 }
        defer { server.stop() }
        let http = try LineClient(port: server.server.httpPort!)
        // Pipelined: three requests in one write, answered in order.
        http.send((0..<3).map { "GET /complete?q=\(["sol", "emp", "jar"][$0])&limit=1 HTTP/1.1\r\nHost: localhost\r\n\r\n" }.joined())
        var bodies: [String] = []
        for _ in 0..<3 {
            while let line = http.line(), line != "\r" {}
            bodies.append(http.line() ?? "")
        }
        #expect(zip(bodies, ["s", "e", "j"]).allSatisfy { $0.hasPrefix(#"{"completions":[{"text":""# + $1) }, "\(bodies)")
        let old = try LineClient(port: server.server.httpPort!)
        let response = try #require(Self.exchange(old, "GET /ping HTTP/1.0"))
        #expect(response.status == 200 && response.headers["connection"] == "close" && old.isClosedByServer())
    }

    /// Random requests (commands, parameters, escapes, methods, versions, now and then a byte
    /// corrupted), up to three pipelined a connection whose client closes its side once sent: each
    /// gets a well-formed response whose JSON parses, none a 5xx, and the connection an orderly end.
    /// Every request is answered, unless one is corrupted or HTTP/1.0, after which the rest may not be.
    @Test func randomRequestsGetWellFormedResponsesAndAnOrderlyClose() throws {
        let server = try TestServer { $0.httpPort = 0 }
        defer { server.stop() }
        var random = SplitMix64(seed: 7)
        let commands = ["search", "count", "suggest", "complete", "get", "highlight", "analyze", "terms", "stats", "fields", "help", "ping", "", "nope"]
        let names = ["q", "limit", "offset", "sort", "facet", "filter", "fields", "snippet", "explain", "cursor", "after", "id", "field", "prefix", "top", "x", ""]
        let values = ["jardin", "%C3%A9conomie", "%22clichy+sous+bois%22", "%C3%A9co*", "(a+OR", "-b", "title:jardin", "%FF", "%ZZ", "%2",
                      "1", "-1", "99999999999999999999", "tags:=bio", "title:desc", "a.txt%231", ""]
        for _ in 0..<150 {
            var requests: [[UInt8]] = []
            var everyOneAnswered = true
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let method = ["GET", "GET", "GET", "POST", "OPTIONS", "PUT"].randomElement(using: &random)!
                let parameters = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                    names.randomElement(using: &random)! + "=" + values.randomElement(using: &random)!
                }
                let target = "/" + commands.randomElement(using: &random)! + (parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&"))
                let version = Int.random(in: 0..<8, using: &random) == 0 ? "HTTP/1.0" : "HTTP/1.1"
                var bytes = Array("\(method) \(target) \(version)\r\nHost: x\r\n\r\n".utf8)
                if Int.random(in: 0..<15, using: &random) == 0 {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                    everyOneAnswered = false
                }
                if version == "HTTP/1.0" { everyOneAnswered = false }
                requests.append(bytes)
            }
            let client = try LineClient(port: server.server.httpPort!)
            client.send(requests.flatMap { $0 })
            client.shutdownWrite()
            var answered = 0
            while let response = Self.response(client) {
                answered += 1
                #expect(response.status < 500, "\(requests.map { String(decoding: $0, as: UTF8.self) })")
                if !response.body.isEmpty {
                    #expect((try? JSONSerialization.jsonObject(with: Data(response.body.utf8))) != nil, "\(response.body)")
                }
            }
            #expect(!client.wasReset && answered >= 1 && answered <= requests.count, "\(answered) of \(requests.count): \(requests.map { String(decoding: $0, as: UTF8.self) })")
            if everyOneAnswered { #expect(answered == requests.count) }
        }
        #expect(try Self.get(LineClient(port: server.server.httpPort!), "/ping")?.body == #"{"pong":true}"# + "\n")
    }

    /// `printf 'GET /ping HTTP/1.0\r\n\r\n' | nc -N host port`: the client closes its side once sent.
    @Test func aClientThatClosesItsSideStillGetsItsResponses() throws {
        let server = try TestServer { $0.httpPort = 0 }
        defer { server.stop() }
        let http = try LineClient(port: server.server.httpPort!)
        http.send("GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\nGET /count?q=jardin HTTP/1.1\r\nHost: localhost\r\n\r\n")
        http.shutdownWrite()
        let first = try #require(Self.response(http)), second = try #require(Self.response(http))
        #expect(first.status == 200 && first.body == "{\"pong\":true}\n")
        #expect(second.status == 200 && second.body == "{\"count\":4}\n" && second.headers["connection"] == "close")
        #expect(http.isClosedByServer())
        // One that sends nothing is closed at once, not left to the idle timeout.
        let silent = try LineClient(port: server.server.httpPort!)
        silent.shutdownWrite()
        #expect(silent.isClosedByServer())
    }

    /// `curl 'localhost:7701/search?q=économie'` sends the word's UTF-8 unescaped, as a browser would
    /// not: it is answered as its percent-encoded form is, a body's bytes are left as they are, and a
    /// target that is not UTF-8 is the same error either way.
    @Test func requestTargetsAreTakenAsCurlSendsThem() throws {
        let server = try TestServer { $0.httpPort = 0 }
        defer { server.stop() }
        let http = try LineClient(port: server.server.httpPort!)
        func tookAside(_ text: String) -> String { text.replacingOccurrences(of: #""took_us":[0-9]+"#, with: "", options: .regularExpression) }
        let raw = try #require(Self.get(http, "/search?q=l’économie+solidaire&limit=3&snippet=40"))
        let encoded = try #require(Self.get(http, "/search?q=l%E2%80%99%C3%A9conomie+solidaire&limit=3&snippet=40"))
        #expect(raw.status == 200 && raw.body.contains(#""total":33"#) && tookAside(raw.body) == tookAside(encoded.body), "\(raw.body)")
        http.send(Array("GET /count?q=jardin".utf8) + [0xFF] + Array(" HTTP/1.1\r\n\r\n".utf8))
        #expect(Self.response(http)?.body == #"{"error":{"code":"invalid_utf8","message":"a parameter is not valid UTF-8 once percent-decoded"}}"# + "\n")
        // A body of non-ASCII bytes, then a request: each in its turn.
        http.send("POST /reload HTTP/1.1\r\nContent-Length: 4\r\n\r\néé" + "GET /count?q=économie HTTP/1.1\r\n\r\n")
        let reloaded = try #require(Self.response(http)), counted = try #require(Self.response(http))
        #expect(reloaded.status == 200 && counted.status == 200 && counted.body == #"{"count":50}"# + "\n", "\(counted.body)")
    }

    /// The request lines escaped are the same wherever the reads end, bodies known by their length are
    /// passed over, and what it cannot frame (a chunked body, a length that is not one number) leaves
    /// the rest of the connection as it comes.
    @Test func requestLinesAreEscapedWhereverTheReadsEnd() throws {
        func escaped(_ input: String) throws -> [[UInt8]] {
            let bytes = Array(input.utf8)
            return try (0...bytes.count).map { split in
                let channel = EmbeddedChannel(handler: RequestLineEscaper())
                try channel.writeInbound(ByteBuffer(bytes: bytes[..<split]))
                try channel.writeInbound(ByteBuffer(bytes: bytes[split...]))
                var output: [UInt8] = []
                while let buffer = try channel.readInbound(as: ByteBuffer.self) { output += buffer.readableBytesView }
                return output
            }
        }
        let cases = [
            ("\r\nGET /a?q=é HTTP/1.1\r\nHost: é\r\n\r\nPOST /b HTTP/1.1\r\nCONTENT-LENGTH: 4\r\n\r\néé"
                + "GET /c?q=ü HTTP/1.1\nX: 1\n\nGET /d?q=œ HTTP/1.1\r\n\r\n",
             "\r\nGET /a?q=%C3%A9 HTTP/1.1\r\nHost: é\r\n\r\nPOST /b HTTP/1.1\r\nCONTENT-LENGTH: 4\r\n\r\néé"
                + "GET /c?q=%C3%BC HTTP/1.1\nX: 1\n\nGET /d?q=%C5%93 HTTP/1.1\r\n\r\n"),
            ("GET /a?q=é HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\né\r\n0\r\n\r\nGET /c?q=é HTTP/1.1\r\n\r\n",
             "GET /a?q=%C3%A9 HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\né\r\n0\r\n\r\nGET /c?q=é HTTP/1.1\r\n\r\n"),
            ("POST /b HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\néGET /c?q=é HTTP/1.1\r\n\r\n",
             "POST /b HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\néGET /c?q=é HTTP/1.1\r\n\r\n"),
            // Another header, which says nothing of a body: the request after it is escaped.
            ("POST /b HTTP/1.1\r\nContent-Lengths: 11\r\n\r\nGET /c?q=é HTTP/1.1\r\n\r\n",
             "POST /b HTTP/1.1\r\nContent-Lengths: 11\r\n\r\nGET /c?q=%C3%A9 HTTP/1.1\r\n\r\n"),
        ]
        for (input, expected) in cases {
            for (split, output) in try escaped(input).enumerated() {
                #expect(output == Array(expected.utf8), "\(input.prefix(30)) split at \(split): \(String(decoding: output, as: UTF8.self))")
            }
        }
    }
}
