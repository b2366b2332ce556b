"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from bot.ids import CallbackId
from bot.listeners.guard import guarded
from bot.listeners.views.submissions import handle_create_submission, handle_members_submission
from bot.listeners.views.subscribe import handle_subscribe_submission


def register(app: App) -> None:
    app.view(CallbackId.ADD_MEMBERS)(guarded(handle_members_submission))
    app.view(CallbackId.REMOVE_MEMBERS)(guarded(handle_members_submission))
    app.view(CallbackId.CREATE_TEAM)(guarded(handle_create_submission))
    app.view(CallbackId.SUBSCRIBE)(guarded(handle_subscribe_submission))
