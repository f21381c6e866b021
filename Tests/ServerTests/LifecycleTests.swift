import Foundation
import Testing
import TestSupport
@testable import Indexer
@testable import Server

@Suite(.serialized) struct LifecycleTests {
    @Test func reloadUnderLoadFailsNoQuery() async throws {
        let server = try TestServer()
        defer { server.stop() }
        let port = server.port
        let index = server.index
        let corpus = TestServer.corpus
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let client = try LineClient(port: port)
                    var failed = 0
                    for _ in 0..<150 {
                        client.send("SEARCH LIMIT 3 emploi\n")
                        if !(client.counted().header.hasPrefix("RESULTS 3 ")) { failed += 1 }
                    }
                    return failed
                }
            }
            group.addTask {
                // Republish the index and reload it, again and again, while the clients search.
                let client = try LineClient(port: port)
                for _ in 0..<4 {
                    _ = try IndexBuilder.build(paths: [corpus], output: index)
                    client.send("RELOAD\n")
                    if client.line() != "OK reloaded 89 documents" { return 1 }
                }
                return 0
            }
            return try await group.reduce(0, +)
        }
        #expect(failures == 0)
    }

    @Test func aDamagedIndexIsRefusedAndTheOldOneServesOn() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try server.client()
        client.send("COUNT jardin\n")
        let before = client.line()
        // Republish, then damage the new index's positions: its checksum no longer matches.
        _ = try IndexBuilder.build(paths: [TestServer.corpus], output: server.index)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: server.index + "/positions.fts"))
        try handle.seek(toOffset: 200)
        try handle.write(contentsOf: Data([0xAA, 0xBB]))
        try handle.close()
        client.send("RELOAD\nCOUNT jardin\n")
        let refused = try #require(client.line())
        #expect(refused.hasPrefix("ERR reload_failed positions.fts: index is corrupt: checksum mismatch"))
        #expect(refused.hasSuffix("the previous index keeps serving"))
        #expect(client.line() == before)
    }

    @Test func stoppingLetsRequestsInFlightFinish() async throws {
        let server = try TestServer()
        let client = try server.client()
        client.send(String(repeating: "SEARCH LIMIT 20 de\n", count: 30))
        #expect(client.counted().header.hasPrefix("RESULTS 20 "))
        // Stop while requests are queued or running: every request read is answered, then the
        // connection closes.
        let stopping = Task.detached { server.stop() }
        var answered = 1
        while let header = client.line() {
            guard header.hasPrefix("RESULTS 20 ") else { break }
            _ = client.lines(20)
            answered += 1
        }
        // The server's end of the stream: the client ends its side, and the server closes.
        client.shutdownWrite()
        await stopping.value
        #expect(answered == 30)
        // Nothing listens any more.
        #expect(throws: (any Error).self) { _ = try LineClient(port: server.port) }
    }

    @Test func theSearchdBinaryServesAndStopsOnSIGTERM() throws {
        try Self.inScratchFolder { folder in
            // It builds the missing index first.
            try Self.serveOnce(index: folder + "/index")
            // An index in another format version is built again, not refused.
            let meta = folder + "/index/meta.fts"
            let handle = try #require(FileHandle(forUpdatingAtPath: meta))
            try handle.seek(toOffset: 8)
            try handle.write(contentsOf: Data([1, 0, 0, 0]))
            try handle.close()
            #expect(FileFormat.version(ofFileAt: meta) == 1)
            try Self.serveOnce(index: folder + "/index")
            #expect(FileFormat.version(ofFileAt: meta) == FileFormat.version)
        }
    }

    /// `searchd --exact-words` builds its index with exact forms: `=word` finds the form as written.
    /// An index built with them and built again for a changed corpus keeps them, unasked.
    @Test func searchdBuildsWithExactWordsWhenAskedAndKeepsThem() throws {
        try Self.inScratchFolder { folder in
            var (process, port) = try Self.startSearchd(index: folder + "/index", arguments: ["--exact-words"])
            var client = try LineClient(port: port)
            client.send("COUNT économie\nCOUNT =économie\nCOUNT =économies\n")
            #expect(client.lines(3) == ["COUNT 50", "COUNT 28", "COUNT 1"])
            #expect(Self.terminate(process) == 0)
            let corpus = folder + "/corpus"
            try FileManager.default.copyItem(atPath: TestServer.corpus, toPath: corpus)
            var options = IndexBuildOptions()
            options.exactForms = true
            _ = try IndexBuilder.build(paths: [corpus], output: folder + "/kept", options: options)
            try FileManager.default.removeItem(atPath: corpus + "/003_e5a8cb72b1af795c.txt")
            (process, port) = try Self.startSearchd(index: folder + "/kept", corpus: [corpus], expecting: nil)
            client = try LineClient(port: port)
            client.send("COUNT =économie\n")
            #expect(client.line().flatMap { Int($0.dropFirst("COUNT ".count)) }.map { $0 > 0 } == true)
            #expect(Self.terminate(process) == 0)
            #expect(try IndexReader(path: folder + "/kept").documentCount < 89)
        }
    }

    /// At start, an index out of step with its corpus is built again: a file removed, one put back
    /// with an older time than the index's, another corpus named. Without `--corpus`, an index's
    /// corpus is the files it was built from, not the bundled one.
    @Test func anIndexOutOfStepWithItsCorpusIsBuiltAgain() throws {
        try Self.inScratchFolder { folder in
            let manager = FileManager.default
            let corpus = folder + "/corpus", index = folder + "/index"
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try manager.copyItem(atPath: TestServer.corpus, toPath: corpus)
            let file = corpus + "/003_e5a8cb72b1af795c.txt", kept = folder + "/003.txt"
            try manager.moveItem(atPath: file, toPath: kept)
            let fewer = try IndexBuilder.build(paths: [corpus], output: folder + "/reference").documents
            #expect(fewer > 0 && fewer < 89)
            _ = try IndexBuilder.build(paths: [TestServer.corpus], output: index)
            // Built from the bundled corpus, then served for this one: built from it.
            var (process, _) = try Self.startSearchd(index: index, corpus: [corpus], expecting: fewer)
            #expect(Self.terminate(process) == 0)
            // The file back, with a time older than the index's.
            try manager.moveItem(atPath: kept, toPath: file)
            try manager.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)], ofItemAtPath: file)
            (process, _) = try Self.startSearchd(index: index, corpus: [], expecting: 89)
            #expect(Self.terminate(process) == 0)
            #expect(try IndexReader(path: index).corpusManifest().absoluteRoots == [corpus])
            // Gone again: with no --corpus, the index's own corpus is looked at, and built from.
            try manager.removeItem(atPath: file)
            (process, _) = try Self.startSearchd(index: index, corpus: [], expecting: fewer)
            #expect(Self.terminate(process) == 0)
            // A corpus with no file left leaves the index as it is, and searchd says so.
            try manager.removeItem(atPath: corpus)
            let errors = folder + "/errors.log"
            #expect(manager.createFile(atPath: errors, contents: nil))
            (process, _) = try Self.startSearchd(index: index, corpus: [], expecting: fewer,
                                                 standardError: try FileHandle(forWritingTo: URL(fileURLWithPath: errors)))
            #expect(Self.terminate(process) == 0)
            let logged = try String(contentsOfFile: errors, encoding: .utf8)
            #expect(logged.contains("\(corpus): no such file or folder; serving \(index) as it is"), "\(logged)")
        }
    }

    @Test func sighupReloadsTheRepublishedIndex() throws {
        try Self.inScratchFolder { folder in
            let index = folder + "/index"
            let (process, port) = try Self.startSearchd(index: index)
            defer {
                if process.isRunning { _ = Self.terminate(process) }
            }
            let client = try LineClient(port: port)
            #expect(Self.documents(client) == 89)
            // Republished from one file of the corpus, as `fts index` does, then announced by SIGHUP.
            _ = try IndexBuilder.build(paths: [TestServer.corpus + "/002_93f8321c060206ad.txt"], output: index)
            let republished = try IndexReader(path: index).documentCount
            #expect(republished > 0 && republished < 89)
            kill(process.processIdentifier, SIGHUP)
            // The signal is handled on a queue of its own: the reply changes within a moment.
            var seen = 89
            for _ in 0..<300 where seen != republished {
                usleep(10_000)
                seen = Self.documents(client) ?? -1
            }
            #expect(seen == republished)
            #expect(Self.terminate(process) == 0)
        }
    }

    /// SIGTERM as soon as searchd says where it listens, which is when a script may send it: searchd
    /// stops and exits 0 every time. (Signals were once handled by a dispatch source, armed after the
    /// listening line: one SIGTERM in six came too early and was lost, and searchd ran on.)
    @Test func aSIGTERMRightAfterTheListeningLineStopsSearchd() throws {
        try Self.inScratchFolder(buildingIndex: true) { folder in
            for _ in 0..<20 {
                let (process, _) = try Self.startSearchd(index: folder + "/index")
                #expect(Self.terminate(process) == 0)
            }
        }
    }

    /// SIGTERM while clients have requests pipelined: each connection stops being read, is answered
    /// for every request read, with whole replies, and is closed; searchd exits 0 with nothing on
    /// standard error. (It once shut its event loops while queries still ran: replies were cut short,
    /// and NIO printed "Cannot schedule tasks on an EventLoop that has already shut down", which it
    /// says will become a crash.)
    @Test func aSIGTERMUnderLoadAnswersWhatWasReadAndStopsCleanly() throws {
        try Self.inScratchFolder(buildingIndex: true) { folder in
            for round in 0..<3 {
                let errors = folder + "/stderr-\(round)"
                #expect(FileManager.default.createFile(atPath: errors, contents: nil))
                let (process, port) = try Self.startSearchd(index: folder + "/index", standardError: try FileHandle(forWritingTo: URL(fileURLWithPath: errors)))
                let clients = try (0..<2).map { _ in try LineClient(port: port) }
                for client in clients { client.send(String(repeating: "SEARCH LIMIT 3 emploi\n", count: 2_000)) }
                for client in clients { #expect(client.counted().header.hasPrefix("RESULTS 3 ")) }
                // The clients read on while searchd stops: whole replies, up to the end of the connection.
                let replies = Replies()
                let reading = DispatchGroup()
                for client in clients.map(ReadingClient.init) {
                    DispatchQueue.global().async(group: reading) {
                        let client = client.client
                        var whole = 0, cut = 0
                        while let header = client.line() {
                            if header.hasPrefix("RESULTS 3 ") && client.lines(3).count == 3 { whole += 1 } else { cut += 1 }
                        }
                        // At the server's end of the stream, the client ends its side too: searchd stops lingering.
                        client.shutdownWrite()
                        replies.add(whole: whole, cut: cut)
                    }
                }
                #expect(Self.terminate(process) == 0)
                #expect(reading.wait(timeout: .now() + 60) == .success)
                #expect(replies.cut == 0 && replies.whole > 0, "\(replies.whole) whole replies, \(replies.cut) cut")
                let said = try String(contentsOfFile: errors, encoding: .utf8)
                #expect(said.isEmpty, "\(said)")
            }
        }
    }

    /// A client that sends and never reads holds searchd's stop: its replies cannot be written, and
    /// searchd waits for them (up to 30 s). A second SIGTERM ends it at once, with SIGTERM's status.
    @Test func aSecondSIGTERMStopsSearchdAtOnce() throws {
        try Self.inScratchFolder(buildingIndex: true) { folder in
            let (process, port) = try Self.startSearchd(index: folder + "/index")
            defer {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            let client = try LineClient(port: port)
            client.send("PING\n")
            #expect(client.line() == "PONG")
            // Replies far past what the sockets hold (about 50 MB), never read.
            client.send(String(repeating: "SEARCH LIMIT 100 de\n", count: 2_000))
            usleep(300_000)
            kill(process.processIdentifier, SIGTERM)
            usleep(1_000_000)
            #expect(process.isRunning)
            #expect(Self.terminate(process, seconds: 20) == 128 + SIGTERM)
        }
    }

    /// With `--watch`, a file added to the corpus is found once searchd has built the index again, and
    /// a file removed is no longer (with `--document-cache`, its cached documents go too); a corpus
    /// left with no document fails to build, said on standard error, and the previous index serves
    /// on; SIGTERM stops it as it stops searchd, leaving no build folder behind.
    @Test func watchingTheCorpusKeepsTheIndexInStep() throws {
        try Self.inScratchFolder { folder in
            let corpus = folder + "/corpus"
            try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: TestServer.corpus + "/002_93f8321c060206ad.txt", toPath: corpus + "/fiches.txt")
            let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            try FileManager.default.copyItem(atPath: repository.appendingPathComponent("Tests/IndexerTests/Fixtures/pdf/coupures.pdf").path,
                                             toPath: corpus + "/coupures.pdf")
            #expect(FileManager.default.createFile(atPath: folder + "/log", contents: nil))
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/log"))
            let (process, port) = try Self.startSearchd(index: folder + "/index", corpus: [corpus], expecting: nil, arguments: ["--watch", "1", "--document-cache", folder + "/cache"],
                                                        standardError: log)
            defer {
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            let client = try LineClient(port: port)
            /// The reply to `request` once it is `expected`, polled for at most a minute.
            func eventually(_ request: String, _ expected: String) -> String? {
                let deadline = Date().addingTimeInterval(60)
                var reply: String?
                repeat {
                    client.send(request + "\n")
                    reply = client.line()
                    if reply == expected { break }
                    usleep(100_000)
                } while Date() < deadline
                return reply
            }
            client.send("COUNT zeppelin\n")
            #expect(client.line() == "COUNT 0")
            try "# Les zeppelins\n\nUn dirigeable rigide, le zeppelin, survole la ville chaque été.\n"
                .write(toFile: corpus + "/zeppelins.md", atomically: true, encoding: .utf8)
            #expect(eventually("COUNT zeppelin", "COUNT 1") == "COUNT 1")
            try FileManager.default.removeItem(atPath: corpus + "/zeppelins.md")
            #expect(eventually("COUNT zeppelin", "COUNT 0") == "COUNT 0")
            func cached() -> Int { ((try? FileManager.default.contentsOfDirectory(atPath: folder + "/cache")) ?? []).count }
            #expect(cached() == 1)
            client.send("COUNT porte-monnaie\n")
            #expect(client.line() == "COUNT 1")
            try FileManager.default.removeItem(atPath: corpus + "/coupures.pdf")
            #expect(eventually("COUNT porte-monnaie", "COUNT 0") == "COUNT 0")
            #expect(cached() == 0)

            client.send("COUNT solidaire\n")
            let before = client.line()
            #expect(before != "COUNT 0")
            try FileManager.default.removeItem(atPath: corpus + "/fiches.txt")
            let deadline = Date().addingTimeInterval(60)
            var said = ""
            while !said.contains("failed") && Date() < deadline {
                usleep(100_000)
                said = (try? String(contentsOfFile: folder + "/log", encoding: .utf8)) ?? ""
            }
            #expect(said.contains("rebuilding \(folder)/index failed: no documents to index in \(corpus); the previous index keeps serving"), "\(said)")
            client.send("COUNT solidaire\n")
            #expect(client.line() == before)

            #expect(Self.terminate(process) == 0)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["cache", "corpus", "index", "log"])
        }
    }

    /// A client read by one thread only, once the test has sent its requests.
    private struct ReadingClient: @unchecked Sendable {
        let client: LineClient
    }

    private final class Replies: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var whole = 0, cut = 0
        func add(whole: Int, cut: Int) {
            lock.withLock {
                self.whole += whole
                self.cut += cut
            }
        }
    }

    /// Calls `body` with a new folder, removed after; with `buildingIndex`, the folder holds the
    /// bundled corpus's index at `index`.
    private static func inScratchFolder(buildingIndex: Bool = false, _ body: (String) throws -> Void) throws {
        let folder = NSTemporaryDirectory() + "fts-searchd-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        if buildingIndex { _ = try IndexBuilder.build(paths: [TestServer.corpus], output: folder + "/index") }
        try body(folder)
    }

    /// Sends SIGTERM and waits for the exit status, at most `seconds`: then kills the process and
    /// returns nil, so that a searchd that does not stop fails the test instead of hanging it.
    private static func terminate(_ process: Process, seconds: Double = 30) -> Int32? {
        process.terminate()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// The documents STATS reports.
    private static func documents(_ client: LineClient) -> Int? {
        client.send("STATS\n")
        return client.counted().lines.first { $0.hasPrefix("documents\t") }.flatMap { Int($0.dropFirst(10)) }
    }

    /// Starts the searchd binary on `index` and the bundled corpus, checks that it answers, and stops
    /// it with SIGTERM.
    private static func serveOnce(index: String) throws {
        let (process, port) = try startSearchd(index: index)
        let client = try LineClient(port: port)
        client.send("COUNT jardin\n")
        #expect(client.line()?.hasPrefix("COUNT ") == true)
        #expect(Self.terminate(process) == 0)
    }

    /// `--corpus` takes several paths; arguments searchd cannot take exit with 2 and say why, as fts's do.
    @Test func argumentsAreReadAsFtsReadsThem() throws {
        try Self.inScratchFolder { folder in
            let files = ["002_93f8321c060206ad.txt", "004_b485c98c060516cb.txt"].map { TestServer.corpus + "/" + $0 }
            let (process, port) = try Self.startSearchd(index: folder + "/index", corpus: files, expecting: nil)
            let client = try LineClient(port: port)
            let expected = try IndexBuilder.build(paths: files, output: folder + "/reference").documents
            #expect(Self.documents(client) == expected && expected < 89)
            _ = Self.terminate(process)

            func run(_ arguments: [String]) throws -> ChildProcess.Result { try ChildProcess.run(Self.binary, arguments, seconds: 60) }
            let help = try run(["--help"])
            #expect(help.status == 0 && help.stdout.hasPrefix("OVERVIEW: Serve an fts index") && help.stdout.contains("--corpus <corpus> ..."))
            // `--version` says it and exits, building and binding nothing.
            let version = try run(["--version", "--index", folder + "/never-built"])
            #expect(version.status == 0 && version.stdout == "searchd \(Release.description)\n" && version.stderr.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: folder + "/never-built"))
            let port99999 = try run(["--port", "99999"])
            #expect(port99999.status == 2 && port99999.stderr.hasPrefix("searchd: --port must be between 0 and 65535\n"))
            let unknown = try run(["--prot", "7700"])
            #expect(unknown.status == 2 && unknown.stderr.hasPrefix("searchd: unknown option '--prot'\n"))
            for (arguments, message) in [(["--max-connections", "0"], "--max-connections must be at least 1"),
                                         (["--idle-timeout", "-1"], "--idle-timeout must be at least 1 second"),
                                         (["--max-line", "10"], "--max-line must be at least 16 bytes"),
                                         (["--watch", "0"], "--watch must be at least 1 second"),
                                         (["--port", "7711", "--http-port", "7711"], "--http-port must differ from --port"),
                                         (["--log-slow-queries", "-1"], "--log-slow-queries must be between 0 and 3600000 milliseconds"),
                                         (["--log-slow-queries", "soon"], "invalid value 'soon' for --log-slow-queries <ms>: a number is expected"),
                                         (["--max-reply-memory", "64K"], "--max-reply-memory takes a size of at least 1M, such as 64M or 2G"),
                                         (["--max-reply-memory", "lots"], "--max-reply-memory takes a size of at least 1M, such as 64M or 2G")] {
                let refused = try run(arguments)
                #expect(refused.status == 2 && refused.stderr.hasPrefix("searchd: \(message)\n"), "\(arguments): \(refused.stderr)")
            }
        }
    }

    private static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("searchd")

    /// The searchd binary serving `index` (built from `corpus`, the bundled one unless told, when
    /// missing) on a free port, once it says where it listens, holding `expecting` documents.
    private static func startSearchd(index: String, corpus: [String] = [TestServer.corpus], expecting: Int? = 89, arguments: [String] = [],
                                     standardError: FileHandle = .nullDevice) throws -> (process: Process, port: Int) {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--index", index] + (corpus.isEmpty ? [] : ["--corpus"] + corpus) + ["--port", "0", "--log-level", "warning"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = standardError
        try process.run()
        // It prints where it listens once the index is ready. One that has not said so within the
        // deadline is killed, which closes its output and ends the read: the test fails, CI goes on.
        let watchdog = DispatchWorkItem { kill(process.processIdentifier, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + listeningDeadline, execute: watchdog)
        var line = Data()
        while !line.contains(0x0A) {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line.append(byte)
        }
        watchdog.cancel()
        let text = String(decoding: line, as: UTF8.self)
        let listening = text.hasPrefix("searchd: listening on 127.0.0.1:") && expecting.map { text.contains("\($0) documents") } != false
        guard listening, let port = text.split(separator: ":").dropFirst(2).first.flatMap({ Int($0.split(separator: ",")[0]) }) else {
            _ = terminate(process)
            throw StartFailure(firstLine: text)
        }
        return (process, port)
    }

    /// How long searchd may take to build the bundled corpus's index and listen (about a second here).
    private static let listeningDeadline: DispatchTimeInterval = .seconds(120)

    private struct StartFailure: Error, CustomStringConvertible {
        let firstLine: String
        var description: String { "searchd did not say where it listens; its first line: \(firstLine.debugDescription)" }
    }
}
