"""Noko e-mail → Slack user id lookups for digest mentions, cached for an hour."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)
CACHE_SECONDS = 3600.0


class SlackDirectory:
    """Maps e-mails with users.lookupByEmail; unknown e-mails are remembered as unknown."""

    def __init__(
        self, client: WebClient, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._client = client
        self._monotonic = monotonic
        self._cache: dict[str, tuple[float, str | None]] = {}

    def slack_ids(self, emails: Iterable[str]) -> dict[str, str]:
        found = {}
        for email in {e.lower() for e in emails if e}:
            slack_id = self._lookup(email)
            if slack_id:
                found[email] = slack_id
        return found

    def _lookup(self, email: str) -> str | None:
        now = self._monotonic()
        cached = self._cache.get(email)
        if cached and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        try:
            user = self._client.users_lookupByEmail(email=email)["user"]
            slack_id = None if user.get("deleted") else str(user["id"])
        except SlackApiError as exc:
            if exc.response.get("error") != "users_not_found":
                log.warning("users.lookupByEmail failed: %s", exc.response.get("error"))
                return None  # not cached: a transient problem should not hide the mention
            slack_id = None
        self._cache[email] = (now, slack_id)
        return slack_id


class NoDirectory:
    """For previews without a Slack token: nobody is mentioned, names are shown."""

    def slack_ids(self, emails: Iterable[str]) -> dict[str, str]:
        return {}
