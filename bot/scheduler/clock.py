"""Clocks the scheduler reads time from: the system clock, a settable one, a file-driven one."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class RunningClock:
    """A clock that starts at a given instant and runs with the wall from there: the demo plays
    at the moment it is given; the bot's tests live on one fixed day. Callable too, for the
    collaborators that take ``clock: Callable[[], datetime]``."""

    def __init__(self, start: dt.datetime) -> None:
        self._start = start.astimezone(dt.UTC)
        self._began = time.monotonic()

    def now(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=time.monotonic() - self._began)

    def __call__(self) -> dt.datetime:
        return self.now()


class ManualClock:
    """A clock tests set and advance; thread-safe because the scheduler ticks in a thread."""

    def __init__(self, now: dt.datetime) -> None:
        self._now = now
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def set(self, now: dt.datetime) -> None:
        with self._lock:
            self._now = now

    def advance(self, **delta: float) -> None:
        with self._lock:
            self._now += dt.timedelta(**delta)


class FileClock:
    """Reads the current instant (ISO 8601) from a file on every call.

    Test-only: lets a test drive the clock of scheduler *subprocesses* through many periods.
    """

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)

    def now(self) -> dt.datetime:
        value = dt.datetime.fromisoformat(self._path.read_text().strip())
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

    @staticmethod
    def write(path: str | Path, now: dt.datetime) -> None:
        """Replace the file atomically so a reader never sees half a timestamp."""
        target = Path(path)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(now.isoformat())
        tmp.replace(target)
