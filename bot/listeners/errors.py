"""The one global error handler: every exception becomes a helpful sentence for the user.

Only for requests that passed Slack's signature check (``context["verified"]``, set by
``bot.app.SignatureCheck``): an error raised on an unverified request is logged in one line and
answered by nobody, since its ``response_url`` and user ids are whatever the sender wrote.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient

from bot.blocks.common import cap_text
from bot.blocks.modals import modal_kind, result_view
from bot.errors import ViewFailedError, is_known, new_error_id, user_message_for

logger = logging.getLogger(__name__)


def handle_error(
    error: Exception, body: Any, client: WebClient, respond: Any, context: Any = None
) -> None:
    """Known errors are expected (logged in one line); unknown ones get an id in log and reply."""
    if not _verified(context) or not isinstance(body, dict):
        logger.warning("refused to act on an unverified request (%s)", type(error).__name__)
        return
    cause = error.cause if isinstance(error, ViewFailedError) else error
    error_id = new_error_id()
    if is_known(cause):
        logger.info("request failed [%s]: %s: %s", error_id, type(cause).__name__, cause)
    else:
        logger.error("unexpected error [%s]", error_id, exc_info=cause)
    text = cap_text(user_message_for(cause, error_id))
    try:
        _show(error, body, client, respond, text)
    except Exception:
        logger.exception("could not tell the user about error [%s]", error_id)


def _verified(context: Any) -> bool:
    try:
        return context is not None and context.get("verified") is True
    except AttributeError:
        return False


def _show(
    error: Exception, body: dict[str, Any], client: WebClient, respond: Any, text: str
) -> None:
    view = body.get("view") or {}
    if isinstance(error, ViewFailedError):
        client.views_update(view_id=error.view_id, view=result_view(error.kind, text))
    elif body.get("type") == "view_submission" and view.get("id"):
        kind = modal_kind(view.get("callback_id", ""))
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
