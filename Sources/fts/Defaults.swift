import Arguments
import Foundation
import Indexer
import Query

/// Where fts looks when not told: the bundled corpus and its index, relative to the working directory
/// (the repository's root for the README's commands), or as the environment says.
enum Defaults {
    static var index: String { environment("FTS_INDEX") ?? "index" }
    static var corpus: String { environment("FTS_CORPUS") ?? "Corpus/seeds" }

    /// `--index` of the commands that read an index, and what they read without it (`openIndex`).
    static let indexOption = OptionSpec.option("index", help: "The index folder (default: $FTS_INDEX, or ./index, built from "
                                                  + "$FTS_CORPUS or ./Corpus/seeds when missing or out of step with it).")

    /// The synonym file of `--synonyms`, read; one that cannot be read is said, naming the line, and
    /// the command exits with status 2.
    static func synonyms(_ path: String?, command: String) throws -> Synonyms? {
        guard let path else { return nil }
        do {
            return try Synonyms(contentsOf: path)
        } catch {
            Output.error("fts \(command): \(error)")
            throw ExitStatus(2)
        }
    }

    /// The index `given` (by `--index`), or else the default one, opened. The default index, when it is
    /// missing, written by another format version, or out of step with the default corpus it was built
    /// from (a file added, removed or changed since), is built first from that corpus, as searchd
    /// does: `fts search` works on a fresh clone with no set-up, and finds what the corpus holds now.
    /// A default index built from other files is left as it is, and an index given by `--index` or
    /// `$FTS_INDEX` is never built: its error is the answer.
    static func openIndex(_ given: String?, command: String) throws -> IndexReader {
        let path = given ?? index
        guard given == nil && environment("FTS_INDEX") == nil && FileManager.default.fileExists(atPath: corpus) else {
            return try IndexReader(path: path)
        }
        let reason: IndexFreshness.Reason
        var options = IndexBuildOptions()
        do {
            let reader = try IndexReader(path: path)
            // Built from other files: not the default corpus's index, left alone.
            guard let changed = IndexFreshness.reasonToBuild(reader, corpus: [corpus]), case .changedFiles = changed else { return reader }
            reason = changed
            // Built with exact forms: built again with them.
            options.exactForms = reader.meta.hasExactForms
        } catch IndexError.noIndex {
            reason = .missing
        } catch IndexError.unsupportedVersion(_, let version) {
            reason = .otherVersion(version)
        }
        writeStandardError("fts \(command): building \(path) from \(corpus) first (the default index: \(reason))\n")
        _ = try IndexBuilder.build(paths: [corpus], output: path, options: options)
        return try IndexReader(path: path)
    }

    /// An environment variable, read with getenv rather than from ProcessInfo's dictionary: the first
    /// use of a dictionary type costs a one-shot command a scan of the program's protocol conformances.
    static func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
}

/// The index folder of `fts verify` and `fts stats`: an argument (`fts verify INDEX`), or `--index`
/// as the other commands take it.
enum IndexFolder {
    static let option = OptionSpec.option("index", help: "The index folder (default: $FTS_INDEX or ./index).")
    static let argument = ArgumentSpec(name: "index", help: "The index folder, as --index gives it.")

    static func path(_ arguments: ParsedArguments) throws -> String {
        let option = arguments.string("index"), argument = arguments.argument("index")
        if let option, let argument, option != argument {
            throw UsageError("give the index folder once: \(argument) or --index \(option)")
        }
        return option ?? argument ?? Defaults.index
    }
}

/// `--facet` and `--filter`, as `fts search` and `fts bench` take them.
enum FacetOptions {
    static func parse(_ arguments: ParsedArguments) throws -> (facets: [FacetRequest], filters: [FacetFilter]) {
        let facets: [FacetRequest], filters: [FacetFilter]
        do {
            facets = try arguments.strings("facet").map { try FacetRequest(parsing: $0) }
        } catch {
            throw UsageError("--facet: \(error)")
        }
        do {
            filters = try arguments.strings("filter").map { try FacetFilter(parsing: $0) }
        } catch {
            throw UsageError("--filter: \(error)")
        }
        return (facets, filters)
    }
}

/// `--sort FIELD[:desc]` of `fts search` and `fts bench`, read as searchd reads `SORT`.
enum SortOption {
    static func parse(_ arguments: ParsedArguments) throws -> FieldSort? {
        do {
            return try arguments.string("sort").map { try FieldSort(parsing: $0) }
        } catch {
            throw UsageError("--sort: \(error)")
        }
    }
}

enum Output {
    static func error(_ message: String) {
        writeStandardError(message + "\n")
    }

    static func megabytes(_ bytes: some BinaryInteger) -> String {
        String(format: "%.1f MB", Double(bytes) / 1e6)
    }

    /// `value` with `decimals` decimals, right-aligned in `width` columns, as `%8.4f` prints it:
    /// `String(format:)` builds a locale on each call, which cost a one-shot search a tenth of its
    /// instructions for a table of ten hits.
    static func fixed(_ value: Double, decimals: Int, width: Int = 0) -> String {
        var out = ByteOutput(capacity: 32)
        out.append(value, decimals: decimals)
        return padded(out.string, width: width)
    }

    /// `text` after as many spaces as it takes to fill `width` columns, as `%3d` pads.
    static func padded(_ text: String, width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }

    /// `1 document`, `10,455 documents`.
    static func count(_ value: some BinaryInteger, _ noun: String, plural: String? = nil) -> String {
        count(value) + " " + (value == 1 ? noun : plural ?? noun + "s")
    }

    static func count(_ value: some BinaryInteger) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return out
    }
}
