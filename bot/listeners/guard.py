"""Runs a listener and hands any exception to the global error handler itself."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from slack_bolt.kwargs_injection import Args

from bot.listeners.errors import handle_error

# Why not just let exceptions reach @app.error: when a listener raises within ~10 ms of its
# ack(), Bolt's thread runner (slack_bolt/listener/thread_runner.py) overwrites the recorded
# ack with None and the HTTP response becomes a 404 "unhandled request" after 3 s, so Slack shows
# the user an error. Catching here keeps the ack; handle_error stays the one mapping to replies.


def guarded(listener: Callable[..., Any]) -> Callable[[Args], None]:
    names = list(inspect.signature(listener).parameters)

    def run_guarded(args: Args) -> None:
        try:
            listener(**{name: getattr(args, name) for name in names})
        except Exception as error:
            if args.ack.response is None:
                args.ack()  # never leave Slack waiting for 3 s on our bug
            handle_error(error, args.body, args.client, args.respond)

    run_guarded.__name__ = run_guarded.__qualname__ = listener.__name__
    return run_guarded
