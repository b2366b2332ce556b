"""Redirects are followed, but the token only ever goes to the base URL's origin."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from client_helpers import TOKEN, make_client, settled_requests

from noko_core import NokoAuthError
from noko_core.sandbox import Sandbox


class RedirectingNoko(ThreadingHTTPServer):
    """A second origin: /v2/moved -> 307 to ``target``; /v2/old -> 301 to its own /v2/new."""

    target = ""
    seen: list[tuple[str, str, dict[str, str]]]


class Handler(BaseHTTPRequestHandler):
    server: RedirectingNoko

    def do_GET(self) -> None:
        self.server.seen.append(("GET", self.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.path.startswith("/v2/moved"):
            self._answer(307, b"", {"Location": self.server.target})
        elif self.path.startswith("/v2/old"):
            self._answer(301, b"", {"Location": "/v2/new?page=1"})
        else:
            body = json.dumps([{"id": 1, "name": "Moved team"}]).encode()
            self._answer(200, body, {"Content-Type": "application/json"})

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: request lines are asserted on, not printed."""


@pytest.fixture
def other_origin(sb: Sandbox) -> Iterator[RedirectingNoko]:
    server = RedirectingNoko(("127.0.0.1", 0), Handler)
    server.seen = []
    server.target = f"{sb.base_url}/teams"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def test_same_origin_redirect_is_followed_with_the_token(
    sb: Sandbox, other_origin: RedirectingNoko
) -> None:
    base = f"http://127.0.0.1:{other_origin.server_address[1]}/v2"

    with make_client(sb, base_url=base) as client:
        result = client.request("GET", "old")

    assert result == [{"id": 1, "name": "Moved team"}]
    assert [path for _, path, _ in other_origin.seen] == ["/v2/old", "/v2/new?page=1"]
    assert all(headers["x-nokotoken"] == TOKEN for _, _, headers in other_origin.seen)


def test_token_is_not_forwarded_to_another_origin(
    sb: Sandbox, other_origin: RedirectingNoko
) -> None:
    base = f"http://127.0.0.1:{other_origin.server_address[1]}/v2"

    with make_client(sb, base_url=base) as client, pytest.raises(NokoAuthError):
        client.request("GET", "moved")

    followed = settled_requests(sb)
    assert [(r.method, r.path) for r in followed] == [("GET", "/v2/teams")]
    assert "x-nokotoken" not in followed[0].headers
    assert other_origin.seen[0][2]["x-nokotoken"] == TOKEN
