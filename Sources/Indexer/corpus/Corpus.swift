import CZlib
import Foundation

/// Something wrong with the input, with where it is; the rest of the corpus is still indexed.
public struct CorpusIssue: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
}

/// What one stat(2) of a path says, links followed: all that walking a corpus asks of a file.
public struct FileStatus: Hashable, Sendable {
    /// A file or folder as the file system knows it, whatever path reaches it.
    struct Identity: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
    }

    var identity: Identity
    var isFolder: Bool
    /// Not a pipe, a socket or a device, whose reading may wait forever for a writer.
    var isRegularFile: Bool
    public var size: Int
    /// When it was last written, in nanoseconds since 1970.
    public var modified: Int64

    /// Nil when the path cannot be examined: missing, a dangling link, out of reach.
    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        identity = Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        isFolder = info.st_mode & S_IFMT == S_IFDIR
        isRegularFile = info.st_mode & S_IFMT == S_IFREG
        size = Int(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }

    /// Why a path listed in a folder cannot be examined, as an issue: a link that leads nowhere, or
    /// a file out of reach. Nil for a path gone since the listing, which is no longer in the folder.
    static func unreachable(_ path: String) -> String? {
        var info = stat()
        let failed = stat(path, &info) == 0 ? 0 : errno
        let isLink = lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFLNK
        switch failed {
        case ELOOP: return "skipped: a loop of links"
        case EACCES: return "cannot read: permission denied"
        case ENOENT, ENOTDIR:
            guard isLink else { return nil }
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { " to \($0), which does not exist" }
            return "skipped: a link\(target ?? " to nothing")"
        case 0: return nil
        default: return "cannot read: \(String(cString: strerror(failed)))"
        }
    }
}

/// One input file, found by walking the paths given to `fts index`.
public struct CorpusFile: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case text
        case jsonLines(gzip: Bool)
        /// A CSV (`tabs` false) or TSV table, a document a row.
        case table(tabs: Bool, gzip: Bool)
        /// JSON: an array of objects, or objects, a document each.
        case json(gzip: Bool)
    }

    /// Path to open, as given or joined from a given folder.
    public var path: String
    /// Name relative to the folder given (the file name for a file given directly): ids derive from it.
    public var name: String
    public var kind: Kind
    public var size: Int
    /// The file as the walk found it (nil for a file made up by a test).
    public var status: FileStatus? = nil

    /// A `.md` or `.markdown` file, which may open with front matter.
    var isMarkdown: Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".md") || lower.hasSuffix(".markdown")
    }

    /// An `.html` or `.htm` page, read as the Markdown of what it shows (`HTMLText`).
    var isHTML: Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".html") || lower.hasSuffix(".htm")
    }

    /// A PDF, read as the text of its pages (`PDFText`).
    var isPDF: Bool { name.lowercased().hasSuffix(".pdf") }

    /// A Rich Text Format document, read as the page it shows (`RTFText`).
    var isRTF: Bool { name.lowercased().hasSuffix(".rtf") }

    /// The office format the name's ending says (`OfficeFile.suffixes`), nil for another file.
    var officeFile: OfficeFile? { OfficeFile(name: name) }

    /// A Word 97–2003 document, read as the page it shows (`WordText`).
    var isWordDocument: Bool { officeFile == .word97 }

    /// An Excel 97–2003 workbook, read as the text of its sheets (`ExcelWorkbook`).
    var isExcelWorkbook: Bool { officeFile == .excel97 }

    /// A PowerPoint 97–2003 presentation, read as the text of its slides (`PowerPointPresentation`).
    var isPowerPointPresentation: Bool { officeFile == .powerPoint97 }

    /// Read by another program (`ExternalTool`), which the reading waits on.
    var isReadByAnotherProgram: Bool { Self.isReadByAnotherProgram(name: name) }
    /// Whether a file of this name is read by another program: a PDF.
    static func isReadByAnotherProgram(name: String) -> Bool { name.lowercased().hasSuffix(".pdf") }

    /// An e-mail message (`.eml`) or a mailbox of them (`.mbox`), read a message a document (`MailText`).
    var isMail: Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".eml") || lower.hasSuffix(".mbox")
    }

    /// An EPUB book, read as the page of its chapters (`EPUBText`).
    var isEPUB: Bool { name.lowercased().hasSuffix(".epub") }

    /// A word processor's document, read as the page of what it shows (`OfficeText`).
    var officeFormat: OfficeText.Format? {
        switch officeFile {
        case .docx: .docx
        case .odt: .odt
        default: nil
        }
    }

    /// A presentation, read as the text of its slides (`SlidesText`).
    var slidesFormat: SlidesText.Format? {
        switch officeFile {
        case .pptx: .pptx
        case .odp: .odp
        default: nil
        }
    }

    /// A spreadsheet, read as the text of its sheets (`SpreadsheetText`).
    var spreadsheetFormat: SpreadsheetText.Format? {
        switch officeFile {
        case .xlsx: .xlsx
        case .ods: .ods
        default: nil
        }
    }
}

/// The office formats fts reads, each under its documents' name endings: templates (`.dotx`,
/// `.ott`), macro-enabled files (`.docm`) and slide shows (`.pps`) hold what their plain
/// documents hold, as Xapian's omindex and Recoll read them.
enum OfficeFile {
    case word97, excel97, powerPoint97, docx, xlsx, pptx, odt, ods, odp

    static let suffixes: [String: OfficeFile] = [
        ".doc": .word97, ".dot": .word97,
        ".xls": .excel97, ".xlt": .excel97,
        ".ppt": .powerPoint97, ".pps": .powerPoint97, ".pot": .powerPoint97,
        ".docx": .docx, ".docm": .docx, ".dotx": .docx, ".dotm": .docx,
        ".xlsx": .xlsx, ".xlsm": .xlsx, ".xltx": .xlsx, ".xltm": .xlsx,
        ".pptx": .pptx, ".pptm": .pptx, ".ppsx": .pptx, ".ppsm": .pptx, ".potx": .pptx, ".potm": .pptx,
        ".odt": .odt, ".ott": .odt,
        ".ods": .ods, ".ots": .ods,
        ".odp": .odp, ".otp": .odp,
    ]

    /// The format a file's name ends with, in any case; nil for a name no office format ends.
    init?(name: String) {
        let lower = name.lowercased()
        guard let dot = lower.lastIndex(of: "."), let format = Self.suffixes[String(lower[dot...])] else { return nil }
        self = format
    }
}

/// Reads a corpus: folders of `.txt`/`.md`/`.html`/`.rtf`/`.pdf`/`.epub`/`.eml`/`.mbox` files and office documents
/// (`OfficeFile`), split into sections, JSON Lines files (`.jsonl`, `.jsonl.gz`, `.ndjson`) of one
/// document a line, JSON files (`.json`, `.json.gz`) of one document an object, and CSV and TSV tables of one
/// document a row.
public enum Corpus {
    /// The files read as documents split into sections (the others hold documents as JSON or rows).
    static let textSuffixes = [".txt", ".md", ".markdown", ".html", ".htm", ".rtf", ".pdf", ".epub", ".eml", ".mbox"]

    static func kind(of name: String) -> CorpusFile.Kind? {
        let lower = name.lowercased()
        if textSuffixes.contains(where: lower.hasSuffix) { return .text }
        if OfficeFile(name: lower) != nil { return .text }
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") { return .jsonLines(gzip: false) }
        if lower.hasSuffix(".jsonl.gz") || lower.hasSuffix(".ndjson.gz") { return .jsonLines(gzip: true) }
        if lower.hasSuffix(".json") { return .json(gzip: false) }
        if lower.hasSuffix(".json.gz") { return .json(gzip: true) }
        if lower.hasSuffix(".csv") { return .table(tabs: false, gzip: false) }
        if lower.hasSuffix(".tsv") { return .table(tabs: true, gzip: false) }
        if lower.hasSuffix(".csv.gz") { return .table(tabs: false, gzip: true) }
        if lower.hasSuffix(".tsv.gz") { return .table(tabs: true, gzip: true) }
        return nil
    }

    /// The files under `paths` (`walk`), and the paths that cannot be used.
    public static func files(in paths: [String]) -> (files: [CorpusFile], issues: [CorpusIssue]) {
        let walk = walk(paths)
        return (walk.files, walk.issues)
    }

    /// What a walk of a corpus's paths found: the files it reads, the paths that cannot be used, and
    /// how many files of each type it does not read were left out of the folders (`.org`: 2).
    public struct Walk {
        public var files: [CorpusFile] = []
        public var issues: [CorpusIssue] = []
        public var leftOut: [String: Int] = [:]

        /// The files left out, for a person: `3 files of other types left out (.org ×2, .rst)`, the
        /// five types with the most files first; nil when none was.
        public var leftOutDescription: String? { Self.describe(leftOut: leftOut) }

        static func describe(leftOut: [String: Int]) -> String? {
            let total = leftOut.values.reduce(0, +)
            guard total > 0 else { return nil }
            let types = leftOut.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            let shown = types.prefix(5).map { $0.value > 1 ? "\($0.key) ×\($0.value)" : $0.key }
            let more = types.count > 5 ? ", \(types.count - 5) more" : ""
            return "\(total) file\(total == 1 ? "" : "s") of other types left out (\(shown.joined(separator: ", "))\(more))"
        }
    }

    /// The type a file left out is counted under: its name's last extension, in lower case, or
    /// "no extension".
    static func leftOutType(of name: String) -> String {
        // The dot found among the bytes, not the characters: 20,000 images cost a build 1 ms, not 3.5.
        let utf8 = name.utf8
        guard let dot = utf8.lastIndex(of: 0x2E), dot != utf8.startIndex, utf8.index(after: dot) != utf8.endIndex else { return "no extension" }
        return name[dot...].lowercased()
    }

    /// The files under `paths`, in a stable order: each path in turn, folders walked recursively in
    /// byte order of names, hidden entries skipped. Symbolic links are followed, but a folder or a file
    /// already reached (a link back to a parent, a second link to the same place, a path given twice)
    /// is reported and skipped: a loop of links would otherwise be walked until the paths grew too
    /// long, and two loops side by side, exponentially. Unusable paths are issues; the files of a
    /// folder that no reader takes are counted by type.
    public static func walk(_ paths: [String]) -> Walk {
        var files: [CorpusFile] = []
        var issues: [CorpusIssue] = []
        var leftOut: [String: Int] = [:]
        let manager = FileManager.default
        // Each folder and file by its device and inode, with the path it was first reached by.
        var reached: [FileStatus.Identity: (path: String, isFolder: Bool)] = [:]
        /// False, with an issue, for a pipe, a socket or a device, and for a file or folder reached
        /// before.
        func isFirstVisit(_ path: String, _ status: FileStatus) -> Bool {
            guard status.isFolder || status.isRegularFile else {
                issues.append(CorpusIssue(file: path, message: Self.notRegular))
                return false
            }
            if let first = reached[status.identity] {
                issues.append(CorpusIssue(file: path, message: "skipped: the same \(first.isFolder ? "folder" : "file") as \(first.path)"))
                return false
            }
            reached[status.identity] = (path, status.isFolder)
            return true
        }
        for path in paths {
            guard let status = FileStatus(path: path) else {
                issues.append(CorpusIssue(file: path, message: "no such file or folder"))
                continue
            }
            if !status.isFolder {
                let name = (path as NSString).lastPathComponent
                guard let kind = kind(of: name) else {
                    issues.append(CorpusIssue(file: path, message: "not a .txt, .md, .html, .rtf, .pdf, .epub, .eml, .mbox, office (.docx, .odt, .doc, .xlsx, .ods, .xls, .pptx, .odp, .ppt and their templates), .json, .jsonl, .csv or .tsv file, those four gzip-compressed too (.json.gz, .csv.gz)"))
                    continue
                }
                guard isFirstVisit(path, status) else { continue }
                files.append(CorpusFile(path: path, name: name, kind: kind, size: status.size, status: status))
                continue
            }
            guard isFirstVisit(path, status) else { continue }
            var pending = [""]
            while let relative = pending.popLast() {
                let folder = relative.isEmpty ? path : (path as NSString).appendingPathComponent(relative)
                guard let entries = try? manager.contentsOfDirectory(atPath: folder) else {
                    issues.append(CorpusIssue(file: folder, message: "cannot read folder"))
                    continue
                }
                var subfolders: [String] = []
                for entry in entries.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where !entry.hasPrefix(".") && !entry.hasPrefix("~$") {
                    let name = relative.isEmpty ? entry : relative + "/" + entry
                    let full = (path as NSString).appendingPathComponent(name)
                    guard let status = FileStatus(path: full) else {
                        // Said of what would have been read (a file of a known type, or a folder).
                        guard kind(of: entry) != nil || !entry.contains(".") else { continue }
                        // A name that is not UTF-8 comes back with U+FFFD in it, a path no call can open.
                        if entry.unicodeScalars.contains("\u{FFFD}") {
                            issues.append(CorpusIssue(file: full, message: "skipped: the name is not valid UTF-8 (rename it to index it)"))
                        } else if let reason = FileStatus.unreachable(full) {
                            issues.append(CorpusIssue(file: full, message: reason))
                        }
                        continue
                    }
                    if status.isFolder {
                        // Recorded when listed, so that the first path named is the one walked.
                        guard isFirstVisit(full, status) else { continue }
                        subfolders.append(name)
                    } else if let kind = kind(of: entry) {
                        guard isFirstVisit(full, status) else { continue }
                        files.append(CorpusFile(path: full, name: name, kind: kind, size: status.size, status: status))
                    } else if status.isRegularFile {
                        leftOut[leftOutType(of: entry), default: 0] += 1
                    }
                }
                pending.append(contentsOf: subfolders.reversed())
            }
        }
        return Walk(files: files, issues: issues, leftOut: leftOut)
    }

    static let notRegular = "skipped: not a regular file (a pipe, a socket or a device)"

    /// Reads one file's documents. Problems that lose part of the file are reported through `issue`;
    /// an unreadable file throws. `consumed` hears how many of the file's bytes have been read, as a
    /// JSON Lines file is read chunk by chunk (a text file is read whole). `cache` keeps the documents
    /// of a message's attachments that another program reads.
    public static func read(_ file: CorpusFile, document: (SourceDocument) throws -> Void,
                            issue: (CorpusIssue) throws -> Void, consumed: (Int) -> Void = { _ in }) throws {
        try read(file, cache: nil, document: document, issue: issue, consumed: consumed)
    }

    static func read(_ file: CorpusFile, cache: DocumentCache?, document: (SourceDocument) throws -> Void,
                     issue: (CorpusIssue) throws -> Void, consumed: (Int) -> Void = { _ in }) throws {
        switch file.kind {
        case .text: try readText(file, cache: cache, document: document, issue: issue)
        case .jsonLines(let gzip): try readJSONLines(file, gzip: gzip, document: document, issue: issue, consumed: consumed)
        case .table(let tabs, let gzip): try readTable(file, tabs: tabs, gzip: gzip, document: document, issue: issue, consumed: consumed)
        case .json(let gzip):
            if gzip {
                try readCompressedJSON(file, settingsSkipped: true, document: document, issue: issue, consumed: consumed)
            } else {
                try readJSON(file, document: document, issue: issue, consumed: consumed)
            }
        }
    }

    // MARK: Text

    static func readText(_ file: CorpusFile, cache: DocumentCache? = nil, document: (SourceDocument) throws -> Void,
                         issue: (CorpusIssue) throws -> Void) throws {
        if file.isMail { return try readMail(file, cache: cache, document: document, issue: issue) }
        let (sections, fields) = file.isPDF
            ? try PDFText.sections(of: file.path, minimumWords: SectionSplitter().minimumWords)
            : try pagedSections(file) ?? textSections(file, issue: issue)
        for (index, section) in sections.enumerated() {
            try document(SourceDocument(id: "\(file.name)#\(index + 1)", path: file.path, line: section.line,
                                        title: section.title, body: section.body, extraFields: index == 0 ? fields : []))
        }
    }

    /// A message's or a mailbox's documents: each message's sections (split as a text file's are),
    /// the first titled by its subject and given its sender and date as fields, then the documents
    /// of its attached files, each read as a file of its name is (from a temporary copy), at the
    /// message's line. An attachment that cannot be read is an issue of the mailbox. The attachments
    /// another program reads (PDFs, each waiting on `pdftotext`) are read first, on every core at
    /// once, as the corpus's own are read ahead.
    private static func readMail(_ file: CorpusFile, cache: DocumentCache?, document: (SourceDocument) throws -> Void,
                                 issue: (CorpusIssue) throws -> Void) throws {
        let bytes = [UInt8](try mapped(file))
        let isMailbox = file.name.lowercased().hasSuffix(".mbox")
        // Internet messages hold no NUL (RFC 5322), nor do their attachments once encoded.
        try bytes.withUnsafeBytes { try refuseBinaryData($0, file: file, as: isMailbox ? "a mailbox" : "an e-mail message") }
        let messages = isMailbox ? MailText.messages(ofMailbox: bytes) : [MailText.message(bytes[...], line: 1)]
        if isMailbox && messages.isEmpty { throw CorpusIssue(file: file.path, message: "not a mailbox (no line starts a message with \"From \")") }
        if !isMailbox && messages.allSatisfy({ $0.headerCount == 0 }) {
            throw CorpusIssue(file: file.path, message: "not an e-mail message (no header before its first blank line)")
        }
        let slow = messages.indices.flatMap { message in
            messages[message].attachments.indices.filter { CorpusFile.isReadByAnotherProgram(name: messages[message].attachments[$0].name) }
                .map { AttachmentPlace(message: message, attachment: $0) }
        }
        let readFirst = AttachmentReads()
        DispatchQueue.concurrentPerform(iterations: slow.count) { index in
            let place = slow[index]
            readFirst.keep(readAttachment(messages[place.message].attachments[place.attachment], cache: cache), at: place)
        }
        var number = 0
        for (messageIndex, message) in messages.enumerated() {
            var properties = DocumentProperties()
            if let from = message.from { properties.add(.author, from) }
            if let date = message.date { properties.add(.date, date) }
            var sections = SectionSplitter().split(message.text)
            if sections.isEmpty, let subject = message.subject { sections = [SectionSplitter.Section(line: 1, title: subject, body: "")] }
            for (index, section) in sections.enumerated() {
                number += 1
                let title = index == 0 ? message.subject ?? section.title : section.title
                try document(SourceDocument(id: "\(file.name)#\(number)", path: file.path, line: message.line + section.line - 1, title: title,
                                            body: section.body, extraFields: index == 0 ? properties.fields : []))
            }
            for (attachmentIndex, attachment) in message.attachments.enumerated() {
                let read = readFirst.read(at: AttachmentPlace(message: messageIndex, attachment: attachmentIndex)) ?? readAttachment(attachment, cache: cache)
                for text in read.issues {
                    try issue(CorpusIssue(file: file.path, line: message.line, message: "attachment \(attachment.name): \(text)"))
                }
                if let failure = read.failure { throw failure }
                for attached in read.documents {
                    number += 1
                    try document(SourceDocument(id: "\(file.name)#\(number)", path: file.path, line: message.line, title: attached.title,
                                                body: attached.body, extraFields: attached.extraFields))
                }
            }
        }
    }

    /// Where an attachment stands in a mailbox: its message's index, and its own among the message's.
    private struct AttachmentPlace: Hashable {
        var message: Int
        var attachment: Int
    }

    /// The attachments read first, each kept by the thread that read it.
    private final class AttachmentReads: @unchecked Sendable {
        private let lock = NSLock()
        private var reads: [AttachmentPlace: AttachmentRead] = [:]

        func keep(_ read: AttachmentRead, at place: AttachmentPlace) { lock.withLock { reads[place] = read } }
        func read(at place: AttachmentPlace) -> AttachmentRead? { lock.withLock { reads[place] } }
    }

    /// What reading an attachment gave: its documents, the issues it reported (as the attachment's),
    /// and an error that stops the mailbox's reading, if one came.
    private struct AttachmentRead {
        var documents: [SourceDocument] = []
        var issues: [String] = []
        var failure: Error?
    }

    /// An attachment read as the file it names is (a temporary copy, removed after), its documents
    /// kept in `cache` when another program reads it and it reads without an issue.
    private static func readAttachment(_ attachment: (name: String, kind: CorpusFile.Kind, bytes: [UInt8]), cache: DocumentCache?) -> AttachmentRead {
        let folder = NSTemporaryDirectory() + "fts-attachment-\(UUID().uuidString)"
        let path = folder + "/" + attachment.name
        let copy = CorpusFile(path: path, name: attachment.name, kind: attachment.kind, size: attachment.bytes.count)
        let cached = copy.isReadByAnotherProgram ? cache : nil
        if let documents = cached?.documents(ofAttachment: attachment.name, bytes: attachment.bytes) { return AttachmentRead(documents: documents) }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(attachment.bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            return AttachmentRead(issues: ["cannot write its temporary copy (\(systemError()))"])
        }
        var read = AttachmentRead()
        do {
            try Self.read(copy, document: { read.documents.append($0) }, issue: { read.issues.append($0.message) })
            if read.issues.isEmpty { cached?.store(read.documents, ofAttachment: attachment.name, bytes: attachment.bytes) }
        } catch let unread as CorpusIssue where unread.file == path {
            read.issues.append(unread.message)
        } catch {
            read.failure = error
        }
        return read
    }

    /// A text file's sections, and the fields its front matter gives the first.
    private static func textSections(_ file: CorpusFile, issue: (CorpusIssue) throws -> Void) throws -> ([SectionSplitter.Section], [SourceDocument.Field]) {
        if let (page, properties) = try documentPage(file) { return (sections(of: page), properties.fields) }
        guard let data = FileContents.read(file.path, size: file.size) else {
            throw CorpusIssue(file: file.path, message: "cannot read file (\(systemError()))")
        }
        try data.withUnsafeBytes { try refuseBinaryData($0, file: file, as: "text") }
        var text = try decode(data, file: file.path, line: 1, declaredCharset: file.isHTML ? HTMLText.declaredCharset(data) : nil, issue: issue)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // Classic Mac OS ended lines with `\r` alone: a file with no `\n` at all has its lines read too.
        if !text.utf8.contains(UInt8(ascii: "\n")) && text.utf8.contains(UInt8(ascii: "\r")) {
            text = text.replacingOccurrences(of: "\r", with: "\n")
        }
        if file.isHTML { return (sections(of: HTMLText.markdown(text)), []) }
        var splitter = SectionSplitter()
        splitter.markdownFile = file.isMarkdown
        if file.isMarkdown && (text.hasPrefix("---") || text.hasPrefix("+++")) {
            var lines = SectionSplitter.lines(of: text)
            if let frontMatter = FrontMatter.parse(lines) {
                // Blank lines in its place: the sections' line numbers stay the file's.
                lines.replaceSubrange(0..<frontMatter.lineCount, with: repeatElement("", count: frontMatter.lineCount))
                return (frontMatter.applied(to: splitter.split(lines: lines), of: lines), frontMatter.fields)
            }
        }
        return (splitter.split(text), [])
    }

    /// Throws when a file's first 8,000 bytes hold a NUL byte and no UTF-16 byte order mark: text holds
    /// none, so such a file is binary data named like text (an executable, an image, a database), as
    /// git and grep decide over the same bytes. Its bytes read as a charset would fill the index with
    /// words that are none.
    static func refuseBinaryData(_ bytes: UnsafeRawBufferPointer, file: CorpusFile, as kind: String) throws {
        guard let base = bytes.baseAddress, !bytes.starts(with: [0xFF, 0xFE]) && !bytes.starts(with: [0xFE, 0xFF]),
              let nul = memchr(base, 0, min(bytes.count, 8_000)) else { return }
        throw CorpusIssue(file: file.path, message: "binary data, not \(kind) (a NUL byte at byte \(base.distance(to: UnsafeRawPointer(nul)) + 1)); skipped")
    }

    /// A presentation's or a spreadsheet's sections, a slide or a sheet each, and the fields its
    /// properties give the first; nil for another file.
    private static func pagedSections(_ file: CorpusFile) throws -> ([SectionSplitter.Section], [SourceDocument.Field])? {
        guard file.slidesFormat != nil || file.spreadsheetFormat != nil || file.isExcelWorkbook || file.isPowerPointPresentation else { return nil }
        let data = try mapped(file)
        let minimumWords = SectionSplitter().minimumWords
        if file.isExcelWorkbook || file.isPowerPointPresentation {
            do {
                let workbook = file.isExcelWorkbook
                return try PageSections.sections(ofCompoundFile: [UInt8](data), minimumWords: minimumWords) { (compound) throws(CompoundFile.Failure) in
                    try workbook ? ExcelWorkbook(compound).sheets : PowerPointPresentation(compound).slides
                }
            } catch {
                throw CorpusIssue(file: file.path, message: error.reason)
            }
        }
        do {
            let archive = try package(data)
            if let format = file.slidesFormat { return try SlidesText.sections(of: archive, format: format, minimumWords: minimumWords) }
            return try SpreadsheetText.sections(of: archive, format: file.spreadsheetFormat ?? .ods, minimumWords: minimumWords)
        } catch {
            throw CorpusIssue(file: file.path, message: error.reason)
        }
    }

    /// A package's ZIP archive. Office keeps a password-protected `.docx`, `.xlsx` or `.pptx` in a
    /// compound file instead (its `EncryptedPackage` stream), which is said as such, as is a
    /// compound file under a package's name.
    private static func package(_ data: Data) throws(ZipArchive.Failure) -> ZipArchive {
        if data.starts(with: CompoundFile.signature) {
            let encrypted = (try? CompoundFile([UInt8](data)).stream("EncryptedPackage", upTo: 0)) != nil
            throw ZipArchive.Failure(reason: encrypted ? "an encrypted (password-protected) document: not read"
                                                       : "a compound file (an Office 97–2003 document?), not the ZIP package its name says")
        }
        return try ZipArchive(data)
    }

    private static func mapped(_ file: CorpusFile) throws(CorpusIssue) -> Data {
        do {
            return try FileContents.mapped(file.path, size: file.size)
        } catch {
            throw CorpusIssue(file: file.path, message: "cannot read file (\(systemError()))")
        }
    }

    /// The page a document shows (`.docx`, `.odt`, `.epub`, `.rtf`) and its properties; nil for another file.
    private static func documentPage(_ file: CorpusFile) throws -> (HTMLText.Page, DocumentProperties)? {
        guard file.officeFormat != nil || file.isEPUB || file.isRTF || file.isWordDocument else { return nil }
        let data = try mapped(file)
        if file.isRTF || file.isWordDocument {
            let bytes = [UInt8](data)
            let page = file.isRTF
                ? Result { () throws(RTFText.Failure) in try RTFText.page(of: bytes) }.mapError { CorpusIssue(file: file.path, message: $0.reason) }
                : Result { () throws(WordText.Failure) in try WordText.page(of: bytes) }.mapError { CorpusIssue(file: file.path, message: $0.reason) }
            let (html, properties) = try page.get()
            return (HTMLText.markdown(html), properties)
        }
        do {
            let archive = try package(data)
            if let format = file.officeFormat {
                return (HTMLText.markdown(try OfficeText.html(of: archive, format: format)), try OfficeText.properties(of: archive, format: format))
            }
            return (try EPUBText.page(of: archive), try EPUBText.properties(of: archive))
        } catch {
            throw CorpusIssue(file: file.path, message: error.reason)
        }
    }

    /// A page's sections, split at its top-level headings, each at the line of the page it starts on.
    private static func sections(of page: HTMLText.Page) -> [SectionSplitter.Section] {
        var splitter = SectionSplitter()
        splitter.markdownFile = true
        var sections = splitter.split(lines: page.lines)
        for index in sections.indices where sections[index].line <= page.sourceLines.count {
            sections[index].line = page.sourceLines[sections[index].line - 1]
        }
        return sections
    }

    // MARK: JSON Lines

    static let reservedFields: Set<String> = ["id", "title", "body", "text", "path", "line"]

    /// The keys a document's title and its body are read from, by groups: the first group one of whose
    /// keys a file (a table's header) or an object names. After the English names, the French ones a
    /// French export writes (`titre`; `texte`, else `contenu`), which a query names the fields by too
    /// (`StandardField.frenchNames`); when not read as the title or body, they are fields of their own.
    static let titleKeys = [["title"], ["titre"]]
    static let bodyKeys = [["body", "text"], ["texte"], ["contenu"]]

    /// The keys of the first of `groups` that `names` holds one of, in their order.
    static func keys(_ groups: [[String]], among names: Set<String>) -> [String] {
        groups.first { $0.contains(where: names.contains) } ?? []
    }

    static func readJSONLines(_ file: CorpusFile, gzip: Bool, document: (SourceDocument) throws -> Void,
                              issue: (CorpusIssue) throws -> Void, consumed: (Int) -> Void) throws {
        let source = try ChunkSource(path: file.path, gzip: gzip)
        var pending: [UInt8] = []
        var lineNumber = 0
        var naming = FieldNaming()
        var readOne = false
        func handle(_ line: UnsafeBufferPointer<UInt8>) throws {
            lineNumber += 1
            let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0D }
            guard line.contains(where: { !isBlank($0) }) else { return }
            if !readOne {
                readOne = true
                // `[` or `{` alone opens JSON printed over several lines (jq, json.dumps with an indent),
                // whose every line would be reported malformed.
                let opening = (line.starts(with: [0xEF, 0xBB, 0xBF]) ? line.dropFirst(3) : line[...]).filter { !isBlank($0) }
                if opening == [UInt8(ascii: "[")] || opening == [UInt8(ascii: "{")] { throw PrintedJSON() }
            }
            if let parsed = try jsonDocument(in: line, file: file, line: lineNumber, skipping: "line", naming: &naming, issue: issue) {
                try document(parsed)
            }
        }
        func readLines() throws {
            var first = true
            while let chunk = try source.next() {
                consumed(source.consumed)
                // JSON holds no raw NUL: a file that does is binary data, not thousands of malformed lines.
                if first { try chunk.withUnsafeBytes { try refuseBinaryData($0, file: file, as: "JSON Lines") } }
                first = false
                try chunk.withUnsafeBufferPointer { bytes in
                    var start = 0
                    while start < bytes.count, let newline = memchr(bytes.baseAddress! + start, 0x0A, bytes.count - start) {
                        let end = bytes.baseAddress!.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                        let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                        if pending.isEmpty {
                            try handle(line)
                        } else {
                            pending.append(contentsOf: line)
                            try pending.withUnsafeBufferPointer { try handle($0) }
                            pending.removeAll(keepingCapacity: true)
                        }
                        start = end + 1
                    }
                    pending.append(contentsOf: bytes[start...])
                }
            }
            if !pending.isEmpty { try pending.withUnsafeBufferPointer { try handle($0) } }
        }
        do {
            try readLines()
        } catch is PrintedJSON {
            try issue(CorpusIssue(file: file.path, line: lineNumber, message: "JSON over several lines, not JSON Lines (one object a line); read as JSON"))
            guard gzip else { return try readJSON(file, settingsSkipped: false, document: document, issue: issue, consumed: consumed) }
            try readCompressedJSON(file, settingsSkipped: false, document: document, issue: issue, consumed: consumed)
        }
    }

    /// Thrown when a JSON Lines file turns out to hold JSON printed over several lines.
    private struct PrintedJSON: Error {}

    /// The document of a JSON object: its `id` (a string or a number; `FILE#LINE` when absent or
    /// null), `title`, `body` (or `text`) and other members as fields. Nil, with an issue naming what
    /// is `skipped` (a line, an object), when the JSON is malformed, not an object, or its id neither.
    /// `column`: the byte of its line the JSON starts at.
    static func jsonDocument(in bytes: UnsafeBufferPointer<UInt8>, file: CorpusFile, line: Int, column: Int = 1, skipping skipped: String,
                             naming: inout FieldNaming, issue: (CorpusIssue) throws -> Void) throws -> SourceDocument? {
        let members: [JSONLine.Member]
        switch Result(catching: { () throws(JSONLine.Failure) in try JSONLine.parse(bytes) }) {
        case .success(let parsed):
            members = parsed.members
            if parsed.repairedUTF8 {
                try issue(CorpusIssue(file: file.path, line: line, message: "invalid UTF-8; invalid bytes replaced by U+FFFD"))
            }
        case .failure(.malformed(let malformed)):
            // Where an object over several lines goes wrong: the line, and the byte in it.
            let before = UnsafeBufferPointer(rebasing: bytes[..<min(malformed.column - 1, bytes.count)])
            let byte = before.lastIndex(of: 0x0A).map { malformed.column - $0 - 1 } ?? column + malformed.column - 1
            try issue(CorpusIssue(file: file.path, line: line + before.count { $0 == 0x0A },
                                  message: "malformed JSON at byte \(byte) (\(malformed.reason)); \(skipped) skipped"))
            return nil
        case .failure(.notAnObject):
            try issue(CorpusIssue(file: file.path, line: line, message: "not a JSON object; \(skipped) skipped"))
            return nil
        }
        func member(_ name: String) -> JSONLine.Value? { members.first { $0.name == name }?.value }
        let id: String
        switch member("id") {
        case .string(let value), .number(let value): id = value
        case .null, nil: id = "\(file.name)#\(line)"
        case .list, .object, .other:
            try issue(CorpusIssue(file: file.path, line: line, message: "\"id\" is neither a string nor a number; \(skipped) skipped"))
            return nil
        }
        // Text that would otherwise vanish without a word.
        for name in ["title", "body", "text"] where member(name) == .other {
            try issue(CorpusIssue(file: file.path, line: line, message: "\"\(name)\" is true or false, not text; left out"))
        }
        let texts = JSONLine.texts(of: members, skipping: ["id", "path", "line"])
        /// A field's items joined as a page's list of tags is; a body's are paragraphs.
        func text(_ name: String, separator: String = ", ") -> String? {
            guard let items = texts.first(where: { $0.name == name })?.items else { return nil }
            return items.count == 1 ? items[0] : items.joined(separator: separator)
        }
        let names = Set(texts.map(\.name))
        let titleKeys = Corpus.keys(Corpus.titleKeys, among: names), bodyKeys = Corpus.keys(Corpus.bodyKeys, among: names)
        let extra = try naming.fields(texts.filter { !titleKeys.contains($0.name) && !bodyKeys.contains($0.name) }, file: file.path,
                                      line: line, issue: issue)
        return SourceDocument(id: id, path: file.path, line: line, title: titleKeys.lazy.compactMap { text($0) }.first ?? "",
                              body: bodyKeys.lazy.compactMap { text($0, separator: "\n\n") }.first ?? "", extraFields: extra)
    }

    /// A JSON file's documents (`.json`, as `jq .`, `json.dumps` and APIs write it): an array of objects,
    /// an object, or several of either one after the other, each object a document at the line it
    /// opens. Mapped, its pages let go as it is read. An element that is not an object, or malformed, is reported and skipped; a
    /// value the file ends inside ends the reading, reported.
    /// `path`: where its bytes are, when not at the file's own path (a decompressed copy).
    /// `settingsSkipped`: whether a lone object that is no document is skipped (not in a file named as
    /// data, JSON Lines).
    static func readJSON(_ file: CorpusFile, from path: String? = nil, settingsSkipped: Bool = true, document: (SourceDocument) throws -> Void,
                         issue: (CorpusIssue) throws -> Void, consumed: (Int) -> Void = { _ in }) throws {
        let path = path ?? file.path
        guard (FileStatus(path: path)?.size ?? 1) > 0 else { return }
        let mapping: MappedFile
        do {
            mapping = try MappedFile(path: path, name: file.name)
        } catch {
            throw CorpusIssue(file: file.path, message: "cannot read file (\(error))")
        }
        try readJSON(file, bytes: mapping.bytes.bindMemory(to: UInt8.self), mapping: mapping, settingsSkipped: settingsSkipped,
                     document: document, issue: issue, consumed: consumed)
    }

    /// A gzip-compressed JSON file, decompressed into a temporary file (removed after) and read as a
    /// JSON file is, its pages let go behind the reading: memory stays as a plain file's would, where
    /// decompressing into memory held all of it. A cut-short stream is reported and what came before
    /// it read.
    static func readCompressedJSON(_ file: CorpusFile, settingsSkipped: Bool, document: (SourceDocument) throws -> Void,
                                   issue: (CorpusIssue) throws -> Void, consumed: (Int) -> Void) throws {
        let manager = FileManager.default
        let temporary = manager.temporaryDirectory.appendingPathComponent("fts-json-\(UUID().uuidString)-\((file.name as NSString).lastPathComponent)").path
        defer { try? manager.removeItem(atPath: temporary) }
        guard manager.createFile(atPath: temporary, contents: nil), let output = FileHandle(forWritingAtPath: temporary) else {
            throw CorpusIssue(file: file.path, message: "cannot make a temporary file to decompress it into (\(temporary): \(systemError()))")
        }
        let source = try ChunkSource(path: file.path, gzip: true)
        do {
            defer { try? output.close() }
            while let chunk = try source.next() {
                try output.write(contentsOf: chunk)
                consumed(source.consumed)
            }
        } catch let cut as CorpusIssue {
            try issue(cut)
        } catch {
            throw CorpusIssue(file: file.path, message: "cannot decompress it into \(temporary) (\(error.localizedDescription))")
        }
        try readJSON(file, from: temporary, settingsSkipped: settingsSkipped, document: document, issue: issue)
    }

    /// `mapping`, when the bytes are a file's mapping: its pages are let go behind the reading, so that
    /// a JSON file of a gigabyte is not held in memory whole.
    private static func readJSON(_ file: CorpusFile, bytes: UnsafeBufferPointer<UInt8>, mapping: MappedFile?, settingsSkipped: Bool,
                                 document: (SourceDocument) throws -> Void, issue: (CorpusIssue) throws -> Void,
                                 consumed: (Int) -> Void) throws {
        try refuseBinaryData(UnsafeRawBufferPointer(bytes), file: file, as: "JSON")
        var naming = FieldNaming()
        var released = 0
        var scanner = JSONScanner(bytes: bytes)
        scanner.skipByteOrderMark()
        // A folder of pages may hold a site's settings (package.json, a manifest): one object that
        // names no document's member is taken for such a file, not a document.
        if settingsSkipped, let first = scanner.nextNonSpace(), bytes[first] == UInt8(ascii: "{"), let end = scanner.valueEnd(from: first),
           scanner.nextNonSpace(from: end) == nil,
           let members = try? JSONLine.parse(UnsafeBufferPointer(rebasing: bytes[first..<end])).members,
           !members.contains(where: { $0.name == "id" || (Corpus.titleKeys + Corpus.bodyKeys).joined().contains($0.name) }) {
            throw CorpusIssue(file: file.path, message: "one JSON object with no id, title, body or text (nor titre, texte or contenu), taken for a settings file; skipped")
        }
        func read(from start: Int) throws -> Bool {
            guard let valueEnd = scanner.valueEnd(from: start) else {
                try issue(CorpusIssue(file: file.path, line: scanner.place(of: start).line,
                                      message: "the file ends inside this value; the rest of the file skipped"))
                return false
            }
            // A stray `}` or `,` is a value of one byte, malformed: the reading moves on.
            let end = max(valueEnd, start + 1)
            let (line, column) = scanner.place(of: start)
            if let parsed = try jsonDocument(in: UnsafeBufferPointer(rebasing: bytes[start..<end]), file: file, line: line, column: column,
                                             skipping: "value", naming: &naming, issue: issue) {
                try document(parsed)
            }
            scanner.offset = end
            if end - released >= 8 << 20 {
                mapping?.release(upTo: end)
                released = end
                consumed(end)
            }
            return true
        }
        while let next = scanner.nextNonSpace() {
            guard bytes[next] == UInt8(ascii: "[") else {
                guard try read(from: next) else { return }
                continue
            }
            // An array: each of its elements in turn, a trailing comma accepted.
            scanner.offset = next + 1
            while true {
                guard let element = scanner.nextNonSpace() else {
                    try issue(CorpusIssue(file: file.path, line: scanner.place(of: next).line, message: "the file ends inside this array"))
                    return
                }
                if bytes[element] == UInt8(ascii: "]") {
                    scanner.offset = element + 1
                    break
                }
                guard try read(from: element) else { return }
                guard let after = scanner.nextNonSpace(), bytes[after] == UInt8(ascii: ",") || bytes[after] == UInt8(ascii: "]") else {
                    try issue(CorpusIssue(file: file.path, line: scanner.place(of: scanner.offset).line,
                                          message: "expected , or ] after an array's element; the rest of the file skipped"))
                    return
                }
                if bytes[after] == UInt8(ascii: ",") { scanner.offset = after + 1 }
            }
        }
    }

    // MARK: Tables

    /// A CSV or TSV table's documents, a row each, named by its first row (the header) as a JSON Lines
    /// document's fields are by its keys: `id`, `title`, `body` or `text` in any case, and the others
    /// fields of their own. Read a chunk at a time, in UTF-8 or in the single-byte charset its first
    /// chunk reads as (Windows-1252 for a French Excel's CSV); UTF-16 after its byte order mark (Excel's
    /// "Unicode text") is read whole.
    static func readTable(_ file: CorpusFile, tabs: Bool, gzip: Bool = false, document: (SourceDocument) throws -> Void,
                          issue: (CorpusIssue) throws -> Void, consumed: (Int) -> Void = { _ in }) throws {
        let source = try ChunkSource(path: file.path, gzip: gzip)
        guard var chunk = try source.next() else { return }
        try chunk.withUnsafeBytes { try refuseBinaryData($0, file: file, as: tabs ? "a TSV table" : "a CSV table") }
        if chunk.starts(with: [0xFF, 0xFE]) || chunk.starts(with: [0xFE, 0xFF]) {
            while let next = try source.next() { chunk += next }
            chunk = Array(try decode(chunk, file: file.path, line: 1, issue: issue).utf8)
        }
        if chunk.starts(with: [0xEF, 0xBB, 0xBF]) { chunk.removeFirst(3) }
        // The charset, from the first chunk without a character its end may cut.
        var whole = chunk.count
        if let lead = chunk.suffix(3).lastIndex(where: { $0 >= 0xC0 }), chunk.count - lead < (chunk[lead] >= 0xF0 ? 4 : chunk[lead] >= 0xE0 ? 3 : 2) {
            whole = lead
        }
        let damage = utf8Damage(chunk[..<whole], line: 1)
        let charset = singleByteCharset(invalid: damage.invalid, multibyte: damage.multibyte, chunk)
        if let charset { try issue(CorpusIssue(file: file.path, line: damage.firstInvalidLine, message: "not UTF-8; read as \(charset.name)")) }
        let separator = tabs ? 0x09 : chunk.withUnsafeBufferPointer(DelimitedText.separator(ofFirstLine:))
        var reader = DelimitedText.Reader(separator: separator, charset: charset)
        var header: [String]?
        var titleKeys: [String] = [], bodyKeys: [String] = []
        var naming = FieldNaming()
        func read(_ row: DelimitedText.Row) throws {
            guard let columns = header else {
                let names = row.values.map { $0.trimmingCharacters(in: .whitespaces) }
                header = names
                let lowered = Set(names.map { $0.lowercased() })
                (titleKeys, bodyKeys) = (Corpus.keys(Corpus.titleKeys, among: lowered), Corpus.keys(Corpus.bodyKeys, among: lowered))
                for (index, name) in names.enumerated() where name.isEmpty {
                    try issue(CorpusIssue(file: file.path, line: row.line, message: "column \(index + 1) has no name in the header; its values are left out"))
                }
                return
            }
            if row.values.count > columns.count && row.values[columns.count...].contains(where: { !$0.isEmpty }) {
                try issue(CorpusIssue(file: file.path, line: row.line,
                                      message: "\(row.values.count) values where the header names \(columns.count) columns; row skipped"))
                return
            }
            var id: String?, titles: [String] = [], bodies: [String] = []
            var texts: [(name: String, items: [String])] = []
            for (name, value) in zip(columns, row.values) where !name.isEmpty && !value.isEmpty {
                let key = name.lowercased()
                switch key {
                case "id": id = value
                case _ where titleKeys.contains(key): titles.append(value)
                case _ where bodyKeys.contains(key): bodies.append(value)
                case "path", "line": continue
                default:
                    if let same = texts.firstIndex(where: { $0.name == name }) { texts[same].items.append(value) } else { texts.append((name, [value])) }
                }
            }
            try document(SourceDocument(id: id ?? "\(file.name)#\(row.line)", path: file.path, line: row.line,
                                        title: titles.joined(separator: ", "), body: bodies.joined(separator: "\n\n"),
                                        extraFields: try naming.fields(texts, file: file.path, line: row.line, issue: issue)))
        }
        var repairedSaid = false
        func sayRepaired() throws {
            guard let line = reader.firstRepairedLine, !repairedSaid else { return }
            repairedSaid = true
            try issue(CorpusIssue(file: file.path, line: line, message: "invalid UTF-8; invalid bytes replaced by U+FFFD"))
        }
        while true {
            try chunk.withUnsafeBufferPointer { try reader.read($0, row: read) }
            consumed(source.consumed)
            try sayRepaired()
            guard let next = try source.next() else { break }
            chunk = next
        }
        let unclosed = try reader.finish(row: read)
        try sayRepaired()
        if let unclosed {
            try issue(CorpusIssue(file: file.path, line: unclosed, message: "a quote opened here is never closed; the rest of the table skipped"))
        }
    }
}

/// The fields of a file's documents from its keys (a JSON object's, a table's header): each key
/// that is no field name indexed under one made of it, said once a file.
struct FieldNaming {
    /// The keys that are not field names, each as it is indexed (nil: skipped).
    private var renamed: [String: String?] = [:]

    /// The fields of `texts`, each a key and its values, but for the reserved ones (`id`, `title`…).
    mutating func fields(_ texts: [(name: String, items: [String])], file: String, line: Int,
                         issue: (CorpusIssue) throws -> Void) throws -> [SourceDocument.Field] {
        var extra: [SourceDocument.Field] = []
        for (key, items) in texts where !Corpus.reservedFields.contains(key) {
            var name = key
            if !FieldName.isValid(key) {
                if renamed[key] == nil {
                    // `title!` must not land in the title.
                    let usable = FieldName.usable(key).map { Corpus.reservedFields.contains($0) ? $0 + "_" : $0 }
                    renamed[key] = .some(usable)
                    try issue(CorpusIssue(file: file, line: line, message: usable.map {
                        "field \"\(key)\" is indexed as \"\($0)\" (a field's name holds letters, digits, _ - and . only)"
                    } ?? "field name \"\(key)\" holds no letter or digit, or is too long; field skipped in this file"))
                }
                guard let usable = renamed[key]! else { continue }
                name = usable
            }
            let value = items.joined(separator: ", ")
            // `a b` renamed meets `a_b`: one field holds both, as an array's items. (Keys are
            // distinct otherwise: a file with no renamed key is not searched.)
            if !renamed.isEmpty, let same = extra.firstIndex(where: { $0.name == name }) {
                extra[same].value += ", " + value
                extra[same].items += items
            } else {
                extra.append(SourceDocument.Field(name: name, value: value, items: items))
            }
        }
        return extra
    }
}

/// Reads a file in chunks, through zlib when it is gzip-compressed.
final class ChunkSource {
    private let path: String
    private var handle: FileHandle?
    private var gz: gzFile?

    init(path: String, gzip: Bool) throws {
        self.path = path
        if gzip {
            guard let gz = gzopen(path, "rb") else { throw CorpusIssue(file: path, message: "cannot open (\(systemError()))") }
            self.gz = gz
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw CorpusIssue(file: path, message: "cannot open (\(systemError()))")
            }
            self.handle = handle
        }
    }

    deinit {
        if let gz { gzclose(gz) }
        try? handle?.close()
    }

    /// Bytes of the file read so far (of the compressed file, through zlib).
    private(set) var consumed = 0

    func next() throws -> [UInt8]? {
        if let gz {
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            let count = buffer.withUnsafeMutableBytes { gzread(gz, $0.baseAddress, UInt32($0.count)) }
            guard count >= 0 else { throw CorpusIssue(file: path, message: "gzip data is corrupt or truncated") }
            consumed = max(consumed, Int(gzoffset(gz)))
            if count == 0 {
                // zlib ends a stream cut short as it ends a whole one, and says so only here.
                var error: Int32 = 0
                _ = gzerror(gz, &error)
                if error == Z_BUF_ERROR {
                    throw CorpusIssue(file: path, message: "gzip data is truncated; the documents before the cut are indexed")
                }
                return nil
            }
            return Array(buffer[0..<Int(count)])
        }
        do {
            guard let data = try handle?.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
            consumed += data.count
            return [UInt8](data)
        } catch {
            throw CorpusIssue(file: path, message: "read failed (\(error.localizedDescription))")
        }
    }
}
