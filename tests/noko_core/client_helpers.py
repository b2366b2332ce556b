"""Helpers shared by the client tests: a client pointed at a sandbox, checks on its request log."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from noko_core import NokoClient, __version__
from noko_core.sandbox import RecordedRequest, Sandbox

if TYPE_CHECKING:
    from wire import Sent

# Distinctive, so a leak anywhere in a message or log is unmistakable.
TOKEN = "tok-Zq81-SECRET-noko"
USER_AGENT = f"noko-team-bot/{__version__}"


def make_client(sb: Sandbox, **overrides: object) -> NokoClient:
    settings: dict[str, object] = {
        "base_url": sb.base_url,
        "requests_per_second": None,
        "backoff_base": 0.01,
        "backoff_max": 2.0,
        "max_retries": 3,
        "timeout": 10.0,
    }
    settings.update(overrides)
    token = str(settings.pop("token", TOKEN))
    return NokoClient(token, **settings)  # type: ignore[arg-type]


def only_request(sb: Sandbox) -> RecordedRequest:
    """The single request the sandbox saw; fails if there were none or several.

    The sandbox lists a request before answering it, so once the client has its answer the log
    is complete. (A request the client gave up on is listed when the server gets to it: use
    ``wait_for``.)
    """
    seen = sb.requests
    assert len(seen) == 1, [(r.method, r.path, r.raw_query) for r in seen]
    return seen[0]


def assert_headers(request: RecordedRequest | Sent, *, has_body: bool) -> None:
    headers = request.headers
    assert headers["x-nokotoken"] == TOKEN
    assert headers["user-agent"] == USER_AGENT
    assert headers["accept"] == "application/json"
    if has_body:
        assert headers["content-type"] == "application/json"
    else:
        assert "content-type" not in headers
        assert request.body == b""


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll until ``condition`` holds (the sandbox records a stalled request only at its end)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
