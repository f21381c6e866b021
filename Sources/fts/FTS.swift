import ArgumentParser

@main
struct FTS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fts",
        abstract: "A full-text search engine for French text.",
        subcommands: [Index.self, Search.self, Get.self, Bench.self, Verify.self, Stats.self, Analyze.self, Sections.self]
    )
}
