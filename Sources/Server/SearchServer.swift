import Foundation
import NIOCore
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
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            // `printf … | nc -q1` closes its side once sent: the replies must still go out before we close.
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 64 << 10, high: 256 << 10))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ConnectionLimiter(service: service, limit: configuration.maximumConnections),
                        IdleStateHandler(allTimeout: .seconds(Int64(configuration.idleTimeout))),
                        ByteToMessageHandler(LineFrameDecoder(maximumLength: configuration.maximumLineLength)),
                        RequestDecoderHandler(),
                        RequestExecutor(service: service, pool: pool, parallelism: configuration.threads),
                    ])
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.bind(host: configuration.host, port: configuration.port).wait()
        } catch {
            throw ListenError(host: configuration.host, port: configuration.port, cause: error)
        }
        self.channel = channel
        return channel.localAddress?.port ?? configuration.port
    }

    /// Stops accepting, lets requests in flight finish (up to `grace` seconds), then closes everything.
    public func stop(grace: Double = 30) {
        try? channel?.close().wait()
        let deadline = Date().addingTimeInterval(grace)
        while service.inFlight > 0 && Date() < deadline { usleep(10_000) }
        try? group.syncShutdownGracefully()
        try? pool.syncShutdownGracefully()
    }
}

/// Why the server could not listen, said as its user can act on it (NIO's own message names the
/// system call, not the address).
public struct ListenError: Error, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let cause: any Error

    public var description: String {
        let reason: String
        switch (cause as? IOError)?.errnoCode {
        case EADDRINUSE?: reason = "the port is in use (another searchd?); choose another with --port"
        case EACCES?: reason = "permission denied (ports below 1024 need privileges); choose another with --port"
        case EADDRNOTAVAIL?: reason = "no interface of this machine has that address; see --host"
        case let code?: reason = String(cString: strerror(code))
        case nil where cause is SocketAddressError.UnknownHost:
            reason = "\(host) is not an address or a host name this machine resolves; see --host"
        case nil: reason = "\(cause)"
        }
        return "cannot listen on \(host):\(port): \(reason)"
    }
}
