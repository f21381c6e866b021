import Foundation

/// The documents of the files another program reads (PDFs, through `pdftotext`: most of a build's
/// time where they are), kept in a folder between
/// builds (`fts index --document-cache`, `searchd --document-cache`), so that a file unchanged since
/// the last build is not read again, as Recoll and omindex skip the files they have seen. One
/// instance a build: it prunes what that build did not use. An entry
/// is found by the file's path, device and inode, size and modification time, and fts's release:
/// any of them changed, the file is read again. A message's attachment (a PDF in a mailbox) is found
/// by its name and its bytes, wherever it stands: a mailbox written since is read again in process,
/// not its attachments. After a build, the entries it did not use go.
final class DocumentCache: @unchecked Sendable {
    private let folder: String
    private let lock = NSLock()
    /// The entries read or written by this build, by file name.
    private var used = Set<String>()

    private struct Entry: Codable {
        var key: String
        var documents: [SourceDocument]
    }

    init(folder: String) throws {
        self.folder = folder
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw IndexError.io(path: folder, reason: "cannot create the document cache: \(systemError())")
        }
    }

    /// The file's documents as a build cached them, if the file has not changed since; nil otherwise.
    func documents(of file: CorpusFile) -> [SourceDocument]? {
        Self.entry(of: file).flatMap(documents)
    }

    /// Keeps the documents read from `file` (all of them: it was read without an issue). A cache that
    /// cannot be written is not a build's failure: the file is read again next time.
    func store(_ documents: [SourceDocument], of file: CorpusFile) {
        if let entry = Self.entry(of: file) { store(documents, entry: entry) }
    }

    /// An attachment's documents as a build cached them, if one with this name and these bytes was read.
    func documents(ofAttachment name: String, bytes: [UInt8]) -> [SourceDocument]? {
        documents(Self.entry(ofAttachment: name, bytes: bytes))
    }

    /// Keeps the documents read from an attachment (all of them: it was read without an issue).
    func store(_ documents: [SourceDocument], ofAttachment name: String, bytes: [UInt8]) {
        store(documents, entry: Self.entry(ofAttachment: name, bytes: bytes))
    }

    private func documents(_ entry: (key: String, name: String)) -> [SourceDocument]? {
        let (key, name) = entry
        lock.withLock { _ = used.insert(name) }
        guard let data = FileContents.read(folder + "/" + name),
              let entry = try? JSONDecoder().decode(Entry.self, from: data), entry.key == key else { return nil }
        return entry.documents
    }

    private func store(_ documents: [SourceDocument], entry: (key: String, name: String)) {
        let (key, name) = entry
        guard let data = try? JSONEncoder().encode(Entry(key: key, documents: documents)) else { return }
        lock.withLock { _ = used.insert(name) }
        // Written whole, then renamed: a build stopped halfway leaves no entry half written.
        let path = folder + "/" + name
        let temporary = path + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { return }
        if rename(temporary, path) != 0 { try? FileManager.default.removeItem(atPath: temporary) }
    }

    /// Removes the entries this build did not use (the files gone, changed, or read by another
    /// release) and any left half written; nothing else in the folder.
    func prune() {
        let used = lock.withLock { self.used }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where Self.isEntry(name) && !used.contains(name) {
            try? FileManager.default.removeItem(atPath: folder + "/" + name)
        }
    }

    /// The key an entry holds, and its file's name; nil for a file found without its status.
    private static func entry(of file: CorpusFile) -> (key: String, name: String)? {
        guard let status = file.status else { return nil }
        let key = [Release.description, file.path, file.name, String(status.identity.device), String(status.identity.inode),
                   String(status.size), String(status.modified)].joined(separator: "\0")
        return (key, fileName(key))
    }

    /// The key of an attachment's entry, and its file's name: its name, its length and two 64-bit hashes
    /// of its bytes (FNV-1a, and a multiply-rotate one), so that two attachments share an entry only
    /// where their bytes are the same.
    private static func entry(ofAttachment name: String, bytes: [UInt8]) -> (key: String, name: String) {
        var first: UInt64 = 0xCBF2_9CE4_8422_2325, second: UInt64 = 0x9E37_79B9_7F4A_7C15
        for byte in bytes {
            first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            second = ((second ^ UInt64(byte)) &* 0xBF58_476D_1CE4_E5B9)
            second = second << 27 | second >> 37
        }
        let key = [Release.description, "attachment", name, String(bytes.count), String(first, radix: 16), String(second, radix: 16)]
            .joined(separator: "\0")
        return (key, fileName(key))
    }

    /// An entry's name, or one being written: 16 hexadecimal digits and `.json`, then `.tmp-…`.
    static func isEntry(_ name: String) -> Bool {
        let digits = name.utf8.prefix(16)
        return digits.count == 16 && digits.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
            && (name.utf8.count == 21 || name.utf8.dropFirst(21).starts(with: ".tmp-".utf8)) && name.utf8.dropFirst(16).starts(with: ".json".utf8)
    }

    /// FNV-1a's 64 bits of the key, in hexadecimal, with the suffix of what it holds.
    private static func fileName(_ key: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + ".json"
    }
}
