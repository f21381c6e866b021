/// A regular expression over folded spellings, as Lucene's RegexpQuery reads `/joh?n(ath[oa]n)/`: it
/// matches a spelling whole. The syntax is the part of Lucene's that spellings need: a character
/// stands for itself, `.` for any one, `[abc]`, `[a-z]` and `[^…]` for one of a set (or not), `\d` for
/// a digit and `\w` for a letter, a digit or `_`; `*`, `+`, `?`, `{n}`, `{n,}` and `{n,m}` repeat
/// what comes before; `|` separates alternatives and parentheses group; `\` takes the next character
/// as it is. Letters are folded as spellings are (case and accents: `É` is `e`). Lucene's
/// optional operators (`~`, `&`, `<1-10>`, `@`, `#`) are errors, to be escaped as text.
///
/// Compiled to a Thompson NFA over Unicode scalars, run on UTF-8 bytes as the lexicon holds them,
/// with a set of states at each character: no backtracking, so the work is at most the spelling's
/// length times the pattern's. A walk over the sorted lexicon (`Walker`) reuses the sets of the
/// characters a spelling shares with the one before, and skips the spellings that extend a prefix
/// no match can start with, as a walk down a trie leaves a branch.
public struct RegexPattern: Sendable, Equatable {
    /// The most states a pattern compiles to: a pattern is a few dozen characters, and each state costs
    /// a bit in every set.
    public static let maximumStates = 1_024
    /// The largest count of a repetition (`{n,m}`).
    public static let maximumRepetition = 64

    /// What a consuming state takes: one scalar among ranges (or outside them), or any.
    struct CharacterSet: Sendable {
        var ranges: [ClosedRange<UInt32>]
        var negated: Bool

        func contains(_ scalar: UInt32) -> Bool {
            var inside = false
            for range in ranges where range.contains(scalar) {
                inside = true
                break
            }
            return inside != negated
        }
    }

    enum State: Sendable {
        case consume(CharacterSet, next: Int)
        case split(Int, Int)
        case match
    }

    let states: [State]
    let start: Int
    /// Words of one set of states.
    let words: Int
    /// For each state, the states reached from it without consuming (itself included): consuming
    /// states and the match state, as a set.
    let closures: [UInt64]
    /// The characters every match starts with, folded (empty when the pattern starts with anything else).
    public let literalPrefix: String
    /// The pattern as typed.
    public let text: String

    /// Patterns compile alike from alike text.
    public static func == (a: RegexPattern, b: RegexPattern) -> Bool { a.text == b.text }

    /// `text` is the pattern between the slashes.
    public init(_ text: String) throws(RegexError) {
        self.text = text
        var parser = Parser(scalars: Array(text.unicodeScalars))
        let tree = try parser.parseWhole()
        var builder = Builder()
        let match = builder.add(.match)
        start = try builder.compile(tree, next: match)
        states = builder.states
        words = (states.count + 63) / 64
        var closures = [UInt64](repeating: 0, count: states.count * words)
        var stack: [Int] = [], seen = [UInt64](repeating: 0, count: words)
        for state in states.indices {
            for k in seen.indices { seen[k] = 0 }
            stack.append(state)
            while let current = stack.popLast() {
                let bit: UInt64 = 1 << UInt64(current % 64)
                guard seen[current / 64] & bit == 0 else { continue }
                seen[current / 64] |= bit
                switch states[current] {
                case .split(let a, let b):
                    stack.append(a)
                    stack.append(b)
                case .consume, .match: closures[state * words + current / 64] |= bit
                }
            }
        }
        self.closures = closures
        literalPrefix = String(String.UnicodeScalarView(tree.literalPrefix.compactMap(Unicode.Scalar.init)))
    }

    /// Whether the whole of `text` matches.
    public func matches(_ text: String) -> Bool {
        var walker = Walker(self)
        var text = text
        return text.withUTF8 { walker.matches(UnsafeRawBufferPointer($0), shared: 0) }
    }

    /// Matches keys that come in byte order, each sharing its first bytes with the one before: the sets
    /// of states after each of those bytes' characters are kept, so only the rest is run.
    public struct Walker {
        let pattern: RegexPattern
        /// The set after each character read of the last key, one after another (`words` each), the
        /// first the start's.
        private var sets: [UInt64]
        /// The byte offset in the last key where each set's character ends.
        private var ends: [Int] = [0]
        /// Bytes of the last key that no key starting with them can match (`Int.max`: none).
        public private(set) var hopelessPrefix = Int.max

        public init(_ pattern: RegexPattern) {
            self.pattern = pattern
            sets = Array(pattern.closures[(pattern.start * pattern.words)..<((pattern.start + 1) * pattern.words)])
        }

        /// Whether the whole of `key` matches; `shared`: how many of its first bytes are the last key's.
        public mutating func matches(_ key: UnsafeRawBufferPointer, shared: Int) -> Bool {
            let words = pattern.words
            // Keep the sets of the characters that end within the shared bytes.
            var kept = ends.count
            while kept > 1 && ends[kept - 1] > shared { kept -= 1 }
            ends.removeLast(ends.count - kept)
            sets.removeLast(sets.count - kept * words)
            hopelessPrefix = .max
            var offset = ends[kept - 1]
            while offset < key.count {
                let (scalar, length) = Self.decode(key, at: offset)
                offset += length
                let from = sets.count - words, to = sets.count
                for _ in 0..<words { sets.append(0) }
                var alive = false
                for word in 0..<words {
                    var bits = sets[from + word]
                    while bits != 0 {
                        let state = word * 64 + bits.trailingZeroBitCount
                        bits &= bits - 1
                        guard case .consume(let set, let target) = pattern.states[state], set.contains(scalar) else { continue }
                        for k in 0..<words { sets[to + k] |= pattern.closures[target * words + k] }
                        alive = true
                    }
                }
                guard alive else {
                    sets.removeLast(words)
                    hopelessPrefix = offset
                    return false
                }
                ends.append(offset)
            }
            // The match state is state 0.
            return sets[sets.count - words] & 1 != 0
        }

        /// The scalar at `offset` and its length in bytes; a malformed byte stands for itself.
        private static func decode(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> (UInt32, Int) {
            let lead = bytes[offset]
            let length = min(Bytes.sequenceLength(lead: lead), bytes.count - offset)
            guard length > 1 else { return (UInt32(lead), 1) }
            var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for k in 1..<length { value = value << 6 | UInt32(bytes[offset + k] & 0x3F) }
            return (value, length)
        }
    }

    // MARK: Parsing

    indirect enum Node {
        case set(CharacterSet)
        case sequence([Node])
        case alternatives([Node])
        case repeated(Node, minimum: Int, maximum: Int?)

        /// The scalars every match starts with.
        var literalPrefix: [UInt32] {
            switch self {
            case .set(let set) where !set.negated && set.ranges.count == 1 && set.ranges[0].count == 1: return [set.ranges[0].lowerBound]
            case .sequence(let nodes):
                var prefix: [UInt32] = []
                for node in nodes {
                    let own = node.literalPrefix
                    prefix += own
                    guard case .set = node, own.count == 1 else { break }
                }
                return prefix
            case .repeated(let node, let minimum, _) where minimum > 0: return node.literalPrefix
            default: return []
            }
        }
    }

    struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        mutating func parseWhole() throws(RegexError) -> Node {
            guard !scalars.isEmpty else { throw RegexError("an empty regular expression") }
            let node = try alternatives(depth: 0)
            guard index == scalars.count else { throw RegexError("unbalanced parenthesis", at: index) }
            return node
        }

        private mutating func alternatives(depth: Int) throws(RegexError) -> Node {
            guard depth < 16 else { throw RegexError("parentheses nested deeper than 16", at: index) }
            var choices = [try sequence(depth: depth)]
            while index < scalars.count && scalars[index] == "|" {
                index += 1
                choices.append(try sequence(depth: depth))
            }
            return choices.count == 1 ? choices[0] : .alternatives(choices)
        }

        private mutating func sequence(depth: Int) throws(RegexError) -> Node {
            var nodes: [Node] = []
            while index < scalars.count && scalars[index] != "|" && scalars[index] != ")" {
                var node = try atom(depth: depth)
                while index < scalars.count, let (minimum, maximum) = try repetition() {
                    node = .repeated(node, minimum: minimum, maximum: maximum)
                }
                nodes.append(node)
            }
            return nodes.count == 1 ? nodes[0] : .sequence(nodes)
        }

        private mutating func repetition() throws(RegexError) -> (Int, Int?)? {
            switch scalars[index] {
            case "*": index += 1; return (0, nil)
            case "+": index += 1; return (1, nil)
            case "?": index += 1; return (0, 1)
            case "{":
                let start = index
                index += 1
                func number() -> Int? {
                    var digits = ""
                    while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                        digits.unicodeScalars.append(scalars[index])
                        index += 1
                    }
                    return digits.isEmpty ? nil : Int(digits.prefix(6))
                }
                guard let minimum = number() else { throw RegexError("{ needs a count, as in a{2} or a{1,3}", at: start) }
                var maximum: Int? = minimum
                if index < scalars.count && scalars[index] == "," {
                    index += 1
                    maximum = number()
                }
                guard index < scalars.count && scalars[index] == "}" else { throw RegexError("unbalanced {", at: start) }
                index += 1
                guard max(minimum, maximum ?? 0) <= RegexPattern.maximumRepetition else {
                    throw RegexError("a repetition over \(RegexPattern.maximumRepetition)", at: start)
                }
                guard maximum.map({ $0 >= minimum }) ?? true else { throw RegexError("a repetition {n,m} with m below n", at: start) }
                return (minimum, maximum)
            default: return nil
            }
        }

        private mutating func atom(depth: Int) throws(RegexError) -> Node {
            let scalar = scalars[index]
            let start = index
            index += 1
            switch scalar {
            case "(":
                let inner = index < scalars.count && scalars[index] == ")" ? Node.sequence([]) : try alternatives(depth: depth + 1)
                guard index < scalars.count && scalars[index] == ")" else { throw RegexError("unbalanced parenthesis", at: start) }
                index += 1
                return inner
            case "[": return .set(try characterClass(from: start))
            case ".": return .set(CharacterSet(ranges: [], negated: true))
            case "\\":
                guard index < scalars.count else { throw RegexError("\\ needs a character after it", at: start) }
                let escaped = scalars[index]
                index += 1
                switch escaped {
                case "d": return .set(CharacterSet(ranges: [48...57], negated: false))
                case "w": return .set(CharacterSet(ranges: [48...57, 95...95, 97...122, 0xDF...0x10FFFF], negated: false))
                default: return Self.literal(escaped)
                }
            case "*", "+", "?", "{": throw RegexError("\(scalar) repeats what comes before it, and nothing does", at: start)
            case "]", "}": throw RegexError("unbalanced \(scalar)", at: start)
            case "~", "&", "<", ">", "@", "#":
                throw RegexError("\(scalar) is not supported in a regular expression; write \\\(scalar) for the character", at: start)
            default: return Self.literal(scalar)
            }
        }

        /// A character folded as spellings are: one or more scalars (`œ` is `oe`).
        private static func literal(_ scalar: Unicode.Scalar) -> Node {
            let folded = fold(scalar)
            let nodes = folded.map { Node.set(CharacterSet(ranges: [$0...$0], negated: false)) }
            return nodes.count == 1 ? nodes[0] : .sequence(nodes)
        }

        private static func fold(_ scalar: Unicode.Scalar) -> [UInt32] {
            // Nearly always ASCII: lower-cased without making a string.
            if scalar.isASCII { return [("A"..."Z").contains(scalar) ? scalar.value + 32 : scalar.value] }
            return Folding.removeAccents(Folding.lowercase(String(scalar))).unicodeScalars.map(\.value)
        }

        /// `[abc]`, `[a-z]`, `[^…]`, with `\` taking the next character as it is, and `]` first standing
        /// for itself.
        private mutating func characterClass(from start: Int) throws(RegexError) -> CharacterSet {
            var negated = false
            if index < scalars.count && scalars[index] == "^" {
                negated = true
                index += 1
            }
            var ranges: [ClosedRange<UInt32>] = []
            var first = true
            while index < scalars.count && (scalars[index] != "]" || first) {
                first = false
                let low = try classMember(start)
                if index + 1 < scalars.count && scalars[index] == "-" && scalars[index + 1] != "]" {
                    index += 1
                    let high = try classMember(start)
                    guard low <= high else { throw RegexError("a range [a-z] that goes down", at: start) }
                    ranges.append(low...high)
                } else {
                    ranges.append(low...low)
                }
            }
            guard index < scalars.count else { throw RegexError("unbalanced [", at: start) }
            index += 1
            return CharacterSet(ranges: ranges, negated: negated)
        }

        private mutating func classMember(_ start: Int) throws(RegexError) -> UInt32 {
            var scalar = scalars[index]
            index += 1
            if scalar == "\\" {
                guard index < scalars.count else { throw RegexError("unbalanced [", at: start) }
                scalar = scalars[index]
                index += 1
            }
            let folded = Self.fold(scalar)
            guard folded.count == 1 else { throw RegexError("\(scalar) stands for several letters (\(String(String.UnicodeScalarView(folded.compactMap(Unicode.Scalar.init))))) and cannot be one of a set", at: start) }
            return folded[0]
        }
    }

    struct Builder {
        var states: [State] = []

        mutating func add(_ state: State) -> Int {
            states.append(state)
            return states.count - 1
        }

        /// The state that starts `node`, which goes on to `next` once matched.
        mutating func compile(_ node: Node, next: Int) throws(RegexError) -> Int {
            guard states.count <= RegexPattern.maximumStates else {
                throw RegexError("a regular expression too long once its repetitions are written out (over \(RegexPattern.maximumStates) states)")
            }
            switch node {
            case .set(let set): return add(.consume(set, next: next))
            case .sequence(let nodes):
                var entry = next
                for node in nodes.reversed() { entry = try compile(node, next: entry) }
                return entry
            case .alternatives(let choices):
                var entry = try compile(choices.last!, next: next)
                for choice in choices.dropLast().reversed() { entry = add(.split(try compile(choice, next: next), entry)) }
                return entry
            case .repeated(let inner, let minimum, let maximum):
                var entry: Int
                if let maximum {
                    // The optional copies, each of which may end the run: x{1,3} is x(x(x)?)?.
                    entry = next
                    for _ in 0..<(maximum - minimum) { entry = add(.split(try compile(inner, next: entry), next)) }
                } else {
                    // A loop: a split that goes through `inner` and back, or on.
                    let loop = add(.split(-1, next))
                    states[loop] = .split(try compile(inner, next: loop), next)
                    entry = loop
                }
                for _ in 0..<minimum { entry = try compile(inner, next: entry) }
                return entry
            }
        }
    }
}

/// What is wrong with a regular expression, and at which of its characters (counted from 0).
public struct RegexError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let offset: Int?

    init(_ message: String, at offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    public var description: String { message }
}
