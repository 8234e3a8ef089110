#!/usr/bin/env bash
# Line by line against squawk 2.70: every finding squawk reports, for a rule where
# docs/comparison.md claims parity ("covered" or "covered (opt-in)"), that sqlgate does not
# report on the same statement with one of the mapped rules. Each such line is printed with
# its squawk rule, and the total per rule; `precision/squawk-misses.tsv` explains the known
# ones (`path`, `line`, `squawk rule`, `reason`), which are counted apart.
#
# Usage: scripts/squawk-lines.sh [CORPUS_DIR]   (default ../shared/corpus)
# Both tools run once on the same files (the PostgreSQL directories of the manifest), from an
# empty scratch directory, like scripts/compare-squawk.sh. Exit 1 while a miss is unexplained.
set -euo pipefail
name=squawk-lines
# shellcheck source=scripts/squawk-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/squawk-env.sh"
cd "$corpus"
files=()
mapfile -d '' -t files < <(find "${dirs[@]}" -type f -name '*.sql' -print0 | sort -z)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Relative paths on both sides; no config file is picked up (none in the corpus).
"$sqlgate" check --format json --select "all,$opt_in" -- "${dirs[@]}" >"$scratch/sqlgate.json" 2>/dev/null || true
"$squawk" --reporter json "${files[@]}" >"$scratch/squawk.json" 2>/dev/null || true

python3 - "$root/docs/comparison.md" "$scratch/sqlgate.json" "$scratch/squawk.json" \
    "$root/precision/squawk-misses.tsv" <<'PY'
import collections, csv, json, os, sys
doc, ours_path, theirs_path, explained_path = sys.argv[1:5]
parity = {}
section = ""
for line in open(doc):
    if line.startswith("## "):
        section = line[3:].strip()
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if section.startswith("squawk") and len(cells) == 4 and cells[2] in ("covered", "covered (opt-in)"):
        parity[cells[0]] = {c.strip() for c in cells[1].split(",")}
ours = collections.defaultdict(list)
for f in json.load(open(ours_path))["findings"]:
    ours[f["file"]].append((f["line"], f.get("end_line", f["line"]), f["code"]))
explained = {}
if os.path.exists(explained_path):
    with open(explained_path) as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            explained[(row["path"], int(row["line"]), row["squawk rule"])] = row["reason"]
import re
texts = {}
def lines_of(path):
    if path not in texts:
        try:
            texts[path] = open(path, encoding="utf-8", errors="replace").read().split("\n")
        except OSError:
            texts[path] = []
    return texts[path]

DOWN = re.compile(r"(\.down\.sql$|/down\.sql$|/U[0-9][^/]*__[^/]*\.sql$)", re.I)
NAME = r'(?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?'
TARGET = re.compile(
    r"\b(?:ALTER\s+TABLE(?:\s+IF\s+EXISTS)?(?:\s+ONLY)?|ON(?:\s+ONLY)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|TRUNCATE(?:\s+TABLE)?|REFERENCES)\s+(" + NAME + ")",
    re.I,
)

def bare(name):
    return name.split(".")[-1].strip().strip('"').lower()

def created_before(path, line, text):
    """The table the statement names was created earlier in the same file (a new table:
    sqlgate's lock and destruction rules judge the table's age)."""
    m = TARGET.search(text)
    if not m:
        return False
    table = bare(m.group(1))
    before = "\n".join(lines_of(path)[: line - 1])
    return re.search(
        r"CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:" + NAME + r"\.)?\"?" + re.escape(table) + r'\b"?',
        before,
        re.I,
    ) is not None

# Rules sqlgate reports once per migration, where squawk reports each statement.
PER_MIGRATION = {"require-lock-timeout": "LK008"}

def auto_reason(path, start, end, rule):
    code = PER_MIGRATION.get(rule)
    if code and any(c == code for _, _, c in ours[path]):
        return f"sqlgate reports {code} once per migration"
    if DOWN.search(path):
        return "down migration: only the RV rules check downs"
    # From the end of the previous statement: squawk may point at a clause's line
    # (`ADD CONSTRAINT ...` under `ALTER TABLE ONLY x`).
    lines = lines_of(path)
    first = start - 1
    while first > 0 and not lines[first - 1].rstrip().endswith(";"):
        first -= 1
    text = " ".join(re.sub(r"--.*", "", l) for l in lines[first:end])
    if rule == "require-lock-timeout" and re.match(
        r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:EXTENSION|TABLE|TYPE|FUNCTION|PROCEDURE|SCHEMA|SEQUENCE|VIEW|DOMAIN)\b",
        text,
        re.I,
    ) and not re.search(r"\bREFERENCES\b", text, re.I):
        return "creates a new object and locks no existing table"
    if created_before(path, first + 1, text):
        return "the table is created earlier in the same migration"
    return None

misses = collections.defaultdict(list)
known = collections.Counter()
auto = collections.Counter()
total = collections.Counter()
for f in json.load(open(theirs_path)):
    rule = f["rule_name"]
    if rule not in parity:
        continue
    total[rule] += 1
    # squawk counts lines from 0 and spans the statement; sqlgate from 1.
    start, end = f["line"] + 1, f.get("line_end", f["line"]) + 1
    hit = any(code in parity[rule] and s <= end and start <= e for s, e, code in ours[f["file"]])
    if hit:
        continue
    key = (f["file"], start, rule)
    reason = auto_reason(f["file"], start, end, rule)
    if reason:
        auto[(rule, reason)] += 1
    elif key in explained:
        known[rule] += 1
    else:
        misses[rule].append(f"{f['file']}:{start}")
print(f"{'squawk rule':42} {'squawk':>6} {'by class':>8} {'listed':>6} {'missed':>6}")
for rule in sorted(total):
    by_class = sum(n for (r, _), n in auto.items() if r == rule)
    print(f"{rule:42} {total[rule]:>6} {by_class:>8} {known[rule]:>6} {len(misses[rule]):>6}")
print()
print("explained by class:")
for (rule, reason), n in sorted(auto.items()):
    print(f"  {rule}: {n} ({reason})")
unexplained = sum(len(v) for v in misses.values())
for rule in sorted(misses):
    for where in misses[rule]:
        print(f"  {rule}: {where}")
print(f"unexplained misses: {unexplained}")
sys.exit(1 if unexplained else 0)
PY
