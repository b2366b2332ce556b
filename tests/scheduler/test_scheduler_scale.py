"""The clock at scale: a tick reads only due subscriptions, channels don't wait on each other,
and a pool of posting workers keeps exactly once."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sched_helpers import at, daily, posts, tick_together
from sqlalchemy import event

from bot.devtools.fake_slack import FakeSlack
from bot.scheduler.plan import plan_tick
from bot.services.calendar import load_calendar
from bot.services.schedule import legacy_keys
from bot.slack.posting import SlackPoster, slack_client
from bot.storage import open_repository
from bot.storage.db import make_engine, upgrade_engine
from bot.storage.models import SubscriptionRow


@contextmanager
def subscription_rows_read() -> Iterator[list[int]]:
    """Ids of the digest_subscriptions rows the ORM loads while inside."""
    seen: list[int] = []

    def loaded(row: SubscriptionRow, _context: object) -> None:
        seen.append(row.id)

    event.listen(SubscriptionRow, "load", loaded)
    try:
        yield seen
    finally:
        event.remove(SubscriptionRow, "load", loaded)


def test_tick_reads_only_the_due_subscriptions(repo, clock, slack, make_runner) -> None:
    waiting = [daily(repo, channel_id=f"C{i}") for i in range(30)]  # 09:00 Berlin = 08:00 UTC
    runner = make_runner()
    runner.tick()  # plans each new subscription once and moves it to its next occurrence
    early = [daily(repo, channel_id=f"D{i}", local_time="08:10") for i in range(2)]
    clock.set(at("2026-11-09T07:10:30"))
    with subscription_rows_read() as seen:
        report = runner.tick()
    assert sorted(seen) == [s.id for s in early]
    assert sorted(report.posted) == [s.id for s in early]
    with subscription_rows_read() as seen:
        runner.tick()  # nothing due now: nothing read
    assert seen == []
    clock.set(at("2026-11-09T08:00:30"))
    with subscription_rows_read() as seen:
        report = runner.tick()
    assert sorted(seen) == sorted(report.posted) == [s.id for s in waiting]


def test_edit_pause_and_resume_make_a_subscription_due_again(
    repo, clock, slack, make_runner
) -> None:
    sub = daily(repo)
    runner = make_runner()
    clock.set(at("2026-11-09T08:00:30"))
    runner.tick()
    repo.update_subscription(sub.id, local_time="10:00")  # 09:00 UTC today: not yet posted
    clock.set(at("2026-11-09T09:00:30"))
    runner.tick()
    assert len(posts(slack)) == 1  # today's period was taken at 09:00 Berlin
    repo.set_paused(sub.id, True)
    clock.set(at("2026-11-10T09:00:30"))
    with subscription_rows_read() as seen:
        runner.tick()
    assert seen == []
    repo.set_paused(sub.id, False)
    runner.tick()
    assert [c.args["metadata"]["event_payload"]["period_key"] for c in posts(slack)] == [
        "daily:2026-11-08",
        "daily:2026-11-09",
    ]


def test_migration_makes_existing_subscriptions_due(tmp_path, clock, slack, make_runner) -> None:
    database_url = f"sqlite:///{tmp_path / 'before.db'}"  # not the fixture's: that one is at head
    engine = make_engine(database_url)
    upgrade_engine(engine, "0004")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO digest_subscriptions (team_id, team_name, channel_id, cadence,"
            " local_time, timezone, options, created_by, paused, created_at, updated_at)"
            " VALUES (1, 'Engineering', 'C1', 'daily', '09:00', 'Europe/Berlin', '{}', 'U1',"
            " false, '2026-11-01 09:00:00', '2026-11-01 09:00:00')"
        )
    engine.dispose()
    repo = open_repository(database_url, clock=clock.now)
    try:
        clock.set(at("2026-11-09T08:00:30"))
        make_runner(repository=repo).tick()
        assert len(posts(slack)) == 1
    finally:
        repo.close()


def test_a_paced_channel_does_not_hold_other_channels_back(
    repo, clock, slack: FakeSlack, make_runner
) -> None:
    first, second = daily(repo, channel_id="C1"), daily(repo, channel_id="C1")
    other = daily(repo, channel_id="C2")
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        """C1's second post waits its turn: until C2's digest is out (or 5 s, a failure)."""
        waits.append(seconds)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not [
            c for c in posts(slack) if c.args["channel"] == "C2"
        ]:
            time.sleep(0.01)

    client = slack_client("xoxb-test", slack.api_url)
    poster = SlackPoster(client, pace_seconds=1.0, sleep=sleep, monotonic=lambda: 0.0)
    runner = make_runner(poster=poster)
    clock.set(at("2026-11-09T08:00:30"))
    report = runner.tick()
    assert sorted(report.posted) == [first.id, second.id, other.id]
    assert waits == [1.0]  # C1's second digest waited a full turn; C2 never waited
    order = [c.args["channel"] for c in posts(slack)]
    assert order.index("C2") < len(order) - 1, order  # C2 went out while C1 waited


def test_posting_workers_of_two_runners_post_each_period_once(
    database_url, repo, clock, slack, make_runner
) -> None:
    subs = [daily(repo, channel_id=f"C{i % 5}") for i in range(20)]
    clock.set(at("2026-11-09T08:00:30"))
    repos = [open_repository(database_url, migrate=False, clock=clock.now) for _ in range(2)]
    runners = [make_runner(repository=r, single_active=False, workers=4) for r in repos]
    tick_together(runners)
    for r in repos:
        r.close()
    keys = [
        (c.args["channel"], c.args["metadata"]["event_payload"]["run_id"]) for c in posts(slack)
    ]
    assert len(keys) == len(set(keys)) == len(subs)
    assert {r.state for s in subs for r in repo.runs_for(s.id)} == {"posted"}
    assert all(len(repo.runs_for(s.id)) == 1 for s in subs)


def test_due_index_plans_exactly_what_planning_every_subscription_would(
    repo, clock, slack, make_runner
) -> None:
    """Three weeks of irregular ticks (the clock down for hours or days at times), with edits,
    pauses and resumes between them: each tick posts and records missed exactly what the old
    planner, over every active subscription, would have at that instant."""
    rng = random.Random(7)
    zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"]
    subs = []
    for i in range(8):
        cadence = ["daily", "weekly", "monthly"][i % 3]
        subs.append(
            daily(repo, channel_id=f"C{i}", cadence=cadence, timezone=zones[i % 4],
                  local_time=f"{rng.randrange(24):02d}:{rng.choice(('00', '30'))}",
                  weekday=rng.randrange(7) if cadence == "weekly" else None,
                  day_of_month=rng.choice((1, 9, 31)) if cadence == "monthly" else None)
        )  # fmt: skip
    runner = make_runner()
    policy = runner.policy
    now = clock.now()
    for _ in range(60):
        now += dt.timedelta(minutes=rng.choice((1, 20, 90, 300, 1000, 2900)))
        clock.set(now)
        sub = rng.choice(subs)
        change = rng.random()
        if change < 0.1:
            repo.set_paused(sub.id, not repo.get_subscription(sub.id).paused)
        elif change < 0.2:
            repo.update_subscription(sub.id, local_time=f"{rng.randrange(24):02d}:15")
        elif change < 0.25 and sub.cadence == "weekly":
            repo.update_subscription(sub.id, weekday=rng.randrange(7))
        since = now - policy.lookback - dt.timedelta(days=1)
        every = repo.list_subscriptions(include_paused=False)
        calendar = load_calendar(repo, 0)  # the demo sandbox's weeks start on Monday
        runs = repo.run_keys_since(since)
        taken = {s.id: legacy_keys(s, runs.get(s.id, ()), calendar) for s in every}
        expected = plan_tick(every, now, taken, policy, calendar)
        report = runner.tick()
        assert sorted(report.posted) == sorted(i.subscription.id for i in expected.post), now
        assert sorted(report.missed) == sorted(i.subscription.id for i in expected.missed), now
    assert len(posts(slack)) > 20  # the walk did post, on time and late
