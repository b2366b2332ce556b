"""On PostgreSQL: every accepted change leaves exactly one audit row, whatever was typed."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slackkit import reply_text

from bot.ids import ActionId, CallbackId
from bot.services.inputs import clean_team_name
from tests.blockkit import element_by_action

pytestmark = pytest.mark.postgres


@pytest.fixture
def bot_database_url(postgres_url: str) -> str:
    """The bot's database on a PostgreSQL schema of its own (tests/bot/conftest.py's settings)."""
    return postgres_url


def _team(deps, name):
    return next((t for t in deps.noko.list_teams() if t["name"] == name), None)


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not condition():
        time.sleep(0.01)
    return condition()


def _writes(sandbox):
    return [r for r in sandbox.requests if r.method != "GET"]


def _rename(slack, user, text):
    """Run ``rename``; when it asks for the click, click Rename. The final reply's text."""
    call = slack.run(text, user)
    if "noko_confirm_rename" not in json.dumps(call.args.get("blocks") or []):
        return reply_text(call)
    button = element_by_action(call.args["blocks"], ActionId.CONFIRM_RENAME)
    return reply_text(
        slack.reply(
            slack.action(user, {"action_id": button["action_id"], "value": button["value"]})
        )
    )


def test_rename_to_an_overlong_name_is_refused_before_noko(slack, people, sandbox, deps):
    long_name = "N" * 260

    reply = reply_text(slack.run(f"rename Design {long_name}", people.admin))

    assert "at most 100 characters" in reply
    assert _writes(sandbox) == [] and _team(deps, "Design")
    assert deps.repo.list_audit() == []


def test_rename_of_a_long_named_team_is_audited_in_full(slack, people, sandbox, deps):
    old = "Long " + "o" * 250
    team = deps.noko.create_team(name=old)
    new = "S" * 100

    reply = _rename(slack, people.admin, f"rename {team['id']} {new}")

    assert f"to *{new}*" in reply
    [audit] = deps.repo.list_audit()
    assert (audit.result, audit.team_name) == ("ok", f"{old} -> {new}")


def test_refused_subscribe_of_a_long_team_is_audited(slack, people, deps):
    team = "T" * 300

    reply = reply_text(slack.run(f"subscribe {team}", people.coworker))

    assert "can't" in reply
    [audit] = deps.repo.list_audit()
    assert (audit.action, audit.result, audit.team_name) == ("subscribe", "denied", team)


def test_create_strips_nul_before_noko_and_audits(slack, people, sandbox, deps):
    reply = reply_text(slack.run(f"create Nul\x00Team <@{people.mate.id}>", people.admin))

    assert "Created team *NulTeam*" in reply
    assert [r.json["name"] for r in _writes(sandbox)] == ["NulTeam"]
    [audit] = deps.repo.list_audit()
    assert (audit.action, audit.result, audit.team_name) == ("create", "ok", "NulTeam")


def test_change_is_audited_as_pending_before_noko_is_asked(slack, people, sandbox, deps):
    sandbox.inject("stall", seconds=1.0, method="POST", path=r"^/v2/teams$")

    key = slack.command(f'create "Slow Team" <@{people.mate.id}>', people.admin)[1]

    assert wait_for(lambda: any(r.method == "POST" for r in sandbox.requests))
    assert [(a.action, a.result) for a in deps.repo.list_audit()] == [("create", "pending")]
    assert "can't tell whether" in reply_text(slack.reply(key))
    [audit] = deps.repo.list_audit()
    assert audit.result == "unknown" and audit.finished_at is not None


# Team names as people (or forged payloads) may send them: control characters, NUL, invisible
# and wide characters, markup, and lengths around and beyond the 100-character limit.
PIECES = st.sampled_from(
    [
        "\x00",
        "\t",
        "\n",
        "\x1b",
        "\x7f",
        "\u200b",
        "\u202e",
        " ",
        "  ",
        "&",
        "<b>",
        "'",
        "é",
        "💥",
        "Team",
        "x" * 45,
        "R&D",
    ]
)
NAMES = st.lists(
    st.one_of(PIECES, st.text(st.characters(codec="utf-8"), max_size=12)), max_size=8
).map("".join)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=NAMES)
def test_any_accepted_create_leaves_exactly_one_audit_row(slack, people, sandbox, deps, fake, name):
    from test_modals import _state, _view

    fake.clear()
    sandbox.clear_requests()
    rows = len(deps.repo.list_audit(limit=10_000))

    response = slack.submit(
        people.admin, _view(CallbackId.CREATE_TEAM, _state(name=name), "create")
    )

    accepted = json.loads(response.body or "{}").get("response_action") != "errors"
    if accepted:
        fake.wait_for("views.update")  # the result replaced "Working…"
    audits = deps.repo.list_audit(limit=10_000)
    assert len(audits) - rows == (1 if accepted else 0)
    if accepted:
        audit = audits[0]
        assert audit.result in ("ok", "failed") and audit.team_name == clean_team_name(name)
        sent = [r.json["name"] for r in _writes(sandbox)]
        assert sent in ([], [audit.team_name])
    else:
        assert _writes(sandbox) == []


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=NAMES, as_admin=st.booleans())
def test_any_accepted_rename_leaves_exactly_one_finished_audit_row(
    slack, people, sandbox, deps, name, as_admin
):
    sandbox.clear_requests()
    rows = len(deps.repo.list_audit(limit=10_000))
    user = people.admin if as_admin else people.coworker

    reply = _rename(slack, user, f"rename 2 {name}")

    # Refused before the confirmation (nothing attempted): unreadable, or not a name to give.
    rejected = "Usage:" in reply or reply.startswith(("A team name", "There is already", "I can"))
    audits = deps.repo.list_audit(limit=10_000)
    assert len(audits) - rows == (0 if rejected else 1), reply
    if rejected:
        assert _writes(sandbox) == []
    else:
        assert audits[0].result in ("ok", "failed", "denied")
        assert audits[0].result == "denied" or as_admin
