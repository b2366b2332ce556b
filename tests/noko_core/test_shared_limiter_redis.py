"""RedisLimiter when Redis goes away and comes back: a real redis-server of the test's own."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from noko_core import shared_limit
from noko_core.shared_limit import RedisLimiter, redact_url, shared_limiter
from tests.redis_kit import needs_redis, with_credentials

PASSWORD = "pw-7Hq2-not-in-logs"
REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_listening(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"redis-server did not listen on {port}")


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def redis_later(port: int, tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """The redis-servers the test launched (by appending to this list), stopped afterwards."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        process.terminate()
        process.wait(10)


def launch(port: int, tmp_path: Path) -> subprocess.Popen[bytes]:
    assert REDIS_SERVER is not None
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--requirepass", PASSWORD,
         "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_listening(port)
    return process


@pytest.mark.skipif(REDIS_SERVER is None, reason="no redis-server binary to start and stop")
def test_redis_coming_back_takes_over_from_the_fallback(
    port: int,
    tmp_path: Path,
    redis_later: list[subprocess.Popen[bytes]],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shared_limit, "REDIS_RETRY_SECONDS", 0.3)
    caplog.set_level(logging.DEBUG, logger="noko_core")
    limiter = shared_limiter(
        "http://noko.test/v2",
        50.0,
        redis_url=f"redis://:{PASSWORD}@127.0.0.1:{port}/0",
        state_path=tmp_path / "slot",
        redis_prefix="recovery-test",
    )
    assert isinstance(limiter, RedisLimiter)
    for _ in range(5):
        limiter.acquire()
    limiter.defer(0.01)
    assert limiter.using_fallback

    redis_later.append(launch(port, tmp_path))
    time.sleep(0.4)
    limiter.acquire()
    assert not limiter.using_fallback
    limiter.close()

    levels = [(r.levelname, r.getMessage().split(" (")[0]) for r in caplog.records]
    assert levels.count(("WARNING", f"Redis at redis://***@127.0.0.1:{port}/0 unreachable")) == 1
    assert any("answers again" in message for level, message in levels if level == "INFO")
    assert PASSWORD not in caplog.text


@needs_redis
def test_a_wrong_password_counts_as_unreachable_and_is_not_logged(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    limiter = shared_limiter(
        "http://noko.test/v2",
        50.0,
        redis_url=with_credentials("someone", PASSWORD),
        state_path=tmp_path / "slot",
    )
    limiter.acquire()
    assert isinstance(limiter, RedisLimiter) and limiter.using_fallback
    assert PASSWORD not in caplog.text and "someone" not in caplog.text


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("rediss://:p%40ss@cache.example.com:25061/0", "rediss://***@cache.example.com:25061/0"),
        ("redis://user:pass@h", "redis://***@h"),
        ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379"),
        ("redis://h:notaport/0", "<unparseable URL>"),
    ],
)
def test_redacted_urls_never_show_credentials(url: str, shown: str) -> None:
    assert redact_url(url) == shown
