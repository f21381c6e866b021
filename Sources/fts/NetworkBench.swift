import Foundation
import Histogram
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP connection to searchd that parses replies as they arrive.
final class ProtocolConnection {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var chunk = [UInt8](repeating: 0, count: 1 << 16)
    /// Lines still owed by the reply being read (a RESULTS header counts its hit lines), or nil
    /// between replies.
    private var linesLeft: Int?
    private var replyIsError = false

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

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw ValidationErrorMessage("connection lost while sending") }
            offset += written
        }
    }

    /// Waits for bytes, then calls `done` for every reply they complete, with whether it was an error.
    func receive(_ done: (Bool) -> Void) throws {
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw ValidationErrorMessage("connection closed by the server") }
        buffer.append(contentsOf: chunk[..<count])
        while let newline = buffer[start...].firstIndex(of: 0x0A) {
            let line = buffer[start..<newline]
            start = newline + 1
            if let left = linesLeft {
                linesLeft = left - 1
            } else {
                replyIsError = line.starts(with: "ERR ".utf8)
                linesLeft = line.starts(with: "RESULTS ".utf8) ? Self.countField(line) : 0
            }
            if linesLeft == 0 {
                linesLeft = nil
                done(replyIsError)
            }
        }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 1 << 16 {
            buffer.removeSubrange(..<start)
            start = 0
        }
    }

    /// The hit count of a `RESULTS <returned> …` header.
    private static func countField(_ line: ArraySlice<UInt8>) -> Int {
        var value = 0
        for byte in line.dropFirst("RESULTS ".utf8.count) {
            guard byte >= 0x30 && byte <= 0x39 else { break }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
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
        let encoded = share.map { Array($0.utf8) }
        var sent: [UInt64] = []
        sent.reserveCapacity(share.count)
        var next = 0, done = 0
        var local = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        var localErrors = 0
        var batch: [UInt8] = []
        while done < share.count {
            // Top up to `depth` requests in flight, written together, then read what has arrived.
            batch.removeAll(keepingCapacity: true)
            while next < share.count && next - done < depth {
                batch.append(contentsOf: encoded[next])
                next += 1
            }
            if !batch.isEmpty {
                let now = DispatchTime.now().uptimeNanoseconds
                sent.append(contentsOf: repeatElement(now, count: next - sent.count))
                try connection.send(batch)
            }
            try connection.receive { isError in
                if isError { localErrors += 1 }
                _ = local.record(max((DispatchTime.now().uptimeNanoseconds - sent[done]) / 1000, 1))
                done += 1
            }
        }
        lock.withLock {
            histogram.add(local)
            errors += localErrors
        }
    }
}
