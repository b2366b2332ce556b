"""Every request the sandbox received, kept for tests to inspect."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received, and what the sandbox answered.

    `headers` has lower-cased names (look up `headers["x-nokotoken"]`). `status` is 0 when the
    connection was dropped or stalled by an injected fault. Times are `time.monotonic()`:
    `answered_at` is when the request was admitted past the rate limiter (for a 429, when it
    was refused).
    """

    method: str
    path: str
    query: dict[str, list[str]]
    raw_query: str
    headers: dict[str, str]
    body: bytes
    json: Any | None
    status: int
    received_at: float
    answered_at: float


class Recorder:
    """Records in arrival order; a request appears once its outcome is known."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_ticket = 0
        self._first_kept = 0  # requests that arrived before the last clear() stay out
        self._records: list[tuple[int, RecordedRequest]] = []

    def ticket(self) -> int:
        with self._lock:
            ticket = self._next_ticket
            self._next_ticket += 1
            return ticket

    def add(self, ticket: int, record: RecordedRequest) -> None:
        with self._lock:
            if ticket >= self._first_kept:
                self._records.append((ticket, record))

    def all(self) -> list[RecordedRequest]:
        with self._lock:
            return [record for _, record in sorted(self._records, key=lambda pair: pair[0])]

    def clear(self) -> None:
        """Forget every request received so far, including any still being answered."""
        with self._lock:
            self._records.clear()
            self._first_kept = self._next_ticket
