"""Digest subcommands over signed Bolt dispatch: digest + Post button, subscribe and friends."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading

from slackkit import reply_text, subscribe_design

from bot.devtools.fake_slack import SlackUser
from bot.ids import ActionId, BlockId, CallbackId
from bot.listeners.actions.digests import DigestButton
from bot.scheduler.cli import build_runner
from bot.scheduler.clock import ManualClock
from bot.services.schedule import next_due
from bot.storage import open_repository
from tests.blockkit import block_by_id, element_by_action

DESIGN_CHANNEL = "<#C0DESIGN|team-design>"


def _tick(settings, deps, at):
    runner = build_runner(settings, deps.repo, ManualClock(at), deps.noko, threading.Event())
    return runner.tick()


def _digest_posts(fake, channel="C0DESIGN"):
    return [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == channel]


# -- digest + Post to channel ---------------------------------------------------------------------
def test_digest_shows_last_week_to_the_caller_with_a_post_button(slack, people):
    call = slack.run("digest Design", people.coworker)
    assert call.args["response_type"] == "ephemeral"
    assert call.args["text"].startswith("Design · Week of")
    actions = block_by_id(call.args["blocks"], BlockId.DIGEST_ACTIONS)
    button = element_by_action([actions], ActionId.POST_DIGEST)
    assert len(button["value"]) <= 2000
    value = DigestButton.model_validate_json(button["value"])
    assert (value.e - value.s).days == 6 and value.k == "week"


def test_digest_with_a_period(slack, people):
    call = slack.run("digest Design last-month", people.coworker)
    button = element_by_action(call.args["blocks"], ActionId.POST_DIGEST)
    value = DigestButton.model_validate_json(button["value"])
    assert value.k == "month" and value.s.day == 1 and "Design · " in call.args["text"]


def test_digest_without_team_or_with_bad_period_gives_usage(slack, people):
    assert "Usage: `/noko-team digest &lt;team&gt; [period]`" in reply_text(
        slack.run("digest", people.coworker)
    )
    text = reply_text(slack.run("digest Design 2026-02-10..2026-02-01", people.coworker))
    assert "ends before it starts" in text and "Usage: `/noko-team digest" in text


def test_post_button_posts_the_digest_to_the_channel(slack, people, fake):
    preview = slack.run("digest Design", people.coworker)
    button = element_by_action(preview.args["blocks"], ActionId.POST_DIGEST)
    key = slack.action(
        people.coworker,
        {"action_id": button["action_id"], "value": button["value"]},
        channel={"id": "C0GENERAL"},
    )
    posted = fake.wait_for("chat.postMessage")[0].args
    assert posted["channel"] == "C0GENERAL" and posted["text"] == preview.args["text"]
    assert not any(b.get("type") == "actions" for b in posted["blocks"])
    done = slack.reply(key)
    assert "Posted the digest to <#C0GENERAL>" in done.args["text"]
    assert done.args["replace_original"]


def test_post_button_when_the_bot_is_not_in_the_channel_says_to_invite_it(slack, people, fake):
    preview = slack.run("digest Design", people.coworker)
    button = element_by_action(preview.args["blocks"], ActionId.POST_DIGEST)
    fake.inject("chat.postMessage", error="not_in_channel")
    key = slack.action(
        people.coworker,
        {"action_id": button["action_id"], "value": button["value"]},
        channel={"id": "C0PRIVATE"},
    )
    reply = slack.reply(key)
    assert "/invite @noko-teams" in reply.args["text"] and "<#C0PRIVATE>" in reply.args["text"]
    assert reply.args["replace_original"] is False  # the button stays, for after the invite


# -- subscribe ------------------------------------------------------------------------------------
def test_subscribe_with_everything_given_creates_it_and_audits(slack, people, deps):
    text = f"subscribe Design {DESIGN_CHANNEL} weekly monday 09:00 Europe/Berlin"
    reply = reply_text(slack.run(text, people.admin))
    (sub,) = deps.repo.list_subscriptions()
    assert (sub.team_name, sub.channel_id, sub.cadence, sub.weekday) == (
        "Design",
        "C0DESIGN",
        "weekly",
        0,
    )
    assert (sub.local_time, sub.timezone, sub.created_by) == ("09:00", "Europe/Berlin", "UADMIN")
    assert "Subscribed <#C0DESIGN> to *Design*" in reply and "weekly on Monday at 09:00" in reply
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result, audit.team_name) == ("subscribe", "ok", "Design")


def test_subscribe_defaults_to_this_channel_weekly_monday_nine_in_the_users_zone(
    slack, people, fake, deps
):
    tokyo = SlackUser("UTOKYO", "Toki Admin", people.admin.email, tz="Asia/Tokyo", is_admin=True)
    fake.add_user(tokyo)
    slack.run("subscribe design", tokyo)
    (sub,) = deps.repo.list_subscriptions()
    assert (sub.channel_id, sub.cadence, sub.weekday, sub.local_time, sub.timezone) == (
        "C0GENERAL",
        "weekly",
        0,
        "09:00",
        "Asia/Tokyo",
    )


def test_subscribe_monthly_on_a_day(slack, people, deps):
    slack.run("subscribe Design monthly 15 07:30 UTC", people.supervisor)
    (sub,) = deps.repo.list_subscriptions()
    assert (sub.cadence, sub.day_of_month, sub.weekday, sub.local_time, sub.timezone) == (
        "monthly",
        15,
        None,
        "07:30",
        "UTC",
    )


def test_subscribe_again_updates_the_same_subscription(slack, people, deps):
    slack.run(f"subscribe Design {DESIGN_CHANNEL} 09:00", people.admin)
    reply = reply_text(slack.run(f"subscribe Design {DESIGN_CHANNEL} daily 11:15", people.admin))
    (sub,) = deps.repo.list_subscriptions()
    assert (sub.cadence, sub.local_time) == ("daily", "11:15")
    assert "Updated the digest of <#C0DESIGN>" in reply


def test_subscribe_with_chart_and_hours_per_day_stores_the_options(slack, people, deps):
    slack.run(f"subscribe Design {DESIGN_CHANNEL} weekly 09:00 chart 7.5h/day", people.admin)
    (sub,) = deps.repo.list_subscriptions()
    assert sub.options == {"chart": True, "hours_per_day": 7.5}


def test_subscribe_again_keeps_the_options_not_named_and_says_what_the_digest_is(
    slack, people, deps
):
    slack.run(
        f"subscribe Design {DESIGN_CHANNEL} weekly 09:00 chart 7.5h/day mon-sat", people.admin
    )
    reply = reply_text(slack.run(f"subscribe Design {DESIGN_CHANNEL} friday 16:30", people.admin))
    (sub,) = deps.repo.list_subscriptions()
    assert sub.options == {"chart": True, "hours_per_day": 7.5, "workdays": [0, 1, 2, 3, 4, 5]}, (
        f"an update names only the day and time; the rest stays: {sub.options}"
    )
    said = (
        "weekly on Friday at 16:30 (Europe/Berlin), workdays Mon\u2013Sat, 7.5h/day expected, "
        "a chart in its thread"
    )
    assert said in reply, f"the confirmation lists the whole digest: {reply!r}"


def test_subscribe_no_chart_turns_the_chart_off_and_keeps_the_hours(slack, people, deps):
    slack.run(f"subscribe Design {DESIGN_CHANNEL} weekly 09:00 chart 6h/day", people.admin)
    reply = reply_text(slack.run(f"subscribe Design {DESIGN_CHANNEL} no-chart", people.admin))
    (sub,) = deps.repo.list_subscriptions()
    assert sub.options == {"chart": False, "hours_per_day": 6.0}, sub.options
    assert "workdays Mon\u2013Fri, 6h/day expected, no chart" in reply, reply


def test_subscribe_with_impossible_hours_per_day_says_why(slack, people, fake, deps):
    slack.command("subscribe Design weekly 09:00 30h/day", people.admin)
    view = fake.wait_for("views.update")[0].args["view"]
    assert "“30h/day”: hours per day go from more than 0 to 24." in json.dumps(
        view, ensure_ascii=False
    )
    assert deps.repo.list_subscriptions() == []


def test_subscribe_by_coworker_is_refused_and_audited(slack, people, deps):
    reply = reply_text(slack.run("subscribe Design", people.coworker))
    assert "can't subscribe channels to digests" in reply and "your Noko role is coworker" in reply
    assert "change teams" not in reply  # the refusal speaks of what was asked
    assert deps.repo.list_subscriptions() == []
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result, audit.slack_user_id) == (
        "subscribe",
        "denied",
        people.coworker.id,
    )


def test_subscribe_with_a_malformed_part_opens_the_form_instead(slack, people, fake, deps):
    slack.command("subscribe Design weekly 25:00", people.admin)
    assert fake.wait_for("views.open")[0].args["trigger_id"].startswith("trigger.")
    view = fake.wait_for("views.update")[0].args["view"]
    assert view["callback_id"] == CallbackId.SUBSCRIBE
    assert "“25:00” is not a time" in json.dumps(view, ensure_ascii=False)
    assert deps.repo.list_subscriptions() == []


# -- subscriptions, pause, resume, unsubscribe ----------------------------------------------------
def test_subscriptions_lists_ids_schedule_and_next_due(slack, people, deps):
    weekly = subscribe_design(deps, people)
    monthly = subscribe_design(
        deps, people, channel_id="C0OTHER", cadence="monthly", weekday=None, day_of_month=1
    )
    text = reply_text(slack.run("subscriptions", people.coworker))
    assert f"`#{weekly.id}` *Design* → <#C0DESIGN>" in text and "next Mon" in text
    assert f"`#{monthly.id}`" in text and "monthly on day 1 at 09:00 (Europe/Berlin)" in text
    # Each says which period its next post covers: a week, and the month before the 1st.
    assert "covering Week of " in text
    assert re.search(r"next \w{3} 1 (\w{3}) \d{4}, 09:00 CES?T, covering (\w+) \d{4}", text)


def test_subscriptions_say_a_post_falling_on_a_holiday_moves_to_the_next_working_day(
    slack, people, deps, settings
):
    today = deps.clock().date()
    friday = today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7)
    monday = friday + dt.timedelta(days=3)
    repo = open_repository(settings.database_url, clock=deps.clock)  # created as of the app's day
    try:
        sub = subscribe_design(deps, people, weekday=4, repository=repo)
        repo.add_holiday(friday, "Founders' day", created_by=people.admin.id)
    finally:
        repo.close()
    text = reply_text(slack.run("subscriptions", people.coworker))
    moved = (
        f"next Mon {monday.day} {monday:%b %Y}, 09:00 CET (moved from Fri {friday.day} "
        f"{friday:%b}, a holiday), covering Week of "
    )
    assert f"`#{sub.id}`" in text and moved in text, f"expected {moved!r} in {text!r}"


def test_subscriptions_of_a_team_and_of_an_unknown_team(slack, people, deps):
    subscribe_design(deps, people)
    assert "No digest subscriptions for Marketing" in reply_text(
        slack.run("subscriptions Marketing", people.coworker)
    )
    assert "Team not found" in reply_text(slack.run("subscriptions Nowhere", people.coworker))


def test_pause_and_resume_by_id_are_audited(slack, people, deps):
    sub = subscribe_design(deps, people)
    assert "Paused the digest" in reply_text(slack.run(f"pause {sub.id}", people.supervisor))
    assert deps.repo.get_subscription(sub.id).paused
    assert "Resumed" in reply_text(slack.run(f"resume #{sub.id}", people.supervisor))
    assert not deps.repo.get_subscription(sub.id).paused
    assert [a.action for a in deps.repo.list_audit()[:2]] == ["resume", "pause"]


def test_pause_malformed_or_unknown(slack, people, deps):
    assert "Usage: `/noko-team pause &lt;id&gt;`" in reply_text(
        slack.run("pause Design", people.admin)
    )
    assert "no digest subscription #999" in reply_text(slack.run("pause 999", people.admin))


def test_pause_by_coworker_is_refused_and_audited(slack, people, deps):
    sub = subscribe_design(deps, people)
    assert "can't pause digests" in reply_text(slack.run(f"pause {sub.id}", people.coworker))
    assert not deps.repo.get_subscription(sub.id).paused
    assert (deps.repo.list_audit()[0].action, deps.repo.list_audit()[0].result) == (
        "pause",
        "denied",
    )


def test_unsubscribe_by_id_and_by_team_in_a_channel(slack, people, deps):
    first = subscribe_design(deps, people)
    second = subscribe_design(deps, people, channel_id="C0OTHER")
    assert "Stopped the digest" in reply_text(slack.run(f"unsubscribe {first.id}", people.admin))
    slack.run("unsubscribe design <#C0OTHER|other>", people.admin)
    assert deps.repo.get_subscription(second.id) is None and deps.repo.list_subscriptions() == []
    assert deps.repo.list_audit()[0].action == "unsubscribe"


def test_unsubscribe_malformed_or_not_subscribed(slack, people, deps):
    text = reply_text(slack.run("unsubscribe", people.admin))
    assert "Usage: `/noko-team unsubscribe &lt;id|team&gt; [#channel]`" in text
    assert "gets no digest of *Design*" in reply_text(slack.run("unsubscribe Design", people.admin))


def test_unsubscribe_by_coworker_is_refused(slack, people, deps):
    sub = subscribe_design(deps, people)
    text = reply_text(slack.run(f"unsubscribe {sub.id}", people.coworker))
    assert "can't unsubscribe channels" in text and deps.repo.get_subscription(sub.id)
    assert deps.repo.list_audit()[0].result == "denied"


# -- the scheduler sees Slack edits at its next tick ----------------------------------------------
def test_a_resubscribe_changing_the_time_moves_the_next_scheduled_post(
    slack, people, deps, fake, settings
):
    slack.run(f"subscribe Design {DESIGN_CHANNEL} weekly monday 09:00 Europe/Berlin", people.admin)
    (sub,) = deps.repo.list_subscriptions()
    nine = next_due(sub, sub.created_at)
    slack.run(f"subscribe Design {DESIGN_CHANNEL} weekly monday 11:00 Europe/Berlin", people.admin)

    assert _tick(settings, deps, nine + dt.timedelta(seconds=30)).posted == []
    report = _tick(settings, deps, nine + dt.timedelta(hours=2, seconds=30))

    assert report.posted == [sub.id]
    (post,) = _digest_posts(fake)
    assert post.args["text"].startswith("Design · Week of")


def test_a_paused_subscription_is_skipped_until_resumed(slack, people, deps, fake, settings):
    sub = subscribe_design(deps, people)
    due = next_due(sub, sub.created_at)
    slack.run(f"pause {sub.id}", people.admin)
    assert _tick(settings, deps, due + dt.timedelta(seconds=30)).posted == []
    slack.run(f"resume {sub.id}", people.admin)
    assert _tick(settings, deps, due + dt.timedelta(seconds=60)).posted == [sub.id]
    assert len(_digest_posts(fake)) >= 1


# -- AUDIT_CHANNEL --------------------------------------------------------------------------------
def _audit_posts(fake):
    return [
        c.args["text"] for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "CAUDIT"
    ]


def test_subscription_changes_are_announced_in_the_audit_channel(slack, people, deps, fake):
    slack.run(f"subscribe Design {DESIGN_CHANNEL} weekly monday 09:00 Europe/Berlin", people.admin)
    (sub,) = deps.repo.list_subscriptions()
    slack.run(f"pause {sub.id}", people.admin)
    slack.run(f"unsubscribe {sub.id}", people.admin)

    posts = _audit_posts(fake)
    assert len(posts) == 3
    assert all(p.startswith(f"<@{people.admin.id}>: ") for p in posts)
    assert "Subscribed <#C0DESIGN>" in posts[0]
    assert "Paused" in posts[1]
    assert "Stopped the digest" in posts[2]


def test_refused_subscription_changes_are_not_announced(slack, people, deps, fake):
    sub = subscribe_design(deps, people)

    slack.run(f"pause {sub.id}", people.coworker)

    assert _audit_posts(fake) == []
