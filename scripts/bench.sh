#!/usr/bin/env bash
# The project's benchmark: sqlgate against squawk 2.70 on the same PostgreSQL migration
# files, in one run.
#
# Usage: scripts/bench.sh [CORPUS_DIR]
#
#   CORPUS_DIR   a directory with manifest.tsv (tab-separated, one header line; columns: dir
#                repo commit layout dialect files bytes) and the migration directories it
#                names. Only the rows whose dialect is `postgresql` are used (squawk lints
#                PostgreSQL only). Default: ../shared/corpus relative to the repository root;
#                an explicit CORPUS_DIR is relative to the caller's directory.
#
# Environment:
#   BENCH_RUNS           timed runs per tool in parts 1 and 3 (default 5)
#   BENCH_REPO_PASSES    passes over the directories in each timed run of part 1b (default 5)
#   BENCH_SCALE_RUNS     timed runs per tool and scale in part 2 (default 3)
#   BENCH_SKIP_SCALE=1   skip part 2 (scaling)
#   BENCH_SKIP_CHANGED=1 skip part 3 (changed files)
#   BENCH_SKIP_TREE=1    skip part 4 (a repository's checkout)
#   BENCH_SQLGATE        the sqlgate binary to bench, without building anything (default:
#                        `cargo build --release`, then target/release/sqlgate)
#   BENCH_GNU_TIME       GNU time binary (default /usr/bin/time). When it is empty, missing
#                        or not GNU time, runs are timed with bash's `time` keyword and peak
#                        RSS is reported as n/a.
#
# Needs bash 4.4+, GNU coreutils and findutils (sort -z, cp --parents, xargs -0), awk,
# python3 (a venv with pip for squawk, and reading sqlgate's JSON report) and git (part 3).
#
# What it does:
#   0. installs squawk-cli 2.70.0 with pip into .bench/venv (once); builds sqlgate unless
#      BENCH_SQLGATE is set; collects every .sql file under the postgresql rows of the
#      manifest (NUL-separated throughout, so names with spaces survive).
#      Every run happens in a scratch directory (mktemp -d, removed on exit), so that no
#      sqlgate.toml or .squawk.toml is picked up. Each timed run discards the output and
#      ignores the exit code (both tools exit 1 on findings); it is measured with GNU time:
#      wall = %e, CPU = user + sys (%U + %S), peak RSS = %M (KB). In every round the two
#      tools run one after the other (alternating), and the medians over the rounds are
#      reported. Before timing, a sanity run of each tool proves that it lints the files
#      (exit code 0 or 1, sqlgate's JSON report, squawk's "checked N source files").
#   1. Same files: both tools on every file, all in one invocation each (absolute paths as
#      arguments, so the file list must fit in ARG_MAX: about 2 MB on Linux): the sanity runs,
#      one untimed warm-up run each, then BENCH_RUNS rounds. Each round runs, in turn,
#        sqlgate check --format json FILES       squawk --reporter json FILES
#        squawk --reporter gcc FILES             sqlgate check --format human FILES
#        squawk FILES                            (the tty reporter, its default)
#      The headline is machine-readable output on both sides (json against json, and gcc
#      against sqlgate's json); the human formats are a second row (squawk's tty reporter
#      draws a code snippet per finding). Prints median wall, CPU and peak RSS per run and
#      the ratios squawk / sqlgate, and what each tool found (count and most frequent rules),
#      so the ratios can be weighed against the work each does.
#      sqlgate may check fewer files than it is given: it skips files that its framework
#      rules say are not migrations (`sqlgate check -v` lists them).
#   1b. One repository at a time: each manifest directory (postgresql rows) on its own, one
#      process per directory, in a loop that one timed `bash -c` runs for each tool:
#        sqlgate check --format json DIR       squawk --reporter json 'DIR/**/*.sql'
#      so start-up and set-up count once per repository, as when a user checks theirs. Each
#      timed run goes over the directories BENCH_REPO_PASSES times (GNU time's 10 ms step is
#      7% of one pass). BENCH_RUNS rounds, after one warm-up; peak RSS is the largest
#      process's.
#   2. Scaling: copies of the file set in the scratch directory, copy K at
#      copyK/<path relative to CORPUS_DIR>. They are real copies (cp --reflink=auto), not
#      hard links: sqlgate checks a file it reaches through several paths once (same
#      device and inode), so hard-linked copies would not scale its work. For 1x, 4x and
#      16x it runs
#        sqlgate check --format json copy1 ... copyN       (directories: sqlgate discovers
#                                                           the migrations, and 16x the
#                                                           paths would overflow ARG_MAX)
#        squawk --reporter json 'copy1/**/*.sql' ...       (quoted: squawk expands them)
#      The sanity run at each scale is also its warm-up and gives the files checked, which
#      must be N times those at 1x (a warning says otherwise; if squawk fails, the scale is
#      timed for sqlgate only). BENCH_SCALE_RUNS rounds per scale. Each timed run checks as
#      many files as the largest scale: 16 runs of 1x in a row, 4 of 4x, 1 of 16x (one
#      run of 1x is a few GNU time steps, and a step was 15% of it); the table gives the
#      time of one run. Time per file relative to 1x is printed for wall and CPU: 1.00
#      means time grows linearly with the files.
#   3. Changed files, what CI runs on every pull request: a git repository with 5,000
#      migrations supabase/migrations/2020NNNNNNNNNN_mN.sql (contents cycle through the
#      corpus files, in list order) committed on `main`, and a branch `pr` that adds
#      supabase/migrations/20991231000000_new.sql. Times
#        sqlgate check --changed-since main --format json
#      there (asserting from its JSON that exactly 1 file was checked) over BENCH_RUNS
#      rounds, against the 100 ms wall-time target (PASS/FAIL is printed, the exit code does
#      not depend on it); for context, squawk on just the new file.
#   4. A repository's checkout, what `sqlgate check` at its root walks: a tree of 18,000
#      files that are not SQL (source, docs, config: 6 in each of 3,000 directories, 30 to a
#      package) with 300 migrations in db/migrations (contents cycle through the corpus
#      files). BENCH_RUNS rounds of
#        sqlgate check --format json TREE      squawk --reporter json 'TREE/**/*.sql'
#      (both walk the whole tree; squawk's pattern finds the same 300 files).
#
# Output: progress and the raw numbers of every timed run ("wall user sys rss_kb") on
# stderr; on stdout a Markdown summary to paste into the README: the exact command, the
# file counts and bytes, the CPU count, the tool versions and one table per part.
# Exit code: 0; 1 when a tool fails its sanity run or `--changed-since` does not check
# exactly 1 file; 2 on bad usage.
set -euo pipefail
export LC_ALL=C
# If run from a git hook, these would point sqlgate's and part 3's git at another repository.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_COMMON_DIR

# The command line as typed, with the BENCH_* settings that were given, for the summary.
command_line=
for v in BENCH_RUNS BENCH_REPO_PASSES BENCH_SCALE_RUNS BENCH_SKIP_SCALE BENCH_SKIP_CHANGED BENCH_SKIP_TREE BENCH_SQLGATE BENCH_GNU_TIME; do
    if [[ -n ${!v+set} ]]; then command_line+="$v=$(printf '%q' "${!v}") "; fi
done
command_line+=$(printf '%q' "$0")
for arg in "$@"; do command_line+=" $(printf '%q' "$arg")"; done

SQUAWK_VERSION=2.70.0
RUNS=${BENCH_RUNS:-5}
REPO_PASSES=${BENCH_REPO_PASSES:-5}
SCALE_RUNS=${BENCH_SCALE_RUNS:-3}
SKIP_SCALE=${BENCH_SKIP_SCALE:-0}
SKIP_CHANGED=${BENCH_SKIP_CHANGED:-0}
SKIP_TREE=${BENCH_SKIP_TREE:-0}
GNU_TIME=${BENCH_GNU_TIME-/usr/bin/time}
SCALES=(1 4 16)
CHANGED_OLD=5000
CHANGED_TARGET_MS=100

die() {
    local code=$1
    shift
    echo "bench: $*" >&2
    exit "$code"
}
for v in RUNS SCALE_RUNS; do
    case ${!v} in '' | *[!0-9]* | 0) die 2 "BENCH_$v must be a positive integer" ;; esac
done
for v in SKIP_SCALE SKIP_CHANGED SKIP_TREE; do
    case ${!v} in '' | 0 | 1) ;; *) die 2 "BENCH_$v must be 1 (skip) or 0" ;; esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

corpus=${1:-$root/../shared/corpus}
if [[ ! -f "$corpus/manifest.tsv" ]]; then
    die 2 "$corpus/manifest.tsv not found; pass the corpus directory: scripts/bench.sh CORPUS_DIR"
fi
corpus=$(cd "$corpus" && pwd)

# BENCH_SQLGATE is resolved against the caller's directory (or PATH for a bare name).
sqlgate_from=
if [[ -n ${BENCH_SQLGATE:-} ]]; then
    sqlgate=$BENCH_SQLGATE
    if [[ $sqlgate != */* ]]; then
        sqlgate=$(command -v "$sqlgate") || die 2 "BENCH_SQLGATE: $BENCH_SQLGATE not found in PATH"
    fi
    [[ $sqlgate == /* ]] || sqlgate=$PWD/$sqlgate
    [[ -f $sqlgate && -x $sqlgate ]] || die 2 "BENCH_SQLGATE: $sqlgate is not an executable file"
    sqlgate_from="the binary BENCH_SQLGATE names"
fi
cd "$root"

bench_dir=$root/.bench
mkdir -p "$bench_dir"

scratch=$(mktemp -d)
# Copies of the read-only corpus may have read-only directories: make them removable.
cleanup() {
    chmod -R u+w "$scratch" 2>/dev/null || true
    rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- squawk -----------------------------------------------------------------------------
venv=$bench_dir/venv
squawk=$venv/bin/squawk
if [[ ! -x $squawk ]] || [[ $("$squawk" --version 2>/dev/null) != "squawk $SQUAWK_VERSION" ]]; then
    echo "bench: installing squawk-cli==$SQUAWK_VERSION into $venv" >&2
    [[ -x $venv/bin/pip ]] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "squawk-cli==$SQUAWK_VERSION"
fi
squawk_version=$("$squawk" --version)

# --- sqlgate ----------------------------------------------------------------------------
if [[ -z $sqlgate_from ]]; then
    echo "bench: cargo build --release" >&2
    cargo build --release --quiet
    sqlgate=$root/target/release/sqlgate
    sqlgate_from="built from commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
    if [[ -n $(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
        sqlgate_from+=" with uncommitted changes"
    fi
fi
sqlgate_version=$("$sqlgate" --version 2>/dev/null || true)
sqlgate_version=${sqlgate_version:-sqlgate (no --version output)}

# --- file list --------------------------------------------------------------------------
# NUL-separated so that names with spaces (or anything else) survive.
list=$scratch/postgresql-files.list
: >"$list"
ndirs=0
repo_dirs=()
while IFS=$'\t' read -r dir _repo _commit _layout dialect _rest; do
    [[ $dialect == postgresql ]] || continue
    if [[ ! -d $corpus/$dir ]]; then
        echo "bench: warning: manifest dir not found: $corpus/$dir" >&2
        continue
    fi
    find "$corpus/$dir" -type f -name '*.sql' -print0 | sort -z >>"$list"
    repo_dirs+=("$corpus/$dir")
    ndirs=$((ndirs + 1))
done < <(tail -n +2 "$corpus/manifest.tsv")

files=()
mapfile -d '' -t files <"$list"
nfiles=${#files[@]}
((nfiles > 0)) || die 2 "no postgresql .sql files found under $corpus"
bytes=$(cat "${files[@]}" | wc -c)
ncpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
cpu_model=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null | head -n 1 || true)

# --- timing and statistics --------------------------------------------------------------
# time_run OUT CMD [ARG...]: one run of CMD in the current directory, output discarded and
# exit code ignored; appends "wall user sys rss_kb" to OUT (rss_kb is NA without GNU time).
if [[ -n $GNU_TIME ]] && "$GNU_TIME" -f '%e %U %S %M' -o /dev/null true >/dev/null 2>&1; then
    timer="GNU time ($GNU_TIME): wall = elapsed, CPU = user + sys, peak RSS = maximum resident set size"
    time_run() {
        local out=$1
        shift
        "$GNU_TIME" -f '%e %U %S %M' -o "$scratch/time.out" "$@" >/dev/null 2>&1 || true
        tail -n 1 "$scratch/time.out" >>"$out" # "Command exited with non-zero status" may come first
    }
else
    [[ -z $GNU_TIME ]] || echo "bench: warning: $GNU_TIME is not GNU time; timing with bash's time, no peak RSS" >&2
    timer="bash's time: wall = real, CPU = user + sys; no peak RSS without GNU time"
    time_run() {
        local out=$1 t
        shift
        t=$({
            TIMEFORMAT='%R %U %S'
            time "$@" >/dev/null 2>&1
        } 2>&1) || true
        echo "$t NA" >>"$out"
    }
fi

# median_of FILE wall|cpu|rss: the median over the lines of FILE, in seconds (wall, cpu) or
# KB (rss); "n/a" when a value is missing.
median_of() {
    awk -v col="$2" '
        {
            x = (col == "wall") ? $1 : (col == "cpu") ? $2 + $3 : $4
            if (x !~ /^[0-9.]+$/) bad = 1
            for (i = n; i > 0 && v[i] > x + 0; i--) v[i + 1] = v[i]
            v[i + 1] = x + 0
            n++
        }
        END {
            if (bad || n == 0) { print "n/a"; exit }
            printf "%.4f\n", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        }' "$1"
}
# Formatting: seconds, milliseconds, MB from KB; ratio A/B; per-file time at scale K
# relative to 1x: (T_K / N_K) / (T_1 / N_1).
calc() { awk -v a="$2" -v b="${3:-1}" -v c="${4:-1}" -v d="${5:-1}" "BEGIN { if (a == \"n/a\" || b == \"n/a\" || c == \"n/a\" || d == \"n/a\" || b + 0 == 0 || c + 0 == 0 || d + 0 == 0) print \"n/a\"; else $1 }"; }
fmt_s() { calc 'printf "%.2f", a' "$1"; }
fmt_ms() { calc 'if (a * 1000 < 5) printf "< 10"; else printf "%.0f", a * 1000' "$1"; } # GNU time: 10 ms steps
fmt_mb() { calc 'printf "%.1f", a / 1024' "$1"; }
ratio() { calc 'printf "%.2fx", a / b' "$1" "$2"; }
per_file_rel() { calc 'printf "%.2f", (a / b) / (c / d)' "$1" "$2" "$3" "$4"; }
plural() { if (($1 == 1)); then echo "1 $2"; else echo "$1 ${2}s"; fi; }
# rss_ratio SQUAWK_KB SQLGATE_KB: the ratio and which tool used less memory.
rss_ratio() {
    local r
    r=$(ratio "$1" "$2")
    if [[ $r == n/a ]]; then
        echo n/a
    else
        echo "$r $(calc 'print ((a + 0 < b + 0) ? "(squawk lower)" : (a + 0 > b + 0) ? "(sqlgate lower)" : "(equal)")' "$1" "$2")"
    fi
}

# rounds N TAG DIR KIND...: N rounds in DIR; in each, the command array cmd_KIND of every
# KIND runs in turn (one that is empty is skipped), so the tools alternate; raw numbers go to
# $scratch/TAG.KIND and stderr.
rounds() {
    local n=$1 tag=$2 dir=$3 i kind line
    shift 3
    for kind in "$@"; do : >"$scratch/$tag.$kind"; done
    for ((i = 1; i <= n; i++)); do
        line=
        for kind in "$@"; do
            local -n run=cmd_$kind
            if ((${#run[@]})); then
                (cd "$dir" && time_run "$scratch/$tag.$kind" "${run[@]}")
                line+="${line:+, }$kind $(tail -n 1 "$scratch/$tag.$kind")"
            fi
            unset -n run
        done
        echo "bench: $tag run $i/$n: $line (wall user sys rss_kb)" >&2
    done
}

# sanity_sqlgate DIR CMD...: runs CMD in DIR; it must exit 0 or 1 and print a JSON report.
# Sets sg_checked, sg_statements, sg_parsed, sg_findings.
sanity_sqlgate() {
    local dir=$1 rc=0
    shift
    (cd "$dir" && "$@") >"$scratch/sanity.json" 2>"$scratch/sanity.err" || rc=$?
    if ((rc != 0 && rc != 1)); then
        echo "bench: sqlgate exited with $rc (expected 0 or 1):" >&2
        head -n 20 "$scratch/sanity.err" >&2
        exit 1
    fi
    local report
    report=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
from collections import Counter
top = Counter(f["code"] for f in r.get("findings", [])).most_common(5)
print(r["files_checked"], r.get("statements", "?"), r.get("parsed", "?"), len(r.get("findings", [])),
      "most: " + ", ".join(f"{code} {n}" for code, n in top))
' "$scratch/sanity.json" 2>/dev/null) || die 1 "sqlgate printed no JSON report with files_checked: its timings would not measure linting"
    read -r sg_checked sg_statements sg_parsed sg_findings sg_top <<<"$report"
    rm -f "$scratch/sanity.json"
}

# squawk_findings DIR CMD...: runs CMD (squawk with --reporter json) in DIR and prints how many
# findings it reported, with its five most frequent rules.
squawk_findings() {
    local dir=$1
    shift
    (cd "$dir" && "$@" 2>/dev/null || true) | python3 -c '
import json, sys
from collections import Counter
found = json.load(sys.stdin)
top = Counter(f.get("rule_name") for f in found).most_common(5)
print(f"{len(found)} findings (most: " + ", ".join(f"{rule} {n}" for rule, n in top) + ")")
' 2>/dev/null || echo "findings unknown (no JSON from squawk)"
}

# sanity_squawk DIR CMD...: runs CMD in DIR; it must exit 0 or 1. Returns 1 (after printing
# squawk's stderr) when it does not. Sets sq_rc (its exit code), sq_checked (the N of
# "checked N source files", or ? when squawk printed no such line) and sq_line (that line).
sanity_squawk() {
    local dir=$1 rc
    shift
    # Only the end of the report is kept: at 16x it is hundreds of MB.
    {
        rc=0
        (cd "$dir" && "$@") 2>"$scratch/sanity.err" || rc=$?
        echo "$rc" >"$scratch/sanity.rc"
    } | tail -n 20 | sed 's/\x1b\[[0-9;]*m//g' >"$scratch/sanity.out"
    rc=$(<"$scratch/sanity.rc")
    sq_rc=$rc
    if ((rc != 0 && rc != 1)); then
        echo "bench: squawk exited with $rc (expected 0 or 1):" >&2
        head -n 20 "$scratch/sanity.err" >&2
        return 1
    fi
    sq_line=$(grep -a -E 'checked [0-9]+ source files?' "$scratch/sanity.out" | tail -n 1 || true)
    sq_checked=$(sed -E -n 's/.*checked ([0-9]+) source file.*/\1/p' <<<"$sq_line")
    sq_checked=${sq_checked:-?}
    if [[ -z $sq_line ]]; then
        echo "bench: warning: squawk printed no \"checked N source files\" line" >&2
    fi
    return 0
}

summary=$scratch/summary.md
{
    echo "## Benchmark: sqlgate vs squawk $SQUAWK_VERSION"
    echo
    echo "Command: \`$command_line\`"
    echo
    echo "- Files: $nfiles PostgreSQL \`.sql\` files, $bytes bytes, from the $ndirs \`postgresql\` rows of \`$corpus/manifest.tsv\`"
    echo "- Machine: $ncpus CPUs${cpu_model:+ ($cpu_model)}, $(uname -sm)"
    echo "- Tools: $sqlgate_version ($sqlgate_from); $squawk_version (squawk-cli from PyPI)"
    echo "- Timing: $timer; medians; in every round the tools run alternately"
} >"$summary"

echo "bench: $nfiles files, $bytes bytes, from $ndirs postgresql dirs of $corpus" >&2

# --- 1. the same files --------------------------------------------------------------------
# Absolute paths from an empty directory: no config file is found, reported paths are identical.
empty=$scratch/empty
mkdir "$empty"
# Machine-readable output on both sides is the headline (what CI runs); squawk's gcc
# reporter is timed too, and the human formats (sqlgate's human text, squawk's tty reporter,
# which draws a code snippet per finding) in a second row.
cmd_sqlgate=("$sqlgate" check --format json "${files[@]}")
cmd_squawk=("$squawk" --reporter json "${files[@]}")
cmd_squawk_gcc=("$squawk" --reporter gcc "${files[@]}")
cmd_sqlgate_human=("$sqlgate" check --format human "${files[@]}")
cmd_squawk_tty=("$squawk" "${files[@]}")
sanity_sqlgate "$empty" "${cmd_sqlgate[@]}"
# The tty reporter says how many files it checked; the JSON one lists the findings.
sanity_squawk "$empty" "${cmd_squawk_tty[@]}" || exit 1
sg1_checked=$sg_checked
sg1_note="sqlgate: $sg_statements statements, $sg_findings findings ($sg_top)"
sq1_checked=$sq_checked
sq1_note="squawk: \"${sq_line:-no \"checked N source files\" line}\", $(squawk_findings "$empty" "${cmd_squawk[@]}")"
echo "bench: sanity: sqlgate checked $sg1_checked files, squawk $sq1_checked" >&2

echo "bench: part 1: 1 warm-up + $(plural "$RUNS" "timed run") per tool and format, alternating" >&2
for kind in sqlgate squawk squawk_gcc sqlgate_human squawk_tty; do
    declare -n run=cmd_$kind
    (cd "$empty" && time_run "$scratch/warmup" "${run[@]}")
    unset -n run
done
rounds "$RUNS" same "$empty" sqlgate squawk squawk_gcc sqlgate_human squawk_tty
declare -A m1 # m1[KIND:wall|cpu|rss]
for kind in sqlgate squawk squawk_gcc sqlgate_human squawk_tty; do
    for col in wall cpu rss; do
        m1[$kind:$col]=$(median_of "$scratch/same.$kind" "$col")
    done
done
# row LABEL KIND FILES: a table row of part 1.
row() {
    echo "| $1 | $3 | $(fmt_s "${m1[$2:wall]}") | $(fmt_s "${m1[$2:cpu]}") | $(fmt_mb "${m1[$2:rss]}") |"
}
# ratios LABEL SQUAWK_KIND SQLGATE_KIND: the bold row of ratios squawk / sqlgate.
ratios() {
    echo "| **$1** | | **$(ratio "${m1[$2:wall]}" "${m1[$3:wall]}")** | **$(ratio "${m1[$2:cpu]}" "${m1[$3:cpu]}")** | **$(rss_ratio "${m1[$2:rss]}" "${m1[$3:rss]}")** |"
}
{
    echo
    echo "### 1. Same files, one invocation per tool (median of $(plural "$RUNS" run))"
    echo
    echo "| run | files checked | wall (s) | CPU (s) | peak RSS (MB) |"
    echo "|---|---:|---:|---:|---:|"
    row "sqlgate \`--format json\`" sqlgate "$sg1_checked of $nfiles"
    row "squawk \`--reporter json\`" squawk "$sq1_checked of $nfiles"
    ratios "machine-readable, squawk / sqlgate" squawk sqlgate
    row "squawk \`--reporter gcc\`" squawk_gcc "$sq1_checked of $nfiles"
    ratios "squawk gcc / sqlgate json" squawk_gcc sqlgate
    row "sqlgate \`--format human\`" sqlgate_human "$sg1_checked of $nfiles"
    row "squawk (tty reporter)" squawk_tty "$sq1_checked of $nfiles"
    ratios "human, squawk / sqlgate" squawk_tty sqlgate_human
    echo
    echo "$sg1_note; $sq1_note. sqlgate skips the files its framework rules say are not migrations (\`sqlgate check -v\` lists them)."
} >>"$summary"

# --- 1b. one repository at a time ---------------------------------------------------------
# What a user runs on their own repository: each manifest directory on its own, one process
# per directory, so each tool's fixed costs (start-up, set-up) count once per repository.
# One timed command runs the directories in turn, REPO_PASSES times over (bash, the same loop
# for both tools): a single run of a small directory takes less than GNU time's 10 ms step,
# and one pass over all of them (about 0.15 s) would still move by 7% with one step.
cmd_sqlgate_repos=(bash -c 'for ((p = 0; p < $1; p++)); do for d in "${@:2}"; do "$0" check --format json "$d"; done; done' "$sqlgate" "$REPO_PASSES" "${repo_dirs[@]}")
cmd_squawk_repos=(bash -c 'for ((p = 0; p < $1; p++)); do for d in "${@:2}"; do "$0" --reporter json "$d/**/*.sql"; done; done' "$squawk" "$REPO_PASSES" "${repo_dirs[@]}")
echo "bench: part 1b: the ${#repo_dirs[@]} directories one at a time, 1 warm-up + $(plural "$RUNS" "timed run") per tool" >&2
for kind in sqlgate_repos squawk_repos; do
    declare -n run=cmd_$kind
    (cd "$empty" && time_run "$scratch/warmup" "${run[@]}")
    unset -n run
done
rounds "$RUNS" repos "$empty" sqlgate_repos squawk_repos
for kind in sqlgate_repos squawk_repos; do
    for col in wall cpu rss; do
        m1[$kind:$col]=$(median_of "$scratch/repos.$kind" "$col")
    done
done
{
    echo
    echo "### 1b. One repository at a time: each of the ${#repo_dirs[@]} directories in turn, one process each, the loop $(plural "$REPO_PASSES" time) over (median of $(plural "$RUNS" run) of the whole loop)"
    echo
    echo "| run | directories | wall (s) | CPU (s) | peak RSS (MB, largest process) |"
    echo "|---|---:|---:|---:|---:|"
    row "sqlgate \`check --format json DIR\`" sqlgate_repos "${#repo_dirs[@]}"
    row "squawk \`--reporter json 'DIR/**/*.sql'\`" squawk_repos "${#repo_dirs[@]}"
    ratios "one repository at a time, squawk / sqlgate" squawk_repos sqlgate_repos
} >>"$summary"

# --- 2. scaling -----------------------------------------------------------------------------
if [[ $SKIP_SCALE != 1 ]]; then
    max=${SCALES[${#SCALES[@]} - 1]}
    scale_dir=$scratch/scale
    mkdir -p "$scale_dir/copy1"
    rel_list=$scratch/relative.list
    printf '%s\0' "${files[@]#"$corpus"/}" >"$rel_list"
    echo "bench: part 2: $max copies of the files in $scale_dir" >&2
    # Real copies, not hard links: sqlgate checks a file it reaches through several paths
    # once (same device and inode), so hard-linked copies would not add any work for it.
    (cd "$corpus" && xargs -0 cp --reflink=auto --parents -t "$scale_dir/copy1" -- <"$rel_list")
    for ((k = 2; k <= max; k++)); do
        cp -R --reflink=auto "$scale_dir/copy1" "$scale_dir/copy$k"
    done
    {
        echo
        echo "### 2. Scaling: 1x, 4x, 16x copies of the same files (median of $(plural "$SCALE_RUNS" run); each timed run checks ${max}x: 1x $max times in a row, 4x $((max / 4)) times..., and the table gives the time of one)"
        echo
        echo "\`sqlgate check --format json copy1 … copyN\` (directories: sqlgate finds the migrations) and \`squawk --reporter json 'copy1/**/*.sql' … 'copyN/**/*.sql'\` (patterns squawk expands itself), copy K at \`copyK/<path in the corpus>\` (real copies: sqlgate checks hard links to one file once). Time per file relative to 1x: 1.00 is linear growth."
        echo
        echo "| copies | tool | files checked | wall (s) | CPU (s) | peak RSS (MB) | wall per file vs 1x | CPU per file vs 1x |"
        echo "|---:|---|---:|---:|---:|---:|---:|---:|"
    } >>"$summary"
    declare -A med # med[TOOL:K:wall|cpu|rss|checked]
    scale_notes=()
    squawk_scales=1
    for k in "${SCALES[@]}"; do
        dirs=() patterns=()
        for ((c = 1; c <= k; c++)); do
            dirs+=("copy$c")
            patterns+=("copy$c/**/*.sql")
        done
        cmd_sqlgate=("$sqlgate" check --format json "${dirs[@]}")
        cmd_squawk=()
        if ((squawk_scales)); then cmd_squawk=("$squawk" --reporter json "${patterns[@]}"); fi
        # Timed: the same command `passes` times in a row, so that every scale's timed run
        # checks as many files (a run of 1x alone is a few steps of GNU time's 10 ms).
        passes=$((max / k))
        repeat=(bash -c 'for ((p = 0; p < $1; p++)); do "${@:2}"; done' bench "$passes")
        sync # the copies were just written: not their write-back in the timed runs
        echo "bench: part 2: ${k}x: sanity/warm-up run, then $(plural "$SCALE_RUNS" "timed run") per tool" >&2
        sanity_sqlgate "$scale_dir" "${cmd_sqlgate[@]}"
        med[sqlgate:$k:checked]=$sg_checked
        if ((k == 1)); then
            sg_base_checked=$sg_checked
        elif ((sg_checked != k * sg_base_checked)); then
            scale_notes+=("sqlgate checked $sg_checked files at ${k}x, not $k × $sg_base_checked.")
            echo "bench: warning: ${scale_notes[-1]}" >&2
        fi
        med[squawk:$k:checked]=-
        if ((${#cmd_squawk[@]})); then
            if sanity_squawk "$scale_dir" "$squawk" "${patterns[@]}"; then
                med[squawk:$k:checked]=$sq_checked
                if [[ $sq_checked != "$((k * nfiles))" ]]; then
                    scale_notes+=("squawk checked $sq_checked files at ${k}x, not $k × $nfiles.")
                    echo "bench: warning: ${scale_notes[-1]}" >&2
                fi
            else
                scale_notes+=("squawk failed at ${k}x (exit code $sq_rc): from ${k}x on only sqlgate is timed.")
                echo "bench: ${scale_notes[-1]}" >&2
                squawk_scales=0
                cmd_squawk=()
            fi
        fi
        cmd_sqlgate=("${repeat[@]}" "${cmd_sqlgate[@]}")
        if ((${#cmd_squawk[@]})); then cmd_squawk=("${repeat[@]}" "${cmd_squawk[@]}"); fi
        rounds "$SCALE_RUNS" "scale$k" "$scale_dir" sqlgate squawk
        for tool in sqlgate squawk; do
            for col in wall cpu; do
                med[$tool:$k:$col]=$(calc 'printf "%.4f", a / b' "$(median_of "$scratch/scale$k.$tool" "$col")" "$passes")
            done
            med[$tool:$k:rss]=$(median_of "$scratch/scale$k.$tool" rss)
            if [[ ${med[$tool:$k:checked]} == - ]]; then
                echo "| ${k}x | $tool | not timed | | | | | |"
                continue
            fi
            echo "| ${k}x | $tool | ${med[$tool:$k:checked]} | $(fmt_s "${med[$tool:$k:wall]}") | $(fmt_s "${med[$tool:$k:cpu]}") | $(fmt_mb "${med[$tool:$k:rss]}")" \
                "| $(per_file_rel "${med[$tool:$k:wall]}" "${med[$tool:$k:checked]}" "${med[$tool:1:wall]}" "${med[$tool:1:checked]}")" \
                "| $(per_file_rel "${med[$tool:$k:cpu]}" "${med[$tool:$k:checked]}" "${med[$tool:1:cpu]}" "${med[$tool:1:checked]}") |"
        done >>"$summary"
        if [[ ${med[squawk:$k:checked]} != - ]]; then
            echo "| ${k}x | **squawk / sqlgate** | | **$(ratio "${med[squawk:$k:wall]}" "${med[sqlgate:$k:wall]}")**" \
                "| **$(ratio "${med[squawk:$k:cpu]}" "${med[sqlgate:$k:cpu]}")** | **$(rss_ratio "${med[squawk:$k:rss]}" "${med[sqlgate:$k:rss]}")** | | |" >>"$summary"
        fi
    done
    if ((${#scale_notes[@]})); then
        echo >>"$summary"
        echo "Warning: ${scale_notes[*]}" >>"$summary"
    fi
    chmod -R u+w "$scale_dir" && rm -rf "$scale_dir"
fi

# --- 3. changed files -----------------------------------------------------------------------
if [[ $SKIP_CHANGED != 1 ]]; then
    repo=$scratch/changed
    migrations=$repo/supabase/migrations
    new_rel=supabase/migrations/20991231000000_new.sql
    mkdir -p "$migrations"
    echo "bench: part 3: a git repository with $CHANGED_OLD migrations on main and 1 new one on a branch" >&2
    python3 - "$list" "$migrations" "$CHANGED_OLD" <<'EOF'
import os, shutil, sys
files = open(sys.argv[1], "rb").read().split(b"\0")[:-1]
for i in range(int(sys.argv[3])):
    shutil.copyfile(files[i % len(files)], os.path.join(sys.argv[2].encode(), b"2020%010d_m%d.sql" % (i, i)))
EOF
    git_q() {
        git -C "$repo" -c user.name=sqlgate-bench -c user.email=bench@example.invalid \
            -c commit.gpgsign=false -c core.hooksPath=/dev/null "$@"
    }
    git_q init -q
    git_q symbolic-ref HEAD refs/heads/main
    git_q add -A
    git_q commit -q --no-verify -m "$CHANGED_OLD migrations"
    git_q checkout -q -b pr
    printf '%s\n' 'create table new_t (id bigint primary key);' 'alter table new_t enable row level security;' >"$repo/$new_rel"
    git_q add -A
    git_q commit -q --no-verify -m "one new migration"

    cmd_sqlgate=("$sqlgate" check --changed-since main --format json)
    cmd_squawk=("$squawk" --reporter json "$new_rel")
    sanity_sqlgate "$repo" "${cmd_sqlgate[@]}"
    ((sg_checked == 1)) || die 1 "sqlgate --changed-since main checked $sg_checked files, expected exactly 1"
    sanity_squawk "$repo" "$squawk" "$new_rel" || exit 1
    # The copies of part 2 and this repository were just written: their write-back would
    # otherwise run during the timed runs (measured: median 110 ms, runs of 90-120, against
    # 80 ms after a sync).
    sync
    echo "bench: part 3: 1 warm-up + $(plural "$RUNS" "timed run") per tool, alternating" >&2
    (cd "$repo" && time_run "$scratch/warmup" "${cmd_sqlgate[@]}" && time_run "$scratch/warmup" "${cmd_squawk[@]}")
    rounds "$RUNS" changed "$repo" sqlgate squawk
    sg_wall=$(median_of "$scratch/changed.sqlgate" wall)
    verdict=$(calc "print ((a * 1000 <= $CHANGED_TARGET_MS) ? \"PASS\" : \"FAIL\")" "$sg_wall")
    echo "bench: part 3: sqlgate --changed-since main: median wall $(fmt_ms "$sg_wall") ms, target $CHANGED_TARGET_MS ms: $verdict" >&2
    {
        echo
        echo "### 3. Changed files: 1 new migration on top of $CHANGED_OLD (median of $(plural "$RUNS" run))"
        echo
        echo "What CI runs on every pull request: \`sqlgate check --changed-since main --format json\` in a git repository whose \`main\` has $CHANGED_OLD migrations in \`supabase/migrations/\` (contents taken in turn from the files above) and whose branch adds \`20991231000000_new.sql\`. squawk has no changed-files mode: it is given just the new file."
        echo
        echo "| tool | files checked | wall (ms) | CPU (ms) | peak RSS (MB) | target: wall ≤ $CHANGED_TARGET_MS ms |"
        echo "|---|---:|---:|---:|---:|---|"
        echo "| sqlgate --changed-since main | $sg_checked | $(fmt_ms "$sg_wall") | $(fmt_ms "$(median_of "$scratch/changed.sqlgate" cpu)") | $(fmt_mb "$(median_of "$scratch/changed.sqlgate" rss)") | **$verdict** |"
        echo "| squawk (the new file only) | $sq_checked | $(fmt_ms "$(median_of "$scratch/changed.squawk" wall)") | $(fmt_ms "$(median_of "$scratch/changed.squawk" cpu)") | $(fmt_mb "$(median_of "$scratch/changed.squawk" rss)") | |"
    } >>"$summary"
fi

# --- 4. a repository's checkout --------------------------------------------------------------
if [[ $SKIP_TREE != 1 ]]; then
    tree=$scratch/tree
    echo "bench: part 4: a checkout of 18,000 files that are not SQL and 300 migrations" >&2
    python3 - "$list" "$tree" <<'EOF'
import os, shutil, sys
files = open(sys.argv[1], "rb").read().split(b"\0")[:-1]
tree = sys.argv[2]
kinds = ["lib.rs", "README.md", "package.json", "index.ts", "notes.txt", "config.yaml"]
for d in range(3000):
    here = os.path.join(tree, "src", "pkg%03d" % (d // 30), "mod%04d" % d)
    os.makedirs(here)
    for kind in kinds:
        with open(os.path.join(here, kind), "w") as out:
            out.write(("// %s of module %d\n" % (kind, d)) * 20)
migrations = os.path.join(tree, "db", "migrations")
os.makedirs(migrations)
for i in range(300):
    shutil.copyfile(files[i % len(files)], os.path.join(migrations.encode(), b"%04d_m%d.sql" % (i + 1, i)))
EOF
    cmd_sqlgate=("$sqlgate" check --format json "$tree")
    cmd_squawk=("$squawk" --reporter json "$tree/**/*.sql")
    sanity_sqlgate "$empty" "${cmd_sqlgate[@]}"
    # The tty reporter says how many files the pattern named; the JSON one does not.
    sanity_squawk "$empty" "$squawk" "$tree/**/*.sql" || exit 1
    sync
    echo "bench: part 4: 1 warm-up + $(plural "$RUNS" "timed run") per tool, alternating" >&2
    (cd "$empty" && time_run "$scratch/warmup" "${cmd_sqlgate[@]}" && time_run "$scratch/warmup" "${cmd_squawk[@]}")
    rounds "$RUNS" tree "$empty" sqlgate squawk
    {
        echo
        echo "### 4. A repository's checkout: 18,000 other files and 300 migrations (median of $(plural "$RUNS" run))"
        echo
        echo "What \`sqlgate check\` at a repository's root walks: 3,000 directories of source, docs and config files (6 each), and 300 migrations in \`db/migrations/\`. sqlgate finds the migrations; squawk expands \`TREE/**/*.sql\`, which names the same 300 files."
        echo
        echo "| tool | files checked | wall (s) | CPU (s) | peak RSS (MB) |"
        echo "|---|---:|---:|---:|---:|"
        echo "| sqlgate \`check --format json TREE\` | $sg_checked | $(fmt_s "$(median_of "$scratch/tree.sqlgate" wall)") | $(fmt_s "$(median_of "$scratch/tree.sqlgate" cpu)") | $(fmt_mb "$(median_of "$scratch/tree.sqlgate" rss)") |"
        echo "| squawk \`--reporter json 'TREE/**/*.sql'\` | $sq_checked | $(fmt_s "$(median_of "$scratch/tree.squawk" wall)") | $(fmt_s "$(median_of "$scratch/tree.squawk" cpu)") | $(fmt_mb "$(median_of "$scratch/tree.squawk" rss)") |"
        echo "| **a repository's checkout, squawk / sqlgate** | | **$(ratio "$(median_of "$scratch/tree.squawk" wall)" "$(median_of "$scratch/tree.sqlgate" wall)")** | **$(ratio "$(median_of "$scratch/tree.squawk" cpu)" "$(median_of "$scratch/tree.sqlgate" cpu)")** | **$(rss_ratio "$(median_of "$scratch/tree.squawk" rss)" "$(median_of "$scratch/tree.sqlgate" rss)")** |"
    } >>"$summary"
fi

echo >&2
cat "$summary"
