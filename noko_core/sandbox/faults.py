"""Injected faults: the next N matching requests get an error status, a stall or a dropped line.

The "apply-then-…" kinds process the request first, so the change happens but its answer is lost.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

KINDS = ("status", "stall", "drop", "apply-then-drop", "apply-then-stall")
# Kinds that answer nothing: the connection is closed (after `seconds` for the stalls).
SILENT = frozenset({"stall", "drop", "apply-then-drop", "apply-then-stall"})
# Kinds that let the API process the request before the answer is lost.
APPLIED = frozenset({"apply-then-drop", "apply-then-stall"})


@dataclass
class Fault:
    kind: str
    remaining: int
    status: int | None = None
    path: str | None = None
    method: str | None = None
    seconds: float | None = None
    retry_after: float | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path is None or self.path in path:
            return True
        try:
            return re.search(self.path, path) is not None
        except re.error:
            return False


class FaultBook:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.kind not in KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; expected one of {KINDS}")
        if fault.kind == "status" and (fault.status is None or not 100 <= fault.status <= 599):
            raise ValueError("a 'status' fault needs status=<HTTP status code>")
        stalls = fault.kind in ("stall", "apply-then-stall")
        if stalls and (fault.seconds is None or fault.seconds < 0):
            raise ValueError(f"a {fault.kind!r} fault needs seconds=<non-negative number>")
        if fault.remaining < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault (in injection order) matching this request, used up by one."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)
