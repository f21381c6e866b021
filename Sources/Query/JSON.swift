/// JSON text output for the CLI and the daemon: JSON Lines with a fixed key order, which JSONEncoder
/// does not promise.
public enum JSON {
    /// A JSON string literal. Works on UTF-8 bytes: everything to escape is ASCII, and the bytes of
    /// other characters are copied as they are.
    public static func quote(_ string: String) -> String {
        var out: [UInt8] = [0x22]
        out.reserveCapacity(string.utf8.count + 2)
        let hex = Array("0123456789abcdef".utf8)
        for byte in string.utf8 {
            switch byte {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0..<0x20: out += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }
}
