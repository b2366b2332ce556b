"""Names and team queries are cleaned and bounded in one place, before any Noko request."""

from __future__ import annotations

import json

import pytest
from slackkit import reply_text

from bot.errors import InputError
from bot.ids import BlockId, CallbackId
from bot.services.inputs import clean_member_words, clean_team_name, clean_team_query, clean_text


def _writes(sandbox):
    return [r for r in sandbox.requests if r.method != "GET"]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Nul\x00Team", "NulTeam"),
        ("  Data\tScience\n ", "Data Science"),
        ("Esc\x1b[31mRed\x7f", "Esc[31mRed"),
        ("Line\u2028Break", "Line Break"),
        ("Zero\u200bWidth 👩\u200d💻", "Zero\u200bWidth 👩\u200d💻"),  # format characters stay
        ("Lone\ud800Surrogate", "LoneSurrogate"),
    ],
)
def test_clean_text_drops_control_characters_and_folds_space(raw, clean):
    assert clean_text(raw) == clean


def test_clean_team_name_counts_what_is_left():
    assert clean_team_name("\x00" * 50 + "n" * 100) == "n" * 100


@pytest.mark.parametrize(
    ("raw", "says"),
    [("n" * 101, "at most 100 characters; this one has 101"), ("\x00 \t", "visible character")],
)
def test_clean_team_name_rejects_with_the_reason(raw, says):
    with pytest.raises(InputError, match=says):
        clean_team_name(raw)


def test_clean_team_query_is_bounded():
    with pytest.raises(InputError, match="at most 200"):
        clean_team_query("q" * 201)


def test_clean_member_words_drops_empty_and_refuses_huge_words():
    assert clean_member_words(["<@UMATE>", "\x00", "a@b.c"]) == ["<@UMATE>", "a@b.c"]
    with pytest.raises(InputError, match="too long for a person"):
        clean_member_words(["x" * 400])


def test_create_command_cleans_the_name_before_noko(slack, people, sandbox, deps):
    reply = reply_text(slack.run(f"create Night\x07Shift <@{people.mate.id}>", people.admin))

    assert "Created team *NightShift*" in reply
    assert [r.json["name"] for r in _writes(sandbox)] == ["NightShift"]
    assert deps.repo.list_audit()[0].team_name == "NightShift"


def test_create_form_rejects_an_overlong_name_inline_without_noko(slack, people, sandbox, deps):
    from test_modals import _state, _view

    view = _view(CallbackId.CREATE_TEAM, _state(name="n" * 150), "create")

    body = json.loads(slack.submit(people.admin, view).body)

    assert body["response_action"] == "errors"
    assert "at most 100 characters" in body["errors"][BlockId.TEAM_NAME]
    assert _writes(sandbox) == [] and deps.repo.list_audit() == []


def test_create_form_cleans_the_name(slack, people, sandbox, deps, fake):
    from test_modals import _state, _view

    slack.submit(people.admin, _view(CallbackId.CREATE_TEAM, _state(name="Nul\x00Team"), "create"))

    assert "NulTeam" in json.dumps(fake.wait_for("views.update")[0].args["view"])
    assert [r.json["name"] for r in _writes(sandbox)] == ["NulTeam"]


@pytest.mark.parametrize("command", ["show", "hours", "members", "digest"])
def test_every_team_lookup_bounds_and_cleans_what_was_typed(slack, people, command):
    overlong = reply_text(slack.run(f"{command} {'T' * 300}", people.coworker))
    assert "at most 200 characters" in overlong
    cleaned = reply_text(slack.run(f"{command} Des\x00ign", people.coworker))
    assert "Design" in cleaned and "not found" not in cleaned
