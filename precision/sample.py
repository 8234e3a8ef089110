#!/usr/bin/env python3
"""Draws the sample of findings to judge for the precision ledger.

Usage: precision/sample.py FINDINGS.json CORPUS_DIR > candidates.tsv

FINDINGS.json is `sqlgate check CORPUS_DIR --format json` run from CORPUS_DIR (paths relative
to it). For every rule code and dialect (postgres or clickhouse, from the corpus's
manifest.tsv; directories of other engines are left out), up to 10 findings,
spread across repositories: repositories in turn, each one's findings in file and line order
taking every k-th so a repository's sample is not one file's first lines. Deterministic, so the
sample can be drawn again.
"""
import collections
import csv
import json
import sys

findings_path, corpus = sys.argv[1], sys.argv[2]
dialects = {}
with open(f"{corpus}/manifest.tsv") as f:
    for row in csv.DictReader(f, delimiter="\t"):
        dialects[row["dir"]] = row["dialect"]


def dialect(path):
    """postgres or clickhouse, as sqlgate reads the file; None for a directory of another
    engine (MySQL, SQLite, H2), which sqlgate does not claim to check."""
    best = ""
    for d in dialects:
        if path.startswith(d + "/") and len(d) > len(best):
            best = d
    manifest = dialects.get(best, "postgresql")
    if manifest == "clickhouse":
        return "clickhouse"
    if manifest == "postgresql" or manifest.startswith("by-suffix:"):
        return "postgres"
    return None


by_key = collections.defaultdict(lambda: collections.defaultdict(list))
for f in json.load(open(findings_path))["findings"]:
    if f["suppressed"]:
        continue
    dia = dialect(f["file"])
    if dia is None:
        continue
    repo = f["file"].split("/", 1)[0]
    by_key[(f["code"], dia)][repo].append(f)

out = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
out.writerow(["path", "line", "code", "dialect", "verdict", "reason", "message"])
for (code, dia), repos in sorted(by_key.items()):
    queues = []
    for repo in sorted(repos):
        items = sorted(repos[repo], key=lambda f: (f["file"], f["line"]))
        step = max(1, len(items) // 10)
        queues.append(items[::step])
    picked = []
    while len(picked) < 10 and any(queues):
        for q in queues:
            if q and len(picked) < 10:
                picked.append(q.pop(0))
    for f in sorted(picked, key=lambda f: (f["file"], f["line"])):
        out.writerow([f["file"], f["line"], code, dia, "", "", f["message"]])
