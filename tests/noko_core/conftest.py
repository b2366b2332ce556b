"""Fixtures for the client tests: an in-process wire for exact requests, real sandboxes for the
end-to-end flows over HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from client_helpers import TOKEN, make_client, settled_requests
from wire import FakeClock, Wire, wired_client

from noko_core import NokoClient
from noko_core.sandbox import Dataset, Sandbox, build_dataset


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
    with Sandbox(token=TOKEN, rate_limit=False, dataset=build_dataset(seed=1)) as sb:
        yield sb


@pytest.fixture
def sb(shared_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The session's sandbox, reset to no latency, no rate limit and an empty request log."""
    shared_sandbox.rate_limit = False
    shared_sandbox.latency = 0.0
    shared_sandbox.clear_faults()
    settled_requests(shared_sandbox)  # a request the last test gave up on may still land
    shared_sandbox.clear_requests()
    yield shared_sandbox
    shared_sandbox.clear_requests()


@pytest.fixture(scope="session")
def fresh_dataset() -> Dataset:
    return build_dataset(seed=2)


@pytest.fixture
def fresh_sb(fresh_dataset: Dataset) -> Iterator[Sandbox]:
    """A sandbox of its own, for tests that change state (its store copies the teams)."""
    with Sandbox(token=TOKEN, rate_limit=False, dataset=fresh_dataset) as sb:
        yield sb


@pytest.fixture
def client(sb: Sandbox) -> Iterator[NokoClient]:
    with make_client(sb) as c:
        yield c


@pytest.fixture
def fresh_client(fresh_sb: Sandbox) -> Iterator[NokoClient]:
    with make_client(fresh_sb) as c:
        yield c
