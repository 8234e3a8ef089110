#!/usr/bin/env bash
# Installs a released sqlgate binary, verified by its SHA-256 before anything is extracted or
# run. The GitHub Action (action.yml) runs it for release refs; it works anywhere with bash,
# curl, tar (unzip for Windows) and sha256sum or shasum.
#
# Inputs (environment variables):
#   SQLGATE_VERSION           required: the release, 1.2.3 or v1.2.3 (semantic versioning;
#                             a pre-release suffix is allowed, build metadata is not)
#   SQLGATE_INSTALL_DIR       required: the directory to install into (created when missing)
#   SQLGATE_TARGET            optional: x86_64-unknown-linux-musl, aarch64-unknown-linux-musl,
#                             x86_64-apple-darwin, aarch64-apple-darwin or x86_64-pc-windows-msvc;
#                             by default detected from RUNNER_OS/RUNNER_ARCH (GitHub Actions:
#                             Linux/macOS/Windows x X64/ARM64), else from uname -s/-m
#   SQLGATE_RELEASE_BASE_URL  optional: where releases are, default
#                             https://github.com/sqlgate/sqlgate/releases/download; an asset is
#                             BASE/vVERSION/ASSET. https only, or http to 127.0.0.1, [::1] or
#                             localhost (tests)
#   SQLGATE_DOWNLOAD_DIR      optional: where the archive is kept (the action caches it). An
#                             archive already there is verified like a download, against a
#                             freshly downloaded .sha256; one that does not match is replaced
#                             by a fresh download
# Arguments: none; or --print-target, which prints the target for this platform and exits
# (0, or 2 for an unknown platform) without downloading anything.
#
# What it does: downloads ASSET.sha256 and ASSET (ASSET = sqlgate-vVERSION-TARGET.tar.gz, or
# .zip for Windows; scripts/release/package.sh writes them) with retries, failing on HTTP
# errors; checks that the .sha256 is exactly one "<64 hex>  ASSET" line and that the archive
# has that SHA-256; extracts only the binary; runs `sqlgate --version` and checks that it
# names VERSION; and only then moves it into SQLGATE_INSTALL_DIR, replacing any previous one.
#
# Output: on success, one line on stdout, the installed binary's path
# (SQLGATE_INSTALL_DIR/sqlgate, or sqlgate.exe on Windows); progress and the binary's
# `--version` go to stderr.
# Exit codes; each failure prints one line, "sqlgate-install: error: ...", on stderr:
#   0  installed
#   1  usage: a missing or malformed input, a missing tool, or a directory it cannot write
#   2  unknown platform: no release binary for this OS and architecture
#   3  download failed: an HTTP error (the message names the URL and the status) or the network
#   4  verification failed: a checksum mismatch, or a .sha256 that is not one well-formed line
#      naming the archive
#   5  bad archive: no binary in it, or the binary does not run or reports another version
# On any failure nothing is written to SQLGATE_INSTALL_DIR: a binary already there stays.
set -euo pipefail
umask 022

BASE_URL_DEFAULT="https://github.com/sqlgate/sqlgate/releases/download"

# Text that came from outside (the environment, a downloaded file), made safe for one log line.
printable() {
  printf '%s' "$1" | LC_ALL=C tr -c '[:print:]' '?' | cut -c1-200
}

fail() {
  printf 'sqlgate-install: error: %s\n' "$2" >&2
  exit "$1"
}

say() {
  printf 'sqlgate-install: %s\n' "$1" >&2
}

detect_target() {
  local os arch
  if [ -n "${RUNNER_OS:-}" ] && [ -n "${RUNNER_ARCH:-}" ]; then
    os=$RUNNER_OS
    arch=$RUNNER_ARCH
  else
    case "$(uname -s)" in
      Linux) os=Linux ;;
      Darwin) os=macOS ;;
      MINGW* | MSYS* | CYGWIN*) os=Windows ;;
      *) os=$(uname -s) ;;
    esac
    case "$(uname -m)" in
      x86_64 | amd64) arch=X64 ;;
      aarch64 | arm64) arch=ARM64 ;;
      *) arch=$(uname -m) ;;
    esac
  fi
  case "$os/$arch" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) fail 2 "unknown platform: no sqlgate release for $(printable "$os")/$(printable "$arch") (releases: Linux X64/ARM64, macOS X64/ARM64, Windows X64)" ;;
  esac
}

print_only=false
case "$#/${1:-}" in
  0/) ;;
  1/--print-target) print_only=true ;;
  *) fail 1 "usage: install-sqlgate.sh [--print-target] (inputs are SQLGATE_* environment variables)" ;;
esac

if [ -n "${SQLGATE_TARGET:-}" ]; then
  target=$SQLGATE_TARGET
  case "$target" in
    x86_64-unknown-linux-musl | aarch64-unknown-linux-musl | x86_64-apple-darwin | aarch64-apple-darwin | x86_64-pc-windows-msvc) ;;
    *) fail 2 "unknown platform: no sqlgate release for target '$(printable "$target")' (x86_64-unknown-linux-musl, aarch64-unknown-linux-musl, x86_64-apple-darwin, aarch64-apple-darwin, x86_64-pc-windows-msvc)" ;;
  esac
else
  target=$(detect_target) || exit $?
fi
if $print_only; then
  printf '%s\n' "$target"
  exit 0
fi
case "$target" in
  *-windows-*) exe=sqlgate.exe ext=zip ;;
  *) exe=sqlgate ext=tar.gz ;;
esac

version=${SQLGATE_VERSION:-}
version=${version#v}
[ -n "$version" ] || fail 1 "SQLGATE_VERSION is not set (the release to install, 1.2.3)"
semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$'
[[ $version =~ $semver ]] || fail 1 "SQLGATE_VERSION must be a release version like 1.2.3: got '$(printable "$version")'"
dest=${SQLGATE_INSTALL_DIR:-}
[ -n "$dest" ] || fail 1 "SQLGATE_INSTALL_DIR is not set (the directory to install sqlgate into)"

base=${SQLGATE_RELEASE_BASE_URL:-$BASE_URL_DEFAULT}
base=${base%/}
# No userinfo (`@`), spaces or quotes: the host is what follows the scheme, up to `:` or `/`.
url_chars='^[][A-Za-z0-9._~:/%+-]+$'
[[ $base =~ $url_chars ]] || fail 1 "SQLGATE_RELEASE_BASE_URL holds characters this script does not accept in a URL: '$(printable "$base")'"
case "$base" in
  https://?*) ;;
  http://127.0.0.1 | http://127.0.0.1:* | http://127.0.0.1/* | http://localhost | http://localhost:* | http://localhost/* | 'http://[::1]' | 'http://[::1]:'* | 'http://[::1]/'*) ;;
  *) fail 1 "SQLGATE_RELEASE_BASE_URL must be an https:// URL (http only to 127.0.0.1, [::1] or localhost): got '$(printable "$base")'" ;;
esac
command -v curl >/dev/null 2>&1 || fail 1 "curl is not installed"
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum -- "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 -- "$1" | cut -d' ' -f1; }
else
  fail 1 "neither sha256sum nor shasum is installed"
fi
if [ "$ext" = zip ]; then
  command -v unzip >/dev/null 2>&1 || fail 1 "unzip is not installed"
else
  command -v tar >/dev/null 2>&1 || fail 1 "tar is not installed"
fi

asset="sqlgate-v$version-$target.$ext"
url="$base/v$version/$asset"

work=$(mktemp -d) || fail 1 "cannot create a temporary directory"
staged=""
cleanup() {
  rm -rf -- "$work"
  if [ -n "$staged" ]; then rm -f -- "$staged"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# download URL FILE: fails (exit 3) with the URL and the HTTP status, or curl's reason.
download() {
  local status rc=0 reason
  # -q first: no ~/.curlrc. Retries cover refused connections, timeouts, 408, 429 and 5xx,
  # never a 404. Redirects (GitHub sends downloads to its CDN) must stay on https.
  status=$(curl -q --silent --show-error --fail --location --proto '=https,http' --proto-redir '=https' \
    --retry 3 --retry-delay 1 --retry-connrefused --connect-timeout 15 --max-time 300 --max-filesize 268435456 \
    --output "$2" --write-out '%{http_code}' -- "$1" 2>"$work/curl.err") || rc=$?
  if [ "$rc" -eq 0 ]; then return 0; fi
  rm -f -- "$2"
  if [[ $status =~ ^[45][0-9][0-9]$ ]]; then
    if [ "$status" = 404 ]; then
      fail 3 "download failed: HTTP 404 for $1 (no such release asset: is v$version released for $target?)"
    fi
    fail 3 "download failed: HTTP $status for $1"
  fi
  reason=$(head -n 1 "$work/curl.err" 2>/dev/null || true)
  fail 3 "download failed: $1: $(printable "${reason:-curl exited with $rc}")"
}

# The archive's expected SHA-256, from its .sha256: exactly one "<64 hex>  ASSET" line (the
# sha256sum format; ` *ASSET`, its binary mark, is accepted), ending with a newline or not.
expected_sha256() {
  local file=$1 line size newlines
  size=$(wc -c <"$file" | tr -d ' ')
  [ "$size" -le 1024 ] || fail 4 "malformed checksum file $asset.sha256: $size bytes, not one line"
  newlines=$(LC_ALL=C tr -cd '\n' <"$file" | wc -c | tr -d ' ')
  line=$(cat -- "$file")
  # The line plus at most one newline, and nothing else: no second line, no NUL byte.
  if [ "$newlines" -gt 1 ] || [ "$((${#line} + newlines))" -ne "$size" ]; then
    fail 4 "malformed checksum file $asset.sha256: not exactly one line"
  fi
  if ! [[ $line =~ ^([0-9a-fA-F]{64})\ [\ *](.+)$ ]]; then
    fail 4 "malformed checksum file $asset.sha256: not a '<sha256>  <file name>' line"
  fi
  if [ "${BASH_REMATCH[2]}" != "$asset" ]; then
    fail 4 "malformed checksum file $asset.sha256: it names '$(printable "${BASH_REMATCH[2]}")', not $asset"
  fi
  printf '%s' "${BASH_REMATCH[1]}" | tr 'A-F' 'a-f'
}

export LC_ALL=C
say "sqlgate v$version for $target from $url"
download "$url.sha256" "$work/$asset.sha256"
expected=$(expected_sha256 "$work/$asset.sha256")

archive="$work/$asset"
if [ -n "${SQLGATE_DOWNLOAD_DIR:-}" ]; then
  kept=$(mkdir -p -- "$SQLGATE_DOWNLOAD_DIR" && cd -- "$SQLGATE_DOWNLOAD_DIR" && pwd) ||
    fail 1 "cannot create SQLGATE_DOWNLOAD_DIR $(printable "$SQLGATE_DOWNLOAD_DIR")"
  archive="$kept/$asset"
  if [ -f "$archive" ] && [ ! -L "$archive" ]; then
    if [ "$(sha256 "$archive")" = "$expected" ]; then
      say "using the kept archive $(printable "$archive") (its SHA-256 matches)"
    else
      say "warning: the kept archive $(printable "$archive") does not match $asset.sha256: downloading it again"
      rm -f -- "$archive"
    fi
  else
    rm -rf -- "$archive"
  fi
fi
if [ ! -f "$archive" ]; then
  download "$url" "$archive.part"
  mv -f -- "$archive.part" "$archive"
fi
actual=$(sha256 "$archive")
if [ "$actual" != "$expected" ]; then
  rm -f -- "$archive"
  fail 4 "checksum mismatch for $asset: $asset.sha256 says $expected, the download is $actual (refusing to install)"
fi
say "verified SHA-256 $actual"

# Only the binary, into an empty directory of our own.
mkdir -- "$work/x"
if [ "$ext" = zip ]; then
  unzip -q -o "$archive" "$exe" -d "$work/x" >/dev/null 2>&1 || fail 5 "$asset holds no $exe"
else
  tar --no-same-owner -xzf "$archive" -C "$work/x" "$exe" >/dev/null 2>&1 || fail 5 "$asset holds no $exe"
fi
if [ ! -f "$work/x/$exe" ] || [ -L "$work/x/$exe" ]; then
  fail 5 "$exe in $asset is not a regular file"
fi

# Staged next to its final place (the same file system, so the move is atomic, and a
# directory that may run programs, unlike a noexec /tmp), run, then moved into place.
dest=$(mkdir -p -- "$dest" && cd -- "$dest" && pwd) || fail 1 "cannot create SQLGATE_INSTALL_DIR $(printable "$SQLGATE_INSTALL_DIR")"
# Ends with the binary's name: Windows runs only an .exe.
staged="$dest/.sqlgate-install-$$-$exe"
cp -- "$work/x/$exe" "$staged" || fail 1 "cannot write to $(printable "$dest")"
chmod 0755 "$staged"
reported=$("$staged" --version 2>&1) || fail 5 "the $exe in $asset does not run on this machine: $(printable "$reported")"
first=$(printf '%s\n' "$reported" | head -n 1)
[ "$first" = "sqlgate $version" ] || fail 5 "the $exe in $asset reports '$(printable "$first")', not 'sqlgate $version'"
mv -f -- "$staged" "$dest/$exe" || fail 1 "cannot move sqlgate into $(printable "$dest")"
staged=""

say "installed $first ($target) at $(printable "$dest/$exe")"
printf '%s\n' "$dest/$exe"
