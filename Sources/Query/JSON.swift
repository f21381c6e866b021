/// JSON text output for the CLI and the daemon: JSON Lines with a fixed key order, which JSONEncoder
/// does not promise.
public enum JSON {
    /// A JSON string literal.
    public static func quote(_ string: String) -> String {
        var out = ByteOutput(capacity: string.utf8.count + 2)
        out.appendJSONString(string)
        return out.string
    }
}
