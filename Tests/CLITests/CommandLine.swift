import Foundation
import TestSupport

/// Runs the `fts` binary built beside the test bundle.
enum FTSCommand {
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("fts")

    static func run(_ arguments: [String], stdin: Data? = nil) throws -> ChildProcess.Result {
        try ChildProcess.run(binary, arguments, stdin: stdin)
    }
}
