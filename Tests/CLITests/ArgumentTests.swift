import Foundation
import Testing
import TestSupport

/// fts reads its own arguments (Sources/fts/arguments): what getopt_long users expect, help pages,
/// and grep's exit status 2 for arguments a command cannot take.
@Suite struct ArgumentTests {
    @Test func helpListsTheSubcommandsAndEachOnesOptions() throws {
        for arguments in [[], ["--help"], ["-h"], ["help"]] {
            let overview = try FTSCommand.run(arguments)
            #expect(overview.status == 0 && overview.stdout.hasPrefix("OVERVIEW: A full-text search engine for French text."))
            for name in ["index", "search", "complete", "get", "bench", "verify", "stats", "terms", "analyze", "sections"] {
                #expect(overview.stdout.contains("\n  \(name) "))
            }
        }
        // `--version`: the release and the index format, as `fts --help` lists it.
        let version = try FTSCommand.run(["--version"])
        #expect(version.status == 0 && version.stderr.isEmpty
                && version.stdout.range(of: #"^fts [0-9]+\.[0-9]+\.[0-9]+ \(index format [0-9]+\)\n$"#, options: .regularExpression) != nil,
                "\(version.stdout)")
        #expect(try FTSCommand.run(["--help"]).stdout.contains("\n  --version             Show the version and the index format it reads.\n"))
        let page = try FTSCommand.run(["search", "--help"])
        #expect(page.status == 0 && page.stderr.isEmpty)
        #expect(page.stdout.hasPrefix("OVERVIEW: Search an index: ranked results with snippets.\n"))
        #expect(page.stdout.contains("USAGE: fts search [<options>] [<query> ...]\n"))
        #expect(page.stdout.contains("\n  --limit <limit>       Results to show (--all: every one). (default: 10)\n"))
        #expect(page.stdout.contains("\n  --title-boost <title-boost>\n                        Boost of the title field. (default: 2.0)\n"))
        #expect(try FTSCommand.run(["help", "search"]).stdout == page.stdout)
        #expect(try FTSCommand.run(["search", "-h", "jardin"]).stdout == page.stdout)
        let index = try FTSCommand.run(["index", "--help"])
        #expect(index.stdout.contains("\n  -o, --output <output>\n") && index.stdout.contains("[<paths> ...]"))
        // Every line fits 80 columns.
        for name in ["index", "search", "complete", "get", "bench", "verify", "stats", "analyze", "sections"] {
            let text = try FTSCommand.run([name, "--help"]).stdout
            #expect(text.split(separator: "\n").allSatisfy { $0.count <= 80 }, "fts \(name) --help")
        }
    }

    @Test func argumentsACommandCannotTakeExitWith2AndSaySo() throws {
        let cases: [([String], String)] = [
            (["nope"], "fts: unknown subcommand 'nope'"),
            (["help", "nope"], "fts: unknown subcommand 'nope'"),
            (["get", "--index"], "fts get: missing value for --index <index>"),
            (["get"], "fts get: missing <id>"),
            (["get", "a", "b"], "fts get: unexpected argument 'b'"),
            (["get", "--json=yes", "a"], "fts get: --json takes no value"),
            (["get", "-x", "a"], "fts get: unknown option '-x'"),
            (["search", "--limit", "ten", "jardin"], "fts search: invalid value 'ten' for --limit <limit>: an integer is expected"),
            (["search", "--k1", "high", "jardin"], "fts search: invalid value 'high' for --k1 <k1>: a number is expected"),
            (["search", "--limit", "3"], "fts search: missing <query>"),
            (["index", "--threads", "0"], "fts index: --threads must be between 1 and 256"),
            (["index", "--threads", "100000"], "fts index: --threads must be between 1 and 256"),
            (["bench", "--runs", "3"], "fts bench: missing --queries <queries>"),
        ]
        for (arguments, message) in cases {
            let result = try FTSCommand.run(arguments)
            #expect(result.status == 2 && result.stdout.isEmpty && result.stderr.hasPrefix(message + "\n"), "fts \(arguments)")
        }
        // Foundation decodes arguments with U+FFFD in place of bad bytes: a shell passes them as they are.
        let badByte = try ChildProcess.run(URL(fileURLWithPath: "/bin/sh"),
                                           ["-c", #"exec "$0" search --limit 1 "$(printf 'jardin\377')""#, FTSCommand.binary.path])
        #expect(badByte.status == 2 && badByte.stdout.isEmpty)
        #expect(badByte.stderr == "fts: argument 4 is not valid UTF-8: jardin\u{FFFD}\n")
        let usage = try FTSCommand.run(["get"])
        #expect(usage.stderr == "fts get: missing <id>\nUsage: fts get [<options>] <id>\n  See 'fts get --help' for more information.\n")
    }

    @Test func optionsTakeValuesAsGetoptLongReadsThem() throws {
        let index = ProcessScratch.path("arguments-cli")
        #expect(try FTSCommand.run(["index", "-o", index, IndexCommandTests.corpus]).status == 0)
        let spaced = try FTSCommand.run(["search", "--index", index, "--limit", "2", "--json", "jardin"])
        #expect(spaced.status == 0 && spaced.stdout.split(separator: "\n").count == 3)
        // `--name=value`, options after the query, and the last of a repeated option.
        let joined = try FTSCommand.run(["search", "jardin", "--index=\(index)", "--limit=5", "--json", "--limit=2"])
        #expect(joined.stdout.split(separator: "\n").dropLast() == spaced.stdout.split(separator: "\n").dropLast())
        // A value may start with a dash, and the highlight markers may be anything.
        let marked = try FTSCommand.run(["search", "--index", index, "--limit", "1", "--highlight-open", "-->", "--highlight-close", "<--", "jardin"])
        #expect(marked.status == 0 && marked.stdout.contains("-->Jardin<--"))
        // Short flags bundled, as grep's `-lq`; a dash word with another letter is a word to exclude.
        let bundled = try FTSCommand.run(["search", "--index", index, "-lq", "jardin"])
        #expect(bundled.status == 0 && bundled.stdout.isEmpty)
        #expect(try FTSCommand.run(["search", "--index", index, "-Lq", "xyzzyq"]).status == 1)
        let count = try FTSCommand.run(["search", "--index", index, "--count", "jardin"]).stdout
        #expect(try FTSCommand.run(["search", "--index", index, "--count", "jardin", "-lqz"]).stdout == count)
        // A short option's value joined to it, where no word starts with a dash.
        let attached = ProcessScratch.path("arguments-cli-attached")
        #expect(try FTSCommand.run(["index", "-o\(attached)", IndexCommandTests.corpus]).status == 0)
        #expect(try FTSCommand.run(["search", "--index", attached, "--count", "jardin"]).stdout == count)
    }
}
