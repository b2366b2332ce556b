"""The bounded queue that runs listener work after the ack, and says "busy" when it is full.

Listeners ack on the request's own thread (the app runs with ``process_before_response``), so
the ack never waits for a pool thread or for Noko; their slow part (Noko, users.info, posting
the answer) is handed to this queue. Admission is decided at ack time: a request that finds
``threads + limit`` pieces of work already admitted is answered "busy, try again" in its ack
instead of running minutes later, after Slack told the person it failed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger(__name__)

BUSY = (
    ":hourglass: I'm handling a lot of requests right now and couldn't take this one. "
    "Nothing was changed: please try again in a minute."
)


class WorkQueue:
    """``threads`` run admitted work; at most ``limit`` more wait. ``try_submit`` never blocks."""

    def __init__(self, threads: int, limit: int, name: str = "bolt-work") -> None:
        self._slots = threading.BoundedSemaphore(threads + limit)
        self._pool = ThreadPoolExecutor(threads, name)

    def try_submit(self, work: Callable[[], None]) -> bool:
        """Queue ``work`` and return True, or return False at once when the queue is full."""
        if not self._slots.acquire(blocking=False):
            return False
        try:
            self._pool.submit(self._run, work)
        except RuntimeError:  # shutting down
            self._slots.release()
            return False
        return True

    def _run(self, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception:  # work reports its own errors; this is the last net
            logger.exception("listener work failed")
        finally:
            self._slots.release()
