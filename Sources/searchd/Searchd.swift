import Arguments
import Foundation
import Indexer
import Logging
import Query
import Server

@main
struct Searchd {
    static let spec = CommandSpec(
        name: "searchd",
        abstract: "Serve an fts index over a line protocol (docs/PROTOCOL.md).",
        discussion: """
            With no arguments, serves the index of the bundled corpus (./index from ./Corpus/seeds), building \
            it first when it is missing, in another format version, or out of step with the corpus (a file added, removed, \
            renamed or changed since it was built); with --watch, builds and reloads it again whenever a file of the corpus \
            changes. Without --corpus or $FTS_CORPUS, an index's corpus is the files it was built from. SIGHUP reloads the index; SIGTERM and SIGINT \
            stop accepting, answer the requests already read, close the connections, and exit 0; a second \
            SIGTERM or SIGINT ends searchd at once.
            """,
        options: [
            .option("index", help: "The index folder (default: $FTS_INDEX or ./index)."),
            .option("corpus", several: true,
                    help: "Build the index from these files and folders when it is missing or out of step with them (default: $FTS_CORPUS, else the files the index was built from, else ./Corpus/seeds)."),
            .option("host", default: "127.0.0.1", help: "Address to listen on."),
            .option("port", default: "7700", help: "Port to listen on; 0 picks a free one and prints it."),
            .option("http-port", help: "Also serve the commands over HTTP on this port (GET /search?q=…, docs/PROTOCOL.md); 0 picks a free one (default: none)."),
            .option("http-allow-origin", value: "origin",
                    help: "The origin web pages may call the HTTP port from (Access-Control-Allow-Origin: * for any; default: none)."),
            .option("max-connections", default: "256", help: "Connections served at once; more are refused."),
            .option("idle-timeout", default: "300", help: "Seconds before an idle connection is closed."),
            .option("max-line", default: "65536", help: "Longest request line in bytes."),
            .option("max-reply-memory", value: "size", default: "256M",
                    help: "Replies not yet read by their clients, over every connection, past which searches are refused as busy (e.g. 256M, 1G)."),
            .option("auth-token", help: "Require AUTH <token> first (default: $FTS_AUTH_TOKEN)."),
            .option("watch", help: "Every <watch> seconds, look at the corpus, and build and reload the index once a file was added, removed or changed (default: never)."),
            .option("document-cache", value: "folder", help: "Keep the documents of PDFs there between builds (see fts index)."),
            .flag("exact-words", help: "Index each word as written too, for =word, in the builds it makes (see fts index)."),
            .option("synonyms", help: "A synonym file (docs/QUERY.md, \"Synonyms\"): its words searched as one another; read again on RELOAD."),
            .option("log-level", default: "info", help: "trace, debug, info, notice, warning, error or critical."),
            .option("log-slow-queries", value: "ms",
                    help: "Log each SEARCH and COUNT taking at least <ms> milliseconds, with its time, matches and query, as a warning (default: never)."),
        ] + RankingOptions.specs + [.flag("version", help: "Show the version and the index format it reads, and exit.")]
    )

    var index: String?
    var corpus: [String]
    var host: String
    var port: Int
    var httpPort: Int?
    var allowedOrigin: String?
    var maxConnections: Int
    var idleTimeout: Int
    var maxLine: Int
    var maxReplyMemory: Int
    var authToken: String?
    var synonyms: String?
    var watch: Int?
    var documentCache: String?
    var exactWords: Bool
    var ranking: BM25Parameters
    var logLevel: Logger.Level
    var slowQueryMilliseconds: Double?
    var version: Bool

    static func main() {
        SignalHandling.blockInEveryThread()
        do {
            exit(runCommand(spec, invokedAs: "searchd", arguments: try programArguments()) { try Searchd($0).run() })
        } catch {
            writeStandardError("searchd: \(error)\n")
            exit(2)
        }
    }

    init(_ arguments: ParsedArguments) throws {
        index = arguments.string("index")
        corpus = arguments.strings("corpus")
        host = arguments.string("host")!
        port = try arguments.number("port")!
        httpPort = try arguments.number("http-port")
        allowedOrigin = arguments.string("http-allow-origin")
        maxConnections = try arguments.number("max-connections")!
        idleTimeout = try arguments.number("idle-timeout")!
        maxLine = try arguments.number("max-line")!
        maxReplyMemory = try arguments.bytes("max-reply-memory", minimum: 1 << 20, example: "1M")!
        authToken = arguments.string("auth-token")
        synonyms = arguments.string("synonyms")
        watch = try arguments.number("watch")
        documentCache = arguments.string("document-cache")
        exactWords = arguments.flag("exact-words")
        version = arguments.flag("version")
        let options = try RankingOptions.parse(arguments)
        do {
            ranking = try BM25Parameters.parsing(k1: options.k1, b: options.b, titleBoost: options.titleBoost, boosts: options.boosts,
                                                  proximityBoost: options.proximityBoost, proximitySlop: options.proximitySlop)
        } catch {
            throw UsageError("BM25: \(error)")
        }
        let level = arguments.string("log-level")!
        guard let logLevel = Logger.Level(rawValue: level) else { throw UsageError("unknown --log-level \(level)") }
        self.logLevel = logLevel
        slowQueryMilliseconds = try arguments.number("log-slow-queries")
        guard (0...65535).contains(port) else { throw UsageError("--port must be between 0 and 65535") }
        guard httpPort.map({ (0...65535).contains($0) }) != false else { throw UsageError("--http-port must be between 0 and 65535") }
        guard httpPort == nil || httpPort == 0 || httpPort != port else { throw UsageError("--http-port must differ from --port") }
        guard allowedOrigin == nil || httpPort != nil else { throw UsageError("--http-allow-origin needs --http-port") }
        guard maxConnections > 0 else { throw UsageError("--max-connections must be at least 1") }
        guard idleTimeout > 0 else { throw UsageError("--idle-timeout must be at least 1 second") }
        guard maxLine >= 16 else { throw UsageError("--max-line must be at least 16 bytes") }
        guard watch.map({ $0 >= 1 }) != false else { throw UsageError("--watch must be at least 1 second") }
        guard slowQueryMilliseconds.map({ (0...3_600_000).contains($0) }) != false else {
            throw UsageError("--log-slow-queries must be between 0 and 3600000 milliseconds")
        }
    }

    func run() throws {
        if version {
            writeStandardOutput("searchd \(Release.description)\n")
            return
        }
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "searchd")
        let signals = SignalHandling(logger: logger)
        let environment = ProcessInfo.processInfo.environment
        let indexPath = index ?? environment["FTS_INDEX"] ?? "index"
        let corpusPaths = !corpus.isEmpty ? corpus
            : environment["FTS_CORPUS"].map { [$0] } ?? IndexFreshness.corpus(ofIndex: indexPath) ?? ["Corpus/seeds"]
        do {
            // The corpus as the index at start is built from (or found in step with).
            let watched = watch.map { (interval: $0, corpus: CorpusSnapshot(of: corpusPaths)) }
            if let reason = IndexFreshness.reasonToBuild(index: indexPath, corpus: corpusPaths) {
                logger.info("building \(indexPath) from \(corpusPaths.joined(separator: ", ")) (the index: \(reason))")
                var options = IndexBuildOptions()
                options.documentCache = documentCache
                // Asked, or kept from the index it replaces.
                options.exactForms = exactWords || IndexFreshness.hasExactForms(index: indexPath)
                let log = BuildLog(logger: logger)
                log.finished(try IndexBuilder.build(paths: corpusPaths, output: indexPath, options: options, observer: log))
            } else if let missing = corpusPaths.first(where: { !FileManager.default.fileExists(atPath: $0) }) {
                // Its corpus taken away, an index is served as it is: said, so that no one waits for a build.
                logger.warning("\(missing): no such file or folder; serving \(indexPath) as it is")
            }
            let service = try SearchService(indexPath: indexPath, authToken: authToken ?? environment["FTS_AUTH_TOKEN"], logger: logger,
                                            synonymsPath: synonyms, parameters: ranking,
                                            slowQueryMicroseconds: slowQueryMilliseconds.map { UInt64(($0 * 1000).rounded()) })
            var configuration = ServerConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.maximumConnections = maxConnections
            configuration.idleTimeout = idleTimeout
            configuration.maximumLineLength = maxLine
            configuration.maximumReplyMemory = maxReplyMemory
            configuration.httpPort = httpPort
            configuration.allowedOrigin = allowedOrigin
            let server = SearchServer(service: service, configuration: configuration)
            let bound = try server.start()
            let documents = service.currentDocumentCount
            let watcher = watched.map {
                CorpusWatcher(corpus: corpusPaths, indexPath: indexPath, documentCache: documentCache, exactForms: exactWords,
                              interval: TimeInterval($0.interval),
                              service: service, logger: logger, built: $0.corpus)
            }
            watcher?.start()
            signals.handle(server)
            // Written straight to the file descriptor: scripts wait for this line, buffering must not hold it.
            FileHandle.standardOutput.write(Data("searchd: listening on \(host):\(bound), \(documents) documents from \(indexPath); try: printf 'SEARCH économie solidaire\\n' | nc \(host) \(bound)\n".utf8))
            if let http = server.httpPort {
                FileHandle.standardOutput.write(Data("searchd: HTTP on \(host):\(http); try: curl 'http://\(host):\(http)/search?q=économie+solidaire'\n".utf8))
            }

            signals.waitUntilStopped()
            watcher?.stop()
            logger.info("stopped")
        } catch {
            writeStandardError("searchd: \(error)\n")
            throw ExitStatus(1)
        }
    }
}
