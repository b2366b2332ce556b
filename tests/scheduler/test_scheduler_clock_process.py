"""The real `clock` process in subprocesses on a file clock: restarts, kills, two instances."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sched_helpers import at, daily, posts

from bot.scheduler.cli import CLOCK_FILE_ENV, NO_LOCK_ENV, STALL_ENV
from bot.scheduler.clock import FileClock
from bot.storage import Repository, open_repository

SCRIPT = (
    "from bot.scheduler.cli import run_clock; from bot.settings import Settings; "
    "raise SystemExit(run_clock(Settings()))"
)
STRIP = ("DATABASE_URL", "NOKO_", "SLACK_", "DIGEST_")


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        time.sleep(0.05)


class Clocks:
    """Starts clock processes against one database, one sandbox and one FakeSlack."""

    def __init__(self, tmp_path: Path, database_url: str, sandbox, slack) -> None:
        self.clock_file = tmp_path / "now.txt"
        self.tmp_path = tmp_path
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(STRIP)}
        self.env.update(
            DATABASE_URL=database_url,
            NOKO_ACCESS_TOKEN=sandbox.token,
            NOKO_API_URL=sandbox.base_url,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_API_URL=slack.api_url,
            DIGEST_POLL_SECONDS="0.2",
            DIGEST_CATCH_UP_HOURS="6",
            **{CLOCK_FILE_ENV: str(self.clock_file)},
        )
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []

    def set(self, now: dt.datetime) -> None:
        FileClock.write(self.clock_file, now)

    def start(self, **extra: str) -> subprocess.Popen[bytes]:
        self.logs.append(self.tmp_path / f"clock-{len(self.procs)}.log")
        log = open(self.logs[-1], "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-c", SCRIPT],
            cwd=self.tmp_path,
            env={**self.env, **extra},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        return proc

    def ticks(self, proc: subprocess.Popen[bytes]) -> int:
        """Ticks the process has finished (APScheduler logs each at INFO)."""
        log = self.logs[self.procs.index(proc)].read_text(errors="replace")
        return log.count("executed successfully")

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)


@pytest.fixture
def clocks(tmp_path, sandbox, slack) -> Iterator[Callable[[str], Clocks]]:
    made: list[Clocks] = []

    def make(database_url: str) -> Clocks:
        made.append(Clocks(tmp_path, database_url, sandbox, slack))
        return made[-1]

    yield make
    for item in made:
        item.stop_all()


def _repo(url: str, c: Clocks) -> Repository:
    return open_repository(url, clock=FileClock(c.clock_file).now)


def _states(repo: Repository, sub_id: int) -> list[str]:
    return [r.state for r in repo.runs_for(sub_id)]


@pytest.mark.postgres
@pytest.mark.parametrize("lock", ["advisory-lock", "unique-row-only"])
def test_two_clock_processes_post_each_of_20_periods_exactly_once(
    postgres_url, clocks, slack, lock
) -> None:
    c = clocks(postgres_url)
    if lock == "unique-row-only":
        c.env[NO_LOCK_ENV] = "1"  # both processes claim concurrently: the row must decide
    c.set(at("2026-11-01T07:00:00"))
    repo = _repo(postgres_url, c)
    sub = daily(repo)
    first, second = c.start(), c.start()
    for day in range(20):
        c.set(at("2026-11-01T08:00:05") + dt.timedelta(days=day))  # 09:00:05 Berlin
        slack.wait_for("chat.postMessage", day + 1, timeout=60)
        wait_until(lambda d=day: _states(repo, sub.id).count("posted") == d + 1, what="posted")
        if day == 6:  # a crashed dyno: kill -9, its replacement starts while the other runs
            first.kill()
            first.wait(10)
            first = c.start()
        if day == 13:  # a restart: SIGTERM, exit 0, new process
            second.send_signal(signal.SIGTERM)
            assert second.wait(20) == 0
            second = c.start()
    time.sleep(1.0)  # five more ticks: nothing else may be posted
    keys = [call.args["metadata"]["event_payload"]["period_key"] for call in posts(slack)]
    assert len(keys) == len(set(keys)) == 20
    assert len(slack.calls_to("chat.postMessage")) == 20
    runs = repo.runs_for(sub.id)
    assert [r.state for r in runs] == ["posted"] * 20 and not any(r.late for r in runs)
    for proc in (first, second):
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    repo.close()


def test_kill_between_claim_and_post_never_posts_twice(database_url, clocks, slack) -> None:
    c = clocks(database_url)
    c.set(at("2026-11-09T07:00:00"))
    repo = _repo(database_url, c)
    sub = daily(repo)
    c.set(at("2026-11-09T08:00:05"))
    stalled = c.start(**{STALL_ENV: "60"})
    wait_until(lambda: _states(repo, sub.id) == ["claimed"], what="the claim")
    stalled.kill()  # SIGKILL between claim and post
    stalled.wait(10)
    restarted = c.start()
    # A young claim is left alone, not re-posted: look after some ticks of the new process.
    wait_until(lambda: c.ticks(restarted) >= 3, what="three ticks of the restarted clock")
    assert _states(repo, sub.id) == ["claimed"]
    c.set(at("2026-11-09T08:11:00"))  # the claim is now older than the stale threshold
    wait_until(lambda: _states(repo, sub.id) == ["unknown"], what="the unknown flag")
    c.set(at("2026-11-10T08:00:05"))  # the next period still posts normally
    slack.wait_for("chat.postMessage", 1, timeout=30)
    wait_until(lambda: _states(repo, sub.id) == ["posted", "unknown"], what="next period")
    assert len(slack.calls_to("chat.postMessage")) == 1
    restarted.send_signal(signal.SIGTERM)
    assert restarted.wait(20) == 0
    repo.close()


def test_sigterm_lets_the_in_flight_post_finish(tmp_path, clocks, slack) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    c = clocks(url)
    c.set(at("2026-11-09T07:00:00"))
    repo = _repo(url, c)
    sub = daily(repo)
    slack.inject("chat.postMessage", stall=1.0)  # still posting when SIGTERM arrives
    c.set(at("2026-11-09T08:00:05"))
    proc = c.start()
    wait_until(lambda: _states(repo, sub.id) == ["claimed"], what="the claim")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    assert _states(repo, sub.id) == ["posted"]
    assert len(slack.calls_to("chat.postMessage")) == 1
    repo.close()
