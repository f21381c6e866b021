/// The edit distance from one word to each key of a sorted walk, when it is at most `maxEdits`: what a
/// fuzzy query (`word~`) matches. Edits are insertions, deletions, substitutions and transpositions of
/// two neighbouring characters (the optimal string alignment distance, as Lucene's FuzzyQuery counts
/// with transpositions on), counted in Unicode scalars.
///
/// The rows of the textbook table are kept as bits (Wu and Manber's bit-parallel matching, anchored at
/// both ends, with Hyyrö's transpositions): for the first `i` scalars of a key and each `d` up to
/// `maxEdits`, bit `j` of `R[i][d]` says that they are within `d` edits of the word's first `j`
/// scalars. A key scalar then costs a few shifts and masks per `d`, whatever the word's length.
///
/// Keys come in sorted order, so each shares a prefix with the one before: the rows for that prefix
/// are kept, and only the rest of the key is computed (as a walk down a trie would). Once `R[i][maxEdits]`
/// is empty, no key with that prefix can come within `maxEdits`: every later key sharing the prefix is
/// refused without computing anything.
///
/// With `prefixes`, the distance is to the key's nearest prefix, and the key must start with the word's
/// first scalar (Elasticsearch's fuzzy completion, with its `prefix_length` of 1): what a word being
/// typed with a typo starts. A prefix within `maxEdits` is kept with the rows as they are walked, so a
/// key whose rows die after one still matches.
///
/// The rows, masks and scalar ends live in raw buffers: a walk calls `distance` for thousands of keys,
/// and arrays' uniqueness checks and growth were most of each call.
final class EditDistance {
    /// A row is one 64-bit word: bits 0 to the word's length.
    static let maximumTargetScalars = 63

    let maxEdits: Int
    /// Whether distances are to the keys' nearest prefixes.
    let prefixes: Bool
    /// Bits 0 to the word's length, and the last of them (the whole word).
    private let full: UInt64
    private let whole: UInt64
    /// A scalar's mask has bit `j` set when it is the word's `j`-th scalar (from 1): a table for ASCII,
    /// a list for the others.
    private let asciiMasks: UnsafeMutablePointer<UInt64>
    private let otherMasks: [(scalar: UInt32, mask: UInt64)]
    /// `R[i][d]` at `rows[i * (maxEdits + 1) + d]`; `masks[i]` is the mask of the key's `i`-th scalar;
    /// the byte where the key's `i`-th scalar ends at `scalarEnds[i - 1]`. Room for `capacity` scalars,
    /// grown (never shrunk) for a longer key.
    private var rows: UnsafeMutablePointer<UInt64>
    private var masks: UnsafeMutablePointer<UInt64>
    private var scalarEnds: UnsafeMutablePointer<Int>
    /// With `prefixes`, `nearest[i]`: the fewest edits of the key's first `i` scalars or fewer to the
    /// word, `Int.max` when over `maxEdits`.
    private var nearest: UnsafeMutablePointer<Int>
    /// The word's first scalar, which a key must start with when `prefixes`.
    private let firstScalar: UInt32
    private var capacity: Int
    /// The first `depth` scalars of the key before have their rows computed.
    private var depth = 0
    /// Rows past this many scalars are over `maxEdits` everywhere: so is every key sharing them.
    private var deadAfter = Int.max

    /// Bytes of the last key that no key starting with them can come within `maxEdits` of (`Int.max`
    /// when there is no such prefix): the keys after it that share them can be skipped unread.
    var hopelessPrefix: Int {
        deadAfter == .max || (prefixes && nearest[deadAfter] != .max) ? .max : scalarEnds[deadAfter - 1]
    }

    /// Nil when the word has more than `maximumTargetScalars` scalars, or none and `prefixes`.
    init?(target: String, maxEdits: Int, prefixes: Bool = false) {
        let scalars = target.unicodeScalars.map(\.value)
        guard scalars.count <= Self.maximumTargetScalars, maxEdits >= 0, !prefixes || !scalars.isEmpty else { return nil }
        self.maxEdits = maxEdits
        self.prefixes = prefixes
        firstScalar = scalars.first ?? 0
        whole = 1 << UInt64(scalars.count)
        full = whole | (whole - 1)
        asciiMasks = .allocate(capacity: 128)
        asciiMasks.initialize(repeating: 0, count: 128)
        var others: [(scalar: UInt32, mask: UInt64)] = []
        for (index, scalar) in scalars.enumerated() {
            let bit: UInt64 = 1 << UInt64(index + 1)
            if scalar < 128 {
                asciiMasks[Int(scalar)] |= bit
            } else if let known = others.firstIndex(where: { $0.scalar == scalar }) {
                others[known].mask |= bit
            } else {
                others.append((scalar, bit))
            }
        }
        otherMasks = others
        capacity = 32
        rows = .allocate(capacity: (capacity + 1) * (maxEdits + 1))
        masks = .allocate(capacity: capacity + 1)
        scalarEnds = .allocate(capacity: capacity)
        nearest = .allocate(capacity: capacity + 1)
        // The empty prefix is within d edits of the word's first d scalars (deleting them).
        for d in 0...maxEdits { rows[d] = d + 1 >= 64 ? full : ((1 << UInt64(d + 1)) - 1) & full }
        masks[0] = 0
        // A key's prefix starts with its first scalar: the empty one is none.
        nearest[0] = .max
    }

    deinit {
        asciiMasks.deallocate()
        rows.deallocate()
        masks.deallocate()
        scalarEnds.deallocate()
        nearest.deallocate()
    }

    /// The distance to `key` (UTF-8 bytes), or nil when it is over `maxEdits`. Keys come in sorted
    /// order, and `shared` says how many bytes `key` shares with the one before.
    func distance(to key: UnsafeRawBufferPointer, shared: Int) -> Int? {
        // The computed scalars are a prefix of the key before (the rows of a refused key are never
        // computed): those within the shared bytes keep their rows.
        while depth > 0 && scalarEnds[depth &- 1] > shared { depth &-= 1 }
        if depth >= deadAfter { return prefixes ? nearestPrefix(deadAfter) : nil }
        deadAfter = .max
        // No longer prefix comes nearer than the word itself.
        if prefixes && nearest[depth] == 0 { return 0 }
        var offset = depth == 0 ? 0 : scalarEnds[depth &- 1]
        while offset < key.count {
            let lead = key[offset]
            let scalar: UInt32
            if lead < 0x80 {
                scalar = UInt32(lead)
                offset &+= 1
            } else {
                let (value, length) = Self.scalar(in: key, at: offset)
                scalar = value
                offset &+= length
            }
            if depth == capacity { grow() }
            scalarEnds[depth] = offset
            depth &+= 1
            masks[depth] = scalar < 128 ? asciiMasks[Int(scalar)] : mask(ofOther: scalar)
            let alive = (!prefixes || depth > 1 || scalar == firstScalar) && computeRows(depth)
            if prefixes {
                nearest[depth] = alive ? min(nearest[depth &- 1], wholeWordEdits(depth)) : nearest[depth &- 1]
            }
            if !alive {
                deadAfter = depth
                return prefixes ? nearestPrefix(depth) : nil
            }
            if prefixes && nearest[depth] == 0 { return 0 }
        }
        if prefixes { return nearestPrefix(depth) }
        let edits = wholeWordEdits(depth)
        return edits == .max ? nil : edits
    }

    /// The fewest edits from the key's first `i` scalars to the whole word, `Int.max` when over `maxEdits`.
    private func wholeWordEdits(_ i: Int) -> Int {
        let row = rows + i &* (maxEdits &+ 1)
        for d in 0...maxEdits where row[d] & whole != 0 { return d }
        return .max
    }

    /// The fewest edits from a prefix of the key's first `i` scalars to the word, or nil.
    private func nearestPrefix(_ i: Int) -> Int? { nearest[i] == .max ? nil : nearest[i] }

    /// Room for twice as many scalars, the rows and ends computed so far kept.
    private func grow() {
        let width = maxEdits + 1
        let grown = capacity * 2
        let newRows = UnsafeMutablePointer<UInt64>.allocate(capacity: (grown + 1) * width)
        newRows.update(from: rows, count: (depth + 1) * width)
        rows.deallocate()
        rows = newRows
        let newMasks = UnsafeMutablePointer<UInt64>.allocate(capacity: grown + 1)
        newMasks.update(from: masks, count: depth + 1)
        masks.deallocate()
        masks = newMasks
        let newEnds = UnsafeMutablePointer<Int>.allocate(capacity: grown)
        newEnds.update(from: scalarEnds, count: depth)
        scalarEnds.deallocate()
        scalarEnds = newEnds
        let newNearest = UnsafeMutablePointer<Int>.allocate(capacity: grown + 1)
        newNearest.update(from: nearest, count: depth + 1)
        nearest.deallocate()
        nearest = newNearest
        capacity = grown
    }

    private func mask(ofOther scalar: UInt32) -> UInt64 {
        for other in otherMasks where other.scalar == scalar { return other.mask }
        return 0
    }

    /// Fills `R[i][0...maxEdits]` from the rows before; false when the last is empty. For `d` ≥ 1, bit
    /// `j` comes from `R[i-1][d-1]` at `j - 1` (a substitution) or at `j` (a key scalar inserted), from
    /// `R[i][d-1]` at `j - 1` (a word scalar deleted), or from `R[i-2][d-1]` at `j - 2` when the two
    /// last key scalars are the word's `j`-th and `(j-1)`-th (a transposition); for every `d`, from
    /// `R[i-1][d]` at `j - 1` when the key's scalar is the word's `j`-th (a match).
    @inline(__always)
    private func computeRows(_ i: Int) -> Bool {
        let width = maxEdits &+ 1
        let character = masks[i]
        // Transposed: the last key scalar is the word's (j-1)-th and the one before it the word's j-th.
        let transposed = i >= 2 ? (character << 1) & masks[i &- 1] : 0
        let previous = rows + (i &- 1) &* width, current = previous + width
        var lower: UInt64 = 0
        for d in 0...maxEdits {
            var row = (previous[d] << 1) & character
            if d > 0 {
                let edited = previous[d &- 1]
                row |= edited << 1 | edited | lower << 1
                if transposed != 0 { row |= ((previous - width)[d &- 1] << 2) & transposed }
            }
            row &= full
            current[d] = row
            lower = row
        }
        return lower != 0
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
