import Arguments
import Foundation
import Indexer

/// A subcommand of fts: what it takes, read from its arguments, and its work.
protocol Command {
    static var spec: CommandSpec { get }
    init(_ arguments: ParsedArguments) throws
    func run() throws
}

@main
enum FTS {
    static let abstract = "A full-text search engine for French text."
    static var commands: [any Command.Type] { [Index.self, Search.self, Complete.self, Get.self, Bench.self, Verify.self, Stats.self, Terms.self, Analyze.self, Sections.self] }

    static func main() {
        do {
            exit(run(try programArguments()))
        } catch {
            Output.error("fts: \(error)")
            exit(2)
        }
    }

    /// Runs the subcommand `arguments` name; returns the exit status: 0, the command's own, or 2 for
    /// arguments it cannot take (grep's status for a usage error).
    static func run(_ arguments: [String]) -> Int32 {
        var overview: String { HelpText.overview(program: "fts", abstract: abstract, commands: commands.map { $0.spec }) }
        guard let name = arguments.first, !["-h", "--help"].contains(name) else {
            writeStandardOutput(overview)
            return 0
        }
        if name == "--version" {
            writeStandardOutput("fts \(Release.description)\n")
            return 0
        }
        if name == "help" {
            guard arguments.count > 1 else {
                writeStandardOutput(overview)
                return 0
            }
            guard let command = command(named: arguments[1]) else { return unknown(arguments[1]) }
            writeStandardOutput(HelpText.page(for: command.spec, invokedAs: "fts \(command.spec.name)"))
            return 0
        }
        guard let command = command(named: name) else { return unknown(name) }
        return runCommand(command.spec, invokedAs: "fts \(name)", arguments: Array(arguments.dropFirst())) { parsed in
            try command.init(parsed).run()
        }
    }

    private static func command(named name: String) -> (any Command.Type)? {
        commands.first { $0.spec.name == name }
    }

    private static func unknown(_ name: String) -> Int32 {
        Output.error("fts: unknown subcommand '\(name)'\n  See 'fts --help' for the subcommands.")
        return 2
    }
}
