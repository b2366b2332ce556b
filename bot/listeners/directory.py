"""Slack's user directory (users.info) behind the services' Directory protocol."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.people import SlackProfile

logger = logging.getLogger(__name__)


# Slack's answers meaning "the bot can't see this channel's members" (e.g. private, bot not in it).
_CANNOT_SEE = frozenset({"channel_not_found", "not_in_channel", "missing_scope", "invalid_channel"})
MEMBERS_PAGE = 200


class SlackDirectory:
    """Looks each user up once per request (users:read, users:read.email) and channel members
    (conversations.members: channels:read, groups:read)."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._seen: dict[str, SlackProfile | None] = {}
        self.tz: dict[str, str] = {}

    def profile(self, user_id: str) -> SlackProfile | None:
        if user_id not in self._seen:
            self._seen[user_id] = self._lookup(user_id)
        return self._seen[user_id]

    def _lookup(self, user_id: str) -> SlackProfile | None:
        try:
            user: dict[str, Any] = self._client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            logger.info("users.info %s failed: %s", user_id, error.response.get("error"))
            return None
        self.tz[user_id] = str(user.get("tz") or "UTC")
        profile = user.get("profile") or {}
        return SlackProfile(
            user_id=user_id,
            name=str(user.get("real_name") or user.get("name") or user_id),
            email=profile.get("email"),
            is_admin=bool(user.get("is_admin")),
            is_owner=bool(user.get("is_owner") or user.get("is_primary_owner")),
        )

    def channel_member(self, channel_id: str, user_id: str) -> bool | None:
        """Whether ``user_id`` is in the channel, reading every page of its member list."""
        cursor: str | None = None
        try:
            while True:
                page = self._client.conversations_members(
                    channel=channel_id, limit=MEMBERS_PAGE, cursor=cursor
                )
                if user_id in (page.get("members") or []):
                    return True
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if cursor is None:
                    return False
        except SlackApiError as error:
            code = error.response.get("error")
            if code not in _CANNOT_SEE:
                raise
            logger.info("conversations.members %s failed: %s", channel_id, code)
            return None
