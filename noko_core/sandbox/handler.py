"""HTTP transport: read the request, rate-limit, add latency, apply faults, answer, record."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from noko_core.sandbox.api import Api, normalise_path
from noko_core.sandbox.context import ApiRequest
from noko_core.sandbox.faults import APPLIED, SILENT, Fault, FaultBook
from noko_core.sandbox.ratelimit import RateLimiter
from noko_core.sandbox.recording import RecordedRequest, Recorder
from noko_core.sandbox.responses import Response, message, not_found, too_many_requests

logger = logging.getLogger("noko_core.sandbox")

_STATUS_TEXT = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Noko is changing the internal data for your account so you can start using hashtags",
    504: "Gateway Timeout",
}


@dataclass
class Backend:
    """Everything a request handler needs; owned by `Sandbox`."""

    api: Api
    limiter: RateLimiter
    faults: FaultBook
    recorder: Recorder
    latency: float = 0.0
    stopping: threading.Event = field(default_factory=threading.Event)


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stalled or keep-alive connections must not hold up stop()
    request_queue_size = 128  # the default 5 makes connection bursts wait for SYN retries

    def __init__(self, address: tuple[str, int], backend: Backend) -> None:
        self.backend = backend
        super().__init__(address, SandboxHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up mid-answer (timeouts, dropped faults) are normal here: no traceback.
        logger.debug("connection error from %s", client_address[0], exc_info=True)


def fault_response(fault: Fault) -> Response:
    status = fault.status or 500
    if status == 429:
        return too_many_requests(fault.retry_after)
    if status == 404:
        return not_found()
    response = message(status, _STATUS_TEXT.get(status, "Injected fault"))
    if fault.retry_after is not None:
        response.headers.append(("Retry-After", f"{fault.retry_after:g}"))
    return response


class SandboxHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; avoid 40 ms stalls
    server: SandboxServer

    def version_string(self) -> str:
        return "noko-sandbox"

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: request lines may carry `noko_token`; see `_record` for DEBUG logging."""

    def do_GET(self) -> None:
        self._serve()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_GET

    def _serve(self) -> None:
        backend = self.server.backend
        received = time.monotonic()
        ticket = backend.recorder.ticket()
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        headers = {name.lower(): val for name, val in self.headers.items()}
        body = self._read_body(headers)
        record: dict[str, Any] = {
            "method": self.command, "path": parts.path, "query": query,
            "raw_query": parts.query, "headers": headers, "body": body,
            "json": _json_or_none(body), "received_at": received,
        }  # fmt: skip
        admitted = backend.limiter.admit(self.client_address[0], backend.stopping)
        if admitted is None:
            # Recorded before answering, so a client that got its answer can already see it.
            self._record(ticket, record, 429, time.monotonic())
            self._send(too_many_requests(), head=False)
            return
        if backend.latency > 0:
            backend.stopping.wait(backend.latency)
        fault = backend.faults.take(self.command, parts.path)
        if fault is not None and fault.kind in SILENT:
            # Applied faults record the status the API chose, though nobody receives it.
            status = self._apply(record).status if fault.kind in APPLIED else 0
            self._record(ticket, record, status, admitted)
            if fault.kind.endswith("stall"):
                backend.stopping.wait(fault.seconds or 0.0)
            self.close_connection = True
            return
        response = fault_response(fault) if fault is not None else self._apply(record)
        self._record(ticket, record, response.status, admitted)
        self._send(response, head=self.command == "HEAD")

    def _apply(self, record: dict[str, Any]) -> Response:
        method = "GET" if self.command == "HEAD" else self.command
        path = normalise_path(record["path"])
        request = ApiRequest(method, path, record["query"], record["headers"], record["body"])
        return self.server.backend.api.handle(request)

    def _read_body(self, headers: dict[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            self.close_connection = True  # chunked bodies are not supported; drop the rest
            return b""
        raw = headers.get("content-length") or "0"
        if not raw.strip().isdigit():
            self.close_connection = True  # unknown body length: the connection cannot be reused
            return b""
        length = int(raw)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, response: Response, *, head: bool) -> None:
        self.send_response(response.status)
        for name, val in response.headers:
            self.send_header(name, val)
        if response.status != 204:
            self.send_header("Content-Length", str(len(response.body)))
        if response.status == 200:
            self.send_header("Cache-Control", "private, max-age=0, must-revalidate")
        self.end_headers()
        if not head and response.status != 204:
            self.wfile.write(response.body)

    def _record(self, ticket: int, fields: dict[str, Any], status: int, answered: float) -> None:
        logger.debug("%s %s -> %s", fields["method"], fields["path"], status)
        record = RecordedRequest(status=status, answered_at=answered, **fields)
        self.server.backend.recorder.add(ticket, record)


def _json_or_none(body: bytes) -> Any | None:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None
