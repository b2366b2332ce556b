"""Commands that only read leave no database behind, and routine commands print their own lines,
not alembic's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from noko_core.sandbox import Sandbox

STRIP = ("DATABASE_URL", "NOKO_", "SLACK_", "DIGEST_", "AUDIT_", "PORT", "REDIS_URL", "LOG_LEVEL")


def noko_bot(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(STRIP)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, "NOKO_LIMITER": "process", **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sync_status_without_a_database_says_so_and_creates_none(tmp_path: Path) -> None:
    result = noko_bot(tmp_path, "sync", "--status")

    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        "noko-bot: the database file noko_bot.db does not exist, so nothing is synced yet: "
        "`noko-bot db upgrade` creates it, then `noko-bot sync` fills it"
    ]
    assert list(tmp_path.iterdir()) == [], "sync --status created files"


def test_sync_status_of_another_missing_sqlite_file_names_it(tmp_path: Path) -> None:
    where = tmp_path / "nested" / "bot.db"
    (tmp_path / "nested").mkdir()

    result = noko_bot(tmp_path, "sync", "--status", DATABASE_URL=f"sqlite:///{where}")

    assert result.returncode == 1
    assert f"the database file {where} does not exist" in result.stderr
    assert not where.exists() and list((tmp_path / "nested").iterdir()) == []


def test_db_upgrade_says_what_it_did_in_one_line_without_alembic_lines(tmp_path: Path) -> None:
    first = noko_bot(tmp_path, "db", "upgrade")
    again = noko_bot(tmp_path, "db", "upgrade")

    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert first.stdout.startswith("Database schema upgraded: empty -> "), first.stdout
    assert again.stdout.startswith("Database schema is up to date ("), again.stdout
    for result in (first, again):
        assert len(result.stdout.splitlines()) == 1, result.stdout
        assert "alembic" not in result.stderr, result.stderr


def test_sync_on_a_new_database_prints_no_alembic_lines(tmp_path: Path, sandbox: Sandbox) -> None:
    env = {"NOKO_ACCESS_TOKEN": sandbox.token, "NOKO_API_URL": sandbox.base_url}

    result = noko_bot(tmp_path, "sync", **env, NOKO_REQUESTS_PER_SECOND="1000")

    assert result.returncode == 0, result.stderr
    assert "first sync done" in result.stdout, result.stdout
    assert "alembic" not in result.stderr and "Running upgrade" not in result.stderr, result.stderr
