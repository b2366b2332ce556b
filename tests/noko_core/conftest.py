"""Fixtures for the client tests: real sandboxes over HTTP on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from client_helpers import TOKEN, make_client, settled_requests

from noko_core import NokoClient
from noko_core.sandbox import Sandbox, build_dataset


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[Sandbox]:
    with Sandbox(token=TOKEN, rate_limit=False, dataset=build_dataset(seed=1)) as sb:
        yield sb


@pytest.fixture
def sb(shared_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The session's sandbox, reset to no latency, no rate limit and an empty request log."""
    shared_sandbox.rate_limit = False
    shared_sandbox.latency = 0.0
    settled_requests(shared_sandbox)  # let the previous test's last record land first
    shared_sandbox.clear_requests()
    yield shared_sandbox
    shared_sandbox.clear_requests()


@pytest.fixture
def fresh_sb() -> Iterator[Sandbox]:
    """A sandbox of its own, for tests that change state."""
    with Sandbox(token=TOKEN, rate_limit=False, dataset=build_dataset(seed=2)) as sb:
        yield sb


@pytest.fixture
def client(sb: Sandbox) -> Iterator[NokoClient]:
    with make_client(sb) as c:
        yield c


@pytest.fixture
def fresh_client(fresh_sb: Sandbox) -> Iterator[NokoClient]:
    with make_client(fresh_sb) as c:
        yield c
