#!/usr/bin/env python3
"""Completion texts for `fts bench --complete`, derived from a query file of Benchmarks/make-queries.py:
what a user types before a search is done. Prints UTF-8 TSV, class<TAB>text:

  prefix2   the first 2 letters of each `term` query's word (the most spellings to walk)
  prefix4   its first 4 letters
  context   an `and2` query's first word, a space, and the first 3 letters of its second
  phrase    a `phrase` query without its last word's end: the quote open, the last word's first 3 letters

Usage: Benchmarks/make-completions.py QUERIES > OUT.tsv
"""
import sys

def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    rows = []
    for line in open(sys.argv[1], encoding="utf-8"):
        if line.startswith("#") or "\t" not in line:
            continue
        kind, text = line.rstrip("\n").split("\t", 1)
        words = text.split()
        if kind == "term" and len(words) == 1 and len(words[0]) >= 4:
            rows.append(("prefix2", words[0][:2]))
            rows.append(("prefix4", words[0][:4]))
        elif kind == "and2" and len(words) == 2 and len(words[1]) >= 3:
            rows.append(("context", words[0] + " " + words[1][:3]))
        elif kind == "phrase" and text.startswith('"') and text.endswith('"') and len(words) >= 2:
            last = words[-1].rstrip('"')
            if len(last) >= 3:
                rows.append(("phrase", " ".join(words[:-1]) + " " + last[:3]))
    print("# Derived from %s by Benchmarks/make-completions.py" % sys.argv[1].split("/")[-1])
    for kind, text in rows:
        print(kind + "\t" + text)

if __name__ == "__main__":
    main()
