"""Digests go only to real channel references, and only a member of the channel subscribes it."""

from __future__ import annotations

import json

import pytest
from slackkit import daily_subscribe_form, reply_text

from bot.listeners.commands.subcommands.digests import channel_of
from bot.services.command_text import mention_user_id, tokenize

# What Slack sends when someone types "<#C0PRIVATE>" or "&lt;#C0PRIVATE&gt;" by hand.
TYPED = [
    "&lt;#C0PRIVATE&gt;",
    "&amp;lt;#C0PRIVATE&amp;gt;",
    "&lt;#C0PRIVATE|secret&gt;",
    '"&lt;#C0PRIVATE&gt;"',
]


@pytest.mark.parametrize("typed", TYPED)
def test_subscribe_to_a_channel_typed_by_hand_subscribes_nothing(slack, people, deps, fake, typed):
    slack.command(f"subscribe Design {typed} weekly", people.admin)
    view = json.dumps(fake.wait_for("views.update")[0].args["view"])
    assert "# autocomplete" in view  # the form names the problem: pick the channel
    assert deps.repo.list_subscriptions() == []
    assert fake.calls_to("conversations.members") == []


def test_unsubscribe_from_a_channel_typed_by_hand_is_a_usage_error(slack, people, deps):
    reply = reply_text(slack.run("unsubscribe Design &lt;#C0PRIVATE&gt;", people.admin))
    assert "# autocomplete" in reply


def test_tokenize_never_turns_typed_text_into_a_reference():
    words = tokenize("&lt;#C0PRIVATE&gt; &lt;@UADMIN&gt; <#C0REAL|real> <@UREAL>")
    assert [channel_of(w) for w in words] == [None, None, "C0REAL", None]
    assert [mention_user_id(w) for w in words] == [None, None, None, "UREAL"]


def test_subscribe_a_channel_the_subscriber_is_not_in_is_refused_and_audited(
    slack, people, deps, fake
):
    fake.set_channel("C0PRIVATE", [people.supervisor.id, people.mate.id])
    reply = reply_text(slack.run("subscribe Design <#C0PRIVATE|secret> weekly", people.admin))
    assert "can't subscribe that channel" in reply and "not a member of <#C0PRIVATE>" in reply
    assert deps.repo.list_subscriptions() == []
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result, audit.team_name) == ("subscribe", "denied", "Design")
    assert "<#C0PRIVATE>" in audit.detail


def test_subscribe_a_channel_the_bot_cannot_see_is_refused(slack, people, deps, fake):
    fake.set_channel("G0HIDDEN", None)
    reply = reply_text(slack.run("subscribe Design <#G0HIDDEN> daily", people.admin))
    assert "can't post there" in reply and "/invite @noko-teams" in reply
    assert deps.repo.list_subscriptions() == []
    assert deps.repo.list_audit()[0].result == "denied"


def test_subscribe_the_current_channel_checks_membership_too(slack, people, deps, fake):
    fake.set_channel("C0GENERAL", [people.supervisor.id])
    reply = reply_text(slack.run("subscribe Design weekly", people.admin))
    assert "not a member of <#C0GENERAL>" in reply and deps.repo.list_subscriptions() == []


def test_membership_is_read_across_every_page(slack, people, deps, fake):
    crowd = [f"U{i:06d}" for i in range(450)]
    fake.set_channel("C0BIG", [*crowd, people.admin.id])
    reply = reply_text(slack.run("subscribe Design <#C0BIG|big> weekly", people.admin))
    assert "Subscribed <#C0BIG> to *Design*" in reply
    pages = fake.calls_to("conversations.members")
    assert len(pages) == 3 and {p.args["channel"] for p in pages} == {"C0BIG"}
    assert deps.repo.list_subscriptions()[0].channel_id == "C0BIG"


def test_form_submission_for_a_channel_the_subscriber_is_not_in_is_refused(
    slack, people, deps, fake
):
    fake.set_channel("C0PRIVATE", [people.admin.id])
    team_id = next(t["id"] for t in deps.noko.list_teams() if t["name"] == "Design")
    view = daily_subscribe_form(team_id, "C0PRIVATE")
    slack.submit(people.supervisor, view)
    result = json.dumps(fake.wait_for("views.update")[0].args["view"])
    assert "not a member of <#C0PRIVATE>" in result
    assert deps.repo.list_subscriptions() == []
