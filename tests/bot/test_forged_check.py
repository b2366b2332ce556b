"""A Check button's value is whatever the client sends: a forged one must not tell people whom
``show`` refuses who is in a team."""

from __future__ import annotations

import json

from bot.ids import ActionId


def _forged_value(deps) -> tuple[str, list[str]]:
    """A Check of an "add" to Design naming every Noko user: the answer would sort them into
    members and others. Returns the value and the names of Design's members."""
    design = next(t for t in deps.noko.list_teams() if t["name"] == "Design")
    users = deps.noko.list_users()
    members = [f"{u['first_name']} {u['last_name']}" for u in design["users"]]
    value = {"action": "add", "team_id": design["id"], "name": "Design"}
    return json.dumps({**value, "user_ids": [u["id"] for u in users][:100]}), members


def test_a_forged_check_tells_someone_show_refuses_nothing_of_the_members(slack, people, deps):
    refused = slack.run("show Design", people.stranger).args["text"]
    assert "not who is in them" in refused  # the rule the Check must follow
    value, members = _forged_value(deps)
    assert members

    key = slack.action(people.stranger, {"action_id": ActionId.CHECK_CHANGE, "value": value})

    answer = slack.reply(key).args
    text = answer["text"] + json.dumps(answer.get("blocks") or [], ensure_ascii=False)
    assert "not who is in them" in text
    assert "In the team" not in text
    assert not any(name in text for name in members)


def test_the_check_still_answers_those_who_may_see_members(slack, people, deps):
    value, members = _forged_value(deps)
    key = slack.action(people.coworker, {"action_id": ActionId.CHECK_CHANGE, "value": value})
    answer = slack.reply(key).args
    text = json.dumps(answer.get("blocks") or [], ensure_ascii=False)
    assert "In the team" in text and members[0] in text
