"""Benchmark: digest building for 100,000 entries, and Noko requests for 10 simultaneous digests."""

# (a) summarize + build_digest + digest_messages over 100,000 synthetic entries (400 users,
#     60 projects): wall time and tracemalloc peak, entries streamed from a generator (what the
#     paginated client yields) and from a list already in memory.
# (b) 10 weekly subscriptions (10 teams) due together, against the sandbox with its rate limit on
#     and the client's 2 requests/s throttle: requests, 429s and wall time with the shared fetch
#     (bot.services.fetch) and with a naive fetch per subscription.
#
#     .venv/bin/python bench/bench_digest.py

from __future__ import annotations

import datetime as dt
import random
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

from bot.blocks.digest import digest_messages
from bot.services.digest import build_digest
from bot.services.fetch import TeamRequest, fetch_teams, fetch_week_start
from bot.services.periods import previous_period, week_period
from bot.services.summary import summarize
from noko_core import NokoClient
from noko_core.sandbox import Sandbox, build_dataset

TODAY = dt.date(2026, 11, 9)
ENTRIES = 100_000


def synthetic_entries(count: int, users: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    rng = random.Random(0)
    projects = [{"id": i, "name": f"Project {i}"} for i in range(60)] + [None]
    for i in range(count):
        yield {
            "id": i, "date": "2026-11-03", "minutes": rng.choice((15, 30, 60, 90, 120)),
            "billable": rng.random() < 0.7,
            "approved_at": "2026-11-04T09:00:00Z" if rng.random() < 0.5 else None,
            "user": users[i % len(users)], "project": rng.choice(projects),
        }  # fmt: skip


def measure(label: str, work: Callable[[], Any]) -> None:
    tracemalloc.start()
    started = time.perf_counter()
    messages = work()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"| {label} | {elapsed:.2f} s | {peak / 2**20:.1f} MiB | {len(messages)} |")


def bench_build() -> None:
    users = [{"id": i, "email": f"u{i}@example.com", "first_name": f"User{i}",
              "last_name": "Bench"} for i in range(400)]  # fmt: skip
    period = week_period(TODAY - dt.timedelta(days=7), 0)

    def build(entries: Any) -> list[Any]:
        summary = summarize(entries, users, period)
        digest = build_digest(summary, None, team_name="Bench", period=period,
                              slack_ids_by_email={})  # fmt: skip
        return digest_messages(digest)

    print("| 100,000 entries | time | peak memory (tracemalloc) | messages |")
    print("|---|---|---|---|")
    measure("streamed (generator)", lambda: build(synthetic_entries(ENTRIES, users)))
    listed = list(synthetic_entries(ENTRIES, users))
    measure("already in a list", lambda: build(listed))


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
    week = week_period(TODAY - dt.timedelta(days=7), fetch_week_start(noko))
    fetch_teams(noko, [TeamRequest(team_id, week) for team_id in team_ids])


def naive(noko: NokoClient, team_ids: list[int]) -> None:
    for team_id in team_ids:  # what each subscription would do on its own
        week = week_period(TODAY - dt.timedelta(days=7), fetch_week_start(noko))
        noko.get_single_team(team_id)
        for period in (week, previous_period(week)):
            noko.get_entries_for_users_in_team(team_id, from_=period.start, to=period.end)


def bench_requests() -> None:
    print("\n| 10 weekly digests due together | Noko requests | 429s | wall time |")
    print("|---|---|---|---|")
    with Sandbox(rate_limit=True, dataset=build_dataset(today=TODAY, seed=0)) as sb:
        noko = NokoClient(sb.token, base_url=sb.base_url)
        team_ids = add_teams(sb, noko, 10)
        for label, fetch in (("shared fetch", shared), ("one fetch per subscription", naive)):
            sb.clear_requests()
            sb.reset_rate_limit()
            started = time.perf_counter()
            fetch(noko, team_ids)
            elapsed = time.perf_counter() - started
            made = sb.requests
            limited = sum(1 for r in made if r.status == 429)
            print(f"| {label} | {len(made)} | {limited} | {elapsed:.1f} s |")


if __name__ == "__main__":
    bench_build()
    bench_requests()
