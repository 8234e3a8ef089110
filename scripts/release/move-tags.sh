#!/usr/bin/env bash
# Moves the action's major and minor tags (v<MAJOR>, v<MAJOR>.<MINOR>) to a release, as
# actions do so that `uses: sqlgate/sqlgate@v1` follows the newest v1.x.y. The action resolves
# a moving tag to the release its checkout's Cargo.toml names (scripts/install-sqlgate.sh),
# so each moving tag must point at the newest release it covers.
#
# Usage: scripts/release/move-tags.sh [--remote NAME] VERSION
#
#   VERSION   the release just published (MAJOR.MINOR.PATCH); its tag v<VERSION> must exist
#             in this repository (fetch the tags first).
#   --remote  where to push the moved tags (default: origin).
#
# A prerelease (-alpha.N, -beta.N, -rc.N) moves nothing. A moving tag moves only when VERSION
# is the newest release it covers: a 1.2.5 patch released after 1.3.0 moves v1.2, not v1.
# Prints one line per tag: `moved v1 -> <commit>` or `kept v1 at v1.3.0`.
set -euo pipefail

remote=origin
version=""
while (($#)); do
  case "$1" in
    --remote)
      [[ $# -ge 2 ]] || { echo "move-tags.sh: --remote needs a name" >&2; exit 1; }
      remote="$2"
      shift 2
      ;;
    -*)
      echo "move-tags.sh: unknown option $1 (usage: move-tags.sh [--remote NAME] VERSION)" >&2
      exit 1
      ;;
    *)
      [[ -z $version ]] || { echo "move-tags.sh: more than one version given" >&2; exit 1; }
      version="$1"
      shift
      ;;
  esac
done

release='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$'
prerelease='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)-(alpha|beta|rc)\.(0|[1-9][0-9]*)$'
if [[ $version =~ $prerelease ]]; then
  echo "prerelease $version: the moving tags stay where they are"
  exit 0
fi
if [[ ! $version =~ $release ]]; then
  echo "move-tags.sh: \"$version\" is not a release version (MAJOR.MINOR.PATCH)" >&2
  exit 1
fi
major="${BASH_REMATCH[1]}"
minor="${BASH_REMATCH[2]}"

commit=$(git rev-parse --verify --quiet "refs/tags/v$version^{commit}") || {
  echo "move-tags.sh: no tag v$version in this repository (git fetch --tags first)" >&2
  exit 1
}

git remote get-url -- "$remote" >/dev/null 2>&1 || {
  echo "move-tags.sh: no remote \"$remote\" to push the moved tags to" >&2
  exit 1
}

# The newest release tag (no prerelease) starting with PREFIX (v1. or v1.2.), by version.
release_tag='^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$'
newest() {
  git tag --list -- "$1*" | { grep -E "$release_tag" || true; } | sort -V | tail -n 1
}

for moving in "v$major" "v$major.$minor"; do
  top=$(newest "$moving.")
  if [[ $top != "v$version" ]]; then
    echo "kept $moving at $top"
    continue
  fi
  git tag --force -- "$moving" "$commit" >/dev/null
  git push --quiet --force -- "$remote" "refs/tags/$moving:refs/tags/$moving"
  echo "moved $moving -> $commit"
done
