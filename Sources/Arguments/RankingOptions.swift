/// BM25's options, as `fts search` and searchd take them (docs/QUERY.md, "Ranking").
public enum RankingOptions {
    public static let specs: [OptionSpec] = [
        .option("k1", default: "1.2", help: "BM25 k1."),
        .option("b", default: "0.75", help: "BM25 b."),
        .option("title-boost", default: "2.0", help: "Boost of the title field."),
        .option("boost", value: "field=w", help: """
            Multiply a field's part of every score by w (0 to 10000), as Lucene's and tantivy's per-field boosts \
            do: --boost tags=3. May be given again; a field not named keeps 1 (the title, --title-boost).
            """),
    ]

    /// The options' values: k1, b and the title's boost as numbers, the field boosts as typed.
    public static func parse(_ arguments: ParsedArguments) throws -> (k1: Double, b: Double, titleBoost: Double, boosts: [String]) {
        (try arguments.number("k1")!, try arguments.number("b")!, try arguments.number("title-boost")!, arguments.strings("boost"))
    }
}
