"""Start-up with a missing or invalid setting: one line naming the variable, exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CLEAN_ENV = {"PATH": os.environ.get("PATH", ""), "HOME": "/nonexistent"}


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**CLEAN_ENV, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SLACK_SIGNING_SECRET": "s", "NOKO_ACCESS_TOKEN": "n"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "NOKO_ACCESS_TOKEN": "n"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}, "NOKO_ACCESS_TOKEN"),
    ],
)
def test_cli_missing_setting_names_variable_and_exits_2(
    env: dict[str, str], variable: str, tmp_path: Path
) -> None:
    result = _run(["web"], env, tmp_path)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [f"noko-bot: {variable} is not set (needed to run 'http')"]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NOKO_API_URL", "ftp://example.com"),
        ("PORT", "eighty"),
        ("DATABASE_URL", "mysql://x"),
        ("NOKO_REQUESTS_PER_SECOND", "-1"),
        ("NOKO_REQUESTS_PER_SECOND", "fast"),
        ("NOKO_REQUESTS_PER_SECOND", "nan"),
        ("NOKO_REQUESTS_PER_SECOND", "inf"),
        ("DIGEST_POLL_SECONDS", "inf"),
        ("DIGEST_CATCH_UP_HOURS", "NaN"),
        ("READ_ACCESS", "open"),
    ],
)
def test_cli_invalid_setting_is_one_line(name: str, value: str, tmp_path: Path) -> None:
    result = _run(["check"], {name: value}, tmp_path)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"noko-bot: {name} is invalid: ")
    assert value not in lines[0]  # values may be secrets: never echoed
    assert "less than or equal" not in lines[0]  # what nan used to be told


def test_cli_nan_requests_per_second_says_it_must_be_a_finite_positive_number(
    tmp_path: Path,
) -> None:
    result = _run(["check"], {"NOKO_REQUESTS_PER_SECOND": "nan"}, tmp_path)

    assert result.stderr.strip() == (
        "noko-bot: NOKO_REQUESTS_PER_SECOND is invalid: must be a finite positive number"
    )
    assert "Traceback" not in result.stderr


def test_cli_socket_mode_rejects_bot_token_as_app_token(tmp_path: Path) -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xoxb-oops", "NOKO_ACCESS_TOKEN": "n"}

    result = _run(["socket"], env, tmp_path)

    assert result.returncode == 2
    assert "SLACK_APP_TOKEN must be an app-level token" in result.stderr
    assert "xoxb-oops" not in result.stderr


def test_cli_env_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-1\nSLACK_SIGNING_SECRET=s\n")
    unreachable = {"SLACK_API_URL": "http://127.0.0.1:1/api/", "NOKO_API_URL": "http://127.0.0.1:1"}

    result = _run(["check"], {"NOKO_ACCESS_TOKEN": "n", **unreachable}, tmp_path)

    # check tries the tokens for real (nothing answers here); the .env's values were read.
    assert "✓ Slack signing secret: set" in result.stdout, result.stdout
    assert "SLACK_BOT_TOKEN is not set" not in result.stdout
    assert "✗ Slack bot token: cannot reach Slack at http://127.0.0.1:1/api/" in result.stdout
