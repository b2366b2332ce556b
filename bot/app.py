"""Builds the Bolt app from Settings and Deps (no network at build time), and runs Socket Mode."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.deps import Deps
from bot.listeners import register
from bot.listeners.errors import handle_error
from bot.settings import Settings

logger = logging.getLogger(__name__)

# Bolt runs each listener, ack() included, on this pool; a request waits until its listener has
# acked. Listeners then block on Noko (2 requests/s) after the ack, so with Bolt's default of 5
# workers a burst of commands starved later ones of a thread and their acks missed Slack's 3 s
# (measured by bench/bench_ack.py). Waiting threads cost little: the pool is sized for bursts
# (settings.slack_listener_threads, default 64).

# Bolt silently switches to OAuth (and a file installation store) when these are in the env.
_OAUTH_ENV = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")


@contextlib.contextmanager
def _without_oauth_env() -> Iterator[None]:
    saved = {name: os.environ.pop(name) for name in _OAUTH_ENV if name in os.environ}
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
    with _without_oauth_env():
        app = App(
            name="noko-team-bot",
            client=client,
            signing_secret=signing_secret,
            # Socket Mode payloads carry no signature; HTTP requests always must.
            request_verification_enabled=not settings.socket_mode,
            token_verification_enabled=False,
            logger=logging.getLogger("bot.bolt"),
            listener_executor=ThreadPoolExecutor(settings.slack_listener_threads, "bolt-listener"),
        )
    app.use(_inject(settings, deps))
    app.error(handle_error)
    register(app)
    return app


def _inject(settings: Settings, deps: Deps) -> Callable[..., None]:
    def inject_deps(context: dict[str, Any], next: Callable[[], None]) -> None:
        context["deps"] = deps
        context["settings"] = settings
        next()

    return inject_deps


def start_socket_mode(settings: Settings, deps: Deps) -> None:
    """Connect over Socket Mode (SLACK_APP_TOKEN) and serve until interrupted."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    app = create_app(settings, deps)
    deps.cache.warm_in_background()
    SocketModeHandler(app, _secret(settings.slack_app_token)).start()
