#!/usr/bin/env bash
# Packages one built sqlgate binary as a release asset. The release workflow calls it once per
# target; scripts/install-sqlgate.sh (what the GitHub Action runs) reads what it writes.
#
# Usage: scripts/release/package.sh TARGET BINARY VERSION OUTDIR
#   TARGET   x86_64-unknown-linux-musl, aarch64-unknown-linux-musl, x86_64-apple-darwin,
#            aarch64-apple-darwin or x86_64-pc-windows-msvc
#   BINARY   the built binary (target/TARGET/release/sqlgate, or sqlgate.exe)
#   VERSION  the version without the leading v: 1.2.3, 1.2.3-rc.1
#   OUTDIR   where the files go (created when missing)
#
# Writes, and prints the path of:
#   OUTDIR/sqlgate-vVERSION-TARGET.tar.gz (.zip for windows targets), whose root holds sqlgate
#     (sqlgate.exe), LICENSE-MIT, LICENSE-APACHE, README.md and CHANGELOG.md from the
#     repository root, and nothing else;
#   OUTDIR/<archive>.sha256: one line in sha256sum format, "<64 lowercase hex>  <archive name>".
# Exit codes: 0 written; 1 usage (a bad argument, a missing file); 2 a tool is missing or failed.
# Needs tar and gzip (zip, 7z or python3 for .zip), and sha256sum or shasum.
set -euo pipefail

fail() {
  printf 'package.sh: error: %s\n' "$2" >&2
  exit "$1"
}

[ "$#" -eq 4 ] || fail 1 "usage: package.sh TARGET BINARY VERSION OUTDIR"
target=$1
binary=$2
version=$3
outdir=$4

case "$target" in
  x86_64-unknown-linux-musl | aarch64-unknown-linux-musl | x86_64-apple-darwin | aarch64-apple-darwin)
    exe="sqlgate" ext="tar.gz" ;;
  x86_64-pc-windows-msvc)
    exe="sqlgate.exe" ext="zip" ;;
  *) fail 1 "unknown target '$target' (x86_64-unknown-linux-musl, aarch64-unknown-linux-musl, x86_64-apple-darwin, aarch64-apple-darwin, x86_64-pc-windows-msvc)" ;;
esac
# Semantic versioning without build metadata (a `+` has no place in a tag or a URL path).
semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$'
[[ $version =~ $semver ]] || fail 1 "VERSION must be semantic, without the v (1.2.3): got '$version'"
[ -f "$binary" ] || fail 1 "no binary at $binary"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
docs=(LICENSE-MIT LICENSE-APACHE README.md CHANGELOG.md)
for doc in "${docs[@]}"; do
  [ -f "$root/$doc" ] || fail 1 "$doc is missing from the repository root ($root)"
done

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -- "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 -- "$1" | cut -d' ' -f1
  else
    fail 2 "neither sha256sum nor shasum is installed"
  fi
}

mkdir -p -- "$outdir"
outdir=$(cd -- "$outdir" && pwd)
asset="sqlgate-v$version-$target.$ext"
archive="$outdir/$asset"

stage=$(mktemp -d)
trap 'rm -rf -- "$stage"' EXIT
cp -- "$binary" "$stage/$exe"
chmod 0755 "$stage/$exe"
for doc in "${docs[@]}"; do
  cp -- "$root/$doc" "$stage/$doc"
  chmod 0644 "$stage/$doc"
done
members=("$exe" "${docs[@]}")
rm -f -- "$archive" "$archive.sha256"

if [ "$ext" = tar.gz ]; then
  # Bash 3.2 (macOS) calls an empty array unbound: expanded with ${a[@]+"${a[@]}"}.
  tar_flags=()
  # GNU tar: the same bytes from the same inputs, whoever builds them (owner; times with
  # SOURCE_DATE_EPOCH). The members are in the order given.
  if tar --version 2>/dev/null | grep -q 'GNU tar'; then
    tar_flags=(--owner=0 --group=0 --numeric-owner)
    if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
      tar_flags+=("--mtime=@$SOURCE_DATE_EPOCH")
    fi
  fi
  (cd "$stage" && tar ${tar_flags[@]+"${tar_flags[@]}"} -cf - "${members[@]}") | gzip -n >"$archive" ||
    fail 2 "tar or gzip failed writing $archive"
elif command -v zip >/dev/null 2>&1; then
  (cd "$stage" && zip -X -q "$archive" "${members[@]}") || fail 2 "zip failed writing $archive"
elif command -v 7z >/dev/null 2>&1; then
  # The Windows runners have 7-Zip but no zip.
  (cd "$stage" && 7z a -tzip -bd "$archive" "${members[@]}" >/dev/null) || fail 2 "7z failed writing $archive"
elif command -v python3 >/dev/null 2>&1; then
  (cd "$stage" && python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for name in sys.argv[2:]:
        z.write(name, name)
' "$archive" "${members[@]}") || fail 2 "python3 zipfile failed writing $archive"
else
  fail 2 "no zip, 7z or python3 to write $archive"
fi

# Written by hand, not by `sha256sum FILE > ...`: the name must be the bare asset name, and
# Windows' sha256sum may mark it binary (`*name`).
hex=$(sha256 "$archive")
[[ $hex =~ ^[0-9a-f]{64}$ ]] || fail 2 "could not hash $archive"
printf '%s  %s\n' "$hex" "$asset" >"$archive.sha256"
printf '%s\n' "$archive"
