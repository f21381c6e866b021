/// JSON text output for the CLI and the daemon: JSON Lines with a fixed key order, which JSONEncoder
/// does not promise.
public enum JSON {
    /// A JSON string literal.
    public static func quote(_ string: String) -> String {
        Escaping.replacingBytes(in: string, quotedBy: 0x22) { byte in
            switch byte {
            case 0x22: return [0x5C, 0x22]
            case 0x5C: return [0x5C, 0x5C]
            case 0x0A: return [0x5C, 0x6E]
            case 0x0D: return [0x5C, 0x72]
            case 0x09: return [0x5C, 0x74]
            case 0..<0x20: return [0x5C, 0x75, 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]]
            default: return nil
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
