"""Storage fixtures: a database URL for SQLite (always) and PostgreSQL (when configured)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from bot.storage import Repository, open_repository


class StepClock:
    """A settable UTC clock for repository timestamps."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> StepClock:
    return StepClock(dt.datetime(2026, 11, 9, 8, 0, tzinfo=dt.UTC))


@pytest.fixture
def repo(database_url: str, clock: StepClock) -> Iterator[Repository]:
    repository = open_repository(database_url, clock=clock)
    yield repository
    repository.close()
