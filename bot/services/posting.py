"""Posting a message with its thread continuation: the order, the thread and what the outcome is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol


class Message(Protocol):
    """A message as the Block Kit builders make it (``Reply``): fallback text and blocks."""

    @property
    def text(self) -> str: ...

    @property
    def blocks(self) -> list[dict[str, Any]]: ...


# Posts one message (in the thread of ``thread_ts`` when given) and returns its ts. It raises
# PostRefusedError or PostUncertainError; anything else is a bug and propagates.
Send = Callable[[Message, str | None], str]
PostState = Literal["posted", "failed", "unknown"]


class PostRefusedError(Exception):
    """The chat service refused the message, so nothing was posted; ``code`` is its reason."""

    def __init__(self, description: str, code: str) -> None:
        super().__init__(description)
        self.code = code


class PostUncertainError(Exception):
    """The request may have been delivered (a timeout, a server error): sending it again could
    post it twice, and there is no idempotency key to prevent that."""


@dataclass(frozen=True)
class PostOutcome:
    """``posted`` (``ts`` of the main message; ``error`` notes a thread reply that failed),
    ``failed`` (refused: nothing posted; ``code`` says why) or ``unknown`` (may have posted)."""

    state: PostState
    ts: str | None = None
    error: str | None = None
    code: str | None = None


def post_with_thread(send: Send, messages: Sequence[Message]) -> PostOutcome:
    """The first message in the channel, then the others in its thread, in order.

    Only the main message decides the outcome: once it is posted the digest is there, so a thread
    reply that fails is noted on the outcome and the replies after it are not sent.
    """
    if not messages:
        raise ValueError("a post needs at least one message")
    try:
        ts = send(messages[0], None)
    except PostUncertainError as exc:
        return PostOutcome("unknown", error=str(exc))
    except PostRefusedError as exc:
        return PostOutcome("failed", error=str(exc), code=exc.code)
    return PostOutcome("posted", ts=ts, error=_post_thread(send, ts, messages[1:]))


def _post_thread(send: Send, ts: str, replies: Sequence[Message]) -> str | None:
    for index, message in enumerate(replies, start=1):
        try:
            send(message, ts)
        except (PostUncertainError, PostRefusedError) as exc:
            return f"thread reply {index}/{len(replies)} not posted: {exc}"
    return None


DIRECT_MESSAGE = (
    "Nothing was posted: this is a direct message. Run the command in the channel that should "
    "get the digest, or subscribe a channel to it."
)


def is_direct_message(channel_id: str | None) -> bool:
    """Slack's direct messages have ids starting with D: not a channel a digest goes to."""
    return bool(channel_id) and str(channel_id).startswith("D")
