"""The Procfile's socket process (`noko-bot socket --with-clock`) against the Noko sandbox, a fake
Slack with its Socket Mode side, a SQLite database and a file clock; test_socket_process.py uses
it."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bot.devtools.fake_slack import FakeSlack
from bot.devtools.fake_socket_mode import DEFAULT_APP_TOKEN, FakeSocketMode
from bot.scheduler.cli import CLOCK_FILE_ENV
from bot.scheduler.clock import FileClock
from bot.storage import Repository, open_repository
from noko_core.sandbox import Sandbox

PROCFILE = Path(__file__).resolve().parents[2] / "Procfile"
BOT_TOKEN = "xoxb-socket-process-SECRET"
# The process gets only what this names; the test runner's own Slack/Noko/DB settings stay out.
STRIP = ("DATABASE_URL", "NOKO_", "SLACK_", "DIGEST_", "AUDIT_", "PORT")


def procfile_argv(process: str) -> list[str]:
    """The Procfile line ``process`` as argv, with ``noko-bot`` resolved to this venv's script."""
    lines = [line for line in PROCFILE.read_text().splitlines() if line.startswith(f"{process}:")]
    assert len(lines) == 1, f"Procfile has {len(lines)} '{process}' lines"
    argv = shlex.split(lines[0].split(":", 1)[1])
    script = Path(sys.executable).with_name(argv[0])
    assert script.exists(), f"{script} is missing: install the project (pip install -e .)"
    return [str(script), *argv[1:]]


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class SocketProcess:
    """One run of the Procfile's socket line; its stdout and stderr go to one log file."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, log_path: Path) -> None:
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=log)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait(self, timeout: float = 30.0) -> int:
        """The exit code; fails with the log (and kills it) if it is still running then."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"still running after {timeout} s; log:\n{self.log()}") from None

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM (Heroku's stop), then the exit code."""
        self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class SocketWorld:
    """Everything the socket process talks to, and a way to start it on them."""

    def __init__(
        self, tmp_path: Path, sandbox: Sandbox, slack: FakeSlack, socket_mode: FakeSocketMode
    ) -> None:
        self.tmp_path, self.sandbox, self.slack, self.socket_mode = (
            tmp_path,
            sandbox,
            slack,
            socket_mode,
        )
        self.clock_file = tmp_path / "now.txt"
        self.database_url = f"sqlite:///{tmp_path / 'bot.db'}"
        self.processes: list[SocketProcess] = []

    def set_clock(self, now: dt.datetime) -> None:
        FileClock.write(self.clock_file, now)

    def repository(self) -> Repository:
        """The process's database, migrated, read on the file clock."""
        return open_repository(self.database_url, clock=FileClock(self.clock_file).now)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(STRIP)}
        env.update(
            SLACK_APP_TOKEN=DEFAULT_APP_TOKEN,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_API_URL=self.slack.api_url,
            NOKO_ACCESS_TOKEN=self.sandbox.token,
            NOKO_API_URL=self.sandbox.base_url,
            DATABASE_URL=self.database_url,
            DIGEST_POLL_SECONDS="0.2",
            DIGEST_CATCH_UP_HOURS="6",
            **{CLOCK_FILE_ENV: str(self.clock_file)},
        )
        env.update(extra)
        return env

    def start(self, **extra: str) -> SocketProcess:
        log_path = self.tmp_path / f"socket-{len(self.processes)}.log"
        process = SocketProcess(procfile_argv("socket"), self.env(**extra), self.tmp_path, log_path)
        self.processes.append(process)
        return process

    def kill_all(self) -> None:
        for process in self.processes:
            process.kill()
