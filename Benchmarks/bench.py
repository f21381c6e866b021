#!/usr/bin/env python3
"""fts beside its peers on the same corpora, in one run; prints Markdown for BENCHMARKS.md.

Usage: bench.py --fts BIN [--quick] [--runs N] [--scale N] [--only sorted|facets|like] [--corpus FILE [--queries FILE]]
  --quick   the bundled corpus only
  --corpus PATH  only this corpus, a JSON Lines file or a folder of documents (made into JSON Lines by
            `fts sections --jsonl`, as the peers read them): the builds, sizes, query latencies and
            one-shot searches of every engine, over --queries FILE (fts bench's format) or over queries
            drawn from the corpus by make-queries.py --seed 7
  --only sorted  only the searches sorted by a field (frdocs with a date, fts beside tantivy)
  --only facets  only the facets (frdocs with a package and a page, fts beside tantivy's terms aggregation)
  --only like    only the searches like a document (frdocs, fts beside tantivy's MoreLikeThisQuery)
  --scale N also build frdocs repeated N times (N=40: about 1 GB), once per engine, to check build
            throughput and peak memory at scale (fts at --memory 64M and 256M, tantivy with a 256 MB heap),
            then run the frdocs queries over it, pruned and exhaustive, in fts and in tantivy
Corpora are built into Benchmarks/data/ (ignored by git): seeds.jsonl from the bundled corpus as fts
splits it (`fts sections --jsonl`), frdocs.jsonl from ../shared/bench/make-frdocs.
Each build runs N times (default 5), engines alternating within a round; figures are medians. Wall time
and peak RSS come from /usr/bin/time; index size is the bytes on disk.
"""
import argparse, datetime, json, os, shutil, statistics, subprocess, sys, tempfile, time, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
PEERS = os.path.join(HERE, "peers", "peers.py")
ENV = dict(os.environ, PYTHONPATH=os.path.join(HERE, ".peers"))
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-xapian lives there

def text_bytes(corpus):
    total = 0
    with open(corpus, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                doc = json.loads(line)
                total += sum(len(v.encode()) for k, v in doc.items() if isinstance(v, str) and k not in ("id", "path"))
    return total

def prepare_corpora(fts, quick):
    os.makedirs(DATA, exist_ok=True)
    seeds = os.path.join(DATA, "seeds.jsonl")
    files = sorted(os.path.join(ROOT, "Corpus", "seeds", f) for f in os.listdir(os.path.join(ROOT, "Corpus", "seeds")))
    with open(seeds, "w", encoding="utf-8") as out:
        subprocess.run([fts, "sections", "--jsonl", *files], stdout=out, check=True)
    corpora = [("seeds", seeds)]
    if not quick:
        frdocs = os.path.join(DATA, "frdocs.jsonl")
        if not os.path.exists(frdocs):
            subprocess.run([sys.executable, os.path.join(ROOT, "..", "shared", "bench", "make-frdocs"), frdocs], check=True)
        corpora.append(("frdocs", frdocs))
    return corpora

def size_on_disk(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)

def timed(command, env=None):
    """Runs a command under /usr/bin/time; returns (seconds, peak RSS bytes, stdout)."""
    with tempfile.NamedTemporaryFile("r") as report:
        result = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%e %M", *command],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
        if result.returncode != 0:
            sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-2000:]}")
        seconds, kilobytes = report.read().split()[-2:]
        return float(seconds), int(kilobytes) * 1024, result.stdout

def build_commands(fts, corpus, work):
    return {
        "fts": ([fts, "index", "--memory", "256M", "-o", os.path.join(work, "fts"), corpus], os.path.join(work, "fts"), None),
        "tantivy": ([SYSTEM_PYTHON, PEERS, "build", "tantivy", corpus, os.path.join(work, "tantivy")], os.path.join(work, "tantivy"), ENV),
        "xapian": ([SYSTEM_PYTHON, PEERS, "build", "xapian", corpus, os.path.join(work, "xapian")], os.path.join(work, "xapian"), ENV),
        "sqlite": ([SYSTEM_PYTHON, PEERS, "build", "sqlite", corpus, os.path.join(work, "sqlite.db")], os.path.join(work, "sqlite.db"), ENV),
    }

def megabytes(value):
    return f"{value / 1e6:.1f}"

def bench_builds(fts, name, corpus, runs, queries=None):
    raw = text_bytes(corpus)
    queries = queries or os.path.join(HERE, "queries", f"{name}.tsv")
    work = tempfile.mkdtemp(prefix="fts-bench-")
    try:
        commands = build_commands(fts, corpus, work)
        measured = {engine: [] for engine in commands}
        sizes = {}
        for _ in range(runs):
            for engine, (command, output, env) in commands.items():
                seconds, rss, _ = timed(command, env)
                measured[engine].append((seconds, rss))
                sizes[engine] = size_on_disk(output)
        stats = json.loads(subprocess.run([fts, "stats", "--json", os.path.join(work, "fts")], capture_output=True, text=True, check=True).stdout)
        latencies = bench_queries(fts, commands, queries, runs) if os.path.exists(queries) else None
        one_shot = bench_one_shot(fts, corpus, os.path.join(work, "fts"), queries, runs) if os.path.exists(queries) else None
    finally:
        shutil.rmtree(work, ignore_errors=True)

    docs = stats["documents"]
    print(f"### Index build: {name} ({docs:,} documents, {megabytes(raw)} MB of text)\n")
    print("| engine | build s (median) | MB/s | fts speed ÷ engine | peak RSS MB | index MB | index ÷ text |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    fts_seconds = statistics.median(s for s, _ in measured["fts"])
    for engine, values in measured.items():
        seconds = statistics.median(s for s, _ in values)
        rss = statistics.median(r for _, r in values)
        # A build within /usr/bin/time's hundredth of a second (a corpus of a few documents) has no rate.
        speed = f"{raw / 1e6 / seconds:.1f}" if seconds else "n/a"
        ratio = "1.00" if engine == "fts" else f"{seconds / fts_seconds:.2f}" if fts_seconds else "n/a"
        print(f"| {engine} | {seconds:.2f} | {speed} | {ratio} | {megabytes(rss)} | "
              f"{megabytes(sizes[engine])} | {100 * sizes[engine] / raw:.0f}% |")
    files = stats["files"]
    postings, positions = files["postings.fts"], files["positions.fts"]
    print(f"\nfts components as a share of the text: postings+positions {100 * (postings + positions) / raw:.1f}%, "
          f"documents+frequencies (postings.fts) {100 * postings / raw:.1f}%, positions {100 * positions / raw:.1f}%, "
          f"term dictionary {100 * files['terms.fts'] / raw:.1f}%, lexicon {100 * files['lexicon.fts'] / raw:.1f}%, "
          f"stored documents {100 * files['store.fts'] / raw:.1f}%; without stored documents "
          f"{100 * (sum(files.values()) - files['store.fts']) / raw:.1f}%, without stored documents and positions "
          f"{100 * (sum(files.values()) - files['store.fts'] - positions) / raw:.1f}%.")
    print(f"Bits per posting (documents and frequencies): {8 * postings / stats['postings']:.2f}; "
          f"bits per position: {8 * positions / stats['positions']:.2f}.")
    print(f"Median of {runs} runs; build MB/s is text bytes (all fields but the id) over wall time.\n")
    if latencies:
        print_queries(name, latencies, runs)
    if one_shot:
        print_one_shot(name, one_shot, runs)

def bench_text_build(fts, runs, copies=100):
    """Indexing a folder of text files (section splitting included) beside indexing the same sections
    as JSON Lines, fts alone: the peers read no text files."""
    work = tempfile.mkdtemp(prefix="fts-bench-text-")
    try:
        folder = os.path.join(work, "text")
        os.makedirs(folder)
        seeds = os.path.join(ROOT, "Corpus", "seeds")
        for copy in range(copies):
            for name in sorted(os.listdir(seeds)):
                shutil.copyfile(os.path.join(seeds, name), os.path.join(folder, f"{copy:03}_{name}"))
        sections = os.path.join(work, "sections.jsonl")
        with open(sections, "w", encoding="utf-8") as out:
            subprocess.run([fts, "sections", "--jsonl", folder], stdout=out, check=True)
        raw = text_bytes(sections)
        measured = {"text files": [], "JSON Lines": []}
        for round in range(runs):
            order = [("text files", folder), ("JSON Lines", sections)]
            for kind, source in order if round % 2 == 0 else order[::-1]:
                seconds, _, _ = timed([fts, "index", "--memory", "256M", "-o", os.path.join(work, "index"), source])
                measured[kind].append(seconds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"### Index build: the bundled corpus × {copies} as text files ({megabytes(raw)} MB of text)\n")
    print("| fts reads | build s (median) | MB/s | time ÷ JSON Lines |")
    print("|---|---:|---:|---:|")
    baseline = statistics.median(measured["JSON Lines"])
    for kind, values in measured.items():
        seconds = statistics.median(values)
        print(f"| {kind} | {seconds:.2f} | {raw / 1e6 / seconds:.1f} | {seconds / baseline:.2f} |")
    print(f"\nThe same sections either way: the files as `fts index` splits them, or the JSON Lines that "
          f"`fts sections --jsonl` makes of them. Median of {runs} runs, the two in turn.\n")

def bench_one_shot(fts, corpus, index, queries, runs):
    """What a script pays for one search: a process per query, beside grep over the same JSON Lines.

    The `term` queries (one word each); every round runs each command on every query, the commands in
    turn; a round's figure is its median over the queries, and each command's figure the median over
    the rounds."""
    words = [line.rstrip("\n").split("\t", 1)[1] for line in open(queries, encoding="utf-8") if line.startswith("term\t")]
    commands = {
        "`fts search WORD` (top 10: table, titles, snippets)": lambda word: [fts, "search", "--index", index, word],
        "`fts search --count WORD`": lambda word: [fts, "search", "--index", index, "--count", word],
        "`grep -c -i -F WORD` over the JSON Lines": lambda word: ["grep", "-c", "-i", "-F", word, corpus],
        "`/bin/true` (starting a process)": lambda word: ["/bin/true"],
    }
    env = dict(os.environ, LC_ALL="C.UTF-8")
    rounds = {label: [] for label in commands}
    for _ in range(runs):
        for label, command in commands.items():
            times = []
            for word in words:
                started = time.perf_counter()
                # Into a pipe: GNU grep stops at the first match when its output is /dev/null.
                subprocess.run(command(word), stdout=subprocess.PIPE, env=env)
                times.append(time.perf_counter() - started)
            rounds[label].append(statistics.median(times))
    return {label: statistics.median(values) for label, values in rounds.items()}, len(words)

def print_one_shot(name, results, runs):
    medians, count = results
    grep = next(value for label, value in medians.items() if label.startswith("`grep"))
    print(f"### One-shot searches: {name}, a process per query (ms)\n")
    print("| command | median ms | ÷ grep |")
    print("|---|---:|---:|")
    for label, seconds in medians.items():
        print(f"| {label} | {seconds * 1000:.2f} | {seconds / grep:.2f} |")
    print(f"\nThe {count} `term` queries of the class table, each run as its own process from Python "
          f"(`subprocess.run`, output read through a pipe, `LC_ALL=C.UTF-8`): what a shell script pays for a search. The commands "
          f"take turns over {runs} rounds; a figure is the median over the rounds of the round's median over the queries. "
          f"grep reads the whole corpus each time and neither ranks nor analyses: it is the reference a script would "
          f"otherwise use, not a peer. fts opens the index (memory-mapped) and ranks; `/bin/true` is the cost of starting "
          f"any process from Python.\n")

def bench_queries(fts, commands, queries, runs):
    """Per engine and mode, per class: latency figures from `fts bench --json` or `peers.py query`.

    The engines take turns: `runs` rounds, each running every engine and mode over all queries (3 timed
    runs of each, after a warm-up); a class's figure is the median over the rounds of its per-round
    median (p99 likewise), so that the machine's drift (±30% between minutes here) hits all alike."""
    def fts_bench(*options, keys=("classes",)):
        output = json.loads(subprocess.run([fts, "bench", "--json", "--index", commands["fts"][1], "--queries", queries, "--runs", "3",
                                            *options], capture_output=True, text=True, check=True).stdout)
        tables = [{kind: {"median_us": v["median_us"], "p99_us": v["p99_us"], "hits": v["hits"], "unsupported": 0}
                   for kind, v in output[key].items()} for key in keys]
        return tables if len(keys) > 1 else tables[0]
    def peer_bench(engine, *options):
        output = subprocess.run([SYSTEM_PYTHON, PEERS, "query", engine, commands[engine][1], queries, "--runs", "3", *options],
                                capture_output=True, text=True, check=True, env=ENV).stdout
        return json.loads(output)
    rounds = []
    for _ in range(runs):
        # What pruning buys is measured in one process, each query pruned and exhaustive in turn: two
        # separate runs would see this machine's drift between them.
        pruned, exhaustive = fts_bench("--alongside-exhaustive", keys=("classes", "exhaustive_classes"))
        measured = {"fts": fts_bench(), "fts count": fts_bench("--count"),
                    "fts pruned beside exhaustive": pruned, "fts exhaustive": exhaustive}
        for engine in ("tantivy", "xapian", "sqlite"):
            measured[engine] = peer_bench(engine)
            measured[f"{engine} count"] = peer_bench(engine, "--count")
        both = peer_bench("tantivy", "--alongside-exhaustive")
        measured["tantivy pruned beside exhaustive"], measured["tantivy exhaustive"] = both["pruned"], both["exhaustive"]
        rounds.append(measured)
    return medians_over_rounds(rounds)

def medians_over_rounds(rounds):
    """Per mode and class, each figure's median over the rounds (a round: {mode: {class: figures}})."""
    results = {}
    for mode in rounds[0]:
        results[mode] = {}
        for kind, first in rounds[0][mode].items():
            entry = dict(first)
            for key in ("median_us", "p99_us"):
                values = [r[mode][kind][key] for r in rounds if r[mode].get(kind, {}).get(key) is not None]
                entry[key] = statistics.median(values) if values else None
            results[mode][kind] = entry
    return results

def speedup(results, engine, kind):
    """What pruning buys: the exhaustive median over the pruned one, both measured in one run, in turn."""
    exhaustive = results[f"{engine} exhaustive"].get(kind, {}).get("median_us")
    pruned = results[f"{engine} pruned beside exhaustive"].get(kind, {}).get("median_us")
    return "n/a" if not exhaustive or not pruned else f"{exhaustive / pruned:.2f}"

def print_queries(name, results, runs):
    kinds = sorted(results["fts"])
    def cell(engine, kind, key="median_us"):
        value = results[engine].get(kind, {}).get(key)
        return "n/a" if value is None else f"{value:.0f}"
    def ratio(engine, kind):
        mine, theirs = results["fts"][kind]["median_us"], results[engine].get(kind, {}).get("median_us")
        return "n/a" if not theirs or not mine else f"{mine / theirs:.2f}"
    print(f"### Query latency: {name}, top 10, one thread (µs)\n")
    print("| class | fts median | fts p99 | fts exhaustive median | pruning speed-up | tantivy pruning speed-up | fts count median "
          "| tantivy median | tantivy p99 | fts ÷ tantivy | xapian median | fts ÷ xapian | sqlite median | fts ÷ sqlite |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in kinds:
        print(f"| {kind} | {cell('fts', kind)} | {cell('fts', kind, 'p99_us')} | {cell('fts exhaustive', kind)} | {speedup(results, 'fts', kind)} "
              f"| {speedup(results, 'tantivy', kind)} | {cell('fts count', kind)} | {cell('tantivy', kind)} | {cell('tantivy', kind, 'p99_us')} "
              f"| {ratio('tantivy', kind)} | {cell('xapian', kind)} | {ratio('xapian', kind)} | {cell('sqlite', kind)} | {ratio('sqlite', kind)} |")
    print(f"\n### Counting all matches: {name}, one thread\n")
    print("| class | fts count median µs | fts count p99 | tantivy median | tantivy p99 | fts ÷ tantivy | xapian median | xapian p99 "
          "| sqlite median | sqlite p99 | fts matches | tantivy matches | xapian matches | sqlite matches |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    def matches(engine, kind):
        entry = results[f"{engine} count"].get(kind, {})
        return "n/a" if entry.get("unsupported") else str(entry.get("hits", "n/a"))
    def count_ratio(kind):
        mine, theirs = results["fts count"][kind]["median_us"], results["tantivy count"].get(kind, {}).get("median_us")
        return "n/a" if not theirs or not mine else f"{mine / theirs:.2f}"
    for kind in kinds:
        print(f"| {kind} | {cell('fts count', kind)} | {cell('fts count', kind, 'p99_us')} | {cell('tantivy count', kind)} | "
              f"{cell('tantivy count', kind, 'p99_us')} | {count_ratio(kind)} | {cell('xapian count', kind)} | "
              f"{cell('xapian count', kind, 'p99_us')} | {cell('sqlite count', kind)} | {cell('sqlite count', kind, 'p99_us')} | "
              f"{results['fts count'][kind]['hits']} | {matches('tantivy', kind)} | {matches('xapian', kind)} | {matches('sqlite', kind)} |")
    print("\nMatches: the sum over the class's queries of each query's exact number of matching documents. They differ "
          "with the analysis: fts folds accents and case, removes elision and joins inclusive writing, and accentless "
          "queries reach accented words through its lexicon; tantivy's simple tokenizer keeps `l` and `économie` as two "
          "words (elision is not removed) and folds accents; Xapian stems French but does not fold accents, so "
          "accentless queries miss accented words; SQLite FTS5 folds accents but has no stemmer, so a word does not "
          "match its plural or other forms. Phrases agree most, because all four index positions.")
    print(f"\nHits: results returned over all queries of the class (at most 10 each). Ratios below 1 mean fts is faster. "
          f"The engines take turns over {runs} rounds (each: 3 timed runs of every query after a warm-up); a figure is the "
          f"median over the rounds of that round's median (or p99). fts in process (Swift), the peers in process "
          f"through their Python bindings (a few µs of call overhead included). Every engine searches every text field "
          f"of the documents (title, body and the others). tantivy has no single-term prefix query (n/a). The pruning "
          f"speed-up is the exhaustive median over the pruned one, both from one `fts bench --alongside-exhaustive` run, "
          f"which runs each query both ways in turn. tantivy's is measured the same way (`peers.py query tantivy "
          f"--alongside-exhaustive`): its top 10 alone, which it finds by block-max WAND, against its top 10 beside a "
          f"count, which makes it score every match.\n")

def bench_scale(fts, repeat, runs):
    corpus = os.path.join(DATA, f"frdocs-x{repeat}.jsonl")
    if not os.path.exists(corpus):
        subprocess.run([sys.executable, os.path.join(ROOT, "..", "shared", "bench", "make-frdocs"), corpus,
                        "--repeat", str(repeat)], check=True)
    raw = text_bytes(corpus)
    work = tempfile.mkdtemp(prefix="fts-scale-")
    rows = []
    try:
        for label, memory in (("fts --memory 64M", "64M"), ("fts --memory 256M", "256M")):
            output = os.path.join(work, "fts")
            if os.path.exists(output):
                shutil.rmtree(output)
            seconds, rss, _ = timed([fts, "index", "--memory", memory, "-o", output, corpus])
            rows.append((label, seconds, rss, size_on_disk(output)))
        output = os.path.join(work, "tantivy")
        seconds, rss, _ = timed([SYSTEM_PYTHON, PEERS, "build", "tantivy", corpus, output], ENV)
        rows.append(("tantivy (256 MB heap)", seconds, rss, size_on_disk(output)))
        pruning = pruning_at_scale(fts, os.path.join(work, "fts"), output, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    documents = sum(1 for line in open(corpus, encoding="utf-8") if line.strip())
    print(f"### Scale: frdocs × {repeat} ({documents:,} documents, {megabytes(raw)} MB of text), one run each\n")
    print("| engine | build s | MB/s | peak RSS MB | index MB | index ÷ text |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, seconds, rss, size in rows:
        print(f"| {label} | {seconds:.1f} | {raw / 1e6 / seconds:.1f} | {megabytes(rss)} | {megabytes(size)} | {100 * size / raw:.0f}% |")
    print("\nfts's --memory covers the per-document bookkeeping (ids, lengths and paths' values, about 150 bytes a document) and the "
          "workers' inversion buffers. Peak RSS is that budget plus at most about 230 MB, the more the smaller "
          "the budget (more runs to merge): the program and ICU data (~25 MB), each worker's word cache (~30 MB), "
          "queued batches, and the merge's buffers (64 KiB for each run, read three times over).\n")
    print(f"### Pruning at scale: frdocs × {repeat}, top 10, one thread (µs)\n")
    print("| class | fts pruned median | fts exhaustive median | fts pruning speed-up | tantivy pruned median "
          "| tantivy exhaustive median | tantivy pruning speed-up |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    def cell(mode, kind):
        value = pruning[mode].get(kind, {}).get("median_us")
        return "n/a" if value is None else f"{value:.0f}"
    for kind in sorted(pruning["fts exhaustive"]):
        cells = [figure for engine in ("fts", "tantivy") for figure in
                 (cell(f"{engine} pruned beside exhaustive", kind), cell(f"{engine} exhaustive", kind), speedup(pruning, engine, kind))]
        print(f"| {kind} | " + " | ".join(cells) + " |")
    print(f"\nThe frdocs queries over the scaled corpus (the fts index is the one built with --memory 256M). Each engine "
          f"runs every query pruned and exhaustive in turn in one process (`fts bench --alongside-exhaustive`, `peers.py "
          f"query tantivy --alongside-exhaustive`), the two engines in turn over {runs} rounds; a figure is the median over "
          f"the rounds. Each document appears {repeat} times, so {repeat} copies tie for every score: the k-th best score is "
          f"reached sooner than in a corpus of distinct documents, which flatters pruning in both engines. This shows how "
          f"the speed-up grows with the posting lists.\n")

def pruning_at_scale(fts, fts_index, tantivy_index, runs):
    """fts and tantivy, each query pruned and exhaustive in turn, the engines in turn over `runs` rounds:
    the medians over the rounds, with the latency table's mode names."""
    queries = os.path.join(HERE, "queries", "frdocs.tsv")
    rounds = []
    for _ in range(runs):
        output = json.loads(subprocess.run([fts, "bench", "--json", "--index", fts_index, "--queries", queries, "--runs", "3",
                                            "--alongside-exhaustive"], capture_output=True, text=True, check=True).stdout)
        peer = json.loads(subprocess.run([SYSTEM_PYTHON, PEERS, "query", "tantivy", tantivy_index, queries, "--runs", "3",
                                          "--alongside-exhaustive"], capture_output=True, text=True, check=True, env=ENV).stdout)
        rounds.append({"fts pruned beside exhaustive": output["classes"], "fts exhaustive": output["exhaustive_classes"],
                       "tantivy pruned beside exhaustive": peer["pruned"], "tantivy exhaustive": peer["exhaustive"]})
    return medians_over_rounds(rounds)

def dated_corpus(frdocs):
    """frdocs with a `date` field, an integer YYYYMMDD (a day of 2000 to 2024 drawn from the id's CRC-32),
    which fts reads as a number and tantivy takes as an integer fast field."""
    path = os.path.join(DATA, "frdocs-dated.jsonl")
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(frdocs):
        first = datetime.date(2000, 1, 1)
        with open(frdocs, encoding="utf-8") as lines, open(path + ".tmp", "w", encoding="utf-8") as out:
            for line in lines:
                if line.strip():
                    doc = json.loads(line)
                    day = first + datetime.timedelta(days=zlib.crc32(str(doc["id"]).encode()) % 9125)
                    doc["date"] = day.year * 10000 + day.month * 100 + day.day
                    out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        os.replace(path + ".tmp", path)
    return path

def rounds_beside_tantivy(fts, corpus, runs, modes, what, tantivy_build=(), queries="frdocs.tsv"):
    """The frdocs queries over `corpus`, indexed by fts and by tantivy (`tantivy_build`: options of
    `peers.py build`), in each of `modes` ({name: (engine, options of `fts bench` or `peers.py query`)}) in
    turn over `runs` rounds, 3 timed runs of every query each; per mode and class, the median over the
    rounds of the round's median (or p99). A query that fails ends the run, naming `what` failed. `queries`:
    another file of Benchmarks/queries."""
    queries = os.path.join(HERE, "queries", queries)
    work = tempfile.mkdtemp(prefix="fts-beside-tantivy-")
    try:
        fts_index, tantivy_index = os.path.join(work, "fts"), os.path.join(work, "tantivy")
        subprocess.run([fts, "index", "-o", fts_index, corpus], capture_output=True, check=True)
        subprocess.run([SYSTEM_PYTHON, PEERS, "build", "tantivy", corpus, tantivy_index, *tantivy_build],
                       capture_output=True, check=True, env=ENV)
        def bench(engine, options):
            if engine == "fts":
                return json.loads(subprocess.run([fts, "bench", "--json", "--index", fts_index, "--queries", queries, "--runs", "3",
                                                  *options], capture_output=True, text=True, check=True).stdout)["classes"]
            return json.loads(subprocess.run([SYSTEM_PYTHON, PEERS, "query", "tantivy", tantivy_index, queries, "--runs", "3", *options],
                                             capture_output=True, text=True, check=True, env=ENV).stdout)
        results = medians_over_rounds([{mode: bench(*how) for mode, how in modes.items()} for _ in range(runs)])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    failures = {mode: kind for mode, classes in results.items() for kind, entry in classes.items() if entry.get("errors")}
    if failures:
        sys.exit(f"{what} failed: {failures}")
    return results

def table_formatters(results):
    """A table's cells from per-mode results: a figure (`cell(mode, kind, key)`, µs) and the ratio of two
    modes' medians (`ratio(mine, theirs, kind)`)."""
    def cell(mode, kind, key="median_us"):
        value = results[mode].get(kind, {}).get(key)
        return "n/a" if value is None else f"{value:.0f}"
    def ratio(mine, theirs, kind):
        a, b = results[mine].get(kind, {}).get("median_us"), results[theirs].get(kind, {}).get("median_us")
        return "n/a" if not a or not b else f"{a / b:.2f}"
    return cell, ratio

def bench_sorted(fts, frdocs, runs):
    """The frdocs queries, their top 10 by date (newest first) and by score, in fts and in tantivy, the
    four in turn over `runs` rounds; a figure is the median over the rounds of the round's median."""
    results = rounds_beside_tantivy(fts, dated_corpus(frdocs), runs, {
        "fts sorted": ("fts", ["--sort", "date:desc"]), "fts": ("fts", []),
        "tantivy sorted": ("tantivy", ["--sort", "date:desc"]), "tantivy": ("tantivy", [])}, "sorted searches")
    cell, ratio = table_formatters(results)
    print("### Sorted by a field: frdocs with a date, top 10 newest first, one thread (µs)\n")
    print("| class | fts sorted median | fts sorted p99 | fts by score median | sorted ÷ by score | tantivy sorted median "
          "| tantivy sorted p99 | tantivy by score median | fts sorted ÷ tantivy sorted |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in sorted(results["fts sorted"]):
        print(f"| {kind} | {cell('fts sorted', kind)} | {cell('fts sorted', kind, 'p99_us')} | {cell('fts', kind)} "
              f"| {ratio('fts sorted', 'fts', kind)} | {cell('tantivy sorted', kind)} | {cell('tantivy sorted', kind, 'p99_us')} "
              f"| {cell('tantivy', kind)} | {ratio('fts sorted', 'tantivy sorted', kind)} |")
    print(f"\nThe corpus is frdocs with a `date` added to each document: an integer YYYYMMDD, a day of 2000 to 2024 "
          f"drawn from the CRC-32 of its id. fts: `fts bench --sort date:desc`, which reads every match's date from "
          f"values.fts and scores the matches whose date can enter the top 10 (equal dates go by score); the date is "
          f"also one more text field that every word is looked up in, as every JSON Lines field is. tantivy: its top 10 ordered by an integer fast field "
          f"(`order_by_field`, which does not score). The four take turns over {runs} rounds (3 timed runs of every query "
          f"each); a figure is the median over the rounds of the round's median (or p99).\n")

def faceted_corpus(frdocs):
    """frdocs with two fields from each document's id (`PACKAGE:PATH#N`): `package`, the Debian package
    (7 values), and `page`, the page the section comes from (3,815 values)."""
    path = os.path.join(DATA, "frdocs-faceted.jsonl")
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(frdocs):
        with open(frdocs, encoding="utf-8") as lines, open(path + ".tmp", "w", encoding="utf-8") as out:
            for line in lines:
                if line.strip():
                    doc = json.loads(line)
                    package, _, rest = str(doc["id"]).partition(":")
                    doc["package"], doc["page"] = package, rest.split("#")[0]
                    out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        os.replace(path + ".tmp", path)
    return path

def bench_facets(fts, frdocs, runs):
    """The frdocs queries counting the values of two fields among all their matches: fts's facets
    alone (`--limit 0`) beside tantivy's terms aggregation, and fts's full top 10 with and without
    them; the modes in turn over `runs` rounds, a figure the median over the rounds of the round's median."""
    facets = ["--facet", "package", "--facet", "page"]
    results = rounds_beside_tantivy(fts, faceted_corpus(frdocs), runs, {
        "fts facets": ("fts", ["--top", "0", *facets]), "tantivy facets": ("tantivy", ["--facets", "package,page"]),
        "fts page and facets": ("fts", facets), "fts page": ("fts", ["--full"])}, "facet searches",
        tantivy_build=["--facets", "package,page"])
    cell, ratio = table_formatters(results)
    print("### Facets: frdocs with a package and a page, the 10 most frequent values of both among all the matches, one thread (µs)\n")
    print("| class | fts facets median | fts facets p99 | tantivy aggregation median | tantivy aggregation p99 "
          "| fts ÷ tantivy | fts top 10 and facets median | fts top 10 median | with facets ÷ without |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in sorted(results["fts facets"]):
        print(f"| {kind} | {cell('fts facets', kind)} | {cell('fts facets', kind, 'p99_us')} | {cell('tantivy facets', kind)} "
              f"| {cell('tantivy facets', kind, 'p99_us')} | {ratio('fts facets', 'tantivy facets', kind)} "
              f"| {cell('fts page and facets', kind)} | {cell('fts page', kind)} | {ratio('fts page and facets', 'fts page', kind)} |")
    print(f"\nThe corpus is frdocs with two fields added to each document from its id: `package`, the Debian package (7 values), "
          f"and `page`, the page its section comes from (3,815 values). fts: `fts bench --top 0 --facet package --facet page` "
          f"(a search with no page: the total and both facets, from facets.fts); beside it, full searches (stored fields, "
          f"snippets) of the top 10 with and without the facets. tantivy: `Searcher.aggregate` with a terms aggregation "
          f"(size 10) on each field, kept whole in a raw-tokenized fast field beside the searched one. The four take turns over "
          f"{runs} rounds (3 timed runs of every query each); a figure is the median over the rounds of the round's median (or p99).\n")

def bench_like(fts, frdocs, runs):
    """The documents like each of 50 frdocs documents (frdocs-like.tsv), their top 10 in fts and in
    tantivy (MoreLikeThisQuery, set as fts chooses its terms), and fts's full page (stored fields and
    snippets, as SEARCH LIKE returns it); the three in turn over `runs` rounds."""
    results = rounds_beside_tantivy(fts, frdocs, runs, {
        "fts": ("fts", []), "tantivy": ("tantivy", []), "fts page": ("fts", ["--full"])}, "searches like a document",
        queries="frdocs-like.tsv")
    cell, ratio = table_formatters(results)
    print("### Documents like one: frdocs, top 10, one thread (µs)\n")
    print("| class | fts median | fts p99 | tantivy median | tantivy p99 | fts ÷ tantivy | fts full page median | matches, fts | matches, tantivy |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in sorted(results["fts"]):
        print(f"| {kind} | {cell('fts', kind)} | {cell('fts', kind, 'p99_us')} | {cell('tantivy', kind)} | {cell('tantivy', kind, 'p99_us')} "
              f"| {ratio('fts', 'tantivy', kind)} | {cell('fts page', kind)} | {results['fts'][kind]['hits']} | {results['tantivy'][kind]['hits']} |")
    print(f"\nEach line of `Benchmarks/queries/frdocs-like.tsv` is the id of a frdocs document of at least 50 words "
          f"(`make-queries.py --only like`). fts: `fts bench` on that file, which searches each as `fts search --like ID` "
          f"does: the stored document analysed again, its 25 best terms by tf × idf (no stop word, none that fewer "
          f"than 2 documents hold), any of them, the document itself left out. tantivy: `MoreLikeThisQuery` of the "
          f"document found by its id, with the same settings (min_doc_frequency 2, min_term_frequency 1, "
          f"max_query_terms 25, no boost factor, the same stop words as its analyzer makes them); it keeps the document "
          f"itself among the results. Matches are the hits returned over the warm-up runs (10 a query). The three take "
          f"turns over {runs} rounds (3 timed runs of every query each); a figure is the median over the rounds of the "
          f"round's median (or p99).\n")

# Rounds of each searchd measurement and its in-process baseline; each figure is the median over them.
DAEMON_ROUNDS = 3

def bench_daemon(fts, searchd, runs):
    """searchd on the bundled corpus: queries/s and latency over TCP beside the same work in process."""
    queries = os.path.join(HERE, "queries", "seeds.tsv")
    work = tempfile.mkdtemp(prefix="fts-daemon-")
    index = os.path.join(work, "index")
    subprocess.run([fts, "index", "-o", index, os.path.join(DATA, "seeds.jsonl")], capture_output=True, check=True)
    server = subprocess.Popen([searchd, "--index", index, "--port", "0", "--log-level", "warning"], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        port = line.split("127.0.0.1:")[1].split(",")[0]
        def bench(*options):
            return json.loads(subprocess.run([fts, "bench", "--json", "--queries", queries, "--runs", str(runs * 4), *options],
                                             capture_output=True, text=True, check=True).stdout)
        rows = []
        for label, mode, connections, depth in (("SEARCH (full: stored fields, snippets)", [], 1, 1),
                                                ("SEARCH (full: stored fields, snippets)", [], 2, 32),
                                                ("COUNT", ["--count"], 1, 1), ("COUNT", ["--count"], 2, 32)):
            # Over TCP and in process in turn: the machine's speed drifts from minute to minute.
            remotes, locals_ = [], []
            for _ in range(DAEMON_ROUNDS):
                remotes.append(bench("--server", f"127.0.0.1:{port}", "--connections", str(connections), "--depth", str(depth), *mode))
                locals_.append(bench("--index", index, "--threads", str(connections), *(mode or ["--full"]))["queries_per_second"])
            remote = {key: statistics.median(run[key] for run in remotes)
                      for key in ("queries_per_second", "p50_us", "p90_us", "p99_us", "p999_us")}
            rows.append((label, connections, depth, remote, statistics.median(locals_)))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)
    print("### searchd: seeds queries over TCP (client and server on this machine)\n")
    print("| request | connections | pipelining depth | queries/s | p50 µs | p90 µs | p99 µs | p99.9 µs | in process, same threads (queries/s) | TCP ÷ in process |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, connections, depth, remote, local in rows:
        print(f"| {label} | {connections} | {depth} | {remote['queries_per_second']:.0f} | {remote['p50_us']} | {remote['p90_us']} | "
              f"{remote['p99_us']} | {remote['p999_us']} | {local:.0f} | {remote['queries_per_second'] / local:.2f} |")
    print(f"\nProduced by `fts bench --server` (the load generator) against `searchd --port 0`; the in-process column is "
          f"`fts bench --full` (or `--count`) with as many threads as connections, the two in turn {DAEMON_ROUNDS} times: each "
          "figure is the median of its rounds. Latency with pipelining includes the "
          "time a request waits behind the ones before it. A SEARCH reads its hits' stored documents and makes their "
          "snippets: passages and highlights come from the match positions in the index and the token offsets in the "
          "store, with no analysis; stored documents come from the index's 32 MiB cache of decompressed store blocks, which holds the "
          "whole bundled store (0.2 MB) after the first queries. The client shares the 2 cores with the server.\n")

def arguments():
    parser = argparse.ArgumentParser(
        prog="Benchmarks/run",
        description="fts beside its peers (tantivy, Xapian, SQLite FTS5) on the same corpora, in one run; "
                    "prints Markdown for BENCHMARKS.md. Benchmarks/run installs the peers, builds fts in "
                    "release mode, and passes --fts and --searchd itself.")
    parser.add_argument("--quick", action="store_true", help="the bundled corpus only")
    parser.add_argument("--runs", type=int, default=5, metavar="N",
                        help="runs or rounds of each measurement; figures are their medians (default 5)")
    parser.add_argument("--scale", type=int, default=0, metavar="N",
                        help="also frdocs repeated N times (40: about 1 GB): build throughput, peak memory "
                             "and what pruning buys at scale")
    parser.add_argument("--only", choices=["sorted", "facets", "like"],
                        help="only the searches sorted by a field, the facets, or the searches like a document")
    parser.add_argument("--corpus", metavar="PATH",
                        help="only this corpus, every engine: a JSON Lines file, or a folder of documents, which "
                             "fts sections --jsonl makes into JSON Lines for every engine to read")
    parser.add_argument("--queries", metavar="FILE",
                        help="with --corpus, the queries (class<TAB>query lines, as fts bench reads them); by default "
                             "drawn from the corpus by Benchmarks/make-queries.py --seed 7")
    parser.add_argument("--fts", help="the fts binary (Benchmarks/run gives it)")
    parser.add_argument("--searchd", help="the searchd binary (Benchmarks/run gives it)")
    parser.add_argument("--check-arguments", action="store_true",
                        help="check the other arguments and stop (Benchmarks/run does, before it builds)")
    args = parser.parse_args()
    caller = os.environ.get("FTS_BENCH_CALLER_DIR", os.getcwd())
    args.corpus = args.corpus and os.path.join(caller, os.path.expanduser(args.corpus))
    args.queries = args.queries and os.path.join(caller, os.path.expanduser(args.queries))
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.scale < 0:
        parser.error("--scale must be 0 or more")
    if args.queries and not args.corpus:
        parser.error("--queries goes with --corpus (the bundled corpora have their own)")
    if args.corpus and (args.quick or args.scale or args.only):
        parser.error("--corpus runs that corpus alone: not with --quick, --scale or --only")
    for option, path in (("--corpus", args.corpus), ("--queries", args.queries)):
        if path and not os.access(path, os.R_OK):
            parser.error(f"{option} {path}: no such file, or not readable")
    if args.queries and os.path.isdir(args.queries):
        parser.error(f"--queries {args.queries} is a folder, not a file of queries")
    if args.check_arguments:
        sys.exit(0)
    if not args.fts:
        parser.error("--fts is required")
    return args

def bench_corpus(fts, corpus, queries, runs):
    """Someone's own corpus, every engine: its builds, sizes and queries, as for frdocs."""
    name = os.path.splitext(os.path.basename(os.path.normpath(corpus)))[0]
    os.makedirs(DATA, exist_ok=True)
    if os.path.isdir(corpus):
        # The documents fts makes of the folder, which every engine then indexes alike (files it cannot
        # read are reported on standard error, and left out).
        folder, corpus = corpus, os.path.join(DATA, f"corpus-{name}.jsonl")
        with open(corpus, "w", encoding="utf-8") as out:
            if subprocess.run([fts, "sections", "--jsonl", folder], stdout=out).returncode not in (0, 1):
                sys.exit(f"fts sections --jsonl {folder} failed")
    if not queries:
        queries = os.path.join(DATA, f"corpus-{name}-queries.tsv")
        subprocess.run([sys.executable, os.path.join(HERE, "make-queries.py"), corpus, queries, "--seed", "7"], check=True)
    print(f"Corpus `{corpus}`, queries `{queries}`.\n")
    bench_builds(fts, name, os.path.abspath(corpus), runs, queries)

def main():
    args = arguments()
    if args.corpus:
        bench_corpus(args.fts, args.corpus, args.queries, args.runs)
        return
    if args.only == "sorted":
        bench_sorted(args.fts, prepare_corpora(args.fts, False)[1][1], args.runs)
        return
    if args.only == "facets":
        bench_facets(args.fts, prepare_corpora(args.fts, False)[1][1], args.runs)
        return
    if args.only == "like":
        bench_like(args.fts, prepare_corpora(args.fts, False)[1][1], args.runs)
        return
    for name, corpus in prepare_corpora(args.fts, args.quick):
        bench_builds(args.fts, name, corpus, args.runs)
        if name == "seeds":
            bench_text_build(args.fts, args.runs)
        else:
            bench_sorted(args.fts, corpus, args.runs)
            bench_facets(args.fts, corpus, args.runs)
            bench_like(args.fts, corpus, args.runs)
    if args.searchd:
        bench_daemon(args.fts, args.searchd, args.runs)
    if args.scale and not args.quick:
        bench_scale(args.fts, args.scale, args.runs)

if __name__ == "__main__":
    main()
