"""`noko-bot check` as a self-hoster runs it: the database, Slack's tokens (FakeSlack over HTTP),
Noko's token (the sandbox over HTTP) and Redis, each tried for real, one line each."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.devtools.fake_slack import FakeSlack
from bot.storage import upgrade
from bot.storage.db import make_engine, upgrade_engine
from noko_core.sandbox import Sandbox, build_dataset

TODAY = dt.date(2026, 11, 11)
BOT_TOKEN = "xoxb-check-SECRET-bot"
APP_TOKEN = "xapp-1-A0001-check-SECRET-app"
NOKO_TOKEN = "noko-check-SECRET"
WORKER_TOKEN = "noko-coworker-SECRET"
SIGNING = "check-SECRET-signing"
NOTHING_LISTENS = "postgresql://127.0.0.1:1/x"
STRIP = ("DATABASE_URL", "NOKO_", "SLACK_", "DIGEST_", "AUDIT_", "PORT", "REDIS_URL", "READ_")


@pytest.fixture(scope="module")
def supervisor_noko() -> Iterator[Sandbox]:
    dataset = build_dataset(today=TODAY, seed=0)  # its token belongs to Sofia, a supervisor
    with Sandbox(rate_limit=False, token=NOKO_TOKEN, dataset=dataset) as sb:
        yield sb


@pytest.fixture(scope="module")
def coworker_noko() -> Iterator[Sandbox]:
    dataset = build_dataset(today=TODAY, seed=0)
    wen = next(u for u in dataset.users if u.role == "coworker")
    mine = dataclasses.replace(dataset, current_user_id=wen.id)
    with Sandbox(rate_limit=False, token=WORKER_TOKEN, dataset=mine) as sb:
        yield sb


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    upgrade(url)
    return url


def run_check(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(STRIP)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        env={**clean, "NOKO_LIMITER": "process", **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def http_env(slack: FakeSlack, noko: Sandbox, database_url: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING,
        "SLACK_API_URL": slack.api_url,
        "NOKO_ACCESS_TOKEN": noko.token,
        "NOKO_API_URL": noko.base_url,
        "DATABASE_URL": database_url,
    }


def lines_of(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """The report's lines by what they check ("database", "Slack bot token", …)."""
    found = {}
    for line in result.stdout.splitlines():
        if line[:2] in ("✓ ", "✗ ", "· "):
            what = line[2:].split(":", 1)[0]
            found["database" if what.startswith("database") else what] = line
    return found


def assert_no_secret(result: subprocess.CompletedProcess[str]) -> None:
    output = result.stdout + result.stderr
    assert "SECRET" not in output, f"a token or secret was printed:\n{output}"
    assert "Traceback" not in output, output


def test_check_passes_each_line_against_slack_noko_and_a_migrated_database(
    tmp_path: Path, slack: FakeSlack, supervisor_noko: Sandbox, migrated: str
) -> None:
    env = http_env(slack, supervisor_noko, migrated)
    redis_url = os.environ.get("TEST_REDIS_URL")
    if redis_url:
        env["REDIS_URL"] = redis_url

    result = run_check(tmp_path, **env)

    assert result.returncode == 0, result.stdout + result.stderr
    lines = lines_of(result)
    assert lines["database"].startswith("✓ ") and "migrated" in lines["database"], lines
    assert lines["Slack bot token"].startswith("✓ ") and "auth.test ok" in lines["Slack bot token"]
    assert lines["Slack signing secret"].startswith("✓ "), lines
    assert lines["Noko token"].startswith("✓ ") and "a supervisor" in lines["Noko token"], lines
    assert lines["Redis"].startswith("✓ " if redis_url else "· "), lines
    assert [c.headers.get("authorization") for c in slack.calls_to("auth.test")] == [
        f"Bearer {BOT_TOKEN}"
    ], "auth.test was not asked with the bot token, once"
    assert_no_secret(result)


def test_check_socket_mode_tries_the_app_token_with_apps_connections_open(
    tmp_path: Path, slack: FakeSlack, supervisor_noko: Sandbox, migrated: str
) -> None:
    pytest.importorskip("websockets", reason="the Socket Mode fake needs websockets")
    from bot.devtools.fake_socket_mode import FakeSocketMode

    env = http_env(slack, supervisor_noko, migrated)
    with FakeSocketMode(slack, app_token=APP_TOKEN):
        good = run_check(tmp_path, **env, SLACK_APP_TOKEN=APP_TOKEN)
        revoked = run_check(tmp_path, **env, SLACK_APP_TOKEN="xapp-1-A0001-revoked-SECRET")

    assert good.returncode == 0, good.stdout + good.stderr
    assert lines_of(good)["Slack app token (Socket Mode)"].startswith("✓ "), good.stdout
    assert revoked.returncode == 1, revoked.stdout
    line = lines_of(revoked)["Slack app token (Socket Mode)"]
    assert line.startswith("✗ ") and "apps.connections.open answered invalid_auth" in line, line
    assert_no_secret(good)
    assert_no_secret(revoked)


def test_check_fails_each_line_that_does_not_answer_and_exits_1(
    tmp_path: Path, slack: FakeSlack, supervisor_noko: Sandbox
) -> None:
    slack.inject("auth.test", error="invalid_auth")
    env = http_env(slack, supervisor_noko, NOTHING_LISTENS)
    env.update(NOKO_ACCESS_TOKEN="wrong-SECRET", REDIS_URL="redis://:pw-SECRET@127.0.0.1:1/0")

    result = run_check(tmp_path, **env)

    assert result.returncode == 1, result.stdout + result.stderr
    lines = lines_of(result)
    assert lines["database"].startswith("✗ ") and "Connection refused" in lines["database"], lines
    assert lines["Slack bot token"] == "✗ Slack bot token: auth.test answered invalid_auth"
    assert lines["Noko token"].startswith("✗ Noko token: Noko refused the token (401)"), lines
    assert lines["Redis"].startswith("✗ Redis: REDIS_URL does not answer PING"), lines
    assert "4 of 5 checks failed." in result.stdout
    assert_no_secret(result)


def test_check_placeholder_tokens_and_a_missing_sqlite_file_fail_without_creating_it(
    tmp_path: Path,
) -> None:
    # .env.example's values, and nothing else: check used to exit 0 here, silently.
    env = {
        "SLACK_BOT_TOKEN": "xoxb-your-bot-token",
        "SLACK_SIGNING_SECRET": "your-signing-secret",
        "NOKO_ACCESS_TOKEN": "your-noko-personal-access-token",
        "SLACK_API_URL": "http://127.0.0.1:1/api/",
        "NOKO_API_URL": "http://127.0.0.1:1/v2",
    }

    result = run_check(tmp_path, **env)

    assert result.returncode == 1, result.stdout
    lines = lines_of(result)
    assert "noko_bot.db does not exist" in lines["database"], lines
    assert lines["Slack bot token"].startswith("✗ Slack bot token: cannot reach Slack"), lines
    assert lines["Noko token"].startswith("✗ Noko token: cannot reach Noko"), lines
    assert list(tmp_path.iterdir()) == [], "check created files"
    assert result.stderr == "", "slack_sdk or alembic logged on their own"


def test_check_coworker_token_and_an_old_schema_fail_and_say_why(
    tmp_path: Path, slack: FakeSlack, coworker_noko: Sandbox
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    upgrade_engine(engine, "0007_calendar")
    engine.dispose()

    result = run_check(tmp_path, **http_env(slack, coworker_noko, url))

    assert result.returncode == 1, result.stdout
    lines = lines_of(result)
    assert "schema 0007_calendar" in lines["database"], lines
    assert "run `noko-bot db upgrade`" in lines["database"], lines
    noko = lines["Noko token"]
    assert noko.startswith("✗ ") and "a coworker" in noko, noko
    assert "needs a supervisor's or leader's token" in noko, noko
    assert_no_secret(result)
