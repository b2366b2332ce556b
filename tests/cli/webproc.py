"""The Procfile's web process (gunicorn with the real app), started against the sandbox and a
fake Slack; the `web` fixtures in conftest.py use it."""

from __future__ import annotations

import contextlib
import dataclasses
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
READY_WITHIN = 60.0  # seconds for gunicorn's worker to boot on a busy 2-core machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class WebProcess:
    base: str
    port: int
    slack: FakeSlack
    sandbox: Sandbox
    log_path: Path
    pid: int
    log_start: int = 0  # log() shows what was written from this byte on

    def log(self) -> str:
        with self.log_path.open("rb") as log:
            log.seek(self.log_start)
            return log.read().decode(errors="replace")

    def from_here(self) -> WebProcess:
        """The same process, its log() starting now (for one test of several sharing it)."""
        return dataclasses.replace(self, log_start=self.log_path.stat().st_size)

    def worker_rss_kib(self) -> int:
        """Resident memory of gunicorn's (one) worker process, in KiB."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        status = Path(f"/proc/{children[0]}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
        return int(line.split()[1])


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    """Return once ``url`` answers 200; fail at once, with the log, if the process exits.

    gunicorn's master accepts connections before its worker has booted, so early requests may
    be refused (ConnectionError) or accepted and left unanswered (ReadTimeout): both mean
    "not yet".
    """
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text(errors="replace")
            raise AssertionError(f"noko-bot web exited with {process.returncode}:\n{log}")
        try:
            if requests.get(url, timeout=(2, 10)).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise AssertionError(f"noko-bot web did not answer {url} within {READY_WITHIN:.0f} s")


def _env(port: int, sandbox: Sandbox, slack: FakeSlack, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PORT": str(port),
        "SLACK_BOT_TOKEN": "xoxb-web-process",
        "SLACK_SIGNING_SECRET": SECRET,
        "NOKO_ACCESS_TOKEN": sandbox.token,
        "NOKO_API_URL": sandbox.base_url,
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": f"sqlite:///{folder / 'web.db'}",
        "AUDIT_CHANNEL": "CAUDIT",
    }


@contextlib.contextmanager
def running_web(folder: Path) -> Iterator[WebProcess]:
    port = free_port()
    users = [SlackUser("U1", "Una User", "una@corp.example")]
    with Sandbox(rate_limit=False) as sandbox, FakeSlack(users) as slack:
        log_path = folder / "web.log"
        with log_path.open("w") as log:
            command = [sys.executable, "-m", "bot", "web"]
            env = _env(port, sandbox, slack, folder)
            process = subprocess.Popen(command, env=env, cwd=folder, stdout=log, stderr=log)
            try:
                base = f"http://127.0.0.1:{port}"
                wait_until_healthy(f"{base}/healthz", process, log_path)
                yield WebProcess(base, port, slack, sandbox, log_path, process.pid)
            finally:
                _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()  # never leave a gunicorn behind, even if it ignores SIGTERM
        process.wait(timeout=10)
