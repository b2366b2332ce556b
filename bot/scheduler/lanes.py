"""Work through items one lane (a Slack channel) at a time each, several lanes at once.

Slack paces posts per channel (about one a second), so a digest with a long thread must hold
back only its own channel: each worker takes the next item of a lane nobody is working on, lanes
in turn, and items of one lane go in their given order.
"""

from __future__ import annotations

import contextvars
import logging
import threading
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class _Lanes(Generic[T]):
    def __init__(self, items: Sequence[T], lane_of: Callable[[T], Hashable]) -> None:
        self._queues: dict[Hashable, deque[T]] = {}
        for item in items:
            self._queues.setdefault(lane_of(item), deque()).append(item)
        self._ready: deque[Hashable] = deque(self._queues)  # lanes with items, nobody on them
        self._busy = 0
        self._cond = threading.Condition()

    @property
    def count(self) -> int:
        return len(self._queues)

    def take(self) -> tuple[Hashable, T] | None:
        """The next item of a free lane, waiting while every lane with items is busy; None when
        nothing is left."""
        with self._cond:
            while not self._ready:
                if self._busy == 0:
                    return None
                self._cond.wait()
            lane = self._ready.popleft()
            self._busy += 1
            return lane, self._queues[lane].popleft()

    def done(self, lane: Hashable) -> None:
        with self._cond:
            self._busy -= 1
            if self._queues[lane]:
                self._ready.append(lane)
            self._cond.notify_all()


def run_in_lanes(
    items: Sequence[T],
    lane_of: Callable[[T], Hashable],
    work: Callable[[T], None],
    *,
    workers: int,
    stop: threading.Event,
) -> None:
    """``work(item)`` for every item until ``stop`` is set, at most one item per lane at a time
    and up to ``workers`` lanes at once; returns when every worker is done. An item whose work
    raises is logged and the others go on."""
    lanes = _Lanes(items, lane_of)

    def worker() -> None:
        while not stop.is_set() and (taken := lanes.take()) is not None:
            lane, item = taken
            try:
                if stop.is_set():
                    return
                work(item)
            except Exception:
                log.exception("work on %r failed", lane)
            finally:
                lanes.done(lane)

    count = max(1, min(workers, lanes.count))
    if count == 1:
        worker()  # in the caller's thread: nothing to overlap
        return
    # Each thread runs in a copy of the caller's context, so marks such as
    # noko_core.background_requests() reach the workers' Noko requests.
    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(worker,), name=f"lane-{n}")
        for n in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
