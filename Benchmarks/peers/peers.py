#!/usr/bin/env python3
"""Build an index of a JSON Lines corpus with a peer engine, configured as close to fts as it allows.

Usage: peers.py build ENGINE CORPUS.jsonl INDEX [--facets FIELD,…]
       peers.py query ENGINE INDEX QUERIES.tsv [--top 10] [--runs 5] [--count | --alongside-exhaustive | --sort FIELD[:desc]
                                                                        | --facets FIELD,…]
ENGINE: tantivy | xapian | sqlite

Every string field of a document is indexed (title, body and the rest, as fts does) and stored; the id
is stored and indexed as a single term. In tantivy, a field whose values are all integers is an
integer fast field (stored, indexed), which `--sort` orders the top k by (tantivy only). `build --facets`
(tantivy only) also keeps each named string field's value whole in a fast field `NAME_facet` (the raw
tokenizer), and `query --facets` runs, instead of a top k, tantivy's terms aggregation on them (the 10
most frequent values of each among all the matches), what `fts search --limit 0 --facet` counts.
- tantivy: simple tokenizer, lower-case, French Snowball stemmer, then ASCII folding (stem, then fold,
  as fts does); positions; 256 MB writer heap, 2 threads.
- xapian: TermGenerator with Stem("french") (STEM_SOME), positions; title also under prefix S. Xapian
  folds case but not accents.
- sqlite: FTS5 with unicode61 remove_diacritics 2; it has no French stemmer.
Fuzzy words (`word~`) run in tantivy only, as a FuzzyTermQuery per field on the analysed word; Xapian's
and SQLite's query languages have no fuzzy search. So do the lines of the class `like` (a document id:
the documents like it, as `fts search --like`), as tantivy's MoreLikeThisQuery set as fts chooses its
terms (the 25 best by tf × idf, none that fewer than 2 documents hold, the same stop words), its
document found by its id in the timed run.
`build` prints {"documents": N}. `query` runs a query file (fts's syntax, translated for the engine; see
translate()) once to warm up, then --runs times, timing each top-k search in process, and prints per
class {"median_us", "p99_us", "hits", "unsupported"}; with --count, the exact number of matches of each
query instead of its top k ("hits" is then the sum of the matches).
"""
import json, os, re, shutil, statistics, sys, time, unicodedata

HEAP = 256 << 20

def documents(path):
    with open(path, encoding="utf-8") as corpus:
        for line in corpus:
            if line.strip():
                yield json.loads(line)

def fields_of(doc):
    """The document's indexed text fields, in a fixed order: title, body, then the others."""
    out = [("title", doc.get("title") or ""), ("body", doc.get("body") or doc.get("text") or "")]
    for name in sorted(doc):
        if name not in ("id", "title", "body", "text", "path", "line") and isinstance(doc[name], str):
            out.append((name, doc[name]))
    return out

def field_names(path):
    names = ["title", "body"]
    for doc in documents(path):
        for name, _ in fields_of(doc):
            if name not in names:
                names.append(name)
    return names

def integer_names(path):
    """The fields every document holding them gives an integer (not a boolean): tantivy's fast fields."""
    integers, others = set(), set()
    for doc in documents(path):
        for name, value in doc.items():
            if name not in ("id", "title", "body", "text", "path", "line"):
                (integers if isinstance(value, int) and not isinstance(value, bool) else others).add(name)
    return sorted(integers - others)

def tantivy_analyzer():
    import tantivy
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("french"))
            .filter(tantivy.Filter.ascii_fold())
            .build())

def tantivy_schema(names, integers, facets=()):
    import tantivy
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in names:
        builder.add_text_field(name, stored=True, tokenizer_name="fr", index_option="position")
    for name in integers:
        builder.add_integer_field(name, stored=True, indexed=True, fast=True)
    for name in facets:
        builder.add_text_field(name + "_facet", fast=True, tokenizer_name="raw", index_option="basic")
    return builder.build()

def build_tantivy(corpus, index, facets=()):
    import tantivy
    names, integers = field_names(corpus), integer_names(corpus)
    os.makedirs(index)
    engine = tantivy.Index(tantivy_schema(names, integers, facets), path=index)
    engine.register_tokenizer("fr", tantivy_analyzer())
    writer = engine.writer(heap_size=HEAP, num_threads=2)
    count = 0
    for doc in documents(corpus):
        values = {"id": [str(doc.get("id", count))]}
        for name, text in fields_of(doc):
            values[name] = [text]
        for name in integers:
            if name in doc:
                values[name] = [doc[name]]
        for name in facets:
            if isinstance(doc.get(name), str):
                values[name + "_facet"] = [doc[name]]
        writer.add_document(tantivy.Document(**values))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    # Queries search every text field, as fts's do: the names go beside the index.
    with open(index + ".fields.json", "w", encoding="utf-8") as out:
        json.dump(names, out)
    return count

def build_xapian(corpus, index):
    import xapian
    database = xapian.WritableDatabase(index, xapian.DB_CREATE_OR_OVERWRITE)
    generator = xapian.TermGenerator()
    generator.set_stemmer(xapian.Stem("french"))
    generator.set_stemming_strategy(xapian.TermGenerator.STEM_SOME)
    prefixes = {}
    count = 0
    database.begin_transaction(False)
    for doc in documents(corpus):
        document = xapian.Document()
        generator.set_document(document)
        for name, text in fields_of(doc):
            if name == "title":
                generator.index_text(text, 1, "S")
            elif name != "body":
                prefix = prefixes.setdefault(name, "X" + name.upper() + ":")
                generator.index_text(text, 1, prefix)
            generator.index_text(text)
            generator.increase_termpos()
        document.set_data(json.dumps(doc, ensure_ascii=False))
        identifier = "Q" + str(doc.get("id", count))
        document.add_boolean_term(identifier)
        database.replace_document(identifier, document)
        count += 1
    database.commit_transaction()
    database.close()
    return count

def build_sqlite(corpus, index):
    import sqlite3
    names = field_names(corpus)
    connection = sqlite3.connect(index)
    columns = ", ".join(["id UNINDEXED"] + names)
    connection.execute(f"CREATE VIRTUAL TABLE docs USING fts5({columns}, tokenize = 'unicode61 remove_diacritics 2')")
    placeholders = ", ".join("?" * (len(names) + 1))
    def rows():
        for position, doc in enumerate(documents(corpus)):
            values = dict(fields_of(doc))
            yield [str(doc.get("id", position))] + [values.get(name, "") for name in names]
    with connection:
        connection.executemany(f"INSERT INTO docs VALUES ({placeholders})", rows())
    count = connection.execute("SELECT count(*) FROM docs").fetchone()[0]
    connection.close()
    return count

BUILDERS = {"tantivy": build_tantivy, "xapian": build_xapian, "sqlite": build_sqlite}

ATOM = re.compile(r'"[^"]*"|\S+')

class FuzzyWord:
    """`word~N` (edits -1: as fts's `word~`, chosen by the word's length)."""
    def __init__(self, word, edits):
        self.word, self.edits = word, edits

class WildcardPattern:
    """`econ?mie`, `organi*ation`: `?` one character, `*` any run."""
    def __init__(self, pattern):
        self.pattern = pattern

class Maybe:
    """`a MAYBE b`: `a` required, `b` adding to its scores (Xapian's OP_AND_MAYBE)."""
    def __init__(self, required, optional):
        self.required, self.optional = required, optional

class LikeDocument:
    """The documents like the one with this id."""
    def __init__(self, id):
        self.id = id

def like_stop_words():
    """fts's stop words for `--like`, read from where fts keeps them (SimilarTerms.swift), so that the
    two lists cannot drift apart."""
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Sources", "Query", "query", "SimilarTerms.swift")
    with open(source, encoding="utf-8") as swift:
        text = swift.read()
    return text.split('stopWords: Set<String> = Set("""', 1)[1].split('"""', 1)[0].split()

# Per opened index: a searcher to find documents by id, and the stop words as its analyzer makes them.
LIKE_SETUP = {}

def tantivy_like_query(engine_index, analyzer, like):
    """tantivy's MoreLikeThisQuery of the document with the id, found by its id (a term of the raw
    field): stop words compared with its terms, so given as the analyzer makes them."""
    import tantivy
    if id(engine_index) not in LIKE_SETUP:
        LIKE_SETUP[id(engine_index)] = (engine_index.searcher(),
                                        sorted({term for word in like_stop_words() for term in analyzer.analyze(word)}))
    searcher, stop = LIKE_SETUP[id(engine_index)]
    hits = searcher.search(tantivy.Query.term_query(engine_index.schema, "id", like.id), 1).hits
    return tantivy.Query.more_like_this_query(hits[0][1], min_doc_frequency=2, min_term_frequency=1, max_query_terms=25,
                                              boost_factor=None, stop_words=stop)

def tantivy_query(engine_index, analyzer, fields, query):
    """A translated query as tantivy runs it. A fuzzy word is analysed as indexed (tantivy's
    FuzzyTermQuery compares terms, here stems) and searched in every field, with the edits fts would
    allow (0 up to 2 letters, 1 up to 5, else 2), a transposition counting one, as fts counts."""
    import tantivy
    if isinstance(query, LikeDocument):
        return tantivy_like_query(engine_index, analyzer, query)
    if isinstance(query, WildcardPattern):
        # tantivy's RegexQuery runs over a field's terms, here stems: the pattern is folded as its
        # analyzer folds (lower case, accents removed) but cannot be stemmed, so it matches fewer
        # terms than fts's, which matches whole spellings. The work is the same kind: an automaton
        # walked against the term dictionary of every field.
        folded = "".join(c for c in unicodedata.normalize("NFD", query.pattern.lower()) if unicodedata.category(c) != "Mn")
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in folded)
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.regex_query(engine_index.schema, field, regex))
                                            for field in fields])
    if not isinstance(query, FuzzyWord):
        return engine_index.parse_query(query, fields)
    terms = analyzer.analyze(query.word)
    if not terms:
        return engine_index.parse_query(query.word, fields)
    letters = len(query.word)
    edits = query.edits if query.edits >= 0 else 0 if letters <= 2 else 1 if letters <= 5 else 2
    schema = engine_index.schema
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.fuzzy_term_query(schema, field, terms[0], distance=edits,
                                                                                               transposition_cost_one=True))
                                        for field in fields])

def translate(engine, kind, query):
    """The benchmark's query forms (make-queries.py) in the engine's syntax; None when it has no such query."""
    atoms = ATOM.findall(query)
    if kind == "like":
        return LikeDocument(query) if engine == "tantivy" else None
    if kind == "wildcard":
        # Only tantivy has a query for a wildcard inside a word (RegexQuery); Xapian's wildcards and
        # SQLite's prefixes only end a word.
        return WildcardPattern(query) if engine == "tantivy" else None
    if kind == "proximity":
        # `"a b"~N`: both words, in either order, with at most N words between them: SQLite's
        # NEAR(a b, N) and Xapian's `a NEAR/N+1 b` (a window of N + 2 words). tantivy's slop counts
        # moves as Lucene's does, so the pair in the other order spends 2 of it: it finds fewer.
        first, second, slop = re.fullmatch(r'"(\S+) (\S+)"~(\d+)', query).groups()
        if engine == "xapian":
            return f"{first} NEAR/{int(slop) + 1} {second}"
        if engine == "sqlite":
            return f'NEAR("{first}" "{second}", {slop})'
        return query
    if kind == "maybe":
        # tantivy's parser writes it `+a b` (OR is its default); Xapian's parser has no such operator
        # (its default here is AND), so its query is built (OP_AND_MAYBE); SQLite's FTS5 has none.
        required, optional = query.split(" MAYBE ")
        return f"+{required} {optional}" if engine == "tantivy" else Maybe(required, optional) if engine == "xapian" else None
    if kind == "ordered":
        # `a ADJ/N b`: Xapian's ADJ, as written (a window of N + 1 words, in order); tantivy's parser and
        # SQLite's FTS5 have no ordered proximity.
        return query if engine == "xapian" else None
    if kind == "fuzzy":
        # Only tantivy has a fuzzy query (FuzzyTermQuery, built by `tantivy_query`); Xapian and SQLite none.
        return FuzzyWord(query.rstrip("~0123456789"), int(query.split("~")[1] or -1)) if engine == "tantivy" else None
    if engine == "tantivy":
        if kind == "prefix":
            return None  # tantivy's query parser has no single-term prefix (only phrase prefixes)
        if kind.startswith("and"):
            return " ".join("+" + atom for atom in atoms)
        return query  # terms, OR, "phrases", title:word are tantivy syntax as they stand
    if engine == "xapian":
        return query  # with default operator AND, OR, "phrases", title: prefix and wildcards
    if engine == "sqlite":
        def quote(atom):
            if atom == "OR":
                return atom
            field = ""
            if atom.startswith("title:"):
                field, atom = "title : ", atom[len("title:"):]
            if atom.startswith('"'):
                return field + atom
            if atom.endswith("*"):
                return field + '"' + atom[:-1].replace('"', '') + '" *'
            return field + '"' + atom.replace('"', '') + '"'
        return " ".join(quote(atom) for atom in atoms)
    raise ValueError(engine)

def tantivy_searcher(index):
    """The opened index, its analyzer and a searcher over it."""
    import tantivy
    engine_index = tantivy.Index.open(index)
    analyzer = tantivy_analyzer()
    engine_index.register_tokenizer("fr", analyzer)
    engine_index.reload()
    return engine_index, analyzer, engine_index.searcher()

def counters(engine, index, fields):
    """A function returning a query's exact number of matches, for each engine."""
    if engine == "tantivy":
        engine_index, analyzer, searcher = tantivy_searcher(index)
        return lambda q: searcher.search(tantivy_query(engine_index, analyzer, fields, q), 1, count=True).count
    if engine == "xapian":
        import xapian
        database = xapian.Database(index)
        run = searchers("xapian", index, fields, database=database)
        return lambda q: run(q, 0, count=True)
    if engine == "sqlite":
        import sqlite3
        connection = sqlite3.connect(index)
        return lambda q: connection.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (q,)).fetchone()[0]
    raise ValueError(engine)

def aggregators(index, fields, facets):
    """A function running one query's terms aggregation on each of `facets` (tantivy only), returning
    the number of values it gives."""
    engine_index, analyzer, searcher = tantivy_searcher(index)
    aggregation = {name: {"terms": {"field": name + "_facet", "size": 10}} for name in facets}
    def run(q, top):
        result = searcher.aggregate(tantivy_query(engine_index, analyzer, fields, q), aggregation)
        return sum(len(result[name]["buckets"]) for name in facets)
    return run

def searchers(engine, index, fields, database=None, exhaustive=False, sort=None):
    """A function running one query and returning its hits, for each engine; `exhaustive` (tantivy only)
    collects the count beside the top k, so that every match is scored; `sort` (tantivy only), "FIELD"
    or "FIELD:desc", orders the top k by an integer fast field instead of by score."""
    if engine == "tantivy":
        import tantivy
        engine_index, analyzer, searcher = tantivy_searcher(index)
        if sort:
            field, _, direction = sort.partition(":")
            order = tantivy.Order.Desc if direction == "desc" else tantivy.Order.Asc
            return lambda q, top: len(searcher.search(tantivy_query(engine_index, analyzer, fields, q), top, count=False,
                                                      order_by_field=field, order=order).hits)
        return lambda q, top: len(searcher.search(tantivy_query(engine_index, analyzer, fields, q), top, count=exhaustive).hits)
    if exhaustive or sort:
        raise ValueError(f"{engine}: no exhaustive or sorted mode")
    if engine == "xapian":
        import xapian
        database = database or xapian.Database(index)
        parser = xapian.QueryParser()
        parser.set_database(database)
        parser.set_stemmer(xapian.Stem("french"))
        parser.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
        parser.set_default_op(xapian.Query.OP_AND)
        parser.add_prefix("title", "S")
        flags = (xapian.QueryParser.FLAG_PHRASE | xapian.QueryParser.FLAG_BOOLEAN | xapian.QueryParser.FLAG_WILDCARD
                 | xapian.QueryParser.FLAG_LOVEHATE)
        enquire = xapian.Enquire(database)
        def run(q, top, count=False):
            if isinstance(q, Maybe):
                enquire.set_query(xapian.Query(xapian.Query.OP_AND_MAYBE, parser.parse_query(q.required, flags),
                                               parser.parse_query(q.optional, flags)))
            else:
                enquire.set_query(parser.parse_query(q, flags))
            if count:  # checking every document makes the estimate exact
                return enquire.get_mset(0, 0, database.get_doccount()).get_matches_estimated()
            return enquire.get_mset(0, top).size()
        return run
    if engine == "sqlite":
        import sqlite3
        connection = sqlite3.connect(index)
        return lambda q, top: len(connection.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?", (q, top)).fetchall())
    raise ValueError(engine)

def query_fields(engine, index):
    """The fields a query word is searched in: every text field, as in fts (Xapian and SQLite FTS5
    search every field unless told otherwise; tantivy searches the default fields it is given)."""
    if engine == "tantivy" and os.path.exists(index + ".fields.json"):
        with open(index + ".fields.json", encoding="utf-8") as names:
            return json.load(names)
    return ["title", "body"]

def query(engine, index, queries, top, runs, count=False, alongside_exhaustive=False, sort=None, facets=()):
    fields = query_fields(engine, index)
    with open(queries, encoding="utf-8") as lines:
        parsed = [line.rstrip("\n").split("\t", 1) for line in lines if line.strip() and not line.startswith("#")]
    if count:
        counter = counters(engine, index, fields)
        modes = {"count": lambda q, top: counter(q)}
    elif facets:
        if engine != "tantivy":
            raise ValueError(f"{engine}: no facets")
        modes = {"facets": aggregators(index, fields, facets)}
    elif alongside_exhaustive:
        modes = {"pruned": searchers(engine, index, fields),
                 "exhaustive": searchers(engine, index, fields, exhaustive=True)}
    else:
        modes = {"top": searchers(engine, index, fields, sort=sort)}
    work, results = [], {mode: {} for mode in modes}
    for kind, text in parsed:
        entries = {mode: results[mode].setdefault(kind, {"latencies": [], "hits": 0, "unsupported": 0, "errors": 0})
                   for mode in modes}
        translated = translate(engine, kind, text)
        if translated is None:
            for entry in entries.values():
                entry["unsupported"] += 1
            continue
        try:
            for mode, run in modes.items():  # the warm-up run
                entries[mode]["hits"] += run(translated, top)
            work.append((kind, translated))
        except Exception:
            for entry in entries.values():
                entry["errors"] += 1
    order = list(modes.items())
    for round_ in range(runs):
        for number, (kind, translated) in enumerate(work):
            # Which mode goes first swaps from run to run and from query to query, so neither finds the
            # caches the other warmed more often, even over an odd number of runs.
            for mode, run in (order if (round_ + number) % 2 == 0 else order[::-1]):
                start = time.perf_counter_ns()
                run(translated, top)
                results[mode][kind]["latencies"].append((time.perf_counter_ns() - start) / 1000)
    out = {}
    for mode, classes in results.items():
        out[mode] = {}
        for kind, entry in classes.items():
            latencies = sorted(entry["latencies"])
            out[mode][kind] = {"median_us": statistics.median(latencies) if latencies else None,
                               "p99_us": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else None,
                               "hits": entry["hits"], "unsupported": entry["unsupported"], "errors": entry["errors"]}
    return out if alongside_exhaustive else next(iter(out.values()))

def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "query" and sys.argv[2] in BUILDERS:
        args = sys.argv
        top = int(args[args.index("--top") + 1]) if "--top" in args else 10
        runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 5
        sort = args[args.index("--sort") + 1] if "--sort" in args else None
        facets = args[args.index("--facets") + 1].split(",") if "--facets" in args else ()
        print(json.dumps(query(args[2], args[3], args[4], top, runs, count="--count" in args,
                               alongside_exhaustive="--alongside-exhaustive" in args, sort=sort, facets=facets)))
        return
    args = sys.argv[:]
    facets = ()
    if len(args) == 7 and args[5] == "--facets" and args[2] == "tantivy":
        facets = args[6].split(",")
        args = args[:5]
    if len(args) != 5 or args[1] != "build" or args[2] not in BUILDERS:
        sys.exit(__doc__)
    _, _, engine, corpus, index = args
    if os.path.exists(index + ".fields.json"):
        os.remove(index + ".fields.json")
    if os.path.isdir(index):
        shutil.rmtree(index)
    elif os.path.exists(index):
        os.remove(index)
    print(json.dumps({"documents": BUILDERS[engine](corpus, index, facets) if facets else BUILDERS[engine](corpus, index)}))

if __name__ == "__main__":
    main()
