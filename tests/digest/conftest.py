"""Digest fixtures: the Noko sandbox over HTTP and a client for it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

TODAY = dt.date(2026, 11, 9)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[object]:
    from noko_core.sandbox import Sandbox
    from noko_core.sandbox.demo import build_dataset

    with Sandbox(rate_limit=False, dataset=build_dataset(today=TODAY, seed=0)) as sb:
        yield sb


@pytest.fixture
def noko(sandbox) -> object:
    from noko_core import NokoClient

    sandbox.clear_requests()
    return NokoClient(sandbox.token, base_url=sandbox.base_url, requests_per_second=None)
