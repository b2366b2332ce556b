"""Helpers every listener shares: the change context, today for a user, audit posts."""

from __future__ import annotations

import datetime as dt
import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import Reply
from bot.deps import Deps
from bot.services.changes import ChangeContext
from bot.settings import Settings
from bot.slack.directory import SlackDirectory
from bot.zones import zone_or_utc

logger = logging.getLogger(__name__)


def change_context(
    deps: Deps, settings: Settings, directory: SlackDirectory, user_id: str
) -> ChangeContext:
    return ChangeContext(
        noko=deps.noko,
        repo=deps.repo,
        cache=deps.cache,
        directory=directory,
        actor_id=user_id,
        bot_admins=settings.noko_bot_admins,
    )


def today_for(deps: Deps, directory: SlackDirectory, user_id: str) -> dt.date:
    """Today in the Slack user's time zone: "today" at 1 a.m. in Tokyo is not UTC's today."""
    return deps.clock().astimezone(zone_or_utc(directory.timezone(user_id))).date()


def announce_change(client: WebClient, settings: Settings, user_id: str, reply: Reply) -> None:
    """Tell AUDIT_CHANNEL who changed what, in the words the changer was answered with."""
    post_audit(client, settings, Reply(f"<@{user_id}>: {reply.text}"))


def post_audit(client: WebClient, settings: Settings, reply: Reply) -> None:
    """Post a change to AUDIT_CHANNEL when set; a failure there must not hide the change."""
    if not settings.audit_channel:
        return
    try:
        channel = settings.audit_channel
        client.chat_postMessage(channel=channel, text=reply.text, blocks=reply.blocks)
    except SlackApiError as error:
        logger.warning("posting to AUDIT_CHANNEL failed: %s", error.response.get("error"))
