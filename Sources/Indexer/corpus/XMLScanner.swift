/// The elements and text of an XML document, in order, as office documents' parts are read: names
/// with their prefixes as written (`w:p`, `text:h`), attributes and text with their entities and
/// character references decoded; comments, processing instructions and declarations skipped. Not a
/// validating parser: what is malformed is read as far as it makes sense, never trapped on.
struct XMLScanner {
    enum Event: Equatable {
        case start(name: String, attributes: [String: String], selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    private let bytes: [UInt8]
    private var index = 0
    /// The elements whose attributes are read (all when nil); others' are skipped unread, as most
    /// of an office part's elements are formatting nobody reads.
    private let attributesRead: Set<String>?
    /// Elements named without their prefix (`x:row` as `row`), for a format whose writers prefix its
    /// namespace or not as they please; attributes keep theirs.
    private let localNames: Bool

    init(_ bytes: [UInt8], attributesOf elements: Set<String>? = nil, localNames: Bool = false) {
        self.bytes = bytes
        attributesRead = elements
        self.localNames = localNames
    }

    mutating func next() -> Event? {
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                let end = bytes[index...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
                defer { index = end }
                return .text(Self.decoded(bytes[index..<end]))
            }
            if starts(with: "<!--") {
                index = end(of: "-->", from: index + 4)
            } else if starts(with: "<![CDATA[") {
                let close = bytes.firstIndex(of: "]]>", from: index + 9) ?? bytes.count
                defer { index = min(close + 3, bytes.count) }
                return .text(String(decoding: bytes[(index + 9)..<close], as: UTF8.self))
            } else if starts(with: "<?") {
                index = end(of: "?>", from: index + 2)
            } else if starts(with: "<!") {
                index = end(of: ">", from: index + 2)
            } else if starts(with: "</") {
                let close = bytes[index...].firstIndex(of: UInt8(ascii: ">")) ?? bytes.count
                defer { index = min(close + 1, bytes.count) }
                return .end(name: elementName(bytes[min(index + 2, close)..<close].prefix { !Self.isSpace($0) }))
            } else {
                return startTag()
            }
        }
        return nil
    }

    private mutating func startTag() -> Event {
        index += 1
        let nameStart = index
        while index < bytes.count && !Self.isSpace(bytes[index]) && bytes[index] != UInt8(ascii: ">") && bytes[index] != UInt8(ascii: "/") {
            index += 1
        }
        let name = elementName(bytes[nameStart..<index])
        let reads = attributesRead?.contains(name) ?? true
        var attributes: [String: String] = [:]
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ">") {
                index += 1
                return .start(name: name, attributes: attributes, selfClosing: false)
            }
            if byte == UInt8(ascii: "/") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: ">") {
                index += 2
                return .start(name: name, attributes: attributes, selfClosing: true)
            }
            if Self.isSpace(byte) || byte == UInt8(ascii: "/") {
                index += 1
                continue
            }
            let attributeStart = index
            while index < bytes.count && !Self.isSpace(bytes[index]) && bytes[index] != UInt8(ascii: "=") && bytes[index] != UInt8(ascii: ">") {
                index += 1
            }
            let attributeEnd = index
            while index < bytes.count && Self.isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { continue }
            index += 1
            while index < bytes.count && Self.isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else { continue }
            let quote = bytes[index]
            let close = bytes[(index + 1)...].firstIndex(of: quote) ?? bytes.count
            if reads {
                attributes[String(decoding: bytes[attributeStart..<attributeEnd], as: UTF8.self)] = Self.decoded(bytes[(index + 1)..<close])
            }
            index = min(close + 1, bytes.count)
        }
        return .start(name: name, attributes: attributes, selfClosing: false)
    }

    private func elementName(_ written: ArraySlice<UInt8>) -> String {
        guard localNames, let colon = written.lastIndex(of: UInt8(ascii: ":")) else { return String(decoding: written, as: UTF8.self) }
        return String(decoding: written[(colon + 1)...], as: UTF8.self)
    }

    private func starts(with prefix: String) -> Bool {
        bytes[index...].starts(with: prefix.utf8)
    }

    private func end(of needle: String, from start: Int) -> Int {
        bytes.firstIndex(of: needle, from: start).map { $0 + needle.utf8.count } ?? bytes.count
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Text with XML's five entities and its character references decoded; anything else after `&` kept as written.
    static func decoded(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var text = String(decoding: bytes, as: UTF8.self)[...]
        var result = ""
        while let ampersand = text.firstIndex(of: "&") {
            result += text[..<ampersand]
            let rest = text[text.index(after: ampersand)...]
            if let semicolon = rest.prefix(12).firstIndex(of: ";"), let scalar = Self.scalar(named: rest[..<semicolon]) {
                result.unicodeScalars.append(scalar)
                text = rest[rest.index(after: semicolon)...]
            } else {
                result += "&"
                text = rest
            }
        }
        return result + text
    }

    private static func scalar(named name: Substring) -> Unicode.Scalar? {
        switch name {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init).flatMap { $0.value == 0 ? nil : $0 }
        }
    }
}

/// An element whose content is not read (a comment, a fallback copy), while the scanner is inside it.
struct SkippedElement {
    private var depth = 0

    /// Skips what the element that starts holds (nothing, when it is empty).
    mutating func start(selfClosing: Bool) {
        if !selfClosing { depth += 1 }
    }

    /// True for each event inside the skipped element, its end included.
    mutating func consumes(_ event: XMLScanner.Event) -> Bool {
        guard depth > 0 else { return false }
        switch event {
        case .start(_, _, let selfClosing) where !selfClosing: depth += 1
        case .end: depth -= 1
        default: break
        }
        return true
    }
}
