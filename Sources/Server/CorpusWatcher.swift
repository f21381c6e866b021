import Foundation
import Indexer
import Logging

/// The corpus's files as the file system describes them (each one's device and inode, size and
/// modification time): it differs once a file is added, removed, renamed, replaced or written.
public struct CorpusSnapshot: Equatable, Sendable {
    private var files: [String: FileStatus] = [:]

    public init(of corpus: [String]) {
        for file in Corpus.files(in: corpus).files {
            files[file.path] = file.status
        }
    }
}

/// When the watched corpus is built again: once it differs from the one built and then stayed the
/// same from one look to the next, so that a folder being copied is not built half copied.
struct RebuildSchedule {
    /// The corpus the index was last built from (or found in step with).
    private(set) var built: CorpusSnapshot
    /// The corpus at the last look, when it differed from `built`.
    private var changed: CorpusSnapshot?

    init(built: CorpusSnapshot) { self.built = built }

    /// True when `now`, the corpus at this look, is to be built (it is then taken as built).
    mutating func shouldBuild(_ now: CorpusSnapshot) -> Bool {
        guard now != built else {
            changed = nil
            return false
        }
        guard now == changed else {
            changed = now
            return false
        }
        built = now
        changed = nil
        return true
    }
}

/// Keeps the served index in step with its corpus (`searchd --watch`): every `interval`, looks at the
/// corpus's files, and once one was added, removed or written (`RebuildSchedule`), builds the index
/// again (published atomically, as `fts index` does) and reloads it. Searches go on from the previous
/// index meanwhile, and go on from it when a build fails.
public final class CorpusWatcher: @unchecked Sendable {
    private let corpus: [String]
    private let indexPath: String
    private let documentCache: String?
    private let exactForms: Bool
    private let interval: TimeInterval
    private let service: SearchService
    private let logger: Logger
    private let cancellation = CancellationFlag()
    private let condition = NSCondition()
    private var stopping = false
    private let finished = DispatchSemaphore(value: 0)
    private var schedule: RebuildSchedule

    /// `built`: the corpus the index was built from, or found in step with.
    public init(corpus: [String], indexPath: String, documentCache: String? = nil, exactForms: Bool = false, interval: TimeInterval,
                service: SearchService, logger: Logger, built: CorpusSnapshot) {
        self.corpus = corpus
        self.indexPath = indexPath
        self.documentCache = documentCache
        self.exactForms = exactForms
        self.interval = interval
        self.service = service
        self.logger = logger
        schedule = RebuildSchedule(built: built)
    }

    public func start() {
        Thread { [self] in
            watch()
            finished.signal()
        }.start()
    }

    /// Stops watching, and a build under way (its folder is removed, the index stays as it was).
    public func stop() {
        condition.withLock {
            stopping = true
            condition.signal()
        }
        cancellation.cancel()
        finished.wait()
    }

    private func watch() {
        while waitForTheInterval() {
            // Taken before reading: a file written during the build is seen at the next look.
            guard schedule.shouldBuild(CorpusSnapshot(of: corpus)) else { continue }
            logger.info("the corpus changed: building \(indexPath) again")
            var options = IndexBuildOptions()
            options.cancellation = cancellation
            options.documentCache = documentCache
            // Asked, or kept from the index it replaces (built by hand with them since).
            options.exactForms = exactForms || IndexFreshness.hasExactForms(index: indexPath)
            do {
                let log = BuildLog(logger: logger)
                log.finished(try IndexBuilder.build(paths: corpus, output: indexPath, options: options, observer: log))
                _ = try service.reload()
            } catch IndexError.cancelled {
                return
            } catch {
                logger.error("rebuilding \(indexPath) failed: \(error); the previous index keeps serving")
            }
        }
    }

    /// False once stopping.
    private func waitForTheInterval() -> Bool {
        condition.withLock {
            let deadline = Date().addingTimeInterval(interval)
            while !stopping && condition.wait(until: deadline) {}
            return !stopping
        }
    }
}
