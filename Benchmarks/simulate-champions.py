#!/usr/bin/env python3
"""What champion lists would buy OR queries: a simulation from fts's own scores, not an implementation.

A champion list would store, for each term in each field with more than N documents, its N best
documents by BM25 with their frequencies, and a bound on the score of every other document. An OR
query would then read those lists, find the k-th best sum among their documents, and stop there when
no document outside the lists can reach it (the bounds' sum). The exact scores of the candidates still
need a lookup into the postings of each clause whose list does not hold them.

For each query, this script takes every match's contribution per clause from `fts search --explain
--json` (at most 10,000 matches: the maximum window), then counts, for each N: whether the lists
alone decide the top k, the list entries read, the candidates, the lookups, and the distinct postings
blocks (and tails) the lookups would decode. With --instructions it also measures each query's
instructions pruned and exhaustive (callgrind, as Benchmarks/instructions does, top-level search only)
and estimates a champion-list search's instructions from unit costs given below: the fixed
part of the query, plus the work counted. A query the lists cannot decide is charged its pruned cost
plus the lists read.

With --fixed-less K[,K...] (and --instructions), each estimate is repeated with the fixed part of
every query K instructions smaller, in both paths: what a cheaper parse, lookup and plan would add.

Usage: Benchmarks/simulate-champions.py FTS INDEX QUERIES N[,N...] [--instructions [--fixed-less K[,K...]]]
"""
import bisect, collections, json, os, shutil, statistics, subprocess, sys, tempfile

K = 10
# Instructions per unit: one full block decoded (1,900) and one tail decoded (1,400), measured on
# frdocs with callgrind (BENCHMARKS.md); one list entry decoded, scored and merged (70) and one
# lookup's own work besides its block (150), estimates: no such code exists to measure.
ENTRY, BLOCK, TAIL, LOOKUP = 70, 1900, 1400, 150
# The fixed part of a query of W words (parsing, planning, cursors, teardown): 20.4K for one word and
# 44.8K for two, measured with 200 runs of one query; more words extrapolated from those two.
def fixed(words):
    return 20_400 + 24_400 * (words - 1)

def contributions(fts, index, query):
    """Each clause's score per matching document (its line in the corpus)."""
    out = subprocess.run([fts, "search", "--index", index, "--limit", "10000", "--explain", "--json", query],
                         capture_output=True, text=True, check=True).stdout
    clauses = collections.defaultdict(dict)
    for line in out.splitlines():
        hit = json.loads(line)
        for explanation in hit.get("explanation", []):
            score, label = explanation.split()[:2]
            clauses[label][hit["line"]] = clauses[label].get(hit["line"], 0) + float(score)
    return clauses

def simulate(clauses, n):
    lists, complete, rest = {}, {}, {}
    for label, scores in clauses.items():
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        lists[label] = dict(ranked[:n])
        complete[label] = len(ranked) <= n
        rest[label] = 0 if complete[label] else ranked[n][1]
    listed = set().union(*lists.values()) if lists else set()
    known = {doc: sum(scores.get(doc, 0) for scores in lists.values()) for doc in listed}
    missing = {doc: [label for label in lists if not complete[label] and doc not in lists[label]] for doc in listed}
    best = sorted(known.values(), reverse=True)
    floor = best[K - 1] if len(best) >= K else 0
    outside = sum(rest[label] for label in lists if not complete[label])
    decided = all(complete.values()) or (len(best) >= K and floor >= outside)
    candidates = [doc for doc in listed if known[doc] + sum(rest[label] for label in missing[doc]) >= floor]
    lookups, blocks = 0, set()
    for doc in candidates:
        for label in missing[doc]:
            lookups += 1
            documents = sorted(clauses[label])
            block = bisect.bisect_left(documents, doc) // 128
            blocks.add((label, block if block < len(documents) // 128 else "tail"))
    return {"decided": decided, "entries": sum(len(scores) for scores in lists.values()), "candidates": len(candidates),
            "lookups": lookups, "blocks": sum(1 for _, block in blocks if block != "tail"),
            "tails": sum(1 for _, block in blocks if block == "tail")}

def instructions(fts, index, line, options, work):
    path = os.path.join(work, "query.tsv")
    with open(path, "w", encoding="utf-8") as out:
        out.write(line)
    def run(runs):
        result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                                 "--toggle-collect=$s5Query8SearcherC12topDocuments*", fts, "bench", "--index", index,
                                 "--queries", path, "--runs", str(runs), *options], capture_output=True, text=True, check=True)
        return next(int(l.split()[-1]) for l in result.stderr.splitlines() if "Collected" in l)
    return (run(6) - run(1)) / 5

def main():
    arguments = sys.argv[1:]
    measure = "--instructions" in arguments
    cuts = [0]
    if "--fixed-less" in arguments:
        at = arguments.index("--fixed-less")
        if at + 1 >= len(arguments) or not measure:
            sys.exit(__doc__)
        cuts += [int(cut) for cut in arguments[at + 1].split(",")]
        del arguments[at:at + 2]
    arguments = [a for a in arguments if a != "--instructions"]
    if len(arguments) != 4:
        sys.exit(__doc__)
    fts, index, queries, sizes = arguments
    lines = [l for l in open(queries, encoding="utf-8") if l.strip() and not l.startswith("#")]
    measured = [None] * len(lines)
    if measure:
        # Valgrind cannot read the Swift binary's debug information: it runs a stripped copy.
        work = tempfile.mkdtemp(prefix="fts-champions-")
        try:
            stripped = os.path.join(work, "fts")
            subprocess.run(["strip", "--strip-debug", "-o", stripped, fts], check=True)
            measured = [(instructions(stripped, index, l, [], work), instructions(stripped, index, l, ["--no-prune"], work))
                        for l in lines]
        finally:
            shutil.rmtree(work)
    clauses = [contributions(fts, index, l.rstrip("\n").split("\t", 1)[1]) for l in lines]
    estimates = "".join(f" estimated with lists{f', fixed part {cut:,} less' if cut else ''} |" for cut in cuts)
    print("| N | decided by the lists | median entries | candidates | lookups | blocks | tails |"
          + (" median exhaustive ÷ pruned, now |" + estimates if measure else ""))
    print("|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" * (1 + len(cuts)) if measure else ""))
    for n in (int(size) for size in sizes.split(",")):
        rows = [simulate(c, n) for c in clauses]
        cells = [f"{sum(r['decided'] for r in rows)} of {len(rows)}"]
        cells += [f"{statistics.median(r[key] for r in rows):g}" for key in ("entries", "candidates", "lookups", "blocks", "tails")]
        if measure:
            cells.append(f"{statistics.median(exhaustive / pruned for pruned, exhaustive in measured):.2f}")
            for cut in cuts:
                estimated = []
                for line, row, (pruned, exhaustive) in zip(lines, rows, measured):
                    words = len([w for w in line.split("\t", 1)[1].split() if w != "OR"])
                    cost = (fixed(words) - cut + row["entries"] * ENTRY + row["blocks"] * BLOCK + row["tails"] * TAIL
                            + row["lookups"] * LOOKUP) if row["decided"] else pruned - cut + row["entries"] * ENTRY
                    estimated.append((exhaustive - cut) / cost)
                cells.append(f"{statistics.median(estimated):.2f}")
        print(f"| {n} | " + " | ".join(cells) + " |")

if __name__ == "__main__":
    main()
