/// Parses the query language (docs/QUERY.md):
///
///     query   := clause+                      implicit AND
///     clause  := ("-" | "NOT") unit | unit     exclusion
///     unit    := primary ("OR" primary)*       OR binds tighter than AND: `a b OR c` = `a (b OR c)`
///     primary := "(" query ")" | [field ":"] atom | field ":" "(" query ")"
///     atom    := '"' words '"' ["~" N] | word "*" | word
///
/// `AND` between clauses is accepted and changes nothing.
public struct QueryParser: Sendable {
    /// Longest query accepted, in Unicode code points.
    public static let maximumLength = 1024
    /// Deepest nesting of parentheses.
    public static let maximumDepth = 16
    /// Largest slop of a proximity search.
    public static let maximumSlop = 64

    private enum Lexeme: Equatable {
        case word(String)
        case prefix(String)
        case phrase(String, slop: Int?)
        case field(String)
        case open, close, minus, or, and, not
    }

    private struct Item {
        var lexeme: Lexeme
        var column: Int
    }

    public init() {}

    public func parse(_ query: String) throws -> QueryNode {
        guard query.unicodeScalars.count <= Self.maximumLength else {
            throw QueryError("query longer than \(Self.maximumLength) characters")
        }
        var items = try lex(query)
        guard !items.isEmpty else { throw QueryError("empty query") }
        var index = 0
        let node = try parseQuery(&items, &index, depth: 0)
        if index < items.count {
            // Only a stray closing parenthesis can stop the top level early.
            throw QueryError("unbalanced parenthesis", column: items[index].column)
        }
        try checkNotOnlyExclusions(node)
        return node
    }

    // MARK: Lexing

    private static func isASCIILetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
    private static func isASCIIDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private static func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || isASCIILetter(c) }
    private static func isNameCharacter(_ c: Unicode.Scalar) -> Bool {
        isASCIILetter(c) || isASCIIDigit(c) || c == "_" || c == "-" || c == "."
    }
    private static func isSpace(_ c: Unicode.Scalar) -> Bool {
        c.isASCII ? (c == " " || (c.value >= 0x09 && c.value <= 0x0D)) : c.properties.isWhitespace
    }


    /// Works on Unicode scalars (columns count them): grapheme clusters would cost more than the
    /// rest of a short query's search.
    private func lex(_ query: String) throws -> [Item] {
        let characters = Array(query.unicodeScalars)
        // Where each scalar starts in the query, and its end: slices are copied from the query whole.
        let starts = Array(query.unicodeScalars.indices) + [query.endIndex]
        func string(_ range: Range<Int>) -> String { String(query.unicodeScalars[starts[range.lowerBound]..<starts[range.upperBound]]) }
        var items: [Item] = []
        var i = 0
        while i < characters.count {
            let c = characters[i]
            let column = i + 1
            if Self.isSpace(c) {
                i += 1
            } else if c == "(" {
                items.append(Item(lexeme: .open, column: column))
                i += 1
            } else if c == ")" {
                items.append(Item(lexeme: .close, column: column))
                i += 1
            } else if c == "\"" {
                guard let end = characters[(i + 1)...].firstIndex(of: "\"") else {
                    throw QueryError("unbalanced quote", column: column)
                }
                let text = string((i + 1)..<end)
                i = end + 1
                var slop: Int?
                if i < characters.count && characters[i] == "~" {
                    var j = i + 1
                    while j < characters.count && Self.isASCIIDigit(characters[j]) { j += 1 }
                    guard j > i + 1, let value = Int(string((i + 1)..<j)) else {
                        throw QueryError("~ after a phrase needs a number of words, as in \"a b\"~3", column: i + 1)
                    }
                    guard value <= Self.maximumSlop else {
                        throw QueryError("proximity ~\(value) is over the limit of \(Self.maximumSlop)", column: i + 1)
                    }
                    slop = value
                    i = j
                }
                items.append(Item(lexeme: .phrase(text, slop: slop), column: column))
            } else if c == "-" && i + 1 < characters.count && !Self.isSpace(characters[i + 1]) && characters[i + 1] != "-"
                        && (i == 0 || Self.isSpace(characters[i - 1]) || characters[i - 1] == "(") {
                items.append(Item(lexeme: .minus, column: column))
                i += 1
            } else {
                var j = i
                while j < characters.count && !Self.isSpace(characters[j]) && characters[j] != "(" && characters[j] != ")" && characters[j] != "\"" {
                    // `field:` ends a field name when something follows it.
                    if characters[j] == ":", j > i, Self.isNameStart(characters[i]),
                       characters[i..<j].allSatisfy(Self.isNameCharacter),
                       j + 1 < characters.count, !Self.isSpace(characters[j + 1]) {
                        break
                    }
                    j += 1
                }
                if j < characters.count && characters[j] == ":" && j > i {
                    items.append(Item(lexeme: .field(string(i..<j)), column: column))
                    i = j + 1
                    continue
                }
                let word = string(i..<j)
                i = j
                switch word {
                case "OR": items.append(Item(lexeme: .or, column: column))
                case "AND": items.append(Item(lexeme: .and, column: column))
                case "NOT": items.append(Item(lexeme: .not, column: column))
                default:
                    if word.utf8.count > 1 && word.utf8.last == UInt8(ascii: "*") {
                        items.append(Item(lexeme: .prefix(String(word.dropLast())), column: column))
                    } else {
                        items.append(Item(lexeme: .word(word), column: column))
                    }
                }
            }
        }
        return items
    }

    // MARK: Parsing

    private func parseQuery(_ items: inout [Item], _ index: inout Int, depth: Int) throws -> QueryNode {
        var clauses: [QueryNode] = []
        while index < items.count {
            let item = items[index]
            switch item.lexeme {
            case .close:
                return try conjunction(clauses, column: item.column)
            case .and:
                guard !clauses.isEmpty, index + 1 < items.count, items[index + 1].lexeme != .close else {
                    throw QueryError("AND needs a word on each side", column: item.column)
                }
                index += 1
            case .minus, .not:
                index += 1
                guard index < items.count, ![.close, .or, .and].contains(items[index].lexeme) else {
                    throw QueryError("nothing to exclude after \(item.lexeme == .minus ? "-" : "NOT")", column: item.column)
                }
                clauses.append(.not(try parseUnit(&items, &index, depth: depth)))
            default:
                clauses.append(try parseUnit(&items, &index, depth: depth))
            }
        }
        return try conjunction(clauses, column: nil)
    }

    private func conjunction(_ clauses: [QueryNode], column: Int?) throws -> QueryNode {
        guard !clauses.isEmpty else { throw QueryError("empty parentheses", column: column) }
        return clauses.count == 1 ? clauses[0] : .and(clauses)
    }

    private func parseUnit(_ items: inout [Item], _ index: inout Int, depth: Int) throws -> QueryNode {
        var alternatives = [try parsePrimary(&items, &index, depth: depth, field: nil)]
        while index < items.count && items[index].lexeme == .or {
            let column = items[index].column
            index += 1
            guard index < items.count, ![.close, .or, .and].contains(items[index].lexeme) else {
                throw QueryError("OR needs a word on each side", column: column)
            }
            if [.minus, .not].contains(items[index].lexeme) {
                throw QueryError("an exclusion cannot be an alternative of OR", column: items[index].column)
            }
            alternatives.append(try parsePrimary(&items, &index, depth: depth, field: nil))
        }
        return alternatives.count == 1 ? alternatives[0] : .or(alternatives)
    }

    /// `field` carries the field's name and column: an atom in a field reports the field's column.
    private func parsePrimary(_ items: inout [Item], _ index: inout Int, depth: Int, field: (name: String, column: Int)?) throws -> QueryNode {
        let item = items[index]
        index += 1
        let column = field?.column ?? item.column
        switch item.lexeme {
        case .word(let text): return .word(text, field: field?.name, column: column)
        case .prefix(let text): return .prefix(text, field: field?.name, column: column)
        case .phrase(let text, let slop): return .phrase(text, slop: slop, field: field?.name, column: column)
        case .field(let name):
            guard field == nil else { throw QueryError("a field inside a field", column: item.column) }
            guard index < items.count, ![.close, .or, .and, .minus, .not].contains(items[index].lexeme) else {
                throw QueryError("nothing to search after \(name):", column: item.column)
            }
            if items[index].lexeme == .open {
                return try fieldApplied(parsePrimary(&items, &index, depth: depth, field: nil), name, column: item.column)
            }
            return try parsePrimary(&items, &index, depth: depth, field: (name, item.column))
        case .open:
            guard depth < Self.maximumDepth else {
                throw QueryError("parentheses nested deeper than \(Self.maximumDepth)", column: item.column)
            }
            let node = try parseQuery(&items, &index, depth: depth + 1)
            guard index < items.count, items[index].lexeme == .close else {
                throw QueryError("unbalanced parenthesis", column: item.column)
            }
            index += 1
            return node
        case .close: throw QueryError("unbalanced parenthesis", column: item.column)
        case .or: throw QueryError("OR needs a word on each side", column: item.column)
        case .and: throw QueryError("AND needs a word on each side", column: item.column)
        case .minus, .not: throw QueryError("misplaced exclusion", column: item.column)
        }
    }

    /// `title:(a OR b)`: the field applies to every atom inside.
    private func fieldApplied(_ node: QueryNode, _ field: String, column: Int) throws -> QueryNode {
        switch node {
        case let .word(text, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .word(text, field: field, column: column)
        case let .prefix(text, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .prefix(text, field: field, column: column)
        case let .phrase(text, slop, existing, c):
            guard existing == nil else { throw QueryError("a field inside a field", column: c) }
            return .phrase(text, slop: slop, field: field, column: column)
        case .and(let children): return .and(try children.map { try fieldApplied($0, field, column: column) })
        case .or(let children): return .or(try children.map { try fieldApplied($0, field, column: column) })
        case .not(let child): return .not(try fieldApplied(child, field, column: column))
        }
    }

    private func checkNotOnlyExclusions(_ node: QueryNode) throws {
        switch node {
        case .not: throw QueryError("a query needs at least one word that is not excluded")
        case .and(let children):
            if children.allSatisfy({ if case .not = $0 { return true } else { return false } }) {
                throw QueryError("a query needs at least one word that is not excluded")
            }
            for child in children {
                if case .not = child { continue }
                try checkNotOnlyExclusions(child)
            }
        case .or(let children):
            for child in children { try checkNotOnlyExclusions(child) }
        default: break
        }
    }
}
