#!/usr/bin/env python3
"""Draw benchmark queries of every class from a JSON Lines corpus, deterministically.

Usage: make-queries.py CORPUS.jsonl OUT.tsv [--per-class N] [--seed S] [--only CLASS]

Output: UTF-8 TSV, one query a line, CLASS<TAB>QUERY in fts's query syntax (docs/QUERY.md); lines
starting with # are comments. Classes:
  term            one word (frequent, mid-frequency and rare in turn)
  and2, and3      2 or 3 words taken from one document (so that they co-occur)
  or2, or3        2 or 3 words of different frequencies
  phrase          2 or 3 consecutive words copied from a document, in quotes
  prefix          the first 4 or 5 letters of a mid-frequency or rare word, then *
  field           title:WORD with a word of a document's title
  fuzzy           a mid-frequency or rare word of 5 letters or more with one typing mistake (a letter
                  dropped, doubled, swapped with the next or replaced), then ~
  wildcard        a mid-frequency or rare word of 6 letters or more with, past its first 3 letters and
                  before its last, one letter replaced by ? or a run of 1 to 3 letters by *
  proximity       two different words 1 to 4 words apart in a document, in that order or the other,
                  in quotes with ~N: N the words between them, plus 0 to 2
  maybe           a MAYBE b: a frequent or mid-frequency word required, a word of the same document (of
                  any frequency) adding to the scores where it occurs too
  ordered         two different words 1 to 4 words apart in a document, in that order (one in four the
                  other way), joined by ADJ/N: N their distance, plus 0 to 2
  like            the id of a document with at least 50 words of body: the documents like it
                  (fts search --like; `fts bench` reads this class's lines as ids)
Half of the queries are typed without accents, as people type. A corpus too small for a class (no
document with enough words, no title) gets fewer of its queries, or none, said on standard error. --only writes one class: the committed
files got the fuzzy, wildcard, proximity, maybe and ordered classes that way, added to the classes
drawn before them;
the like class is written apart (frdocs-like.tsv), since the peers but tantivy have no such query.
"""
import json, random, re, sys, unicodedata
from collections import Counter

WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Draws of a query that a corpus may never satisfy (a document of 6 words, a title) before its class
# is given up: a small corpus would otherwise be drawn from forever.
ATTEMPTS = 10_000
RUN = re.compile(r"[^\W\d_]{2,}(?:\s+[^\W\d_]{2,}){1,2}", re.UNICODE)

def accentless(text):
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")

def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    corpus, out = args[0], args[1]
    per_class = int(args[args.index("--per-class") + 1]) if "--per-class" in args else 50
    seed = int(args[args.index("--seed") + 1]) if "--seed" in args else 7
    only = args[args.index("--only") + 1] if "--only" in args else None
    rng = random.Random(seed)

    documents = []
    ids = []
    counts = Counter()
    with open(corpus, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                doc = json.loads(line)
                title, body = doc.get("title") or "", doc.get("body") or doc.get("text") or ""
                documents.append((title, body))
                ids.append(doc.get("id") if isinstance(doc.get("id"), str) else None)
                counts.update(w.lower() for w in WORD.findall(title + " " + body))
    if not counts:
        sys.exit(f"make-queries.py: no words of 3 letters or more in {corpus}")
    ranked = [w for w, c in counts.most_common() if c >= 2]
    bands = {"frequent": ranked[:100], "mid": ranked[100:2000], "rare": ranked[2000:] or ranked[100:]}
    # A small corpus leaves bands empty: their words are then drawn from all of them.
    everything = ranked or [w for w, _ in counts.most_common()]
    bands = {band: words or everything for band, words in bands.items()}
    short = Counter()

    def attempts(kind):
        """The draws a query of `kind` may take; past them, the class gets no more queries."""
        for attempt in range(ATTEMPTS):
            yield attempt
        short[kind] += 1
    band_cycle = ["frequent", "mid", "rare"]

    def typed(query):
        return accentless(query) if rng.random() < 0.5 else query

    def word(band):
        return rng.choice(bands[band])

    def words_of_one_document(n, kind):
        for _ in attempts(kind):
            title, body = rng.choice(documents)
            words = sorted(set(w.lower() for w in WORD.findall(body)), key=lambda w: (-counts[w], w))
            if len(words) >= 3 * n:
                # one frequent-ish, the others from further down the document's vocabulary
                picks = [words[rng.randrange(0, max(1, len(words) // 5))]]
                picks += rng.sample(words[len(words) // 5:], n - 1)
                return picks

    queries = []
    for i in range(per_class):
        band = band_cycle[i % 3]
        queries.append(("term", typed(word(band))))
        for n in (2, 3):
            words = words_of_one_document(n, f"and{n}") if not short[f"and{n}"] else None
            if words:
                queries.append((f"and{n}", typed(" ".join(words))))
        queries.append(("or2", typed(f"{word(band)} OR {word(band_cycle[(i + 1) % 3])}")))
        queries.append(("or3", typed(" OR ".join(word(b) for b in band_cycle))))
        for _ in attempts("phrase") if not short["phrase"] else ():
            _, body = rng.choice(documents)
            runs = RUN.findall(body)
            if runs:
                queries.append(("phrase", typed('"' + " ".join(rng.choice(runs).split()) + '"')))
                break
        stem = word(band_cycle[1 + i % 2])
        queries.append(("prefix", typed(stem[: 4 + i % 2] + "*")))
        for _ in attempts("field") if not short["field"] else ():
            title, _ = rng.choice(documents)
            title_words = WORD.findall(title)
            if title_words:
                queries.append(("field", typed("title:" + rng.choice(title_words).lower())))
                break

    # Drawn from a generator of their own, after the others: adding the class left those as they were.
    typos = random.Random(seed + 1)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for i in range(per_class):
        candidates = [w for w in bands[band_cycle[1 + i % 2]] if len(w) >= 5]
        if not candidates:
            short["fuzzy"] += 1
            break
        word = list(typos.choice(candidates))
        at = typos.randrange(len(word) - 1)
        mistake = typos.randrange(4)
        if mistake == 0:
            del word[at]
        elif mistake == 1:
            word.insert(at, word[at])
        elif mistake == 2:
            word[at], word[at + 1] = word[at + 1], word[at]
        else:
            word[at] = typos.choice(letters.replace(word[at], ""))
        text = "".join(word)
        queries.append(("fuzzy", (accentless(text) if typos.random() < 0.5 else text) + "~"))

    # Likewise, a generator of their own.
    patterns = random.Random(seed + 2)
    for i in range(per_class):
        candidates = [w for w in bands[band_cycle[1 + i % 2]] if len(w) >= 6]
        if not candidates:
            short["wildcard"] += 1
            break
        word = list(patterns.choice(candidates))
        # Inside the word: a wildcard that ends it is a prefix (`*`) or a question mark (`?`).
        at = patterns.randrange(3, len(word) - 1)
        if patterns.random() < 0.5:
            word[at] = "?"
        else:
            word[at:min(at + patterns.randint(1, 3), len(word) - 1)] = ["*"]
        text = "".join(word)
        queries.append(("wildcard", accentless(text) if patterns.random() < 0.5 else text))

    def pairs_apart(kind, rng, reversed_share, write):
        """The class `kind`: two different words 1 to 4 words apart in a document, in that order or, a
        `reversed_share` of the time, the other, written by `write(first, second, gap, rng)`."""
        for _ in attempts(kind):
            if sum(1 for k, _ in queries if k == kind) == per_class:
                break
            _, body = rng.choice(documents)
            words = [w.lower() for w in WORD.findall(body)]
            if len(words) < 6:
                continue
            at = rng.randrange(len(words) - 4)
            gap = rng.randint(1, 4)
            pair = [words[at], words[at + gap]]
            if pair[0] == pair[1]:
                continue
            if rng.random() < reversed_share:
                pair.reverse()
            text = write(pair[0], pair[1], gap, rng)
            queries.append((kind, accentless(text) if rng.random() < 0.5 else text))

    # Likewise, each with a generator of its own.
    pairs_apart("proximity", random.Random(seed + 3), 0.5, lambda a, b, gap, rng: f'"{a} {b}"~{gap - 1 + rng.randint(0, 2)}')

    # Likewise: a word most documents' searches would hold, and one of the same document's that may
    # lift it.
    optional = random.Random(seed + 5)
    for _ in attempts("maybe"):
        if sum(1 for kind, _ in queries if kind == "maybe") == per_class:
            break
        _, body = optional.choice(documents)
        words = sorted(set(w.lower() for w in WORD.findall(body)), key=lambda w: (-counts[w], w))
        if len(words) < 6:
            continue
        required = optional.choice(words[:max(1, len(words) // 5)])
        others = [w for w in words if w != required]
        text = f"{required} MAYBE {optional.choice(others)}"
        queries.append(("maybe", accentless(text) if optional.random() < 0.5 else text))

    # Likewise, the proximity class's pairs in their order.
    pairs_apart("ordered", random.Random(seed + 6), 0.25, lambda a, b, gap, rng: f"{a} ADJ/{gap + rng.randint(0, 2)} {b}")

    # Likewise: documents long enough to tell apart by their words, with an id of their own.
    likes = random.Random(seed + 4)
    candidates = [ids[i] for i, (_, body) in enumerate(documents) if ids[i] and "\t" not in ids[i] and len(WORD.findall(body)) >= 50]
    if candidates:
        queries += [("like", id) for id in likes.sample(candidates, min(per_class, len(candidates)))]

    drawn = Counter(kind for kind, _ in queries)
    for kind in sorted(short):
        if not only or kind == only:
            print(f"make-queries.py: {corpus.split('/')[-1]} is too small for the {kind} class: {drawn[kind]} of {per_class} drawn",
                  file=sys.stderr)
    if only:
        queries = [q for q in queries if q[0] == only]
    else:
        queries = [q for q in queries if q[0] != "like"]
    with open(out, "w", encoding="utf-8") as output:
        output.write(f"# {len(queries)} queries drawn from {corpus.split('/')[-1]} by make-queries.py, seed {seed}, {per_class} per class"
                     f"{f', class {only}' if only else ''}\n")
        for kind, query in sorted(queries, key=lambda q: q[0]):
            output.write(f"{kind}\t{query}\n")

if __name__ == "__main__":
    main()
