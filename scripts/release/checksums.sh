#!/usr/bin/env bash
# The release's combined checksums file: one `sha256sum` line per archive, sorted by file
# name, written to <dir>/sqlgate-v<version>-checksums.txt (users check a download with
# `sha256sum --ignore-missing -c sqlgate-v<version>-checksums.txt`).
#
# Usage: scripts/release/checksums.sh <version> <dir> [TARGET...]
#
#   dir     holds the archives (sqlgate-v<version>-<target>.tar.gz or .zip) and the
#           <archive>.sha256 file scripts/release/package.sh wrote beside each.
#   TARGET  the targets that must have an archive: a missing one fails the release instead
#           of shipping it without that platform.
#
# Every archive is hashed again here, and each one's own .sha256 must agree with it (a
# corrupted or mismatched upload fails here, not on a user's machine). Prints the path of
# the file written.
set -euo pipefail

[[ $# -ge 2 && -n $1 && -n $2 ]] || {
  echo "usage: scripts/release/checksums.sh <version> <dir> [TARGET...]" >&2
  exit 1
}
version=$1
dir=$2
shift 2
[[ -d "$dir" ]] || { echo "checksums.sh: $dir: no such directory" >&2; exit 1; }
cd "$dir"

prefix="sqlgate-v$version-"
out="${prefix}checksums.txt"
export LC_ALL=C # byte order for `sort`, whatever the runner's locale

shopt -s nullglob
archives=("$prefix"*.tar.gz "$prefix"*.zip)
shopt -u nullglob
[[ ${#archives[@]} -gt 0 ]] || {
  echo "checksums.sh: no archive $prefix<target>.tar.gz or .zip in $dir" >&2
  exit 1
}

status=0
for target in "$@"; do
  if [[ ! -f "$prefix$target.tar.gz" && ! -f "$prefix$target.zip" ]]; then
    echo "checksums.sh: no archive for $target ($prefix$target.tar.gz or .zip) in $dir" >&2
    status=1
  fi
done

lines=()
for archive in "${archives[@]}"; do
  line=$(sha256sum -- "$archive")
  lines+=("$line")
  if [[ ! -f "$archive.sha256" ]]; then
    echo "checksums.sh: $archive has no $archive.sha256 beside it" >&2
    status=1
  else
    # `<hex>  <name>`; sha256sum's binary-mode `<hex> *<name>` (its default on Windows) and
    # a CRLF ending are read the same.
    own=$(tr -d '\r' <"$archive.sha256")
    own_hash=${own%% *}
    own_name=${own#* }
    own_name=${own_name# }
    own_name=${own_name#\*}
    if [[ $own_hash != "${line%% *}" || $own_name != "$archive" ]]; then
      echo "checksums.sh: $archive.sha256 does not match $archive:" >&2
      echo "  it says:  $own" >&2
      echo "  computed: $line" >&2
      status=1
    fi
  fi
done
[[ $status -eq 0 ]] || exit 1

# Sorted by file name: the second field of each line (`<hex>  <name>`).
printf '%s\n' "${lines[@]}" | sort -k2 >"$out"
echo "$dir/$out"
