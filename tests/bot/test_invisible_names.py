"""New team names (create, rename, the create form, a forged Rename button) and holiday names
refuse bidirectional-control and zero-width characters, saying which, before Noko or the
database is asked: "Design" with a U+202E inside reads as another name in every list."""

from __future__ import annotations

import json

import pytest
from slackkit import reply_text

from bot.ids import ActionId, BlockId, CallbackId

# What an attacker hides in a name, and how the refusal names it.
INVISIBLE = [
    ("Pay\u202eroll", "U+202E"),  # right-to-left override: shown as "Payllor"
    ("Desi\u200bgn", "U+200B"),  # zero width space: a second "Design"
    ("\u2066Ops\u2069", "U+2066, U+2069"),  # isolates
    ("\ufeffFinance", "U+FEFF"),
    ("Sales\u2060", "U+2060"),
    ("Mark\u200deting", "U+200D"),  # a joiner between letters (not an emoji's)
    ("Left\u200e", "U+200E"),
]


def _writes(sandbox):
    return [r for r in sandbox.requests if r.method != "GET"]


@pytest.mark.parametrize(("name", "shown"), INVISIBLE)
def test_create_command_refuses_invisible_characters(slack, people, sandbox, deps, name, shown):
    sandbox.clear_requests()
    reply = reply_text(slack.run(f'create "{name}" <@{people.mate.id}>', people.admin))
    assert "can't contain invisible or text-direction characters" in reply and shown in reply
    assert _writes(sandbox) == []
    assert all("\u202e" not in t["name"] for t in deps.noko.list_teams())


def test_an_emoji_sequence_is_still_a_name(slack, people, sandbox):
    reply = reply_text(slack.run(f'create "👩\u200d💻 Devs" <@{people.mate.id}>', people.admin))
    assert "Created team" in reply
    assert [r.json["name"] for r in _writes(sandbox)] == ["👩\u200d💻 Devs"]


def test_create_form_refuses_them_inline(slack, people, sandbox, deps):
    from test_modals import _state, _view

    view = _view(CallbackId.CREATE_TEAM, _state(name="Night\u202eShift"), "create")
    body = json.loads(slack.submit(people.admin, view).body)
    assert body["response_action"] == "errors"
    assert "U+202E" in body["errors"][BlockId.TEAM_NAME]
    assert _writes(sandbox) == [] and deps.repo.list_audit() == []


def test_rename_command_refuses_them(slack, people, sandbox):
    reply = reply_text(slack.run('rename Design "Design\u200b"', people.admin))
    assert "U+200B" in reply and "noko_confirm_rename" not in reply
    assert _writes(sandbox) == []


def test_a_forged_rename_button_refuses_them(slack, people, sandbox, deps):
    design = next(t for t in deps.noko.list_teams() if t["name"] == "Design")
    value = json.dumps({"team_id": design["id"], "old_name": "Design", "new_name": "Ngised\u202e"})
    key = slack.action(people.admin, {"action_id": ActionId.CONFIRM_RENAME, "value": value})
    assert "U+202E" in slack.reply(key).args["text"]
    assert _writes(sandbox) == []
    assert deps.noko.get_single_team(design["id"])["name"] == "Design"


@pytest.mark.parametrize(("name", "shown"), INVISIBLE)
def test_holiday_names_refuse_them_too(slack, people, deps, name, shown):
    reply = reply_text(slack.run(f"holidays add 2030-12-24 {name}", people.admin))
    assert "A holiday name can't contain invisible" in reply and shown in reply
    assert deps.repo.list_holidays() == []


def test_holiday_names_lose_control_characters(slack, people, deps):
    slack.run("holidays add 2030-12-24 Christmas\x07 Eve", people.admin)
    assert [h.name for h in deps.repo.list_holidays()] == ["Christmas Eve"]
