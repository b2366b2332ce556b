"""Slack's Socket Mode side of the fake: apps.connections.open and the websocket it hands out."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

from bot.devtools.fake_slack import FakeSlack
from bot.devtools.slack_requests import slash_command_fields

DEFAULT_APP_TOKEN = "xapp-1-A0001-fake-app-token"
# Slack refuses more than 10 open connections per app-level token.
MAX_CONNECTIONS = 10


@dataclass(frozen=True)
class Envelope:
    """A payload Slack delivered over the websocket, waiting for (or given) its ack."""

    envelope_id: str
    type: str
    payload: dict[str, Any]
    accepts_response_payload: bool
    sent_at: float


@dataclass(frozen=True)
class Ack:
    """What the app sent back for an envelope: ``{"envelope_id": ..., "payload": {...}}``."""

    envelope_id: str
    payload: dict[str, Any] | None
    at: float


@dataclass
class _State:
    cond: threading.Condition = field(default_factory=threading.Condition)
    tickets: set[str] = field(default_factory=set)
    live: list[ServerConnection] = field(default_factory=list)
    opened: int = 0
    envelopes: dict[str, Envelope] = field(default_factory=dict)
    acks: dict[str, Ack] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class FakeSocketMode:
    """Plugs ``apps.connections.open`` into ``slack`` and serves the websocket URL it returns.

    Like Slack: the method takes only the app-level token (``invalid_auth`` for another,
    ``not_allowed_token_type`` for a bot token), each URL's ticket opens one connection, every
    connection starts with ``hello``, and an ack must name an envelope that was delivered and
    not yet acked. Unlike Slack, which picks one of the open connections at random, an envelope
    goes to the newest one, so tests are deterministic. What the app did wrong is in
    :attr:`problems` (a test asserts it stays empty).
    """

    def __init__(
        self, slack: FakeSlack, *, app_token: str = DEFAULT_APP_TOKEN, app_id: str = "A0001"
    ) -> None:
        self._slack = slack
        self._app_token = app_token
        self._app_id = app_id
        self._state = _State()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeSocketMode:
        # No compression: slack_sdk's built-in client never asks for it.
        self._server = serve(
            self._serve, "127.0.0.1", 0, process_request=self._check_ticket, compression=None
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self._slack.serve_method("apps.connections.open", self._open)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "start() first"
        return int(self._server.socket.getsockname()[1])

    # -- Slack's side ------------------------------------------------------------------------
    def send_envelope(
        self, type_: str, payload: dict[str, Any], *, accepts_response_payload: bool = True
    ) -> str:
        """Deliver ``payload`` to the newest open connection; returns its envelope_id."""
        envelope = Envelope(
            str(uuid.uuid4()), type_, payload, accepts_response_payload, time.monotonic()
        )
        message = {
            "envelope_id": envelope.envelope_id,
            "type": type_,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        with self._state.cond:
            if not self._state.live:
                raise AssertionError("no open Socket Mode connection to deliver to")
            connection = self._state.live[-1]
            self._state.envelopes[envelope.envelope_id] = envelope
        connection.send(json.dumps(message))
        return envelope.envelope_id

    def send_slash_command(
        self,
        text: str,
        *,
        user_id: str,
        response_url: str,
        channel_id: str = "C0GENERAL",
        command: str = "/noko-team",
    ) -> str:
        """A slash command as Socket Mode carries it: the HTTP form's fields as a JSON object."""
        payload: dict[str, str] = slash_command_fields(
            text,
            user_id=user_id,
            response_url=response_url,
            channel_id=channel_id,
            trigger_id=f"{uuid.uuid4().int % 10**12}.1.fake",
            command=command,
            app_id=self._app_id,
        )
        payload["is_enterprise_install"] = "false"
        return self.send_envelope("slash_commands", payload)

    def request_refresh(self) -> None:
        """Tell every open connection to reconnect, as Slack does every few hours."""
        message = json.dumps(
            {
                "type": "disconnect",
                "reason": "refresh_requested",
                "debug_info": {"host": "fake-socket-mode"},
            }
        )
        with self._state.cond:
            live = list(self._state.live)
        for connection in live:
            connection.send(message)

    # -- inspection --------------------------------------------------------------------------
    @property
    def problems(self) -> list[str]:
        with self._state.cond:
            return list(self._state.problems)

    @property
    def connections_opened(self) -> int:
        with self._state.cond:
            return self._state.opened

    @property
    def open_connections(self) -> int:
        with self._state.cond:
            return len(self._state.live)

    def wait_connected(self, opened: int = 1, timeout: float = 30.0) -> None:
        """Wait until ``opened`` connections were said hello to and one is still open."""
        self._wait(
            lambda s: s.opened >= opened and bool(s.live), timeout, f"{opened} connection(s)"
        )

    def wait_closed(self, timeout: float = 30.0) -> None:
        """Wait until no connection is open (the app closed its websocket)."""
        self._wait(lambda s: not s.live, timeout, "every connection closed")

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> Ack:
        self._wait(lambda s: envelope_id in s.acks, timeout, f"the ack of {envelope_id}")
        with self._state.cond:
            return self._state.acks[envelope_id]

    def _wait(self, done: Callable[[_State], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        with self._state.cond:
            while not done(self._state):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting for {what}; {self._summary()}")
                self._state.cond.wait(remaining)

    def _summary(self) -> str:
        s = self._state
        return f"opened={s.opened} live={len(s.live)} acks={len(s.acks)} problems={s.problems}"

    # -- protocol ----------------------------------------------------------------------------
    def _open(self, args: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """apps.connections.open: a one-connection websocket URL, for the app-level token only."""
        auth = headers.get("authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else str(args.get("token", ""))
        if not token:
            return 200, {"ok": False, "error": "not_authed"}
        if not token.startswith("xapp-"):
            error = "not_allowed_token_type" if token.startswith("xox") else "invalid_auth"
            return 200, {"ok": False, "error": error}
        if token != self._app_token:
            return 200, {"ok": False, "error": "invalid_auth"}
        ticket = str(uuid.uuid4())
        with self._state.cond:
            self._state.tickets.add(ticket)
        url = f"ws://127.0.0.1:{self.port}/link/?ticket={ticket}&app_id={self._app_id}"
        return 200, {"ok": True, "url": url}

    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        """Refuse the handshake unless it presents a ticket apps.connections.open issued."""
        ticket = _query_value(request.path, "ticket")
        with self._state.cond:
            if ticket not in self._state.tickets:
                self._state.problems.append(f"websocket opened without a valid ticket: {ticket!r}")
                return connection.respond(401, "invalid or used ticket\n")
            if len(self._state.live) >= MAX_CONNECTIONS:
                return connection.respond(429, "too many connections\n")
            self._state.tickets.discard(ticket)  # one connection per URL
        return None

    def _serve(self, connection: ServerConnection) -> None:
        # Envelopes go only to connections that were said hello to, as in Slack.
        with self._state.cond:
            hello = _hello(len(self._state.live) + 1, self._app_id)
        try:
            connection.send(json.dumps(hello))
        except ConnectionClosed:
            return
        with self._state.cond:
            self._state.live.append(connection)
            self._state.opened += 1
            self._state.cond.notify_all()
        try:
            for message in _messages(connection):
                self._receive(message)
        finally:
            with self._state.cond:
                self._state.live.remove(connection)
                self._state.cond.notify_all()

    def _receive(self, message: str | bytes) -> None:
        body = _json_object(message)
        with self._state.cond:
            problem = self._ack_problem(body)
            if body is not None and problem is None:
                ack = Ack(str(body["envelope_id"]), body.get("payload"), time.monotonic())
                self._state.acks[ack.envelope_id] = ack
            else:
                self._state.problems.append(f"{problem}: {str(message)[:200]}")
            self._state.cond.notify_all()

    def _ack_problem(self, body: dict[str, Any] | None) -> str | None:
        if body is None:
            return "not a JSON object in a text frame"
        envelope_id = body.get("envelope_id")
        if not envelope_id:
            return "an ack without envelope_id"
        envelope = self._state.envelopes.get(str(envelope_id))
        if envelope is None:
            return "an ack for an envelope never delivered"
        if envelope.envelope_id in self._state.acks:
            return "a second ack for one envelope"
        payload = body.get("payload")
        if payload is not None and not isinstance(payload, dict):
            return "an ack whose payload is not an object"
        if payload and not envelope.accepts_response_payload:
            return "a response payload for an envelope that accepts none"
        return None


def _messages(connection: ServerConnection) -> Iterator[str | bytes]:
    """Frames until the app closes: slack_sdk drops the TCP connection without a close frame."""
    try:
        yield from connection
    except ConnectionClosed:
        return


def _json_object(message: str | bytes) -> dict[str, Any] | None:
    if not isinstance(message, str):
        return None  # Slack talks in text frames only
    try:
        body = json.loads(message)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _hello(num_connections: int, app_id: str) -> dict[str, Any]:
    return {
        "type": "hello",
        "num_connections": num_connections,
        "debug_info": {
            "host": "fake-socket-mode",
            "build_number": 1,
            "approximate_connection_time": 18060,
        },
        "connection_info": {"app_id": app_id},
    }


def _query_value(path: str, name: str) -> str | None:
    values = parse_qs(urlsplit(path).query).get(name)
    return values[-1] if values else None
