#!/usr/bin/env bash
# Replays every Supabase migration directory of a corpus (default: ../shared/corpus) on a
# throwaway PostgreSQL through the Supabase shim, and prints one line per directory: how many
# migrations applied, where the replay stopped and why, and the replay's findings by code.
#
# Usage: scripts/replay-corpus.sh [CORPUS]   (SQLGATE=path/to/sqlgate to skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/corpus}"
[[ -d $corpus ]] || { echo "replay-corpus.sh: $corpus: no such directory" >&2; exit 2; }
sqlgate="${SQLGATE:-}"
if [[ -z $sqlgate ]]; then
  cargo build --release --locked --quiet
  sqlgate="$PWD/target/release/sqlgate"
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
total=0
full=0
while IFS= read -r dir; do
  total=$((total + 1))
  # Exit 1 (findings) is expected; 2 is not.
  (cd "$corpus" && "$sqlgate" replay "$dir" --format json >"$out" 2>/dev/null) || [[ $? -eq 1 ]]
  line=$(python3 - "$out" "$dir" <<'PY'
import json, sys, collections
report = json.load(open(sys.argv[1]))
codes = collections.Counter(f["code"] for f in report["findings"])
for s in report["replay"]["sets"]:
    applied = sum(m["applied"] for m in s["migrations"])
    stopped = s["stopped"] or "-"
    full = "full" if s["stopped"] is None else "stopped"
    print(f'{full}\t{sys.argv[2]}\t{applied} of {s["total"]} applied\t{dict(codes)}\t{stopped}')
PY
)
  [[ $line == full* ]] && full=$((full + 1))
  echo "$line"
done < <(cd "$corpus" && find . -type d -path '*supabase/migrations' | sed 's|^\./||' | sort)
echo "$full of $total Supabase sets replayed fully"
