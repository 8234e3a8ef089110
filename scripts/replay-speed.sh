#!/usr/bin/env bash
# Replay speed: generates N golang-migrate migrations (default 50; each creates a table with
# an identity key and an index, adds a column and inserts 100 rows; each down drops the
# table) in a temporary directory, replays them on a throwaway PostgreSQL, and prints the
# cluster's start-up time, the time per migration and the whole run's wall time.
#
# Usage: scripts/replay-speed.sh [N]   (SQLGATE=path/to/sqlgate to skip the build)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-50}"
[[ $count =~ ^[1-9][0-9]*$ ]] || { echo "replay-speed.sh: N must be a positive number" >&2; exit 2; }
sqlgate="${SQLGATE:-}"
if [[ -z $sqlgate ]]; then
  cargo build --release --locked --quiet
  sqlgate="$PWD/target/release/sqlgate"
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/db/migrations"
for i in $(seq -w 1 "$count"); do
  cat > "$dir/db/migrations/${i}_step.up.sql" <<SQL
create table t$i (id bigint generated always as identity primary key, name text not null, created_at timestamptz not null default now());
create index t${i}_name_idx on t$i (name);
alter table t$i add column note text;
insert into t$i (name) select 'row ' || g from generate_series(1, 100) g;
SQL
  echo "drop table t$i;" > "$dir/db/migrations/${i}_step.down.sql"
done
started=$(date +%s.%N)
(cd "$dir" && "$sqlgate" replay --format json > report.json 2>/dev/null) || [[ $? -eq 1 ]]
ended=$(date +%s.%N)
python3 - "$dir/report.json" "$started" "$ended" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))["replay"]
ms = [m for s in report["sets"] for m in s["migrations"]]
up = [m["seconds"] for m in ms]
down = sum(m["down"]["seconds"] for m in ms if m["down"])
again = sum(m["up_again"]["seconds"] for m in ms if m["up_again"])
print(f"{report['server_version']}: start-up {report['startup_seconds']:.2f} s")
print(f"{len(ms)} migrations: up {sum(up):.2f} s ({1000 * sum(up) / len(ms):.0f} ms each, {1000 * max(up):.0f} ms at most), "
      f"down {down:.2f} s, up again {again:.2f} s")
print(f"wall: {float(sys.argv[3]) - float(sys.argv[2]):.2f} s for sqlgate replay (catalog snapshots, start and stop included)")
PY
