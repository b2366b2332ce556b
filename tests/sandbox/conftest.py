"""Fixtures for the sandbox's own tests: a fixed dataset, running sandboxes, an HTTP helper.

One server per kind runs for the whole session; each test gets it reset to how it was built
(the dataset's teams, no faults, an empty log, no rate-limit slots).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sandbox_helpers import Api

from noko_core.sandbox import Dataset, Sandbox, build_dataset

TODAY = dt.date(2026, 11, 27)  # a Friday


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return build_dataset(today=TODAY)


@pytest.fixture(scope="session")
def _open_sandbox(dataset: Dataset) -> Iterator[Sandbox]:
    with Sandbox(rate_limit=False, dataset=dataset) as sb:
        yield sb


@pytest.fixture(scope="session")
def _limited_server(dataset: Dataset) -> Iterator[Sandbox]:
    with Sandbox(rate_limit=True, dataset=dataset) as sb:
        yield sb


@pytest.fixture
def sandbox(_open_sandbox: Sandbox) -> Sandbox:
    _open_sandbox.reset()
    return _open_sandbox


@pytest.fixture
def limited_sandbox(_limited_server: Sandbox) -> Sandbox:
    _limited_server.reset()
    return _limited_server


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[Api]:
    client = Api(sandbox)
    yield client
    client.session.close()
