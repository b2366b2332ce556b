"""Slack's side of the posting rule: paced per channel, 429s retried, nothing posted twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.posting import (
    Message,
    PostOutcome,
    PostRefusedError,
    PostUncertainError,
    post_with_thread,
)
from bot.slack.ratelimit import MAX_RATE_LIMIT_RETRIES, header, retry_after_seconds


def slack_client(token: str | None, base_url: str, *, timeout: int = 20) -> WebClient:
    """A WebClient that never retries by itself.

    slack_sdk retries connection errors by default, and a reset connection may hide a
    delivered post; chat.postMessage has no idempotency key, so we decide retries here.
    """
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])


def poster_for(client: WebClient) -> SlackPoster:
    """A poster for the workspace and token of ``client`` (Bolt's, which retries on its own).

    One per click paces only that click's posts; a concurrent click's 429 is waited out.
    """
    return SlackPoster(slack_client(client.token, client.base_url, timeout=client.timeout))


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
        if client.retry_handlers:
            raise ValueError("SlackPoster needs a client without retry handlers (slack_client)")
        self._client = client
        self._pace = pace_seconds
        self._sleep = sleep
        self._monotonic = monotonic
        self._last_post: dict[str, float] = {}
        self._lock = threading.Lock()

    def post(
        self,
        channel: str,
        messages: Sequence[Message],
        metadata: Mapping[str, Any] | None = None,
    ) -> PostOutcome:
        """``metadata`` goes on the main message only (the scheduler's run id)."""

        def send(message: Message, thread_ts: str | None) -> str:
            return self._post_one(channel, message, thread_ts, None if thread_ts else metadata)

        return post_with_thread(send, messages)

    def _post_one(
        self,
        channel: str,
        message: Message,
        thread_ts: str | None,
        metadata: Mapping[str, Any] | None,
    ) -> str:
        text, blocks = message.text, message.blocks or None
        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            self._wait_turn(channel)
            try:
                response = self._client.chat_postMessage(
                    channel=channel,
                    text=text,
                    blocks=blocks,
                    thread_ts=thread_ts,
                    metadata=dict(metadata) if metadata else None,
                    unfurl_links=False,
                )
                return str(response["ts"])
            except SlackApiError as exc:
                status = exc.response.status_code
                if status == 429 and attempt < MAX_RATE_LIMIT_RETRIES:
                    self._sleep(_retry_after(exc))  # a 429 means Slack did not post it
                    continue
                if status >= 500:
                    raise PostUncertainError(f"Slack answered HTTP {status}") from exc
                raise PostRefusedError(f"Slack error: {_code(exc)}", _code(exc)) from exc
            except Exception as exc:  # timeouts, resets: the post may have gone through
                raise PostUncertainError(f"{type(exc).__name__}: {exc}") from exc
        raise AssertionError("unreachable")

    def _wait_turn(self, channel: str) -> None:
        with self._lock:
            now = self._monotonic()
            start = max(now, self._last_post.get(channel, float("-inf")) + self._pace)
            self._last_post[channel] = start
        if start > now:
            self._sleep(start - now)


def _retry_after(exc: SlackApiError) -> float:
    return retry_after_seconds(header(exc.response.headers, "Retry-After"))


def _code(exc: SlackApiError) -> str:
    """Slack's error code (``not_in_channel``), or the HTTP status when the body had none."""
    error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
    return str(error or f"HTTP {exc.response.status_code}")
