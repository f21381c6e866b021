/// The streams of a compound file (Microsoft's [MS-CFB], "OLE2" storage), as Word 97–2003 keeps a
/// document's parts in one file: sectors of 512 or 4,096 bytes chained by a FAT, small streams in
/// 64-byte sectors of their own, and a directory naming them. Only the streams at the root are
/// listed (`WordDocument`, `1Table`, `\u{5}SummaryInformation`); every chain is followed no further
/// than the file's sectors, so a damaged file is refused, never looped on.
struct CompoundFile {
    struct Failure: Error, Equatable {
        var reason: String
    }

    static let signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    private static let endOfChain: UInt32 = 0xFFFF_FFFE
    private static let lastRegularSector: UInt32 = 0xFFFF_FFFA

    private let bytes: LittleEndianBytes
    private let sectorShift: Int
    private let fat: [UInt32]
    private var miniFAT: [UInt32] = []
    private var miniStream: [UInt8] = []
    /// The root's streams by upper-cased name: where each starts and its size.
    private var streams: [String: (start: UInt32, size: Int)] = [:]

    init(_ data: [UInt8]) throws(Failure) {
        bytes = LittleEndianBytes(data)
        guard data.count >= 512, data.starts(with: Self.signature) else { throw Failure(reason: "not a compound file (no OLE2 signature)") }
        sectorShift = try bytes.uint16(0x1E)
        guard sectorShift == 9 || sectorShift == 12, try bytes.uint16(0x20) == 6 else {
            throw Failure(reason: "the compound file's header is damaged (sector sizes)")
        }
        let sectorSize = 1 << sectorShift
        let sectorCount = (data.count + sectorSize - 1) / sectorSize
        // The FAT's sectors: 109 listed in the header, the rest in a chain of DIFAT sectors.
        var fatSectors: [UInt32] = []
        for index in 0..<109 {
            let sector = try bytes.uint32(0x4C + 4 * index)
            if sector <= Self.lastRegularSector { fatSectors.append(sector) }
        }
        var difat = try bytes.uint32(0x44)
        var difatRead = 0
        while difat <= Self.lastRegularSector {
            difatRead += 1
            guard difatRead <= sectorCount else { throw Failure(reason: "the compound file's DIFAT loops") }
            let offset = (Int(difat) + 1) << sectorShift
            for index in 0..<(sectorSize / 4 - 1) {
                let sector = try bytes.uint32(offset + 4 * index)
                if sector <= Self.lastRegularSector { fatSectors.append(sector) }
            }
            difat = try bytes.uint32(offset + sectorSize - 4)
        }
        guard fatSectors.count <= sectorCount else { throw Failure(reason: "the compound file's FAT is larger than the file") }
        var fat: [UInt32] = []
        fat.reserveCapacity(fatSectors.count * sectorSize / 4)
        for sector in fatSectors {
            let offset = (Int(sector) + 1) << sectorShift
            for index in 0..<(sectorSize / 4) { fat.append(try bytes.uint32(offset + 4 * index)) }
        }
        self.fat = fat

        let directory = try chain(from: try bytes.uint32(0x30), size: nil)
        guard directory.count >= 128, directory[0x42] == 5 else { throw Failure(reason: "the compound file has no root entry") }
        let entries = LittleEndianBytes(directory)
        func entry(_ index: UInt32) throws(Failure) -> (name: String, type: UInt8, left: UInt32, right: UInt32, child: UInt32, start: UInt32, size: Int) {
            let offset = Int(index) * 128
            guard offset + 128 <= directory.count else { throw Failure(reason: "the compound file's directory is damaged") }
            let nameBytes = min(max(try entries.uint16(offset + 0x40) - 2, 0), 62)
            let units = try (0..<(nameBytes / 2)).map { (index) throws(Failure) in UInt16(try entries.uint16(offset + 2 * index)) }
            // Version 3 files leave the size's high half undefined.
            let size = sectorShift == 9 ? Int(try entries.uint32(offset + 0x78)) : Int(clamping: try entries.uint64(offset + 0x78))
            return (String(decoding: units, as: UTF16.self), directory[offset + 0x42], try entries.uint32(offset + 0x44),
                    try entries.uint32(offset + 0x48), try entries.uint32(offset + 0x4C), try entries.uint32(offset + 0x74), size)
        }
        let root = try entry(0)
        miniStream = try chain(from: root.start, size: root.size)
        miniFAT = LittleEndianBytes(try chain(from: try bytes.uint32(0x3C), size: nil)).uint32s
        // The root's children form a tree by their left and right siblings.
        var pending = [root.child], visited = Set<UInt32>()
        while let index = pending.popLast() {
            guard index <= Self.lastRegularSector, visited.insert(index).inserted else { continue }
            let child = try entry(index)
            pending += [child.left, child.right]
            if child.type == 2 { streams[child.name.uppercased()] = (child.start, child.size) }
        }
    }

    /// The stream of that name at the root (names compare as [MS-CFB] says: case aside), or its
    /// first `limit` bytes; nil when there is none.
    func stream(_ name: String, upTo limit: Int = .max) throws(Failure) -> [UInt8]? {
        guard let stream = streams[name.uppercased()] else { return nil }
        let size = min(stream.size, limit)
        guard stream.size >= 4_096 else { return try miniChain(from: stream.start, size: size) }
        return try chain(from: stream.start, size: size)
    }

    /// The sectors chained from `start`, cut to `size` (all of them when nil).
    private func chain(from start: UInt32, size: Int?) throws(Failure) -> [UInt8] {
        let sectorSize = 1 << sectorShift
        if let size, size > bytes.count { throw Failure(reason: "a stream of the compound file is larger than the file") }
        var data: [UInt8] = []
        var sector = start
        while sector != Self.endOfChain && (size.map { data.count < $0 } ?? true) {
            guard sector <= Self.lastRegularSector, Int(sector) < fat.count, data.count < bytes.count else {
                throw Failure(reason: "a chain of the compound file's sectors is damaged")
            }
            let offset = (Int(sector) + 1) << sectorShift
            data += try bytes.slice(offset, min(sectorSize, bytes.count - offset))
            sector = fat[Int(sector)]
        }
        guard let size else { return data }
        guard data.count >= size else { throw Failure(reason: "a stream of the compound file is cut short") }
        return Array(data[..<size])
    }

    /// A small stream's 64-byte sectors, from the mini stream.
    private func miniChain(from start: UInt32, size: Int) throws(Failure) -> [UInt8] {
        var data: [UInt8] = []
        var sector = start
        while data.count < size {
            let offset = Int(sector) * 64
            guard sector <= Self.lastRegularSector, Int(sector) < miniFAT.count, offset + 64 <= miniStream.count else {
                throw Failure(reason: "a chain of the compound file's small sectors is damaged")
            }
            data += miniStream[offset..<(offset + 64)]
            sector = miniFAT[Int(sector)]
        }
        return Array(data[..<size])
    }
}

/// Little-endian integers read from bytes, each read checked against their end.
struct LittleEndianBytes {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var count: Int { bytes.count }

    func uint8(_ offset: Int) throws(CompoundFile.Failure) -> Int {
        guard offset >= 0 && offset < bytes.count else { throw Self.cutShort }
        return Int(bytes[offset])
    }

    func uint16(_ offset: Int) throws(CompoundFile.Failure) -> Int {
        guard offset >= 0 && offset + 2 <= bytes.count else { throw Self.cutShort }
        return Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
    }

    func uint32(_ offset: Int) throws(CompoundFile.Failure) -> UInt32 {
        guard offset >= 0 && offset + 4 <= bytes.count else { throw Self.cutShort }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }

    func uint64(_ offset: Int) throws(CompoundFile.Failure) -> UInt64 {
        UInt64(try uint32(offset)) | UInt64(try uint32(offset + 4)) << 32
    }

    func slice(_ offset: Int, _ count: Int) throws(CompoundFile.Failure) -> ArraySlice<UInt8> {
        guard offset >= 0 && count >= 0 && offset <= bytes.count - count else { throw Self.cutShort }
        return bytes[offset..<(offset + count)]
    }

    /// The bytes as consecutive 32-bit integers (a last partial one left out).
    var uint32s: [UInt32] {
        stride(from: 0, to: bytes.count - 3, by: 4).map { UInt32(bytes[$0]) | UInt32(bytes[$0 + 1]) << 8 | UInt32(bytes[$0 + 2]) << 16 | UInt32(bytes[$0 + 3]) << 24 }
    }

    private static let cutShort = CompoundFile.Failure(reason: "the file is cut short or damaged (a structure runs past its end)")
}
