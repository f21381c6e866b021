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
        .option("proximity-boost", default: "0", help: """
            Add to a document's score, for each two words typed one after the other, their score as "a b"~N \
            (at most N words between them: --proximity-slop) times w (0 to 10000), as Solr's pf2. 0 ranks by \
            BM25 alone.
            """),
        .option("proximity-slop", default: "2", help: """
            How many words may stand between the two words of a pair the proximity boost weighs (0 to 64), as \
            Solr's ps2: 0 for words side by side.
            """),
    ]

    /// The options' values: k1, b, the title's and the proximity's boosts as numbers, the field boosts as
    /// typed, the proximity's slop.
    public static func parse(_ arguments: ParsedArguments) throws
        -> (k1: Double, b: Double, titleBoost: Double, boosts: [String], proximityBoost: Double, proximitySlop: Int) {
        (try arguments.number("k1")!, try arguments.number("b")!, try arguments.number("title-boost")!, arguments.strings("boost"),
         try arguments.number("proximity-boost")!, try arguments.number("proximity-slop")!)
    }
}
