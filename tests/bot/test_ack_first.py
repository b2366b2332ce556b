"""Slack's 3 seconds: the ack and the Loading… modal never wait for Noko."""

from __future__ import annotations

import json

from slackkit import reply_text

from bot.app import create_app
from bot.listeners.work import BUSY


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


def test_acks_do_not_wait_for_a_busy_pool(settings, deps, driver_for, people, sandbox):
    # One worker thread, Noko hanging: every command is still acked at once, on its own thread.

    app = create_app(settings.model_copy(update={"slack_listener_threads": 1}), deps)
    slack = driver_for(app)
    sandbox.inject("stall", seconds=3.0, path="/teams", count=1)
    keys = []
    for _ in range(5):
        response, key = slack.command("list", people.coworker)
        assert response.status == 200 and response.body == ""
        keys.append(key)
    for key in keys:  # and each ran afterwards, in turn
        slack.reply(key)


def test_a_full_queue_says_busy_in_the_ack_and_runs_nothing(
    settings, deps, driver_for, fake, people, sandbox
):

    tight = settings.model_copy(update={"slack_listener_threads": 1, "slack_queue_limit": 1})
    slack = driver_for(create_app(tight, deps))
    sandbox.inject("stall", seconds=2.0, path="/teams", count=1)
    first, key1 = slack.command("list", people.coworker)  # runs (and hangs on Noko)
    second, key2 = slack.command("list", people.coworker)  # waits in the queue
    third, key3 = slack.command("list", people.coworker)  # refused
    assert first.status == second.status == third.status == 200
    assert json.loads(third.body)["text"] == BUSY
    slack.reply(key1), slack.reply(key2)
    assert [c for c in fake.calls_to("response_url") if c.path.endswith(f"/{key3}")] == []


def test_a_full_queue_keeps_the_modal_open_with_an_inline_busy_error(
    settings, deps, driver_for, people, sandbox, dataset
):

    tight = settings.model_copy(update={"slack_listener_threads": 1, "slack_queue_limit": 0})
    slack = driver_for(create_app(tight, deps))
    sandbox.inject("stall", seconds=2.0, path="/teams", count=1)
    slack.command("list", people.supervisor)  # takes the only slot
    team = dataset.teams[0]
    state = {
        "values": {
            "noko_team": {"noko_team_select": {"selected_option": {"value": str(team.id)}}},
            "noko_users": {"noko_users_select": {"selected_options": [{"value": "1"}]}},
        }
    }
    view = {
        "callback_id": "noko_add_members",
        "state": state,
        "blocks": [
            {
                "type": "input",
                "block_id": "noko_team",
                "label": {"type": "plain_text", "text": "Team"},
                "element": {"type": "external_select", "action_id": "noko_team_select"},
            },
        ],
    }
    response = slack.submit(people.supervisor, view)
    answer = json.loads(response.body)
    assert answer == {"response_action": "errors", "errors": {"noko_team": BUSY}}
