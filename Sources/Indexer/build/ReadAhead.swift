import Foundation

/// Reads ahead of the reading thread the files that wait on another program (PDFs, through
/// `pdftotext`), a few at a time on other threads, so that their extraction runs on every core while
/// the reading thread still numbers documents in the files' order.
final class ReadAhead: @unchecked Sendable {
    /// What reading one file gave, to be replayed in order.
    struct Read: Sendable {
        var documents: [SourceDocument] = []
        var issues: [CorpusIssue] = []
        var failure: CorpusIssue?

        func replay(document: (SourceDocument) throws -> Void, issue: (CorpusIssue) throws -> Void) throws {
            for each in issues { try issue(each) }
            for each in documents { try document(each) }
            if let failure { throw failure }
        }
    }

    private let files: [CorpusFile]
    /// The files read ahead, by their index in `files`, in order; and each one's place in that order.
    private let ahead: [Int]
    private let place: [Int: Int]
    private let width: Int
    private let cache: DocumentCache?
    private var started = 0
    private var reads: [Int: Read] = [:]
    private let condition = NSCondition()

    init(files: [CorpusFile], width: Int, cache: DocumentCache? = nil) {
        self.files = files
        self.cache = cache
        ahead = files.indices.filter { files[$0].isReadByAnotherProgram }
        place = Dictionary(uniqueKeysWithValues: ahead.enumerated().map { ($1, $0) })
        self.width = width
        condition.lock()
        startReads(through: width - 1)
        condition.unlock()
    }

    func readsAhead(_ index: Int) -> Bool { files[index].isReadByAnotherProgram }

    /// The read of file `index` (one that `readsAhead`), once done; the next ones are started.
    func take(_ index: Int) -> Read {
        condition.lock()
        defer { condition.unlock() }
        if let position = place[index] { startReads(through: position + width - 1) }
        while reads[index] == nil { condition.wait() }
        return reads.removeValue(forKey: index)!
    }

    /// Starts the reads of `ahead` up to `position`, with the lock held.
    private func startReads(through position: Int) {
        while started <= min(position, ahead.count - 1) {
            let index = ahead[started]
            started += 1
            let file = files[index]
            Thread.detachNewThread { [self] in
                var read = Read()
                do {
                    if let documents = cache?.documents(of: file) {
                        read.documents = documents
                    } else {
                        try Corpus.read(file, document: { read.documents.append($0) }, issue: { read.issues.append($0) })
                        if read.issues.isEmpty { cache?.store(read.documents, of: file) }
                    }
                } catch let issue as CorpusIssue {
                    read.failure = issue
                } catch {
                    read.failure = CorpusIssue(file: file.path, message: "\(error)")
                }
                condition.lock()
                reads[index] = read
                condition.broadcast()
                condition.unlock()
            }
        }
    }
}
