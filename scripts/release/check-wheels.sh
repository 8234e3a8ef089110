#!/usr/bin/env bash
# Checks the Python distributions before they go to PyPI: the sdist and exactly one wheel for
# each platform the release builds, all of the release's version (as PEP 440 spells it) and
# nothing else.
#
# Usage: scripts/release/check-wheels.sh <version> <dir> [NAME]
#
#   version  the Cargo version (1.2.0, 1.2.0-rc.1); the files carry its PEP 440 form
#            (1.2.0, 1.2.0rc1), as maturin writes it.
#   NAME     the distribution name as it appears in file names (default: sqlgate).
#
# The platforms: manylinux (glibc) and musllinux wheels for x86_64 and aarch64 Linux, macOS
# x86_64 and arm64, Windows x86_64. Exits 1 listing every problem.
set -euo pipefail

[[ ($# -eq 2 || $# -eq 3) && -n $1 && -n $2 ]] || {
  echo "usage: scripts/release/check-wheels.sh <version> <dir> [NAME]" >&2
  exit 1
}
version=$1
dir=$2
name=${3:-sqlgate}
[[ -d "$dir" ]] || { echo "check-wheels.sh: $dir: no such directory" >&2; exit 1; }

release='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$'
pre='^([0-9]+\.[0-9]+\.[0-9]+)-(alpha|beta|rc)\.(0|[1-9][0-9]*)$'
if [[ $version =~ $release ]]; then
  pep440=$version
elif [[ $version =~ $pre ]]; then
  case "${BASH_REMATCH[2]}" in alpha) kind=a ;; beta) kind=b ;; rc) kind=rc ;; esac
  pep440="${BASH_REMATCH[1]}$kind${BASH_REMATCH[3]}"
else
  echo "check-wheels.sh: \"$version\" is not a release version (see scripts/release/version.sh)" >&2
  exit 1
fi

# Each platform a wheel must exist for: a label and a pattern on the wheel's platform tag
# (which may be a compressed set such as manylinux_2_17_x86_64.manylinux2014_x86_64).
platforms=(
  "Linux x86_64 (glibc)|(^|\.)manylinux[0-9_]*_x86_64(\.|$)"
  "Linux aarch64 (glibc)|(^|\.)manylinux[0-9_]*_aarch64(\.|$)"
  "Linux x86_64 (musl)|(^|\.)musllinux_[0-9]+_[0-9]+_x86_64(\.|$)"
  "Linux aarch64 (musl)|(^|\.)musllinux_[0-9]+_[0-9]+_aarch64(\.|$)"
  "macOS x86_64|(^|\.)macosx_[0-9]+_[0-9]+_x86_64(\.|$)"
  "macOS arm64|(^|\.)macosx_[0-9]+_[0-9]+_arm64(\.|$)"
  "Windows x86_64|^win_amd64$"
)

problems=()
wheel_prefix="$name-$pep440-py3-none-"
sdist="$name-$pep440.tar.gz"
tags=()
shopt -s nullglob
files=("$dir"/*)
shopt -u nullglob
for path in "${files[@]}"; do
  file=${path##*/}
  if [[ $file == "$sdist" ]]; then
    continue
  elif [[ $file == "$wheel_prefix"*.whl ]]; then
    tag=${file#"$wheel_prefix"}
    tags+=("${tag%.whl}")
  else
    problems+=("$file is neither the sdist $sdist nor a wheel $wheel_prefix<platform>.whl")
  fi
done
[[ -f "$dir/$sdist" ]] || problems+=("no sdist $sdist")

for platform in "${platforms[@]}"; do
  label=${platform%%|*}
  pattern=${platform#*|}
  matches=()
  for tag in ${tags[@]+"${tags[@]}"}; do
    [[ $tag =~ $pattern ]] && matches+=("$tag")
  done
  case ${#matches[@]} in
    1) ;;
    0) problems+=("no wheel for $label") ;;
    *) problems+=("more than one wheel for $label: ${matches[*]}") ;;
  esac
done
for tag in ${tags[@]+"${tags[@]}"}; do
  known=0
  for platform in "${platforms[@]}"; do
    [[ $tag =~ ${platform#*|} ]] && known=1
  done
  [[ $known -eq 1 ]] || problems+=("a wheel for a platform the release does not build: $wheel_prefix$tag.whl")
done

if [[ ${#problems[@]} -gt 0 ]]; then
  printf 'check-wheels.sh: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "check-wheels.sh: $sdist and ${#tags[@]} wheels of $name $pep440"
