#!/usr/bin/env python3
"""Build an index of a JSON Lines corpus with a peer engine, configured as close to fts as it allows.

Usage: peers.py build ENGINE CORPUS.jsonl INDEX
ENGINE: tantivy | xapian | sqlite

Every string field of a document is indexed (title, body and the rest, as fts does) and stored; the id
is stored and indexed as a single term.
- tantivy: simple tokenizer, lower-case, French Snowball stemmer, then ASCII folding (stem, then fold,
  as fts does); positions; 256 MB writer heap, 2 threads.
- xapian: TermGenerator with Stem("french") (STEM_SOME), positions; title also under prefix S. Xapian
  folds case but not accents.
- sqlite: FTS5 with unicode61 remove_diacritics 2; it has no French stemmer.
Prints one JSON object: {"documents": N}.
"""
import json, os, shutil, sys

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

def tantivy_analyzer():
    import tantivy
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("french"))
            .filter(tantivy.Filter.ascii_fold())
            .build())

def tantivy_schema(names):
    import tantivy
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in names:
        builder.add_text_field(name, stored=True, tokenizer_name="fr", index_option="position")
    return builder.build()

def build_tantivy(corpus, index):
    import tantivy
    names = field_names(corpus)
    os.makedirs(index)
    engine = tantivy.Index(tantivy_schema(names), path=index)
    engine.register_tokenizer("fr", tantivy_analyzer())
    writer = engine.writer(heap_size=HEAP, num_threads=2)
    count = 0
    for doc in documents(corpus):
        values = {"id": [str(doc.get("id", count))]}
        for name, text in fields_of(doc):
            values[name] = [text]
        writer.add_document(tantivy.Document(**values))
        count += 1
    writer.commit()
    writer.wait_merging_threads()
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

def main():
    if len(sys.argv) != 5 or sys.argv[1] != "build" or sys.argv[2] not in BUILDERS:
        sys.exit(__doc__)
    _, _, engine, corpus, index = sys.argv
    if os.path.isdir(index):
        shutil.rmtree(index)
    elif os.path.exists(index):
        os.remove(index)
    print(json.dumps({"documents": BUILDERS[engine](corpus, index)}))

if __name__ == "__main__":
    main()
