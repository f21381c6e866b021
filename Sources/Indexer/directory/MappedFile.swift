#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory: the index is read in place, and pages come from the OS cache.
public final class MappedFile: @unchecked Sendable {
    public let name: String
    public let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?

    public init(path: String, name: String) throws {
        self.name = name
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw IndexError.io(path: path, reason: "cannot open: \(systemError())") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw IndexError.io(path: path, reason: "cannot stat: \(systemError())") }
        let length = Int(info.st_size)
        guard length > 0 else {
            throw IndexError.corrupt(file: name, reason: "file is empty")
        }
        guard let mapped = mmap(nil, length, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw IndexError.io(path: path, reason: "cannot map: \(systemError())")
        }
        base = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: length)
    }

    deinit {
        if let base { munmap(base, bytes.count) }
    }

    /// Drops the pages before `offset` from memory, for a file read once from front to back: they no
    /// longer count in the process's resident memory (and are read again from disk if touched).
    public func release(upTo offset: Int) {
        guard let base else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let length = min(offset, bytes.count) / page * page
        if length > 0 { madvise(base, length, MADV_DONTNEED) }
    }
}
