"""Builds the Bolt app from Settings and Deps (no network at build time), and runs Socket Mode."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.request.internals import build_context
from slack_sdk import WebClient

from bot.deps import Deps
from bot.listeners import register
from bot.listeners.context import AuditChannel, change_context
from bot.listeners.errors import handle_error
from bot.listeners.guard import RequireUser
from bot.listeners.work import WorkQueue
from bot.services.lagging import warm
from bot.settings import Settings
from bot.slack.directory import SlackDirectory
from bot.verification import signature_problem

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

logger = logging.getLogger(__name__)

# Acks never wait (issue: 200 concurrent commands, half the acks over 3 s): Bolt runs with
# process_before_response, so the registered function runs on the HTTP request's own thread and
# only decides the ack; listener work goes to a bounded WorkQueue (bot/listeners/guard.py).

# Bolt silently switches to OAuth (and a file installation store) when the first two are in the
# env, and reads SLACK_BOT_TOKEN from it only to warn that the client we give it wins.
_BOLT_ENV = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_BOT_TOKEN")


@contextlib.contextmanager
def _without_bolt_env() -> Iterator[None]:
    saved = {name: os.environ.pop(name) for name in _BOLT_ENV if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def create_app(settings: Settings, deps: Deps) -> App:
    """A single-workspace Bolt app: Web API at SLACK_API_URL, deps in every listener's context."""
    signing_secret = _secret(settings.slack_signing_secret)
    if not settings.socket_mode and not signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is not set (needed in HTTP mode)")
    client = WebClient(token=_secret(settings.slack_bot_token), base_url=settings.slack_api_url)
    work = WorkQueue(settings.slack_listener_threads, settings.slack_queue_limit)
    busy_notices = WorkQueue(2, 100, "bolt-busy")
    with _without_bolt_env():
        app = App(
            name="noko-team-bot",
            client=client,
            signing_secret=signing_secret,
            # Bolt's own check raises on malformed headers (the exception then reached the error
            # handler with the unverified body); SignatureCheck replaces it and never raises.
            request_verification_enabled=False,
            before_authorize=SignatureCheck(signing_secret or "", socket_mode=settings.socket_mode),
            token_verification_enabled=False,
            process_before_response=True,
            logger=logging.getLogger("bot.bolt"),
        )
    app.use(RequireUser())
    app.use(_inject(settings, deps, work, busy_notices))
    app.error(handle_error)
    register(app)
    return app


class SignatureCheck(Middleware):
    """First of the app's middleware (before authorization, which calls Slack): a request that
    fails Slack's signature check gets 401, one log line without the body, and nothing else.
    A request that passes is marked ``context["verified"]``, which the error handler requires.
    Socket Mode payloads come over the app-token websocket and carry no signature."""

    def __init__(self, signing_secret: str, *, socket_mode: bool) -> None:
        self._secret = signing_secret
        self._socket_mode = socket_mode

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        if self._socket_mode and req.mode == "socket_mode":
            req.context["verified"] = True
            return next()
        problem = signature_problem(
            self._secret,
            req.raw_body.encode("utf-8", "surrogatepass"),
            _header(req, "x-slack-request-timestamp"),
            _header(req, "x-slack-signature"),
            time.time,
        )
        if problem is not None:
            logger.warning("rejected a Slack request: %s", problem)
            return BoltResponse(status=401, body={"error": "invalid request"})
        req.context["verified"] = True
        return next()


class SlackRequest(BoltRequest):
    """A Bolt request whose form body is read whole.

    Bolt takes any form body containing the word "payload" for an interactive payload and,
    finding no ``payload`` field, reads it as empty: a slash command whose text says "payload"
    (a team called Payload) then matched no listener and Slack showed the person an error.
    """

    def __init__(self, *, body: str, query: str | None = None, headers: Any = None) -> None:
        super().__init__(body=body, query=query, headers=headers)
        if not self.body and "payload" in body and not body.lstrip().startswith("{"):
            form = dict(parse_qsl(body, keep_blank_values=True))
            if form and "payload" not in form:
                self.body = form
                self.context = build_context(BoltContext({}), form)


def _header(req: BoltRequest, name: str) -> str | None:
    values = req.headers.get(name) or []
    return values[0] if values else None


def _inject(
    settings: Settings, deps: Deps, work: WorkQueue, busy_notices: WorkQueue
) -> Callable[..., None]:
    """Puts the collaborators in every request's context (see ``bot.listeners.context``);
    nothing here calls Slack or Noko, so acks never wait on it."""

    def inject_deps(context: BoltContext, next: Callable[[], None]) -> None:
        directory = SlackDirectory(context.client)
        context["deps"] = deps
        context["settings"] = settings
        context["work_queue"] = work
        context["busy_notices"] = busy_notices
        context["changes"] = change_context(deps, settings, directory, context.user_id or "")
        context["audit"] = AuditChannel(context.client, settings.audit_channel)
        next()

    return inject_deps


def connect_socket_mode(settings: Settings, deps: Deps) -> SocketModeHandler:
    """Connect over Socket Mode (SLACK_APP_TOKEN); the returned handler serves in the background
    until its ``close()``."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    app = create_app(settings, deps)
    warm(deps.reads)
    handler = SocketModeHandler(app, _secret(settings.slack_app_token))
    handler.connect()  # type: ignore[no-untyped-call]  # slack_bolt leaves it unannotated
    return handler
