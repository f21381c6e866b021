/// Escaping for the text and JSON outputs, on UTF-8 bytes: every byte to escape is ASCII, so the
/// bytes of other characters pass as they are and the result stays valid UTF-8. Iterating characters
/// instead (grapheme breaking) cost more than the rest of encoding a page of results.
public enum Escaping {
    /// `text` with each byte that `replacement` maps replaced by what it returns (nil: kept).
    @inlinable
    public static func replacingBytes(in text: String, quotedBy quote: UInt8? = nil, _ replacement: (UInt8) -> [UInt8]?) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        if let quote { out.append(quote) }
        for byte in text.utf8 {
            if let escaped = replacement(byte) { out += escaped } else { out.append(byte) }
        }
        if let quote { out.append(quote) }
        return String(decoding: out, as: UTF8.self)
    }
}
