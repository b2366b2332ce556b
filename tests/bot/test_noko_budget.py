"""One Noko budget for every process of the bot: settings, make_noko_client's limiter, Redis
falling back, and the clock's requests marked as background work."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bot.devtools.fake_slack import FakeSlack, SlackUser
from bot.scheduler.cli import start_scheduler
from bot.scheduler.clock import ManualClock
from bot.scheduler.lanes import run_in_lanes
from bot.scheduler.plan import CatchUpPolicy
from bot.scheduler.runner import Runner
from bot.services.noko import make_limiter, make_noko_client
from bot.settings import Settings, describe_validation_error
from bot.slack.directory import SlackDirectory
from bot.slack.posting import SlackPoster, slack_client
from bot.storage import open_repository
from noko_core import NokoClient, RateLimiter, background_requests, is_background
from noko_core.sandbox import Sandbox
from noko_core.shared_limit import FileLimiter, RedisLimiter, default_state_path
from tests.redis_kit import needs_redis, redis_url

PASSWORD = "s3cret-Redis-pass"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def settings_for(sandbox: Sandbox, **fields: object) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        noko_access_token=SecretStr(sandbox.token),
        noko_api_url=sandbox.base_url,
        **fields,  # type: ignore[arg-type]
    )


def problems(**env: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, **env)  # type: ignore[call-arg, arg-type]
    return describe_validation_error(caught.value)


# -- settings -------------------------------------------------------------------------------


def test_a_redis_url_of_another_scheme_is_refused_without_echoing_it() -> None:
    lines = problems(redis_url=f"http://:{PASSWORD}@cache.example.com:6379")
    assert lines == ["REDIS_URL is invalid: must be a redis:// or rediss:// URL"]
    assert PASSWORD not in repr(Settings(_env_file=None, redis_url=f"redis://:{PASSWORD}@h:1"))  # type: ignore[call-arg, arg-type]


def test_empty_values_mean_unset() -> None:
    settings = Settings(_env_file=None, redis_url="  ", noko_limiter_file="")  # type: ignore[call-arg, arg-type]
    assert settings.redis_url is None and settings.noko_limiter_file is None


def test_a_limiter_file_in_a_missing_directory_is_refused(tmp_path: Path) -> None:
    lines = problems(noko_limiter_file=str(tmp_path / "nowhere" / "slot"))
    assert lines == ["NOKO_LIMITER_FILE is invalid: its directory does not exist"]
    assert problems(noko_limiter_file=str(tmp_path))[0].startswith("NOKO_LIMITER_FILE is invalid")


def test_an_unknown_limiter_scope_is_refused() -> None:
    assert problems(noko_limiter="per-dyno")[0].startswith("NOKO_LIMITER is invalid")


# -- which limiter ----------------------------------------------------------------------------


def test_by_default_every_local_process_shares_a_state_file(sandbox: Sandbox) -> None:
    limiter = make_limiter(settings_for(sandbox))
    assert isinstance(limiter, FileLimiter)
    assert limiter.path == default_state_path(sandbox.base_url)
    assert limiter.interval == 0.5


def test_the_state_file_can_be_chosen(sandbox: Sandbox, tmp_path: Path) -> None:
    limiter = make_limiter(settings_for(sandbox, noko_limiter_file=tmp_path / "slot"))
    assert isinstance(limiter, FileLimiter) and limiter.path == tmp_path / "slot"


def test_process_scope_keeps_the_old_per_process_limiter(sandbox: Sandbox) -> None:
    limiter = make_limiter(settings_for(sandbox, noko_limiter="process"))
    assert isinstance(limiter, RateLimiter)


@needs_redis
def test_redis_url_puts_the_budget_in_redis(sandbox: Sandbox, tmp_path: Path) -> None:
    settings = settings_for(
        sandbox,
        redis_url=SecretStr(redis_url()),
        noko_limiter_file=tmp_path / "slot",
    )
    with make_noko_client(settings) as client:
        limiter = client._transport.limiter
        assert isinstance(limiter, RedisLimiter)
        client.get_current_user()
        assert not limiter.using_fallback
    assert not (tmp_path / "slot").exists()


# -- Redis down -------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["redis", "rediss"])
def test_redis_down_falls_back_with_one_warning_and_no_password(
    sandbox: Sandbox, tmp_path: Path, caplog: pytest.LogCaptureFixture, scheme: str
) -> None:
    url = f"{scheme}://default:{PASSWORD}@127.0.0.1:{free_port()}/0"
    settings = settings_for(sandbox, redis_url=SecretStr(url), noko_limiter_file=tmp_path / "slot")
    caplog.set_level(logging.DEBUG)
    with make_noko_client(settings) as client:
        for _ in range(3):
            client.get_current_user()  # the commands still work
        limiter = client._transport.limiter
        assert isinstance(limiter, RedisLimiter) and limiter.using_fallback

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    assert f"{scheme}://***@127.0.0.1" in warnings[0].getMessage()
    assert PASSWORD not in caplog.text
    assert (tmp_path / "slot").exists()  # the local shared limiter took over
    assert len(sandbox.requests) == 3


# -- the clock is background work -------------------------------------------------------------


class RecordingLimiter(RateLimiter):
    """A real in-process limiter that also notes, per acquire, whether it was background work."""

    def __init__(self) -> None:
        super().__init__(None)
        self.marks: list[tuple[str, bool]] = []

    def acquire(self) -> float:
        self.marks.append((threading.current_thread().name, is_background()))
        return super().acquire()


def test_lane_workers_inherit_the_background_mark() -> None:
    seen: list[bool] = []
    lock = threading.Lock()

    def work(item: int) -> None:
        time.sleep(0.05)
        with lock:
            seen.append(is_background())

    with background_requests():
        run_in_lanes(list(range(6)), lambda i: i % 3, work, workers=3, stop=threading.Event())
    assert seen == [True] * 6


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack([SlackUser("U1", "Sofia Ito", email="sofia.ito@example.com")]) as fake:
        yield fake


def test_the_clocks_noko_requests_are_background(
    sandbox: Sandbox, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    limiter = RecordingLimiter()
    clock = ManualClock(dt.datetime(2026, 11, 9, 7, 0, tzinfo=dt.UTC))  # 08:00 in Berlin
    repo = open_repository(f"sqlite:///{tmp_path / 'bot.db'}", clock=clock.now)
    for channel in ("C1", "C2"):
        repo.create_subscription(
            team_id=1,
            team_name="Engineering",
            channel_id=channel,
            cadence="daily",
            local_time="09:00",
            timezone="Europe/Berlin",
            created_by="U1",
            options={"workdays": list(range(7))},
        )
    clock.set(dt.datetime(2026, 11, 9, 8, 0, 20, tzinfo=dt.UTC))  # both are due
    slack = slack_client("xoxb-test", fake_slack.api_url, timeout=10)
    noko = NokoClient(sandbox.token, base_url=sandbox.base_url, limiter=limiter)
    runner = Runner(
        repo=repo,
        noko=noko,
        poster=SlackPoster(slack, pace_seconds=0.0),
        directory=SlackDirectory(slack),
        clock=clock,
        policy=CatchUpPolicy.from_settings(6.0, 30.0),
    )
    scheduler = start_scheduler(runner, 3600)  # one tick now, the next in an hour
    deadline = time.monotonic() + 30
    while len(fake_slack.calls_to("chat.postMessage")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    scheduler.shutdown(wait=True)
    noko.close()
    repo.close()

    assert len(fake_slack.calls_to("chat.postMessage")) >= 2  # both digests were posted
    assert limiter.marks, "the tick made no Noko request"
    assert all(background for _, background in limiter.marks), limiter.marks
    assert is_background() is False
