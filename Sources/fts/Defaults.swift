import Foundation

/// Where fts looks when not told: the bundled corpus and its index, relative to the working directory
/// (the repository's root for the README's commands), or as the environment says.
enum Defaults {
    static var index: String { ProcessInfo.processInfo.environment["FTS_INDEX"] ?? "index" }
    static var corpus: String { ProcessInfo.processInfo.environment["FTS_CORPUS"] ?? "Corpus/seeds" }
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
