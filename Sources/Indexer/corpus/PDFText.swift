import CSupport
import Foundation

/// A PDF as the text of its pages, from the words Poppler's `pdftotext` (Debian's poppler-utils) finds
/// in reading order (laid out by `PDFLayout`), the way Xapian's omindex and Recoll read PDFs: a section a page (a page of fewer
/// words than a section needs, such as a cover, joins the next), its line the page's number, its
/// title the document's title when its properties hold one, else the page's first line of text.
/// `pdftotext` runs under `timeout`: a PDF that would keep it busy longer is skipped, not waited for.
enum PDFText {
    /// Seconds a PDF's extraction may take.
    static let timeLimit = 120

    /// `searchPath` is where `pdftotext` and `timeout` are looked for (`$PATH`'s folders).
    static func sections(of path: String, minimumWords: Int, searchPath: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                         timeLimit: Int = timeLimit) throws(CorpusIssue) -> ([SectionSplitter.Section], [SourceDocument.Field]) {
        let (title, properties, pages) = try extract(path, searchPath: searchPath, timeLimit: timeLimit)
        var sections: [SectionSplitter.Section] = []
        var pending: (page: Int, lines: [String], words: Int)?
        for (index, page) in pages.enumerated() {
            let lines = trimmed(page.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...])
            guard !lines.isEmpty else { continue }
            let words = lines.reduce(0) { $0 + wordCount($1) }
            pending = pending.map { ($0.page, $0.lines + [""] + lines, $0.words + words) } ?? (index + 1, lines, words)
            if let full = pending, full.words >= minimumWords {
                sections.append(section(full.page, full.lines, title: title))
                pending = nil
            }
        }
        if let rest = pending {
            if let last = sections.popLast() {
                sections.append(section(last.line, last.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + [""] + rest.lines,
                                        title: title))
            } else {
                sections.append(section(rest.page, rest.lines, title: title))
            }
        }
        return (sections, properties.fields)
    }

    private static func section(_ page: Int, _ lines: [String], title: String?) -> SectionSplitter.Section {
        SectionSplitter.Section(line: page, title: title ?? SectionSplitter.title(from: lines[...], markdown: false), body: lines.joined(separator: "\n"))
    }

    /// The runs of bytes between ASCII spaces: words enough to tell a cover from a page, without
    /// reading every character's Unicode properties (a tenth of the reading's own time, before).
    private static func wordCount(_ line: String) -> Int {
        var count = 0, inWord = false
        for byte in line.utf8 {
            let space = byte == UInt8(ascii: " ") || (9...13).contains(byte)
            if !space && !inWord { count += 1 }
            inWord = !space
        }
        return count
    }

    /// The lines without the blank ones that open and close them.
    private static func trimmed(_ lines: ArraySlice<String>) -> [String] {
        var lines = lines
        while lines.first?.allSatisfy(\.isWhitespace) == true { lines.removeFirst() }
        while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
        return Array(lines)
    }

    /// The document's title (nil when its properties hold none), its other properties, and its pages' text.
    private static func extract(_ path: String, searchPath: String, timeLimit: Int)
        throws(CorpusIssue) -> (title: String?, properties: DocumentProperties, pages: [String]) {
        guard let tool = executable("pdftotext", in: searchPath), let timeout = executable("timeout", in: searchPath) else {
            throw CorpusIssue(file: path, message: "skipped: reading a PDF needs pdftotext (Debian's poppler-utils)")
        }
        // -bbox-layout: the words of each page, in reading order with their boxes (PDFLayout), after
        // a head that holds the title.
        let arguments = ["-k", "5", String(timeLimit), tool, "-q", "-bbox-layout", "-enc", "UTF-8", path, "-"]
        var layout = PDFLayout()
        guard let status = run(timeout, arguments, output: { layout.append($0) }) else {
            throw CorpusIssue(file: path, message: "skipped: pdftotext could not be started (\(systemError()))")
        }
        switch status {
        case .exited(0): break
        // `timeout` exits with 124 when its TERM ended pdftotext; after its KILL, it kills itself too.
        case .exited(124), .signaled(SIGKILL): throw CorpusIssue(file: path, message: "skipped: pdftotext took more than \(timeLimit) s to read it")
        case .exited(1): throw CorpusIssue(file: path, message: "skipped: not a PDF pdftotext can open (damaged, or locked by a password)")
        case .exited(3): throw CorpusIssue(file: path, message: "skipped: its permissions forbid copying its text")
        case .exited(let code): throw CorpusIssue(file: path, message: "skipped: pdftotext failed (exit status \(code))")
        case .signaled(let signal): throw CorpusIssue(file: path, message: "skipped: pdftotext failed (signal \(signal))")
        }
        let title = element("title", in: layout.head).map { XMLScanner.decoded($0[...]).split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        let pages = layout.text()
        // The head's <meta name="Author" content="…"/>, as pdftotext writes the information dictionary.
        var properties = DocumentProperties()
        var scanner = XMLScanner(Array(element("head", in: layout.head) ?? []), attributesOf: ["meta"])
        while let event = scanner.next() {
            guard case .start("meta", let attributes, _) = event, let content = attributes["content"] else { continue }
            switch attributes["name"] {
            case "Author": properties.add(.author, content)
            case "Subject": properties.add(.description, content)
            case "Keywords": properties.add(.keywordList, content)
            case "CreationDate": properties.add(.date, content)
            default: break
            }
        }
        return (title?.isEmpty == false ? title : nil, properties, pages)
    }

    enum Status: Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// Runs a program with standard input and error on /dev/null, hands `output` what it prints as it
    /// comes, and returns how it ended; nil when it cannot be started. posix_spawn and waitpid, not
    /// Foundation's Process, whose waitUntilExit polls its run loop (50 ms a program here, five times
    /// pdftotext's work).
    static func run(_ program: String, _ arguments: [String], output: (ArraySlice<UInt8>) -> Void) -> Status? {
        var pipe: [Int32] = [0, 0]
        let opened = fts_pipe_cloexec(&pipe)
        guard opened == 0 else {
            errno = opened
            return nil
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        _ = fts_spawn_close_from(&actions, 3)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let started = posix_spawn(&pid, program, &actions, nil, argv, environ)
        close(pipe[1])
        guard started == 0 else {
            close(pipe[0])
            errno = started
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(pipe[0], $0.baseAddress, $0.count) }
            if count > 0 {
                output(buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(pipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // As WIFEXITED and WEXITSTATUS, WTERMSIG read it.
        return status & 0x7F == 0 ? .exited(status >> 8 & 0xFF) : .signaled(status & 0x7F)
    }

    /// The bytes between `<name>` and `</name>`.
    private static func element(_ name: String, in output: [UInt8]) -> ArraySlice<UInt8>? {
        let open = "<\(name)>"
        guard let start = output.firstIndex(of: open, from: 0).map({ $0 + open.utf8.count }),
              let end = output.firstIndex(of: "</\(name)>", from: start) else { return nil }
        return output[start..<end]
    }

    /// The path of a program in one of the folders of `searchPath`, or nil.
    private static func executable(_ name: String, in searchPath: String) -> String? {
        searchPath.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
