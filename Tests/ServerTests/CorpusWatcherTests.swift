import Foundation
import Testing
import TestSupport
@testable import Server

/// What `searchd --watch` sees of a corpus, and when it builds.
@Suite struct CorpusWatcherTests {
    /// A file added, written (to another size in the same second, or touched), renamed, replaced by
    /// another of the same size and time, or removed changes the snapshot; a file that is not read
    /// as a document, or a hidden one, does not.
    @Test func aSnapshotChangesWithTheCorpusFiles() throws {
        let folder = try TemporaryFolder()
        func snapshot() -> CorpusSnapshot { CorpusSnapshot(of: [folder.path]) }
        /// Sets a file's access and modification times (seconds since 1970).
        func setTime(_ name: String, _ seconds: Int) {
            var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, folder.file(name), &times, 0) == 0)
        }
        let empty = snapshot()
        try "Un premier texte.".write(toFile: folder.file("a.txt"), atomically: false, encoding: .utf8)
        setTime("a.txt", 1_700_000_000)
        var last = snapshot()
        #expect(last != empty)
        func changed(_ what: Comment, _ change: () throws -> Void) throws {
            try change()
            let now = snapshot()
            #expect(now != last, what)
            last = now
        }
        try changed("written") {
            try "Un premier texte, réécrit.".write(toFile: folder.file("a.txt"), atomically: false, encoding: .utf8)
            setTime("a.txt", 1_700_000_000)
        }
        try changed("touched") { setTime("a.txt", 1_700_000_001) }
        try changed("added") { try "Un second texte.".write(toFile: folder.file("b.md"), atomically: false, encoding: .utf8) }
        try changed("renamed") { try FileManager.default.moveItem(atPath: folder.file("b.md"), toPath: folder.file("c.md")) }
        try changed("replaced") {
            try "Un premier texte, remplacé!".write(toFile: folder.file("d.txt"), atomically: false, encoding: .utf8)
            setTime("d.txt", 1_700_000_001)
            try FileManager.default.removeItem(atPath: folder.file("a.txt"))
            try FileManager.default.moveItem(atPath: folder.file("d.txt"), toPath: folder.file("a.txt"))
        }
        try changed("removed") { try FileManager.default.removeItem(atPath: folder.file("c.md")) }
        try "pas un document".write(toFile: folder.file("notes.xyz"), atomically: false, encoding: .utf8)
        try "caché".write(toFile: folder.file(".cache.txt"), atomically: false, encoding: .utf8)
        #expect(snapshot() == last)
    }

    /// A change is built once the corpus looks the same twice in a row, and only once.
    @Test func aChangeIsBuiltOnceTheCorpusStaysTheSame() throws {
        let folder = try TemporaryFolder()
        func snapshot() -> CorpusSnapshot { CorpusSnapshot(of: [folder.path]) }
        try "Un texte.".write(toFile: folder.file("a.txt"), atomically: false, encoding: .utf8)
        var schedule = RebuildSchedule(built: snapshot())
        /// Whether the schedule builds the corpus as it is now.
        func look() -> Bool { schedule.shouldBuild(snapshot()) }
        #expect(!look())
        try "Un fichier en cours de copie".write(toFile: folder.file("b.txt"), atomically: false, encoding: .utf8)
        #expect(!look())
        try "Un fichier en cours de copie, copié.".write(toFile: folder.file("b.txt"), atomically: false, encoding: .utf8)
        #expect(!look())
        #expect(look())
        #expect(schedule.built == snapshot())
        #expect(!look())
        // Changed, then back as built (the file hidden), then changed again the same way (the same
        // file back): the change is new again, and waits for the next look.
        try "Un autre.".write(toFile: folder.file("c.txt"), atomically: false, encoding: .utf8)
        #expect(!look())
        try FileManager.default.moveItem(atPath: folder.file("c.txt"), toPath: folder.file(".c.txt"))
        #expect(!look())
        try FileManager.default.moveItem(atPath: folder.file(".c.txt"), toPath: folder.file("c.txt"))
        #expect(!look())
        #expect(look())
    }
}
