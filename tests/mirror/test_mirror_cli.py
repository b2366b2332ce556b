"""`noko-bot sync` (first, incremental, --status, two processes at once) and `noko-bot webhooks
install`, run as the operator runs them, against the sandbox over HTTP."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from mirrorkit import open_mirror

from bot.cli import main
from noko_core.sandbox import Sandbox


@pytest.fixture
def env(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "NOKO_ACCESS_TOKEN": sandbox.token,
        "NOKO_API_URL": sandbox.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "NOKO_REQUESTS_PER_SECOND": "1000",
        # The CLI runs on the machine's clock and the sandbox's data on fixed 2026 days: the
        # widest window keeps them inside it whatever the machine's date (until 2036).
        "NOKO_MIRROR_WINDOW_DAYS": "3660",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    return values


def test_cli_sync_then_status(env: dict[str, str], sandbox: Sandbox, capsys) -> None:
    assert main(["sync"]) == 0
    assert "first sync done" in capsys.readouterr().out
    assert main(["sync"]) == 0
    assert "incremental sync done" in capsys.readouterr().out

    assert main(["sync", "--status"]) == 0

    out = capsys.readouterr().out
    assert f"entries {len(sandbox.store.entries_by_id)}" in out
    assert "first sync: finished" in out and "last sync: incremental" in out
    assert "last webhook: never" in out and "lag: " in out and "webhook: not installed" in out


def test_cli_sync_status_before_any_sync(env: dict[str, str], capsys) -> None:
    # --status only reads: the database must exist (tests/cli/test_read_only.py: it isn't made).
    assert main(["db", "upgrade"]) == 0
    assert main(["sync", "--status"]) == 0
    out = capsys.readouterr().out
    assert "not started" in out and "lag: unknown" in out


def test_cli_sync_reports_a_noko_failure_and_resumes(
    env: dict[str, str], sandbox: Sandbox, capsys
) -> None:
    sandbox.inject("status", status=401, path="/v2/teams")

    assert main(["sync"]) == 1
    err = capsys.readouterr().err
    assert "run `noko-bot sync` again" in err and sandbox.token not in err
    assert main(["sync"]) == 0


def test_cli_two_sync_processes_at_once_fetch_each_page_once(
    env: dict[str, str], sandbox: Sandbox, tmp_path: Path, database_url: str
) -> None:
    env = {**env, "DATABASE_URL": database_url}  # SQLite, and PostgreSQL when configured
    sandbox.latency = 0.05  # long enough for the two to overlap
    noko_bot = [sys.executable, "-m", "bot"]
    procs = [
        subprocess.Popen(
            [*noko_bot, "sync"],
            env={**os.environ, **env},
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]

    assert [p.returncode for p in procs] == [0, 0], outs
    said = sorted(out.split(" sync done")[0].split(".")[0] for out, _ in outs)
    assert said in (
        ["Another process is syncing the mirror; nothing done", "first"],
        ["first", "incremental"],
    )
    first_pages = Counter(
        r.query.get("page", ["1"])[0]
        for r in sandbox.requests
        if r.path == "/v2/entries" and "updated_from" not in r.query
    )
    assert max(first_pages.values()) == 1  # no page of the first sync was fetched twice
    assert len(first_pages) == math.ceil(len(sandbox.store.entries_by_id) / 1000)
    repo, store = open_mirror(env["DATABASE_URL"])
    assert store.counts()["entries"] == len(sandbox.store.entries_by_id)
    repo.close()


@pytest.mark.parametrize(
    "url",
    ["http://bot.example.com", "ftp://bot.example.com", "bot.example.com", "https://u:p@x.com"],
)
def test_cli_webhooks_install_refuses_unsafe_urls(
    env: dict[str, str], sandbox: Sandbox, url: str, capsys
) -> None:
    assert main(["webhooks", "install", url]) == 2
    assert "noko-bot:" in capsys.readouterr().err
    assert not [r for r in sandbox.requests if r.path.startswith("/v2/webhooks")]


def test_cli_webhooks_install_registers_and_stores_the_secret_once(
    env: dict[str, str], sandbox: Sandbox, capsys
) -> None:
    assert main(["webhooks", "install", "https://bot.example.com/"]) == 0
    out = capsys.readouterr().out
    (created,) = [r for r in sandbox.requests if r.method == "POST"]
    assert created.json["payload_uri"] == "https://bot.example.com/noko/webhooks"
    assert {"entry.deleted", "team.deleted", "user.updated"} <= set(created.json["events"])
    repo, store = open_mirror(env["DATABASE_URL"])
    secret = store.webhook_secret()
    assert secret and secret not in out and store.state().webhook_id is not None

    assert main(["webhooks", "install", "https://bot.example.com"]) == 1  # already installed
    assert store.webhook_secret() == secret
    repo.close()


def test_cli_webhooks_uninstall_deletes_it_in_noko_then_install_works_again(
    env: dict[str, str], sandbox: Sandbox, capsys
) -> None:
    assert main(["webhooks", "uninstall"]) == 0  # nothing installed: nothing asked of Noko
    assert "nothing to do" in capsys.readouterr().out
    assert not [r for r in sandbox.requests if r.path.startswith("/v2/webhooks")]
    assert main(["webhooks", "install", "https://bot.example.com"]) == 0
    repo, store = open_mirror(env["DATABASE_URL"])
    hook_id = store.state().webhook_id

    assert main(["webhooks", "uninstall"]) == 0

    (deleted,) = [r for r in sandbox.requests if r.method == "DELETE"]
    assert deleted.path == f"/v2/webhooks/{hook_id}"
    assert store.webhook_secret() is None and store.state().webhook_id is None
    assert main(["webhooks", "install", "https://bot.example.com"]) == 0
    assert store.state().webhook_id not in (None, hook_id)
    repo.close()


def test_cli_webhooks_uninstall_forgets_a_webhook_noko_no_longer_has(
    env: dict[str, str], sandbox: Sandbox, capsys
) -> None:
    assert main(["webhooks", "install", "https://bot.example.com"]) == 0
    repo, store = open_mirror(env["DATABASE_URL"])
    assert store.state().webhook_id is not None
    sandbox.reset()  # Noko's side is gone (deleted in Noko's web app, say)

    assert main(["webhooks", "uninstall"]) == 0

    assert store.webhook_secret() is None
    repo.close()


def test_cli_webhooks_install_accepts_http_on_localhost(env: dict[str, str], capsys) -> None:
    assert main(["webhooks", "install", "http://localhost:3000"]) == 0
