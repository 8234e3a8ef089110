#!/usr/bin/env bash
# Installs maturin (PyPI), which builds sqlgate's wheel from pyproject.toml, into a virtualenv
# under target/ so nothing outside the checkout changes. Prints the path of the `maturin`
# executable. Used by tests/precommit.rs (the pre-commit hook that installs the wheel) and
# tests/version.rs (the version maturin gives the wheel). Releases build with
# PyO3/maturin-action instead; pyproject.toml's `requires` is the range both must satisfy.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="target/maturin-venv"
version="1.16.0"
exe="$venv/bin/maturin"
# Tests may call this at the same time: one installs, the others wait.
mkdir -p target
exec 9>target/maturin-venv.lock
flock 9
if [ -x "$exe" ] && [ "$("$exe" --version 2>/dev/null)" = "maturin $version" ]; then
  echo "$PWD/$exe"
  exit 0
fi
command -v python3 >/dev/null || { echo "python3 not found: the wheel tests need Python 3 with venv and pip" >&2; exit 1; }
rm -rf "$venv"
python3 -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "maturin==$version" >&2
echo "$PWD/$exe"
