"""The App Home preview covers the very period the clock then posts, for every cadence, every
weekday the preview is opened on, and both of Noko's week starts.

The preview used to read its own period table while the clock used ``covered_period``: on a
Sunday, a weekly Monday digest previewed the week before last. Both now go through
``schedule.next_post``; this test holds them to it by running the real clock after the preview."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sched_helpers import posts

from bot.devtools.fake_slack import FakeSlack
from bot.scheduler.clock import ManualClock
from bot.scheduler.plan import CatchUpPolicy
from bot.scheduler.runner import Runner
from bot.services.cache import NokoCache
from bot.services.changes import ChangeContext
from bot.services.live_reads import LiveReads
from bot.services.schedule import next_due
from bot.services.subscriptions import subscription_digest
from bot.slack.directory import SlackDirectory
from bot.slack.posting import SlackPoster, slack_client
from bot.storage import Repository, open_repository

WEEK = [dt.datetime(2026, 11, 2, 15, 30, tzinfo=dt.UTC) + dt.timedelta(days=d) for d in range(7)]
SCHEDULES = [
    {"cadence": "daily"},
    # The first, a middle and the last weekday, on either week start.
    *({"cadence": "weekly", "weekday": day} for day in (0, 2, 6)),
    {"cadence": "monthly", "day_of_month": 1},
    {"cadence": "monthly", "day_of_month": 31},
]


def _name(schedule: dict[str, object]) -> str:
    return "-".join(map(str, schedule.values()))


@pytest.fixture(scope="module")
def sandbox() -> Iterator[object]:
    """A small account (one entry per member and day): the periods matter here, not volume."""
    from noko_core.sandbox import Sandbox
    from noko_core.sandbox.demo import build_dataset

    dataset = build_dataset(today=dt.date(2026, 11, 9), weeks=10, entries_per_member_day=1)
    with Sandbox(rate_limit=False, dataset=dataset) as sb:
        yield sb


@pytest.fixture(scope="module")
def shared_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Repository, list]]:
    moment = [WEEK[0]]
    path = Path(tmp_path_factory.mktemp("preview")) / "bot.db"
    repository = open_repository(f"sqlite:///{path}", clock=lambda: moment[0])
    yield repository, moment
    repository.close()


CASES = [
    pytest.param(opened, schedule, week_start, id=f"{opened:%a}-{_name(schedule)}-{week_start}")
    for opened in WEEK
    for schedule in SCHEDULES
    # Only weekly periods depend on the week start.
    for week_start in (("monday", "sunday") if schedule["cadence"] == "weekly" else ("monday",))
]


@pytest.mark.parametrize(("opened", "schedule", "week_start"), CASES)
def test_home_preview_covers_the_period_the_clock_posts(
    shared_repo: tuple[Repository, list],
    sandbox,
    noko,
    slack: FakeSlack,
    opened: dt.datetime,
    schedule: dict[str, object],
    week_start: str,
) -> None:
    repo, moment = shared_repo
    sandbox.store.settings.week_start = week_start
    try:
        moment[0] = opened - dt.timedelta(days=40)  # created long before: nothing is "too new"
        sub = repo.create_subscription(
            team_id=1,
            team_name="Engineering",
            channel_id="C1",
            local_time="09:00",
            timezone="Europe/Berlin",
            created_by="U1",
            **schedule,  # type: ignore[arg-type]
        )
        client = slack_client("xoxb-test", slack.api_url)
        cache = NokoCache(noko)
        reads = LiveReads(noko, cache)
        viewer = ChangeContext(noko, repo, cache, reads, SlackDirectory(client), "U1")
        preview = subscription_digest(viewer, sub.id, opened)
        due = next_due(sub, opened)
        assert due is not None
        clock = ManualClock(due + dt.timedelta(seconds=5))
        moment[0] = clock.now()

        Runner(
            repo=repo,
            noko=noko,
            poster=SlackPoster(client, pace_seconds=0.0),
            directory=SlackDirectory(client),
            clock=clock,
            policy=CatchUpPolicy.from_settings(6.0, 30.0),
        ).tick()

        posted = posts(slack)
        assert len(posted) == 1, f"the clock posted {len(posted)} messages"
        header = posted[0].args["blocks"][0]["text"]["text"]
        assert header == f"Engineering · {preview.period.label}"
    finally:
        sandbox.store.settings.week_start = "monday"
        repo.delete_subscription(sub.id)
