"""Fixtures for the command-line processes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from webproc import WebProcess, running_web


@pytest.fixture(scope="module")
def web_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebProcess]:
    """`noko-bot web` in a subprocess, one per test module (booting gunicorn takes seconds)."""
    with running_web(tmp_path_factory.mktemp("web")) as process:
        yield process


@pytest.fixture
def web(web_process: WebProcess) -> WebProcess:
    """The module's web process with FakeSlack's calls cleared and log() starting now.

    A test that makes the app call Slack waits for those calls, so none lands in the next test.
    """
    web_process.slack.clear()
    return web_process.from_here()
