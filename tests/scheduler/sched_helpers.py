"""Helpers shared by the scheduler tests."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from typing import Any

from bot.devtools.fake_slack import FakeSlack, SlackCall
from bot.storage import Repository, Subscription


def posts(slack: FakeSlack) -> list[SlackCall]:
    """chat.postMessage calls Slack accepted (a faulted call is recorded but posted nothing)."""
    return [c for c in slack.calls_to("chat.postMessage") if c.status == 200]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def daily(repo: Repository, **overrides: object) -> Subscription:
    fields: dict[str, object] = dict(
        team_id=1,
        team_name="Engineering",
        channel_id="C1",
        cadence="daily",
        local_time="09:00",
        timezone="Europe/Berlin",
        created_by="U1",
        # Every day a workday: these tests are about the clock, not the calendar (see
        # tests/scheduler/test_calendar_clock.py for Monday to Friday).
        options={"workdays": list(range(7))},
    )
    fields.update(overrides)
    return repo.create_subscription(**fields)  # type: ignore[arg-type]


def tick_together(runners: Sequence[Any]) -> None:
    """Every runner ticks at the same moment, each in its own thread (two clocks racing)."""
    barrier = threading.Barrier(len(runners))

    def race(runner: Any) -> None:
        barrier.wait()
        runner.tick()

    threads = [threading.Thread(target=race, args=(r,)) for r in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
