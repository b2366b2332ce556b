"""A tiny webhook receiver for tests: a real HTTP server on 127.0.0.1 that records each POST and
answers with scripted statuses (200 once the script runs out)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    status: int  # what the receiver answered

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def signed_with(self, secret: str) -> bool:
        expected = hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, self.headers.get("x-noko-signature", ""))


class Receiver:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._script: list[int] = []
        self._received: list[Received] = []
        self.released = threading.Event()  # cleared by hold(): answers wait until release()
        self.released.set()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status = receiver._answer(self.path, headers, body)
                receiver.released.wait(30)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/noko/webhooks"

    def answer(self, *statuses: int) -> None:
        """Answer the next POSTs with these statuses, in order."""
        with self._lock:
            self._script.extend(statuses)

    def _answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            status = self._script.pop(0) if self._script else 200
            self._received.append(Received(path, headers, body, status))
            self._lock.notify_all()
            return status

    def hold(self) -> None:
        """Keep every answer back until `release()` (a slow receiver)."""
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Wait until at least `count` POSTs arrived; returns them all (fails the test if not)."""
        with self._lock:
            arrived = self._lock.wait_for(lambda: len(self._received) >= count, timeout)
            assert arrived, f"{len(self._received)} of {count} deliveries arrived"
            return list(self._received)

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()
