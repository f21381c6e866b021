/// A wildcard pattern over folded spellings, as Lucene's WildcardQuery reads one: `?` stands for one
/// character (a Unicode scalar), `*` for any run of them, empty too; everything else for itself.
public struct WildcardPattern: Sendable, Equatable {
    enum Element: Sendable, Equatable {
        case scalar(UInt32)
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
                elements.append(.scalar(scalar.value))
                if literal { prefix.unicodeScalars.append(scalar) }
            }
        }
        self.elements = elements
        literalPrefix = prefix
    }

    /// Whether the whole of `text` matches. Greedy, going back only to the last `*`: for `*` and `?`
    /// alone that is enough (a later `*` can absorb whatever an earlier one would have), so the work
    /// is at most the text's length times the pattern's.
    public func matches(_ text: String) -> Bool {
        let text = text.unicodeScalars.map(\.value)
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
                    t += 1
                    continue
                case .scalar(let value) where value == text[t]:
                    p += 1
                    t += 1
                    continue
                case .scalar:
                    break
                }
            }
            // A mismatch: the last `*` takes one more character, or there is no match.
            guard let last = star else { return false }
            star = (last.pattern, last.text + 1)
            p = last.pattern + 1
            t = last.text + 1
        }
        while p < elements.count && elements[p] == .run { p += 1 }
        return p == elements.count
    }
}
