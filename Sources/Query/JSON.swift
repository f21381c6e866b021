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

extension JSON {
    /// Facets as the CLI's summary and searchd's JSON reply give them:
    /// `[{"field":…,"values":[{"value":…,"count":n}],"distinct":n,"missing":n}]`.
    public static func facets(_ facets: [FacetCounts]) -> String {
        "[" + facets.map { facet in
            "{\"field\":\(quote(facet.field)),\"values\":["
                + facet.values.map { "{\"value\":\(quote($0.value)),\"count\":\($0.count)}" }.joined(separator: ",")
                + "],\"distinct\":\(facet.distinct),\"missing\":\(facet.missing)}"
        }.joined(separator: ",") + "]"
    }
}
