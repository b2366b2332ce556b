"""The Undo button under a change: make the inverse change, as the person who clicked."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks.common import Reply
from bot.blocks.modals import result_view
from bot.blocks.teams import audit_text, undone_reply
from bot.deps import Deps
from bot.errors import ViewFailedError
from bot.listeners.context import AuditChannel
from bot.services.changes import ChangeContext
from bot.services.undo import undo_change


def handle_undo_action(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    deps: Deps,
    changes: ChangeContext,
    audit: AuditChannel,
) -> None:
    ack()
    view_id = (body.get("view") or {}).get("id")
    try:
        outcome = undo_change(changes, str(action.get("value") or ""), deps.clock())
    except Exception as error:
        if view_id:  # pressed in the modal that showed the change: say it there
            raise ViewFailedError(error, view_id=view_id, kind="undo") from None
        raise
    reply = undone_reply(outcome)
    audit.post(Reply(audit_text(outcome, changes.actor_id, undo=True)))
    if view_id:
        client.views_update(
            view_id=view_id, view=result_view(outcome.action, reply.text, reply.blocks)
        )
    else:
        respond(text=reply.text, blocks=reply.blocks, replace_original=True)
