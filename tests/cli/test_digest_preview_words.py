"""`noko-bot digest preview` reads its words as `/noko-team digest` does: unquoted periods of
several words, names of several words, quotes (the shell's) for one whole name."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.scheduler.cli import CLOCK_FILE_ENV
from bot.scheduler.clock import FileClock
from noko_core.sandbox import Sandbox

NOW = dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC)  # a Wednesday; last month is November
STRIP = ("DATABASE_URL", "NOKO_", "SLACK_", "DIGEST_", "AUDIT_", "PORT", "REDIS_URL")


def preview(tmp_path: Path, sandbox: Sandbox, *words: str) -> subprocess.CompletedProcess[str]:
    clock = tmp_path / "now.txt"
    FileClock.write(clock, NOW)
    env = {k: v for k, v in os.environ.items() if not k.startswith(STRIP)}
    env.update(
        NOKO_ACCESS_TOKEN=sandbox.token,
        NOKO_API_URL=sandbox.base_url,
        NOKO_LIMITER="process",
        NOKO_REQUESTS_PER_SECOND="1000",
        **{CLOCK_FILE_ENV: str(clock)},
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", "digest", "preview", *words],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("words", "header"),
    [
        (["Design", "last", "month"], "Design · November 2026"),
        (["Design", "last month"], "Design · November 2026"),  # the old quoted form still works
        (["Customer", "Success", "last", "week"], "Customer Success · Week of 30 Nov 2026"),
        (["Customer Success", "last", "week"], "Customer Success · Week of 30 Nov 2026"),
        (["2", "2026-11-02..2026-11-08"], "Design · 2\u20138 Nov 2026"),
    ],
)
def test_digest_preview_reads_words_as_slack_does(
    tmp_path: Path, sandbox: Sandbox, words: list[str], header: str
) -> None:
    result = preview(tmp_path, sandbox, *words)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == header


def test_digest_preview_a_quoted_name_is_never_split(tmp_path: Path, sandbox: Sandbox) -> None:
    result = preview(tmp_path, sandbox, "Design last month")

    assert result.returncode == 2
    message = result.stderr.strip()
    assert message.startswith("error: Team not found: no Noko team matches “Design last month”."), (
        message
    )
