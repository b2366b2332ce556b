"""SlackPoster against FakeSlack: pacing per channel, threads, and which failures are final."""

from __future__ import annotations

from bot.devtools.fake_slack import FakeSlack
from bot.slack.posting import SlackPoster, slack_client

MESSAGES = [{"text": "main", "blocks": []}, {"text": "more", "blocks": []}]


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
    too_big = {"text": "more", "blocks": [{"type": "divider"}] * 51}  # Slack refuses it
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
