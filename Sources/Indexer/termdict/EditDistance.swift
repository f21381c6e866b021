/// The edit distance from one word to each key of a sorted walk, when it is at most `maxEdits`: what a
/// fuzzy query (`word~`) matches. Edits are insertions, deletions, substitutions and transpositions of
/// two neighbouring characters (the optimal string alignment distance, as Lucene's FuzzyQuery counts
/// with transpositions on), counted in Unicode scalars.
///
/// Keys come in sorted order, so each shares a prefix with the one before: the table's rows for that
/// prefix are kept, and only the rest of the key is computed (as a walk down a trie would). Once a
/// row's smallest value is over `maxEdits`, no key with that prefix can come within it: every later
/// key sharing the prefix is refused without computing anything.
struct EditDistance {
    let maxEdits: Int
    private let target: [UInt32]
    /// Row `i` (the first `i` scalars of the key) at `rows[i * width ..< (i + 1) * width]`.
    private var rows: [Int]
    private let width: Int
    /// The first `depth` scalars of the key before have their rows computed: each scalar, and the byte
    /// where it ends in the key. Grown, never shrunk.
    private var scalars: [UInt32] = []
    private var scalarEnds: [Int] = []
    private var depth = 0
    /// Rows past this many scalars are over `maxEdits` everywhere: so is every key sharing them.
    private var deadAfter = Int.max

    /// Bytes of the last key that no key starting with them can come within `maxEdits` of (`Int.max`
    /// when there is no such prefix): the keys after it that share them can be skipped unread.
    var hopelessPrefix: Int { deadAfter == .max ? .max : scalarEnds[deadAfter - 1] }

    init(target: String, maxEdits: Int) {
        self.maxEdits = maxEdits
        self.target = target.unicodeScalars.map(\.value)
        width = self.target.count + 1
        rows = Array(0..<width)
    }

    /// The distance to `key` (UTF-8 bytes), or nil when it is over `maxEdits`. Keys come in sorted
    /// order, and `shared` says how many bytes `key` shares with the one before.
    mutating func distance(to key: UnsafeRawBufferPointer, shared: Int) -> Int? {
        // The computed scalars are a prefix of the key before (the rows of a refused key are never
        // computed): those within the shared bytes keep their rows.
        while depth > 0 && scalarEnds[depth - 1] > shared { depth -= 1 }
        if depth >= deadAfter { return nil }
        deadAfter = .max
        var offset = depth == 0 ? 0 : scalarEnds[depth - 1]
        while offset < key.count {
            let (scalar, length) = Self.scalar(in: key, at: offset)
            offset += length
            if scalars.count == depth {
                scalars.append(scalar)
                scalarEnds.append(offset)
            } else {
                scalars[depth] = scalar
                scalarEnds[depth] = offset
            }
            depth += 1
            if computeRow(depth) > maxEdits {
                deadAfter = depth
                return nil
            }
        }
        // The last column lies outside the band when the lengths differ by more than `maxEdits`.
        guard abs(depth - (width - 1)) <= maxEdits else { return nil }
        let distance = rows[depth * width + width - 1]
        return distance <= maxEdits ? distance : nil
    }

    /// Fills row `i` (its key scalar is `scalars[i - 1]`) and returns its smallest value. Only the band
    /// of cells within `maxEdits` of the diagonal can stay within it (Ukkonen): the others are `cap`,
    /// and only the band and a cell either side of it are written. No later row can go below a row's
    /// smallest value: each cell comes from the row before plus nothing or more, or from two rows
    /// before plus one, which is no less than the row before's diagonal.
    private mutating func computeRow(_ i: Int) -> Int {
        let needed = (i + 1) * width
        if rows.count < needed { rows.append(contentsOf: repeatElement(0, count: needed - rows.count)) }
        let cap = maxEdits + 1, last = width - 1
        let low = max(1, i - maxEdits), high = min(last, i + maxEdits)
        let character = scalars[i - 1], before = i > 1 ? scalars[i - 2] : 0
        return rows.withUnsafeMutableBufferPointer { rows in
            target.withUnsafeBufferPointer { target in
                let current = i * width, previous = current - width, beforeThat = previous - width
                rows[current] = min(i, cap)
                // No band: an empty target (only column 0 is left), or a key already too long.
                guard low <= high else { return rows[current] }
                if low > 1 { rows[current + low - 1] = cap }
                if high < last { rows[current + high + 1] = cap }
                var smallest = i <= maxEdits ? i : cap
                for j in low...high {
                    var value = min(rows[previous + j] + 1, rows[current + j - 1] + 1,
                                    rows[previous + j - 1] + (target[j - 1] == character ? 0 : 1))
                    if i > 1 && j > 1 && character == target[j - 2] && before == target[j - 1] {
                        value = min(value, rows[beforeThat + j - 2] + 1)
                    }
                    value = min(value, cap)
                    rows[current + j] = value
                    smallest = min(smallest, value)
                }
                return smallest
            }
        }
    }

    /// The scalar starting at `offset` and its length in bytes. Keys are valid UTF-8; a damaged one
    /// only changes distances, so a byte that starts no sequence counts as one scalar.
    private static func scalar(in key: UnsafeRawBufferPointer, at offset: Int) -> (UInt32, Int) {
        let lead = key[offset]
        let length = Bytes.sequenceLength(lead: lead)
        guard length > 1, offset + length <= key.count else { return (UInt32(lead), 1) }
        var value = UInt32(lead) & (0x7F >> length)
        for next in 1..<length {
            let byte = key[offset + next]
            guard byte & 0xC0 == 0x80 else { return (UInt32(lead), 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, length)
    }
}
