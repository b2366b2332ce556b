"""Noko failing (404, 429, 5xx, timeout) becomes one helpful sentence, never a stack trace."""

from __future__ import annotations

import pytest
from slackkit import reply_text


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        (429, "Noko is busy, try again in a minute"),
        (500, "Noko didn't answer"),
        (503, "Noko didn't answer"),
        (401, "Noko rejected the bot's access token"),
    ],
)
def test_list_when_noko_fails(slack, people, sandbox, status, sentence):
    sandbox.inject("status", status=status, path="/teams", count=5)
    assert sentence in reply_text(slack.run("list", people.coworker))


def test_show_team_that_vanished_in_noko_is_not_found(slack, people, sandbox, deps):
    deps.cache.teams()
    sandbox.inject("status", status=404, path="^/v2/teams/2$", count=5)
    assert "Team not found" in reply_text(slack.run("show Design", people.coworker))


def test_timeout_says_noko_did_not_answer(slack, people, sandbox):
    sandbox.inject("stall", seconds=3.0, path="/teams", count=1)
    assert "Noko didn't answer" in reply_text(slack.run("list", people.coworker))


def test_failed_change_is_audited_as_failed(slack, people, sandbox, deps):
    deps.cache.teams(), deps.cache.users()
    sandbox.inject("status", status=500, path="/add_users", count=5)
    reply = reply_text(slack.run(f"add Design <@{people.mate.id}>", people.admin))
    assert "Noko didn't answer" in reply
    audit = deps.repo.list_audit()[0]
    assert (audit.result, audit.team_name) == ("failed", "Design")
    assert "NokoServerError" in (audit.detail or "")


def test_noko_failure_inside_modal_submission_is_shown_in_modal(slack, people, sandbox, deps, fake):
    import json

    from test_modals import _state, _view

    from bot.ids import CallbackId

    teams, users = deps.cache.teams(), deps.cache.users()
    design = next(t for t in teams if t["name"] == "Design")
    outsider = next(u["id"] for u in users if u["id"] not in {m["id"] for m in design["users"]})
    sandbox.inject("status", status=429, path="/add_users", count=5)
    slack.submit(
        people.admin, _view(CallbackId.ADD_MEMBERS, _state(design["id"], [outsider]), "add")
    )
    assert "Noko is busy" in json.dumps(fake.wait_for("views.update")[0].args["view"])
