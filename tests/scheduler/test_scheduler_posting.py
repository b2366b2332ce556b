"""SlackPoster against FakeSlack: pacing per channel, threads, and which failures are final."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.blocks.common import Reply
from bot.devtools.fake_slack import FakeSlack
from bot.slack.posting import SlackPoster, poster_for, slack_client
from bot.slack.ratelimit import MAX_RETRY_AFTER

MESSAGES = [Reply("main"), Reply("more")]


class FakeTime:
    """Monotonic time that only moves when the poster sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


def _poster(slack: FakeSlack, time: FakeTime) -> SlackPoster:
    client = slack_client("xoxb-test", slack.api_url, timeout=5)
    return SlackPoster(client, pace_seconds=1.0, sleep=time.sleep, monotonic=time.monotonic)


def test_posts_are_paced_per_channel(slack) -> None:
    time = FakeTime()
    poster = _poster(slack, time)
    poster.post("C1", MESSAGES[:1])
    poster.post("C2", MESSAGES[:1])
    poster.post("C1", MESSAGES[:1])
    assert time.sleeps == [1.0]  # only the second post to C1 waited


def test_thread_replies_use_the_main_ts(slack) -> None:
    outcome = _poster(slack, FakeTime()).post("C1", MESSAGES)
    main, reply = slack.calls_to("chat.postMessage")
    assert outcome.state == "posted" and outcome.error is None
    assert not main.args.get("thread_ts")
    assert reply.args["thread_ts"] == outcome.ts


def test_failed_thread_reply_keeps_the_digest_posted(slack) -> None:
    too_big = Reply("more", [{"type": "divider"}] * 51)  # Slack refuses it
    outcome = _poster(slack, FakeTime()).post("C1", [MESSAGES[0], too_big])
    assert outcome.state == "posted" and outcome.ts
    assert "thread reply 1/1 not posted" in (outcome.error or "")


def test_500_on_the_main_post_is_unknown_and_not_retried(slack) -> None:
    slack.inject("chat.postMessage", status=500)
    outcome = _poster(slack, FakeTime()).post("C1", MESSAGES)
    assert outcome.state == "unknown"
    assert len(slack.calls_to("chat.postMessage")) == 1  # no retry, no thread replies


def test_slack_refusal_is_final(slack) -> None:
    slack.inject("chat.postMessage", error="channel_not_found")
    outcome = _poster(slack, FakeTime()).post("C1", MESSAGES)
    assert outcome.state == "failed" and "channel_not_found" in (outcome.error or "")
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_429_retries_after_retry_after(slack) -> None:
    time = FakeTime()
    slack.inject("chat.postMessage", status=429, retry_after=3)
    outcome = _poster(slack, time).post("C1", MESSAGES[:1])
    assert outcome.state == "posted"
    assert 3.0 in time.sleeps
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 200]


def test_persistent_429_gives_up_without_posting(slack) -> None:
    slack.inject("chat.postMessage", status=429, retry_after=1, count=10)
    outcome = _poster(slack, FakeTime()).post("C1", MESSAGES[:1])
    assert outcome.state == "failed"
    assert all(c.status == 429 for c in slack.calls_to("chat.postMessage"))


def test_timeout_on_the_main_post_is_unknown_though_slack_posted_it(slack) -> None:
    slack.inject("chat.postMessage", stall=2.0)
    client = slack_client("xoxb-test", slack.api_url, timeout=1)
    outcome = SlackPoster(client, sleep=FakeTime().sleep).post("C1", MESSAGES)
    assert outcome.state == "unknown" and outcome.ts is None
    assert len(slack.wait_for("chat.postMessage")) == 1  # delivered once, never sent again


def test_metadata_goes_on_the_main_message_only(slack) -> None:
    metadata = {"event_type": "noko_digest", "event_payload": {"run_id": 7}}
    _poster(slack, FakeTime()).post("C1", MESSAGES, metadata)
    main, reply = slack.calls_to("chat.postMessage")
    assert main.args["metadata"] == metadata and not reply.args.get("metadata")


def test_huge_retry_after_is_waited_out_only_up_to_a_cap(slack) -> None:
    time = FakeTime()
    slack.inject("chat.postMessage", status=429, retry_after=86_400)
    outcome = _poster(slack, time).post("C1", MESSAGES[:1])
    assert outcome.state == "posted" and max(time.sleeps) == MAX_RETRY_AFTER


def test_a_client_that_retries_by_itself_is_refused(slack) -> None:
    bolt_like = WebClient(token="xoxb-test", base_url=slack.api_url)  # retries connection errors
    with pytest.raises(ValueError, match="retry handlers"):
        SlackPoster(bolt_like)
    assert poster_for(bolt_like).post("C1", MESSAGES[:1]).state == "posted"


def test_empty_digest_is_a_bug_not_a_post(slack) -> None:
    with pytest.raises(ValueError):
        _poster(slack, FakeTime()).post("C1", [])
    assert slack.calls == []
