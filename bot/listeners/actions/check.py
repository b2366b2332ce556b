"""The Check button under a change whose outcome is unknown: say what Noko has now."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.blocks.modals import result_view
from bot.blocks.teams import check_reply
from bot.services.change_check import CheckTarget, check_change
from bot.services.changes import ChangeContext


def handle_check_action(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    changes: ChangeContext,
) -> None:
    ack()
    target = CheckTarget.parse(str(action.get("value") or ""))
    reply = check_reply(check_change(changes, target))
    view = body.get("view") or {}
    if view.get("id"):
        # Pressed in the modal that showed the result: a modal has no response_url.
        client.views_update(
            view_id=view["id"], view=result_view(target.action, reply.text, reply.blocks)
        )
    else:
        respond(text=reply.text, blocks=reply.blocks, replace_original=False)
