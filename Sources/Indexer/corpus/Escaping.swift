extension String {
    /// The text with each character `replacements` names written as it says (HTML's `&` as `&amp;`, a
    /// Prometheus label's `"` as `\"`), the others as they are.
    public func escaping(_ replacements: [Character: String]) -> String {
        var escaped = ""
        escaped.reserveCapacity(utf8.count)
        for character in self {
            if let replacement = replacements[character] { escaped += replacement } else { escaped.append(character) }
        }
        return escaped
    }
}
