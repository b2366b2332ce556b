"""Never silent: digests go only where the bot can post, and a failed post reaches a person,
then is posted once, late, when the bot is added to the channel."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from urllib.parse import urlencode

import pytest
from slackkit import daily_subscribe_form, reply_text

from bot.ids import ActionId
from bot.scheduler.cli import build_runner
from bot.scheduler.clock import ManualClock
from bot.storage import open_repository


def _refusal(slack, people, channel: str) -> str:
    return reply_text(slack.run(f"subscribe Design <#{channel}> daily", people.admin))


def _typed_in(slack, fake, channel: str, text: str, user) -> str:
    """The command typed in ``channel`` (the driver's own commands come from #C0GENERAL)."""
    key = f"in-{channel}"
    form = {
        "token": "legacy",
        "team_id": "T0001",
        "channel_id": channel,
        "user_id": user.id,
        "user_name": user.name,
        "command": "/noko-team",
        "text": text,
        "response_url": fake.response_url(key),
        "trigger_id": f"trigger.{key}",
    }
    response = slack.dispatch(urlencode(form), "application/x-www-form-urlencoded")
    assert response.status == 200, response.body
    return reply_text(slack.reply(key))


def test_a_dm_subscription_is_refused(slack, people, deps, fake):
    reply = _typed_in(slack, fake, "D0DIRECT", "subscribe Design daily", people.admin)
    assert "can't go to a direct message" in reply and "Pick a channel" in reply
    assert deps.repo.list_subscriptions() == []
    assert deps.repo.list_audit()[0].result == "denied"


def test_a_dm_between_people_is_refused(slack, people, deps, fake):
    fake.set_channel("D0OTHERS", None)  # Slack shows the bot nothing of it
    reply = _typed_in(slack, fake, "D0OTHERS", "subscribe Design daily", people.admin)
    assert "can't post there: it is a direct message" in reply and "/invite @noko-teams" in reply
    assert deps.repo.list_subscriptions() == []


def test_a_private_channel_without_the_bot_is_refused(slack, people, deps, fake):
    fake.set_conversation("G0SECRET", is_private=True, bot_member=False)
    reply = _refusal(slack, people, "G0SECRET")
    assert "not in the private channel <#G0SECRET>" in reply and "/invite @noko-teams" in reply
    assert deps.repo.list_subscriptions() == []


def test_a_public_channel_without_the_bot_offers_to_join_it(slack, people, deps, fake):
    fake.set_conversation("C0QUIET", bot_member=False)
    call = slack.run("subscribe Design <#C0QUIET> daily", people.admin)
    reply = reply_text(call)
    assert "I'm not in <#C0QUIET>" in reply and "/invite @noko-teams" in reply
    assert deps.repo.list_subscriptions() == []
    [join] = [
        e
        for b in call.args["blocks"]
        for e in b.get("elements", [])
        if e.get("action_id") == ActionId.JOIN_CHANNEL
    ]
    key = slack.action(people.admin, {"action_id": join["action_id"], "value": join["value"]})
    assert "I joined <#C0QUIET>" in reply_text(slack.reply(key))
    assert [c.args["channel"] for c in fake.calls_to("conversations.join")] == ["C0QUIET"]
    assert "Subscribed <#C0QUIET>" in _refusal(slack, people, "C0QUIET")


def test_the_join_button_joins_only_a_public_channel(slack, people, fake):
    fake.set_conversation("C0GONE", bot_member=False)
    fake.inject("conversations.join", error="is_archived")
    key = slack.action(people.admin, {"action_id": ActionId.JOIN_CHANNEL, "value": "C0GONE"})
    assert "didn't let me join <#C0GONE> (is_archived)" in reply_text(slack.reply(key))
    key = slack.action(people.admin, {"action_id": ActionId.JOIN_CHANNEL, "value": "D0DM"})
    assert "names no channel" in reply_text(slack.reply(key))
    assert len(fake.calls_to("conversations.join")) == 1


def test_the_subscribe_form_refuses_a_dm_too(slack, people, deps, fake):
    team_id = next(t["id"] for t in deps.noko.list_teams() if t["name"] == "Design")
    view = daily_subscribe_form(team_id, "D0DIRECT")
    slack.submit(people.admin, view)
    result = json.dumps(fake.wait_for("views.update")[0].args["view"])
    assert "direct message" in result
    assert deps.repo.list_subscriptions() == []


@pytest.fixture
def clock(dataset) -> ManualClock:
    # 07:00 UTC on the app's day: the daily 09:00 (Berlin) digest is due an hour later, and the
    # app's clock (noon) is inside the catch-up window of that due time.
    return ManualClock(dt.datetime.combine(dataset.today, dt.time(7), tzinfo=dt.UTC))


@pytest.fixture
def runner_repo(settings, clock):
    repo = open_repository(settings.database_url, clock=clock.now)
    yield repo
    repo.close()


# Every day a workday: the app's day is today, whatever weekday that is.
EVERY_DAY = {"workdays": list(range(7))}


def _posts_to(fake, channel: str) -> list[dict]:
    """Messages Slack accepted in ``channel`` (a refused call is recorded, not posted)."""
    return [m for m in fake.messages if m["channel"] == channel]


def _wait_until(check, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_not_in_channel_is_told_shown_and_posted_late_once_the_bot_joins(
    slack, people, deps, fake, settings, clock, runner_repo
):
    team_id = next(t["id"] for t in deps.noko.list_teams() if t["name"] == "Design")
    sub = runner_repo.create_subscription(
        team_id=team_id,
        team_name="Design",
        channel_id="C0LOST",
        cadence="daily",
        local_time="09:00",
        timezone="Europe/Berlin",
        created_by=people.admin.id,
        options=EVERY_DAY,
    )
    fake.set_conversation("C0LOST", bot_member=False)  # e.g. the bot was removed meanwhile
    runner = build_runner(settings, runner_repo, clock, deps.noko, threading.Event())
    clock.advance(hours=1, seconds=30)
    report = runner.tick()
    assert report.failed == [sub.id] and _posts_to(fake, "C0LOST") == []
    [run] = runner_repo.runs_for(sub.id)
    assert run.state == "failed" and "not_in_channel" in (run.error or "")

    [dm] = _posts_to(fake, people.admin.id)
    assert "*Design* digest for <#C0LOST>" in dm["text"]
    assert "/invite @noko-teams" in dm["text"] and "marked late" in dm["text"]
    [line] = _posts_to(fake, "CAUDIT")
    assert "<#C0LOST>" in line["text"] and f"<@{people.admin.id}> was told" in line["text"]

    listing = reply_text(slack.run("subscriptions", people.admin))
    assert "Last post failed (due" in listing and "I'm not in the channel" in listing
    slack.event({"type": "app_home_opened", "user": people.admin.id, "tab": "home"})
    home = json.dumps(fake.wait_for("views.publish")[0].args["view"])
    assert "Last post failed (due" in home and "not in the channel" in home

    runner.tick()  # nothing new until the bot is in the channel
    assert _posts_to(fake, "C0LOST") == []

    slack.event(fake.bot_joins("C0LOST"))
    _wait_until(lambda: runner_repo.get_run(run.id).state == "retry")
    clock.set(dt.datetime.combine(clock.now().date(), dt.time(12, 0, 30), tzinfo=dt.UTC))
    report = runner.tick()
    runner.tick()
    [late] = _posts_to(fake, "C0LOST")
    assert report.posted == [sub.id]
    assert late["metadata"]["event_payload"]["run_id"] == run.id
    done = runner_repo.get_run(run.id)
    assert done.state == "posted" and done.late
    assert "Last post failed" not in reply_text(slack.run("subscriptions", people.admin))

    slack.event(fake.bot_joins("C0LOST"))  # joining again re-posts nothing
    time.sleep(0.3)
    runner.tick()
    assert len(_posts_to(fake, "C0LOST")) == 1


def test_another_member_joining_requeues_nothing(
    slack, people, deps, fake, settings, clock, runner_repo
):
    team_id = next(t["id"] for t in deps.noko.list_teams() if t["name"] == "Design")
    sub = runner_repo.create_subscription(
        team_id=team_id,
        team_name="Design",
        channel_id="C0LOST",
        cadence="daily",
        local_time="09:00",
        timezone="Europe/Berlin",
        created_by=people.admin.id,
        options=EVERY_DAY,
    )
    fake.set_conversation("C0LOST", bot_member=False)
    runner = build_runner(settings, runner_repo, clock, deps.noko, threading.Event())
    clock.advance(hours=1, seconds=30)
    runner.tick()
    event = {**fake.bot_joins("C0LOST"), "user": people.mate.id}
    slack.event(event)
    time.sleep(0.3)
    assert runner_repo.runs_for(sub.id)[0].state == "failed"


def test_a_digest_posted_after_the_bot_rejoins_within_the_grace_is_marked_late(
    slack, people, deps, fake, settings, clock, runner_repo
):
    """Due 11:59 UTC, refused, the bot added back at noon (the app's clock) and posted at
    12:00:30: inside the on-time grace of a first post, but after its due time, so late."""
    team_id = next(t["id"] for t in deps.noko.list_teams() if t["name"] == "Design")
    sub = runner_repo.create_subscription(
        team_id=team_id,
        team_name="Design",
        channel_id="C0LOST",
        cadence="daily",
        local_time="11:59",
        timezone="UTC",
        created_by=people.admin.id,
        options=EVERY_DAY,
    )
    fake.set_conversation("C0LOST", bot_member=False)
    runner = build_runner(settings, runner_repo, clock, deps.noko, threading.Event())
    clock.set(dt.datetime.combine(clock.now().date(), dt.time(11, 59, 30), tzinfo=dt.UTC))
    assert runner.tick().failed == [sub.id]
    [run] = runner_repo.runs_for(sub.id)

    slack.event(fake.bot_joins("C0LOST"))
    _wait_until(lambda: runner_repo.get_run(run.id).state == "retry")
    clock.set(dt.datetime.combine(clock.now().date(), dt.time(12, 0, 30), tzinfo=dt.UTC))
    assert runner.tick().posted == [sub.id]
    [post] = _posts_to(fake, "C0LOST")
    done = runner_repo.get_run(run.id)
    assert done.late, f"a post 90 s after its due time is late; run: {done}"
    title = post["text"].split(":")[0]
    assert title.endswith("(late)"), f"the message says it is late: {post['text']!r}"
