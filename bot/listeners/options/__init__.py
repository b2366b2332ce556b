"""Options (type-ahead) for the modal pickers, served from the cache within Slack's 3 s."""

from __future__ import annotations

from slack_bolt import App

from bot.ids import ActionId
from bot.listeners.guard import immediate
from bot.listeners.options.pickers import load_team_options, load_user_options


def register(app: App) -> None:
    app.options(ActionId.TEAM_SELECT)(immediate(load_team_options))
    app.options(ActionId.USERS_SELECT)(immediate(load_user_options))
