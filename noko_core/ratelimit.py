"""Client-side pacing: a next-slot scheduler shared by a client's threads, backoff, Retry-After."""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime


class RateLimiter:
    """Space requests at least ``1 / requests_per_second`` apart, across all threads.

    The lock is held while waiting for the slot, so consecutive releases are never closer than
    the interval even when a sleeping thread wakes up late.
    """

    def __init__(
        self,
        requests_per_second: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if requests_per_second is not None and not requests_per_second > 0:
            raise ValueError("requests_per_second must be positive (or None for no limit)")
        self.interval = 0.0 if requests_per_second is None else 1.0 / requests_per_second
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = float("-inf")

    def acquire(self) -> float:
        """Block until this caller may send; return the seconds waited."""
        with self._lock:
            wait = self._next - self._clock()
            if wait > 0:
                self._sleep(wait)
            self._next = self._clock() + self.interval
        return max(wait, 0.0)

    def defer(self, seconds: float) -> None:
        """Hold every thread back for ``seconds`` (Noko's limit is per IP, not per thread)."""
        with self._lock:
            self._next = max(self._next, self._clock() + seconds)


def full_jitter(attempt: int, base: float, ceiling: float) -> float:
    """Exponential backoff with full jitter, so threads that failed together spread out."""
    return random.uniform(0, min(ceiling, base * 2**attempt))


def retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
