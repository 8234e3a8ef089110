#!/usr/bin/env bash
# The release notes of one version: the body of its `## [<version>]` section of the
# changelog (Keep a Changelog), up to the next `## [` heading.
#
# Usage: scripts/release/notes.sh <version> [CHANGELOG]
#
#   version    without the `v` (0.1.0, 1.2.0-rc.1)
#   CHANGELOG  default: the repository's CHANGELOG.md
#
# Prints the body with its leading and trailing blank lines trimmed, and without the link
# reference definitions (`[0.1.0]: https://...`) that close the file after the last
# section (those in the middle of the section, or before the next heading, are kept). Exits 1 when the version has no section or its section is empty. A heading
# still dated "Unreleased" is warned about (on stderr, as a GitHub annotation) but passes.
set -euo pipefail

[[ $# -ge 1 && $# -le 2 && -n $1 ]] || {
  echo "usage: scripts/release/notes.sh <version> [CHANGELOG]" >&2
  exit 1
}
version=$1
changelog=${2:-"$(cd "$(dirname "$0")/../.." && pwd)/CHANGELOG.md"}
[[ -f "$changelog" ]] || { echo "notes.sh: $changelog: no such file" >&2; exit 1; }

# Exact text comparison, not a regular expression: the dots of 1.2.0 are not wildcards and
# [1.2.0] does not find [1.2.0-rc.1].
heading="## [$version]"
body=$(awk -v heading="$heading" '
  function flush_links() { for (i = 1; i <= nlinks; i++) print links[i]; nlinks = 0 }
  index($0, "## [") == 1 {
    if (in_section) { flush_links(); exit }
    if (index($0, heading) == 1) {
      rest = substr($0, length(heading) + 1)
      if (rest == "" || rest ~ /^[[:space:]]/) { in_section = 1; found = 1; print "#HEADING " $0; next }
    }
  }
  in_section {
    # Link reference definitions are held back: printed only when text follows them.
    if ($0 ~ /^\[[^]]+\]:[[:space:]]*[^[:space:]]/) { links[++nlinks] = $0; next }
    if ($0 ~ /^[[:space:]]*$/ && nlinks > 0) { links[++nlinks] = $0; next }
    flush_links()
    print
  }
  END { if (!found) exit 3 }
' "$changelog") || {
  status=$?
  if [[ $status -eq 3 ]]; then
    echo "notes.sh: $changelog has no \`$heading\` section: add the version's notes before tagging" >&2
  fi
  exit 1
}

heading_line=$(head -n 1 <<<"$body")
heading_line=${heading_line#"#HEADING "}
notes=$(tail -n +2 <<<"$body")
# Trim blank lines at both ends ($(...) already dropped the trailing newlines).
notes=$(sed -e '/[^[:space:]]/,$!d' <<<"$notes")
if [[ -z ${notes//[[:space:]]/} ]]; then
  echo "notes.sh: the \`$heading\` section of $changelog is empty: write the version's notes" >&2
  exit 1
fi
if [[ $heading_line == *[Uu]nreleased* ]]; then
  echo "::warning title=CHANGELOG.md::\`$heading_line\` still says Unreleased: give it the release date" >&2
fi
printf '%s\n' "$notes"
