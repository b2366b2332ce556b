"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from bot.ids import CallbackId
from bot.listeners.guard import deferred_view
from bot.listeners.views.submissions import (
    check_create_submission,
    check_members_submission,
    run_create_submission,
    run_members_submission,
)
from bot.listeners.views.subscribe import check_subscribe_submission, run_subscribe_submission


def register(app: App) -> None:
    members = deferred_view(check_members_submission, run_members_submission)
    app.view(CallbackId.ADD_MEMBERS)(members)
    app.view(CallbackId.REMOVE_MEMBERS)(members)
    app.view(CallbackId.CREATE_TEAM)(deferred_view(check_create_submission, run_create_submission))
    app.view(CallbackId.SUBSCRIBE)(
        deferred_view(check_subscribe_submission, run_subscribe_submission)
    )
