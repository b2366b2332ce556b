"""Posting digest messages to Slack: paced per channel, 429s retried, never posted twice."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import Reply

log = logging.getLogger(__name__)

MAX_RATE_LIMIT_RETRIES = 3
DEFAULT_RETRY_AFTER = 1.0


def slack_client(token: str | None, base_url: str, *, timeout: int = 20) -> WebClient:
    """A WebClient that never retries by itself.

    slack_sdk retries connection errors by default, and a reset connection may hide a
    delivered post; chat.postMessage has no idempotency key, so we decide retries here.
    """
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])


@dataclass(frozen=True)
class PostOutcome:
    """``state`` is "posted", "failed" (Slack refused: nothing posted) or "unknown"."""

    state: str
    ts: str | None = None
    error: str | None = None


class _Uncertain(Exception):
    """The request may have reached Slack (timeout, 5xx): retrying could post twice."""


class SlackPoster:
    """Posts a message and its thread replies, about one post per second per channel."""

    def __init__(
        self,
        client: WebClient,
        *,
        pace_seconds: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._pace = pace_seconds
        self._sleep = sleep
        self._monotonic = monotonic
        self._last_post: dict[str, float] = {}
        self._lock = threading.Lock()

    def post(
        self,
        channel: str,
        messages: Sequence[Reply],
        metadata: Mapping[str, Any] | None = None,
    ) -> PostOutcome:
        try:
            ts = self._post_one(channel, messages[0], None, metadata)
        except _Uncertain as exc:
            return PostOutcome("unknown", error=str(exc))
        except SlackApiError as exc:
            return PostOutcome("failed", error=_describe(exc))
        return PostOutcome("posted", ts=ts, error=self._post_thread(channel, ts, messages[1:]))

    def _post_thread(self, channel: str, ts: str, replies: Sequence[Reply]) -> str | None:
        """Thread replies; a problem here is noted on the run but the digest stays posted."""
        for index, message in enumerate(replies, start=1):
            try:
                self._post_one(channel, message, ts, None)
            except (_Uncertain, SlackApiError) as exc:
                text = str(exc) if isinstance(exc, _Uncertain) else _describe(exc)
                return f"thread reply {index}/{len(replies)} not posted: {text}"
        return None

    def _post_one(
        self,
        channel: str,
        message: Reply,
        thread_ts: str | None,
        metadata: Mapping[str, Any] | None,
    ) -> str:
        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            self._wait_turn(channel)
            try:
                response = self._client.chat_postMessage(
                    channel=channel, text=message.text, blocks=message.blocks or None,
                    thread_ts=thread_ts, metadata=dict(metadata) if metadata else None,
                    unfurl_links=False,
                )  # fmt: skip
                return str(response["ts"])
            except SlackApiError as exc:
                status = exc.response.status_code
                if status == 429 and attempt < MAX_RATE_LIMIT_RETRIES:
                    self._sleep(_retry_after(exc))  # a 429 means Slack did not post it
                    continue
                if status >= 500:
                    raise _Uncertain(f"Slack answered HTTP {status}") from exc
                raise
            except Exception as exc:  # timeouts, resets: the post may have gone through
                raise _Uncertain(f"{type(exc).__name__}: {exc}") from exc
        raise AssertionError("unreachable")

    def _wait_turn(self, channel: str) -> None:
        with self._lock:
            now = self._monotonic()
            start = max(now, self._last_post.get(channel, float("-inf")) + self._pace)
            self._last_post[channel] = start
        if start > now:
            self._sleep(start - now)


def _retry_after(exc: SlackApiError) -> float:
    value = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER


def _describe(exc: SlackApiError) -> str:
    error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
    return f"Slack error: {error or exc.response.status_code}"
