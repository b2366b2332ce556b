"""The Delete / Remove everyone confirmation buttons (and Cancel) under a command reply."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks.common import Reply
from bot.blocks.teams import audit_text, change_reply
from bot.deps import Deps
from bot.ids import ActionId
from bot.listeners.context import change_context, post_audit
from bot.services import team_changes
from bot.settings import Settings
from bot.slack.directory import SlackDirectory


def handle_confirm_action(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    deps: Deps,
    settings: Settings,
) -> None:
    ack()
    user_id = str(body["user"]["id"])
    changes = change_context(deps, settings, SlackDirectory(client), user_id)
    team_id = str(action.get("value") or "")
    if action["action_id"] == ActionId.CONFIRM_DELETE:
        outcome = team_changes.delete_team(changes, team_id)
    else:
        outcome = team_changes.clear_team(changes, team_id)
    reply = change_reply(outcome)
    respond(text=reply.text, blocks=reply.blocks, replace_original=True)
    post_audit(client, settings, Reply(audit_text(outcome, user_id)))


def handle_cancel_action(ack: Ack, respond: Respond) -> None:
    ack()
    respond(text="Cancelled: nothing was changed.", replace_original=True)
