"""The one global error handler: every exception becomes a helpful sentence for the user."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.blocks.modals import result_view
from bot.errors import ViewFailedError, is_known, new_error_id, user_message_for
from bot.ids import CallbackId

logger = logging.getLogger(__name__)
_KINDS = {
    CallbackId.ADD_MEMBERS: "add",
    CallbackId.REMOVE_MEMBERS: "remove",
    CallbackId.CREATE_TEAM: "create",
}


def handle_error(error: Exception, body: dict[str, Any], client: WebClient, respond: Any) -> None:
    """Known errors are expected (logged in one line); unknown ones get an id in log and reply."""
    cause = error.cause if isinstance(error, ViewFailedError) else error
    error_id = new_error_id()
    if is_known(cause):
        logger.info("request failed [%s]: %s: %s", error_id, type(cause).__name__, cause)
    else:
        logger.error("unexpected error [%s]", error_id, exc_info=cause)
    text = user_message_for(cause, error_id)
    try:
        _show(error, body, client, respond, text)
    except Exception:
        logger.exception("could not tell the user about error [%s]", error_id)


def _show(error: Exception, body: dict[str, Any], client: WebClient, respond: Any, text: str):
    view = body.get("view") or {}
    if isinstance(error, ViewFailedError):
        client.views_update(view_id=error.view_id, view=result_view(error.kind, text))
    elif body.get("type") == "view_submission" and view.get("id"):
        kind = _KINDS.get(view.get("callback_id", ""), "")
        client.views_update(view_id=view["id"], view=result_view(kind, text))
    elif respond is not None and getattr(respond, "response_url", None):
        respond(text=text, response_type="ephemeral", replace_original=False)
    elif user_id := _user_of(body):
        # App Home clicks have no response_url: a DM from the bot is the only way to answer.
        client.chat_postMessage(channel=user_id, text=text)


def _user_of(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    if isinstance(user, dict):
        return user.get("id")
    event = body.get("event") or {}
    return event.get("user") or body.get("user_id")
