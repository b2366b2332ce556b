"""The /noko-team slash command."""

from __future__ import annotations

from slack_bolt import App

from bot.ids import COMMAND
from bot.listeners.commands.noko_team import handle_noko_team_command
from bot.listeners.guard import deferred


def register(app: App) -> None:
    app.command(COMMAND)(deferred(handle_noko_team_command))
