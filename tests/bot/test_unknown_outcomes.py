"""Writes whose answer Noko lost: recorded `unknown`, said so with a Check button, announced."""

from __future__ import annotations

import json

import pytest
from slackkit import reply_text

from bot.app import create_app
from bot.deps import Deps
from bot.ids import ActionId, BlockId, CallbackId
from bot.services.cache import NokoCache
from bot.services.live_reads import LiveReads
from noko_core import NokoClient
from tests.blockkit import block_by_id, element_by_action

# The Noko request each change ends with (method, path regex), given the team's id.
WRITES = {
    "create": ("POST", lambda tid: r"^/v2/teams$"),
    "rename": ("PUT", lambda tid: rf"^/v2/teams/{tid}$"),
    "delete": ("DELETE", lambda tid: rf"^/v2/teams/{tid}$"),
    "clear": ("PUT", lambda tid: rf"^/v2/teams/{tid}/remove_all_users$"),
    "add": ("POST", lambda tid: rf"^/v2/teams/{tid}/add_users$"),
    "remove": ("PUT", lambda tid: rf"^/v2/teams/{tid}/remove_users$"),
}
# What the Check button says once it finds the change made.
MADE = {
    "create": "it was created",
    "rename": "it was renamed",
    "delete": "it was deleted",
    "clear": "it was emptied",
    "add": "they were added",
    "remove": "they were removed",
}


def _team(deps, name):
    return next((t for t in deps.noko.list_teams() if t["name"] == name), None)


def _member_ids(deps, name):
    return {u["id"] for u in _team(deps, name)["users"]}


def _noko_id(deps, email):
    return next(u["id"] for u in deps.noko.list_users() if u["email"] == email.lower())


def _confirmed(slack, user, text):
    blocks = slack.run(text, user).args["blocks"]
    button = element_by_action(
        blocks, ActionId.CONFIRM_DELETE, ActionId.CONFIRM_CLEAR, ActionId.CONFIRM_RENAME
    )
    key = slack.action(user, {"action_id": button["action_id"], "value": button["value"]})
    return slack.reply(key)


def _change(slack, people, deps, write):
    """Make ``write`` on the team Design (as the admin) and return the reply."""
    admin, mate = people.admin, people.mate
    if write == "create":
        return slack.run(f'create "Night Shift" <@{mate.id}>', admin)
    if write in ("rename", "delete", "clear"):
        return _confirmed(
            slack, admin, f"{write} Design" + (" Studio" if write == "rename" else "")
        )
    if write == "remove":
        member = next(iter(_member_ids(deps, "Design")))
        return slack.run(f"remove Design {member}", admin)
    return slack.run(f"add Design <@{mate.id}>", admin)


def _made(deps, people, write, design_id, before):
    """Whether Noko holds the change (read straight from Noko)."""
    teams = {t["id"]: t for t in deps.noko.list_teams()}
    design = teams.get(design_id)
    if write == "create":
        return any(t["name"] == "Night Shift" for t in teams.values())
    if write == "rename":
        return design["name"] == "Studio"
    if write == "delete":
        return design is None
    if write == "clear":
        return design["users"] == []
    members = {u["id"] for u in design["users"]}
    if write == "add":
        return _noko_id(deps, people.mate.email) in members
    return len(members) == len(before) - 1


def _inject(sandbox, deps, write, fault):
    method, path = WRITES[write]
    design_id = _team(deps, "Design")["id"]
    seconds = 2.5 if fault == "apply-then-stall" else None  # the bot's client waits 2 s
    sandbox.inject(fault, method=method, path=path(design_id), seconds=seconds)
    return design_id


@pytest.mark.parametrize("fault", ["apply-then-drop", "apply-then-stall"])
@pytest.mark.parametrize("write", list(WRITES))
def test_change_whose_answer_is_lost_is_unknown(slack, people, sandbox, deps, fake, write, fault):
    deps.cache.teams(), deps.cache.users()
    before = _member_ids(deps, "Design")
    design_id = _inject(sandbox, deps, write, fault)

    reply = _change(slack, people, deps, write)

    assert "can't tell whether" in reply.args["text"] and "may have happened" in reply.args["text"]
    actions = block_by_id(reply.args["blocks"], BlockId.CHECK)
    assert element_by_action([actions], ActionId.CHECK_CHANGE)
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result) == (write, "unknown")
    assert "NokoOutcomeUnknownError" in (audit.detail or "")
    announced = fake.wait_for("chat.postMessage")[0].args
    assert announced["channel"] == "CAUDIT" and "outcome unknown" in announced["text"]
    assert _made(deps, people, write, design_id, before)


@pytest.mark.parametrize("write", list(WRITES))
def test_check_button_says_the_change_was_made(slack, people, sandbox, deps, write):
    deps.cache.teams(), deps.cache.users()
    _inject(sandbox, deps, write, "apply-then-drop")
    blocks = _change(slack, people, deps, write).args["blocks"]
    button = element_by_action(blocks, ActionId.CHECK_CHANGE)

    key = slack.action(
        people.coworker, {"action_id": button["action_id"], "value": button["value"]}
    )

    assert MADE[write] in slack.reply(key).args["text"]


def test_check_button_says_a_create_that_never_arrived_was_not_made(slack, people, sandbox):
    sandbox.inject("drop", method="POST", path=r"^/v2/teams$")
    reply = slack.run(f'create "Night Shift" <@{people.mate.id}>', people.admin)
    button = element_by_action(reply.args["blocks"], ActionId.CHECK_CHANGE)

    key = slack.action(people.admin, {"action_id": button["action_id"], "value": button["value"]})

    assert "it was not created, so you can try again" in slack.reply(key).args["text"]


def test_unknown_create_in_the_modal_offers_check_there(slack, people, sandbox, deps, fake):
    from test_modals import _state, _view

    sandbox.inject("apply-then-drop", method="POST", path=r"^/v2/teams$")
    slack.submit(people.admin, _view(CallbackId.CREATE_TEAM, _state(name="Night Shift"), "create"))
    shown = fake.wait_for("views.update", 1)[0].args["view"]
    assert "can't tell whether" in json.dumps(shown)
    button = element_by_action(shown["blocks"], ActionId.CHECK_CHANGE)
    assert deps.repo.list_audit()[0].result == "unknown"

    slack.action(
        people.admin,
        {"action_id": button["action_id"], "value": button["value"]},
        view={"id": "VRESULT", "type": "modal"},
    )

    checked = fake.wait_for("views.update", 2)[1].args
    assert checked["view_id"] == "VRESULT" and "it was created" in json.dumps(checked["view"])


def test_resent_delete_answered_404_counts_as_done(settings, sandbox, deps, driver_for, people):
    noko = NokoClient(
        sandbox.token,
        base_url=sandbox.base_url,
        timeout=2.0,
        max_retries=2,
        backoff_base=0.01,
        requests_per_second=None,
    )
    cache = NokoCache(noko)
    reads = LiveReads(noko, cache)
    retrying = Deps(noko=noko, repo=deps.repo, cache=cache, reads=reads, clock=deps.clock)
    slack = driver_for(create_app(settings, retrying))
    _inject(sandbox, deps, "delete", "apply-then-drop")

    reply = _confirmed(slack, people.admin, "delete Design")

    assert "Deleted team *Design*" in reply.args["text"]
    assert "Team not found" not in reply_text(reply)
    assert deps.repo.list_audit()[0].result == "ok"
    assert [r.status for r in sandbox.requests if r.method == "DELETE"] == [204, 404]
    noko.close()
