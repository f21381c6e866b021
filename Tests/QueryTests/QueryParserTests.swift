import Foundation
import Testing
import Indexer
@testable import Query

@Suite struct QueryParserTests {
    let parser = QueryParser()

    @Test func wordsAreAllRequired() throws {
        #expect(try parser.parse("économie solidaire") == .and([.word("économie", field: nil, column: 1), .word("solidaire", field: nil, column: 10)]))
        #expect(try parser.parse("économie") == .word("économie", field: nil, column: 1))
    }

    @Test func orBindsTighterThanAnd() throws {
        #expect(try parser.parse("a b OR c") == .and([.word("a", field: nil, column: 1),
                                                     .or([.word("b", field: nil, column: 3), .word("c", field: nil, column: 8)])]))
        #expect(try parser.parse("a AND b") == .and([.word("a", field: nil, column: 1), .word("b", field: nil, column: 7)]))
        // Lucene's spellings of the operators, and Sphinx's `|` standing alone.
        #expect(try parser.parse("a && b || c !d") == .and([.word("a", field: nil, column: 1),
                                                           .or([.word("b", field: nil, column: 6), .word("c", field: nil, column: 11)]),
                                                           .not(.word("d", field: nil, column: 14))]))
        #expect(try parser.parse("a | b c") == .and([.or([.word("a", field: nil, column: 1), .word("b", field: nil, column: 5)]),
                                                   .word("c", field: nil, column: 7)]))
        #expect(try parser.parse("a|b \\| c") == .and([.word("a|b", field: nil, column: 1), .word("|", field: nil, column: 5),
                                                        .word("c", field: nil, column: 8)]))
        #expect(throws: QueryError("OR needs a word on each side", column: 3)) { try parser.parse("a |") }
    }

    @Test func exclusionsPhrasesPrefixesAndFields() throws {
        #expect(try parser.parse("a -b NOT c") == .and([.word("a", field: nil, column: 1), .not(.word("b", field: nil, column: 4)),
                                                       .not(.word("c", field: nil, column: 10))]))
        #expect(try parser.parse("\"clichy sous bois\"~2 écon*") == .and([.phrase("clichy sous bois", slop: 2, field: nil, column: 1),
                                                                          .prefix("écon", field: nil, column: 22)]))
        #expect(try parser.parse("title:jardin title:\"la mer\"") == .and([.word("jardin", field: "title", column: 1),
                                                                          .phrase("la mer", slop: nil, field: "title", column: 14)]))
        #expect(try parser.parse("title:(jardin OR panier) -mer") == .and([
            .or([.word("jardin", field: "title", column: 1), .word("panier", field: "title", column: 1)]),
            .not(.word("mer", field: nil, column: 27)),
        ]))
        // A hyphen inside a word is part of it; a colon not after a field name too.
        #expect(try parser.parse("Clichy-sous-Bois 12:30") == .and([.word("Clichy-sous-Bois", field: nil, column: 1), .word("12:30", field: nil, column: 18)]))
    }

    /// `*:*` (Lucene) and `*` alone (tantivy) match every document; `field:*`, every document with a
    /// word in the field.
    @Test func starMatchesEveryDocument() throws {
        #expect(try parser.parse("*:*") == .all(column: 1))
        #expect(try parser.parse("* -mer") == .and([.all(column: 1), .not(.word("mer", field: nil, column: 4))]))
        #expect(try parser.parse("(*:* OR jardin)^2") == .boosted(.or([.all(column: 2), .word("jardin", field: nil, column: 9)]), 2))
        #expect(try parser.parse(#"\*"#) == .word("*", field: nil, column: 1))
        #expect(try parser.parse("title:*^2 -année:*") == .and([.boosted(.exists(field: "title", column: 1), 2),
                                                               .not(.exists(field: "année", column: 12))]))
        #expect(try parser.parse("title:(a OR *)") == .or([.word("a", field: "title", column: 1), .exists(field: "title", column: 1)]))
        #expect(throws: QueryError("a wildcard needs at least 2 letters before it, as in econo*", column: 1)) { try parser.parse("*:a") }
    }

    /// `=word` (Sphinx's exact form) starts a word only: inside one, `=` is the word's, and after a
    /// field it is a value; it is no prefix, wildcard or fuzzy word.
    @Test func exactWords() throws {
        #expect(try parser.parse("=économies sociale") == .and([.exact("économies", field: nil, column: 1), .word("sociale", field: nil, column: 12)]))
        #expect(try parser.parse("a -=b (=c OR d)^2") == .and([.word("a", field: nil, column: 1), .not(.exact("b", field: nil, column: 4)),
                                                             .boosted(.or([.exact("c", field: nil, column: 8), .word("d", field: nil, column: 14)]), 2)]))
        #expect(try parser.parse("=Clichy-sous-Bois^3") == .boosted(.exact("Clichy-sous-Bois", field: nil, column: 1), 3))
        #expect(try parser.parse("title:(=mer)") == .exact("mer", field: "title", column: 1))
        #expect(try parser.parse("title:=mer") == .value("mer", field: "title", prefix: false, column: 1))
        #expect(try parser.parse("a=b = ==c") == .and([.word("a=b", field: nil, column: 1), .word("=", field: nil, column: 5),
                                                       .word("==c", field: nil, column: 7)]))
        #expect(try parser.parse("=écon* title:(=mer*)^2") == .and([.exact("écon", field: nil, prefix: true, column: 1),
                                                                  .boosted(.exact("mer", field: "title", prefix: true, column: 8), 2)]))
        #expect(throws: QueryError("an exact word (=*) cannot be a wildcard or a fuzzy word", column: 1)) { try parser.parse("=*") }
        #expect(throws: QueryError("an exact word (=écon**) cannot be a wildcard or a fuzzy word", column: 1)) { try parser.parse("=écon**") }
        #expect(throws: QueryError("an exact word (=écon?mie) cannot be a wildcard or a fuzzy word", column: 1)) { try parser.parse("=écon?mie") }
        #expect(try parser.parse("=économies?") == .exact("économies?", field: nil, column: 1))
        #expect(throws: QueryError("an exact word (=jardn~) cannot be a wildcard or a fuzzy word", column: 3)) { try parser.parse("a =jardn~") }
        #expect(throws: QueryError("= goes before a word or quoted words, as in =économies or =\"économie sociale\": a group cannot be exact",
                                   column: 3)) { try parser.parse("a =(b OR c)") }
    }

    /// Exact words between quotes (Sphinx's, Manticore's): `"=économies sociales"` marks one word,
    /// `="…"` every one, in the text of a phrase, a proximity search, a quorum or NEAR and ADJ.
    @Test func exactWordsBetweenQuotes() throws {
        #expect(try parser.parse("\"=économies sociales\"") == .phrase("=économies sociales", slop: nil, field: nil, column: 1))
        #expect(try parser.parse("=\"économie  sociale\"~2") == .phrase("=économie  =sociale", slop: 2, field: nil, column: 1))
        #expect(try parser.parse("x =« économie sociale »") == .and([.word("x", field: nil, column: 1),
                                                                   .phrase("=économie =sociale", slop: nil, field: nil, column: 3)]))
        #expect(try parser.parse("title:(=\"a =b c\"/2)^3") == .boosted(.quorum("=a =b =c", minimum: 2, field: "title", column: 1), 3))
        #expect(try parser.parse("\"=ligne de comm*\"") == .phrasePrefix("=ligne de comm", field: nil, column: 1))
        // Escaped, `=` is punctuation; a field's value stays one.
        #expect(try parser.parse("\"\\=économies \\\"x\\\"\"") == .phrase("économies \"x\"", slop: nil, field: nil, column: 1))
        #expect(try parser.parse("tags:=\"a b\"") == .value("a b", field: "tags", prefix: false, column: 1))
        // NEAR and ADJ join exact words; a plain word's `=`s mark nothing.
        #expect(try parser.parse("=économies NEAR/3 sociale") == .phrase("=économies sociale", slop: 2, field: nil, column: 1))
        #expect(try parser.parse("a ADJ =b ADJ \\=c ADJ ==d") == .adjacent("a =b c d", slop: 9, field: nil, column: 1))
        #expect(QueryNode.exactWords(in: "=a b  =cé = == d=e") == [0..<2, 6..<10])
        #expect(try parser.parse("x =\"a b*\"") == .and([.word("x", field: nil, column: 1), .phrasePrefix("=a =b", field: nil, column: 3)]))
        #expect(try parser.parse("\"a =comm*\"") == .phrasePrefix("a =comm", field: nil, column: 1))
        #expect(throws: QueryError("unbalanced quote", column: 2)) { try parser.parse("=\"a b") }
        #expect(throws: QueryError("NEAR joins plain or exact words, as in économie NEAR/3 sociale", column: 3)) { try parser.parse("a NEAR =b*") }
    }

    /// `field:=value` is a value as facets count it, exactly: quoted, or up to a space or `)`; unquoted
    /// and ending with a `*` that no backslash escapes, the values starting with what comes before.
    @Test func exactValuesOfAField() throws {
        #expect(try parser.parse(#"tags:="économie sociale""#) == .value("économie sociale", field: "tags", prefix: false, column: 1))
        #expect(try parser.parse("jardin -tags:=bio") == .and([.word("jardin", field: nil, column: 1),
                                                                .not(.value("bio", field: "tags", prefix: false, column: 9))]))
        #expect(try parser.parse("(auteur:=\"Dupont, Jean\" OR tags:=a\\ b)^2") == .boosted(.or([
            .value("Dupont, Jean", field: "auteur", prefix: false, column: 2), .value("a b", field: "tags", prefix: false, column: 28)]), 2))
        #expect(try parser.parse(#"tags:="a \"b\"""#) == .value(#"a "b""#, field: "tags", prefix: false, column: 1))
        #expect(throws: QueryError("tags:= needs a value, as in tags:=bio or tags:=\"a value\"", column: 6)) { try parser.parse("tags:= x") }
        #expect(throws: QueryError("unbalanced quote", column: 7)) { try parser.parse(#"tags:="bio"#) }
        #expect(throws: QueryError("a field inside a field", column: 8)) { try parser.parse("title:(tags:=bio)") }
        // Not after a field: an exact word (`exactWords`).
        #expect(try parser.parse("=bio") == .exact("bio", field: nil, column: 1))
        // Prefixes of values; a quoted or escaped `*` is the value's own.
        #expect(try parser.parse("path:=notes/*") == .value("notes/", field: "path", prefix: true, column: 1))
        #expect(try parser.parse("jardin tags:=é* x") == .and([.word("jardin", field: nil, column: 1),
                                                               .value("é", field: "tags", prefix: true, column: 8), .word("x", field: nil, column: 17)]))
        #expect(try parser.parse("(tags:=*)") == .value("", field: "tags", prefix: true, column: 2))
        #expect(try parser.parse(#"tags:="bio*""#) == .value("bio*", field: "tags", prefix: false, column: 1))
        #expect(try parser.parse(#"tags:=bio\*"#) == .value("bio*", field: "tags", prefix: false, column: 1))
        #expect(try parser.parse(#"tags:=a\\*"#) == .value(#"a\"#, field: "tags", prefix: true, column: 1))
        #expect(try FacetFilter(parsing: "path:=notes/*") == FacetFilter(field: "path", value: "notes/", prefix: true))
        #expect(try FacetFilter(parsing: "tags:=bio") == FacetFilter(field: "tags", value: "bio"))
    }

    /// A backslash takes the next character as it is, as in Lucene: a word with one is searched as
    /// written (no operator, field, prefix, wildcard or fuzzy word), and a phrase goes on past `\"`.
    @Test func backslashesEscape() throws {
        #expect(try parser.parse(#"\(jardin\) \-mer \OR"#) == .and([.word("(jardin)", field: nil, column: 1),
                                                                   .word("-mer", field: nil, column: 12),
                                                                   .word("OR", field: nil, column: 18)]))
        #expect(try parser.parse(#"title\:mer jard\* jar\?in mer\~ a\^2"#) == .and([
            .word("title:mer", field: nil, column: 1), .word("jard*", field: nil, column: 12), .word("jar?in", field: nil, column: 19),
            .word("mer~", field: nil, column: 27), .word("a^2", field: nil, column: 33),
        ]))
        #expect(try parser.parse(#"title:"la \"mer\" \\ bleue"~2"#) == .phrase(#"la "mer" \ bleue"#, slop: 2, field: "title", column: 1))
        #expect(try parser.parse(#"é\ té mer\"#) == .and([.word("é té", field: nil, column: 1), .word(#"mer\"#, field: nil, column: 7)]))
        #expect(throws: QueryError("unbalanced quote", column: 1)) { try parser.parse(#""mer\""#) }
    }

    /// `title: mer`, spaces after the colon, names the field when the index has it, as Lucene's parser
    /// reads it; any other word before a colon and a space stays a word (`note: mer`), and so does a
    /// field's name with nothing after it.
    @Test func aKnownFieldMayBeFollowedBySpaces() throws {
        let parser = QueryParser(fields: ["title", "body"])
        #expect(try parser.parse("title: jardin") == .word("jardin", field: "title", column: 1))
        #expect(try parser.parse("a title:  \"la mer\"~2") == .and([.word("a", field: nil, column: 1),
                                                                    .phrase("la mer", slop: 2, field: "title", column: 3)]))
        #expect(try parser.parse("body:\t(jardin OR mer)") == .or([.word("jardin", field: "body", column: 1),
                                                                    .word("mer", field: "body", column: 1)]))
        #expect(try parser.parse("note: mer") == .and([.word("note:", field: nil, column: 1), .word("mer", field: nil, column: 7)]))
        // Names in any script, spaced when the index has the field under any case and accents.
        let french = QueryParser(fields: ["title", "année"])
        #expect(try french.parse("catégorie:vélo") == .word("vélo", field: "catégorie", column: 1))
        #expect(try french.parse("Annee:  2024") == .word("2024", field: "Annee", column: 1))
        #expect(try french.parse("2,5:x") == .word("2,5:x", field: nil, column: 1))
        #expect(try parser.parse("mer title:") == .and([.word("mer", field: nil, column: 1), .word("title:", field: nil, column: 5)]))
        #expect(try parser.parse("(mer title: )") == .and([.word("mer", field: nil, column: 2), .word("title:", field: nil, column: 6)]))
        #expect(try QueryParser().parse("title: jardin") == .and([.word("title:", field: nil, column: 1), .word("jardin", field: nil, column: 8)]))
        #expect(throws: QueryError("an exclusion goes before its field, as in -title:ville", column: 8)) { try parser.parse("title: -ville") }
        #expect(throws: QueryError("nothing to search after title:", column: 1)) { try parser.parse("title: OR mer") }
    }

    /// An address is a word, not a field named by its scheme; in a field, a word as any other.
    @Test func anAddressIsAWord() throws {
        let parser = QueryParser(fields: ["title", "body"])
        #expect(try parser.parse("https://www.paniers-hdf.fr/site/") == .word("https://www.paniers-hdf.fr/site/", field: nil, column: 1))
        #expect(try parser.parse("body:http://a.fr/b -mer") == .and([.word("http://a.fr/b", field: "body", column: 1),
                                                                      .not(.word("mer", field: nil, column: 21))]))
        #expect(try parser.parse("title:/a/") == .regex(try RegexPattern("a"), field: "title", column: 1))
    }

    /// `word~` leaves the edits to the word's length; `word~N` says them; fields and OR apply as to words.
    @Test func fuzzyWords() throws {
        #expect(try parser.parse("ecnomie~ sociale~1") == .and([.fuzzy("ecnomie", edits: nil, field: nil, column: 1),
                                                               .fuzzy("sociale", edits: 1, field: nil, column: 10)]))
        #expect(try parser.parse("title:jardn~2 OR mer~0") == .or([.fuzzy("jardn", edits: 2, field: "title", column: 1),
                                                                  .fuzzy("mer", edits: 0, field: nil, column: 18)]))
        #expect(try parser.parse("title:(jardn~)") == .fuzzy("jardn", edits: nil, field: "title", column: 1))
        // A tilde alone is punctuation, as a lone hyphen is; elsewhere in a word it is an error (below).
        #expect(try parser.parse("a ~") == .and([.word("a", field: nil, column: 1), .word("~", field: nil, column: 3)]))
    }

    /// `"words"/N`: at least N of the words; fields, boosts and OR apply as to a phrase.
    @Test func quorums() throws {
        #expect(try parser.parse("\"économie sociale solidaire\"/2 jardin")
                == .and([.quorum("économie sociale solidaire", minimum: 2, field: nil, column: 1), .word("jardin", field: nil, column: 32)]))
        #expect(try parser.parse("title:\"a b c\"/3^2 OR mer") == .or([.boosted(.quorum("a b c", minimum: 3, field: "title", column: 1), 2),
                                                                       .word("mer", field: nil, column: 22)]))
        #expect(try parser.parse("title:(\"a b\"/1)") == .quorum("a b", minimum: 1, field: "title", column: 1))
        #expect(try parser.parse("-\"a b\"/2 c") == .and([.not(.quorum("a b", minimum: 2, field: nil, column: 2)), .word("c", field: nil, column: 10)]))
        // A percentage of the words, rounded down, at least one (Elasticsearch's minimum_should_match).
        #expect(try parser.parse("\"a b c d\"/75%") == .quorum("a b c d", minimum: 3, field: nil, column: 1))
        #expect(try parser.parse("\"a b c\"/75%") == .quorum("a b c", minimum: 2, field: nil, column: 1))
        #expect(try parser.parse("\"a b c\"/10%^2") == .boosted(.quorum("a b c", minimum: 1, field: nil, column: 1), 2))
        #expect(try parser.parse("(\"a b\"/100%)") == .quorum("a b", minimum: 2, field: nil, column: 2))
        // Each word once, in any case and with or without accents.
        #expect(QueryNode.quorumWords(" Économie  économie\tECONOMIE sociale ") == ["Économie", "sociale"])
        #expect(throws: QueryError("quorum /3 must be from 1 to the 2 words between the quotes", column: 28)) {
            try parser.parse("\"Économie économie sociale\"/3")
        }
    }

    /// `a NEAR/N b` (Xapian's NEAR): the proximity search of its words with a slop of N − 1, 10 apart
    /// without `/N`; a chain takes its largest N; it binds tighter than OR, and joins plain or exact words only.
    @Test func nearIsAProximitySearch() throws {
        #expect(try parser.parse("économie NEAR/3 sociale") == .phrase("économie sociale", slop: 2, field: nil, column: 1))
        #expect(try parser.parse("a NEAR b") == .phrase("a b", slop: 9, field: nil, column: 1))
        #expect(try parser.parse("a NEAR/1 b") == .phrase("a b", slop: 0, field: nil, column: 1))
        #expect(try parser.parse("x a NEAR/2 b NEAR/5 c") == .and([.word("x", field: nil, column: 1),
                                                                  .phrase("a b c", slop: 4, field: nil, column: 3)]))
        #expect(try parser.parse("a NEAR/2 b OR c") == .or([.phrase("a b", slop: 1, field: nil, column: 1), .word("c", field: nil, column: 15)]))
        #expect(try parser.parse("c OR a NEAR/2 b") == .or([.word("c", field: nil, column: 1), .phrase("a b", slop: 1, field: nil, column: 6)]))
        #expect(try parser.parse("title:(a NEAR/4 b) -(c NEAR d)") == .and([.phrase("a b", slop: 3, field: "title", column: 1),
                                                                          .not(.phrase("c d", slop: 9, field: nil, column: 22))]))
        #expect(try parser.parse("(a NEAR b)^2") == .boosted(.phrase("a b", slop: 9, field: nil, column: 2), 2))
        // An operator only in capitals and alone: otherwise a word, as OR is.
        #expect(try parser.parse("a near b") == .and([.word("a", field: nil, column: 1), .word("near", field: nil, column: 3),
                                                     .word("b", field: nil, column: 8)]))
        #expect(try parser.parse("NEARBY \\NEAR") == .and([.word("NEARBY", field: nil, column: 1), .word("NEAR", field: nil, column: 8)]))
        for (query, error) in [("a NEAR/0 b", QueryError("NEAR/0 must be a whole number of words from 1 to 64, as in a NEAR/3 b", column: 3)),
                               ("a NEAR/65 b", QueryError("NEAR/65 must be a whole number of words from 1 to 64, as in a NEAR/3 b", column: 3)),
                               ("a NEAR/2x b", QueryError("NEAR/2x must be a whole number of words from 1 to 64, as in a NEAR/3 b", column: 3)),
                               ("NEAR b", QueryError("NEAR needs a word on each side", column: 1)),
                               ("a NEAR", QueryError("NEAR needs a word on each side", column: 3)),
                               ("a NEAR -b", QueryError("NEAR needs a word on each side", column: 3)),
                               ("a NEAR OR b", QueryError("NEAR needs a word on each side", column: 3)),
                               ("a OR NEAR b", QueryError("OR needs a word on each side", column: 3)),
                               ("\"a b\" NEAR c", QueryError("NEAR joins plain or exact words, as in économie NEAR/3 sociale", column: 7)),
                               ("a NEAR b*", QueryError("NEAR joins plain or exact words, as in économie NEAR/3 sociale", column: 3)),
                               ("a NEAR b^2", QueryError("NEAR joins plain or exact words, as in économie NEAR/3 sociale", column: 3)),
                               ("a NEAR (b OR c)", QueryError("NEAR joins plain or exact words, as in économie NEAR/3 sociale", column: 3)),
                               ("title:a NEAR b", QueryError("NEAR's words take no field of their own: write title:(a NEAR b)", column: 9))] {
            #expect(throws: error, "\(query)") { try parser.parse(query) }
        }
    }

    /// `a ADJ/N b` (Xapian's ADJ): NEAR's window, the words in their order.
    @Test func adjIsAnOrderedProximitySearch() throws {
        #expect(try parser.parse("économie ADJ/3 sociale") == .adjacent("économie sociale", slop: 2, field: nil, column: 1))
        #expect(try parser.parse("a ADJ b") == .adjacent("a b", slop: 9, field: nil, column: 1))
        #expect(try parser.parse("x a ADJ/2 b ADJ/5 c") == .and([.word("x", field: nil, column: 1), .adjacent("a b c", slop: 4, field: nil, column: 3)]))
        #expect(try parser.parse("title:(a ADJ/4 b) OR c") == .or([.adjacent("a b", slop: 3, field: "title", column: 1), .word("c", field: nil, column: 22)]))
        #expect(try parser.parse("a adj b ADJOINT \\ADJ") == .and([.word("a", field: nil, column: 1), .word("adj", field: nil, column: 3),
                                                                   .word("b", field: nil, column: 7), .word("ADJOINT", field: nil, column: 9),
                                                                   .word("ADJ", field: nil, column: 17)]))
        for (query, error) in [("a ADJ/0 b", QueryError("ADJ/0 must be a whole number of words from 1 to 64, as in a ADJ/3 b", column: 3)),
                               ("a ADJ/x b", QueryError("ADJ/x must be a whole number of words from 1 to 64, as in a ADJ/3 b", column: 3)),
                               ("ADJ b", QueryError("ADJ needs a word on each side", column: 1)),
                               ("a ADJ", QueryError("ADJ needs a word on each side", column: 3)),
                               ("a ADJ b NEAR c", QueryError("NEAR and ADJ cannot join the same words: one chain is NEAR or ADJ throughout", column: 9)),
                               ("a NEAR b ADJ c", QueryError("NEAR and ADJ cannot join the same words: one chain is NEAR or ADJ throughout", column: 10)),
                               ("a ADJ b*", QueryError("ADJ joins plain or exact words, as in économie ADJ/3 sociale", column: 3)),
                               ("title:a ADJ b", QueryError("ADJ's words take no field of their own: write title:(a ADJ b)", column: 9))] {
            #expect(throws: error, "\(query)") { try parser.parse(query) }
        }
    }

    /// `a MAYBE b` (Sphinx's MAYBE, Xapian's AND_MAYBE): `a` required, `b` adding to its scores. OR
    /// binds tighter, the implicit AND looser.
    @Test func maybeAddsOptionalClauses() throws {
        func word(_ text: String, _ column: Int, field: String? = nil) -> QueryNode { .word(text, field: field, column: column) }
        #expect(try parser.parse("a MAYBE b") == .maybe(word("a", 1), optional: [word("b", 9)]))
        #expect(try parser.parse("a MAYBE b MAYBE \"c d\"^2") == .maybe(word("a", 1), optional: [word("b", 9),
                                                                                              .boosted(.phrase("c d", slop: nil, field: nil, column: 17), 2)]))
        #expect(try parser.parse("x a MAYBE b") == .and([word("x", 1), .maybe(word("a", 3), optional: [word("b", 11)])]))
        #expect(try parser.parse("a OR b MAYBE c OR d") == .maybe(.or([word("a", 1), word("b", 6)]), optional: [.or([word("c", 14), word("d", 19)])]))
        #expect(try parser.parse("(a b) MAYBE c -d") == .and([.maybe(.and([word("a", 2), word("b", 4)]), optional: [word("c", 13)]),
                                                            .not(word("d", 16))]))
        #expect(try parser.parse("a MAYBE b NEAR/2 c") == .maybe(word("a", 1), optional: [.phrase("b c", slop: 1, field: nil, column: 9)]))
        #expect(try parser.parse("title:(a MAYBE b)") == .maybe(word("a", 1, field: "title"), optional: [word("b", 1, field: "title")]))
        // An operator only in capitals and alone, as OR is.
        #expect(try parser.parse("a maybe b") == .and([word("a", 1), word("maybe", 3), word("b", 9)]))
        #expect(try parser.parse("MAYBES \\MAYBE") == .and([word("MAYBES", 1), word("MAYBE", 8)]))
        for (query, error) in [("MAYBE b", QueryError("MAYBE needs a word on each side", column: 1)),
                               ("a MAYBE", QueryError("MAYBE needs a word on each side", column: 3)),
                               ("a MAYBE OR b", QueryError("MAYBE needs a word on each side", column: 3)),
                               ("a OR MAYBE b", QueryError("OR needs a word on each side", column: 3)),
                               ("a MAYBE (b))", QueryError("unbalanced parenthesis", column: 12)),
                               ("a MAYBE -b", QueryError("MAYBE only adds to the scores, it cannot exclude: write the exclusion on its own, as in a MAYBE b -c", column: 9)),
                               ("a MAYBE NOT b", QueryError("MAYBE only adds to the scores, it cannot exclude: write the exclusion on its own, as in a MAYBE b -c", column: 9)),
                               ("(-a) MAYBE b", QueryError("a query needs at least one word that is not excluded; add *:* to exclude from every document"))] {
            #expect(throws: error, "\(query)") { try parser.parse(query) }
        }
    }

    /// `now` in a range of dates, moved (`-7d`, `+1M`) and rounded (`/d`, `/w`, `/M`, `/y`) in UTC, as
    /// Elasticsearch's date math: a rounded bound stands for its whole unit, as a day alone does.
    @Test func dateMath() throws {
        var parser = QueryParser()
        // Friday the 15th of March 2024, 10:10:00 UTC.
        let now = 1_710_497_400.0
        parser.clock = { Date(timeIntervalSince1970: now) }
        func range(_ query: String) throws -> NumberRange {
            guard case let .range(bounds, field, _) = try parser.parse(query) else { throw QueryError("not a range") }
            #expect(field == "date" && bounds.dates)
            return bounds
        }
        func expect(_ query: String, _ lower: Double?, _ includesLower: Bool, _ upper: Double?, _ includesUpper: Bool) throws {
            let bounds = try range(query)
            #expect(bounds.lower == lower && bounds.includesLower == includesLower, "\(query): \(bounds)")
            #expect(bounds.upper == upper && bounds.includesUpper == includesUpper, "\(query): \(bounds)")
        }
        let day = 86_400.0, midnight = 1_710_460_800.0  // 2024-03-15T00:00:00Z
        try expect("date:[now-7d TO now]", now - 7 * day, true, now, true)
        try expect("date:{now-2h TO now+90m}", now - 7_200, false, now + 5_400, false)
        try expect("date:[now/d TO now/d]", midnight, true, midnight + day, false)
        try expect("date:{now/d TO now/d}", midnight + day, true, midnight, false)
        try expect("date:[now-1d/d TO *]", midnight - day, true, nil, true)
        try expect("date:[now/w TO *]", midnight - 4 * day, true, nil, true)  // Monday the 11th
        try expect("date:[now/M TO now/M]", 1_709_251_200, true, 1_711_929_600, false)  // March 1st to April 1st
        try expect("date:[now-1y/y TO now/y}", 1_672_531_200, true, 1_704_067_200, false)  // 2023 whole
        try expect("date:[now-1M TO 2024-12-31]", 1_707_991_800, true, 1_735_689_600, false)  // 2024-02-15T10:10Z
        // A month or a year stands for the whole of it, as a rounded `now` does; two years alone are numbers.
        try expect("date:[2024-01 TO 2024-03]", 1_704_067_200, true, 1_711_929_600, false)  // January 1st to April 1st
        try expect("date:{2023-12 TO 2024-04}", 1_704_067_200, true, 1_711_929_600, false)
        try expect("date:[2023 TO now/d]", 1_672_531_200, true, midnight + day, false)
        try expect("date:[2024-02-29 TO 2025}", 1_709_164_800, true, 1_735_689_600, false)
        guard case let .range(years, _, _) = try parser.parse("date:[2023 TO 2024]") else { throw QueryError("not a range") }
        #expect(!years.dates && years.lower == 2023 && years.upper == 2024)
        for bad in ["now-7x", "now7d", "now-d", "now/q", "now+", "nowd", "now-1d/"] {
            #expect(throws: QueryError("\(bad) is not date math: now, then moves such as -7d or +1M and roundings such as /d (units y, M, w, d, h, m, s), as in now-7d/d",
                                       column: 6), "\(bad)") { try parser.parse("date:[\(bad) TO *]") }
        }
        #expect(throws: QueryError("a range's bounds are both numbers or both dates, not now and 5", column: 6)) {
            try parser.parse("date:[now TO 5]")
        }
        // The clock is read once a query: a clock that moves at every reading gives every bound the same `now`.
        final class Ticking: @unchecked Sendable { var readings = 0.0 }
        let ticking = Ticking()
        parser.clock = { ticking.readings += 1; return Date(timeIntervalSince1970: now + ticking.readings) }
        guard case let .or(ranges) = try parser.parse("date:[now TO now] OR date:{now-1s TO *]"),
              case let .range(first, _, _) = ranges[0], case let .range(second, _, _) = ranges[1] else { throw QueryError("not two ranges") }
        #expect(first.lower == now + 1 && first.upper == now + 1 && second.lower == now && ticking.readings == 1)
    }

    /// `?` and `*` inside a word make a wildcard pattern; a `?` ending a word is a question's.
    @Test func wildcards() throws {
        #expect(try parser.parse("écon?mie organi*ation éco*n?") == .and([.wildcard("écon?mie", field: nil, column: 1),
                                                                        .wildcard("organi*ation", field: nil, column: 10),
                                                                        .wildcard("éco*n", field: nil, column: 23)]))
        #expect(try parser.parse("title:(écon?m* OR mer)") == .or([.wildcard("écon?m*", field: "title", column: 1),
                                                                   .word("mer", field: "title", column: 1)]))
        #expect(try parser.parse("économie? écon*?") == .and([.word("économie?", field: nil, column: 1), .prefix("écon", field: nil, column: 11)]))
    }

    /// A `*` right after a phrase's last word, not escaped, makes its last word a prefix; anywhere
    /// else in quotes, or escaped, or with a proximity, it is punctuation as before.
    @Test func phrasePrefixes() throws {
        #expect(try parser.parse("\"ligne de comm*\"") == .phrasePrefix("ligne de comm", field: nil, column: 1))
        #expect(try parser.parse("title:\"la m*\"^2") == .boosted(.phrasePrefix("la m", field: "title", column: 1), 2))
        #expect(try parser.parse("\"ligne de comm\\*\"") == .phrase("ligne de comm*", slop: nil, field: nil, column: 1))
        #expect(try parser.parse("\"a b *\"") == .phrase("a b *", slop: nil, field: nil, column: 1))
        #expect(try parser.parse("\"a b*\"~2") == .phrase("a b*", slop: 2, field: nil, column: 1))
        #expect(try parser.parse("\"a b* c\"") == .phrase("a b* c", slop: nil, field: nil, column: 1))
        #expect(try parser.parse("\"*\"") == .phrase("*", slop: nil, field: nil, column: 1))
    }

    /// `« »` and `“ ”` quote as `"` does, the spaces French typography puts inside them left out; with
    /// no closing one they are punctuation, as before.
    @Test func typographicQuotes() throws {
        #expect(try parser.parse("« économie sociale »") == .phrase("économie sociale", slop: nil, field: nil, column: 1))
        #expect(try parser.parse("«\u{A0}économie sociale\u{202F}»") == .phrase("économie sociale", slop: nil, field: nil, column: 1))
        #expect(try parser.parse("“économie sociale”~2") == .phrase("économie sociale", slop: 2, field: nil, column: 1))
        #expect(try parser.parse("« ligne de comm* »") == .phrasePrefix("ligne de comm", field: nil, column: 1))
        #expect(try parser.parse("title:« a b c »/2^3") == .boosted(.quorum("a b c", minimum: 2, field: "title", column: 1), 3))
        #expect(try parser.parse("jardin -« la mer »") == .and([.word("jardin", field: nil, column: 1),
                                                               .not(.phrase("la mer", slop: nil, field: nil, column: 9))]))
        // Each closes only its own: a `"` or a `»` inside is text.
        #expect(try parser.parse("“a \" b”") == .phrase("a \" b", slop: nil, field: nil, column: 1))
        #expect(try parser.parse("\"a » b\"") == .phrase("a » b", slop: nil, field: nil, column: 1))
        // Columns after them count code points.
        #expect(throws: QueryError("unbalanced parenthesis", column: 9)) { try parser.parse("« a b » )") }
        // Left open: punctuation, no error.
        #expect(try parser.parse("« économie") == .and([.word("«", field: nil, column: 1), .word("économie", field: nil, column: 3)]))
        #expect(try parser.parse("économie »") == .and([.word("économie", field: nil, column: 1), .word("»", field: nil, column: 10)]))
    }

    /// `/expression/` is a regular expression when its closing `/` ends the word; anything else with
    /// slashes stays a word (`/usr/bin`, `1/2`, `/a b/`).
    @Test func regularExpressions() throws {
        #expect(try parser.parse("/joh?n(ath[oa]n)/ -/a.c/") == .and([.regex(try RegexPattern("joh?n(ath[oa]n)"), field: nil, column: 1),
                                                                      .not(.regex(try RegexPattern("a.c"), field: nil, column: 20))]))
        #expect(try parser.parse("title:/jard.n/^2 OR (/a\\/b/)") == .or([.boosted(.regex(try RegexPattern("jard.n"), field: "title", column: 1), 2),
                                                                          .regex(try RegexPattern("a\\/b"), field: nil, column: 22)]))
        #expect(try parser.parse("/usr/bin 1/2") == .and([.word("/usr/bin", field: nil, column: 1), .word("1/2", field: nil, column: 10)]))
        #expect(try parser.parse("/a b/") == .and([.word("/a", field: nil, column: 1), .word("b/", field: nil, column: 4)]))
        #expect(try parser.parse("// /") == .and([.word("//", field: nil, column: 1), .word("/", field: nil, column: 4)]))
        #expect(try parser.parse("title:(/ab+/ OR mer)") == .or([.regex(try RegexPattern("ab+"), field: "title", column: 1), .word("mer", field: "title", column: 1)]))
        // A malformed expression's column is its character's, in a field too.
        #expect(throws: QueryError("/[/: unbalanced [", column: 8)) { try parser.parse("title:/[/") }
        #expect(throws: QueryError("/a{3,1}/: a repetition {n,m} with m below n", column: 10)) { try parser.parse("jardin /a{3,1}/") }
    }

    /// `[a TO b]` with `[ ]` including and `{ }` excluding a bound, `*` for none, in a field or not;
    /// brackets that do not hold a range stay part of a word, as before ranges.
    @Test func ranges() throws {
        let years = NumberRange(lower: 2000, upper: 2010, includesLower: true, includesUpper: false, text: "[2000 TO 2010}")
        #expect(try parser.parse("année:[2000 TO 2010}") == .range(years, field: "année", column: 1))
        let open = NumberRange(lower: nil, upper: -2.5, includesLower: false, includesUpper: true, text: "{*  TO\t-2,5]")
        #expect(try parser.parse("vélo {*  TO\t-2,5]^2") == .and([.word("vélo", field: nil, column: 1), .boosted(.range(open, field: nil, column: 6), 2)]))
        #expect(try parser.parse("-prix:[* TO 3] (a)") == .and([.not(.range(NumberRange(lower: nil, upper: 3, includesLower: true, includesUpper: true,
                                                                                         text: "[* TO 3]"), field: "prix", column: 2)),
                                                            .word("a", field: nil, column: 17)]))
        #expect(try parser.parse("[ESS] {a}") == .and([.word("[ESS]", field: nil, column: 1), .word("{a}", field: nil, column: 7)]))
        #expect(try parser.parse("[1 to 2]") == .and([.word("[1", field: nil, column: 1), .word("to", field: nil, column: 4), .word("2]", field: nil, column: 7)]))
        // Bounds in groups of digits, as the analyzer joins them; anything else between the brackets stays words.
        #expect(try parser.parse("prix:[1 000 TO 2\u{202F}500,5}") == .range(NumberRange(lower: 1000, upper: 2500.5, includesLower: true,
                                                                                      includesUpper: false, text: "[1 000 TO 2\u{202F}500,5}"),
                                                                          field: "prix", column: 1))
        #expect(try parser.parse("[* TO -1 000]") == .range(NumberRange(lower: nil, upper: -1000, includesLower: true, includesUpper: true,
                                                                        text: "[* TO -1 000]"), field: nil, column: 1))
        for text in ["[1 00 TO 2]", "[a b TO 2]", "[1 000 TO 2 TO 3]"] {
            guard case .and = try parser.parse(text) else { Issue.record("\(text) is a range"); continue }
        }
        for (bound, value) in [("1 000", 1000.0), ("-12 345,5", -12345.5), ("2\u{A0}500", 2500)] { #expect(NumberRange.value(ofBound: bound) == value) }
        for (term, value) in [("2024", 2024.0), ("2,5", 2.5), ("1.25", 1.25), ("007", 7)] { #expect(NumberRange.value(ofTerm: term) == value) }
        for term in ["2,", ",5", "1,2,3", "1.2.3", "-2", "12a", "", "2 5"] { #expect(NumberRange.value(ofTerm: term) == nil, "\(term)") }
        #expect(years.contains(2000) && years.contains(2009.5) && !years.contains(2010) && !years.contains(1999))
    }

    /// `^N` right after a word, a phrase or a group multiplies its scores; in a field, the field's atom.
    @Test func boosts() throws {
        #expect(try parser.parse("jardin^2 \"la mer\"~1^0.5") == .and([.boosted(.word("jardin", field: nil, column: 1), 2),
                                                                      .boosted(.phrase("la mer", slop: 1, field: nil, column: 10), 0.5)]))
        #expect(try parser.parse("(a OR b*)^3 title:c~1^1.5 -d^2") == .and([
            .boosted(.or([.word("a", field: nil, column: 2), .prefix("b", field: nil, column: 7)]), 3),
            .boosted(.fuzzy("c", edits: 1, field: "title", column: 13), 1.5),
            .not(.boosted(.word("d", field: nil, column: 28), 2)),
        ]))
        #expect(try parser.parse("title:(a b)^2") == .boosted(.and([.word("a", field: "title", column: 1), .word("b", field: "title", column: 1)]), 2))
        // Not followed by a number, ^ belongs to the word.
        #expect(try parser.parse("a^b") == .word("a^b", field: nil, column: 1))
        #expect(try parser.parse("a^-b c^.") == .and([.word("a^-b", field: nil, column: 1), .word("c^.", field: nil, column: 6)]))
        // A number written short is one.
        #expect(try parser.parse("jardin^.5") == .boosted(.word("jardin", field: nil, column: 1), 0.5))
    }

    /// A phrase's `~N`, a quorum's `/N`, a boost and a range end where a quote or a parenthesis starts,
    /// as a phrase does: `"a b"~2"c d"` is two phrases, as `"a b""c d"` is.
    @Test func numbersEndAtQuotesAndParentheses() throws {
        #expect(try parser.parse(#""a b""c d""#) == .and([.phrase("a b", slop: nil, field: nil, column: 1),
                                                         .phrase("c d", slop: nil, field: nil, column: 6)]))
        #expect(try parser.parse(#""a b"~2"c d" "e f"~1«g h»"#) == .and([
            .phrase("a b", slop: 2, field: nil, column: 1), .phrase("c d", slop: nil, field: nil, column: 8),
            .phrase("e f", slop: 1, field: nil, column: 14), .phrase("g h", slop: nil, field: nil, column: 21),
        ]))
        #expect(try parser.parse(#""a b c"/2(d OR e)"#) == .and([.quorum("a b c", minimum: 2, field: nil, column: 1),
                                                                .or([.word("d", field: nil, column: 11), .word("e", field: nil, column: 16)])]))
        #expect(try parser.parse(#"a^2"b c" d^3(e)"#) == .and([
            .boosted(.word("a", field: nil, column: 1), 2), .phrase("b c", slop: nil, field: nil, column: 4),
            .boosted(.word("d", field: nil, column: 10), 3), .word("e", field: nil, column: 14),
        ]))
        #expect(try parser.parse(#"a [1 TO 2]"b c""#) == .and([.word("a", field: nil, column: 1),
                                                               .range(NumberRange(lower: 1, upper: 2, includesLower: true, includesUpper: true, text: "[1 TO 2]"),
                                                                      field: nil, column: 3),
                                                               .phrase("b c", slop: nil, field: nil, column: 11)]))
        #expect(throws: QueryError("proximity ~2x must be a whole number of words", column: 6)) { try parser.parse(#""a b"~2x"c""#) }
    }

    /// Columns count code points, whatever their length in UTF-8; Unicode white space separates words.
    @Test func columnsCountCodePointsAndUnicodeSpacesSeparate() throws {
        #expect(try parser.parse("é\u{00A0}-b") == .and([.word("é", field: nil, column: 1), .not(.word("b", field: nil, column: 4))]))
        #expect(try parser.parse("🌱 ŒUVRE\u{2003}c*") == .and([.word("🌱", field: nil, column: 1), .word("ŒUVRE", field: nil, column: 3),
                                                                .prefix("c", field: nil, column: 9)]))
        #expect(throws: QueryError("unbalanced quote", column: 4)) { try parser.parse("ça \"b") }
        // Every white space code point past ASCII separates words; letters with the same lead bytes do not.
        for space in ["\u{0085}", "\u{1680}", "\u{2009}", "\u{2028}", "\u{202F}", "\u{205F}", "\u{3000}"] {
            #expect(try parser.parse("a\(space)b") == .and([.word("a", field: nil, column: 1), .word("b", field: nil, column: 3)]))
        }
        // But for the space between a number's groups of three digits (QUERY.md).
        #expect(try parser.parse("100 000 euros") == .and([.word("100 000", field: nil, column: 1), .word("euros", field: nil, column: 9)]))
        #expect(try parser.parse("a -title:1\u{202F}000\u{A0}000,5^2")
                == .and([.word("a", field: nil, column: 1), .not(.boosted(.word("1\u{202F}000\u{A0}000,5", field: "title", column: 4), 2))]))
        #expect(try parser.parse("1 000\u{2009}000 000,5") == .word("1 000\u{2009}000 000,5", field: nil, column: 1))
        #expect(try parser.parse("1 000 0000") == .and([.word("1 000", field: nil, column: 1), .word("0000", field: nil, column: 7)]))
        for text in ["2024 2025", "06 12 34", "1 2345", "1  000", "a 000", "1,5 000", "12 345 6789", "1234 567 890", "a1 000"] {
            guard case .and = try parser.parse(text) else { Issue.record("\(text) is one word"); continue }
        }
        #expect(try parser.parse("a\u{00AB}\u{1681}\u{2010}\u{3001}b") == .word("a\u{00AB}\u{1681}\u{2010}\u{3001}b", field: nil, column: 1))
        // Operators are those exact capitals.
        #expect(try parser.parse("ORé Or AN NOTE") == .and([.word("ORé", field: nil, column: 1), .word("Or", field: nil, column: 5),
                                                          .word("AN", field: nil, column: 8), .word("NOTE", field: nil, column: 11)]))
    }

    @Test(arguments: [
        ("", "empty query"),
        ("   ", "empty query"),
        ("économie \"solidaire", "unbalanced quote at column 10"),
        ("\"a b\"/", "/ after quoted words needs a number of words, as in \"a b c\"/2 or \"a b c\"/75% at column 6"),
        ("\"a b\"/0%", "quorum /0% must be from 1% to 100% at column 6"),
        ("\"a b\"/101%", "quorum /101% must be from 1% to 100% at column 6"),
        ("\"a b\"/50%x", "quorum /50%x must be a whole number of words or a percentage at column 6"),
        ("\"a b\"/0", "quorum /0 must be from 1 to the 2 words between the quotes at column 6"),
        ("\"a b\"/3", "quorum /3 must be from 1 to the 2 words between the quotes at column 6"),
        ("\"a b\"/1.5", "quorum /1.5 must be a whole number of words or a percentage at column 6"),
        ("\"a b\"/2x", "quorum /2x must be a whole number of words or a percentage at column 6"),
        ("\"\"/1", "quorum /1 needs words between the quotes at column 3"),
        ("(a b", "unbalanced parenthesis at column 1"),
        ("a b)", "unbalanced parenthesis at column 4"),
        ("()", "empty parentheses at column 2"),
        (")", "unbalanced parenthesis at column 1"),
        ("a ) b", "unbalanced parenthesis at column 3"),
        ("(a))", "unbalanced parenthesis at column 4"),
        ("a (", "unbalanced parenthesis at column 3"),
        ("title:(", "unbalanced parenthesis at column 7"),
        ("((a) (", "unbalanced parenthesis at column 6"),
        ("-a", "a query needs at least one word that is not excluded; add *:* to exclude from every document"),
        ("-a NOT b", "a query needs at least one word that is not excluded; add *:* to exclude from every document"),
        ("a OR", "OR needs a word on each side at column 3"),
        ("OR a", "OR needs a word on each side at column 1"),
        ("a OR -b", "an exclusion cannot be an alternative of OR at column 6"),
        ("a -", ""),  // a lone hyphen is punctuation
        ("a ~", ""),
        ("a NOT", "nothing to exclude after NOT at column 3"),
        ("\"a b\"~x", "~ after a phrase needs a number of words, as in \"a b\"~3 at column 6"),
        ("\"a b\"~99", "proximity ~99 is over the limit of 64 at column 6"),
        ("title: a", ""),
        ("économie~3", "fuzzy ~3 is over the limit of 2 edits at column 9"),
        ("a écono*~1", "a word is a wildcard (*, ?) or fuzzy (~), not both at column 3"),
        ("a éco?nomie~1", "a word is a wildcard (*, ?) or fuzzy (~), not both at column 3"),
        ("a~~", "~ may only end a word, as in economie~ at column 1"),
        ("a b~c", "~ may only end a word, as in economie~ at column 3"),
        ("~2", "~ may only end a word, as in economie~ at column 1"),
        ("jardin~0.8", "fuzzy ~0.8 must be a number of edits: 0, 1 or 2 at column 7"),
        ("jardin~-1", "fuzzy ~-1 must be a number of edits: 0, 1 or 2 at column 7"),
        ("\"a b\"~1.5 c", "proximity ~1.5 must be a whole number of words at column 6"),
        ("(\"a b\"~3x)", "proximity ~3x must be a whole number of words at column 7"),
        ("**", "a wildcard needs at least 2 letters before it, as in econo* at column 1"),
        ("a ?conomie", "a wildcard needs at least 2 letters before it, as in econo* at column 3"),
        ("a^0", "boost ^0 must be a number above 0 and at most 10000 at column 2"),
        ("a^20000", "boost ^20000 must be a number above 0 and at most 10000 at column 2"),
        ("a^1.2.3", "boost ^1.2.3 must be a number above 0 and at most 10000 at column 2"),
        ("jardin^-1", "boost ^-1 must be a number above 0 and at most 10000 at column 7"),
        ("jardin^-.5 b", "boost ^-.5 must be a number above 0 and at most 10000 at column 7"),
        ("jardin^+2x", "^+2 must end a word, a phrase or a group at column 7"),
        ("a^2b", "^2 must end a word, a phrase or a group at column 2"),
        ("a ^2", "a boost follows a word, a phrase or a group, with no space at column 3"),
        ("a^2^3", "^2 must end a word, a phrase or a group at column 2"),
        ("(^2 a)", "a boost follows a word, a phrase or a group, with no space at column 2"),
        ("a (-b)^2", "an exclusion cannot be boosted at column 7"),
        ("jardin title:-ville", "an exclusion goes before its field, as in -title:ville at column 14"),
        ("jardin title:!é\u{301}té)", "an exclusion goes before its field, as in !title:é\u{301}té at column 14"),
        ("jardin title:-\"la mer\" b", "an exclusion goes before its field, as in -title:\"la mer\" at column 14"),
        ("title:--force", ""),  // an option as written in technical text: the word `force`
        ("année:[2000 TO deux]", "a range's bounds are numbers, dates or *, as in [2000 TO 2010] or [2024-01-01 TO *], not deux at column 7"),
        ("a [1,5. TO 2]", "a range's bounds are numbers, dates or *, as in [2000 TO 2010] or [2024-01-01 TO *], not 1,5. at column 3"),
        ("date:[2024-01-01 TO 30]", "a range's bounds are both numbers or both dates, not 2024-01-01 and 30 at column 6"),
        ("date:[2024-13 TO *]", "a range's bounds are numbers, dates or *, as in [2000 TO 2010] or [2024-01-01 TO *], not 2024-13 at column 6"),
        ("date:[2024-02-30 TO *]", "a range's bounds are numbers, dates or *, as in [2000 TO 2010] or [2024-01-01 TO *], not 2024-02-30 at column 6"),
        ("date:[2024-01-01T10:00 TO 2024-12-31]", ""),
        ("a {1 TO 2", "unbalanced { of a range at column 3"),
        ("[1 TO 2]x", "a range ends at its ] at column 1"),
        ("(x [1 TO 2}) y", ""),
    ])
    func badQueriesSayWhatAndWhere(query: String, message: String) {
        do {
            _ = try parser.parse(query)
            #expect(message.isEmpty, "\(query) parsed")
        } catch let error as QueryError {
            #expect(error.description == message)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func limitsAreEnforced() {
        #expect(throws: QueryError.self) { try parser.parse(String(repeating: "a ", count: 600)) }
        #expect(throws: QueryError.self) { try parser.parse(String(repeating: "(", count: 20) + "a" + String(repeating: ")", count: 20)) }
        #expect(throws: Never.self) { try parser.parse(String(repeating: "(", count: 10) + "a" + String(repeating: ")", count: 10)) }
    }
}
