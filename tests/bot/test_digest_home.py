"""App Home channel digests: listed with Pause/Resume, Preview and Delete buttons that work."""

from __future__ import annotations

import datetime as dt
import json
import threading

from slackkit import subscribe_design

from bot.ids import ActionId, BlockId, CallbackId
from bot.scheduler.cli import build_runner
from bot.scheduler.clock import ManualClock
from bot.services.schedule import next_due
from tests.blockkit import block_by_id, block_text


def _row_buttons(view, sub_id):
    block_id = f"{BlockId.HOME_DIGESTS}:{sub_id}:actions"
    actions = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return {e["action_id"]: e for e in actions["elements"]}


def _click(slack, user, button):
    # Home tab clicks carry the home view and no response_url.
    slack.action(
        user,
        {"action_id": button["action_id"], "value": button["value"]},
        view={"id": "VHOME", "type": "home"},
        response_url=None,
    )


def test_home_lists_each_subscription_with_its_buttons(slack, people, deps, fake):
    sub = subscribe_design(deps, people)
    paused = subscribe_design(deps, people, channel_id="C0OTHER", paused=True)
    slack.event({"type": "app_home_opened", "user": people.supervisor.id, "tab": "home"})
    view = fake.wait_for("views.publish")[0].args["view"]
    text = json.dumps(view, ensure_ascii=False)
    assert "Channel digests" in text and f"`#{sub.id}` *Design* → <#C0DESIGN>" in text
    assert "weekly on Monday at 09:00 (Europe/Berlin) · next Mon" in text and "· paused" in text
    buttons = _row_buttons(view, sub.id)
    assert set(buttons) == {ActionId.SUB_PAUSE, ActionId.SUB_PREVIEW, ActionId.SUB_DELETE}
    assert buttons[ActionId.SUB_DELETE]["confirm"]["confirm"]["text"] == "Delete"
    assert ActionId.SUB_RESUME in _row_buttons(view, paused.id)


def test_home_without_subscriptions_says_how_to_add_one(slack, people, fake):
    slack.event({"type": "app_home_opened", "user": people.coworker.id, "tab": "home"})
    view = fake.wait_for("views.publish")[0].args["view"]
    assert "No channel digests yet" in json.dumps(view)


def test_pause_then_resume_buttons_change_it_and_republish(slack, people, deps, fake):
    sub = subscribe_design(deps, people)
    _click(slack, people.supervisor, {"action_id": ActionId.SUB_PAUSE, "value": str(sub.id)})
    republished = fake.wait_for("views.publish")[0].args
    assert republished["user_id"] == people.supervisor.id
    assert deps.repo.get_subscription(sub.id).paused
    resume = _row_buttons(republished["view"], sub.id)[ActionId.SUB_RESUME]
    _click(slack, people.supervisor, resume)
    fake.wait_for("views.publish", count=2)
    assert not deps.repo.get_subscription(sub.id).paused
    assert [a.action for a in deps.repo.list_audit()[:2]] == ["resume", "pause"]


def test_delete_button_removes_it(slack, people, deps, fake):
    sub = subscribe_design(deps, people)
    _click(slack, people.admin, {"action_id": ActionId.SUB_DELETE, "value": str(sub.id)})
    view = fake.wait_for("views.publish")[0].args["view"]
    assert deps.repo.get_subscription(sub.id) is None
    assert f"`#{sub.id}`" not in json.dumps(view)
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result) == ("unsubscribe", "ok")


def test_preview_button_opens_the_digest_in_a_modal(slack, people, deps, fake):
    sub = subscribe_design(deps, people)
    _click(slack, people.coworker, {"action_id": ActionId.SUB_PREVIEW, "value": str(sub.id)})
    assert "Loading" in json.dumps(fake.wait_for("views.open")[0].args["view"])
    view = fake.wait_for("views.update")[0].args["view"]
    assert view["callback_id"] == CallbackId.DIGEST_PREVIEW
    title = block_text(block_by_id(view["blocks"], BlockId.DIGEST_HEADER))
    assert title.startswith("Design · Week of")
    assert "nothing was posted" in json.dumps(view) and not fake.calls_to("chat.postMessage")


def test_pause_button_by_coworker_is_refused_by_dm_and_audited(slack, people, deps, fake):
    sub = subscribe_design(deps, people)
    _click(slack, people.coworker, {"action_id": ActionId.SUB_PAUSE, "value": str(sub.id)})
    message = fake.wait_for("chat.postMessage")[0].args
    assert message["channel"] == people.coworker.id and "can't pause digests" in message["text"]
    assert not deps.repo.get_subscription(sub.id).paused
    assert deps.repo.list_audit()[0].result == "denied"


def test_a_pause_from_home_stops_the_next_scheduled_post(slack, people, deps, fake, settings):
    sub = subscribe_design(deps, people)
    due = next_due(sub, sub.created_at)
    clock = ManualClock(due + dt.timedelta(seconds=30))
    runner = build_runner(settings, deps.repo, clock, deps.noko, threading.Event())
    _click(slack, people.admin, {"action_id": ActionId.SUB_PAUSE, "value": str(sub.id)})
    fake.wait_for("views.publish")

    report = runner.tick()

    assert report.active and report.posted == []
    assert not [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "C0DESIGN"]
