#!/usr/bin/env bash
# Checks a built release binary before it is packaged: the architecture and format of its
# target, no dynamic loader or shared libraries for the static Linux (musl) builds, and, when
# the machine can run it, that `--version` prints `sqlgate <version>`.
#
# Usage: scripts/release/check-binary.sh <target> <binary> <version>
#
# Needs `file` (and `readelf` for Linux targets), as on GitHub's runners. Exits 1 on the
# first check that fails.
set -euo pipefail

[[ $# -eq 3 && -n $1 && -n $2 && -n $3 ]] || {
  echo "usage: scripts/release/check-binary.sh <target> <binary> <version>" >&2
  exit 1
}
target=$1
binary=$2
version=$3
fail() {
  echo "check-binary.sh: $binary ($target): $*" >&2
  exit 1
}
[[ -f "$binary" ]] || fail "no such file"

case "$target" in
  x86_64-unknown-linux-musl) os=Linux format="ELF 64-bit" arch="x86-64" machine=x86_64 ;;
  aarch64-unknown-linux-musl) os=Linux format="ELF 64-bit" arch="ARM aarch64" machine=aarch64 ;;
  x86_64-apple-darwin) os=Darwin format="Mach-O 64-bit" arch="x86_64" machine=x86_64 ;;
  aarch64-apple-darwin) os=Darwin format="Mach-O 64-bit" arch="arm64" machine=arm64 ;;
  x86_64-pc-windows-msvc) os=Windows format="PE32+ executable" arch="x86-64" machine=x86_64 ;;
  *) fail "not a release target" ;;
esac

if command -v file >/dev/null; then
  description=$(file -b "$binary")
  [[ $description == *"$format"* && $description == *"$arch"* ]] ||
    fail "is not a $format $arch executable: $description"
elif [[ $os == Windows ]]; then
  description="format not checked: no \`file\` on this machine"
else
  fail "\`file\` is not installed"
fi

if [[ $os == Linux ]]; then
  # Static: no program interpreter (the dynamic loader) and no shared library needed.
  # (`file` calls a static-pie executable "dynamically linked" in older versions.)
  # (Output is read whole before grep: `grep -q` on a pipe could end readelf early.)
  headers=$(readelf --program-headers --wide "$binary")
  if grep -q 'INTERP' <<<"$headers"; then
    fail "asks for a dynamic loader: $(grep -A1 INTERP <<<"$headers" | tail -n 1 | tr -s ' ')"
  fi
  dynamic=$(readelf --dynamic --wide "$binary")
  if grep -q '(NEEDED)' <<<"$dynamic"; then
    fail "needs shared libraries: $(grep '(NEEDED)' <<<"$dynamic" | tr -s ' ' | tr '\n' ' ')"
  fi
fi

host_os=$(uname -s)
case "$host_os" in MINGW* | MSYS* | CYGWIN*) host_os=Windows ;; esac
host_machine=$(uname -m)
[[ $host_machine == arm64 && $os != Darwin ]] && host_machine=aarch64
[[ $host_machine == aarch64 && $os == Darwin ]] && host_machine=arm64
if [[ $host_os == "$os" && $host_machine == "$machine" ]]; then
  printed=$("$binary" --version) || fail "\`--version\` failed"
  printed=${printed%$'\r'}
  [[ $printed == "sqlgate $version" ]] || fail "\`--version\` printed \"$printed\", not \"sqlgate $version\""
  echo "check-binary.sh: $target: $description; runs, prints: $printed"
else
  echo "check-binary.sh: $target: $description (not run: this is a $host_os $host_machine machine)"
fi
