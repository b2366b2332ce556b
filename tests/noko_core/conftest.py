"""Fixtures for the client tests: an in-process wire for exact requests, real sandboxes for the
end-to-end flows over HTTP on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from client_helpers import TOKEN, make_client
from wire import FakeClock, Wire, wired_client

from noko_core import NokoClient
from noko_core.sandbox import Dataset, Sandbox, build_dataset

DATA_TODAY = dt.date(2026, 11, 9)  # the sandbox data's last day: fixed, never the machine's


@pytest.fixture
def wire() -> Wire:
    """The session under the ``wired`` client: script its answers, read what was sent."""
    return Wire()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def wired(wire: Wire, clock: FakeClock) -> Iterator[NokoClient]:
    """A client on ``wire`` and ``clock``: no socket, no real waiting."""
    with wired_client(wire, clock) as client:
        yield client


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[Sandbox]:
    with Sandbox(
        token=TOKEN, rate_limit=False, dataset=build_dataset(today=DATA_TODAY, seed=1)
    ) as sb:
        yield sb


@pytest.fixture(scope="session")
def fresh_dataset() -> Dataset:
    return build_dataset(today=DATA_TODAY, seed=2)


@pytest.fixture(scope="session")
def second_sandbox(fresh_dataset: Dataset) -> Iterator[Sandbox]:
    with Sandbox(token=TOKEN, rate_limit=False, dataset=fresh_dataset) as sb:
        yield sb


@pytest.fixture
def sb(shared_sandbox: Sandbox) -> Sandbox:
    """The session's sandbox, reset: dataset state, no faults, latency or rate limit, empty log."""
    shared_sandbox.reset()
    return shared_sandbox


@pytest.fixture
def fresh_sb(second_sandbox: Sandbox) -> Sandbox:
    """A second sandbox (another dataset), reset the same way, for tests that change state."""
    second_sandbox.reset()
    return second_sandbox


@pytest.fixture
def client(sb: Sandbox) -> Iterator[NokoClient]:
    with make_client(sb) as c:
        yield c


@pytest.fixture
def fresh_client(fresh_sb: Sandbox) -> Iterator[NokoClient]:
    with make_client(fresh_sb) as c:
        yield c
