"""Post to channel and the scheduler post through one rule: main message, then its thread."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from slackkit import BOT_TODAY, reply_text

from bot.devtools.fake_slack import FakeSlack, SlackCall
from bot.ids import ActionId
from bot.listeners.actions.digests import DigestButton
from bot.scheduler.cli import build_runner
from bot.scheduler.clock import ManualClock
from bot.services.calendar import load_calendar
from bot.services.periods import Period, week_period
from bot.services.schedule import covered_period, next_due
from bot.storage.records import Subscription
from bot.zones import zone_info
from noko_core.sandbox import Sandbox, build_dataset

ENGINEERING = 1  # the dataset's big team
CHANNEL = "C0ENG"
# Sized so Engineering's weekly digest takes three messages (a main one and two thread replies);
# data runs three weeks past today, so the week the scheduler's next Monday covers is complete.
BIG_TEAM = 600


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    later = BOT_TODAY + dt.timedelta(days=21)
    dataset = build_dataset(today=later, weeks=6, big_team_size=BIG_TEAM, entries_per_member_day=1)
    with Sandbox(rate_limit=False, dataset=dataset) as sb:
        yield sb


def _weekly(deps) -> Subscription:
    return deps.repo.create_subscription(
        team_id=ENGINEERING,
        team_name="Engineering",
        channel_id=CHANNEL,
        cadence="weekly",
        weekday=0,
        local_time="09:00",
        timezone="Europe/Berlin",
        created_by="UADMIN",
    )


def _covered(deps, sub: Subscription, due: dt.datetime) -> Period:
    local_day = due.astimezone(zone_info(sub.timezone)).date()
    calendar = load_calendar(deps.repo, deps.cache.week_start())
    return covered_period(sub, local_day, calendar)


def _last_week() -> Period:
    today = BOT_TODAY
    return week_period(today - dt.timedelta(days=today.weekday() + 7), 0)


def _click(slack, people, period: Period) -> str:
    value = DigestButton(t=ENGINEERING, s=period.start, e=period.end, k="week").model_dump_json()
    action = {"action_id": ActionId.POST_DIGEST, "value": value}
    # A supervisor reads what the scheduled digest's owner reads (everyone's time).
    return slack.action(people.supervisor, action, channel={"id": CHANNEL})


def _posts(fake: FakeSlack) -> list[SlackCall]:
    return [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]


def _shape(calls: list[SlackCall]) -> list[bool]:
    """For each post, whether it went into a thread."""
    return [bool(c.args.get("thread_ts")) for c in calls]


def test_post_button_and_scheduler_post_the_same_threaded_digest(
    slack, people, deps, fake, settings
):
    sub = _weekly(deps)
    due = next_due(sub, sub.created_at)
    runner = build_runner(
        settings,
        deps.repo,
        ManualClock(due + dt.timedelta(seconds=30)),
        deps.noko,
        threading.Event(),
    )

    assert runner.tick().posted == [sub.id]
    scheduled = _posts(fake)
    fake.clear()
    done = slack.reply(_click(slack, people, _covered(deps, sub, due)))
    clicked = _posts(fake)

    assert _shape(scheduled) == _shape(clicked) == [False, True, True, True]  # bars: 4 pages
    (run,) = deps.repo.runs_for(sub.id)
    assert {c.args["thread_ts"] for c in scheduled[1:]} == {run.slack_ts}
    (thread,) = {c.args["thread_ts"] for c in clicked[1:]}
    assert thread and thread != run.slack_ts
    assert [c.args["text"] for c in clicked] == [c.args["text"] for c in scheduled]
    assert "Posted the digest to <#C0ENG>" in done.args["text"] and done.args["replace_original"]


def test_post_button_when_slack_answers_500_says_the_outcome_is_unknown(slack, people, fake):
    fake.inject("chat.postMessage", status=500)

    reply = slack.reply(_click(slack, people, _last_week()))

    assert "Slack didn't answer; the digest may or may not be in <#C0ENG>" in reply.args["text"]
    assert "Posted" not in reply_text(reply) and "Nothing was posted" not in reply_text(reply)
    assert reply.args["replace_original"] is False
    assert len(_posts(fake)) == 1  # not retried, and no thread replies to an unknown message


def test_post_button_waits_out_a_429_then_posts_once(slack, people, fake):
    fake.inject("chat.postMessage", status=429, retry_after=1)

    reply = slack.reply(_click(slack, people, _last_week()))

    assert [c.status for c in _posts(fake)] == [429, 200, 200, 200, 200]
    assert "Posted the digest to <#C0ENG>" in reply.args["text"]


def test_post_button_when_slack_refuses_says_nothing_was_posted(slack, people, fake):
    fake.inject("chat.postMessage", error="is_archived")

    reply = slack.reply(_click(slack, people, _last_week()))

    assert "Nothing was posted: Slack refused the digest (is_archived)" in reply.args["text"]
    assert reply.args["replace_original"] is False and len(_posts(fake)) == 1
