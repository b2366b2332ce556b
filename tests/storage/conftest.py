"""Storage fixtures: a database URL for SQLite (always) and PostgreSQL (when configured)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest

from bot.storage import Repository, open_repository
from bot.storage.testing import DatabaseUnavailableError, temporary_schema


class StepClock:
    """A settable UTC clock for repository timestamps."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to test against")
    try:
        with temporary_schema(base) as url:
            yield url
    except DatabaseUnavailableError as exc:
        pytest.skip(f"PostgreSQL at TEST_DATABASE_URL is unreachable: {exc}")


@pytest.fixture
def clock() -> StepClock:
    return StepClock(dt.datetime(2026, 11, 9, 8, 0, tzinfo=dt.UTC))


@pytest.fixture
def repo(database_url: str, clock: StepClock) -> Iterator[Repository]:
    repository = open_repository(database_url, clock=clock)
    yield repository
    repository.close()
