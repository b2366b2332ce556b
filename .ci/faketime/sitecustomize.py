"""Loaded by every Python process of `.ci/run`'s faketime runs (PYTHONPATH=.ci/faketime).

Debian 12's libfaketime (0.9.10) fakes the wall clock well, but with FAKETIME_DONT_FAKE_MONOTONIC=1
its clock_nanosleep() fails with EINVAL, so `time.sleep` raises; and with the monotonic clock faked
too, thread waits (sem_clockwait, which it does not wrap) hang. So the runs leave the monotonic
clock alone and sleep by waiting on an Event (a monotonic timed wait) instead."""

from __future__ import annotations

import os
import threading
import time

if os.environ.get("FAKETIME"):
    _never_set = threading.Event()

    def _sleep(seconds: float) -> None:
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        _never_set.wait(seconds)

    time.sleep = _sleep
