"""Slack's 3 seconds: the ack and the Loading… modal never wait for Noko."""

from __future__ import annotations

import json

from slackkit import reply_text


def test_command_is_acked_while_noko_hangs(slack, people, sandbox):
    sandbox.inject("stall", seconds=4.0, path="/teams", count=1)
    response, key = slack.command("list", people.coworker)
    # Had the listener called Noko before ack(), Bolt would have given up: 404, no body.
    assert response.status == 200
    assert "Noko didn't answer" in reply_text(slack.reply(key))


def test_loading_modal_opens_before_noko_answers(slack, people, sandbox, fake):
    # Two stalls: the background warm-up and the modal's own read both hang.
    sandbox.inject("stall", seconds=4.0, path="/teams", count=2)
    slack.command("add Design", people.supervisor)
    opened = fake.wait_for("views.open")[0]
    updated = fake.wait_for("views.update")[0]
    assert opened.at < updated.at
    assert "Loading" in json.dumps(opened.args["view"])
    assert "Noko didn't answer" in json.dumps(updated.args["view"])


def test_cold_cache_options_still_answer(slack, people):
    from bot.ids import ActionId

    response = slack.suggest(people.coworker, ActionId.TEAM_SELECT, "", {"callback_id": "x"})
    assert response.status == 200
    assert len(json.loads(response.body)["options"]) == 6
