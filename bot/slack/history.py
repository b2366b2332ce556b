"""Slack's side of resolving an ``unknown`` run: was the digest posted after all?

The runner puts ``{"event_type": "noko_digest", "event_payload": {"run_id": …}}`` on each
digest's main message; conversations.history with ``include_all_metadata`` shows it back.
Scopes: channels:history, groups:history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_sdk import WebClient

EVENT_TYPE = "noko_digest"
HISTORY_PAGE = 200
MAX_PAGES = 5


class SlackHistory:
    """Finds a digest's message in a channel by its run id."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def find_run(self, channel: str, run_id: int, oldest: dt.datetime) -> str | None:
        """The ts of the message carrying ``run_id`` posted after ``oldest``, or None.

        Slack errors propagate: a lookup that failed says nothing about the post."""
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            page = self._client.conversations_history(
                channel=channel,
                oldest=f"{oldest.timestamp():.6f}",
                limit=HISTORY_PAGE,
                include_all_metadata=True,
                cursor=cursor,
            )
            for message in page.get("messages") or []:
                if _run_id(message) == run_id:
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not page.get("has_more") or cursor is None:
                return None
        return None


def _run_id(message: dict[str, Any]) -> int | None:
    metadata = message.get("metadata") or {}
    if metadata.get("event_type") != EVENT_TYPE:
        return None
    value = (metadata.get("event_payload") or {}).get("run_id")
    return value if isinstance(value, int) else None
