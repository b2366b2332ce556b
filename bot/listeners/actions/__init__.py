"""Button and menu clicks: open the modals, confirm or cancel delete/clear/rename, undo a change,
refresh App Home, page through long lists.

Each is acked on the request thread and runs on the work queue (see bot/listeners/guard.py).
"""

from __future__ import annotations

from slack_bolt import App

from bot.ids import ActionId
from bot.listeners.actions.check import handle_check_action
from bot.listeners.actions.confirm import handle_cancel_action, handle_confirm_action
from bot.listeners.actions.digests import (
    handle_join_channel_action,
    handle_member_detail_action,
    handle_post_digest_action,
    handle_subscription_home_action,
    handle_subscription_preview_action,
)
from bot.listeners.actions.open_modal import handle_open_modal_action, handle_team_menu_action
from bot.listeners.actions.paging import handle_page_action
from bot.listeners.actions.refresh import handle_refresh_home_action
from bot.listeners.actions.undo import handle_undo_action
from bot.listeners.guard import deferred, immediate


def register(app: App) -> None:
    for action_id in (ActionId.OPEN_ADD, ActionId.OPEN_REMOVE, ActionId.OPEN_CREATE):
        app.action(action_id)(deferred(handle_open_modal_action))
    app.action(ActionId.TEAM_MENU)(deferred(handle_team_menu_action))
    app.action(ActionId.CONFIRM_DELETE)(deferred(handle_confirm_action))
    app.action(ActionId.CONFIRM_CLEAR)(deferred(handle_confirm_action))
    app.action(ActionId.CONFIRM_RENAME)(deferred(handle_confirm_action))
    app.action(ActionId.UNDO_CHANGE)(deferred(handle_undo_action))
    app.action(ActionId.CANCEL)(deferred(handle_cancel_action))
    app.action(ActionId.CHECK_CHANGE)(deferred(handle_check_action))
    app.action(ActionId.REFRESH_HOME)(deferred(handle_refresh_home_action))
    for action_id in (ActionId.PAGE_PREVIOUS, ActionId.PAGE_NEXT):
        app.action(action_id)(deferred(handle_page_action))
    # Selecting in the modals' pickers sends block_actions too; nothing to do but ack.
    app.action(ActionId.TEAM_SELECT)(immediate(_ack_only))
    app.action(ActionId.USERS_SELECT)(immediate(_ack_only))
    app.action(ActionId.POST_DIGEST)(deferred(handle_post_digest_action))
    app.action(ActionId.MEMBER_DETAIL)(deferred(handle_member_detail_action))
    app.action(ActionId.JOIN_CHANNEL)(deferred(handle_join_channel_action))
    for action_id in (ActionId.SUB_PAUSE, ActionId.SUB_RESUME, ActionId.SUB_DELETE):
        app.action(action_id)(deferred(handle_subscription_home_action))
    app.action(ActionId.SUB_PREVIEW)(deferred(handle_subscription_preview_action))
    for action_id in (
        ActionId.SUB_CHANNEL,
        ActionId.SUB_CADENCE,
        ActionId.SUB_DAY,
        ActionId.SUB_TIME,
        ActionId.SUB_TIMEZONE,
    ):
        app.action(action_id)(immediate(_ack_only))


def _ack_only(ack) -> None:  # type: ignore[no-untyped-def]
    ack()
