"""Fixtures shared by every test folder: the bot's database, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage.testing import DatabaseUnavailableError, temporary_schema


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database: SQLite always; PostgreSQL when TEST_DATABASE_URL is set (.ci/run does)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    yield from _postgres_url()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    yield from _postgres_url()


def _postgres_url() -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL to test against")
    try:
        with temporary_schema(base) as url:
            yield url
    except DatabaseUnavailableError as exc:
        pytest.skip(f"PostgreSQL at TEST_DATABASE_URL is unreachable: {exc}")
