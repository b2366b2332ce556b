#!/usr/bin/env bash
# The newcomer's `pytest` (README's test command, no TEST_DATABASE_URL) timed on two commits,
# alternating A, B, A, B, A, B; each commit runs from its own worktree with its own venv.
# Usage: bash bench/bench_suite.sh BASE_COMMIT [RUNS]   (prints one line per run)
set -euo pipefail
base="${1:?usage: bench/bench_suite.sh BASE_COMMIT [RUNS]}"
runs="${2:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; git -C "$root" worktree remove --force "$work/head" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$work/base" "$base"
git -C "$root" worktree add -q --detach "$work/head" HEAD
for side in base head; do
  (cd "$work/$side" && python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' >/dev/null 2>&1)
done
for run in $(seq "$runs"); do
  for side in base head; do
    cd "$work/$side"
    start=$(date +%s.%N)
    result=$(env -u TEST_DATABASE_URL .venv/bin/pytest -q -p no:cacheprovider 2>&1 | tail -1)
    end=$(date +%s.%N)
    printf '%s run %s: %.1f s wall; %s\n' "$side" "$run" "$(echo "$end - $start" | bc)" "$result"
  done
done
