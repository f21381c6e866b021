/// A sorted table's keys decoded into memory once, with what a walk down their trie needs to leave a
/// branch in a few steps. A fuzzy word walks the whole lexicon, leaving each branch whose prefix is
/// too far from the word: over the table's prefix-compressed blocks, every key of a branch must be
/// decoded to find where the branch ends (but for whole blocks), which costs more than the edit
/// distances. Decoding the whole table costs about six such walks.
///
/// For each key: its bytes, how many it shares with the key before (`shared`), and `jump`, the first
/// later key that shares fewer. The keys between share at least as many as it, so leaving every key
/// that shares at least `n` bytes follows jumps from the next key until one shares fewer than `n`:
/// each jump passes over a whole sub-branch. Values stay in the table, where they are read in place.
final class DecodedTable: Sendable {
    let table: SortedTable
    private let keyBytes: [UInt8]
    /// Where each key ends in `keyBytes` (it starts where the one before ends).
    private let keyEnds: [Int32]
    private let shared: [Int32]
    private let jump: [Int32]
    /// Where each value starts and ends in the table's bytes.
    private let values: [Range<Int>]

    init(_ table: SortedTable) throws {
        self.table = table
        var keyBytes: [UInt8] = [], keyEnds: [Int32] = [], shared: [Int32] = [], values: [Range<Int>] = []
        keyEnds.reserveCapacity(table.entryCount)
        shared.reserveCapacity(table.entryCount)
        values.reserveCapacity(table.entryCount)
        let base = table.bytes.baseAddress!
        try table.forEachEntry { key, sharedBytes, value in
            guard keyBytes.count + key.count <= Int(Int32.max) else {
                throw IndexError.corrupt(file: table.file, reason: "keys of over 2 GB")
            }
            keyBytes.append(contentsOf: key)
            keyEnds.append(Int32(keyBytes.count))
            shared.append(Int32(sharedBytes))
            let start = value.baseAddress.map { $0 - base } ?? 0
            values.append(start..<(start + value.count))
            return .max
        }
        var jump = [Int32](repeating: Int32(shared.count), count: shared.count)
        // From the end, a stack of the keys that share fewer bytes than every key after them.
        var stack: [Int32] = []
        for index in shared.indices.reversed() {
            while let top = stack.last, shared[Int(top)] >= shared[index] { stack.removeLast() }
            if let top = stack.last { jump[index] = top }
            stack.append(Int32(index))
        }
        self.keyBytes = keyBytes
        self.keyEnds = keyEnds
        self.shared = shared
        self.jump = jump
        self.values = values
    }

    var count: Int { keyEnds.count }

    /// Calls `body` with the entries in key order: each one's key (valid for the call), how many of its
    /// first bytes it shares with the key `body` was given before, and its value. `body` returns a
    /// length: the entries after it that share at least that many bytes with it are skipped (`Int.max`
    /// skips none), as a walk down a trie leaves a branch.
    func forEachEntry(_ body: (_ key: UnsafeRawBufferPointer, _ shared: Int, _ value: UnsafeRawBufferPointer) throws -> Int) rethrows {
        try keyBytes.withUnsafeBytes { keys in
            var index = 0
            // What the key given shares with the one before it: after a skip, the smallest of the
            // skipped keys' shares and its own, which is its own (it shares fewer than all of them).
            while index < count {
                let start = index == 0 ? 0 : Int(keyEnds[index - 1])
                let key = UnsafeRawBufferPointer(rebasing: keys[start..<Int(keyEnds[index])])
                let skipping = try body(key, Int(shared[index]), UnsafeRawBufferPointer(rebasing: table.bytes[values[index]]))
                index += 1
                while index < count && Int(shared[index]) >= skipping { index = Int(jump[index]) }
            }
        }
    }
}
