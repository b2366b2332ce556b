"""End to end over real HTTP: `noko-bot webhooks install` registers the bot's /noko/webhooks in
the sandbox, whose signed deliveries then keep the mirror current without a sync."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mirrorkit import client, make_deps, open_mirror, syncer
from sqlalchemy import select
from werkzeug.serving import make_server

from bot.cli import main
from bot.mirror import MirrorReads, MirrorStore
from bot.mirror.storage.models import MirrorEntryRow
from bot.settings import Settings
from bot.storage import Repository
from bot.web import create_web_app
from noko_core import NokoClient
from noko_core.sandbox import Sandbox


@pytest.fixture
def noko(sandbox: Sandbox) -> Iterator[NokoClient]:
    with client(sandbox, retries=2) as c:
        yield c


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, Repository, MirrorStore]]:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    repo, store = open_mirror(url)
    yield url, repo, store
    repo.close()


@pytest.fixture
def bot_url(mirror: tuple[str, Repository, MirrorStore], noko: NokoClient) -> Iterator[str]:
    url, repo, store = mirror
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret="signing-secret",
        slack_api_url="http://127.0.0.1:9/api/",
        database_url=url,
    )
    deps = make_deps(noko, repo, store)
    http = make_server("127.0.0.1", 0, create_web_app(settings, deps), threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def installed(
    bot_url: str,
    mirror: tuple[str, Repository, MirrorStore],
    sandbox: Sandbox,
    noko: NokoClient,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> MirrorStore:
    url, _, store = mirror
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "NOKO_ACCESS_TOKEN": sandbox.token,
        "NOKO_API_URL": sandbox.base_url,
        "DATABASE_URL": url,
        "NOKO_REQUESTS_PER_SECOND": "1000",
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["webhooks", "install", bot_url]) == 0
    syncer(store, noko).sync()
    return store


def _eventually(check: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def _minutes(store: MirrorStore, entry_id: int) -> int | None:
    with store.read() as session:
        return session.scalar(select(MirrorEntryRow.minutes).where(MirrorEntryRow.id == entry_id))


def _webhook_logs(store: MirrorStore) -> list[Any]:
    return [log for log in store.log(limit=50) if log.kind == "webhook"]


def _next_second(stamp: str) -> None:
    created = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    while dt.datetime.now(dt.UTC) < created + dt.timedelta(seconds=1):
        time.sleep(0.05)


def test_e2e_entry_changes_reach_the_mirror_by_webhook(
    installed: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    store = installed
    entry = noko.create_entry(date=sandbox.store.today, minutes=40, user_id=2)
    assert _eventually(lambda: _minutes(store, entry["id"]) is not None)
    # Noko stamps updated_at in whole seconds and a delivery applies only over an older copy:
    # the edit comes in a later second than the creation (the next sync takes a same-second one).
    _next_second(entry["updated_at"])

    edited = noko.edit_entry(entry["id"], minutes=125)
    assert _eventually(lambda: _minutes(store, entry["id"]) == edited["minutes"])

    noko.delete_entry(entry["id"])
    assert _eventually(lambda: _minutes(store, entry["id"]) is None)
    # The delivery's log line is finished in its own write, after the row is gone.
    assert _eventually(lambda: any(log.rows_deleted == 1 for log in _webhook_logs(store)))
    assert store.state().last_webhook_at is not None
    listings = [r for r in sandbox.requests if r.method == "GET" and r.path == "/v2/entries"]
    # Only the first sync's pages: the mirror followed without polling.
    assert listings and not [r for r in listings if "updated_from" in r.query]


def test_e2e_a_team_renamed_in_noko_is_read_from_the_mirror(
    installed: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    from mirrorkit import LiveReads

    reads = MirrorReads(installed, LiveReads(noko))
    noko.edit_team(3, "Renamed in Noko")

    assert _eventually(lambda: reads.team(3)["name"] == "Renamed in Noko")
    sandbox.clear_requests()
    assert reads.team(3)["name"] == "Renamed in Noko" and sandbox.requests == []


def test_e2e_every_delivery_after_the_ping_was_accepted(
    installed: MirrorStore, noko: NokoClient, sandbox: Sandbox
) -> None:
    noko.edit_team(2, "Once")
    noko.edit_team(2, "Twice")
    assert sandbox.webhooks.wait_idle(30)

    statuses = [(a.event, a.status) for a in sandbox.webhooks.attempts if a.event != "webhook.ping"]
    assert statuses == [("team.updated", 200), ("team.updated", 200)]
