"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners.events.app_home import handle_app_home_opened_event
from bot.listeners.events.channels import handle_member_joined_channel_event
from bot.listeners.guard import deferred


def register(app: App) -> None:
    app.event("app_home_opened")(deferred(handle_app_home_opened_event))
    app.event("member_joined_channel")(deferred(handle_member_joined_channel_event))
