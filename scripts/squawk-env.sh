# Sourced by scripts/compare-squawk.sh and scripts/squawk-lines.sh: what both comparisons with
# squawk share. Expects `name` (for messages) and the corpus directory as "$1"; sets `root`,
# `corpus` (absolute), `squawk`, `sqlgate` (the `SQLGATE` binary, else a release build),
# `dirs` (the manifest's PostgreSQL directories, relative to the corpus) and `opt_in` (the
# sqlgate rules that docs/comparison.md marks "covered (opt-in)", comma-separated).
export LC_ALL=C

SQUAWK_VERSION=2.70.0
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
corpus=${1:-$root/../shared/corpus}
if [[ ! -f "$corpus/manifest.tsv" ]]; then
    echo "$name: $corpus/manifest.tsv not found; pass the corpus directory" >&2
    exit 2
fi
corpus=$(cd "$corpus" && pwd)

venv=$root/.bench/venv
squawk=$venv/bin/squawk
if [[ ! -x $squawk ]] || [[ $("$squawk" --version 2>/dev/null) != "squawk $SQUAWK_VERSION" ]]; then
    echo "$name: installing squawk-cli==$SQUAWK_VERSION into $venv" >&2
    [[ -x $venv/bin/pip ]] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "squawk-cli==$SQUAWK_VERSION"
fi
sqlgate=${SQLGATE:-}
if [[ -n $sqlgate ]]; then
    # Relative to where the script was started: the comparisons change directory.
    sqlgate=$(cd "$(dirname "$sqlgate")" && pwd)/$(basename "$sqlgate")
else
    (cd "$root" && cargo build --release --quiet)
    sqlgate=$root/target/release/sqlgate
fi

dirs=()
while IFS=$'\t' read -r dir _repo _commit _layout dialect _rest; do
    [[ $dialect == postgresql && -d $corpus/$dir ]] && dirs+=("$dir")
done < <(tail -n +2 "$corpus/manifest.tsv")

opt_in=$(python3 - "$root/docs/comparison.md" <<'PY'
import sys
codes = set()
for line in open(sys.argv[1]):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 4 and cells[2] == "covered (opt-in)":
        codes.update(c.strip() for c in cells[1].split(","))
print(",".join(sorted(codes)))
PY
)
