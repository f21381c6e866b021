/// Which fts this is, as `--version` and searchd's `STATS` say it: the release, and the index format
/// it reads and writes (an index of another format must be built again).
public enum Release {
    public static let version = "0.1.0"

    /// `0.1.0 (index format 21)`.
    public static var description: String { "\(version) (index format \(FileFormat.version))" }
}
