"""Fixtures for the command-line processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from webproc import WebProcess, running_web


@pytest.fixture
def web(tmp_path: Path) -> Iterator[WebProcess]:
    """`noko-bot web` in a subprocess; fails the test if /healthz does not come up in 60 s."""
    with running_web(tmp_path) as process:
        yield process
