"""How a team change is answered, wherever it was asked (command, form, confirmation button):
the reply, with an Undo button when the change can be undone, and the audit channel post."""

from __future__ import annotations

from bot.blocks.common import Reply
from bot.blocks.teams import audit_text, change_reply
from bot.deps import Deps
from bot.listeners.context import AuditChannel
from bot.services.changes import ChangeContext
from bot.services.team_changes import ChangeOutcome
from bot.services.undo import offer_undo


def answer_change(
    deps: Deps, changes: ChangeContext, audit: AuditChannel, outcome: ChangeOutcome
) -> Reply:
    undo_id = offer_undo(changes.repo, outcome, changes.actor_id, deps.clock())
    audit.post(Reply(audit_text(outcome, changes.actor_id)))
    return change_reply(outcome, undo_id)
