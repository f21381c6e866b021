import Foundation
import Testing
import TestSupport

@Suite(.serialized) struct IndexCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = root.appendingPathComponent("Corpus/seeds").path

    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "fts-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// About `megabytes` of JSON Lines: slow enough to build that a test can interrupt it.
    static func largeCorpus(at path: String, megabytes: Int) throws {
        let words = ["économie", "sociale", "solidaire", "coopérative", "emploi", "insertion", "territoire", "réemploi",
                     "association", "habitants", "salarié-e-s", "l’entreprise", "projet", "formation", "durable"]
        var generator = SystemRandomNumberGenerator()
        var text = ""
        var index = 0
        while text.utf8.count < megabytes << 20 {
            let body = (0..<300).map { _ in words.randomElement(using: &generator)! + String(Int.random(in: 0..<5000, using: &generator)) }
            text += #"{"id":"big-\#(index)","title":"Document \#(index)","body":"\#(body.joined(separator: " "))"}"# + "\n"
            index += 1
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// `--exact-words`: each word indexed as written too, which `=word` searches and stats shows.
    @Test func exactWordsAreIndexedWhenAsked() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(try FTSCommand.run(["index", "--exact-words", "-o", folder + "/exact", Self.corpus]).status == 0)
        #expect(try FTSCommand.run(["index", "-o", folder + "/plain", Self.corpus]).status == 0)
        #expect(try FTSCommand.run(["search", "--index", folder + "/exact", "--count", "=économies"]).stdout == "1\n")
        let refused = try FTSCommand.run(["search", "--index", folder + "/plain", "--count", "=économies"])
        #expect(refused.status == 2 && refused.stderr.contains("this index holds no exact forms; build it with fts index --exact-words"))
        #expect(try FTSCommand.run(["verify", folder + "/exact"]).status == 0)
        let stats = try FTSCommand.run(["stats", folder + "/exact"]).stdout
        #expect(stats.contains("exact (=word)") && stats.split(separator: "\n").contains { $0.hasPrefix("body ") && $0.hasSuffix("yes") }, "\(stats)")
    }

    @Test func indexVerifyAndStats() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let index = folder + "/index"
        let built = try FTSCommand.run(["index", "-o", index, Self.corpus])
        #expect(built.status == 0)
        #expect(built.stdout.hasPrefix("indexed 89 documents"))
        #expect(built.stdout.contains("at \(index)\n"))
        // Not a terminal: plain progress lines, no escape sequences.
        #expect(built.stderr.contains("fts index: reading 5 files") && !built.stderr.contains("\u{1B}"))

        let verified = try FTSCommand.run(["verify", index])
        #expect(verified.status == 0)
        #expect(verified.stdout.hasPrefix("ok: \(index): 11 files, checksums match; 89 documents"))

        let stats = try FTSCommand.run(["stats", index])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains("documents   89") && stats.stdout.contains("bits per posting"))
        // The corpus it was built from (files.fts), an absolute path given: no folder to read it from.
        #expect(stats.stdout.contains("\ncorpus      \(Self.corpus): 5 files, 0.2 MB\n"), "\(stats.stdout)")
        let json = try FTSCommand.run(["stats", "--json", index]).stdout
        #expect(json.contains("\"corpus\":{\"paths\":[\"\(Self.corpus)\"],\"directory\":"), "\(json)")
        #expect(json.contains(",\"files\":5,\"file_bytes\":"), "\(json)")
        // The bundled corpus's 250 KB of records get a dictionary of a 32nd of them.
        #expect(stats.stdout.contains(" zstd blocks, a dictionary of ") && stats.stdout.contains("stored documents: "))
        // The folder may also be given as the other commands take it; not two different ones.
        #expect(try FTSCommand.run(["verify", "--index", index]).stdout == verified.stdout)
        #expect(try FTSCommand.run(["stats", "--index", index]).stdout == stats.stdout)
        let twice = try FTSCommand.run(["stats", index, "--index", index + "-other"])
        #expect(twice.status != 0 && twice.stderr.contains("give the index folder once"))

        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: index + "/positions.fts"))
        try handle.seek(toOffset: 100)
        try handle.write(contentsOf: Data([0xEE, 0xEE]))
        try handle.close()
        let damaged = try FTSCommand.run(["verify", index])
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("positions.fts") && damaged.stderr.contains("checksum mismatch"))
    }

    /// The summary line ends with the files of the folders that fts does not read, by type, the most
    /// first: a folder of images or of `.org` notes indexed as nothing is seen at once.
    @Test func theSummaryCountsTheFilesLeftOut() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/corpus", withIntermediateDirectories: true)
        for name in ["a.txt", "b.jpg", "c.jpg", "d.org"] {
            try "Le jardin potager.".write(toFile: folder + "/corpus/" + name, atomically: false, encoding: .utf8)
        }
        let built = try FTSCommand.run(["index", "-o", folder + "/index", folder + "/corpus"])
        #expect(built.status == 0)
        #expect(built.stdout.hasSuffix(" at \(folder)/index; 3 files of other types left out (.jpg ×2, .org)\n"), "\(built.stdout)")
        for type in ["png", "css", "js", "rst", "tex"] {
            try "x".write(toFile: folder + "/corpus/e." + type, atomically: false, encoding: .utf8)
        }
        let more = try FTSCommand.run(["index", "-o", folder + "/index", folder + "/corpus"])
        #expect(more.stdout.hasSuffix("; 8 files of other types left out (.jpg ×2, .css, .js, .org, .png, 2 more)\n"), "\(more.stdout)")
    }

    @Test func badOptionsAndPathsGiveClearErrors() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let memory = try FTSCommand.run(["index", "--memory", "lots", "-o", folder + "/i", Self.corpus])
        #expect(memory.status != 0 && memory.stderr.contains("--memory"))
        let missing = try FTSCommand.run(["index", "-o", folder + "/i", folder + "/nothing-here"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nothing-here: no such file or folder"))
        #expect(missing.stderr.contains("no documents to index"))
        let strict = try FTSCommand.run(["index", "--strict", "-o", folder + "/i", Self.corpus, folder + "/nothing-here"])
        #expect(strict.status == 1 && strict.stderr.contains("nothing published"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/i"))
        let noIndex = try FTSCommand.run(["verify", folder + "/nothing-here"])
        #expect(noIndex.status == 1 && noIndex.stderr.contains("meta.fts"))
        // An output folder inside a file: the system's reason, not Foundation's "could not be completed".
        #expect(FileManager.default.createFile(atPath: folder + "/a-file", contents: Data("x".utf8)))
        let underAFile = try FTSCommand.run(["index", "-o", folder + "/a-file/index", Self.corpus])
        #expect(underAFile.status == 1 && underAFile.stderr.contains("cannot create the build folder: Not a directory"), "\(underAFile.stderr)")
    }

    /// With no `--index` and no `$FTS_INDEX`, `fts search` and `fts get` build the default index
    /// (`./index`) from the default corpus (`./Corpus/seeds`) when it is missing, once; an index named
    /// by `--index` is never built.
    @Test func searchBuildsTheMissingDefaultIndexOnce() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/Corpus", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.corpus, toPath: folder + "/Corpus/seeds")
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FTS_") }
        func fts(_ arguments: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run(FTSCommand.binary, arguments, environment: environment, directory: folder)
        }
        let named = try fts(["search", "--index", "elsewhere", "--count", "jardin"])
        #expect(named.status == 2 && named.stderr.contains("no index (no meta.fts in elsewhere)"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/elsewhere"))
        let first = try fts(["search", "--count", "jardin"])
        #expect(first.status == 0 && first.stdout == "4\n")
        #expect(first.stderr == "fts search: building index from Corpus/seeds first (the default index: missing)\n")
        let second = try fts(["search", "--count", "jardin"])
        #expect(second.status == 0 && second.stdout == "4\n" && second.stderr.isEmpty)
        try FileManager.default.removeItem(atPath: folder + "/index")
        let get = try fts(["get", "004_b485c98c060516cb.txt#1"])
        #expect(get.status == 0 && get.stdout.hasPrefix("id: 004_b485c98c060516cb.txt#1\n") && get.stderr.contains("building index"))
    }

    /// The default index is built again when a file of its corpus was removed, or written and given an
    /// older time than the index's (as `cp -p` or an archive leaves it), and not when it was built from
    /// other files.
    @Test func searchBuildsTheDefaultIndexAgainWhenItsCorpusChanged() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let manager = FileManager.default
        try manager.createDirectory(atPath: folder + "/Corpus", withIntermediateDirectories: true)
        try manager.copyItem(atPath: Self.corpus, toPath: folder + "/Corpus/seeds")
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FTS_") }
        func fts(_ arguments: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run(FTSCommand.binary, arguments, environment: environment, directory: folder)
        }
        #expect(try fts(["search", "--count", "jardin"]).stdout == "4\n")
        try manager.removeItem(atPath: folder + "/Corpus/seeds/003_e5a8cb72b1af795c.txt")
        let removed = try fts(["search", "--count", "jardin"])
        #expect(removed.stdout == "3\n")
        #expect(removed.stderr == "fts search: building index from Corpus/seeds first (the default index: 1 file added, removed or changed since it was built)\n")
        #expect(try fts(["search", "--count", "jardin"]).stderr.isEmpty)
        let written = folder + "/Corpus/seeds/002_93f8321c060206ad.txt"
        let handle = try #require(FileHandle(forWritingAtPath: written))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n\nUn jardin partagé au pied des immeubles.\n".utf8))
        try handle.close()
        try manager.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)], ofItemAtPath: written)
        let older = try fts(["search", "--count", "jardin"])
        #expect(older.stdout == "4\n" && older.stderr.contains("building index"))
        #expect(try FTSCommand.run(["index", "-o", folder + "/index", folder + "/Corpus/seeds/004_b485c98c060516cb.txt"]).status == 0)
        let other = try fts(["search", "--count", "jardin"])
        #expect(other.status == 1 && other.stdout == "0\n" && other.stderr.isEmpty)
    }

    /// Starts a rebuild over a large corpus and returns once its build folder exists.
    static func startRebuild(output: String, corpus: String) throws -> Process {
        let process = Process()
        process.executableURL = FTSCommand.binary
        process.arguments = ["index", "-o", output, corpus]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let parent = (output as NSString).deletingLastPathComponent
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let entries = try FileManager.default.contentsOfDirectory(atPath: parent)
            if entries.contains(where: { $0.hasPrefix("index.tmp-") }) { break }
            usleep(20_000)
        }
        usleep(300_000)
        return process
    }

    /// An index of the bundled corpus, and a rebuild of it over a large corpus, caught mid-way.
    static func rebuildOverAnIndex() throws -> (folder: String, index: String, process: Process) {
        let folder = try temporaryFolder()
        let index = folder + "/index"
        #expect(try FTSCommand.run(["index", "-o", index, corpus]).status == 0)
        try largeCorpus(at: folder + "/large.jsonl", megabytes: 12)
        return (folder, index, try startRebuild(output: index, corpus: folder + "/large.jsonl"))
    }

    @Test func killedBuildLeavesThePreviousIndex() throws {
        let (folder, index, process) = try Self.rebuildOverAnIndex()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let verified = try FTSCommand.run(["verify", index])
        #expect(verified.status == 0 && verified.stdout.contains("89 documents"))
        // The next build clears the dead build's folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).contains { $0.hasPrefix("index.tmp-") })
        #expect(try FTSCommand.run(["index", "-o", index, Self.corpus]).status == 0)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: folder).contains { $0.hasPrefix("index.tmp-") })
    }

    @Test func interruptedBuildExitsCleanly() throws {
        let (folder, index, process) = try Self.rebuildOverAnIndex()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["index", "large.jsonl"])
        #expect(try FTSCommand.run(["verify", index]).stdout.contains("89 documents"))
    }

    /// A static site's page: its front matter titles it and its tags are a field to search, and its
    /// settings are not text to find.
    @Test func markdownFrontMatterTitlesThePageAndIsSearchableByField() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/site", withIntermediateDirectories: true)
        try """
            ---
            title: Adhérer à la coopérative
            layout: page
            tags: [gouvernance, sociétariat]
            ---

            Chaque membre verse une part sociale et reçoit une voix à l’assemblée générale de la coopérative.
            """.write(toFile: folder + "/site/adherer.md", atomically: false, encoding: .utf8)
        #expect(try FTSCommand.run(["index", "-o", folder + "/i", folder + "/site"]).status == 0)
        let found = try FTSCommand.run(["search", "--index", folder + "/i", "--json", "tags:societariat"])
        #expect(found.status == 0 && found.stdout.contains("\"title\":\"Adhérer à la coopérative\"") && found.stdout.contains("\"line\":7"))
        #expect(try FTSCommand.run(["search", "--index", folder + "/i", "--count", "layout page"]).stdout == "0\n")
    }
}
