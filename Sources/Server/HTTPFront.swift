import NIOCore
import NIOHTTP1
import NIOPosix
import Query

/// The commands over HTTP (PROTOCOL.md, "HTTP"): `GET /search?q=jardin&limit=5` is `SEARCH LIMIT 5
/// jardin` and answers its JSON reply. A command is the path's one segment, in lower case; `q` holds
/// the query (or the text of `ANALYZE` and `COMPLETE`), `id` a document's id, and every other
/// parameter an option of the command by its name in lower case (`facet` and `filter` may repeat).
enum HTTPRequestDecoder {
    /// The request `target` (path and query string) asks for, or the error to answer.
    static func decode(target: String) -> Result<Request, ProtocolError> {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts[0]
        guard let parameters = parameters(parts.count == 2 ? parts[1] : "") else {
            return .failure(ProtocolError(code: .invalidUTF8, message: "a parameter is not valid UTF-8 once percent-decoded"))
        }
        if parameters.contains(where: { $0.value.utf8.contains(0) }) {
            return .failure(ProtocolError(code: .badRequest, message: "a parameter holds a NUL byte"))
        }
        let command = path.hasPrefix("/") ? path.dropFirst() : path[...]
        if command == "reload" { return .success(.reload) }
        func value(_ name: String) -> String? { parameters.last { $0.name == name }?.value }
        func known(_ names: Set<String>) -> ProtocolError? {
            guard let other = parameters.first(where: { !names.contains($0.name) }) else { return nil }
            return ProtocolError(code: .badRequest, message: "\(command) takes no parameter \(other.name.prefix(32))")
        }
        func required(_ name: String, _ message: String, code: ProtocolError.Code = .syntax) -> Result<String, ProtocolError> {
            guard let text = value(name), !text.isEmpty else { return .failure(ProtocolError(code: code, message: message)) }
            return .success(text)
        }
        switch command {
        case "search": return search(parameters)
        case "count", "suggest":
            if let error = known(["q"]) { return .failure(error) }
            return required("q", "empty query").map { command == "count" ? .count($0) : .suggest($0) }
        case "complete":
            if let error = known(["q", "limit"]) { return .failure(error) }
            var limit = 10
            if let text = value("limit") {
                guard let number = Int(text), (1...Searcher.maximumCompletions).contains(number) else {
                    return .failure(ProtocolError(code: .badRequest, message: "limit takes a number from 1 to \(Searcher.maximumCompletions)"))
                }
                limit = number
            }
            return required("q", "empty text").map { .complete(limit: limit, text: $0) }
        case "get":
            if let error = known(["id"]) { return .failure(error) }
            return required("id", "get needs a document id", code: .badRequest).map { .get($0) }
        case "highlight":
            if let error = known(["id", "q"]) { return .failure(error) }
            return required("id", "highlight needs a document id", code: .badRequest).flatMap { id in
                required("q", "empty query").map { .highlight(id: id, query: $0) }
            }
        case "analyze":
            if let error = known(["q"]) { return .failure(error) }
            return .success(.analyze(value("q") ?? ""))
        case "terms": return terms(parameters)
        case "", "ping":
            if let error = known([]) { return .failure(error) }
            return .success(.ping)
        case "stats", "metrics", "fields", "help":
            if let error = known([]) { return .failure(error) }
            // `/metrics` is `STATS`, answered in Prometheus's format (`MetricsEncoder`).
            return .success(command == "stats" || command == "metrics" ? .stats : command == "fields" ? .fields : .help)
        default:
            return .failure(ProtocolError(code: .notFound, message: "no command \(command.prefix(32)); GET /help lists them"))
        }
    }

    private static func search(_ parameters: [(name: String, value: String)]) -> Result<Request, ProtocolError> {
        var request = SearchRequest(query: "")
        for (name, value) in parameters {
            if name == "q" {
                request.query = value
                continue
            }
            guard let option = SearchOption(rawValue: name.uppercased()), name == name.lowercased() else {
                return .failure(ProtocolError(code: .badRequest, message: "search takes no parameter \(name.prefix(32))"))
            }
            // A flag is set by its name alone, or by `true`.
            if !option.takesArgument && !["", "true", "1"].contains(value) {
                return .failure(ProtocolError(code: .badRequest, message: "\(name) is set alone, as in &\(name)"))
            }
            if let error = option.apply(Array(value.utf8), to: &request) { return .failure(error) }
        }
        if let error = request.problem { return .failure(error) }
        return .success(.search(request))
    }

    private static func terms(_ parameters: [(name: String, value: String)]) -> Result<Request, ProtocolError> {
        var line = "TERMS"
        for (name, value) in parameters {
            guard ["field", "prefix", "limit", "top"].contains(name) else {
                return .failure(ProtocolError(code: .badRequest, message: "terms takes no parameter \(name.prefix(32))"))
            }
            guard !value.isEmpty, !value.contains(where: { $0 == " " || $0 == "\t" }) else {
                return .failure(ProtocolError(code: .badRequest, message: "terms' \(name) is one word"))
            }
            line += " \(name.uppercased()) \(value)"
        }
        return RequestDecoder.decode(Array(line.utf8))
    }

    /// The query string's `name=value` pairs, percent-decoded (`+` a space, as forms send them); nil
    /// when one is not UTF-8 once decoded.
    static func parameters(_ query: Substring) -> [(name: String, value: String)]? {
        var pairs: [(name: String, value: String)] = []
        for pair in query.split(separator: "&") {
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decoded(halves[0]), let value = decoded(halves.count == 2 ? halves[1] : "") else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    private static func decoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var utf8 = text.utf8[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), utf8.count >= 2,
                      let high = hexValue(utf8[utf8.startIndex]), let low = hexValue(utf8[utf8.index(after: utf8.startIndex)]) {
                bytes.append(high << 4 | low)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(validUTF8: bytes)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Whether `method` may ask for `target`: `POST /reload`, and `GET` (or `HEAD`) every other command.
    static func allows(_ method: HTTPMethod, _ target: String) -> Bool {
        let path = target.prefix { $0 != "?" }
        return path == "/reload" ? method == .POST : method == .GET || method == .HEAD
    }

    /// The HTTP status of a reply: 200, or what its error is.
    static func status(of reply: Reply) -> HTTPResponseStatus {
        guard case .error(let error) = reply else { return .ok }
        switch error.code {
        case .syntax, .badRequest, .invalidUTF8, .unknownCommand: return .badRequest
        case .unauthorized: return .unauthorized
        case .notFound: return .notFound
        case .lineTooLong: return .uriTooLong
        case .tooManyConnections, .busy: return .serviceUnavailable
        case .reloadFailed, .internalError: return .internalServerError
        }
    }
}

/// Serves one HTTP request at a time (`HTTPServerPipelineHandler`, before it, holds the next ones),
/// once the channel takes more: decodes it, runs it on the thread pool as a line's request runs, and
/// answers its JSON reply.
final class HTTPRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let service: SearchService
    private let pool: NIOThreadPool
    private let memory: ReplyMemory
    private let memoryLimit: Int
    private let maximumTargetLength: Int
    private let allowedOrigin: String?
    private var head: HTTPRequestHead?
    /// A request is being answered; and whether the server stops (close once it is).
    private var answering = false
    private var stopping = false
    /// The client closed its side: it sends nothing more, so the connection closes once answered.
    private var inputEnded = false
    /// Responses handed to the channel and not yet written.
    private var unwritten = 0
    /// A request whose response the channel cannot take yet (its client does not read the ones
    /// before): it runs once the channel is writable, so that a client pipelining requests for
    /// large replies holds the server to one of them, not to every reply it does not read.
    private var deferred: HTTPRequestHead?

    init(service: SearchService, pool: NIOThreadPool, memoryLimit: Int, maximumTargetLength: Int, allowedOrigin: String?) {
        self.service = service
        self.pool = pool
        memory = service.replyMemory
        self.memoryLimit = memoryLimit
        self.maximumTargetLength = maximumTargetLength
        self.allowedOrigin = allowedOrigin
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head, !stopping else { return }
            self.head = nil
            answering = true
            if context.channel.isWritable {
                respond(to: head, context: context)
            } else {
                deferred = head
            }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let head = deferred {
            deferred = nil
            respond(to: head, context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        if head.method == .OPTIONS {
            // A browser's preflight, before a request with an `Authorization` header.
            return write(status: .noContent, body: [], head: head, context: context)
        }
        guard head.uri.utf8.count <= maximumTargetLength else {
            let error = ProtocolError(code: .lineTooLong, message: "request target longer than the limit")
            return write(status: .uriTooLong, body: ReplyEncoder.encode(.error(error), format: .json), head: head, context: context)
        }
        guard HTTPRequestDecoder.allows(head.method, head.uri) else {
            let error = ProtocolError(code: .badRequest, message: "\(head.method.rawValue) is not served there; GET a command, or POST /reload")
            return write(status: .methodNotAllowed, body: ReplyEncoder.encode(.error(error), format: .json), head: head, context: context)
        }
        let decoded = HTTPRequestDecoder.decode(target: head.uri)
        let metrics = head.uri.prefix { $0 != "?" } == "/metrics"
        let service = self.service, memory = self.memory, limit = memoryLimit
        let bearer = head.headers.first(name: "authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        pool.runIfActive(eventLoop: context.eventLoop) { () -> (HTTPResponseStatus, [UInt8], String) in
            let session = Session(authenticated: service.authToken == nil)
            session.format = .json
            if let bearer, case .error(let error) = service.execute(.auth(bearer), session: session) {
                return (.unauthorized, ReplyEncoder.encode(.error(error), format: .json), Self.jsonType)
            }
            var reply: Reply
            switch decoded {
            case .success(let request): reply = service.execute(request, session: session, replyMemoryLimit: limit)
            case .failure(let error): reply = .error(error)
            }
            if bearer == nil, case .error(let error) = reply, error.code == .unauthorized {
                reply = .error(ProtocolError(code: .unauthorized, message: "send the token first, as Authorization: Bearer <token>"))
            }
            if metrics, case .stats(let statistics) = reply {
                let body = MetricsEncoder.encode(statistics)
                memory.hold(body.count)
                return (.ok, body, MetricsEncoder.contentType)
            }
            let body = ReplyEncoder.encode(reply, format: .json)
            memory.hold(body.count)
            return (HTTPRequestDecoder.status(of: reply), body, Self.jsonType)
        }.whenComplete { result in
            switch result {
            case .success(let (status, body, type)):
                self.write(status: status, body: body, head: head, context: context, held: body.count, contentType: type)
            case .failure(let error):
                let reply = ReplyEncoder.encode(.error(ProtocolError(code: .internalError, message: "\(error)")), format: .json)
                self.write(status: .internalServerError, body: reply, head: head, context: context)
            }
        }
    }

    static let jsonType = "application/json; charset=utf-8"

    /// `held`: the bytes of `body` counted in the reply memory, given back once written.
    private func write(status: HTTPResponseStatus, body: [UInt8], head: HTTPRequestHead, context: ChannelHandlerContext, held: Int = 0,
                       contentType: String = jsonType) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: "\(body.count)")
        if let allowedOrigin {
            headers.add(name: "Access-Control-Allow-Origin", value: allowedOrigin)
            if head.method == .OPTIONS {
                headers.add(name: "Access-Control-Allow-Methods", value: "GET, POST")
                headers.add(name: "Access-Control-Allow-Headers", value: "Authorization")
            }
        }
        if status == .serviceUnavailable { headers.add(name: "Retry-After", value: "1") }
        if status == .methodNotAllowed {
            headers.add(name: "Allow", value: head.uri.hasPrefix("/reload") ? "POST" : "GET, HEAD")
        }
        let keepAlive = head.isKeepAlive && !stopping && !inputEnded
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD && !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        answering = false
        unwritten += 1
        // Written, or failed with the channel: either way no longer held.
        let memory = self.memory
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            memory.release(held)
            self.unwritten -= 1
            if !keepAlive || self.isDone { context.close(promise: nil) }
        }
    }

    /// The client sends nothing more and every request it sent is answered and written.
    private var isDone: Bool { inputEnded && !answering && unwritten == 0 }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed {
            // Comes after every request the client sent (`HTTPServerPipelineHandler` holds it behind them).
            inputEnded = true
            if isDone { context.close(promise: nil) }
        } else if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else if event is ServerStopping {
            // A request being answered is answered first, with `Connection: close`.
            stopping = true
            if !answering { context.close(promise: nil) }
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A parse error comes in its turn, after the responses to the requests before it.
        context.close(promise: nil)
    }
}

/// Answers a request HTTP/1.1 cannot parse with a JSON error, as every other error is answered (NIO's
/// own handler sends an empty 400), unless a response has begun; the connection then closes.
final class HTTPParseErrorResponder: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var responding = false

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Bytes read after the parse error: that error is answered in its turn, and nothing more.
        if case ByteToMessageDecoderError.dataReceivedInErrorState = error { return }
        // Bytes after a request that said `Connection: close` are not answered: its response said so.
        if let error = error as? HTTPParserError, error != .closedConnection, !responding {
            let (status, reply) = error == .headerOverflow
                ? (HTTPResponseStatus.requestHeaderFieldsTooLarge,
                   ProtocolError(code: .lineTooLong, message: "request line and headers longer than 80 KiB"))
                : (.badRequest, ProtocolError(code: .badRequest, message: "not an HTTP/1.1 request (\(error))"))
            let body = ReplyEncoder.encode(.error(reply), format: .json)
            let headers = HTTPHeaders([("Content-Type", HTTPRequestHandler.jsonType), ("Content-Length", "\(body.count)"),
                                       ("Connection", "close")])
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head: responding = true
        case .body: break
        case .end: responding = false
        }
        context.write(data, promise: promise)
    }
}

/// Percent-encodes the bytes over 0x7F of each request line before NIO's parser reads it, as a browser
/// would have: `curl 'localhost:7701/search?q=économie'` sends the word's UTF-8 as it is, which that
/// parser (llhttp, strict about request targets) refuses, where nginx, Elasticsearch and Meilisearch
/// take it. Headers and bodies pass as they come; a request's body is known by its `Content-Length`,
/// and a chunked one, or any framing this cannot follow, leaves the rest of the connection as it is.
final class RequestLineEscaper: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private enum State {
        /// Before or in a request line (`started` once a byte other than CR and LF came).
        case requestLine(started: Bool)
        /// In the headers, which an empty line ends.
        case headers
        /// A request's body, with this many bytes still to come.
        case body(Int)
        /// Framing it does not follow: every byte as it comes.
        case passing
    }

    private var state = State.requestLine(started: false)
    /// The start of the current header line, enough to tell `Content-Length` and `Transfer-Encoding`
    /// and a length.
    private var headerLine: [UInt8] = []
    private var contentLength: Int?
    private var framingUnknown = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .passing = state { return context.fireChannelRead(data) }
        let input = unwrapInboundIn(data)
        var escaped: ByteBuffer?
        input.withUnsafeReadableBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                switch state {
                case .body(let left):
                    // Passed over whole, not byte by byte.
                    let run = min(left, bytes.count - offset)
                    escaped?.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + run)]))
                    offset += run
                    state = run == left ? .requestLine(started: false) : .body(left - run)
                case .passing:
                    escaped?.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
                    offset = bytes.count
                case .requestLine, .headers:
                    // A line at a time, up to its line feed or the read's end.
                    let end = bytes[offset...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? bytes.count
                    let line = UnsafeRawBufferPointer(rebasing: bytes[offset..<end])
                    if case .requestLine = state, line.contains(where: { $0 >= 0x80 }) {
                        if escaped == nil {
                            escaped = context.channel.allocator.buffer(capacity: bytes.count + 32)
                            escaped!.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[..<offset]))
                        }
                        for byte in line {
                            if byte >= 0x80 {
                                escaped!.writeBytes([UInt8(ascii: "%"), Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 15)]])
                            } else {
                                escaped!.writeInteger(byte)
                            }
                        }
                    } else {
                        escaped?.writeBytes(line)
                    }
                    advance(past: line)
                    offset = end
                }
            }
        }
        context.fireChannelRead(wrapInboundOut(escaped ?? input))
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Moves the state past a piece of a request line or of a header line: the whole line, its
    /// line feed last, or what the read holds of it.
    private func advance(past piece: UnsafeRawBufferPointer) {
        let ended = piece.last == UInt8(ascii: "\n")
        let text = ended ? UnsafeRawBufferPointer(rebasing: piece.dropLast()) : piece
        switch state {
        case .requestLine(let started):
            // Blank lines before a request line are allowed, and skipped.
            let begun = started || text.contains { $0 != UInt8(ascii: "\r") }
            if ended && begun { startHeaders() } else { state = .requestLine(started: begun) }
        case .headers:
            headerLine.append(contentsOf: text.prefix(Self.headerPrefix - min(headerLine.count, Self.headerPrefix)))
            guard ended else { return }
            let line = headerLine.last == UInt8(ascii: "\r") ? headerLine.dropLast() : headerLine[...]
            if line.isEmpty { return endHeaders() }
            readHeader(line)
            headerLine.removeAll(keepingCapacity: true)
        case .body, .passing:
            break
        }
    }

    private func startHeaders() {
        state = .headers
        headerLine.removeAll(keepingCapacity: true)
        contentLength = nil
        framingUnknown = false
    }

    private static let headerPrefix = 64

    private func readHeader(_ line: ArraySlice<UInt8>) {
        func named(_ name: String) -> Bool {
            line.count > name.utf8.count && line[line.startIndex + name.utf8.count] == UInt8(ascii: ":")
                && zip(line, name.utf8).allSatisfy { ($0 >= 65 && $0 <= 90 ? $0 + 32 : $0) == $1 }
        }
        let isLength = named("content-length")
        guard isLength || named("transfer-encoding") else { return }
        // A chunked body, a line longer than what is kept, or a length that is not one number.
        let value = line.drop { $0 != UInt8(ascii: ":") }.dropFirst().filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
        guard isLength, line.count < Self.headerPrefix, contentLength == nil, !value.isEmpty,
              value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let length = Int(String(decoding: value, as: UTF8.self)) else {
            framingUnknown = true
            return
        }
        contentLength = length
    }

    private func endHeaders() {
        if framingUnknown {
            state = .passing
        } else if let contentLength, contentLength > 0 {
            state = .body(contentLength)
        } else {
            state = .requestLine(started: false)
        }
    }
}
