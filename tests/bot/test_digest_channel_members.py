"""Every change to a channel's digests follows subscribe's rule (only the channel's members make
it), and a private channel's digests are listed only to its members.

The attacker is the admin: a Slack admin and Noko supervisor, allowed to change teams and
digests, but not in the private channel #G0PRIV whose digest the supervisor set up."""

from __future__ import annotations

import json

import pytest
from slackkit import reply_text, subscribe_design

from bot.ids import ActionId

PRIVATE = "G0PRIV"


@pytest.fixture
def private_digest(deps, people, fake):
    """A paused Design digest of the private channel #G0PRIV (the bot and the supervisor in it),
    owned by the coworker at their level."""
    fake.set_conversation(PRIVATE, is_private=True, bot_member=True)
    fake.set_channel(PRIVATE, [people.supervisor.id, people.coworker.id])
    return subscribe_design(
        deps,
        people,
        channel_id=PRIVATE,
        paused=True,
        created_by=people.coworker.id,
        read_level="projects",
    )


def _unchanged(deps, sub):
    now = deps.repo.get_subscription(sub.id)
    assert now is not None
    assert (now.paused, now.created_by, now.read_level) == (sub.paused, sub.created_by, "projects")


def _home_click(slack, user, action_id, sub):
    slack.action(
        user,
        {"action_id": action_id, "value": str(sub.id)},
        view={"id": "VHOME", "type": "home"},
        response_url=None,
    )


def test_resume_by_someone_outside_the_private_channel_is_refused(
    slack, people, deps, private_digest
):
    reply = reply_text(slack.run(f"resume {private_digest.id}", people.admin))
    assert f"can't resume digest #{private_digest.id}" in reply
    assert f"not a member of <#{PRIVATE}>" in reply
    # Not its owner, not "everyone's time", not resumed.
    _unchanged(deps, private_digest)
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result) == ("resume", "denied")


def test_a_member_of_the_private_channel_still_resumes_it(slack, people, deps, private_digest):
    reply = reply_text(slack.run(f"resume {private_digest.id}", people.supervisor))
    assert "can't" not in reply
    now = deps.repo.get_subscription(private_digest.id)
    assert not now.paused and now.created_by == people.supervisor.id


@pytest.mark.parametrize("words", ["pause {id}", "unsubscribe {id}"])
def test_pause_and_unsubscribe_by_id_from_outside_are_refused(
    slack, people, deps, private_digest, words
):
    deps.repo.update_subscription(private_digest.id, paused=False)
    reply = reply_text(slack.run(words.format(id=private_digest.id), people.admin))
    assert f"not a member of <#{PRIVATE}>" in reply
    now = deps.repo.get_subscription(private_digest.id)
    assert now is not None and not now.paused
    assert deps.repo.list_audit()[0].result == "denied"


def test_unsubscribe_by_team_and_channel_from_outside_is_refused(
    slack, people, deps, private_digest
):
    reply = reply_text(slack.run(f"unsubscribe Design <#{PRIVATE}|secret>", people.admin))
    assert f"not a member of <#{PRIVATE}>" in reply
    assert deps.repo.get_subscription(private_digest.id) is not None


def test_unsubscribe_in_a_private_channel_the_bot_cannot_read_is_refused(
    slack, people, deps, private_digest, fake
):
    fake.set_channel(PRIVATE, None)  # conversations.members: channel_not_found
    reply = reply_text(slack.run(f"unsubscribe {private_digest.id}", people.admin))
    assert f"I can't see who is in <#{PRIVATE}>" in reply
    assert deps.repo.get_subscription(private_digest.id) is not None


@pytest.mark.parametrize(
    ("action_id", "paused"),
    [(ActionId.SUB_RESUME, True), (ActionId.SUB_PAUSE, False), (ActionId.SUB_DELETE, False)],
)
def test_app_home_buttons_from_outside_are_refused(
    slack, people, deps, fake, private_digest, action_id, paused
):
    # A forged click: the Home never showed the attacker this digest's buttons.
    deps.repo.update_subscription(private_digest.id, paused=paused)
    _home_click(slack, people.admin, action_id, private_digest)
    message = fake.wait_for("chat.postMessage")[0].args
    assert message["channel"] == people.admin.id
    assert f"not a member of <#{PRIVATE}>" in message["text"]
    now = deps.repo.get_subscription(private_digest.id)
    assert now is not None and now.paused is paused and now.created_by == people.coworker.id


def test_subscriptions_lists_a_private_channels_digest_only_to_its_members(
    slack, people, deps, private_digest
):
    public = subscribe_design(deps, people, channel_id="C0DESIGN")
    outside = reply_text(slack.run("subscriptions", people.admin))
    assert f"#{public.id}" in outside and "<#C0DESIGN>" in outside
    assert PRIVATE not in outside and f"`#{private_digest.id}`" not in outside
    inside = reply_text(slack.run("subscriptions Design", people.supervisor))
    assert PRIVATE in inside and "<#C0DESIGN>" in inside


def test_app_home_lists_a_private_channels_digest_only_to_its_members(
    slack, people, deps, fake, private_digest
):
    slack.event({"type": "app_home_opened", "user": people.admin.id, "tab": "home"})
    outside = json.dumps(fake.wait_for("views.publish")[0].args["view"])
    assert PRIVATE not in outside and "No channel digests yet" in outside
    slack.event({"type": "app_home_opened", "user": people.supervisor.id, "tab": "home"})
    inside = json.dumps(fake.wait_for("views.publish", count=2)[1].args["view"])
    assert PRIVATE in inside


def test_preview_of_a_private_channels_digest_from_outside_shows_nothing(
    slack, people, fake, private_digest
):
    # A forged Preview click: the admin's Home never listed this digest.
    _home_click(slack, people.admin, ActionId.SUB_PREVIEW, private_digest)
    fake.wait_for("views.open")
    view = json.dumps(fake.wait_for("views.update")[0].args["view"])
    assert f"no digest subscription #{private_digest.id}" in view
    assert "Design" not in view and PRIVATE not in view


def test_a_member_of_the_private_channel_previews_its_digest(slack, people, fake, private_digest):
    _home_click(slack, people.supervisor, ActionId.SUB_PREVIEW, private_digest)
    fake.wait_for("views.open")
    view = json.dumps(fake.wait_for("views.update")[0].args["view"])
    assert "Design" in view and "nothing was posted" in view
