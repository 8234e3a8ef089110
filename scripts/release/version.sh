#!/usr/bin/env bash
# The release version, from the root Cargo.toml's `[workspace.package] version`, checked
# against the tag being released.
#
# Usage: scripts/release/version.sh [--manifest PATH] [TAG]
#
#   TAG         the pushed tag (GITHUB_REF_NAME): it must be exactly `v<version>`. Without
#               it (a dry run from a branch) only the version is read and checked.
#   --manifest  the Cargo.toml to read (default: the repository's root Cargo.toml).
#
# Prints `version=<version>` and `prerelease=true|false`, ready for $GITHUB_OUTPUT. Exits 1
# when the version or the tag is malformed or they disagree.
#
# A release version is MAJOR.MINOR.PATCH with an optional `-alpha.N`, `-beta.N` or `-rc.N`:
# the same version goes to crates.io and PyPI, and PyPI takes only what maps onto PEP 440
# (maturin writes 1.2.0-rc.1 as 1.2.0rc1; build metadata such as `+abc` would be a local
# version, which PyPI refuses).
set -euo pipefail

manifest="$(cd "$(dirname "$0")/../.." && pwd)/Cargo.toml"
tag=""
have_tag=0
while (($#)); do
  case "$1" in
    --manifest)
      [[ $# -ge 2 ]] || { echo "version.sh: --manifest needs a path" >&2; exit 1; }
      manifest="$2"
      shift 2
      ;;
    -*)
      echo "version.sh: unknown option $1 (usage: version.sh [--manifest PATH] [TAG])" >&2
      exit 1
      ;;
    *)
      [[ $have_tag -eq 0 ]] || { echo "version.sh: more than one tag given" >&2; exit 1; }
      tag="$1"
      have_tag=1
      shift
      ;;
  esac
done

[[ -f "$manifest" ]] || { echo "version.sh: $manifest: no such file" >&2; exit 1; }

# `version = "..."` inside the `[workspace.package]` table (until the next table header).
version=$(awk '
  /^[[:space:]]*\[/ {
    header = $0
    sub(/[[:space:]]*#.*/, "", header)
    gsub(/[[:space:]]/, "", header)
    in_table = (header == "[workspace.package]")
    next
  }
  in_table && /^[[:space:]]*version[[:space:]]*=/ {
    line = $0
    sub(/^[^=]*=[[:space:]]*/, "", line)
    if (match(line, /^"[^"]*"/)) {
      print substr(line, 2, RLENGTH - 2)
      found = 1
      exit
    }
  }
  END { if (!found) exit 1 }
' "$manifest") || {
  echo "version.sh: $manifest has no \`version = \"...\"\` in [workspace.package]" >&2
  exit 1
}

semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-(alpha|beta|rc)\.(0|[1-9][0-9]*))?$'
if [[ ! $version =~ $semver ]]; then
  echo "version.sh: the workspace version \"$version\" is not a release version" \
    "(MAJOR.MINOR.PATCH, optionally -alpha.N, -beta.N or -rc.N)" >&2
  exit 1
fi

if [[ $have_tag -eq 1 ]]; then
  if [[ $tag != v* || ! ${tag#v} =~ $semver ]]; then
    echo "version.sh: the tag \"$tag\" is not a release tag: v<MAJOR.MINOR.PATCH>, optionally" \
      "with -alpha.N, -beta.N or -rc.N (for this Cargo.toml: v$version)" >&2
    exit 1
  fi
  if [[ ${tag#v} != "$version" ]]; then
    echo "version.sh: the tag $tag does not match the Cargo.toml version $version" \
      "([workspace.package] in $manifest): tag v$version, or bump the version" >&2
    exit 1
  fi
fi

prerelease=false
[[ $version == *-* ]] && prerelease=true
echo "version=$version"
echo "prerelease=$prerelease"
