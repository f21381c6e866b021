#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A sorted run: what an `Inverter` spills, merged into the final index at the end of a build. A
/// temporary file inside the build folder, never published.
///
///     header (tag RUN_)
///     term entries, in key order: VInt key length (> 0), key ([field] + term UTF-8), VInt docFreq,
///         VInt payload length, payload: per document VInt doc delta (from -1), VInt freq, freq × VInt
///         position delta
///     VInt 0
///     lexicon entries, in surface order: String surface, VInt n, n × String term
///     footer
final class RunWriter {
    private let file: OutputFile
    private var buffer = ByteWriter(capacity: 1 << 16)

    init(path: String) throws {
        file = try OutputFile(path: path, tag: .run, indexID: [UInt8](repeating: 0, count: 16), durable: false)
    }

    func addTerm(key: [UInt8], docFreq: Int, payload: [UInt8]) throws {
        buffer.vint(key.count)
        buffer.append(key)
        buffer.vint(docFreq)
        buffer.vint(payload.count)
        buffer.append(payload)
        try drain()
    }

    func finishTerms() throws {
        buffer.vint(0)
        try drain()
    }

    func addLexiconEntry(surface: String, terms: [String]) throws {
        buffer.string(surface)
        buffer.vint(terms.count)
        for term in terms { buffer.string(term) }
        try drain()
    }

    private func drain() throws {
        if buffer.count >= 1 << 16 {
            try file.write(buffer)
            buffer.removeAll()
        }
    }

    func finish() throws {
        try file.write(buffer)
        try file.finish()
    }
}

/// Reads a run sequentially: its terms, then its lexicon, through a buffer of its own (64 KiB, more
/// while an entry needs it), filled by `pread`. A merge reads every run at once, three times over (two
/// ranges of terms and the lexicon): memory maps of hundreds of runs kept hundreds of KiB of pages
/// each resident, the pages the reader had not yet released and those the kernel mapped ahead
/// (BENCHMARKS.md, "Scale: frdocs × 40"), where buffers hold a fixed amount. The file is opened for
/// each read, so that a merge of thousands of runs holds no descriptors.
final class RunReader {
    let name: String
    private(set) var key: [UInt8] = []
    private(set) var docFreq = 0
    /// The current term's payload: valid until the next call.
    private(set) var payload = UnsafeRawBufferPointer(start: nil, count: 0)
    private var inLexicon = false
    private var buffer: UnsafeMutableRawPointer
    private var capacity = 64 << 10
    /// The unread bytes are `buffer[start..<filled]`; the file's next are at `fileOffset`.
    private var start = 0
    private var filled = 0
    private var fileOffset = FileFormat.headerLength
    private let bodyEnd: Int

    init(path: String) throws {
        name = path
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        do {
            let descriptor = try Self.openFile(path)
            defer { close(descriptor) }
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { throw IndexError.io(path: path, reason: "cannot stat: \(systemError())") }
            let length = Int(info.st_size)
            guard length >= FileFormat.headerLength + FileFormat.footerLength else {
                throw IndexError.corrupt(file: path, reason: "file of \(length) bytes is shorter than its header and footer")
            }
            // The header and the footer side by side: what the frame's check reads.
            var frame = [UInt8](repeating: 0, count: FileFormat.headerLength + FileFormat.footerLength)
            try frame.withUnsafeMutableBytes { frame in
                try Self.read(descriptor, into: frame.baseAddress!, count: FileFormat.headerLength, at: 0, path: path)
                try Self.read(descriptor, into: frame.baseAddress! + FileFormat.headerLength, count: FileFormat.footerLength,
                              at: length - FileFormat.footerLength, path: path)
                _ = try FileFormat.validateFrame(UnsafeRawBufferPointer(frame), file: path, tag: .run, indexID: nil)
            }
            bodyEnd = length - FileFormat.footerLength
        } catch {
            buffer.deallocate()
            throw error
        }
    }

    deinit { buffer.deallocate() }

    /// Moves to the next term; false after the last.
    func nextTerm() throws -> Bool {
        guard !inLexicon else { return false }
        let next = try parsing { reader -> (key: [UInt8], docFreq: Int, payload: Range<Int>)? in
            let keyLength = try reader.vint(max: reader.remaining)
            if keyLength == 0 { return nil }
            let key = Array(try reader.bytes(keyLength))
            let docFreq = try reader.vint(max: Int(UInt32.max))
            let length = try reader.vint(max: reader.remaining)
            let payload = reader.offset..<reader.offset + length
            _ = try reader.bytes(length)
            return (key, docFreq, payload)
        }
        guard let next else {
            inLexicon = true
            return false
        }
        key = next.key
        docFreq = next.docFreq
        payload = UnsafeRawBufferPointer(start: buffer + next.payload.lowerBound, count: next.payload.count)
        return true
    }

    /// The next lexicon entry, once the terms are exhausted.
    func nextLexiconEntry() throws -> (surface: String, terms: [String])? {
        precondition(inLexicon)
        if start == filled && fileOffset == bodyEnd { return nil }
        return try parsing { reader in
            let surface = try reader.string()
            let count = try reader.vint(max: reader.remaining)
            var terms: [String] = []
            for _ in 0..<count { terms.append(try reader.string()) }
            return (surface, terms)
        }
    }

    /// `parse` over the buffered bytes, which it consumes; when they end inside what it reads and the
    /// file has more, more are read (the buffer doubled when it is full) and it parses again.
    private func parsing<Value>(_ parse: (inout ByteReader) throws -> Value) throws -> Value {
        while true {
            var reader = ByteReader(UnsafeRawBufferPointer(start: buffer, count: filled), file: name, offset: start, end: filled)
            do {
                let value = try parse(&reader)
                start = reader.offset
                return value
            } catch let error as IndexError {
                guard fileOffset < bodyEnd else { throw error }
                try refill()
            }
        }
    }

    /// Moves the unread bytes to the front and reads as many more as fit.
    private func refill() throws {
        let unread = filled - start
        if start == 0 && filled == capacity {
            let larger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            larger.copyMemory(from: buffer, byteCount: unread)
            buffer.deallocate()
            buffer = larger
            capacity *= 2
        } else if unread > 0 {
            buffer.copyMemory(from: buffer + start, byteCount: unread)
        }
        start = 0
        filled = unread
        let count = min(capacity - filled, bodyEnd - fileOffset)
        let descriptor = try Self.openFile(name)
        defer { close(descriptor) }
        try Self.read(descriptor, into: buffer + filled, count: count, at: fileOffset, path: name)
        filled += count
        fileOffset += count
        payload = UnsafeRawBufferPointer(start: nil, count: 0)
    }

    private static func openFile(_ path: String) throws -> Int32 {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw IndexError.io(path: path, reason: "cannot open: \(systemError())") }
        return descriptor
    }

    /// Reads exactly `count` bytes at `offset`.
    private static func read(_ descriptor: Int32, into destination: UnsafeMutableRawPointer, count: Int, at offset: Int, path: String) throws {
        var done = 0
        while done < count {
            let read = pread(descriptor, destination + done, count - done, off_t(offset + done))
            if read < 0 && errno == EINTR { continue }
            guard read > 0 else { throw IndexError.io(path: path, reason: read == 0 ? "ends early" : "cannot read: \(systemError())") }
            done += read
        }
    }
}
