import NIOCore
import NIOPosix

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

/// A reply on its way out, in the format of its connection at the time it was made.
struct Outgoing {
    var reply: Reply
    var format: ReplyFormat
    var close: Bool
}

/// Executing: runs requests on the thread pool, in order, so that replies keep the order of requests
/// (clients may pipeline). Requests that arrive while a batch runs wait and go together as the next
/// batch: one thread-pool hop and one flush for many pipelined requests, and none of the waiting a
/// timer would add to a lone request. Stops reading while the client does not read its replies or too
/// many requests wait, and closes an idle connection.
final class RequestExecutor: ChannelDuplexHandler {
    typealias InboundIn = Result<Request, ProtocolError>
    typealias OutboundIn = Never
    typealias OutboundOut = Outgoing

    static let maximumPending = 1024
    /// Requests one pool task runs at most, so that one connection's burst does not hold a thread long.
    static let maximumBatch = 64

    private let service: SearchService
    private let pool: NIOThreadPool
    private let session: Session
    private var waiting: [Result<Request, ProtocolError>] = []
    private var running = false
    private var closing = false
    /// The client will send nothing more: close once every reply it is owed has been written.
    private var inputClosed = false

    init(service: SearchService, pool: NIOThreadPool) {
        self.service = service
        self.pool = pool
        session = Session(authenticated: service.authToken == nil)
    }

    private var pending: Int { waiting.count + (running ? 1 : 0) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        waiting.append(unwrapInboundIn(data))
        if waiting.count >= Self.maximumPending { context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
        if !running && context.channel.isWritable { runBatch(context: context) }
    }

    private func runBatch(context: ChannelHandlerContext) {
        guard !waiting.isEmpty, !closing else { return }
        let batch = Array(waiting.prefix(Self.maximumBatch))
        waiting.removeFirst(batch.count)
        running = true
        let service = self.service, session = self.session
        pool.runIfActive(eventLoop: context.eventLoop) { () -> [Outgoing] in
            var replies: [Outgoing] = []
            replies.reserveCapacity(batch.count)
            for decoded in batch {
                switch decoded {
                case .failure(let error):
                    replies.append(Outgoing(reply: .error(error), format: session.format, close: error.code == .lineTooLong))
                case .success(let request):
                    let reply = service.execute(request, session: session)
                    replies.append(Outgoing(reply: reply, format: session.format, close: request == .quit))
                }
                // Nothing after a reply that closes the connection is executed.
                if replies.last!.close { break }
            }
            return replies
        }.whenComplete { result in
            self.running = false
            guard !self.closing else { return }
            let replies: [Outgoing]
            switch result {
            case .success(let done): replies = done
            case .failure(let error):
                replies = [Outgoing(reply: .error(ProtocolError(code: .internalError, message: "\(error)")), format: session.format, close: true)]
            }
            for outgoing in replies { context.write(self.wrapOutboundOut(outgoing), promise: nil) }
            context.flush()
            if replies.last?.close == true || (self.inputClosed && self.waiting.isEmpty) {
                self.closing = true
                context.close(promise: nil)
                return
            }
            // While the client does not read, the waiting requests wait too: see channelWritabilityChanged.
            guard context.channel.isWritable else { return }
            if self.waiting.count < Self.maximumPending / 2 {
                context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
            }
            self.runBatch(context: context)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // A client that does not read its replies stops being read: the server buffers no more for it.
        let writable = context.channel.isWritable
        context.channel.setOption(ChannelOptions.autoRead, value: writable && pending < Self.maximumPending).whenComplete { _ in }
        if writable && !running { runBatch(context: context) }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed {
            inputClosed = true
            if pending == 0 && !closing {
                closing = true
                context.close(promise: nil)
            }
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
}

/// Encoding: a reply into bytes, in its format.
final class ReplyEncoderHandler: ChannelOutboundHandler {
    typealias OutboundIn = Outgoing
    typealias OutboundOut = ByteBuffer

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let outgoing = unwrapOutboundIn(data)
        let bytes = ReplyEncoder.encode(outgoing.reply, format: outgoing.format)
        context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: promise)
    }
}

/// Admission: past `limit` open connections, a new client is told so and closed.
final class ConnectionLimiter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let service: SearchService
    private let limit: Int
    private var admitted = false

    init(service: SearchService, limit: Int) {
        self.service = service
        self.limit = limit
    }

    func channelActive(context: ChannelHandlerContext) {
        admitted = service.connectionOpened(limit: limit)
        guard admitted else {
            let reply = ReplyEncoder.encode(.error(ProtocolError(code: .tooManyConnections, message: "\(limit) connections already; closing")), format: .text)
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
