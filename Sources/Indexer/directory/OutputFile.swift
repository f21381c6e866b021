import CSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one index file: its header on creation, then the body through a buffer, with a running
/// CRC-32C; `finish` appends the footer, fsyncs and closes.
public final class OutputFile {
    public let path: String
    private let durable: Bool
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var crc: UInt32 = 0
    /// Bytes written so far, header included: the offset the next byte will have in the file.
    public private(set) var position = 0

    /// `durable: false` skips the fsync, for temporary files that a crash may lose.
    public init(path: String, tag: FileFormat.Tag, indexID: [UInt8], durable: Bool = true) throws {
        self.path = path
        self.durable = durable
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw IndexError.io(path: path, reason: "cannot create: \(systemError())") }
        buffer.reserveCapacity(1 << 20)
        try write(FileFormat.header(tag: tag, indexID: indexID))
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    public func write<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        position += bytes.count
        if buffer.count >= 1 << 20 { try flush() }
    }

    public func write(_ writer: ByteWriter) throws { try write(writer.bytes) }

    private func flush() throws {
        try buffer.withUnsafeBytes { raw in
            crc = fts_crc32c(crc, raw.baseAddress, raw.count)
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw IndexError.io(path: path, reason: "write failed: \(systemError())")
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the footer, makes the file durable and closes it. Returns the file's length and checksum.
    @discardableResult
    public func finish() throws -> (length: Int, checksum: UInt32) {
        buffer.append(contentsOf: FileFormat.footerMagic)
        position += 4
        try flush()
        let checksum = crc
        withUnsafeBytes(of: checksum.littleEndian) { buffer.append(contentsOf: $0) }
        position += 4
        try flush()
        guard !durable || fsync(descriptor) == 0 else { throw IndexError.io(path: path, reason: "fsync failed: \(systemError())") }
        close(descriptor)
        descriptor = -1
        return (position, checksum)
    }
}
