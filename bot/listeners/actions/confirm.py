"""The Delete / Remove everyone confirmation buttons (and Cancel) under a command reply."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.blocks.common import Reply
from bot.blocks.teams import audit_text, change_reply
from bot.errors import TeamNotFoundError
from bot.ids import ActionId
from bot.listeners.context import AuditChannel
from bot.services import team_changes
from bot.services.changes import ChangeContext

GONE = "Nothing was changed: that team is no longer in Noko (deleted already?)."


def handle_confirm_action(
    ack: Ack, action: dict[str, Any], respond: Respond, changes: ChangeContext, audit: AuditChannel
) -> None:
    ack()
    team_id = str(action.get("value") or "")
    change = (
        team_changes.delete_team
        if action["action_id"] == ActionId.CONFIRM_DELETE
        else team_changes.clear_team
    )
    try:
        outcome = change(changes, team_id)
    except TeamNotFoundError:
        # A second click on a used button, or the team was deleted meanwhile.
        respond(text=GONE, replace_original=True)
        return
    reply = change_reply(outcome)
    respond(text=reply.text, blocks=reply.blocks, replace_original=True)
    audit.post(Reply(audit_text(outcome, changes.actor_id)))


def handle_cancel_action(ack: Ack, respond: Respond) -> None:
    ack()
    respond(text="Cancelled: nothing was changed.", replace_original=True)
