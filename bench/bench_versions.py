"""Did the code get slower? The same work from worktrees of two commits, alternating in one run."""

# seed:   python-freckle-client's case (a) of bench_client.py on its published dataset (16 weeks,
#         40 members, 9 entries per member per workday), sandbox rate limit off, against each
#         commit's in-process sandbox: wall time, and CPU seconds of the sandbox and of the seed.
# digest: summarize + build_digest + digest_messages over bench_digest.py's 100,000 synthetic
#         entries with each commit's bot package, timed untraced and then under tracemalloc.
#
#     .venv/bin/python bench/bench_versions.py seed --old badb55d [--new HEAD] [--runs 3]
#     .venv/bin/python bench/bench_versions.py digest --old d2016a5 [--new HEAD] [--runs 3]
#
# Each run is a child process with PYTHONPATH at one commit's worktree, the commits alternating
# (old, new, old, new, ...). Exit code: 0 when the new commit's median wall time is at most
# ``--tolerance`` (10%) above the old commit's, 1 when it is slower than that, 2 when the seed
# client is missing.

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, cast

from benchkit import COULD_NOT_RUN, cell, commit_tree, runs_argument, synthetic_entries, verdict

HERE = Path(__file__).resolve().parent


def child_seed(seed_python: str) -> dict[str, float]:
    from noko_core.sandbox import Sandbox, build_dataset  # the worktree's, via PYTHONPATH

    token = "bench-token-0123456789"
    dataset = build_dataset(weeks=16, big_team_size=40, entries_per_member_day=9)
    with Sandbox(token=token, rate_limit=False, dataset=dataset) as sb:
        team = sb.store.teams[1]
        start = sb.store.today - dt.timedelta(days=12 * 7 - 1)
        window = {"from": start.isoformat(), "to": sb.store.today.isoformat()}
        spec = {"base_url": sb.base_url, "token": token, "case": "get_entries_for_users_in_team",
                "args": [team.id], "kwargs": window}  # fmt: skip
        cpu = time.process_time()
        runner = [seed_python, str(HERE / "client_freckle_runner.py"), json.dumps(spec)]
        out = subprocess.run(runner, capture_output=True, text=True, check=True).stdout
        sandbox_cpu = time.process_time() - cpu
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(out)
    return {"wall_s": result["wall"], "sandbox_cpu_s": sandbox_cpu,
            "seed_cpu_s": used.ru_utime + used.ru_stime, "items": len(result["ids"])}  # fmt: skip


def child_digest() -> dict[str, float]:
    from bot.blocks.digest import digest_messages  # the worktree's, via PYTHONPATH
    from bot.services.digest import build_digest
    from bot.services.periods import week_period
    from bot.services.summary import summarize

    users = [{"id": i, "email": f"u{i}@example.com", "first_name": f"User{i}",
              "last_name": "Bench"} for i in range(400)]  # fmt: skip
    period = week_period(dt.date(2026, 11, 2), 0)
    entries = list(synthetic_entries(100_000, users))

    def build() -> Any:
        # Any: the worktree's summarize may predate noko_core's TypedDicts. Since issue 11 it
        # sums EntryGroups: the entries are folded into them here, as LiveReads folds a listing.
        summed: Any = entries
        if importlib.util.find_spec("bot.services.live_reads") is not None:
            from bot.services.live_reads import group_entries
            from bot.services.reads import Span

            ids = [int(cast(Any, u)["id"]) for u in users]
            summed = group_entries(cast(Any, entries), ids, [Span(period.start, period.end)])[0]
        summary = summarize(summed, cast(Any, users), period)
        digest = build_digest(summary, None, team_name="Bench", period=period,
                              slack_ids_by_email={})  # fmt: skip
        return digest_messages(digest)

    started = time.perf_counter()
    build()
    untraced = time.perf_counter() - started
    tracemalloc.start()
    started = time.perf_counter()
    build()
    traced = time.perf_counter() - started
    tracemalloc.stop()
    return {"wall_s": untraced, "under_tracemalloc_s": traced}


def run_child(tree: Path, kind: str, seed_python: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--seed-python",
           seed_python]  # fmt: skip
    done = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _cell(values: list[float]) -> str:
    whole = all(float(v).is_integer() for v in values)
    return cell(values, digits=None if whole else 3)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=("seed", "digest"))
    parser.add_argument("--old", required=True, help="the commit a figure was published at")
    parser.add_argument("--new", default="HEAD")
    runs_argument(parser)
    parser.add_argument("--tolerance", type=float, default=0.10, help="slowdown allowed (0.10)")
    parser.add_argument("--seed-python", default=str(HERE / ".venv-freckle" / "bin" / "python"))
    parser.add_argument("--child", choices=("seed", "digest"), help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> int:
    if "--child" in sys.argv:  # parse_args would insist on the parent's positional arguments
        kind, seed_python = sys.argv[sys.argv.index("--child") + 1], sys.argv[-1]
        result = child_seed(seed_python) if kind == "seed" else child_digest()
        print(json.dumps(result))
        return 0
    args = parse_args()
    if args.kind == "seed" and not Path(args.seed_python).exists():
        print(f"missing {args.seed_python}: run bash bench/setup_bench.sh", file=sys.stderr)
        return COULD_NOT_RUN
    results: dict[str, list[dict[str, float]]] = {args.old: [], args.new: []}
    with commit_tree(args.old) as old_tree, commit_tree(args.new) as new_tree:
        for run in range(args.runs):
            for commit, tree in ((args.old, old_tree), (args.new, new_tree)):
                results[commit].append(run_child(tree, args.kind, args.seed_python))
                print(f"run {run + 1} {commit}: {results[commit][-1]}", flush=True)
    keys = list(results[args.old][0])
    print(f"\n| commit | {' | '.join(keys)} |\n|---|{'---|' * len(keys)}")
    for commit, rows in results.items():
        print(f"| {commit} | " + " | ".join(_cell([r[k] for r in rows]) for k in keys) + " |")
    old_median = statistics.median(r["wall_s"] for r in results[args.old])
    new_median = statistics.median(r["wall_s"] for r in results[args.new])
    change = new_median / old_median - 1
    label = (f"{args.new} median wall {new_median:.3f} s vs {args.old} {old_median:.3f} s: "
             f"{change:+.1%}, within +{args.tolerance:.0%}")  # fmt: skip
    return verdict([(label, change <= args.tolerance)])


if __name__ == "__main__":
    sys.exit(main())
