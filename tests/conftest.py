"""Fixtures shared by every test folder: the bot's database (SQLite and PostgreSQL) and the demo
Noko sandbox with a client for it (a folder may define its own ``sandbox`` instead)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.storage.testing import DatabaseUnavailableError, temporary_schema
from noko_core import NokoClient
from noko_core.sandbox import Sandbox, build_dataset
from tests.days import DEMO_TODAY


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


@pytest.fixture(scope="session")
def demo_sandbox_server() -> Iterator[Sandbox]:
    """One running sandbox for the session; tests get it through ``sandbox``, reset."""
    with Sandbox(rate_limit=False, dataset=build_dataset(today=DEMO_TODAY, seed=0)) as sb:
        yield sb


@pytest.fixture
def sandbox(demo_sandbox_server: Sandbox) -> Sandbox:
    """The demo dataset on 2026-11-09 as built (no faults, empty log, no rate limit)."""
    demo_sandbox_server.reset()
    return demo_sandbox_server


@pytest.fixture
def noko(sandbox: Sandbox) -> Iterator[NokoClient]:
    """A client for ``sandbox``, unpaced."""
    with NokoClient(sandbox.token, base_url=sandbox.base_url, requests_per_second=None) as client:
        yield client
