import NIOCore
import NIOPosix
import Query

/// A line from the client, or the news that it went on too long.
enum Frame {
    case line([UInt8])
    case tooLong
}

/// Framing: splits the byte stream at `\n` (dropping a `\r` before it), and caps a line's length:
/// past `maximumLength` bytes without a line end, the line is refused and nothing more is read.
final class LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = Frame
    let maximumLength: Int
    private var refused = false

    init(maximumLength: Int) { self.maximumLength = maximumLength }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard !refused else {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return .needMoreData
        }
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: 0x0A) else {
            if view.count > maximumLength {
                refused = true
                buffer.moveReaderIndex(to: buffer.writerIndex)
                context.fireChannelRead(wrapInboundOut(.tooLong))
            }
            return .needMoreData
        }
        let length = newline - view.startIndex
        guard length <= maximumLength else {
            refused = true
            buffer.moveReaderIndex(to: buffer.writerIndex)
            context.fireChannelRead(wrapInboundOut(.tooLong))
            return .needMoreData
        }
        var line = buffer.readBytes(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if line.last == 0x0D { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(.line(line)))
        return .continue
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A last line without its `\n` when the client closes: nobody is left to answer.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}

/// Decoding: a frame into a request, or into the error that answers it.
final class RequestDecoderHandler: ChannelInboundHandler {
    typealias InboundIn = Frame
    typealias InboundOut = Result<Request, ProtocolError>

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .line(let bytes): context.fireChannelRead(wrapInboundOut(RequestDecoder.decode(bytes)))
        case .tooLong:
            context.fireChannelRead(wrapInboundOut(.failure(ProtocolError(code: .lineTooLong, message: "line longer than the limit; closing"))))
        }
    }
}

/// The replies of a chunk of requests, encoded, whether the last one closes the connection, and the
/// requests the chunk left for later (`RequestExecutor.chunkReplyBytes`).
struct EncodedReplies {
    var bytes: ByteBuffer
    var close: Bool
    var rest: [Result<Request, ProtocolError>] = []
}

/// Executing and encoding: runs requests on the thread pool, encodes their replies there too (the
/// event loops only move bytes), and writes them in the order of the requests (clients may pipeline).
/// Pipelined requests go in chunks, one thread-pool hop and one flush for many, and a connection's
/// chunks run on several pool threads at once (up to `parallelism`): the replies of a chunk wait for
/// those of the chunks before it. A chunk stops once its replies pass `chunkReplyBytes`, and its other
/// requests run, under its number, once those replies are written. A request that changes the connection (`FORMAT`, `AUTH`, `RELOAD`,
/// `QUIT`, a line too long) runs alone, after everything before it and before anything after it.
/// Stops reading while the client does not read its replies or too many requests wait, and closes an
/// idle connection.
final class RequestExecutor: ChannelDuplexHandler {
    typealias InboundIn = Result<Request, ProtocolError>
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    static let maximumPending = 1024
    /// Requests one pool task runs at most, so that one connection's burst does not hold a thread long.
    static let maximumBatch = 64
    /// Bytes of replies past which a pool task leaves the rest of its chunk for later (one reply may
    /// pass it alone): a client that pipelines requests for large replies (`SEARCH LIMIT 10000 …`) and
    /// does not read them holds that much a running chunk, not 64 such replies (17 MB each on
    /// frdocs). The channel's high water mark.
    static let chunkReplyBytes = 256 << 10

    private let service: SearchService
    private let pool: NIOThreadPool
    private let memory: ReplyMemory
    private let memoryLimit: Int
    private let parallelism: Int
    private let session: Session
    private var waiting: [Result<Request, ProtocolError>] = []
    /// Chunks on the pool, and whether the one running changes the connection.
    private var running = 0
    private var exclusive = false
    /// Chunks are numbered as they start; the replies of finished chunks wait here for their turn.
    private var nextChunk = 0
    private var nextToWrite = 0
    private var finished: [Int: EncodedReplies] = [:]
    /// The requests the chunk whose turn it is left for later, and its number: they run once its
    /// replies so far are written, and the channel takes more.
    private var unfinished: (number: Int, requests: [Result<Request, ProtocolError>])?
    private var closing = false
    /// Nothing more will be read (the client closed its side, or the server is stopping): close once
    /// every reply owed has been written.
    private var inputEnded = false
    /// The client has closed its side.
    private var clientEnded = false
    /// Whether closing waits for the client to close (`closeAfterWrites`).
    private var lingers = true

    /// `memoryLimit`: the replies held over every connection past which large requests are refused.
    init(service: SearchService, pool: NIOThreadPool, memoryLimit: Int, parallelism: Int) {
        self.service = service
        self.pool = pool
        memory = service.replyMemory
        self.memoryLimit = memoryLimit
        self.parallelism = max(1, parallelism)
        session = Session(authenticated: service.authToken == nil)
    }

    private var pending: Int { waiting.count + running + (unfinished?.requests.count ?? 0) }

    /// Whether the channel reads (autoRead), as last set: setting an option costs more than a request's
    /// decoding, so it is set only when it changes.
    private var reading = true

    private func setReading(_ on: Bool, context: ChannelHandlerContext) {
        guard on != reading else { return }
        reading = on
        context.channel.setOption(ChannelOptions.autoRead, value: on).whenComplete { _ in }
    }

    /// Whether running `request` changes what the requests after it see.
    private static func isExclusive(_ request: Result<Request, ProtocolError>) -> Bool {
        switch request {
        case .failure(let error): return error.code == .lineTooLong
        case .success(.format), .success(.auth), .success(.reload), .success(.quit): return true
        case .success: return false
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        waiting.append(unwrapInboundIn(data))
        if waiting.count >= Self.maximumPending { setReading(false, context: context) }
    }

    /// A read's requests are all decoded: they go to the pool together, shared out between the free
    /// threads, rather than the first ones alone as they arrive.
    func channelReadComplete(context: ChannelHandlerContext) {
        if context.channel.isWritable { dispatch(context: context) }
        context.fireChannelReadComplete()
    }

    /// Starts as many chunks as the waiting requests and the free threads allow, the unfinished one first.
    private func dispatch(context: ChannelHandlerContext) {
        if !closing, running < parallelism, let unfinished {
            self.unfinished = nil
            start(unfinished.requests, number: unfinished.number, context: context)
        }
        while !closing, !exclusive, running < parallelism, let first = waiting.first {
            if Self.isExclusive(first) {
                guard running == 0 else { return }
                waiting.removeFirst()
                exclusive = true
                start([first], context: context)
                return
            }
            // The requests up to the next exclusive one, shared out between the free threads.
            let independent = waiting.prefix { !Self.isExclusive($0) }.count
            let free = parallelism - running
            let size = min(Self.maximumBatch, (independent + free - 1) / free)
            let chunk = Array(waiting.prefix(size))
            waiting.removeFirst(size)
            start(chunk, context: context)
        }
    }

    /// Runs `chunk` on the pool as chunk `number` (a new one when nil).
    private func start(_ chunk: [Result<Request, ProtocolError>], number: Int? = nil, context: ChannelHandlerContext) {
        let number = number ?? nextChunk
        if number == nextChunk { nextChunk += 1 }
        running += 1
        let service = self.service, session = self.session, memory = self.memory, limit = memoryLimit, allocator = context.channel.allocator
        pool.runIfActive(eventLoop: context.eventLoop) { () -> EncodedReplies in
            var out = ByteOutput(capacity: 512 * chunk.count)
            var close = false
            var done = 0
            for decoded in chunk {
                if done > 0 && out.count >= Self.chunkReplyBytes { break }
                done += 1
                switch decoded {
                case .failure(let error):
                    ReplyEncoder.encode(.error(error), format: session.format, into: &out)
                    close = error.code == .lineTooLong
                case .success(let request):
                    ReplyEncoder.encode(service.execute(request, session: session, replyMemoryLimit: limit), format: session.format, into: &out)
                    close = request == .quit
                }
            }
            memory.hold(out.count)
            return EncodedReplies(bytes: out.withUnsafeBytes { allocator.buffer(bytes: $0) }, close: close, rest: Array(chunk[done...]))
        }.whenComplete { result in
            self.running -= 1
            self.exclusive = false
            guard !self.closing else {
                if case .success(let replies) = result { memory.release(replies.bytes.readableBytes) }
                return
            }
            switch result {
            case .success(let replies): self.finished[number] = replies
            case .failure(let error):
                let reply = ReplyEncoder.encode(.error(ProtocolError(code: .internalError, message: "\(error)")), format: session.format)
                memory.hold(reply.count)
                self.finished[number] = EncodedReplies(bytes: allocator.buffer(bytes: reply), close: true)
            }
            self.writeFinished(context: context)
        }
    }

    /// Writes the replies whose turn has come, then starts what waits.
    private func writeFinished(context: ChannelHandlerContext) {
        var wrote = false
        while let replies = finished.removeValue(forKey: nextToWrite) {
            // Written, or failed with the channel: either way no longer held.
            let written = context.eventLoop.makePromise(of: Void.self), memory = self.memory, held = replies.bytes.readableBytes
            written.futureResult.whenComplete { _ in memory.release(held) }
            context.write(wrapOutboundOut(replies.bytes), promise: written)
            wrote = true
            // A reply that closes the connection runs alone: nothing after it is written.
            if replies.close {
                closeAfterWrites(context: context)
                return
            }
            // The chunk's other requests answer before the next chunk's replies.
            guard replies.rest.isEmpty else {
                unfinished = (nextToWrite, replies.rest)
                break
            }
            nextToWrite += 1
        }
        if wrote { context.flush() }
        if inputEnded && pending == 0 {
            closeAfterWrites(context: context)
            return
        }
        // While the client does not read, the waiting requests wait too: see channelWritabilityChanged.
        guard context.channel.isWritable else { return }
        if !inputEnded && waiting.count < Self.maximumPending / 2 {
            setReading(true, context: context)
        }
        dispatch(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // A client that does not read its replies stops being read: the server buffers no more for it.
        let writable = context.channel.isWritable
        setReading(writable && pending < Self.maximumPending && !inputEnded, context: context)
        if writable { dispatch(context: context) }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed {
            inputEnded = true
            clientEnded = true
            // Lingering after the replies: the client has read them and closed.
            if closing { return context.close(promise: nil) }
            // The last requests may have come with the end of the input, after the last read completed.
            if context.channel.isWritable { dispatch(context: context) }
            if pending == 0 { closeAfterWrites(context: context) }
        } else if event is ServerStopping {
            // What was read is answered; nothing more is read. An idle connection that was being read
            // has nothing left unread: it closes without lingering.
            inputEnded = true
            lingers = pending > 0 || !reading
            setReading(false, context: context)
            if pending == 0 && !closing { closeAfterWrites(context: context) }
        } else if event is IdleStateHandler.IdleStateEvent {
            closing = true
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Replies finished but never written (those before them still running when the channel closed).
        closing = true
        for replies in finished.values { memory.release(replies.bytes.readableBytes) }
        finished.removeAll()
        context.fireChannelInactive()
    }

    /// How long a closing connection reads (and drops) what its client still sends, waiting for it to
    /// close its side.
    static let lingering = TimeAmount.seconds(2)

    /// Closes once every reply written so far is out: closing at once would drop those still queued
    /// behind a full socket. When the client may have sent more (`lingers`, and it has not closed its
    /// side), the server first closes only its own and reads on, dropping what comes, until the
    /// client closes or `lingering` passes (as nginx's lingering close): a socket closed with bytes
    /// left unread is reset, and a reset makes the client's system discard replies it has received
    /// but not yet read.
    private func closeAfterWrites(context: ChannelHandlerContext) {
        closing = true
        // Writes complete in order: once this empty one has, every reply before it has gone.
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: written)
        let lingers = self.lingers && !clientEnded
        written.futureResult.whenComplete { _ in
            guard lingers else { return context.close(promise: nil) }
            context.close(mode: .output, promise: nil)
            self.setReading(true, context: context)
            context.eventLoop.scheduleTask(in: Self.lingering) { context.close(promise: nil) }
        }
    }
}

/// Admission: past `limit` open connections, a new client is told so and closed.
final class ConnectionLimiter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let service: SearchService
    private let limit: Int
    /// What a client past the limit is sent, from the error: a line, or an HTTP response.
    private let refusal: (ProtocolError) -> [UInt8]
    private var admitted = false

    init(service: SearchService, limit: Int, refusal: @escaping (ProtocolError) -> [UInt8] = { ReplyEncoder.encode(.error($0), format: .text) }) {
        self.service = service
        self.limit = limit
        self.refusal = refusal
    }

    func channelActive(context: ChannelHandlerContext) {
        admitted = service.connectionOpened(limit: limit)
        guard admitted else {
            let reply = refusal(ProtocolError(code: .tooManyConnections, message: "\(limit) connections already; closing"))
            context.writeAndFlush(NIOAny(context.channel.allocator.buffer(bytes: reply))).whenComplete { _ in context.close(promise: nil) }
            return
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if admitted { context.fireChannelRead(data) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if admitted { service.connectionClosed() }
        context.fireChannelInactive()
    }
}

/// Closes a connection as nginx's lingering close does: once every response before has been written
/// (closing at once would drop those not yet flushed), its output first, so that the client reads them
/// to their end; then the whole socket once the client closes or `lingering` passes
/// (`RequestExecutor.lingering`), dropping what it still sends. A socket closed with bytes unread sends
/// a reset, which loses the responses a client has not read yet: the case of a client that pipelines
/// behind `Connection: close` or a request the server cannot parse.
final class LingeringClose: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let lingering: TimeAmount
    private var closing = false
    private var outputClosed = false
    private var inputClosed = false

    init(lingering: TimeAmount) {
        self.lingering = lingering
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if !closing { context.fireChannelRead(data) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        // The handlers after this one no longer ask for reads: it drains the input itself.
        if closing { context.read() } else { context.fireChannelReadComplete() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed {
            inputClosed = true
            if outputClosed { return context.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, !closing else { return context.close(mode: mode, promise: promise) }
        closing = true
        context.channel.closeFuture.cascade(to: promise)
        // Writes complete in order: once this empty one has, every response before it has gone.
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: written)
        written.futureResult.whenComplete { _ in
            guard !self.inputClosed else { return context.close(promise: nil) }
            self.outputClosed = true
            context.close(mode: .output, promise: nil)
            context.read()
            context.eventLoop.scheduleTask(in: self.lingering) { context.close(promise: nil) }
        }
    }
}
