"""The Procfile's web process: `noko-bot web` runs gunicorn with the real app on $PORT."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.devtools.fake_slack import FakeSlack
from bot.devtools.slack_requests import signed_headers, slash_command_body
from noko_core.sandbox import Sandbox

SECRET = "web-process-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def web(tmp_path: Path) -> Iterator[tuple[str, FakeSlack]]:
    port = _free_port()
    with Sandbox(rate_limit=False) as sandbox, FakeSlack() as slack:
        env = {
            **os.environ,
            "PORT": str(port),
            "SLACK_BOT_TOKEN": "xoxb-web-process",
            "SLACK_SIGNING_SECRET": SECRET,
            "NOKO_ACCESS_TOKEN": sandbox.token,
            "NOKO_API_URL": sandbox.base_url,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}",
        }
        command = [sys.executable, "-m", "bot", "web", "--threads", "4"]
        log = (tmp_path / "web.log").open("w")
        process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=log)
        try:
            yield f"http://127.0.0.1:{port}", slack
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
            log.close()


def test_web_process_serves_healthz_and_slash_commands(web: tuple[str, FakeSlack]) -> None:
    base, slack = web
    assert _up(f"{base}/healthz"), "noko-bot web did not answer /healthz within 60 s"
    assert requests.get(f"{base}/healthz", timeout=5).json() == {"status": "ok"}
    body = slash_command_body("list", user_id="U1", response_url=slack.response_url("web"))

    answer = requests.post(f"{base}/slack/events", data=body, headers=signed_headers(SECRET, body))

    assert answer.status_code == 200
    reply = slack.wait_for("response_url", timeout=30)[0]
    assert "Noko teams: 6" in str(reply.args)


def _up(url: str) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return True
        except requests.ConnectionError:
            time.sleep(0.2)
    return False
