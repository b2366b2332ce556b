"""Scheduler fixtures: databases, FakeSlack and a runner on a manual clock (the sandbox and `noko`
come from tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from bot.devtools.fake_slack import FakeSlack, SlackUser
from bot.scheduler.clock import ManualClock
from bot.scheduler.plan import CatchUpPolicy
from bot.scheduler.runner import Runner
from bot.slack.directory import SlackDirectory
from bot.slack.history import SlackHistory
from bot.slack.posting import SlackPoster, slack_client
from bot.storage import Repository, open_repository

# U1 owns the test subscriptions: a Noko supervisor of the demo sandbox, who reads everyone's time.
SANDBOX_USERS = [
    SlackUser("U0001", "Ada", email="ada.lovelace@example.com"),
    SlackUser("U1", "Sofia Ito", email="sofia.ito@example.com"),
]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(dt.datetime(2026, 11, 9, 7, 0, tzinfo=dt.UTC))  # 08:00 in Berlin


@pytest.fixture
def repo(database_url: str, clock: ManualClock) -> Iterator[Repository]:
    repository = open_repository(database_url, clock=clock.now)
    yield repository
    repository.close()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack(list(SANDBOX_USERS)) as fake:
        yield fake


@pytest.fixture
def poster_sleeps() -> list[float]:
    """Every wait of the runner's poster (a 429's Retry-After), taken without waiting."""
    return []


@pytest.fixture
def make_runner(
    repo: Repository, noko, slack: FakeSlack, clock: ManualClock, poster_sleeps: list[float]
) -> Callable[..., Runner]:
    def make(
        *,
        repository: Repository | None = None,
        timeout: int = 10,
        catch_up_hours: float = 6.0,
        **fields: object,
    ) -> Runner:
        client = slack_client("xoxb-test", slack.api_url, timeout=timeout)
        fields.setdefault("noko", noko)
        fields.setdefault(
            "poster", SlackPoster(client, pace_seconds=0.0, sleep=poster_sleeps.append)
        )
        fields.setdefault("history", SlackHistory(client))
        return Runner(
            repo=repository or repo,
            directory=SlackDirectory(client),
            clock=clock,
            policy=CatchUpPolicy.from_settings(catch_up_hours, 30.0),
            **fields,  # type: ignore[arg-type]
        )

    return make
