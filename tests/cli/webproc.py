"""The Procfile's web process (gunicorn with the real app), started against the sandbox and a
fake Slack; the `web` fixture in conftest.py uses it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from bot.devtools.fake_slack import FakeSlack, SlackUser
from noko_core.sandbox import Sandbox

SECRET = "web-process-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class WebProcess:
    base: str
    port: int
    slack: FakeSlack
    sandbox: Sandbox
    log_path: Path
    pid: int

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def worker_rss_kib(self) -> int:
        """Resident memory of gunicorn's (one) worker process, in KiB."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        status = Path(f"/proc/{children[0]}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
        return int(line.split()[1])


def _up(url: str) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return True
        except requests.ConnectionError:
            time.sleep(0.2)
    return False


@contextlib.contextmanager
def running_web(tmp_path: Path) -> Iterator[WebProcess]:
    port = free_port()
    users = [SlackUser("U1", "Una User", "una@corp.example")]
    with Sandbox(rate_limit=False) as sandbox, FakeSlack(users) as slack:
        env = {
            **os.environ,
            "PORT": str(port),
            "SLACK_BOT_TOKEN": "xoxb-web-process",
            "SLACK_SIGNING_SECRET": SECRET,
            "NOKO_ACCESS_TOKEN": sandbox.token,
            "NOKO_API_URL": sandbox.base_url,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'web.db'}",
            "AUDIT_CHANNEL": "CAUDIT",
        }
        log_path = tmp_path / "web.log"
        log = log_path.open("w")
        command = [sys.executable, "-m", "bot", "web"]
        process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=log)
        try:
            base = f"http://127.0.0.1:{port}"
            assert _up(f"{base}/healthz"), "noko-bot web did not answer /healthz within 60 s"
            yield WebProcess(base, port, slack, sandbox, log_path, process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
            log.close()
