#!/usr/bin/env bash
# Publishes the workspace's crates at the release version, skipping those crates.io already
# has at that version: a release whose publishing stopped half-way (crates.io's rate limit on
# new crates, a network error) is finished by running it again, and a version an owner
# published by hand (the first one, before trusted publishing can be set up) is left alone.
# `cargo publish --workspace` orders the rest by their dependencies.
#
# Usage: scripts/release/publish-crates.sh [--dry-run]
#
# Environment:
#   CARGO               the cargo to run (default: cargo)
#   CARGO_REGISTRY_TOKEN  as cargo reads it (the release workflow's trusted-publishing token)
#   SQLGATE_INDEX_URL   the crates.io sparse index (default https://index.crates.io); a
#                       file:// directory laid out the same way stands in for it in tests
set -euo pipefail

dry_run=()
case "${1:-}" in
  "") ;;
  --dry-run) dry_run=(--dry-run) ;;
  *) echo "usage: scripts/release/publish-crates.sh [--dry-run]" >&2; exit 1 ;;
esac
root=$(cd "$(dirname "$0")/../.." && pwd)
cargo=${CARGO:-cargo}
index=${SQLGATE_INDEX_URL:-https://index.crates.io}
index=${index%/}

version=$("$root/scripts/release/version.sh" --manifest "$root/Cargo.toml" | sed -n 's/^version=//p')

# The packages: the root's and each crates/*/Cargo.toml's `[package] name`.
package_name() {
  awk '
    /^[[:space:]]*\[/ { table = $0; gsub(/[[:space:]]/, "", table); next }
    table == "[package]" && /^[[:space:]]*name[[:space:]]*=/ {
      line = $0
      sub(/^[^=]*=[[:space:]]*"/, "", line)
      sub(/".*/, "", line)
      print line
      exit
    }
  ' "$1"
}
names=()
for manifest in "$root/Cargo.toml" "$root"/crates/*/Cargo.toml; do
  name=$(package_name "$manifest")
  [[ -n $name ]] || { echo "publish-crates.sh: $manifest has no [package] name" >&2; exit 1; }
  names+=("$name")
done

# The sparse index's file of a crate: 1/a, 2/ab, 3/a/abc, ab/cd/abcd... (lowercase).
index_path() {
  local name
  name=$(tr '[:upper:]' '[:lower:]' <<<"$1")
  case ${#name} in
    1) echo "1/$name" ;;
    2) echo "2/$name" ;;
    3) echo "3/${name:0:1}/$name" ;;
    *) echo "${name:0:2}/${name:2:2}/$name" ;;
  esac
}

# Prints yes or no; fails when the index cannot be read.
published() {
  local url body status
  url="$index/$(index_path "$1")"
  body=$(mktemp)
  if [[ $url == file://* ]]; then
    if [[ -f ${url#file://} ]]; then cp "${url#file://}" "$body"; status=200; else status=404; fi
  else
    status=$(curl -sS --retry 3 -o "$body" -w '%{http_code}' "$url") || status=error
  fi
  case $status in
    200) if grep -q "\"vers\":\"$version\"" "$body"; then echo yes; else echo no; fi ;;
    404) echo no ;;
    *)
      rm -f "$body"
      echo "publish-crates.sh: reading $url failed ($status)" >&2
      return 1
      ;;
  esac
  rm -f "$body"
}

exclude=()
pending=()
for name in "${names[@]}"; do
  answer=$(published "$name")
  if [[ $answer == yes ]]; then
    echo "$name $version: already on crates.io, skipped"
    exclude+=(--exclude "$name")
  else
    pending+=("$name")
  fi
done
if [[ ${#pending[@]} -eq 0 ]]; then
  echo "every crate is on crates.io at $version: nothing to publish"
  exit 0
fi
echo "publishing ${pending[*]} at $version"
"$cargo" publish --workspace --locked ${dry_run[@]+"${dry_run[@]}"} ${exclude[@]+"${exclude[@]}"}
