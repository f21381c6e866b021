import CSupport
import Foundation

/// Set from a signal handler or another thread to stop a build; the previous index stays in place.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false

    public init() {}

    public var isSet: Bool { lock.withLock { set } }
    public func cancel() { lock.withLock { set = true } }
}

/// The build's memory budget, shared: per-document bookkeeping (ids for duplicate detection and the
/// id table, document lengths) is taken from it as documents are read, and the workers' inversion
/// buffers get the rest, so that everything the budget covers stays within it.
final class MemoryLedger: @unchecked Sendable {
    /// What a worker keeps at least, however much the documents take.
    static let minimumShare = 1 << 20
    private let lock = NSLock()
    private let budget: Int
    private let workers: Int
    private var bookkeeping = 0

    init(budget: Int, workers: Int) {
        self.budget = budget
        self.workers = workers
    }

    func addBookkeeping(_ bytes: Int) { lock.withLock { bookkeeping += bytes } }

    /// The inversion memory one worker may use now.
    var workerShare: Int { lock.withLock { max((budget - bookkeeping) / workers, Self.minimumShare) } }
}

/// What a build reports while it runs.
public protocol IndexBuildObserver: AnyObject {
    func progress(documents: Int, bytesRead: Int, totalBytes: Int)
    func issue(_ issue: CorpusIssue)
    func phase(_ description: String)
}

public struct IndexBuildOptions: Sendable {
    /// Memory for the build: per-document bookkeeping (ids, lengths) and the workers' inversion buffers
    /// together; past it, the buffers spill to disk. Peak RSS is this plus a constant (docs: README).
    public var memoryBudget = 256 << 20
    /// Analysis and inversion threads.
    public var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Any issue with the input fails the build, and nothing is published.
    public var strict = false
    /// The fields whose values facets.fts keeps, for `--facet` to count (`fts index --facets`): nil for
    /// every field beyond the title and body. Every document's path is kept whatever they are.
    public var facetFields: Set<String>?
    public var cancellation: CancellationFlag?
    /// A folder where the documents of PDFs and Word 97–2003 documents are kept between builds
    /// (`DocumentCache`), one folder an index.
    public var documentCache: String?
    /// Each word also indexed as written, for `=word` (`ExactForm`, `fts index --exact-words`).
    public var exactForms = false
    /// Where the merge splits the terms between its threads (the tests vary it).
    var mergeSplit = IndexMerger.Split.payloadMiddle

    public init() {}
}

public struct IndexBuildSummary: Sendable {
    public var documents: Int
    public var sourceBytes: UInt64
    public var terms: UInt64
    public var postings: UInt64
    public var positions: UInt64
    public var indexBytes: UInt64
    public var runs: Int
    public var issues: Int
    /// The files of the corpus's folders of a type no reader takes, by type (`Corpus.Walk.leftOut`).
    public var leftOut: [String: Int]
    public var seconds: Double

    /// The files left out, for a person (`Corpus.Walk.leftOutDescription`).
    public var leftOutDescription: String? { Corpus.Walk.describe(leftOut: leftOut) }
}

/// Builds an index from corpus paths and publishes it atomically at `output`.
///
/// The calling thread reads documents and numbers them; `threads` workers analyse and invert batches
/// of documents in parallel, each spilling sorted runs when it passes its share of the memory budget,
/// and hand each analysed batch to the document store, which writes them in order; the runs are then
/// merged into the final files. Everything is written
/// in a folder beside `output`, made durable, and swapped in with one atomic rename: a build that fails
/// or is interrupted leaves the previous index as it was.
public enum IndexBuilder {
    static let batchBytes = 256 << 10
    /// Memory a document costs until the end of the build besides its id's bytes: the id dictionary's
    /// entry, its lengths in the workers and in the final arrays (measured: about 100 bytes).
    static let bookkeepingPerDocument = 112
    /// Problems of one file shown before the rest are only counted: a CSV saved as `.jsonl` is the
    /// first hundred malformed lines and their number, not a warning for each of its lines.
    static let issuesShownPerFile = 100

    public static func build(paths: [String], output: String, options: IndexBuildOptions = IndexBuildOptions(),
                             observer: IndexBuildObserver? = nil) throws -> IndexBuildSummary {
        let started = Date()
        var issueCount = 0
        var issuesInFile = 0
        func report(_ issue: CorpusIssue) throws {
            issueCount += 1
            issuesInFile += 1
            if issuesInFile <= Self.issuesShownPerFile { observer?.issue(issue) }
            if options.strict { throw issue }
        }

        let walk = Corpus.walk(paths)
        let files = walk.files
        for issue in walk.issues {
            issuesInFile = 0
            try report(issue)
        }
        let totalBytes = files.reduce(0) { $0 + $1.size }

        let publisher = try Publisher(output: output)
        let cache = try options.documentCache.map(DocumentCache.init(folder:))
        var published = false
        defer { if !published { publisher.discard() } }
        let folder = publisher.temporary
        var indexID = [UInt8](repeating: 0, count: 16)
        var random = SystemRandomNumberGenerator()
        for index in indexID.indices { indexID[index] = random.next() }

        let storeFile = try OutputFile(path: folder + "/" + FileFormat.Tag.store.fileName, tag: .store, indexID: indexID)
        let store = try StoredFieldsWriter(file: storeFile, spoolPath: folder + "/store.spool")
        let sortValues = SortValuesWriter()
        let facetValues = FacetValuesWriter()
        var fields = StandardField.all
        var fieldNumbers = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1.name, $0) })
        // Past the limit, each field is reported once, not at every document that holds it.
        var skippedFields = Set<String>()
        var ids: [String: UInt32] = [:]
        var documents = 0
        var bytesRead = 0
        var sourceBytes: UInt64 = 0

        let queue = WorkQueue(capacity: options.threads * 2)
        let ledger = MemoryLedger(budget: options.memoryBudget, workers: options.threads)
        let sequencer = StoreSequencer(store: store)
        let workers = (0..<options.threads).map { index in
            Worker(index: index, folder: folder, ledger: ledger, queue: queue, sequencer: sequencer, cancellation: options.cancellation,
                   exactForms: options.exactForms)
        }
        for worker in workers { worker.start() }
        var batches = 0
        var batch: [PendingDocument] = []
        var batchBytes = 0
        var lastReport = Date.distantPast

        do {
            observer?.phase("reading \(files.count) file\(files.count == 1 ? "" : "s")")
            let readAhead = ReadAhead(files: files, width: max(2, options.threads), cache: cache)
            for (index, file) in files.enumerated() {
                if options.cancellation?.isSet == true { throw IndexError.cancelled }
                issuesInFile = 0
                // Within a file: a large JSON Lines file shows its progress before it ends.
                var fileBytesRead = 0
                func accept(_ document: SourceDocument) throws {
                    if options.cancellation?.isSet == true { throw IndexError.cancelled }
                    guard ids[document.id] == nil else {
                        try report(CorpusIssue(file: file.path, line: document.line,
                                               message: "duplicate id \"\(document.id)\"; document skipped"))
                        return
                    }
                    let doc = UInt32(documents)
                    ids[document.id] = doc
                    documents += 1
                    // The id (dictionary entry and string) and, at the end, the lengths of each field.
                    ledger.addBookkeeping(Self.bookkeepingPerDocument + document.id.utf8.count)
                    var stored: [(field: Int, value: String)] = [(StandardField.id, document.id),
                                                                   (StandardField.path, document.path),
                                                                   (StandardField.line, String(document.line))]
                    var indexed: [(field: UInt8, text: String)] = []
                    func add(_ number: Int, _ value: String) {
                        guard !value.isEmpty else { return }
                        stored.append((number, value))
                        indexed.append((UInt8(number), value))
                        sourceBytes += UInt64(value.utf8.count)
                    }
                    add(StandardField.title, document.title)
                    add(StandardField.body, document.body)
                    // Every document's file, as a value: what `fts search -l`, `--facet path` and
                    // `path:=` read, without the store.
                    ledger.addBookkeeping(facetValues.add(doc: doc, field: StandardField.path, items: [document.path]))
                    for extra in document.extraFields {
                        var number = fieldNumbers[extra.name]
                        if number == nil {
                            guard fields.count < 256 else {
                                if skippedFields.insert(extra.name).inserted {
                                    try report(CorpusIssue(file: file.path, line: document.line,
                                                           message: "more than 256 fields; field \"\(extra.name)\" skipped wherever it occurs"))
                                }
                                continue
                            }
                            number = fields.count
                            fields.append(FieldInfo(name: extra.name, indexed: extra.indexed, stored: true))
                            fieldNumbers[extra.name] = number
                        }
                        if extra.indexed {
                            // Searched wherever one document searches it: the others have no terms there.
                            fields[number!].indexed = true
                            add(number!, extra.value)
                        } else if !extra.value.isEmpty {
                            stored.append((number!, extra.value))
                        }
                        if sortValues.add(doc: doc, field: number!, text: extra.value) {
                            ledger.addBookkeeping(SortValuesWriter.bytesPerValue)
                        }
                        if options.facetFields?.contains(extra.name) ?? true {
                            ledger.addBookkeeping(facetValues.add(doc: doc, field: number!, items: extra.items))
                        }
                    }
                    let pending = PendingDocument(doc: doc, fields: indexed, stored: StoredFields(stored))
                    batch.append(pending)
                    batchBytes += pending.bytes
                    if batchBytes >= Self.batchBytes {
                        queue.put(Batch(number: batches, documents: batch))
                        batches += 1
                        batch = []
                        batchBytes = 0
                    }
                    if documents % 64 == 0, Date().timeIntervalSince(lastReport) >= 0.2 {
                        lastReport = Date()
                        observer?.progress(documents: documents, bytesRead: bytesRead + min(fileBytesRead, file.size),
                                           totalBytes: totalBytes)
                    }
                }
                do {
                    if readAhead.readsAhead(index) {
                        try readAhead.take(index).replay(document: accept, issue: report)
                    } else {
                        try Corpus.read(file, cache: cache, document: accept, issue: report, consumed: { fileBytesRead = $0 })
                    }
                } catch let issue as CorpusIssue {
                    // The file could not be read at all: an issue, the rest of the corpus goes on.
                    try report(issue)
                }
                if issuesInFile > Self.issuesShownPerFile {
                    observer?.issue(CorpusIssue(file: file.path, message: "\(issuesInFile - Self.issuesShownPerFile) more problems not shown"))
                }
                bytesRead += file.size
                observer?.progress(documents: documents, bytesRead: bytesRead, totalBytes: totalBytes)
            }
            if !batch.isEmpty {
                queue.put(Batch(number: batches, documents: batch))
                batches += 1
            }
            queue.close()
        } catch {
            queue.close()
            for worker in workers { worker.join() }
            throw error
        }
        for worker in workers { worker.join() }
        if let error = workers.compactMap(\.error).first { throw error }
        if options.cancellation?.isSet == true { throw IndexError.cancelled }
        try sequencer.finish(batches: batches)
        guard documents > 0 else { throw IndexError.invalidInput("no documents to index in \(paths.joined(separator: ", "))") }
        if options.cancellation?.isSet == true { throw IndexError.cancelled }

        if options.exactForms { for field in fields.indices where fields[field].indexed { fields[field].exactForms = true } }
        // Document lengths by field, and the fields' statistics.
        var lengths = fields.map { $0.indexed ? [UInt32](repeating: 0, count: documents) : [] }
        for worker in workers {
            for entry in worker.lengths {
                lengths[Int(entry.field)][Int(entry.doc)] = entry.length
                fields[Int(entry.field)].totalLength += UInt64(entry.length)
                if entry.length > 0 { fields[Int(entry.field)].documentsWithField += 1 }
            }
        }

        let runs = workers.flatMap(\.runs)
        observer?.phase("merging \(runs.count) run\(runs.count == 1 ? "" : "s")")
        // The store's dictionary is trained and its blocks compressed beside the merge.
        let storeTask = BackgroundTask { try store.finish() }
        let mergeOutcome = Swift.Result { try IndexMerger(runs: runs, lengths: lengths, folder: folder, indexID: indexID).merge(split: options.mergeSplit) }
        let storeOutcome = Swift.Result { try storeTask.wait() }
        for run in runs { try? FileManager.default.removeItem(atPath: run) }
        let merged = try mergeOutcome.get()
        var components = merged.components
        components.append(component(.store, try storeOutcome.get()))
        components.append(try writeNorms(lengths, fields: fields, folder: folder, indexID: indexID))
        components.append(try writeIDs(ids, folder: folder, indexID: indexID))
        let valuesFile = try OutputFile(path: folder + "/" + FileFormat.Tag.values.fileName, tag: .values, indexID: indexID)
        try sortValues.write(documentCount: documents, to: valuesFile)
        components.append(component(.values, try valuesFile.finish()))
        let facetsFile = try OutputFile(path: folder + "/" + FileFormat.Tag.facets.fileName, tag: .facets, indexID: indexID)
        try facetValues.write(documentCount: documents, to: facetsFile)
        components.append(component(.facets, try facetsFile.finish()))
        let filesFile = try OutputFile(path: folder + "/" + FileFormat.Tag.files.fileName, tag: .files, indexID: indexID)
        try filesFile.write(CorpusManifest(roots: paths, files: files).encoded())
        components.append(component(.files, try filesFile.finish()))

        let meta = IndexMeta(indexID: indexID, documentCount: documents, sourceBytes: sourceBytes, fields: fields,
                             components: components, termCount: merged.termCount, postingCount: merged.postingCount,
                             positionCount: merged.positionCount, lexiconCount: merged.lexiconCount)
        let metaFile = try OutputFile(path: folder + "/" + FileFormat.Tag.meta.fileName, tag: .meta, indexID: indexID)
        try metaFile.write(meta.encoded())
        let metaLength = try metaFile.finish().length

        if options.cancellation?.isSet == true { throw IndexError.cancelled }
        observer?.phase("publishing")
        try publisher.publish()
        published = true
        cache?.prune()
        return IndexBuildSummary(documents: documents, sourceBytes: sourceBytes, terms: merged.termCount,
                                 postings: merged.postingCount, positions: merged.positionCount,
                                 indexBytes: components.reduce(UInt64(metaLength)) { $0 + $1.length }, runs: runs.count,
                                 issues: issueCount, leftOut: walk.leftOut, seconds: Date().timeIntervalSince(started))
    }

    private static func component(_ tag: FileFormat.Tag, _ written: (length: Int, checksum: UInt32)) -> IndexMeta.Component {
        IndexMeta.Component(tag: tag, length: UInt64(written.length), checksum: written.checksum)
    }

    /// norms.fts: for each indexed field in field order, every document's length (`FieldLengthsWriter`).
    private static func writeNorms(_ lengths: [[UInt32]], fields: [FieldInfo], folder: String, indexID: [UInt8]) throws -> IndexMeta.Component {
        let file = try OutputFile(path: folder + "/" + FileFormat.Tag.norms.fileName, tag: .norms, indexID: indexID)
        try FieldLengthsWriter.write(lengths, fields: fields, to: file)
        return component(.norms, try file.finish())
    }

    /// ids.fts: a sorted table from document id to document number.
    private static func writeIDs(_ ids: [String: UInt32], folder: String, indexID: [UInt8]) throws -> IndexMeta.Component {
        let file = try OutputFile(path: folder + "/" + FileFormat.Tag.ids.fileName, tag: .ids, indexID: indexID)
        var table = SortedTableWriter(file: file)
        for (id, key) in sortedByBytes(ids.keys) {
            var value = ByteWriter()
            value.vint(UInt64(ids[id]!))
            try table.add(key: key, value: value.bytes)
        }
        try table.finish()
        return component(.ids, try file.finish())
    }
}

/// Consecutive documents, numbered in reading order.
struct Batch: Sendable {
    var number: Int
    var documents: [PendingDocument]
}

/// A bounded queue of document batches from the reading thread to the workers.
final class WorkQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Batch] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func put(_ batch: Batch) {
        condition.lock()
        while items.count >= capacity && !closed { condition.wait() }
        items.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    func take() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let batch = items.removeFirst()
        condition.broadcast()
        return batch
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Writes analysed batches to the document store in reading order, whichever worker finishes first:
/// a record holds its body's token offsets, which only the analysis finds. A batch that arrives
/// early waits for those before it (a few at most: the queue holds two per worker).
final class StoreSequencer: @unchecked Sendable {
    private let store: StoredFieldsWriter
    private let lock = NSLock()
    private var next = 0
    private var waiting: [Int: [(StoredFields, TokenOffsets)]] = [:]
    private var abandoned = false

    init(store: StoredFieldsWriter) { self.store = store }

    func add(batch number: Int, _ documents: [(StoredFields, TokenOffsets)]) throws {
        try lock.withLock {
            guard !abandoned else { return }
            waiting[number] = documents
            while let ready = waiting.removeValue(forKey: next) {
                for (fields, tokens) in ready { try store.add(fields, bodyTokens: tokens) }
                next += 1
            }
        }
    }

    /// A worker failed, and the build with it: later batches are dropped instead of waiting, without
    /// bound, for the one that will never come.
    func abandon() {
        lock.withLock {
            abandoned = true
            waiting = [:]
        }
    }

    /// Checks that all `batches` were written.
    func finish(batches: Int) throws {
        try lock.withLock {
            guard next == batches && waiting.isEmpty else {
                throw IndexError.invalidInput("the document store missed batch \(next) of \(batches)")
            }
        }
    }
}

/// Spellings the analyzer met for the first time, handed to the inverter's lexicon after each document.
private final class NewWords {
    /// `mark` is empty for a word as written, `Lexicon.joinedMark` for a compound's joined word.
    var entries: [(surface: String, term: String, mark: String)] = []
}

/// A thread that analyses and inverts batches, spilling runs into the build folder.
final class Worker: @unchecked Sendable {
    let index: Int
    private let folder: String
    private let ledger: MemoryLedger
    private let queue: WorkQueue
    private let sequencer: StoreSequencer
    private let cancellation: CancellationFlag?
    private let exactForms: Bool
    private let done = DispatchSemaphore(value: 0)
    private(set) var runs: [String] = []
    private(set) var lengths: [(doc: UInt32, field: UInt8, length: UInt32)] = []
    private(set) var error: Error?

    init(index: Int, folder: String, ledger: MemoryLedger, queue: WorkQueue, sequencer: StoreSequencer, cancellation: CancellationFlag?,
         exactForms: Bool) {
        self.index = index
        self.exactForms = exactForms
        self.folder = folder
        self.ledger = ledger
        self.queue = queue
        self.sequencer = sequencer
        self.cancellation = cancellation
    }

    func start() {
        let thread = Thread { [self] in
            defer { done.signal() }
            do { try run() } catch {
                self.error = error
                sequencer.abandon()
                while queue.take() != nil {}
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func join() { done.wait() }

    private func run() throws {
        let analyzer = try FrenchAnalyzer()
        let newWords = NewWords()
        analyzer.onNewWord = { newWords.entries.append(($0, $1, "")) }
        analyzer.onNewJoinedWord = { newWords.entries.append(($0, $1, Lexicon.joinedMark(firstLength: $2))) }
        var inverter = Inverter(exactForms: exactForms)
        while let batch = queue.take() {
            if cancellation?.isSet == true { continue }
            let budget = ledger.workerShare
            var analysed: [(StoredFields, TokenOffsets)] = []
            analysed.reserveCapacity(batch.documents.count)
            for document in batch.documents {
                var bodyTokens = TokenOffsets()
                try inverter.add(document, analyzer: analyzer, bodyTokens: &bodyTokens)
                analysed.append((document.stored, bodyTokens))
                for entry in newWords.entries {
                    inverter.addLexiconEntry(surface: entry.surface, term: entry.mark + entry.term)
                    if let bare = Lexicon.withoutApostrophes(entry.surface) {
                        inverter.addLexiconEntry(surface: bare, term: Lexicon.fallbackMark + entry.term)
                    }
                }
                newWords.entries.removeAll(keepingCapacity: true)
                if inverter.memoryUsed >= budget { try spill(&inverter) }
            }
            try sequencer.add(batch: batch.number, analysed)
        }
        if !inverter.isEmpty { try spill(&inverter) }
        lengths = inverter.lengths
    }

    private func spill(_ inverter: inout Inverter) throws {
        let path = "\(folder)/run-\(index)-\(runs.count).tmp"
        try inverter.spill(to: path)
        runs.append(path)
    }
}

/// The build folder beside the index, and the atomic swap that publishes it.
final class Publisher {
    let output: String
    let temporary: String

    init(output: String) throws {
        let manager = FileManager.default
        self.output = output
        let url = URL(fileURLWithPath: output)
        let parent = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        var isFolder: ObjCBool = false
        if manager.fileExists(atPath: output, isDirectory: &isFolder) {
            let contents = (try? manager.contentsOfDirectory(atPath: output)) ?? []
            guard isFolder.boolValue, contents.isEmpty || contents.contains(FileFormat.Tag.meta.fileName) else {
                throw IndexError.invalidInput("\(output) exists and is not an fts index; refusing to replace it")
            }
        }
        try? manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
        // Build folders left by a build that was killed: their process is gone.
        for entry in (try? manager.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(name + ".tmp-") {
            if let pid = Int32(entry.dropFirst(name.count + 5)), kill(pid, 0) != 0 {
                try? manager.removeItem(atPath: parent + "/" + entry)
            }
        }
        temporary = "\(parent)/\(name).tmp-\(getpid())"
        try? manager.removeItem(atPath: temporary)
        // mkdir(2) rather than FileManager, whose errors read "The operation could not be completed".
        guard mkdir(temporary, 0o755) == 0 else {
            throw IndexError.io(path: temporary, reason: "cannot create the build folder: \(systemError())")
        }
    }

    func discard() {
        try? FileManager.default.removeItem(atPath: temporary)
    }

    /// Makes the new index durable and puts it in place of the old one in one rename.
    func publish() throws {
        let parent = URL(fileURLWithPath: output).deletingLastPathComponent().path
        var code = fts_fsync_directory(temporary)
        guard code == 0 else { throw IndexError.io(path: temporary, reason: "fsync failed: \(systemError(code))") }
        if FileManager.default.fileExists(atPath: output) {
            code = fts_rename_exchange(temporary, output)
            guard code == 0 else { throw IndexError.io(path: output, reason: "cannot swap in the new index: \(systemError(code))") }
            // `temporary` now holds the previous index.
            try? FileManager.default.removeItem(atPath: temporary)
        } else if rename(temporary, output) != 0 {
            throw IndexError.io(path: output, reason: "cannot publish the new index: \(systemError())")
        }
        code = fts_fsync_directory(parent)
        guard code == 0 else { throw IndexError.io(path: parent, reason: "fsync failed: \(systemError(code))") }
    }
}
