import Foundation

/// The corpus an index was built from (files.fts): the paths the build was given, the folder it ran
/// in, and every file its walk found, with each one's size and modification time, its path absolute.
/// A walk of the same paths that finds the same files is a corpus the index is in step with; a file
/// added, removed, renamed or written since, even one given an older time (`cp -p`, an archive
/// unpacked), makes them differ, where comparing times with the index's would miss all but the last.
public struct CorpusManifest: Equatable, Sendable {
    public struct File: Equatable, Sendable {
        public var path: String
        public var size: Int
        /// Nanoseconds since 1970.
        public var modified: Int64
    }

    /// The working directory of the build, from which `roots` are read.
    public var directory: String
    /// The paths given to the build, as given, in their order.
    public var roots: [String]
    /// The files of the walk, in its order.
    public var files: [File]

    /// What a walk of `paths` finds now.
    public init(walking paths: [String]) {
        self.init(roots: paths, files: Corpus.files(in: paths).files)
    }

    init(roots: [String], files: [CorpusFile]) {
        let directory = FileManager.default.currentDirectoryPath
        self.directory = directory
        self.roots = roots
        // A folder's files come one after another in a walk: each folder is made absolute once, not
        // each of its files (a one-shot search's check of its default corpus spent a tenth of its time
        // there).
        var folder: Substring = "", madeFolder = ""
        self.files = files.map { file in
            let path = file.path
            let absolute: String
            if let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")), slash != path.startIndex {
                if path[..<slash] != folder {
                    folder = path[..<slash]
                    madeFolder = Self.absolute(String(folder), from: directory)
                }
                absolute = (madeFolder == "/" ? "" : madeFolder) + path[slash...]
            } else {
                absolute = Self.absolute(path, from: directory)
            }
            return File(path: absolute, size: file.size, modified: file.status?.modified ?? 0)
        }
    }

    init(directory: String, roots: [String], files: [File]) {
        self.directory = directory
        self.roots = roots
        self.files = files
    }

    /// The files' bytes, all together.
    public var fileBytes: Int { files.reduce(0) { $0 + $1.size } }

    /// The paths given to the build, absolute.
    public var absoluteRoots: [String] { roots.map { Self.absolute($0, from: directory) } }

    /// Whether both name the same paths and find the same files in them, wherever each was walked from.
    public func isSameCorpus(as other: CorpusManifest) -> Bool {
        absoluteRoots == other.absoluteRoots && files == other.files
    }

    /// A file that is none of the paths given to the build and lies in none of them (`fts verify`).
    var fileOutsideRoots: File? {
        let roots = absoluteRoots
        return files.first { file in !roots.contains { file.path == $0 || file.path.hasPrefix($0 == "/" ? $0 : $0 + "/") } }
    }

    /// The files one has and the other has not, or has with another size or time.
    public func filesDiffering(from other: CorpusManifest) -> Int {
        var theirs: [String: File] = [:]
        for file in other.files { theirs[file.path] = file }
        var differing = 0
        for file in files {
            if theirs.removeValue(forKey: file.path) != file { differing += 1 }
        }
        return differing + theirs.count
    }

    /// `path` from the root of the file system: joined to `directory` when relative, its `.` and `..`
    /// resolved as written (links are not followed: two spellings of a folder only cost a build).
    static func absolute(_ path: String, from directory: String) -> String {
        var parts: [Substring] = []
        for part in ((path.hasPrefix("/") ? "" : directory + "/") + path).split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The body of files.fts (docs/FORMAT.md): each path after the bytes it shares with the one before.
    func encoded() -> ByteWriter {
        var writer = ByteWriter()
        writer.string(directory)
        writer.vint(UInt64(roots.count))
        for root in roots { writer.string(root) }
        writer.vint(UInt64(files.count))
        var previous: [UInt8] = []
        for file in files {
            let path = Array(file.path.utf8)
            let shared = zip(previous, path).prefix { $0 == $1 }.count
            writer.vint(UInt64(shared))
            writer.vint(UInt64(path.count - shared))
            writer.append(path[shared...])
            writer.vint(UInt64(file.size))
            writer.u64(UInt64(bitPattern: file.modified))
            previous = path
        }
        return writer
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, body: Range<Int>, file: String) throws -> CorpusManifest {
        var reader = ByteReader(bytes, file: file, offset: body.lowerBound, end: body.upperBound)
        let directory = try reader.string()
        // Each root takes a byte at least, and each file more than ten.
        let rootCount = try reader.vint(max: reader.remaining)
        var roots: [String] = []
        for _ in 0..<rootCount { roots.append(try reader.string()) }
        let fileCount = try reader.vint(max: reader.remaining / 10)
        var files: [File] = []
        files.reserveCapacity(fileCount)
        var previous: [UInt8] = []
        for _ in 0..<fileCount {
            let shared = try reader.vint(max: previous.count)
            let suffix = try reader.bytes(try reader.vint(max: reader.remaining))
            var path = Array(previous[..<shared])
            path.append(contentsOf: suffix)
            guard let text = String(validUTF8: path) else { throw reader.corrupt("invalid UTF-8 in a file's path") }
            files.append(File(path: text, size: try reader.vint(max: Int.max), modified: Int64(bitPattern: try reader.u64())))
            previous = path
        }
        guard reader.isAtEnd else { throw reader.corrupt("trailing bytes after the corpus's files") }
        return CorpusManifest(directory: directory, roots: roots, files: files)
    }
}
