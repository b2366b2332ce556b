"""A signed slash command or interaction that names no user is answered plainly (a command) or
with an empty 200 (an interaction), logged in one line, and runs nothing: no traceback, no
"something went wrong", no call to Slack or Noko."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest
from slackkit import reply_text

from bot.ids import ActionId, CallbackId

TEAM_ID = "T0001"  # the Driver's workspace


def _quiet(caplog):
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in lines] == [lines[0].getMessage()] and lines[0].exc_info is None
    assert "names no user" in lines[0].getMessage()


def _settle(fake):
    time.sleep(0.3)  # anything queued after the ack would have answered by now
    return [c.method for c in fake.calls if c.method != "auth.test"]


@pytest.mark.parametrize("user", [None, "", "  "])
@pytest.mark.parametrize("text", ["help", "list", "resume 1", "create Evil"])
def test_a_command_without_a_user_gets_a_plain_answer(slack, fake, sandbox, caplog, text, user):
    form = {
        "team_id": TEAM_ID,
        "channel_id": "C0GENERAL",
        "command": "/noko-team",
        "text": text,
        "response_url": fake.response_url("nouser"),
        "trigger_id": "trigger.nouser",
    }
    if user is not None:
        form["user_id"] = user
    sandbox.clear_requests()
    response = slack.dispatch(urlencode(form), "application/x-www-form-urlencoded")
    assert response.status == 200
    answer = json.loads(response.body)
    assert answer["response_type"] == "ephemeral"
    assert "can't tell who sent this" in answer["text"] and "did nothing" in answer["text"]
    assert _settle(fake) == [] and sandbox.requests == []
    _quiet(caplog)


@pytest.mark.parametrize(
    "payload",
    [
        {
            "type": "block_actions",
            "actions": [{"action_id": ActionId.CHECK_CHANGE, "value": "{}", "block_id": "b"}],
        },
        {"type": "block_actions", "user": {"id": ""}, "actions": [{"action_id": "x"}]},
        {"type": "view_submission", "view": {"callback_id": CallbackId.CREATE_TEAM, "id": "V1"}},
        {"type": "block_suggestion", "action_id": "noko_team_select", "value": "De"},
    ],
)
def test_an_interaction_without_a_user_gets_an_empty_200(slack, fake, caplog, payload):
    response = slack.interactive({"team": {"id": TEAM_ID}, "api_app_id": "A1", **payload})
    assert response.status == 200 and not response.body
    assert _settle(fake) == []
    _quiet(caplog)


def test_a_command_with_its_user_still_runs(slack, people):
    assert "/noko-team list" in reply_text(slack.run("help", people.coworker))
