#!/usr/bin/env bash
# Compare sqlgate with squawk on the same PostgreSQL migration files, in one run.
#
# Usage: scripts/bench.sh [CORPUS_DIR]
#
#   CORPUS_DIR   a directory with manifest.tsv (columns: dir repo commit layout dialect
#                files bytes) and the migration directories it names.
#                Default: ../shared/corpus relative to the repository root.
#
# Environment:
#   BENCH_RUNS   timed runs per tool (default 5; one untimed warm-up run comes first)
#   BENCH_GNU_TIME  GNU time binary (default /usr/bin/time); set it empty to time with
#                bash's `time` keyword instead (also used when the binary is missing)
#
# What it does:
#   1. installs squawk-cli 2.70.0 with pip into .bench/venv (once);
#   2. builds sqlgate with `cargo build --release`;
#   3. collects every .sql file under the manifest rows whose dialect is `postgresql`;
#   4. runs each tool once over the whole list (all files in one invocation), alternating
#      the tools, BENCH_RUNS times, from an empty scratch directory so that no config file
#      is picked up; exit codes are ignored (both tools exit non-zero on findings);
#   5. prints per tool the median wall time and median CPU time (user + sys), and the
#      ratios squawk / sqlgate.
set -euo pipefail
export LC_ALL=C

SQUAWK_VERSION=2.70.0
RUNS=${BENCH_RUNS:-5}
GNU_TIME=${BENCH_GNU_TIME-/usr/bin/time}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# An explicit CORPUS_DIR is relative to the caller's directory, the default to the repo root.
corpus=${1:-$root/../shared/corpus}
if [[ ! -f "$corpus/manifest.tsv" ]]; then
    echo "bench: $corpus/manifest.tsv not found; pass the corpus directory: scripts/bench.sh CORPUS_DIR" >&2
    exit 2
fi
corpus=$(cd "$corpus" && pwd)
cd "$root"
case $RUNS in '' | *[!0-9]* | 0) echo "bench: BENCH_RUNS must be a positive integer" >&2; exit 2 ;; esac

bench_dir=$root/.bench
mkdir -p "$bench_dir"

# --- squawk -----------------------------------------------------------------------------
venv=$bench_dir/venv
squawk=$venv/bin/squawk
if [[ ! -x $squawk ]] || [[ $("$squawk" --version 2>/dev/null) != "squawk $SQUAWK_VERSION" ]]; then
    echo "bench: installing squawk-cli==$SQUAWK_VERSION into $venv" >&2
    [[ -x $venv/bin/pip ]] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "squawk-cli==$SQUAWK_VERSION"
fi

# --- sqlgate ----------------------------------------------------------------------------
echo "bench: cargo build --release" >&2
cargo build --release --quiet
sqlgate=$root/target/release/sqlgate

# --- file list --------------------------------------------------------------------------
# NUL-separated so that names with spaces (or anything else) survive.
list=$bench_dir/postgresql-files.list
: >"$list"
ndirs=0
while IFS=$'\t' read -r dir _repo _commit _layout dialect _rest; do
    [[ $dialect == postgresql ]] || continue
    if [[ ! -d $corpus/$dir ]]; then
        echo "bench: warning: manifest dir not found: $corpus/$dir" >&2
        continue
    fi
    find "$corpus/$dir" -type f -name '*.sql' -print0 | LC_ALL=C sort -z >>"$list"
    ndirs=$((ndirs + 1))
done < <(tail -n +2 "$corpus/manifest.tsv")

files=()
mapfile -d '' -t files <"$list"
if ((${#files[@]} == 0)); then
    echo "bench: no postgresql .sql files found under $corpus" >&2
    exit 2
fi
bytes=$(cat "${files[@]}" | wc -c)

# Both tools run from an empty directory with absolute paths: no sqlgate.toml or
# .squawk.toml is discovered, and reported paths are identical.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

run_sqlgate() { "$sqlgate" check --format json "${files[@]}"; }
run_squawk() { "$squawk" "${files[@]}"; }

# --- sanity run: both tools must actually lint the files --------------------------------
cd "$scratch"
set +e
run_sqlgate >"$scratch/sqlgate.json" 2>"$scratch/sqlgate.err"
rc=$?
set -e
if ((rc != 0 && rc != 1)); then
    echo "bench: sqlgate exited with $rc (expected 0 or 1):" >&2
    head -20 "$scratch/sqlgate.err" >&2
    exit 1
fi
sqlgate_summary=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print("files_checked=%s statements=%s parsed=%s findings=%d" % (
    r.get("files_checked"), r.get("statements"), r.get("parsed"), len(r.get("findings", []))))
' "$scratch/sqlgate.json" 2>/dev/null || true)
if [[ -z $sqlgate_summary ]]; then
    sqlgate_summary="(no JSON report on stdout)"
    echo "bench: warning: sqlgate printed no JSON report; its timings do not measure linting" >&2
fi
set +e
run_squawk >"$scratch/squawk.out" 2>"$scratch/squawk.err"
rc=$?
set -e
if ((rc != 0 && rc != 1)); then
    echo "bench: squawk exited with $rc (expected 0 or 1):" >&2
    head -20 "$scratch/squawk.err" >&2
    exit 1
fi
squawk_summary=$(grep -a -E 'checked [0-9]+ source files' "$scratch/squawk.out" | sed 's/\x1b\[[0-9;]*m//g' | tail -n1 || true)

# --- timing -----------------------------------------------------------------------------
# Prints "wall user sys" in seconds for one run of the given function.
if [[ -n $GNU_TIME && -x $GNU_TIME ]]; then
    timer="GNU time ($GNU_TIME)"
    time_one() {
        local out=$scratch/time.out
        "$GNU_TIME" -f '%e %U %S' -o "$out" "$@" >/dev/null 2>&1 || true
        tail -n 1 "$out" # GNU time may put "Command exited with non-zero status" first
    }
    # /usr/bin/time needs an executable, not a shell function.
    time_sqlgate() { time_one "$sqlgate" check --format json "${files[@]}"; }
    time_squawk() { time_one "$squawk" "${files[@]}"; }
else
    timer="bash time"
    time_bash() {
        local TIMEFORMAT='%R %U %S'
        { time "$@" >/dev/null 2>&1; } 2>&1 || true
    }
    time_sqlgate() { time_bash run_sqlgate; }
    time_squawk() { time_bash run_squawk; }
fi

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }' | xargs printf '%.2f\n'; }

echo "bench: ${#files[@]} files, $bytes bytes, from $ndirs postgresql dirs of $corpus" >&2
echo "bench: 1 warm-up + $RUNS timed runs per tool, alternating, timed with $timer" >&2
time_sqlgate >/dev/null
time_squawk >/dev/null
: >"$scratch/sqlgate.times"
: >"$scratch/squawk.times"
for ((i = 1; i <= RUNS; i++)); do
    time_sqlgate >>"$scratch/sqlgate.times"
    time_squawk >>"$scratch/squawk.times"
    echo "bench: run $i/$RUNS: sqlgate $(tail -n1 "$scratch/sqlgate.times"), squawk $(tail -n1 "$scratch/squawk.times") (wall user sys)" >&2
done

sg_wall=$(awk '{ print $1 }' "$scratch/sqlgate.times" | median)
sg_cpu=$(awk '{ print $2 + $3 }' "$scratch/sqlgate.times" | median)
sq_wall=$(awk '{ print $1 }' "$scratch/squawk.times" | median)
sq_cpu=$(awk '{ print $2 + $3 }' "$scratch/squawk.times" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

echo
echo "PostgreSQL files: ${#files[@]} ($bytes bytes), $(nproc 2>/dev/null || echo '?') CPUs, median of $RUNS runs"
sqlgate_version=$("$sqlgate" --version 2>/dev/null || true)
echo "sqlgate: ${sqlgate_version:-sqlgate (no --version output)}  $sqlgate_summary"
echo "squawk:  $("$squawk" --version)  ${squawk_summary}"
echo
printf '%-10s %12s %12s\n' tool 'wall (s)' 'cpu (s)'
printf '%-10s %12s %12s\n' sqlgate "$sg_wall" "$sg_cpu"
printf '%-10s %12s %12s\n' squawk "$sq_wall" "$sq_cpu"
echo
echo "squawk / sqlgate: wall $(ratio "$sq_wall" "$sg_wall"), cpu $(ratio "$sq_cpu" "$sg_cpu")"
