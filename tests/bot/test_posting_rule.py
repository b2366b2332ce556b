"""The posting rule on its own: order, thread, outcome states, a failing thread reply noted."""

from __future__ import annotations

import pytest

from bot.blocks.common import Reply
from bot.services.posting import (
    Message,
    PostRefusedError,
    PostUncertainError,
    post_with_thread,
)

DIGEST = [Reply(f"part {n}") for n in (1, 2, 3)]


class Channel:
    """A stand-in for the chat service: records what it posted; attempt n fails if told to."""

    def __init__(self, failures: dict[int, Exception] | None = None) -> None:
        self.sent: list[tuple[str, str | None]] = []
        self._failures = failures or {}
        self._attempts = 0

    def send(self, message: Message, thread_ts: str | None) -> str:
        attempt, self._attempts = self._attempts, self._attempts + 1
        if attempt in self._failures:
            raise self._failures[attempt]
        self.sent.append((message.text, thread_ts))
        return f"ts-{len(self.sent)}"


def test_post_with_thread_sends_the_main_message_then_replies_in_its_thread() -> None:
    channel = Channel()
    outcome = post_with_thread(channel.send, DIGEST)
    assert channel.sent == [("part 1", None), ("part 2", "ts-1"), ("part 3", "ts-1")]
    assert (outcome.state, outcome.ts, outcome.error) == ("posted", "ts-1", None)


def test_post_with_thread_refused_main_message_failed_and_nothing_else_sent() -> None:
    channel = Channel({0: PostRefusedError("Slack error: not_in_channel", "not_in_channel")})
    outcome = post_with_thread(channel.send, DIGEST)
    assert channel.sent == []
    assert (outcome.state, outcome.code, outcome.ts) == ("failed", "not_in_channel", None)
    assert outcome.error == "Slack error: not_in_channel"


def test_post_with_thread_uncertain_main_message_is_unknown_and_not_continued() -> None:
    channel = Channel({0: PostUncertainError("Slack answered HTTP 503")})
    outcome = post_with_thread(channel.send, DIGEST)
    assert channel.sent == []
    assert (outcome.state, outcome.error, outcome.code) == (
        "unknown",
        "Slack answered HTTP 503",
        None,
    )


@pytest.mark.parametrize(
    "failure", [PostRefusedError("too big", "invalid_blocks"), PostUncertainError("timed out")]
)
def test_post_with_thread_failing_reply_is_noted_and_the_digest_stays_posted(
    failure: Exception,
) -> None:
    channel = Channel({1: failure})
    outcome = post_with_thread(channel.send, DIGEST)
    assert channel.sent == [("part 1", None)]  # the replies after a failed one are not sent
    assert (outcome.state, outcome.ts) == ("posted", "ts-1")
    assert outcome.error == f"thread reply 1/2 not posted: {failure}"


def test_post_with_thread_single_message_has_no_thread() -> None:
    channel = Channel()
    outcome = post_with_thread(channel.send, DIGEST[:1])
    assert channel.sent == [("part 1", None)] and outcome.state == "posted"


def test_post_with_thread_refuses_an_empty_post() -> None:
    with pytest.raises(ValueError):
        post_with_thread(Channel().send, [])


def test_post_with_thread_lets_bugs_in_send_propagate() -> None:
    # Only the two service errors are outcomes; anything else must not pass for a refusal.
    channel = Channel({0: KeyError("text")})
    with pytest.raises(KeyError):
        post_with_thread(channel.send, DIGEST)
