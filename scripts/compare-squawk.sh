#!/usr/bin/env bash
# Findings per rule of sqlgate and squawk 2.70 on the same PostgreSQL migrations, side by
# side, with the rule mapping of docs/comparison.md.
#
# Usage: scripts/compare-squawk.sh [CORPUS_DIR]
#
#   CORPUS_DIR   a directory with manifest.tsv (columns: dir repo commit layout dialect ...)
#                and the migration directories it names. Default: ../shared/corpus.
#
# sqlgate runs once over the PostgreSQL directories of the manifest (so it sees each
# framework's layout and transaction mode), with every default rule plus the opt-in rules
# that have a squawk equivalent. squawk runs once over every .sql file under the same
# directories with its default rules. Both from an empty scratch directory, so no config
# file is picked up. For each row of comparison.md's squawk tables that names sqlgate
# rules, it prints squawk's count next to the count of those sqlgate rules; then every
# sqlgate rule's count (and how many findings were suppressed).
set -euo pipefail
name=compare-squawk
# shellcheck source=scripts/squawk-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/squawk-env.sh"
dirs=("${dirs[@]/#/$corpus/}")
files=()
mapfile -d '' -t files < <(find "${dirs[@]}" -type f -name '*.sql' -print0 | sort -z)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
"$sqlgate" check --format json --select "all,$opt_in" -- "${dirs[@]}" >sqlgate.json 2>sqlgate.err || true
"$squawk" --reporter json "${files[@]}" >squawk.json 2>squawk.err || true

python3 - "$root/docs/comparison.md" sqlgate.json squawk.json "${#files[@]}" <<'EOF'
import collections, json, sys
doc, ours_path, theirs_path, nfiles = sys.argv[1:5]
ours = json.load(open(ours_path))
theirs = json.load(open(theirs_path))
by_code = collections.Counter(f["code"] for f in ours["findings"])
suppressed = collections.Counter(f["code"] for f in ours["findings"] if f.get("suppressed"))
by_rule = collections.Counter(f["rule_name"] for f in theirs)
print(f"sqlgate: {ours['files_checked']} files checked, {len(ours['findings'])} findings")
print(f"squawk:  {nfiles} files given, {len(theirs)} findings")
print()
print(f"{'squawk rule':46} {'squawk':>7}  {'sqlgate rule(s)':18} {'sqlgate':>7}  status")
section = ""
for line in open(doc):
    if line.startswith("## "):
        section = line[3:].strip()
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if not section.startswith("squawk") or len(cells) != 4 or cells[2] in ("status", "---"):
        continue
    codes = [] if cells[1] == "—" else [c.strip() for c in cells[1].split(",")]
    count = sum(by_code[c] for c in codes)
    shown = ", ".join(codes) or "—"
    print(f"{cells[0]:46} {by_rule[cells[0]]:>7}  {shown:18} {count if codes else '':>7}  {cells[2]}")
print()
print("sqlgate findings per rule (suppressed in parentheses):")
for code in sorted(by_code):
    extra = f" ({suppressed[code]})" if suppressed[code] else ""
    print(f"  {code} {by_code[code]}{extra}")
EOF
