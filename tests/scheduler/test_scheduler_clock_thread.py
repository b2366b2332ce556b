"""`noko-bot socket --with-clock` runs the clock in a thread: it must post and stop there too.

Signal handlers can only be installed by the main thread; the clock used to install its own and
died at once with "signal only works in main thread", so the socket process never posted."""

from __future__ import annotations

import threading
from pathlib import Path

from sched_helpers import at, daily, posts

from bot.scheduler.cli import CLOCK_FILE_ENV, run_clock
from bot.scheduler.clock import FileClock
from bot.settings import Settings
from bot.storage import open_repository


def test_clock_in_a_thread_posts_the_due_digest_and_stops_on_its_event(
    tmp_path: Path, sandbox, slack
) -> None:
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    clock_file = tmp_path / "now.txt"
    FileClock.write(clock_file, at("2026-11-01T07:00:00"))
    repo = open_repository(database_url, clock=FileClock(clock_file).now)
    sub = daily(repo)  # 09:00 in Berlin
    FileClock.write(clock_file, at("2026-11-01T08:00:05"))  # 09:00:05 in Berlin: due
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        noko_access_token=sandbox.token,
        noko_api_url=sandbox.base_url,
        slack_bot_token="xoxb-test",
        slack_api_url=slack.api_url,
        digest_poll_seconds=0.2,
    )
    stop = threading.Event()
    outcome: list[int | BaseException] = []

    def clock_thread() -> None:
        try:
            outcome.append(
                run_clock(settings, environ={CLOCK_FILE_ENV: str(clock_file)}, stop=stop)
            )
        except BaseException as error:  # what the thread died of, for the assertion below
            outcome.append(error)

    thread = threading.Thread(target=clock_thread, name="clock")
    thread.start()
    try:
        slack.wait_for("chat.postMessage", timeout=30)
    except AssertionError:
        raise AssertionError(f"nothing posted; the clock thread ended with {outcome}") from None
    finally:
        stop.set()
        thread.join(timeout=30)
    assert outcome == [0]
    assert len(posts(slack)) == 1
    assert [r.state for r in repo.runs_for(sub.id)] == ["posted"]
    repo.close()
