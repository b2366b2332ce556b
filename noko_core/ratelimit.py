"""Client-side pacing: the Limiter interface, request priority, backoff and Retry-After.

Noko allows 2 requests/second per IP (§6 of the reference), so the pace belongs to the whole
deployment, not to one client. Three limiters share one interface (``Limiter``):

- ``RateLimiter``: the threads of one process (the default of a bare ``NokoClient``);
- ``noko_core.shared_limit.FileLimiter``: every process of one machine, through a state file;
- ``noko_core.shared_limit.RedisLimiter``: every process that reaches one Redis server.

Each request is *interactive* unless made inside ``background_requests()``; interactive requests
take the next free slot in arrival order, background ones only take a slot that no interactive
request wants (see each limiter for how it tells).
"""

from __future__ import annotations

import contextlib
import contextvars
import email.utils
import random
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Protocol

# A background caller that finds no free slot looks again at least this often.
BACKGROUND_POLL_SECONDS = 0.25

_BACKGROUND: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "noko_background_requests", default=False
)


@contextlib.contextmanager
def background_requests() -> Iterator[None]:
    """Mark the Noko requests made inside as background work (sync, scheduled digests).

    Background requests yield their turn to interactive ones queued in any process sharing the
    limiter. The mark lives in a context variable: a thread started inside does not inherit it
    (start it with ``contextvars.copy_context().run`` or enter this again in the thread).
    """
    token = _BACKGROUND.set(True)
    try:
        yield
    finally:
        _BACKGROUND.reset(token)


def is_background() -> bool:
    """Whether the current context's Noko requests are background work."""
    return _BACKGROUND.get()


class Limiter(Protocol):
    """What the transport asks of a limiter; the caller's priority comes from the context."""

    @property
    def interval(self) -> float:
        """Seconds between two slots (0 for no limit)."""
        ...

    def acquire(self) -> float:
        """Block until this caller may send; return the seconds waited."""
        ...

    def defer(self, seconds: float) -> None:
        """Hold every caller sharing this limiter back for ``seconds`` (after a 429)."""
        ...

    def close(self) -> None:
        """Release what the limiter holds (connections); it may not be used afterwards."""
        ...


class RateLimiter:
    """Space one process's requests at least ``1 / requests_per_second`` apart, across threads.

    An interactive caller holds the lock while waiting for its slot, so consecutive releases are
    never closer than the interval even when a sleeping thread wakes up late. A background
    caller takes a slot only when it is free and no interactive caller is queued.
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
        self._interval = 0.0 if requests_per_second is None else 1.0 / requests_per_second
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._queue = threading.Condition()
        self._interactive = 0  # interactive callers between arrival and their slot
        self._next = float("-inf")

    @property
    def interval(self) -> float:
        return self._interval

    def acquire(self) -> float:
        if not is_background():
            with self._queue:
                self._interactive += 1
            try:
                return self._take()
            finally:
                with self._queue:
                    self._interactive -= 1
                    self._queue.notify_all()
        # Background: take a slot only when it is free now and no interactive caller is queued;
        # never sleep holding the lock, so an interactive caller arriving meanwhile goes first.
        started = self._clock()
        while True:
            with self._queue:
                self._queue.wait_for(lambda: self._interactive == 0)
            with self._lock:
                with self._queue:
                    queued = self._interactive > 0
                wait = self._next - self._clock()
                if not queued and wait <= 0:
                    self._next = self._clock() + self._interval
                    return max(self._clock() - started, 0.0)
            if wait > 0:
                self._sleep(min(wait, BACKGROUND_POLL_SECONDS))

    def _take(self) -> float:
        with self._lock:
            return self._take_locked()

    def _take_locked(self) -> float:
        wait = self._next - self._clock()
        if wait > 0:
            self._sleep(wait)
        self._next = self._clock() + self._interval
        return max(wait, 0.0)

    def defer(self, seconds: float) -> None:
        """Hold every thread back for ``seconds`` (Noko's limit is per IP, not per thread)."""
        with self._lock:
            self._next = max(self._next, self._clock() + seconds)

    def close(self) -> None:
        pass


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
