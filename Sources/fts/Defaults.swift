import ArgumentParser
import Foundation

/// Where fts looks when not told: the bundled corpus and its index, relative to the working directory
/// (the repository's root for the README's commands), or as the environment says.
enum Defaults {
    static var index: String { ProcessInfo.processInfo.environment["FTS_INDEX"] ?? "index" }
    static var corpus: String { ProcessInfo.processInfo.environment["FTS_CORPUS"] ?? "Corpus/seeds" }
}

/// The index folder of `fts verify` and `fts stats`: an argument (`fts verify INDEX`), or `--index`
/// as the other commands take it.
struct IndexFolder: ParsableArguments {
    @Option(name: .customLong("index"), help: "The index folder (default: $FTS_INDEX or ./index).")
    var indexOption: String?

    @Argument(help: "The index folder, as --index gives it.")
    var index: String?

    func validate() throws {
        if let indexOption, let index, indexOption != index {
            throw ValidationError("give the index folder once: \(index) or --index \(indexOption)")
        }
    }

    var path: String { indexOption ?? index ?? Defaults.index }
}

enum Output {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    static func megabytes(_ bytes: some BinaryInteger) -> String {
        String(format: "%.1f MB", Double(bytes) / 1e6)
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
