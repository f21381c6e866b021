import Foundation

/// Whether an index is to be built (again) from a corpus before it is served: searchd's start, and
/// fts's default index.
public enum IndexFreshness {
    /// Why an index is to be built.
    public enum Reason: Equatable, Sendable, CustomStringConvertible {
        case missing
        case otherVersion(UInt32)
        /// Built from these paths (as given to its build), not the corpus's.
        case otherCorpus([String])
        /// This many files added, removed or changed in the corpus since the index was built.
        case changedFiles(Int)

        public var description: String {
            switch self {
            case .missing: "missing"
            case .otherVersion(let version): "written by format version \(version), this is \(FileFormat.version)"
            case .otherCorpus(let roots): "built from \(roots.joined(separator: ", "))"
            case .changedFiles(let count): "\(count) file\(count == 1 ? "" : "s") added, removed or changed since it was built"
            }
        }
    }

    /// Why the index at `index` should be built from `corpus`, or nil when it is to be used as it is:
    /// missing, written by another format version, built from other paths, or out of step with the
    /// files now in them (files.fts). A corpus where no file is found never replaces an index (its
    /// build would find no documents): a corpus taken away from an index leaves it served. An index
    /// that cannot be opened is left to its opening, which says what is wrong with it.
    public static func reasonToBuild(index: String, corpus: [String]) -> Reason? {
        let meta = index + "/" + FileFormat.Tag.meta.fileName
        guard FileManager.default.fileExists(atPath: meta) else { return .missing }
        if let version = FileFormat.version(ofFileAt: meta), version != FileFormat.version { return .otherVersion(version) }
        guard let reader = try? IndexReader(path: index) else { return nil }
        return reasonToBuild(reader, corpus: corpus)
    }

    /// `reasonToBuild(index:corpus:)` of an index opened already (of this format version).
    public static func reasonToBuild(_ reader: IndexReader, corpus: [String]) -> Reason? {
        guard let built = try? reader.corpusManifest() else { return nil }
        let now = CorpusManifest(walking: corpus)
        guard !now.files.isEmpty, !built.isSameCorpus(as: now) else { return nil }
        guard built.absoluteRoots == now.absoluteRoots else { return .otherCorpus(built.roots) }
        return .changedFiles(built.filesDiffering(from: now))
    }

    /// Whether the index at `index` holds exact forms (`fts index --exact-words`), which a build that
    /// replaces it for a changed corpus keeps. False when there is no index of this format version.
    public static func hasExactForms(index: String) -> Bool {
        (try? IndexReader(path: index))?.meta.hasExactForms ?? false
    }

    /// The paths the index at `index` was built from: as given when read from the folder the build ran
    /// in, else absolute. Nil when there is no index of this format version to read them from.
    public static func corpus(ofIndex index: String) -> [String]? {
        guard let built = try? IndexReader(path: index).corpusManifest() else { return nil }
        return built.directory == FileManager.default.currentDirectoryPath ? built.roots : built.absoluteRoots
    }
}
