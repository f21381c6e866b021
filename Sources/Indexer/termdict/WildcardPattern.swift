/// A wildcard pattern over folded spellings, as Lucene's WildcardQuery reads one: `?` stands for one
/// character (a Unicode scalar), `*` for any run of them, empty too; everything else for itself.
/// Spellings are matched as UTF-8 bytes, as the lexicon holds them: no string is made of each.
public struct WildcardPattern: Sendable, Equatable {
    enum Element: Sendable, Equatable {
        /// A byte of a literal scalar's UTF-8.
        case byte(UInt8)
        case one
        case run
    }

    let elements: [Element]

    /// The characters before the first wildcard: every match starts with them.
    public let literalPrefix: String

    public init(_ pattern: String) {
        var elements: [Element] = []
        var prefix = ""
        var literal = true
        for scalar in pattern.unicodeScalars {
            switch scalar {
            case "?":
                elements.append(.one)
                literal = false
            case "*":
                // `**` is `*`.
                if elements.last != .run { elements.append(.run) }
                literal = false
            default:
                elements.append(contentsOf: UTF8.encode(scalar)!.map(Element.byte))
                if literal { prefix.unicodeScalars.append(scalar) }
            }
        }
        self.elements = elements
        literalPrefix = prefix
    }

    /// Whether the whole of `text` matches.
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
    }

    /// Whether the whole of `text` (UTF-8) matches. Greedy, going back only to the last `*`: for `*`
    /// and `?` alone that is enough (a later `*` can absorb whatever an earlier one would have), so the
    /// work is at most the text's length times the pattern's. The text is only ever cut between
    /// scalars: `?` and a `*`'s extension take whole scalars, and a literal matches whole ones.
    public func matches(_ text: UnsafeRawBufferPointer) -> Bool {
        var t = 0, p = 0
        var star: (pattern: Int, text: Int)?
        while t < text.count {
            if p < elements.count {
                switch elements[p] {
                case .run:
                    star = (p, t)
                    p += 1
                    continue
                case .one:
                    p += 1
                    t = Self.scalarEnd(text, at: t)
                    continue
                case .byte(let value) where value == text[t]:
                    p += 1
                    t += 1
                    continue
                case .byte:
                    break
                }
            }
            // A mismatch: the last `*` takes one more character, or there is no match.
            guard let last = star else { return false }
            let next = Self.scalarEnd(text, at: last.text)
            star = (last.pattern, next)
            p = last.pattern + 1
            t = next
        }
        while p < elements.count && elements[p] == .run { p += 1 }
        return p == elements.count
    }

    /// Where the scalar starting at byte `offset` ends (its lead byte says its length).
    private static func scalarEnd(_ text: UnsafeRawBufferPointer, at offset: Int) -> Int {
        min(text.count, offset + Bytes.sequenceLength(lead: text[offset]))
    }
}
