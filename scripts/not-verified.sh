#!/usr/bin/env bash
# How often `sqlgate gate` calls a file of a realistic pull request "not verified" (a file in
# a migration directory it cannot lint, which needs the merge gate), on real repositories.
#
# Usage: scripts/not-verified.sh [--all] [CORPUS_DIR]
#
#   --all       the worst case instead: the base is empty and the pull request adds every
#               file of the repository (whole migration directories created from scratch).
#
#   CORPUS_DIR  a directory of repositories' migration trees (default ../shared/corpus
#               relative to the repository root). For each one, a scratch git repository
#               gets a base commit with every file but the 6 newest `.sql` files (by name) of
#               each directory holding more than 6, and a pull request adding those. The
#               script prints, per repository, the files added and those listed as not
#               verified, with the reason, then the totals.
#
# Environment: SQLGATE, the binary to run (default: `cargo build --release`, then
# target/release/sqlgate).
set -euo pipefail

all=0
if [[ ${1:-} == --all ]]; then
  all=1
  shift
fi
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=$(cd "${1:-$root/../shared/corpus}" && pwd)
if [[ -n "${SQLGATE:-}" ]]; then
  # Relative to where the script was started: it works in scratch directories.
  SQLGATE=$(cd "$(dirname "$SQLGATE")" && pwd)/$(basename "$SQLGATE")
else
  cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
  SQLGATE=$root/target/release/sqlgate
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git_q() { git -c user.email=bench@example.com -c user.name=bench "$@"; }

total=0
flagged=0
for source in "$corpus"/*/; do
  name=$(basename "$source")
  repo=$scratch/$name
  held=$scratch/$name.held
  mkdir -p "$repo" "$held"
  cp -r "$source". "$repo"
  (
    cd "$repo"
    git init -q -b main
    ALL=$all python3 - <<'PY' >"$held.list"
import collections, os
by = collections.defaultdict(list)
every = os.environ["ALL"] == "1"
for top, dirs, files in os.walk("."):
    dirs[:] = [d for d in dirs if d != ".git"]
    for f in files:
        if every and not f.startswith("LICENSE") and f != "manifest.tsv":
            print(os.path.join(top, f))
        elif f.lower().endswith(".sql"):
            by[top].append(os.path.join(top, f))
for files in ([] if every else by.values()):
    if len(files) > 6:
        for f in sorted(files)[-6:]:
            print(f)
PY
    while IFS= read -r f; do
      mkdir -p "$held/$(dirname "$f")"
      mv "$f" "$held/$f"
    done <"$held.list"
    git add -A && git_q commit -q --allow-empty -m base
    cp -r "$held/." .
    git add -A && git_q commit -q --allow-empty -m "pull request"
  )
  base=$(git -C "$repo" rev-parse HEAD~1)
  head=$(git -C "$repo" rev-parse HEAD)
  printf '{"number":7,"pull_request":{"number":7,"body":"","user":{"login":"alice"},"head":{"sha":"%s","repo":{"full_name":"acme/app"}},"base":{"sha":"%s","repo":{"full_name":"acme/app"}}},"repository":{"full_name":"acme/app"}}' \
    "$head" "$base" >"$scratch/event.json"
  echo '[]' >"$scratch/reviews.json"
  (cd "$repo" && "$SQLGATE" gate --event "$scratch/event.json" --reviews "$scratch/reviews.json" \
    --format json 2>/dev/null || true) >"$scratch/$name.json"
  added=$(wc -l <"$held.list")
  result=$(python3 - "$scratch/$name.json" <<'PY'
import json, sys
files = json.load(open(sys.argv[1]))["gate"].get("files", [])
flagged = [f for f in files if f["kind"] == "not-verified"]
print(len(flagged))
for f in flagged:
    print(f"    {f['file']}: {f['reason']}")
PY
)
  count=$(head -n1 <<<"$result")
  printf '%s: %s added, %s not verified\n' "$name" "$added" "$count"
  tail -n +2 <<<"$result"
  total=$((total + added))
  flagged=$((flagged + count))
done
printf 'total: %s added, %s not verified\n' "$total" "$flagged"
