"""The per-request collaborators a middleware puts in Bolt's context for listeners to name.

``bot.app`` injects, for every request: ``deps`` and ``settings`` (the app's), ``changes`` (the
caller's ChangeContext: who asks, with a Slack directory memoised for this request) and
``audit`` (AUDIT_CHANNEL). A listener takes them as typed arguments, as Netflix Dispatch's Slack
plugin injects its ``db_session``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import Reply
from bot.deps import Deps
from bot.services.changes import ChangeContext
from bot.services.person_time import person_today, person_zone
from bot.settings import Settings
from bot.slack.directory import SlackDirectory

logger = logging.getLogger(__name__)


def change_context(
    deps: Deps, settings: Settings, directory: SlackDirectory, user_id: str
) -> ChangeContext:
    return ChangeContext(
        noko=deps.noko,
        repo=deps.repo,
        cache=deps.cache,
        reads=deps.reads,
        directory=directory,
        actor_id=user_id,
        bot_admins=settings.noko_bot_admins,
        read_access=settings.read_access,
    )


def caller_zone(changes: ChangeContext) -> str:
    """The caller's IANA zone from Slack (users.info ``tz``); UTC when unknown or not one."""
    return person_zone(changes.directory, changes.actor_id)


def today_for(deps: Deps, changes: ChangeContext) -> dt.date:
    """Today in the caller's time zone (``services.person_time``, shared with the clock)."""
    return person_today(deps.clock(), caller_zone(changes))


@dataclass(frozen=True)
class AuditChannel:
    """AUDIT_CHANNEL (when set): who changed what, posted in the words they were answered with."""

    client: WebClient
    channel: str | None

    def announce(self, user_id: str, reply: Reply) -> None:
        self.post(Reply(f"<@{user_id}>: {reply.text}"))

    def post(self, reply: Reply) -> None:
        """A failure here must not hide the change: it is logged, not raised."""
        if not self.channel:
            return
        try:
            # No blocks key for a text-only post: Slack reads "blocks": [] as a malformed message.
            blocks = reply.blocks or None
            self.client.chat_postMessage(channel=self.channel, text=reply.text, blocks=blocks)
        except SlackApiError as error:
            logger.warning("posting to AUDIT_CHANNEL failed: %s", error.response.get("error"))
