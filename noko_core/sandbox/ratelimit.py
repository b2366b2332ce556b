"""Noko's rate limit: 2 requests/s per IP, up to 5 requests slowed down, the rest get 429.

Each request takes the next admission slot, `max(now, previous slot + interval)`. If that slot is
in the future and `max_waiting` requests are already waiting for theirs, the request is refused
at once (an empty 429) and takes no slot.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass
class _Client:
    next_slot: float = 0.0
    waiting: int = 0


class RateLimiter:
    def __init__(
        self, *, enabled: bool = True, interval: float = 0.5, max_waiting: int = 5
    ) -> None:
        self.enabled = enabled
        self.interval = interval
        self.max_waiting = max_waiting
        self._lock = threading.Lock()
        self._clients: dict[str, _Client] = {}

    def admit(self, client: str, stop: threading.Event) -> float | None:
        """Block until `client`'s request may proceed; the admission time, or None for a 429."""
        with self._lock:
            now = time.monotonic()
            if not self.enabled:
                return now
            state = self._clients.setdefault(client, _Client())
            slot = max(now, state.next_slot)
            if slot > now and state.waiting >= self.max_waiting:
                return None
            state.next_slot = slot + self.interval
            if slot <= now:
                return now
            state.waiting += 1
        try:
            while (remaining := slot - time.monotonic()) > 0 and not stop.is_set():
                stop.wait(remaining)
        finally:
            with self._lock:
                state.waiting -= 1
        return time.monotonic()

    def reset(self) -> None:
        with self._lock:
            self._clients.clear()
