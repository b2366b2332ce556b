"""Fixtures of the mirror's tests: a client for the demo sandbox and the web app's webhook
receiver over the test's database, after ``store``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from mirrorkit import SECRET, client, open_mirror, web_app

from bot.mirror import MirrorStore
from noko_core import NokoClient
from noko_core.sandbox import Sandbox


@pytest.fixture
def noko(sandbox: Sandbox) -> Iterator[NokoClient]:
    with client(sandbox) as c:
        yield c


@pytest.fixture
def store(database_url: str) -> Iterator[MirrorStore]:
    """An empty mirror with its webhook secret stored (a module may start from another)."""
    repo, mirror = open_mirror(database_url)
    mirror.update_state(webhook_id=1, webhook_secret=SECRET)
    yield mirror
    repo.close()


@pytest.fixture
def web(database_url: str, store: MirrorStore, noko: NokoClient) -> Iterator[FlaskClient]:
    """POST /noko/webhooks of the real web app, after ``store`` is set up."""
    repo, app = web_app(database_url, noko)
    yield app
    repo.close()
