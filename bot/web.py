"""The Flask app served by gunicorn: POST /slack/events (Bolt), POST /noko/webhooks (Noko's
webhook deliveries, applied to the mirror) and GET /healthz.

Before Bolt sees a request, its size is bounded (``MAX_BODY_BYTES``, checked against
Content-Length before the body is read; a body without Content-Length, i.e. chunked, is not
read at all and so fails the signature check) and its Slack signature checked: a request that
fails gets 413 or 401 and one log line, and never reaches Bolt, whose request parsing fails on
bodies such as ``[]`` or ``null``.
"""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask, Response, jsonify, request
from pydantic import ValidationError
from slack_bolt.adapter.flask.handler import to_flask_response

from bot.app import SlackRequest, create_app
from bot.deps import Deps, build_deps
from bot.mirror.storage import MirrorStore
from bot.mirror.webhooks import (
    CATEGORY_HEADER,
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    receive_delivery,
)
from bot.services.lagging import warm
from bot.settings import Settings, check_required, describe_validation_error
from bot.verification import MAX_BODY_BYTES, signature_problem

logger = logging.getLogger(__name__)


def create_web_app(settings: Settings, deps: Deps | None = None) -> Flask:
    """Builds deps from ``settings`` unless given (tests pass their own)."""
    deps = deps if deps is not None else build_deps(settings)
    app = create_app(settings, deps)
    secret = settings.slack_signing_secret
    signing_secret = secret.get_secret_value() if secret is not None else ""
    web = Flask("noko_team_bot")
    web.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @web.post("/slack/events")
    def slack_events():  # type: ignore[no-untyped-def]
        if not settings.socket_mode:
            problem = signature_problem(
                signing_secret,
                request.get_data(cache=True),  # 413 here, unread, when over MAX_BODY_BYTES
                request.headers.get("X-Slack-Request-Timestamp"),
                request.headers.get("X-Slack-Signature"),
                time.time,
            )
            if problem is not None:
                logger.warning(
                    "rejected a request to /slack/events: %s (%d bytes)",
                    problem,
                    request.content_length or 0,
                )
                return _json_error(401, "invalid request")
        try:
            bolt_request = SlackRequest(
                body=request.get_data(as_text=True),
                query=request.query_string.decode("utf-8"),
                headers=request.headers,
            )
        except (AttributeError, TypeError, ValueError) as error:
            # Signed, yet not a payload Bolt can read (``[]``, ``null``, a JSON string).
            logger.warning("refused a signed request Bolt cannot parse (%s)", type(error).__name__)
            return _json_error(400, "unreadable payload")
        return to_flask_response(app.dispatch(bolt_request))

    mirror = MirrorStore(deps.repo.engine, clock=deps.clock)

    @web.post("/noko/webhooks")
    def noko_webhooks():  # type: ignore[no-untyped-def]
        # The body is bounded by MAX_CONTENT_LENGTH (413, unread) and signed by Noko: checked
        # before anything is parsed or written.
        reply = receive_delivery(
            mirror,
            deps.noko,
            request.get_data(cache=False),
            request.headers.get(SIGNATURE_HEADER),
            request.headers.get(DELIVERY_HEADER),
            category=request.headers.get(CATEGORY_HEADER),
        )
        if reply.status != 200:
            return _json_error(reply.status, reply.message)
        return jsonify({"ok": True, "message": reply.message})

    @web.errorhandler(413)
    def too_large(_error):  # type: ignore[no-untyped-def]
        logger.warning("rejected a request over %d bytes", MAX_BODY_BYTES)
        return _json_error(413, "request too large")

    @web.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return jsonify({"status": "ok"})

    return web


def _json_error(status: int, message: str) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    return response


def create_wsgi() -> Flask:
    """For ``gunicorn 'bot.web:create_wsgi()'``: settings from the environment, or exit 2."""
    try:
        settings = Settings()
        problems = check_required(settings, mode="http")
    except ValidationError as error:
        problems = describe_validation_error(error)
    if problems:
        for line in problems:
            print(f"noko-bot: {line}", file=sys.stderr)
        raise SystemExit(2)
    deps = build_deps(settings)
    warm(deps.reads)
    return create_web_app(settings, deps)
