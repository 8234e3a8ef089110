#!/usr/bin/env bash
# Installs the pre-commit tool (PyPI) the hook tests drive, into a virtualenv under target/
# so nothing outside the checkout changes. Prints the path of the `pre-commit` executable.
# Used by .ci/run and, when it is missing, by tests/precommit.rs and tests/readme.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="target/pre-commit-venv"
version="4.7.0"
exe="$venv/bin/pre-commit"
# Tests may call this at the same time: one installs, the others wait.
mkdir -p target
exec 9>target/pre-commit-venv.lock
flock 9
if [ -x "$exe" ] && [ "$("$exe" --version 2>/dev/null)" = "pre-commit $version" ]; then
  echo "$PWD/$exe"
  exit 0
fi
command -v python3 >/dev/null || { echo "python3 not found: the pre-commit tests need Python 3 with venv and pip" >&2; exit 1; }
rm -rf "$venv"
python3 -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pre-commit==$version" >&2
echo "$PWD/$exe"
