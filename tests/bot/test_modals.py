"""The Add/Remove/Create modals: opened fast, type-ahead from the cache, submissions."""

from __future__ import annotations

import json

from bot.ids import ActionId, BlockId, CallbackId
from bot.listeners.payloads import ModalMetadata
from tests.blockkit import block_by_id


def _team(deps, name):
    return next(t for t in deps.noko.list_teams() if t["name"] == name)


def _state(team_id=None, user_ids=(), name=None):
    values = {}
    if team_id is not None:
        option = {"text": {"type": "plain_text", "text": "t"}, "value": str(team_id)}
        values[BlockId.TEAM] = {ActionId.TEAM_SELECT: {"selected_option": option}}
    options = [{"text": {"type": "plain_text", "text": "u"}, "value": str(i)} for i in user_ids]
    values[BlockId.USERS] = {ActionId.USERS_SELECT: {"selected_options": options}}
    if name is not None:
        values[BlockId.TEAM_NAME] = {
            ActionId.TEAM_NAME: {"type": "plain_text_input", "value": name}
        }
    return {"values": values}


def _view(callback_id, state, kind):
    meta = ModalMetadata(kind=kind, channel_id="C0GENERAL").dump()
    return {"callback_id": callback_id, "private_metadata": meta, "state": state}


def test_add_without_members_opens_loading_then_the_form(slack, people, fake):
    slack.command("add Design", people.supervisor)
    opened = fake.wait_for("views.open")[0]
    assert opened.args["trigger_id"].startswith("trigger.")
    assert "Loading" in json.dumps(opened.args["view"])
    updated = fake.wait_for("views.update")[0].args["view"]
    assert updated["callback_id"] == CallbackId.ADD_MEMBERS
    team_input = block_by_id(updated["blocks"], BlockId.TEAM)["element"]
    assert team_input["initial_option"]["text"]["text"] == "Design"
    assert "Current members" in json.dumps(updated)


def test_open_with_unknown_team_shows_the_problem_in_the_modal(slack, people, fake):
    slack.command("remove Nonexistent", people.supervisor)
    fake.wait_for("views.open")
    updated = fake.wait_for("views.update")[0].args["view"]
    assert "Team not found" in json.dumps(updated)


def test_create_without_members_opens_create_form_with_name(slack, people, fake):
    slack.command('create "New Squad"', people.admin)
    view = fake.wait_for("views.update")[0].args["view"]
    assert view["callback_id"] == CallbackId.CREATE_TEAM
    assert block_by_id(view["blocks"], BlockId.TEAM_NAME)["element"]["initial_value"] == "New Squad"


def test_add_submission_adds_and_confirms_in_modal(slack, people, deps, fake):
    design = _team(deps, "Design")
    newcomer = next(
        u for u in deps.noko.list_users() if u["id"] not in {x["id"] for x in design["users"]}
    )
    state = _state(design["id"], [newcomer["id"]])
    response = slack.submit(people.supervisor, _view(CallbackId.ADD_MEMBERS, state, "add"))
    assert json.loads(response.body)["response_action"] == "update"
    result = fake.wait_for("views.update")[0]
    assert result.args["view_id"] == "VSUBMIT"
    assert f"Added {newcomer['first_name']}" in json.dumps(result.args["view"], ensure_ascii=False)
    assert newcomer["id"] in {u["id"] for u in _team(deps, "Design")["users"]}
    assert fake.wait_for("chat.postMessage")[0].args["channel"] == "CAUDIT"


def test_remove_submission_removes(slack, people, deps, fake):
    design = _team(deps, "Design")
    gone = design["users"][0]
    state = _state(design["id"], [gone["id"]])
    slack.submit(people.admin, _view(CallbackId.REMOVE_MEMBERS, state, "remove"))
    assert "Removed" in json.dumps(fake.wait_for("views.update")[0].args["view"])
    assert gone["id"] not in {u["id"] for u in _team(deps, "Design")["users"]}


def test_remove_submission_says_who_was_left_alone(slack, people, deps, fake):
    design = _team(deps, "Design")
    gone = design["users"][0]
    outsider = next(
        u for u in deps.cache.users() if u["id"] not in {m["id"] for m in design["users"]}
    )
    state = _state(design["id"], [gone["id"], outsider["id"]])
    slack.submit(people.admin, _view(CallbackId.REMOVE_MEMBERS, state, "remove"))
    shown = json.dumps(fake.wait_for("views.update")[0].args["view"], ensure_ascii=False)
    assert "Removed" in shown and "Not members, left alone" in shown


def test_members_submission_without_team_or_people_gets_inline_errors(slack, people, fake):
    response = slack.submit(people.supervisor, _view(CallbackId.ADD_MEMBERS, _state(), "add"))
    body = json.loads(response.body)
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {BlockId.TEAM, BlockId.USERS}
    assert not fake.calls_to("views.update")


def test_members_submission_by_coworker_is_denied_in_modal(slack, people, deps, fake):
    design = _team(deps, "Design")
    state = _state(design["id"], [1])
    slack.submit(people.coworker, _view(CallbackId.ADD_MEMBERS, state, "add"))
    assert "can't add people to teams" in json.dumps(fake.wait_for("views.update")[0].args["view"])
    assert deps.repo.list_audit()[0].result == "denied"


def test_create_submission_creates_team(slack, people, deps, fake):
    state = _state(user_ids=[3, 4], name="  Growth   Squad ")
    slack.submit(people.admin, _view(CallbackId.CREATE_TEAM, state, "create"))
    assert "Created team" in json.dumps(fake.wait_for("views.update")[0].args["view"])
    assert {u["id"] for u in _team(deps, "Growth Squad")["users"]} == {3, 4}


def test_create_submission_with_blank_or_taken_name_gets_inline_error(slack, people, deps):
    deps.cache.teams()  # the name check uses only what is cached: nothing may delay the ack
    for name in ("   ", "design"):
        state = _state(user_ids=[3], name=name)
        body = json.loads(
            slack.submit(people.admin, _view(CallbackId.CREATE_TEAM, state, "create")).body
        )
        assert body["response_action"] == "errors" and BlockId.TEAM_NAME in body["errors"]


def test_team_options_come_from_cache_filtered(slack, people, deps, sandbox):
    deps.cache.teams()
    sandbox.clear_requests()
    response = slack.suggest(people.coworker, ActionId.TEAM_SELECT, "eng", {"callback_id": "x"})
    labels = [o["text"]["text"] for o in json.loads(response.body)["options"]]
    assert labels == ["Engineering (14)", "Engineering Ops (4)"]
    assert sandbox.requests == []  # a warm cache answers without Noko


def test_user_options_in_remove_modal_offer_only_members(slack, people, deps):
    design = _team(deps, "Design")
    deps.cache.teams(), deps.cache.users()
    view = {"callback_id": CallbackId.REMOVE_MEMBERS, "state": _state(design["id"])}
    response = slack.suggest(people.coworker, ActionId.USERS_SELECT, "", view)
    values = {int(o["value"]) for o in json.loads(response.body)["options"]}
    assert values == {u["id"] for u in design["users"]}


def test_user_options_match_name_or_email(slack, people, deps):
    response = slack.suggest(people.coworker, ActionId.USERS_SELECT, "SOFIA", {"callback_id": "x"})
    labels = [o["text"]["text"] for o in json.loads(response.body)["options"]]
    assert labels and all("sofia" in label.lower() for label in labels)


def test_user_options_in_remove_modal_fall_back_to_the_team_it_was_opened_for(slack, people, deps):
    design = _team(deps, "Design")
    deps.cache.teams(), deps.cache.users()
    meta = ModalMetadata(kind="remove", team_id=design["id"]).dump()
    view = {"callback_id": CallbackId.REMOVE_MEMBERS, "private_metadata": meta, "state": {}}
    response = slack.suggest(people.coworker, ActionId.USERS_SELECT, "", view)
    values = {int(o["value"]) for o in json.loads(response.body)["options"]}
    assert values == {u["id"] for u in design["users"]}


def test_help_for_one_subcommand(slack, people):
    from slackkit import reply_text

    text = reply_text(slack.run("help add", people.coworker))
    assert "/noko-team add &lt;team&gt; [members]" in text and "/noko-team list" not in text


def test_user_options_in_add_modal_label_members_and_inactive_people(slack, people, deps):
    design = _team(deps, "Design")
    users = deps.cache.users()
    deps.cache.teams()
    view = {"callback_id": CallbackId.ADD_MEMBERS, "state": _state(design["id"])}
    response = slack.suggest(people.coworker, ActionId.USERS_SELECT, "", view)
    labels = {int(o["value"]): o["text"]["text"] for o in json.loads(response.body)["options"]}
    members = {u["id"] for u in design["users"]}
    assert members and all(labels[i].endswith("· in the team") for i in members if i in labels)
    assert not any("in the team" in text for i, text in labels.items() if i not in members)
    inactive = [u for u in users if u["state"] != "active" and u["id"] in labels]
    assert inactive and all(f"· {u['state']}" in labels[u["id"]] for u in inactive)
    assert all(len(text) <= 75 for text in labels.values())
