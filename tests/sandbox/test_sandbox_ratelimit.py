"""Noko's rate limit: 2 req/s per IP, up to 5 requests slowed down, the rest an empty 429.

Timing assertions are lower bounds only, with a 10% margin, so a slow machine cannot break them.
"""

from __future__ import annotations

import itertools
import threading
import time

import requests
from sandbox_helpers import UA

from noko_core.sandbox import Sandbox

SPACING = 0.5 * 0.9


def _get(sb: Sandbox, path: str = "/account") -> requests.Response:
    headers = {"X-NokoToken": sb.token, "User-Agent": UA}
    return requests.get(f"{sb.base_url}{path}", headers=headers, timeout=60)


def _burst(sb: Sandbox, n: int) -> list[requests.Response]:
    barrier = threading.Barrier(n)
    results: list[requests.Response] = []
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        response = _get(sb)
        with lock:
            results.append(response)

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_burst_gets_empty_429s_and_admits_at_half_second_spacing(limited_sandbox: Sandbox) -> None:
    results = _burst(limited_sandbox, 12)

    refused = [r for r in results if r.status_code == 429]
    admitted = sorted(r.answered_at for r in limited_sandbox.requests if r.status == 200)
    assert refused, "a burst of 12 requests must overflow the 5-request slow-down queue"
    assert all(r.content == b"" and "Retry-After" not in r.headers for r in refused)
    assert len(admitted) >= 6  # the first one plus five slowed down
    assert len(admitted) + len(refused) == 12
    gaps = [b - a for a, b in itertools.pairwise(admitted)]
    assert min(gaps) >= SPACING
    # Refused requests are recorded too, as 429s.
    recorded = [r.status for r in limited_sandbox.requests]
    assert sorted(recorded) == sorted(r.status_code for r in results)


def test_sequential_requests_are_slowed_not_refused(limited_sandbox: Sandbox) -> None:
    started = time.monotonic()
    statuses = [_get(limited_sandbox).status_code for _ in range(3)]
    elapsed = time.monotonic() - started

    assert statuses == [200] * 3
    assert elapsed >= 2 * SPACING


def test_client_paced_at_two_per_second_gets_no_429(limited_sandbox: Sandbox) -> None:
    started = time.monotonic()
    statuses = []
    for i in range(4):
        time.sleep(max(0.0, started + 0.5 * i - time.monotonic()))
        statuses.append(_get(limited_sandbox).status_code)

    assert statuses == [200] * 4


def test_disabling_rate_limit_at_runtime_admits_a_burst(limited_sandbox: Sandbox) -> None:
    limited_sandbox.rate_limit = False

    results = _burst(limited_sandbox, 12)

    assert [r.status_code for r in results] == [200] * 12


def test_unlimited_sandbox_admits_a_burst(sandbox: Sandbox) -> None:
    assert [r.status_code for r in _burst(sandbox, 12)] == [200] * 12


def test_rejected_auth_still_counts_toward_the_limit(limited_sandbox: Sandbox) -> None:
    url = f"{limited_sandbox.base_url}/account"
    started = time.monotonic()
    for _ in range(3):
        requests.get(url, headers={"User-Agent": UA}, timeout=30)
    elapsed = time.monotonic() - started

    assert elapsed >= 2 * SPACING
    assert [r.status for r in limited_sandbox.requests] == [401] * 3
