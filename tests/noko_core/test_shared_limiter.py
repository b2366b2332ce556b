"""One Noko budget for several OS processes: real processes, real HTTP, the sandbox's per-IP
limit on (2 requests/s, 5 slowed down, the rest refused with 429)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from client_helpers import TOKEN

from noko_core import RateLimiter, background_requests, is_background
from noko_core.sandbox import Dataset, RecordedRequest, Sandbox
from noko_core.shared_limit import FileLimiter, default_state_path, shared_limiter
from tests.redis_kit import needs_redis, redis_url

WORKER = Path(__file__).with_name("shared_limiter_worker.py")
# 3 processes x 3 threads x 2 requests: at 2 requests/s each, the processes together send 6/s,
# so the sandbox's queue of 5 overflows within about a second; shared, the 18 take about 9 s.
PROCESSES, THREADS, REQUESTS = 3, 3, 2
TOTAL = PROCESSES * THREADS * REQUESTS


@pytest.fixture
def limited_sb(fresh_dataset: Dataset) -> Iterator[Sandbox]:
    with Sandbox(token=TOKEN, rate_limit=True, dataset=fresh_dataset) as sb:
        yield sb


def start_worker(spec: dict[str, Any], *, go: bool = True) -> subprocess.Popen[str]:
    """A worker process, built and ready; sending once ``go`` (now, or later with ``release``)."""
    process = subprocess.Popen(
        [sys.executable, str(WORKER), json.dumps(spec)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", (line, process.stderr.read() if process.stderr else "")
    if go:
        release(process)
    return process


def release(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("go\n")
    process.stdin.flush()


def finish(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def hammer(sb: Sandbox, **spec: Any) -> list[RecordedRequest]:
    """PROCESSES worker processes, sending at once, each THREADS threads x REQUESTS GETs."""
    base = {"token": TOKEN, "base_url": sb.base_url, "threads": THREADS, "requests": REQUESTS}
    workers = [start_worker({**base, **spec}, go=False) for _ in range(PROCESSES)]
    for worker in workers:
        release(worker)
    for worker in workers:
        finish(worker)
    return sb.requests


def statuses(seen: list[RecordedRequest]) -> list[int]:
    return [r.status for r in seen]


def test_processes_with_their_own_limiters_get_429s(limited_sb: Sandbox) -> None:
    """The control: without a shared budget the sandbox refuses some (so the next test can fail)."""
    seen = hammer(limited_sb, limiter="process")

    assert 429 in statuses(seen)  # (a thread stops at its 429, so fewer than TOTAL were sent)


def test_processes_sharing_a_state_file_get_no_429(limited_sb: Sandbox, tmp_path: Path) -> None:
    seen = hammer(limited_sb, limiter="file", path=str(tmp_path / "slot"))

    assert statuses(seen) == [200] * TOTAL
    arrivals = sorted(r.received_at for r in seen)
    # Paced, not lucky: 18 requests at 2/s span at least 17 intervals (less a little jitter).
    assert arrivals[-1] - arrivals[0] >= (TOTAL - 1) * 0.5 - 0.3


@needs_redis
def test_processes_sharing_redis_get_no_429(limited_sb: Sandbox, tmp_path: Path) -> None:
    prefix = f"test-{uuid.uuid4().hex}"
    seen = hammer(
        limited_sb,
        limiter="redis",
        redis_url=redis_url(),
        prefix=prefix,
        path=str(tmp_path / "fallback-slot"),
    )

    assert statuses(seen) == [200] * TOTAL
    assert not (tmp_path / "fallback-slot").exists()  # Redis did the pacing, not the fallback


def test_a_429_seen_by_one_process_holds_back_the_others(tmp_path: Path) -> None:
    path = tmp_path / "slot"
    one, other = FileLimiter(path, 100.0), FileLimiter(path, 100.0)  # as in two processes
    one.acquire()
    one.defer(1.0)
    started = time.monotonic()
    other.acquire()
    assert 0.8 <= time.monotonic() - started < 2.0


@needs_redis
def test_a_429_seen_through_redis_holds_back_the_others(tmp_path: Path) -> None:
    prefix = f"test-{uuid.uuid4().hex}"
    one, other = (
        shared_limiter(
            "http://noko.test/v2",
            100.0,
            redis_url=redis_url(),
            state_path=tmp_path / f"slot{n}",
            redis_prefix=prefix,
        )
        for n in (1, 2)
    )
    one.acquire()
    one.defer(1.0)
    started = time.monotonic()
    other.acquire()
    assert 0.8 <= time.monotonic() - started < 2.0
    one.close()
    other.close()


def user_agents(seen: list[RecordedRequest]) -> list[str]:
    return [r.headers["user-agent"] for r in sorted(seen, key=lambda r: r.received_at)]


@pytest.mark.parametrize("backend", ["file", pytest.param("redis", marks=needs_redis)])
def test_interactive_requests_of_another_process_go_before_queued_background_ones(
    limited_sb: Sandbox, tmp_path: Path, backend: str
) -> None:
    prefix = f"test-{uuid.uuid4().hex}"
    spec: dict[str, Any] = {
        "token": TOKEN,
        "base_url": limited_sb.base_url,
        "path": str(tmp_path / "slot"),
        "limiter": backend,
        "redis_url": redis_url() if backend == "redis" else None,
        "prefix": prefix,
        "threads": 3,
        "requests": 1,
    }
    # Hold the shared budget (as after a 429) until both processes queue: a busy machine may take
    # seconds to start a process, so the hold is renewed until the interactive one is sending.
    limiter = spec_limiter(spec)
    release = threading.Event()

    def hold() -> None:
        while not release.is_set():
            limiter.defer(1.0)
            release.wait(0.2)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        background = start_worker({**spec, "background": True, "user_agent": "background/1"})
        time.sleep(0.5)  # the background threads are waiting for a free slot by now
        interactive = start_worker({**spec, "user_agent": "interactive/1"})
        time.sleep(0.5)  # and the interactive ones have reserved theirs
    finally:
        release.set()
        holder.join()
    assert finish(background) == {"errors": []}
    assert finish(interactive) == {"errors": []}
    limiter.close()

    assert user_agents(limited_sb.requests) == ["interactive/1"] * 3 + ["background/1"] * 3
    assert 429 not in statuses(limited_sb.requests)


def spec_limiter(spec: dict[str, Any]) -> FileLimiter | Any:
    if spec["limiter"] == "file":
        return FileLimiter(spec["path"], 2.0)
    return shared_limiter(
        spec["base_url"],
        2.0,
        redis_url=spec["redis_url"],
        state_path=spec["path"],
        redis_prefix=spec["prefix"],
    )


def test_background_work_alone_still_gets_every_slot(tmp_path: Path) -> None:
    limiter = FileLimiter(tmp_path / "slot", 20.0)
    started = time.monotonic()
    with background_requests():
        for _ in range(5):
            limiter.acquire()
    assert 0.15 <= time.monotonic() - started < 1.5  # paced, and not starved


def test_in_process_limiter_serves_queued_interactive_threads_first() -> None:
    limiter = RateLimiter(4.0)
    order: list[str] = []
    lock = threading.Lock()

    def take(kind: str) -> None:
        limiter.acquire()
        with lock:
            order.append(kind)

    def background() -> None:
        with background_requests():
            take("background")

    limiter.defer(0.6)  # everyone queues behind this
    threads = [threading.Thread(target=background) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    interactive = [threading.Thread(target=take, args=("interactive",)) for _ in range(3)]
    for thread in interactive:
        thread.start()
    for thread in threads + interactive:
        thread.join(timeout=10)

    assert order == ["interactive"] * 3 + ["background"] * 3


def test_background_mark_is_per_context_and_does_not_leak() -> None:
    seen: list[bool] = []
    with background_requests():
        assert is_background()
        thread = threading.Thread(target=lambda: seen.append(is_background()))
        thread.start()
        thread.join()
    assert not is_background()
    assert seen == [False]  # threads must set it themselves (documented)


def test_default_state_file_is_per_noko_url_and_user() -> None:
    one = default_state_path("https://api.nokotime.com/v2")
    assert one == default_state_path("https://api.nokotime.com/v2/")
    assert one != default_state_path("http://127.0.0.1:9999/v2")
    assert one.name.startswith("noko-limiter-")


def test_a_damaged_state_file_is_started_afresh(tmp_path: Path) -> None:
    path = tmp_path / "slot"
    path.write_bytes(b"\xff not a number")
    FileLimiter(path, 2.0).acquire()
    assert float(path.read_text()) > time.time()  # rewritten with the next slot


def test_an_unusable_state_file_paces_in_process_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = FileLimiter(tmp_path / "missing-dir" / "slot", 20.0)
    started = time.monotonic()
    for _ in range(3):
        limiter.acquire()
    assert time.monotonic() - started >= 0.08  # still paced
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and "state file" in warnings[0].getMessage()


def test_a_symlinked_state_file_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "victim"
    target.write_text("keep me")
    link = tmp_path / "slot"
    link.symlink_to(target)
    FileLimiter(link, 2.0).acquire()  # falls back to in-process pacing, never writes through
    assert target.read_text() == "keep me"
