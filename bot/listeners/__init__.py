"""Slack listeners, one package per kind; each exposes ``register(app)``."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import actions, commands, events, options, views


def register(app: App) -> None:
    for kind in (commands, actions, views, options, events):
        kind.register(app)
