"""Benchmark: a 100,000-entry digest, built alone and fetched then built; 10 digests' requests."""

# (a) build only: digest_from_data + digest_messages over a TeamData already in memory holding
#     the EntryGroups of 100,000 synthetic entries (400 members, 60 projects, no comparison
#     period; folded once, before timing, as LiveReads folds a listing). No Noko.
# (b) fetch + build: fetch_teams (through LiveReads) for one 400-member team whose week holds
#     about 100,000 entries,
#     from a sandbox in a subprocess (its rate limit off) with the client's pacing off, then the
#     same build. Both: time in untraced runs, tracemalloc's peak in separate traced runs.
# (c) 10 weekly subscriptions (10 teams) due together, against an in-process sandbox with its rate
#     limit on and the client's default 2 requests/s: requests, 429s and wall time for one shared
#     fetch_teams call and for one fetch_teams call per subscription, alternating.
#
#     .venv/bin/python bench/bench_digest.py [--runs 3]
#
# Exit code: 0 when every run built the digest of every entry, paged the fetch within its budget
# and the shared fetch made fewer requests than per-subscription fetches with no 429; else 1.

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any, cast

import requests
from benchkit import cell, runs_argument, sandbox_process, synthetic_entries, verdict

from bot.blocks.digest import digest_messages
from bot.services.cache import NokoCache
from bot.services.digest import digest_from_data
from bot.services.fetch import TeamData, TeamRequest, fetch_teams
from bot.services.live_reads import LiveReads, group_entries
from bot.services.periods import range_period, week_period
from bot.services.reads import Span
from noko_core import Entry, NokoClient, SimpleUser
from noko_core.sandbox import Sandbox, build_dataset

TODAY = dt.date(2026, 11, 9)
ENTRIES = 100_000
Check = tuple[str, bool]


def no_slack(emails: Any) -> dict[str, str]:
    return {}  # nobody is matched to Slack: the build still looks every idle member up


def timed(work: Callable[[], Any], traced: bool) -> tuple[float, float, Any]:
    """(seconds, tracemalloc peak MiB, result); time only untraced, memory only traced."""
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else math.nan
    if traced:
        tracemalloc.stop()
    return elapsed, peak, result


def bench_build(runs: int) -> Check:
    users = [{"id": i, "email": f"u{i}@example.com", "first_name": f"User{i}",
              "last_name": "Bench"} for i in range(400)]  # fmt: skip
    period = week_period(TODAY - dt.timedelta(days=7), 0)
    entries = cast(list[Entry], list(synthetic_entries(ENTRIES, users)))
    ids = [int(cast(Any, u)["id"]) for u in users]
    groups = group_entries(entries, ids, [Span(period.start, period.end)])[0]
    data = TeamData(team_id=1, team_name="Bench", members=tuple(cast(list[SimpleUser], users)),
                    period=period, previous=None, previous_groups=[], groups=groups)  # fmt: skip

    def build() -> tuple[int, int]:
        digest = digest_from_data(data, slack_ids=no_slack)
        return digest.summary.entry_count, len(digest_messages(digest))

    seconds, peaks, results = [], [], []
    for _ in range(runs):
        seconds.append(timed(build, traced=False)[0])
        _, peak, result = timed(build, traced=True)
        peaks.append(peak)
        results.append(result)
    print("\n### (a) Build only: 100,000 entries already in memory\n")
    print("| build (digest_from_data + digest_messages) | time s | peak MiB (traced run) | msgs |")
    print("|---|---|---|---|")
    messages = cell([m for _, m in results])
    print(f"| 100,000 entries, 400 members | {cell(seconds, digits=2)} | "
          f"{cell(peaks, digits=1)} | {messages} |")  # fmt: skip
    return "(a) every run's digest counts all 100,000 entries", all(
        count == ENTRIES and msgs >= 1 for count, msgs in results
    )


def start_sandbox(per_day: int) -> tuple[subprocess.Popen[str], str]:
    """A sandbox process whose one-week dataset gives the big team 400 members."""
    return sandbox_process(weeks=1, team_size=400, per_day=per_day)


def sandbox_fetcher(base_url: str, sent: list[int]) -> Callable[[], TeamData]:
    """Fetches the sandbox's big team for its one week, unpaced, counting requests in ``sent``."""
    session = requests.Session()
    session.hooks["response"].append(lambda response, **_: sent.append(1))
    today = dt.date.today()
    # The sandbox's week ends today; a range one day wider each side survives midnight.
    request = TeamRequest(
        1, range_period(today - dt.timedelta(days=7), today + dt.timedelta(days=1))
    )

    def fetch() -> TeamData:
        noko = NokoClient("sandbox-token", base_url=base_url, requests_per_second=None,
                          session=session)  # fmt: skip
        result = fetch_teams(LiveReads(noko, NokoCache(noko)), [request])[request]
        if not isinstance(result, TeamData):
            raise RuntimeError(f"fetch failed: {result!r}")
        return result

    return fetch


def bench_fetch_and_build(runs: int, per_day: int) -> Check:
    process, base_url = start_sandbox(per_day)
    sent: list[int] = []
    fetch = sandbox_fetcher(base_url, sent)

    def fetch_and_build() -> tuple[float, TeamData, int]:
        started = time.perf_counter()
        data = fetch()
        fetched = time.perf_counter() - started
        return fetched, data, len(digest_messages(digest_from_data(data, slack_ids=no_slack)))

    rows: list[tuple[float, float, float, int, int]] = []
    peaks, ok = [], True
    try:
        for _ in range(runs):
            sent.clear()
            total, _, (fetched, data, msgs) = timed(fetch_and_build, traced=False)
            count = sum(g.entries for g in data.groups)
            rows.append((fetched, total - fetched, total, len(sent), count))
            pages = math.ceil(count / 1000)
            ok = ok and len(sent) == 1 + pages and msgs >= 1 and count > 0
            peaks.append(timed(fetch_and_build, traced=True)[1])
    finally:
        process.terminate()
        process.wait(10)
    print_fetch_table(rows, peaks)
    return "(b) every run fetched the team in 1 + ceil(entries/1000) requests and built it", ok


def print_fetch_table(rows: list[tuple[float, float, float, int, int]], peaks: list[float]) -> None:
    print("\n### (b) Fetch + build: one 400-member team's week from the sandbox\n")
    print("| entries | requests | fetch s | build s | total s | peak MiB (traced run) |")
    print("|---|---|---|---|---|---|")
    columns = [cell([row[i] for row in rows], digits=2) for i in range(3)]
    counts, sizes = cell([row[3] for row in rows]), cell([row[4] for row in rows])
    print(f"| {sizes} | {counts} | {' | '.join(columns)} | {cell(peaks, digits=1)} |")


def add_teams(sb: Sandbox, noko: NokoClient, total: int) -> list[int]:
    sb.rate_limit = False
    team_ids = [int(t["id"]) for t in noko.list_teams()]
    users = [int(u["id"]) for u in noko.list_users(state="active")]
    rng = random.Random(1)
    while len(team_ids) < total:
        team = noko.create_team(name=f"Bench team {len(team_ids)}", user_ids=rng.sample(users, 5))
        team_ids.append(int(team["id"]))
    sb.rate_limit = True
    return team_ids[:total]


def shared(noko: NokoClient, team_ids: list[int]) -> None:
    week = week_period(TODAY - dt.timedelta(days=7), NokoCache(noko).week_start())
    fetch_teams(LiveReads(noko, NokoCache(noko)), [TeamRequest(t, week) for t in team_ids])


def per_subscription(noko: NokoClient, team_ids: list[int]) -> None:
    for team_id in team_ids:  # the same bot code, called for each subscription on its own
        week = week_period(TODAY - dt.timedelta(days=7), NokoCache(noko).week_start())
        fetch_teams(LiveReads(noko, NokoCache(noko)), [TeamRequest(team_id, week)])


def bench_requests(runs: int) -> Check:
    ways = {"shared fetch (one fetch_teams call)": shared,
            "one fetch_teams call per subscription": per_subscription}  # fmt: skip
    seen: dict[str, list[tuple[int, int, float]]] = {label: [] for label in ways}
    with Sandbox(rate_limit=True, dataset=build_dataset(today=TODAY, seed=0)) as sb:
        noko = NokoClient(sb.token, base_url=sb.base_url)
        team_ids = add_teams(sb, noko, 10)
        for _ in range(runs):
            for label, fetch in ways.items():  # alternating, so load hits both alike
                sb.clear_requests()
                sb.reset_rate_limit()
                started = time.perf_counter()
                fetch(noko, team_ids)
                elapsed = time.perf_counter() - started
                time.sleep(0.2)  # the sandbox records a request just after answering it
                log = sb.requests
                seen[label].append((len(log), sum(r.status == 429 for r in log), elapsed))
    print("\n### (c) 10 weekly digests due together (sandbox rate limit on)\n")
    print("| way | Noko requests | 429s | wall s |")
    print("|---|---|---|---|")
    for label, rows in seen.items():
        made, limited, wall = ([row[i] for row in rows] for i in range(3))
        print(f"| {label} | {cell(made)} | {cell(limited)} | {cell(wall, digits=1)} |")
    one, each = seen.values()
    ok = all(a[1] == b[1] == 0 and a[0] < b[0] for a, b in zip(one, each, strict=True))
    return "(c) in every run no 429 and the shared fetch made fewer requests", ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    runs_argument(parser)
    parser.add_argument(
        "--per-day",
        type=int,
        default=50,
        help="(b): entries per member per workday (50 -> about 100,000)",
    )
    args = parser.parse_args()
    print(f"Median [min-max] of {args.runs} runs.")
    checks = [bench_build(args.runs), bench_fetch_and_build(args.runs, args.per_day),
              bench_requests(args.runs)]  # fmt: skip
    print()
    return verdict(checks)


if __name__ == "__main__":
    sys.exit(main())
