import Foundation

/// Folders for fixtures shared by a whole suite (an index built once for many tests): a static
/// fixture is never released, so its folder goes under one folder per test process, removed when the
/// process exits, and no test run leaves indexes behind in the temporary directory.
public enum ProcessScratch {
    private static let root: String = {
        let root = NSTemporaryDirectory() + "fts-tests-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: ProcessScratch.root) }
        return root
    }()

    /// A path, not yet created, for a fixture that lives as long as the process.
    public static func path(_ name: String) -> String { root + "/" + name + "-" + UUID().uuidString }
}
