import Foundation
import Logging
@testable import Indexer
@testable import Server
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client speaking lines, with a receive timeout so that a test fails instead of hanging.
final class LineClient {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// The server reset the connection (closed it with bytes unread), which loses what it sent last.
    private(set) var wasReset = false

    /// `receiveBuffer`: the socket's receive buffer in bytes, fixed (the system's autotuning takes it
    /// up to tens of MB on loopback).
    init(port: Int, timeout: Int = 10, receiveBuffer: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if var receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(descriptor) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return }
            offset += written
        }
    }

    /// The next line without its `\n`; nil when the server closed the connection (or the timeout passed).
    func line() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == ECONNRESET { wasReset = true }
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    func lines(_ count: Int) -> [String] { (0..<count).compactMap { _ in line() } }

    /// A counted reply: its header line and the `n` lines it announces.
    func counted() -> (header: String, lines: [String]) {
        let header = line() ?? ""
        let count = Int(header.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return (header, lines(count))
    }

    func shutdownWrite() { shutdown(descriptor, Int32(SHUT_WR)) }

    /// Whether the server has closed the connection, with nothing more sent: false when it sent more
    /// or when the timeout passed first (which `line()` does not tell from a close).
    func isClosedByServer() -> Bool {
        guard buffer.isEmpty else { return false }
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, 0) == 0
    }
}

/// A running server over an index of the bundled corpus.
final class TestServer: @unchecked Sendable {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus/seeds").path

    let folder = NSTemporaryDirectory() + "fts-server-\(UUID().uuidString)"
    let server: SearchServer
    let port: Int
    var index: String { folder + "/index" }

    /// Over an index of `corpus` (the bundled one by default).
    init(corpus: String = TestServer.corpus, configure: (inout ServerConfiguration) -> Void = { _ in }, authToken: String? = nil) throws {
        _ = try IndexBuilder.build(paths: [corpus], output: folder + "/index")
        var configuration = ServerConfiguration()
        configuration.port = 0
        configure(&configuration)
        let service = try SearchService(indexPath: folder + "/index", authToken: authToken, logger: Logger(label: "test"))
        server = SearchServer(service: service, configuration: configuration)
        port = try server.start()
    }

    func client(receiveBuffer: Int32? = nil) throws -> LineClient { try LineClient(port: port, receiveBuffer: receiveBuffer) }

    func stop() {
        server.stop(grace: 5)
        try? FileManager.default.removeItem(atPath: folder)
    }
}
