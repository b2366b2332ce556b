"""Fixtures for the sandbox's own tests: a fixed dataset, a running sandbox, an HTTP helper."""

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


@pytest.fixture
def sandbox(dataset: Dataset) -> Iterator[Sandbox]:
    with Sandbox(rate_limit=False, dataset=dataset) as sb:
        yield sb


@pytest.fixture
def limited_sandbox(dataset: Dataset) -> Iterator[Sandbox]:
    with Sandbox(rate_limit=True, dataset=dataset) as sb:
        yield sb


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[Api]:
    client = Api(sandbox)
    yield client
    client.session.close()
