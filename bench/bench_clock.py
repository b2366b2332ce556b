"""The clock at scale, before and after: digests posted per second, and a tick with nothing due.

(a) Posting: ``--subs`` daily subscriptions (09:00 Berlin, teams of the demo sandbox) across
    ``--channels`` channels, all due at the same instant, one tick; FakeSlack adds ``--latency``
    (150 ms) to every Slack call and the poster keeps Slack's one post a second per channel. Timed:
    from the start of the tick until it returns, i.e. until the last digest is posted and recorded
    (the week start, the shared Noko fetch and the owner's level included). Digests/s = posted /
    that time. A fresh SQLite database per run.
(b) Idle tick: ``--idle-subs`` subscriptions, none due: one tick settles (untimed), then each timed
    tick is one minute later with still nothing due.

Before = ``--baseline`` (the commit before this work), after = ``--after`` (default HEAD), each
run in a child process with PYTHONPATH at a worktree of that commit (both children use this
script and the same FakeSlack, in this process); runs alternate before, after, before, after, ...

    .venv/bin/python bench/bench_clock.py [--subs 500] [--channels 50] [--idle-subs 10000]
        [--latency 0.15] [--runs 3]

Exit code: 0 when, in every run, the after side posted every digest, faster than before, and its
idle tick was faster than before's; 1 otherwise; 2 when a side could not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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
    verdict,
)

BASELINE = "0013e80"  # main before the clock at scale (issue 10 §5)
DUE = dt.datetime(2026, 11, 9, 8, 0, 30, tzinfo=dt.UTC)  # 09:00:30 in Berlin, a Monday
CREATED = dt.datetime(2026, 11, 9, 6, 0, tzinfo=dt.UTC)
OWNER, OWNER_EMAIL = "U1", "sofia.ito@example.com"  # a supervisor of the demo sandbox


# -- child: runs against the commit on PYTHONPATH ------------------------------------------------
def child(mode: str, slack_url: str, subs: int, channels: int, ticks: int) -> dict[str, Any]:
    import bot
    from bot.scheduler.clock import ManualClock
    from bot.scheduler.plan import CatchUpPolicy
    from bot.scheduler.runner import Runner
    from bot.slack.directory import SlackDirectory
    from bot.slack.posting import SlackPoster, slack_client
    from bot.storage import open_repository
    from noko_core import NokoClient
    from noko_core.sandbox import Sandbox
    from noko_core.sandbox.demo import build_dataset

    clock = ManualClock(CREATED)
    with (
        tempfile.TemporaryDirectory() as tmp,
        Sandbox(rate_limit=False, dataset=build_dataset(today=DUE.date(), seed=0)) as sandbox,
    ):
        repo = open_repository(f"sqlite:///{tmp}/clock.db", clock=clock.now)
        for i in range(subs):
            repo.create_subscription(team_id=1 + i % 6, team_name=f"Team {i % 6 + 1}",
                                     channel_id=f"C{i % channels:05d}", cadence="daily",
                                     local_time="09:00", timezone="Europe/Berlin",
                                     created_by=OWNER)  # fmt: skip
        client = slack_client("xoxb-bench", slack_url, timeout=30)
        noko = NokoClient(sandbox.token, base_url=sandbox.base_url, requests_per_second=None)
        runner = Runner(repo=repo, noko=noko, poster=SlackPoster(client),
                        directory=SlackDirectory(client), clock=clock,
                        policy=CatchUpPolicy.from_settings(6.0, 30.0))  # fmt: skip
        result: dict[str, Any] = {"bot": bot.__file__}
        if mode == "post":
            clock.set(DUE)
            started = time.perf_counter()
            report = runner.tick()
            result["seconds"] = time.perf_counter() - started
            result["posted"] = len(report.posted)
        else:
            clock.set(CREATED + dt.timedelta(minutes=1))
            runner.tick()  # settles: the first tick after creating them plans each one once
            seconds = []
            for _ in range(ticks):
                clock.advance(minutes=1)
                started = time.perf_counter()
                report = runner.tick()
                seconds.append(time.perf_counter() - started)
                assert not report.posted and not report.missed
            result["seconds"] = seconds
        repo.close()
        noko.close()
    return result


# -- parent --------------------------------------------------------------------------------------
def run_child(tree: Path, args: list[str]) -> dict[str, Any]:
    return run_tree_child(__file__, tree, args)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    runs_argument(parser)
    parser.add_argument("--subs", type=int, default=500)
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--idle-subs", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.15, help="seconds per Slack call")
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--after", default=head_commit())
    parser.add_argument("--child", nargs=5, metavar=("MODE", "URL", "SUBS", "CHANNELS", "TICKS"))
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    if args.child:
        mode, url, subs, channels, ticks = args.child
        print(json.dumps(child(mode, url, int(subs), int(channels), int(ticks))))
        return 0
    from bot.devtools.fake_slack import FakeSlack, SlackUser

    sides = [f"before ({args.baseline})", f"after ({args.after})"]
    rates: dict[str, list[float]] = {s: [] for s in sides}
    seconds: dict[str, list[float]] = {s: [] for s in sides}
    posted: dict[str, list[float]] = {s: [] for s in sides}
    idle: dict[str, list[float]] = {s: [] for s in sides}
    owner = SlackUser(OWNER, "Sofia Ito", email=OWNER_EMAIL)
    try:
        with (
            commit_tree(args.baseline) as old,
            commit_tree(args.after) as new,
            FakeSlack([owner], latency=args.latency) as fake,
        ):
            trees = dict(zip(sides, (old, new), strict=True))
            for run in range(args.runs):
                for side, tree in trees.items():
                    fake.clear()
                    got = run_child(tree, ["post", fake.api_url, str(args.subs),
                                           str(args.channels), "0"])  # fmt: skip
                    sent = sum(1 for c in fake.calls_to("chat.postMessage") if c.status == 200)
                    seconds[side].append(got["seconds"])
                    posted[side].append(got["posted"])
                    rates[side].append(got["posted"] / got["seconds"])
                    print(f"run {run + 1} {side}: {got['posted']} posted ({sent} messages) in "
                          f"{got['seconds']:.1f} s", flush=True)  # fmt: skip
            for side, tree in trees.items():
                got = run_child(tree, ["idle", fake.api_url, str(args.idle_subs), "1000",
                                       str(args.runs)])  # fmt: skip
                idle[side] = [s * 1000 for s in got["seconds"]]
                print(f"{side}: idle ticks {[round(s) for s in idle[side]]} ms", flush=True)
    except RuntimeError as exc:
        print(f"could not run: {exc}")
        return COULD_NOT_RUN
    print(f"\n### {args.subs} digests across {args.channels} channels due together, "
          f"{args.latency * 1000:g} ms per Slack call; idle tick over {args.idle_subs} "
          "subscriptions\n")  # fmt: skip
    print("| figure | " + " | ".join(sides) + " |")
    print("|---|---|---|")
    rows = [("digests posted", posted, 0), ("tick until the last is posted, s", seconds, 1),
            ("digests/s", rates, 1), ("tick with nothing due, ms", idle, 0)]  # fmt: skip
    for label, values, digits in rows:
        print(f"| {label} | " + " | ".join(cell(values[s], digits=digits) for s in sides) + " |")
    before, after = sides
    return verdict([
        ("after posted every digest in every run", all(p == args.subs for p in posted[after])),
        ("after posted more digests/s than before in every run",
         all(a > b for a, b in zip(rates[after], rates[before], strict=True))),
        ("after's idle ticks were all faster than before's fastest",
         max(idle[after]) < min(idle[before])),
    ])  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
