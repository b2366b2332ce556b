"""Slack's 429 answers: one rule for how long to wait, for posts and for directory reads.

Posts retry in bot.slack.posting (each try is paced and its outcome matters); reads (users.list,
users.info, conversations.members) let slack_sdk retry them through :class:`WaitRetryAfter`,
the library's RateLimitErrorRetryHandler waiting this rule's time with an injectable sleep.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

MAX_RATE_LIMIT_RETRIES = 3
DEFAULT_RETRY_AFTER = 1.0
# A tick or a click must not hang on a huge Retry-After; waiting less only costs another 429.
MAX_RETRY_AFTER = 30.0


def retry_after_seconds(value: str | None) -> float:
    """Seconds to wait for a 429 whose ``Retry-After`` header is ``value`` (None: absent):
    the header's seconds, capped at MAX_RETRY_AFTER; DEFAULT_RETRY_AFTER when unreadable."""
    try:
        seconds = float(value) if value is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER
    if math.isnan(seconds):
        return DEFAULT_RETRY_AFTER
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def header(headers: Mapping[str, str | Sequence[str]], name: str) -> str | None:
    """A header's (first) value, whatever the case of its name; slack_sdk hands retry handlers
    lists of values and SlackApiError plain strings."""
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value if isinstance(value, str) else (value[0] if value else None)
    return None


class WaitRetryAfter(RateLimitErrorRetryHandler):
    """slack_sdk's 429 retry, waiting ``retry_after_seconds`` through ``sleep`` (the library's
    own sleeps ``time.sleep`` for as long as Slack says, plus jitter, however long that is)."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(max_retry_count=MAX_RATE_LIMIT_RETRIES)
        self._sleep = sleep

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:  # _can_retry only accepts 429 responses
            raise error or RuntimeError("no response to retry")
        state.next_attempt_requested = True
        self._sleep(retry_after_seconds(header(response.headers, "Retry-After")))
        state.increment_current_attempt()


def reading_client(client: WebClient, sleep: Callable[[float], None] = time.sleep) -> WebClient:
    """A client for ``client``'s workspace and token whose reads wait out 429s and retry a reset
    connection (a read is safe to repeat, unlike a post)."""
    return WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=[ConnectionErrorRetryHandler(), WaitRetryAfter(sleep)],
    )
