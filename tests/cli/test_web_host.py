"""`noko-bot web --host`: where gunicorn listens, and a start-up log without slack_sdk's warning
about the token it ignores."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from webproc import free_port, wait_until_healthy

from bot.cli import bind_address, gunicorn_argv
from bot.devtools.fake_slack import FakeSlack
from noko_core.sandbox import Sandbox

STRIP = ("DATABASE_URL", "NOKO_", "SLACK_", "DIGEST_", "AUDIT_", "PORT", "REDIS_URL")


def test_web_bind_address_brackets_ipv6_and_keeps_the_default_host() -> None:
    assert bind_address("127.0.0.1", 3000) == "127.0.0.1:3000"
    assert bind_address("::1", 8080) == "[::1]:8080"
    assert bind_address("[::]", 80) == "[::]:80"
    argv = gunicorn_argv(bind_address("0.0.0.0", 3000))
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:3000"


def test_web_listens_on_the_host_given_and_logs_no_ignored_token_warning(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(STRIP)}
    log_path = tmp_path / "web.log"
    with FakeSlack() as slack, log_path.open("w") as log:
        env.update(
            PORT=str(port),
            SLACK_BOT_TOKEN="xoxb-web-host",
            SLACK_SIGNING_SECRET="web-host-secret",
            SLACK_API_URL=slack.api_url,
            NOKO_ACCESS_TOKEN=sandbox.token,
            NOKO_API_URL=sandbox.base_url,
            NOKO_LIMITER="process",
            DATABASE_URL=f"sqlite:///{tmp_path / 'web.db'}",
        )
        command = [sys.executable, "-m", "bot", "web", "--host", "127.0.0.1"]
        process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=log)
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}/healthz", process, log_path)
        finally:
            process.terminate()
            process.wait(timeout=30)

    text = log_path.read_text()
    assert f"Listening at: http://127.0.0.1:{port}" in text, text
    assert "will be unused" not in text, "Bolt warned about SLACK_BOT_TOKEN it ignores"
    assert "alembic" not in text, text
