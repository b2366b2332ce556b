"""Slack's user directory: profiles and time zones (users.info), channel members, e-mail → id
(one paged users.list pass, cached). Every call waits out Slack's 429s (bot.slack.ratelimit)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.services.people import ChannelAccess, SlackProfile
from bot.slack.ratelimit import reading_client

log = logging.getLogger(__name__)

EMAIL_CACHE_SECONDS = 3600.0
# A listener's directory lives for one request; the clock's for the process: it sees a profile
# change (someone deactivated, an e-mail changed) within this long.
PROFILE_CACHE_SECONDS = 300.0
MEMBERS_PAGE = 200
USERS_PAGE = 200  # Slack's advice for users.list: at most 200 a page
# Slack's answers meaning "the bot can't see this channel's members" (e.g. private, bot not in it).
_CANNOT_SEE = frozenset({"channel_not_found", "not_in_channel", "missing_scope", "invalid_channel"})


class SlackDirectory:
    """The services' Directory (profile, channel_member) and the runner's (slack_ids).

    Two lifetimes, on purpose: profiles and time zones are memoized ``profile_cache_seconds``
    (a listener makes one per request and sees a changed profile on the next one); the e-mail →
    id map is read in one users.list pass and kept ``email_cache_seconds``, because the scheduler
    keeps one per process and maps the same people every tick (one users.lookupByEmail per
    person was 300 calls for one digest, against a method Slack allows about 50 a minute).
    Calls go through a client of its own that waits out 429s, sleeping with ``sleep``.
    Scopes: users:read, users:read.email, channels:read, groups:read.
    """

    def __init__(
        self,
        client: WebClient,
        *,
        email_cache_seconds: float = EMAIL_CACHE_SECONDS,
        profile_cache_seconds: float = PROFILE_CACHE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = reading_client(client, sleep)
        self._email_ttl = email_cache_seconds
        self._monotonic = monotonic
        self._profile_ttl = profile_cache_seconds
        self._profiles: dict[str, tuple[float, SlackProfile | None]] = {}
        self._zones: dict[str, str] = {}
        self._emails: dict[str, str] = {}
        self._emails_read_at: float | None = None
        self._emails_lock = threading.Lock()

    # -- users.info, memoized for profile_cache_seconds ---------------------------------------
    def profile(self, user_id: str) -> SlackProfile | None:
        now = self._monotonic()
        cached = self._profiles.get(user_id)
        if cached is None or now - cached[0] >= self._profile_ttl:
            cached = self._profiles[user_id] = (now, self._user_info(user_id))
        return cached[1]

    def timezone(self, user_id: str) -> str:
        """The user's IANA zone name as Slack has it (unchecked), "UTC" when Slack says none."""
        self.profile(user_id)
        return self._zones.get(user_id, "UTC")

    def _user_info(self, user_id: str) -> SlackProfile | None:
        try:
            user: dict[str, Any] = self._client.users_info(user=user_id)["user"]
        except SlackApiError as error:
            code = error.response.get("error")
            log.info("users.info %s failed: %s", user_id, code)
            if code == "user_not_found":  # gone for good, not a passing failure
                return SlackProfile(user_id=user_id, name=user_id, deleted=True)
            return None
        self._zones[user_id] = str(user.get("tz") or "UTC")
        profile = user.get("profile") or {}
        return SlackProfile(
            user_id=user_id,
            name=str(user.get("real_name") or user.get("name") or user_id),
            email=profile.get("email"),
            is_admin=bool(user.get("is_admin")),
            is_owner=bool(user.get("is_owner") or user.get("is_primary_owner")),
            deleted=bool(user.get("deleted")),
        )

    # -- conversations.members, asked every time ------------------------------------------------
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
            log.info("conversations.members %s failed: %s", channel_id, code)
            return None

    # -- conversations.info, asked every time ----------------------------------------------------
    def channel_access(self, channel_id: str) -> ChannelAccess:
        """Whether the bot can post in ``channel_id``; Slack errors other than "can't see it"
        propagate (the caller's error handling says Slack failed)."""
        try:
            channel: dict[str, Any] = self._client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as error:
            code = error.response.get("error")
            if code not in _CANNOT_SEE:
                raise
            log.info("conversations.info %s failed: %s", channel_id, code)
            return ChannelAccess(found=False)
        return ChannelAccess(
            found=True,
            is_im=bool(channel.get("is_im") or channel.get("is_mpim")),
            is_private=bool(channel.get("is_private")),
            bot_member=bool(channel.get("is_member")),
        )

    # -- users.list, one pass cached email_cache_seconds ----------------------------------------
    def slack_ids(self, emails: Iterable[str]) -> dict[str, str]:
        """Lower-cased e-mail → Slack id for the e-mails of people Slack knows (digest mentions);
        deactivated users and bots are not mapped."""
        wanted = {e.lower() for e in emails if e}
        if not wanted:
            return {}
        known = self._email_map()
        return {email: known[email] for email in wanted if email in known}

    def _email_map(self) -> Mapping[str, str]:
        with self._emails_lock:  # one pass at a time, even if two threads share the directory
            now = self._monotonic()
            read_at = self._emails_read_at
            if read_at is None or now - read_at >= self._email_ttl:
                try:
                    self._emails, self._emails_read_at = self._read_emails(), now
                except (SlackClientError, OSError) as exc:
                    # The digest goes out naming people; the next one reads the directory again.
                    # A map read earlier still serves: a passing failure shouldn't drop mentions.
                    code = exc.response.get("error") if isinstance(exc, SlackApiError) else exc
                    log.warning("users.list failed: %s", code)
            return self._emails

    def _read_emails(self) -> dict[str, str]:
        """Every page of users.list (slack_sdk follows the cursor), read in one pass."""
        found: dict[str, str] = {}
        for page in self._client.users_list(limit=USERS_PAGE):
            for user in page.get("members") or []:
                email = (user.get("profile") or {}).get("email")
                if email and not user.get("deleted") and not user.get("is_bot"):
                    found[str(email).lower()] = str(user["id"])
        return found
