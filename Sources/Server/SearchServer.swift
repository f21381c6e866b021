import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 7700
    public var maximumConnections = 256
    /// Seconds without a byte either way before a connection is closed.
    public var idleTimeout = 300
    public var maximumLineLength = 64 * 1024
    /// Threads running queries (off the event loops).
    public var threads = System.coreCount
    /// The port of the HTTP front (PROTOCOL.md, "HTTP"), on the same host; nil for none, 0 picks a free one.
    public var httpPort: Int?
    /// The origin browsers may call the HTTP front from (`Access-Control-Allow-Origin`); nil for none.
    public var allowedOrigin: String?
    /// Bytes of replies not yet read by their clients, over every connection, past which the requests
    /// for large replies are refused (`ReplyMemory`).
    public var maximumReplyMemory = 256 << 20

    public init() {}
}

/// The daemon: SwiftNIO event loops for the connections, a thread pool for the queries, one shared
/// `SearchService`.
public final class SearchServer: @unchecked Sendable {
    public let service: SearchService
    public let configuration: ServerConfiguration
    private let group: MultiThreadedEventLoopGroup
    private let pool: NIOThreadPool
    private var channel: Channel?
    private var httpChannel: Channel?
    /// The HTTP front's port once started (the one picked when asked for port 0), nil without one.
    public private(set) var httpPort: Int?
    private let connections = OpenConnections()

    public init(service: SearchService, configuration: ServerConfiguration) {
        self.service = service
        self.configuration = configuration
        group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, min(System.coreCount, 2)))
        pool = NIOThreadPool(numberOfThreads: max(1, configuration.threads))
    }

    /// Starts listening; returns the port (the one picked when asked for port 0).
    public func start() throws -> Int {
        pool.start()
        let service = self.service, pool = self.pool, configuration = self.configuration
        let lines = bootstrap { channel in
            try channel.pipeline.syncOperations.addHandlers([
                ConnectionLimiter(service: service, limit: configuration.maximumConnections),
                IdleStateHandler(allTimeout: .seconds(Int64(configuration.idleTimeout))),
                ByteToMessageHandler(LineFrameDecoder(maximumLength: configuration.maximumLineLength)),
                RequestDecoderHandler(),
                RequestExecutor(service: service, pool: pool, memoryLimit: configuration.maximumReplyMemory, parallelism: configuration.threads),
            ])
        }
        // `printf … | nc -q1` closes its side once sent: the replies must still go out before we close.
        .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
        let channel = try bind(lines, port: configuration.port, option: "--port")
        self.channel = channel
        if let port = configuration.httpPort {
            // The same admission, idle timeout and lingering close, request lines taken as curl sends
            // them, NIO's HTTP/1.1 parsing (requests answered in order, one at a time; what it cannot
            // parse answered in JSON), then the commands.
            let http = bootstrap { channel in
                try channel.pipeline.syncOperations.addHandlers([
                    ConnectionLimiter(service: service, limit: configuration.maximumConnections) { error in
                        let body = ReplyEncoder.encode(.error(error), format: .json)
                        return Array(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\n"
                            + "Content-Length: \(body.count)\r\nRetry-After: 1\r\nConnection: close\r\n\r\n").utf8) + body
                    },
                    IdleStateHandler(allTimeout: .seconds(Int64(configuration.idleTimeout))),
                    LingeringClose(lingering: RequestExecutor.lingering),
                    RequestLineEscaper(),
                ])
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: false)
                try channel.pipeline.syncOperations.addHandlers(
                    HTTPParseErrorResponder(),
                    HTTPRequestHandler(service: service, pool: pool, memoryLimit: configuration.maximumReplyMemory, maximumTargetLength: configuration.maximumLineLength,
                                       allowedOrigin: configuration.allowedOrigin))
            }
            // As on the lines' port: `printf 'GET … HTTP/1.0\r\n\r\n' | nc -N` closes its side once sent.
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            do {
                httpChannel = try bind(http, port: port, option: "--http-port")
            } catch {
                try? channel.close().wait()
                throw error
            }
            httpPort = httpChannel?.localAddress?.port ?? port
        }
        return channel.localAddress?.port ?? configuration.port
    }

    /// A listener whose connections are each registered (a stopping server reaches them all), hold at
    /// most 256 KiB of unwritten replies before they stop being served (`isWritable`), and get their
    /// handlers from `handlers`.
    private func bootstrap(_ handlers: @escaping @Sendable (Channel) throws -> Void) -> ServerBootstrap {
        let connections = self.connections
        return ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 64 << 10, high: 256 << 10))
            .childChannelInitializer { channel in
                // Accepted as the server stops: closed at once, never served.
                guard connections.add(channel) else { return channel.close() }
                channel.closeFuture.whenComplete { _ in connections.remove(channel) }
                return channel.eventLoop.makeCompletedFuture { try handlers(channel) }
            }
    }

    /// `option`: the one that names `port`, for the error.
    private func bind(_ bootstrap: ServerBootstrap, port: Int, option: String) throws -> Channel {
        do {
            return try bootstrap.bind(host: configuration.host, port: port).wait()
        } catch {
            throw ListenError(host: configuration.host, port: port, option: option, cause: error)
        }
    }

    /// Stops accepting, then each connection stops reading, answers the requests it has read and closes
    /// (up to `grace` seconds, past which the rest are closed as they stand). The thread pool stops
    /// before the event loops: a query's reply is handed to its connection's loop, which must still run.
    public func stop(grace: Double = 30) {
        try? channel?.close().wait()
        try? httpChannel?.close().wait()
        for connection in connections.stop() { connection.pipeline.fireUserInboundEventTriggered(ServerStopping()) }
        let deadline = Date().addingTimeInterval(grace)
        while !connections.isEmpty && Date() < deadline { usleep(10_000) }
        for connection in connections.stop() { try? connection.close().wait() }
        try? pool.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
    }
}

/// Told to each connection when the server stops: read nothing more, answer what was read, close.
struct ServerStopping {}

/// The open connections, for stopping them: once `stop` is called, no connection is added.
final class OpenConnections: @unchecked Sendable {
    private let lock = NSLock()
    private var open: [ObjectIdentifier: Channel] = [:]
    private var stopping = false

    /// False when the server is stopping: the connection is not to be served.
    func add(_ channel: Channel) -> Bool {
        lock.withLock {
            guard !stopping else { return false }
            open[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func remove(_ channel: Channel) {
        _ = lock.withLock { open.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var isEmpty: Bool { lock.withLock { open.isEmpty } }

    /// The connections open now; no more are added.
    func stop() -> [Channel] {
        lock.withLock {
            stopping = true
            return Array(open.values)
        }
    }
}

/// Why the server could not listen, said as its user can act on it (NIO's own message names the
/// system call, not the address).
public struct ListenError: Error, CustomStringConvertible {
    public let host: String
    public let port: Int
    /// The option that chose the port: `--port`, or `--http-port`.
    public let option: String
    public let cause: any Error

    public var description: String {
        let reason: String
        switch (cause as? IOError)?.errnoCode {
        case EADDRINUSE?: reason = "the port is in use (another searchd?); choose another with \(option)"
        case EACCES?: reason = "permission denied (ports below 1024 need privileges); choose another with \(option)"
        case EADDRNOTAVAIL?: reason = "no interface of this machine has that address; see --host"
        case let code?: reason = String(cString: strerror(code))
        case nil where cause is SocketAddressError.UnknownHost:
            reason = "\(host) is not an address or a host name this machine resolves; see --host"
        case nil: reason = "\(cause)"
        }
        return "cannot listen on \(host):\(port): \(reason)"
    }
}
