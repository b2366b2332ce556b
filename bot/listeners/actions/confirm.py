"""The Delete / Remove everyone / Rename confirmation buttons (and Cancel) under a command
reply. Delete and clear can't be undone; a confirmed rename offers Undo like any change."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond

from bot.deps import Deps
from bot.errors import TeamNotFoundError
from bot.ids import ActionId
from bot.listeners.answers import answer_change
from bot.listeners.context import AuditChannel
from bot.services import team_changes
from bot.services.changes import ChangeContext
from bot.services.team_changes import ChangeOutcome, RenamePlan

GONE = "Nothing was changed: that team is no longer in Noko (deleted already?)."


def handle_confirm_action(
    ack: Ack,
    action: dict[str, Any],
    respond: Respond,
    deps: Deps,
    changes: ChangeContext,
    audit: AuditChannel,
) -> None:
    ack()
    try:
        outcome = _confirmed(changes, action["action_id"], str(action.get("value") or ""))
    except TeamNotFoundError:
        # A second click on a used button, or the team was deleted meanwhile.
        respond(text=GONE, replace_original=True)
        return
    reply = answer_change(deps, changes, audit, outcome)
    respond(text=reply.text, blocks=reply.blocks, replace_original=True)


def _confirmed(changes: ChangeContext, action_id: str, value: str) -> ChangeOutcome:
    if action_id == ActionId.CONFIRM_RENAME:
        plan = RenamePlan.parse(value)
        return team_changes.rename_team(changes, plan.team, plan.new_name)
    if action_id == ActionId.CONFIRM_DELETE:
        return team_changes.delete_team(changes, value)
    return team_changes.clear_team(changes, value)


def handle_cancel_action(ack: Ack, respond: Respond) -> None:
    ack()
    respond(text="Cancelled: nothing was changed.", replace_original=True)
