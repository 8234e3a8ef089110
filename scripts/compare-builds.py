#!/usr/bin/env python3
"""Two (or more) sqlgate builds in turn on the same machine: the way to tell whether a change
made sqlgate faster, where the machine's noise between two runs of scripts/bench.sh is larger
than most changes.

Usage:
  scripts/compare-builds.py [--rounds N] [--corpus DIR] [--mode MODE] [--repo DIR] BIN [BIN ...]

  BIN      sqlgate binaries (say the build of main and yours), or `squawk` for squawk 2.70
           from .bench/venv (scripts/bench.sh installs it), given the same files.
  --mode   repos:   each `postgresql` directory of the corpus manifest in its own process
                    (`check --format json DIR`), the run's time being the sum (default);
           files:   every `.sql` file of those directories as arguments, in one process;
           changed: `check --changed-since main --format json` in --repo (a git repository
                    like the one scripts/bench.sh builds for its part 3);
           tree:    `check --format json DIR` on --repo as a whole, a repository's checkout
                    (what `sqlgate check` at its root does: the walk of every directory
                    counts); squawk is given `DIR/**/*.sql`.
  --rounds rounds (default 10). In each round every binary runs once per directory, in turn,
           so that a slow moment of the machine falls on all of them.
  --corpus a directory with manifest.tsv (default ../shared/corpus from the repository root).

The runs happen in an empty scratch directory (in --repo for --mode changed). Each process
is timed on its own (wall with a monotonic clock, CPU as user + system from
wait4), its output discarded; prints the median over the rounds of each binary's wall and CPU
and the ratio to the first binary.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def dirs_of(corpus):
    with open(os.path.join(corpus, "manifest.tsv"), encoding="utf-8") as manifest:
        rows = [line.rstrip("\n").split("\t") for line in manifest][1:]
    return [os.path.join(corpus, row[0]) for row in rows if len(row) > 4 and row[4] == "postgresql"]


def sql_files(dirs):
    files = []
    for top in dirs:
        for here, _, names in sorted(os.walk(top)):
            files += sorted(os.path.join(here, n) for n in names if n.endswith(".sql"))
    return files


def command(binary, mode, target):
    if binary == "squawk":
        squawk = os.path.join(ROOT, ".bench", "venv", "bin", "squawk")
        if mode == "repos":
            return [squawk, "--reporter", "json", target + "/**/*.sql"]
        if mode == "files":
            return [squawk, "--reporter", "json"] + target
        if mode == "tree":
            return [squawk, "--reporter", "json", os.path.join(target, "**", "*.sql")]
        sys.exit("compare-builds: squawk has no --changed-since mode")
    if mode == "changed":
        return [binary, "check", "--changed-since", "main", "--format", "json"]
    return [binary, "check", "--format", "json"] + (target if mode == "files" else [target])


def timed(argv):
    """Runs argv in the current directory with posix_spawn (a fork of this Python process
    would cost more than a small run), output discarded."""
    discard = [
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
    ]
    started = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=discard)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"compare-builds: {' '.join(argv[:4])} ... exited with {status}")
    return wall, usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--corpus", default=os.path.join(ROOT, "..", "shared", "corpus"))
    parser.add_argument("--mode", choices=["repos", "files", "changed", "tree"], default="repos")
    parser.add_argument("--repo", help="the git repository of --mode changed, the tree of --mode tree")
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    binaries = [b if b == "squawk" else os.path.abspath(b) for b in args.binaries]
    # Like scripts/bench.sh, the runs happen in an empty scratch directory: no sqlgate.toml
    # or .squawk.toml of the caller's is picked up.
    scratch = tempfile.TemporaryDirectory(prefix="compare-builds.")
    if args.mode in ("changed", "tree") and not args.repo:
        sys.exit(f"compare-builds: --mode {args.mode} needs --repo")
    if args.mode == "changed":
        targets, cwd = [None], os.path.abspath(args.repo)
    elif args.mode == "tree":
        targets, cwd = [os.path.abspath(args.repo)], scratch.name
    else:
        dirs = dirs_of(os.path.abspath(args.corpus))
        targets = dirs if args.mode == "repos" else [sql_files(dirs)]
        cwd = scratch.name
    os.chdir(cwd)
    totals = {b: ([], []) for b in binaries}
    for _ in range(args.rounds):
        round_times = {b: [0.0, 0.0] for b in binaries}
        for target in targets:
            for binary in binaries:
                wall, cpu = timed(command(binary, args.mode, target))
                round_times[binary][0] += wall
                round_times[binary][1] += cpu
        for binary in binaries:
            totals[binary][0].append(round_times[binary][0])
            totals[binary][1].append(round_times[binary][1])
    first = binaries[0]
    first_wall = statistics.median(totals[first][0])
    first_cpu = statistics.median(totals[first][1])
    print(f"{args.mode}, median of {args.rounds} rounds (ratio: the first binary's time / this one's)")
    for binary in binaries:
        wall = statistics.median(totals[binary][0])
        cpu = statistics.median(totals[binary][1])
        print(
            f"  {binary}: wall {wall * 1000:8.1f} ms ({first_wall / wall:4.2f}x)"
            f"  CPU {cpu * 1000:8.1f} ms ({first_cpu / cpu:4.2f}x)"
        )


if __name__ == "__main__":
    main()
