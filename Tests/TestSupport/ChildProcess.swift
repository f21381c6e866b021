import Foundation

/// Runs a program to its end, as the tests run `fts`, `searchd` and other tools: its input written,
/// its output and error read at the same time (a child that fills one pipe while the test waits on
/// the other would block both forever), and a deadline, after which the child is killed and the run
/// throws, so that a hung child fails its test instead of hanging CI.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public struct DeadlinePassed: Error, CustomStringConvertible {
        public let command: String
        public let seconds: Double
        public var description: String { "\(command) did not finish within \(seconds) s and was killed" }
    }

    public static func run(_ executable: URL, _ arguments: [String], stdin: Data? = nil,
                           environment: [String: String]? = nil, directory: String? = nil,
                           seconds: Double = 300) throws -> Result {
        _ = ignoringBrokenPipes
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe(), error = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = input
        try process.run()

        let killed = Flag()
        let watchdog = DispatchWorkItem {
            killed.set()
            kill(process.processIdentifier, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: watchdog)
        let errorBytes = Collected()
        let background = DispatchGroup()
        DispatchQueue.global().async(group: background) {
            // A child may exit without reading its input: the write then fails (EPIPE), which is fine.
            try? input.fileHandleForWriting.write(contentsOf: stdin ?? Data())
            try? input.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: background) {
            errorBytes.data = error.fileHandleForReading.readDataToEndOfFile()
        }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        background.wait()
        process.waitUntilExit()
        watchdog.cancel()
        if killed.isSet {
            throw DeadlinePassed(command: ([executable.lastPathComponent] + arguments).joined(separator: " "), seconds: seconds)
        }
        return Result(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: errorBytes.data, as: UTF8.self))
    }

    /// A write into the pipe of a child that has exited would otherwise end the test process.
    private static let ignoringBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Written by one background task, read after the group's wait.
    private final class Collected: @unchecked Sendable {
        var data = Data()
    }

    private final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }
}
