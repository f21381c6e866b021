import Foundation
import Histogram
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP connection to searchd, reading replies line by line.
final class ProtocolConnection {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0

    init(host: String, port: Int) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw ValidationErrorMessage("cannot resolve \(host)")
        }
        defer { freeaddrinfo(results) }
        descriptor = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard descriptor >= 0, connect(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            throw ValidationErrorMessage("cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
        }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(descriptor) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw ValidationErrorMessage("connection lost while sending") }
            offset += written
        }
    }

    func line() throws -> String {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                if start > 1 << 16 {
                    buffer.removeSubrange(..<start)
                    start = 0
                }
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw ValidationErrorMessage("connection closed by the server") }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// Reads one reply (a line, plus the lines a RESULTS header counts); returns whether it was an error.
    func reply() throws -> Bool {
        let header = try line()
        if header.hasPrefix("RESULTS ") {
            let count = Int(header.split(separator: " ")[1]) ?? 0
            for _ in 0..<count { _ = try line() }
        }
        return header.hasPrefix("ERR ")
    }
}

struct ValidationErrorMessage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Replays queries against searchd: each connection keeps `depth` requests in flight (pipelining), and
/// a request's latency runs from its send to the end of its reply.
final class NetworkLoad: @unchecked Sendable {
    let host: String
    let port: Int
    let requests: [String]
    let depth: Int
    private let lock = NSLock()
    private(set) var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    private(set) var errors = 0
    private(set) var failure: String?

    init(host: String, port: Int, requests: [String], depth: Int) {
        self.host = host
        self.port = port
        self.requests = requests
        self.depth = depth
    }

    /// Runs `connections` connections, each sending its share of the requests; returns the seconds taken.
    func run(connections: Int) -> Double {
        let group = DispatchGroup()
        let started = DispatchTime.now().uptimeNanoseconds
        for connection in 0..<connections {
            group.enter()
            Thread { [self] in
                defer { group.leave() }
                do { try drive(Array(requests.enumerated().filter { $0.offset % connections == connection }.map(\.element))) } catch {
                    lock.withLock { failure = "\(error)" }
                }
            }.start()
        }
        group.wait()
        return Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
    }

    private func drive(_ share: [String]) throws {
        let connection = try ProtocolConnection(host: host, port: port)
        var sent: [UInt64] = []
        sent.reserveCapacity(share.count)
        var next = 0, done = 0
        var local = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        var localErrors = 0
        while done < share.count {
            // Keep `depth` requests in flight, written together.
            var batch = ""
            while next < share.count && next - done < depth {
                batch += share[next]
                next += 1
            }
            if !batch.isEmpty {
                let now = DispatchTime.now().uptimeNanoseconds
                sent.append(contentsOf: repeatElement(now, count: next - sent.count))
                try connection.send(batch)
            }
            if try connection.reply() { localErrors += 1 }
            _ = local.record(max((DispatchTime.now().uptimeNanoseconds - sent[done]) / 1000, 1))
            done += 1
        }
        lock.withLock {
            histogram.add(local)
            errors += localErrors
        }
    }
}
