"""Memory of a digest and of `hours` over 1,000, 10,000 and 100,000 entries a week, before and after
reads through EntryGroups (issue 11: "a digest of 100,000 entries per week peaks at 649 MiB").

For each size, one sandbox process holds two weeks of that many entries each for team 1 (its
members log on workdays; ``--weeks 2``; its rate limit off), and each case runs in a fresh child
process with PYTHONPATH at a worktree of the commit measured, against that sandbox, unpaced:

- digest: ``build_team_digest`` for team 1 over the last 7 days (the previous 7 days read too,
  for the change figure) and ``digest_messages``: what the clock and on-demand digests do;
- hours: ``hours_of`` for team 1 over the last 7 days: what `/noko-team hours` does after
  finding the team.

A third side, "mirror", runs the after commit's code reading the mirror (``MirrorReads`` over a
SQLite database that ``noko-bot sync`` filled from that sandbox beforehand, unpaced, not timed):
the sums come from SQL, so neither the time nor the memory should follow the entries.

Measured in the child: wall time of the case, and its peak RSS (``ru_maxrss``) with the RSS
before the case (after imports and the team read) beside it. Before = ``--baseline`` (main before
this work), after = ``--after`` (default HEAD); runs alternate before, after, before, after ...

    .venv/bin/python bench/bench_memory.py [--runs 3] [--sizes 1000 10000 100000]

Exit code: 0 when the after side's peak RSS over the largest size is within ``--flat-mib``
(default 20 MiB) of its peak over the smallest, for both cases, and every run counted every
entry; 1 otherwise; 2 when a side could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchkit import (
    COULD_NOT_RUN,
    cell,
    commit_tree,
    head_commit,
    run_tree_child,
    runs_argument,
    sandbox_process,
    verdict,
)

BASELINE = "36da411"  # main with reads.py, before LiveReads and EntryGroups
TEAM_ID = 1  # the sandbox's big team
MEMBERS_BIG = 400


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def current_rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# -- child: runs against the commit on PYTHONPATH ------------------------------------------------
def child(case: str, base_url: str, mirror_db: str | None = None) -> dict[str, Any]:
    import importlib.util

    import bot
    from bot.blocks.digest import digest_messages
    from bot.services.access import EVERYONE
    from bot.services.cache import NokoCache
    from bot.services.hours import hours_of
    from bot.services.periods import range_period
    from bot.services.team_digest import DigestJob, build_team_digest
    from noko_core import NokoClient

    noko = NokoClient("sandbox-token", base_url=base_url, requests_per_second=None, timeout=120)
    source: Any = noko
    if importlib.util.find_spec("bot.services.live_reads") is not None:
        from bot.services.live_reads import LiveReads  # the after side: reads through the door

        source = LiveReads(noko, NokoCache(noko))
    if mirror_db is not None:
        from bot.mirror.reads import MirrorReads
        from bot.mirror.storage import MirrorStore
        from bot.storage import open_repository

        repo = open_repository(f"sqlite:///{mirror_db}", migrate=False)
        source = MirrorReads(MirrorStore(repo.engine), source)
        if not source.ready():
            raise RuntimeError(f"the mirror in {mirror_db} has not finished its first sync")
    today = dt.date.today()
    period = range_period(today - dt.timedelta(days=6), today)
    team = noko.get_single_team(TEAM_ID)
    before = current_rss_mib()
    started = time.perf_counter()
    if case == "digest":
        digest = build_team_digest(source, DigestJob(TEAM_ID, period))
        messages = digest_messages(digest)
        counted = digest.summary.entry_count
        previous = digest.change.previous_minutes if digest.change else 0
        extra = {"messages": len(messages), "previous_minutes": previous}
    else:
        hours = hours_of(source, team, period, EVERYONE)
        counted, extra = hours.summary.entry_count, {}
    seconds = time.perf_counter() - started
    noko.close()
    return {"bot": bot.__file__, "seconds": seconds, "peak_mib": rss_mib(),
            "before_mib": before, "entries": counted, **extra}  # fmt: skip


# -- parent --------------------------------------------------------------------------------------
def start_sandbox(size: int) -> tuple[subprocess.Popen[str], str]:
    """A sandbox process whose team 1 logs about ``size`` entries a week, two weeks long."""
    members = 40 if size < 10_000 else MEMBERS_BIG
    per_day = max(1, round(size / (members * 5)))
    return sandbox_process(weeks=2, team_size=members, per_day=per_day)


def sync_mirror(tree: Path, base_url: str, db: Path) -> None:
    """Fill a SQLite mirror from the sandbox with ``noko-bot sync`` (set-up: not timed)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "DATABASE_URL": f"sqlite:///{db}",
           "NOKO_ACCESS_TOKEN": "sandbox-token", "NOKO_API_URL": base_url,
           "NOKO_REQUESTS_PER_SECOND": "1000", "NOKO_LIMITER": "process",
           "LOG_LEVEL": "WARNING"}  # fmt: skip
    cmd = [sys.executable, "-m", "bot", "sync"]
    out = subprocess.run(cmd, env=env, cwd=tree, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"noko-bot sync failed ({out.returncode}): {out.stderr[-2000:]}")


def run_child(
    tree: Path, case: str, base_url: str, mirror_db: Path | None = None
) -> dict[str, Any]:
    args = [case, base_url] + (["--mirror-db", str(mirror_db)] if mirror_db is not None else [])
    return run_tree_child(__file__, tree, args)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    runs_argument(parser)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--flat-mib", type=float, default=20.0)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--after", default=head_commit())
    parser.add_argument("--child", nargs=2, metavar=("CASE", "URL"))
    parser.add_argument("--mirror-db", help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if args.child:
        case_name, url = args.child
        print(json.dumps(child(case_name, url, args.mirror_db)))
        return 0
    sides = [f"before ({args.baseline})", f"after ({args.after})", f"mirror ({args.after})"]
    cases = ("digest", "hours")
    # results[case][size][side] = the runs' results
    results: dict[str, dict[int, dict[str, list[dict[str, Any]]]]] = {
        c: {n: {s: [] for s in sides} for n in args.sizes} for c in cases
    }
    try:
        with (
            commit_tree(args.baseline) as old,
            commit_tree(args.after) as new,
            tempfile.TemporaryDirectory() as tmp,
        ):
            trees = dict(zip(sides, (old, new, new), strict=True))
            for size in args.sizes:
                process, url = start_sandbox(size)
                db = Path(tmp) / f"mirror-{size}.db"
                try:
                    sync_mirror(new, url, db)
                    for run in range(args.runs):
                        for case in cases:
                            for side, tree in trees.items():
                                mirror = db if side.startswith("mirror") else None
                                got = run_child(tree, case, url, mirror)
                                results[case][size][side].append(got)
                                print(f"{size} run {run + 1} {case} {side}: {got['entries']} "
                                      f"entries, {got['seconds']:.2f} s, peak "
                                      f"{got['peak_mib']:.0f} MiB", flush=True)  # fmt: skip
                finally:
                    process.terminate()
                    process.wait(10)
    except RuntimeError as exc:
        print(f"could not run: {exc}")
        return COULD_NOT_RUN
    print(f"\nMedian [min-max] of {args.runs} runs, each in a fresh process.\n")
    print("| case | entries a week | side | entries counted (this week) | time, s | peak RSS, MiB "
          "| RSS before the case, MiB |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for case in cases:
        for size in args.sizes:
            for side in sides:
                runs = results[case][size][side]
                print(f"| {case} | {size:,} | {side} | {cell([g['entries'] for g in runs])} | "
                      f"{cell([g['seconds'] for g in runs], digits=2)} | "
                      f"{cell([g['peak_mib'] for g in runs], digits=0)} | "
                      f"{cell([g['before_mib'] for g in runs], digits=0)} |")  # fmt: skip
    before, after, mirrored = sides
    small, large = min(args.sizes), max(args.sizes)
    checks = []
    for case in cases:
        for side in (after, mirrored):
            low = min(g["peak_mib"] for g in results[case][small][side])
            high = max(g["peak_mib"] for g in results[case][large][side])
            checks.append((f"{case}: {side}'s peak RSS at {large:,} entries within "
                           f"{args.flat_mib:g} MiB of its peak at {small:,} ({high:.0f} vs "
                           f"{low:.0f} MiB)", high - low <= args.flat_mib))  # fmt: skip
        same = all(
            [g["entries"] for g in results[case][n][side]]
            == [g["entries"] for g in results[case][n][before]]
            for n in args.sizes
            for side in (after, mirrored)
        )
        checks.append((f"{case}: every side counted the same entries at every size", same))
    return verdict(checks)


if __name__ == "__main__":
    sys.exit(main())
