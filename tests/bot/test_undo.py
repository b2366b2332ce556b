"""The Undo button under a change: the inverse change for 10 minutes, made by whoever clicks,
authorized and audited like any change, used once; delete and clear offer none."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from slackkit import reply_text

from bot.ids import ActionId, BlockId, CallbackId
from bot.listeners.payloads import ModalMetadata
from tests.blockkit import block_by_id, element_by_action


def _team(deps, name):
    return next((t for t in deps.noko.list_teams() if t["name"] == name), None)


def _ids(deps, name):
    return {u["id"] for u in _team(deps, name)["users"]}


def _noko_id(deps, email):
    return next(u["id"] for u in deps.noko.list_users() if u["email"] == email.lower())


def _press(slack, user, call, action_id, **extra):
    """Press the button ``action_id`` of a reply; the key of the click's response_url."""
    button = element_by_action(call.args["blocks"], action_id)
    return slack.action(user, {"action_id": button["action_id"], "value": button["value"]}, **extra)


def _undo(slack, user, call):
    return slack.reply(_press(slack, user, call, ActionId.UNDO_CHANGE))


def _renamed(slack, people, text):
    call = slack.run(text, people.admin)
    return slack.reply(_press(slack, people.admin, call, ActionId.CONFIRM_RENAME))


def _later(deps, **delta):
    start = deps.clock()
    deps.clock = lambda: start + dt.timedelta(**delta)


def _audit(deps):
    return [(a.action, a.result, a.slack_user_id) for a in reversed(deps.repo.list_audit())]


def test_undo_an_add_removes_them_again(slack, people, deps, fake):
    mate = _noko_id(deps, people.mate.email)
    done = slack.run(f"add Design <@{people.mate.id}>", people.supervisor)
    assert mate in _ids(deps, "Design")
    assert block_by_id(done.args["blocks"], BlockId.UNDO)

    undone = _undo(slack, people.admin, done)

    assert undone.args["text"] == f"Undone: removed {people.mate.name} from *Design*."
    assert undone.args["replace_original"] is True
    assert mate not in _ids(deps, "Design")
    assert _audit(deps) == [("add", "ok", people.supervisor.id), ("remove", "ok", people.admin.id)]
    announced = [c.args["text"] for c in fake.wait_for("chat.postMessage", 2)]
    assert announced[1] == f"<@{people.admin.id}>: Undo: Removed {people.mate.name} from *Design*."


def test_undo_a_remove_adds_them_again(slack, people, deps):
    member = sorted(_ids(deps, "Design"))[0]
    done = slack.run(f"remove Design {member}", people.admin)
    assert member not in _ids(deps, "Design")

    assert _undo(slack, people.admin, done).args["text"].startswith("Undone: added ")
    assert member in _ids(deps, "Design")
    assert [a[:2] for a in _audit(deps)] == [("remove", "ok"), ("add", "ok")]


def test_undo_a_rename_gives_the_old_name_back(slack, people, deps):
    design_id = _team(deps, "Design")["id"]
    done = _renamed(slack, people, "rename Design Studio")
    assert deps.noko.get_single_team(design_id)["name"] == "Studio"

    undone = _undo(slack, people.admin, done)

    assert undone.args["text"] == "Undone: renamed *Studio* to *Design*."
    assert deps.noko.get_single_team(design_id)["name"] == "Design"
    assert [a.team_name for a in reversed(deps.repo.list_audit())] == [
        "Design -> Studio",
        "Studio -> Design",
    ]


def test_undo_a_rename_leaves_a_team_renamed_again_since(slack, people, deps):
    design_id = _team(deps, "Design")["id"]
    done = _renamed(slack, people, "rename Design Studio")
    deps.noko.edit_team(design_id, "Atelier")

    said = _undo(slack, people.admin, done).args["text"]

    assert "Nothing was renamed: *Studio* has been renamed *Atelier* since." in said
    assert deps.noko.get_single_team(design_id)["name"] == "Atelier"


def test_undo_a_create_deletes_the_team(slack, people, deps):
    done = slack.run(f'create "Night Shift" <@{people.mate.id}>', people.admin)
    created = _team(deps, "Night Shift")

    undone = _undo(slack, people.admin, done)

    assert undone.args["text"].startswith("Undone: deleted team *Night Shift*")
    assert _team(deps, "Night Shift") is None
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result, audit.team_id) == ("delete", "ok", created["id"])


def test_undo_a_create_refuses_once_the_team_changed(slack, people, deps):
    done = slack.run(f'create "Night Shift" <@{people.mate.id}>', people.admin)
    created = _team(deps, "Night Shift")
    newcomer = next(u for u in deps.noko.list_users() if u["id"] not in _ids(deps, "Night Shift"))
    deps.noko.add_users_to_team(created["id"], [newcomer["id"]])

    said = reply_text(_undo(slack, people.admin, done))

    assert "Not undone: *Night Shift* has changed since it was created" in said
    assert f"{newcomer['first_name']} {newcomer['last_name']} added" in said
    assert _ids(deps, "Night Shift") == {_noko_id(deps, people.mate.email), newcomer["id"]}
    audit = deps.repo.list_audit()[0]
    assert (audit.action, audit.result) == ("delete", "failed")
    # Once the team is as it was created again, the same button may still undo it.
    deps.noko.remove_users_from_team(created["id"], [newcomer["id"]])
    assert _undo(slack, people.admin, done).args["text"].startswith("Undone: deleted team")
    assert _team(deps, "Night Shift") is None


@pytest.mark.parametrize(
    ("after", "undone"), [({"minutes": 9, "seconds": 59}, True), ({"minutes": 10}, False)]
)
def test_undo_expires_after_ten_minutes(slack, people, deps, after, undone):
    mate = _noko_id(deps, people.mate.email)
    done = slack.run(f"add Design <@{people.mate.id}>", people.admin)
    _later(deps, **after)

    said = _undo(slack, people.admin, done).args["text"]

    if undone:
        assert said.startswith("Undone:") and mate not in _ids(deps, "Design")
    else:
        assert said == "Undo has expired: a change can only be undone for 10 minutes."
        assert mate in _ids(deps, "Design")
        assert [a[0] for a in _audit(deps)] == ["add"]


def test_undo_by_someone_without_rights_is_refused_and_audited(slack, people, deps):
    mate = _noko_id(deps, people.mate.email)
    done = slack.run(f"add Design <@{people.mate.id}> --share", people.admin)

    said = _undo(slack, people.coworker, done).args["text"]

    assert "can't remove people from teams" in said and "your Noko role is coworker" in said
    assert mate in _ids(deps, "Design")
    assert _audit(deps)[-1] == ("remove", "denied", people.coworker.id)
    # The refusal used nothing up: someone allowed can still undo.
    assert _undo(slack, people.supervisor, done).args["text"].startswith("Undone:")
    assert mate not in _ids(deps, "Design")


def test_a_second_click_says_it_was_already_undone(slack, people, deps):
    mate = _noko_id(deps, people.mate.email)
    done = slack.run(f"add Design <@{people.mate.id}>", people.admin)
    assert _undo(slack, people.admin, done).args["text"].startswith("Undone:")
    deps.noko.add_users_to_team(_team(deps, "Design")["id"], [mate])  # added again, by hand

    assert _undo(slack, people.admin, done).args["text"] == "That change was already undone."
    assert mate in _ids(deps, "Design")
    assert [a[0] for a in _audit(deps)] == ["add", "remove"]


def test_a_forged_undo_value_undoes_nothing(slack, people, deps):
    mate = _noko_id(deps, people.mate.email)
    slack.run(f"add Design <@{people.mate.id}>", people.admin)
    action = {"action_id": ActionId.UNDO_CHANGE, "value": "1"}
    said = slack.reply(slack.action(people.admin, action)).args["text"]
    assert said == "That Undo button doesn't work any more, so nothing was undone."
    assert mate in _ids(deps, "Design")


def test_delete_clear_and_changes_of_nobody_offer_no_undo(slack, people, deps):
    for text in ("delete Marketing", "clear Design"):
        call = slack.run(text, people.admin)
        action = ActionId.CONFIRM_DELETE if text.startswith("delete") else ActionId.CONFIRM_CLEAR
        done = slack.reply(_press(slack, people.admin, call, action))
        assert "noko_undo" not in reply_text(done)
    member_of_rd = sorted(_ids(deps, "R&D"))[0]
    nothing = slack.run(f"add R&amp;D {member_of_rd}", people.admin)
    assert "Nothing to change" in reply_text(nothing) and "noko_undo" not in reply_text(nothing)


def test_undo_in_the_modal_that_showed_the_change(slack, people, deps, fake):
    design = _team(deps, "Design")
    newcomer = next(u for u in deps.noko.list_users() if u["id"] not in _ids(deps, "Design"))
    option = {"text": {"type": "plain_text", "text": "u"}, "value": str(newcomer["id"])}
    team = {"text": {"type": "plain_text", "text": "t"}, "value": str(design["id"])}
    values = {
        BlockId.TEAM: {ActionId.TEAM_SELECT: {"selected_option": team}},
        BlockId.USERS: {ActionId.USERS_SELECT: {"selected_options": [option]}},
    }
    meta = ModalMetadata(kind="add", channel_id="C0GENERAL").dump()
    view = {"callback_id": CallbackId.ADD_MEMBERS, "private_metadata": meta}
    slack.submit(people.admin, {**view, "state": {"values": values}})
    shown = fake.wait_for("views.update")[0].args["view"]
    assert newcomer["id"] in _ids(deps, "Design")

    undo = element_by_action(shown["blocks"], ActionId.UNDO_CHANGE)
    slack.action(
        people.admin,
        {"action_id": undo["action_id"], "value": undo["value"]},
        view={"id": "VSUBMIT", "type": "modal"},
        container={"type": "view", "view_id": "VSUBMIT"},
    )

    result = fake.wait_for("views.update", 2)[1].args
    assert result["view_id"] == "VSUBMIT"
    assert "Undone: removed" in json.dumps(result["view"], ensure_ascii=False)
    assert newcomer["id"] not in _ids(deps, "Design")
