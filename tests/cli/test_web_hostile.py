"""Hostile requests against the real web process (gunicorn + the app): whatever fails Slack's
signature check gets 401 (or 413 when too big), one log line without the body, and no outbound
call: neither the fake Slack nor a listening socket named in the body hears anything."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests
from webproc import SECRET, WebProcess

from bot.devtools.slack_requests import signed_headers, slash_command_body

MARKER = "BODY-MARKER-7f3a"  # in every hostile body; must never reach the log


class Listener:
    """A TCP socket on 127.0.0.1 standing for an internal address; counts who connects."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


def _bodies(hook: str) -> dict[str, tuple[str, str]]:
    """Body shapes an attacker sends: each names a response_url and users to reach."""
    command = slash_command_body(f"list {MARKER}", user_id="C0PUBLIC", response_url=hook)
    action = {
        "type": "block_actions",
        "user": {"id": "C0PUBLIC"},
        "response_url": hook,
        "actions": [{"action_id": "noko_refresh_home", "value": MARKER}],
    }
    event = {"type": "event_callback", "event": {"type": "app_home_opened", "user": "C0PUBLIC"}}
    form = "application/x-www-form-urlencoded"
    return {
        "command": (command, form),
        "action": ("payload=" + quote(json.dumps(action)), form),
        "event": (json.dumps({**event, "x": MARKER}), "application/json"),
        "json list": (f'["{MARKER}"]', "application/json"),
        "json null": ("null", "application/json"),
        "json string": (f'"{MARKER}"', "application/json"),
        "payload list": ("payload=" + quote(f'["{MARKER}"]'), form),
        "not json": ("{" + MARKER, "application/json"),
        "not utf-8": ("payload=%FF%FE" + MARKER, form),
    }


def _headers(kind: str, body: str) -> dict[str, str]:
    """Header sets that fail verification, each in a different way."""
    good = signed_headers(SECRET, body)
    ts, sig = good["X-Slack-Request-Timestamp"], good["X-Slack-Signature"]
    cases = {
        "timestamp abc": {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": sig},
        "timestamp float": {"X-Slack-Request-Timestamp": ts + ".5", "X-Slack-Signature": sig},
        "timestamp negative": {"X-Slack-Request-Timestamp": "-" + ts, "X-Slack-Signature": sig},
        "timestamp huge": {"X-Slack-Request-Timestamp": "9" * 400, "X-Slack-Signature": sig},
        "timestamp superscript": {  # "²".isdigit() is True, int("²") fails
            "X-Slack-Request-Timestamp": ts[:-1] + "²",
            "X-Slack-Signature": sig,
        },
        "timestamp letters": {"X-Slack-Request-Timestamp": ts + "x", "X-Slack-Signature": sig},
        "timestamp empty": {"X-Slack-Request-Timestamp": "", "X-Slack-Signature": sig},
        "no timestamp": {"X-Slack-Signature": sig},
        "no signature": {"X-Slack-Request-Timestamp": ts},
        "no headers": {},
        "signature non-ascii": {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=ÿþ"},
        "signature short": {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=abc"},
        "signature v1": {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v1" + sig[2:]},
        "signature forged": {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
        "signature upper": {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig.upper()},
        "signed by another secret": signed_headers("not-the-secret", body),
        "stale but signed": signed_headers(SECRET, body, timestamp=int(time.time()) - 6 * 60),
    }
    return cases[kind]


HEADER_KINDS = [
    "timestamp abc",
    "timestamp float",
    "timestamp negative",
    "timestamp huge",
    "timestamp superscript",
    "timestamp letters",
    "timestamp empty",
    "no timestamp",
    "no signature",
    "no headers",
    "signature non-ascii",
    "signature short",
    "signature v1",
    "signature forged",
    "signature upper",
    "signed by another secret",
    "stale but signed",
]


def _raw_post(port: int, headers: dict[str, str], body: bytes) -> int:
    """POST with headers sent as raw bytes (latin-1), as an attacker's client would."""
    lines = [
        "POST /slack/events HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Content-Length: {len(body)}",
        "Connection: close",
        *[f"{name}: {value}" for name, value in headers.items()],
    ]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def test_unverified_requests_get_401_and_cause_nothing(web: WebProcess, listener) -> None:
    hook = f"http://127.0.0.1:{listener.port}/hook"
    statuses: dict[tuple[str, str], int] = {}
    for shape, (body, content_type) in _bodies(hook).items():
        for kind in HEADER_KINDS:
            headers = {"Content-Type": content_type, **_headers(kind, body)}
            headers.pop("Content-Type", None) if kind == "no headers" else None
            statuses[(shape, kind)] = _raw_post(web.port, headers, body.encode("utf-8"))

    assert {key: s for key, s in statuses.items() if s != 401} == {}
    time.sleep(1.0)  # any listener work would have reached Slack or the socket by now
    assert web.slack.calls == [], [c.method for c in web.slack.calls]
    assert listener.connections == 0
    log = web.log()
    assert MARKER not in log
    assert "Traceback" not in log
    rejected = [line for line in log.splitlines() if "rejected a request" in line]
    assert len(rejected) == len(statuses)  # one line per request


def test_signed_request_still_works_after_the_attempts(web: WebProcess) -> None:
    for kind in ("timestamp abc", "signature non-ascii"):
        body = slash_command_body("help", user_id="U1", response_url="http://127.0.0.1:9/x")
        assert _raw_post(web.port, _headers(kind, body), body.encode()) == 401
    body = slash_command_body("help", user_id="U1", response_url=web.slack.response_url("ok"))
    answer = requests.post(
        f"{web.base}/slack/events", data=body, headers=signed_headers(SECRET, body), timeout=10
    )
    assert answer.status_code == 200
    assert "/noko-team" in str(web.slack.wait_for("response_url", timeout=15)[0].args)


def test_body_over_the_limit_is_refused_before_it_is_read(web: WebProcess) -> None:
    # Announce 400 MB and send none of it: the answer must come without the body.
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 400000000\r\nX-Slack-Request-Timestamp: 1\r\n"
        b"X-Slack-Signature: v0=00\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", web.port), timeout=10) as sock:
        sock.sendall(head + b"{")
        answer = sock.recv(65536)
    assert answer.split(b" ", 2)[1] == b"413"
    assert web.slack.calls == []


def test_chunked_body_is_never_read(web: WebProcess) -> None:
    # Slack always sends Content-Length; a chunked body (no length) is not read at all.
    def chunks() -> Iterator[bytes]:
        for _ in range(800):  # 800 x 64 KiB = 50 MiB
            yield b"a" * 65536

    before = web.worker_rss_kib()
    headers = {"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=00"}
    try:
        answer = requests.post(f"{web.base}/slack/events", data=chunks(), headers=headers)
        assert answer.status_code in (401, 413)
    except requests.ConnectionError:
        pass  # the server answered and closed before the client finished sending
    assert web.worker_rss_kib() - before < 20 * 1024
    assert web.slack.calls == []


@pytest.mark.parametrize("body", ["[]", "null", '"text"', "payload=%5B%5D", "payload=null"])
def test_signed_but_unreadable_payload_gets_400_without_traceback(web: WebProcess, body) -> None:
    content_type = "application/json" if not body.startswith("payload") else None
    headers = signed_headers(SECRET, body)
    if content_type:
        headers["Content-Type"] = content_type
    answer = requests.post(f"{web.base}/slack/events", data=body, headers=headers, timeout=10)
    assert answer.status_code == 400
    time.sleep(0.3)
    assert "Traceback" not in web.log()
    assert web.slack.calls == []


def test_acks_keep_flowing_past_slow_clients(web: WebProcess) -> None:
    # 30 sockets that send their body one byte at a time (more than any thread pool we had).
    slow: list[socket.socket] = []
    for _ in range(30):
        sock = socket.create_connection(("127.0.0.1", web.port), timeout=10)
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\nt"
        )
        slow.append(sock)
    try:
        time.sleep(0.5)
        for sock in slow:
            sock.sendall(b"e")
        body = slash_command_body("help", user_id="U1", response_url=web.slack.response_url("s"))
        # With gunicorn's gthread worker this request waited behind the slow bodies for as
        # long as they kept trickling; the gevent worker serves it while they trickle.
        answer = requests.post(
            f"{web.base}/slack/events", data=body, headers=signed_headers(SECRET, body), timeout=10
        )
        assert answer.status_code == 200
    finally:
        for sock in slow:
            sock.close()
