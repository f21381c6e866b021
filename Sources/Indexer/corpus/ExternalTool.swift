import CSupport
import Foundation

/// A program that reads a kind of document for fts (`pdftotext` for PDFs), run on one file under
/// `timeout`, as Xapian's omindex and Recoll run their filters: a
/// file that keeps it busy past the time limit is given up, not waited for.
struct ExternalTool {
    /// The program, looked for in `$PATH`'s folders.
    var name: String
    /// The Debian package that holds it, for the issue that says it is missing.
    var package: String
    /// What it reads, for that issue (`a PDF`).
    var reads: String

    /// Seconds a document's reading may take.
    static let timeLimit = 120

    /// Runs the program with `arguments` (which name `file`), handing `output` what it prints as it
    /// comes, and returns its exit status. Throws the issues every such program shares: missing, not
    /// started, too slow, ended by a signal.
    func run(_ arguments: [String], file: String, searchPath: String, timeLimit: Int,
             output: (ArraySlice<UInt8>) -> Void) throws(CorpusIssue) -> Int32 {
        guard let tool = Self.executable(name, in: searchPath), let timeout = Self.executable("timeout", in: searchPath) else {
            throw CorpusIssue(file: file, message: "skipped: reading \(reads) needs \(name) (Debian's \(package))")
        }
        guard let status = Self.spawn(timeout, ["-k", "5", String(timeLimit), tool] + arguments, output: output) else {
            throw CorpusIssue(file: file, message: "skipped: \(name) could not be started (\(systemError()))")
        }
        switch status {
        // `timeout` exits with 124 when its TERM ended the program; after its KILL, it kills itself too.
        case .exited(124), .signaled(SIGKILL): throw CorpusIssue(file: file, message: "skipped: \(name) took more than \(timeLimit) s to read it")
        case .exited(let code): return code
        case .signaled(let signal): throw CorpusIssue(file: file, message: "skipped: \(name) failed (signal \(signal))")
        }
    }

    enum Status: Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// Runs a program with standard input and error on /dev/null, hands `output` what it prints as it
    /// comes, and returns how it ended; nil when it cannot be started. posix_spawn and waitpid, not
    /// Foundation's Process, whose waitUntilExit polls its run loop (50 ms a program here, five times
    /// pdftotext's work).
    static func spawn(_ program: String, _ arguments: [String], output: (ArraySlice<UInt8>) -> Void) -> Status? {
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

    /// The path of a program in one of the folders of `searchPath`, or nil.
    static func executable(_ name: String, in searchPath: String) -> String? {
        searchPath.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
