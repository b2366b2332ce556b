"""An in-process wire for client tests: a session that records each request and answers from a
script, and a clock that moves only when slept, so a test reads "this call sends exactly this"."""

from __future__ import annotations

import json as jsonlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.client import RemoteDisconnected
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from client_helpers import TOKEN
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError, ReadTimeoutError

from noko_core import NokoClient

BASE_URL = "https://api.nokotime.com/v2"
JSON_TYPE = "application/json; charset=utf-8"
_UNSET: Any = object()


@dataclass(frozen=True)
class Reply:
    """One canned answer; built into a fresh ``requests.Response`` each time it is used."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)

    def response(self, request: requests.PreparedRequest) -> requests.Response:
        response = requests.Response()
        response.status_code = self.status
        response.headers = CaseInsensitiveDict(self.headers)
        response._content = self.body
        # No raw stream behind it: close() must not try to release one.
        response._content_consumed = True  # type: ignore[attr-defined]
        response.encoding = get_encoding_from_headers(response.headers)
        response.url = request.url or ""
        response.request = request
        return response


def answer(
    status: int = 200,
    json: Any = _UNSET,
    *,
    text: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """A reply: ``json`` is sent as Noko sends it (UTF-8 JSON), ``text`` as text/html."""
    extra = dict(headers or {})
    if json is not _UNSET:
        return Reply(status, jsonlib.dumps(json).encode(), {"Content-Type": JSON_TYPE, **extra})
    if text is not None:
        return Reply(status, text.encode(), {"Content-Type": "text/html", **extra})
    return Reply(status, b"", extra)


def dropped() -> requests.ConnectionError:
    """What requests raises when the server closes the connection without answering."""
    closed = RemoteDisconnected("Remote end closed connection without response")
    return requests.ConnectionError(ProtocolError("Connection aborted.", closed))


def timed_out() -> requests.ReadTimeout:
    """What requests raises when the answer does not come within the read timeout."""
    return requests.ReadTimeout(ReadTimeoutError(None, "/", "Read timed out."))  # type: ignore[arg-type]


def refused() -> requests.ConnectionError:
    """What requests raises when nothing listens on the port: the request was never sent."""
    reason = NewConnectionError(None, "Failed to establish a new connection: refused")  # type: ignore[arg-type]
    return requests.ConnectionError(MaxRetryError(None, "/", reason))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Sent:
    """A request as the client handed it to the session (the same fields as the sandbox's log)."""

    method: str
    url: str
    path: str
    query: dict[str, list[str]]
    raw_query: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    json: Any
    timeout: Any
    allow_redirects: bool

    @classmethod
    def of(cls, request: requests.PreparedRequest, options: Mapping[str, Any]) -> Sent:
        body = request.body or b""
        raw = body.encode() if isinstance(body, str) else bytes(body)
        parts = urlsplit(request.url or "")
        return cls(
            method=request.method or "",
            url=request.url or "",
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            raw_query=parts.query,
            headers={name.lower(): value for name, value in request.headers.items()},
            body=raw,
            json=jsonlib.loads(raw) if raw else None,
            timeout=options.get("timeout"),
            allow_redirects=bool(options.get("allow_redirects", True)),
        )


class Wire(requests.Session):
    """A ``requests.Session`` that never touches the network.

    Each request the client sends is prepared by requests as usual, recorded in ``sent`` and
    answered by the next item of the script: a ``Reply`` or an exception to raise (a drop, a
    timeout). A request beyond the script fails the test with AssertionError.
    """

    def __init__(self, *script: Reply | BaseException) -> None:
        super().__init__()
        self.trust_env = False  # no proxies or ~/.netrc from the machine running the tests
        self.sent: list[Sent] = []
        self.closed = False
        self._script = list(script)

    def then(self, *script: Reply | BaseException) -> Wire:
        self._script.extend(script)
        return self

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        sent = Sent.of(request, kwargs)
        self.sent.append(sent)
        if not self._script:
            raise AssertionError(f"unexpected request: {sent.method} {sent.url}")
        outcome = self._script.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome.response(request)

    def close(self) -> None:
        self.closed = True
        super().close()

    def only(self) -> Sent:
        """The one request sent; fails if there were none or several."""
        assert len(self.sent) == 1, [(s.method, s.url) for s in self.sent]
        return self.sent[0]

    @property
    def unused(self) -> int:
        """Script items never asked for (a test may expect every reply to be used)."""
        return len(self._script)


class FakeClock:
    """Monotonic seconds that pass only when the client sleeps; every wait is kept in order."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def wired_client(wire: Wire, clock: FakeClock | None = None, **overrides: Any) -> NokoClient:
    """A client on ``wire`` with the library's defaults (pacing off unless asked for)."""
    clock = clock or FakeClock()
    settings: dict[str, Any] = {"requests_per_second": None, **overrides}
    token = settings.pop("token", TOKEN)
    return NokoClient(token, session=wire, clock=clock, sleep=clock.sleep, **settings)
