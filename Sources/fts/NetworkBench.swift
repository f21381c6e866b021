import Foundation
import Histogram
#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP connection to searchd that parses replies as they arrive.
final class ProtocolConnection {
    private let descriptor: Int32
    /// Received bytes: `buffer[start..<end]` are not parsed yet. Replies are read into it in place; it
    /// starts at one read's size and doubles while a read would not fit after the unparsed bytes.
    /// Allocated last in `init`, as the socket is kept: an init that throws runs no deinit.
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private static let readSize = 1 << 16
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
        let connection = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard connection >= 0, connect(connection, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let reason = String(cString: strerror(errno))
            if connection >= 0 { close(connection) }
            throw ValidationErrorMessage("cannot connect to \(host):\(port): \(reason)")
        }
        var one: Int32 = 1
        setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        descriptor = connection
        buffer = .allocate(byteCount: Self.readSize, alignment: 1)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw ValidationErrorMessage("connection lost while sending") }
            offset += written
        }
    }

    /// Waits for bytes, then calls `done` for every reply they complete, with whether it was an error.
    /// Bytes are read in place and lines found with `memchr`: the load generator shares the machine's
    /// cores with the server, and copying and scanning replies byte by byte cost it about as much per
    /// reply as encoding it cost the server.
    func receive(_ done: (Bool) -> Void) throws {
        makeRoom()
        let count = recv(descriptor, buffer.baseAddress! + end, min(Self.readSize, buffer.count - end), 0)
        guard count > 0 else { throw ValidationErrorMessage("connection closed by the server") }
        end += count
        let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        while start < end, let found = memchr(base + start, 0x0A, end - start) {
            let newline = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            let line = UnsafeBufferPointer(start: base + start, count: newline - start)
            start = newline + 1
            if let left = linesLeft {
                linesLeft = left - 1
            } else {
                replyIsError = Self.line(line, startsWith: "ERR ")
                linesLeft = Self.line(line, startsWith: "RESULTS ") ? Self.countField(line) : 0
            }
            if linesLeft == 0 {
                linesLeft = nil
                done(replyIsError)
            }
        }
    }

    /// Room for a full read after the unparsed bytes: they move to the front, and the buffer doubles
    /// while that leaves too little.
    private func makeRoom() {
        if start == end { (start, end) = (0, 0) }
        guard buffer.count - end < Self.readSize else { return }
        if start > 0 {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start)
            (start, end) = (0, end - start)
        }
        var capacity = buffer.count
        while capacity - end < Self.readSize { capacity *= 2 }
        guard capacity > buffer.count else { return }
        let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
        larger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end)
        buffer.deallocate()
        buffer = larger
    }

    private static func line(_ line: UnsafeBufferPointer<UInt8>, startsWith prefix: StaticString) -> Bool {
        line.count >= prefix.utf8CodeUnitCount && memcmp(line.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
    }

    /// The hit count of a `RESULTS <returned> …` header.
    private static func countField(_ line: UnsafeBufferPointer<UInt8>) -> Int {
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
