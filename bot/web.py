"""The Flask app served by gunicorn: POST /slack/events (Bolt) and GET /healthz."""

from __future__ import annotations

import sys

from flask import Flask, jsonify, request
from pydantic import ValidationError
from slack_bolt.adapter.flask import SlackRequestHandler

from bot.app import create_app
from bot.deps import Deps, build_deps
from bot.settings import Settings, check_required, describe_validation_error


def create_web_app(settings: Settings, deps: Deps | None = None) -> Flask:
    """Builds deps from ``settings`` unless given (tests pass their own)."""
    deps = deps if deps is not None else build_deps(settings)
    handler = SlackRequestHandler(create_app(settings, deps))
    web = Flask("noko_team_bot")

    @web.post("/slack/events")
    def slack_events():  # type: ignore[no-untyped-def]
        return handler.handle(request)

    @web.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return jsonify({"status": "ok"})

    return web


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
    deps.cache.warm_in_background()
    return create_web_app(settings, deps)
