"""A digest member's Details button (issue 10 §4): hours per project with entry descriptions,
as the clicker may read them; the button's value is checked like typed text.

Expected figures come from Noko's own answers (entries, projects and their participants)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.ids import ActionId


def _period(dataset) -> tuple[dt.date, dt.date]:
    return dataset.today - dt.timedelta(days=27), dataset.today


def _noko_id(deps, email: str) -> int:
    return next(u["id"] for u in deps.noko.list_users() if u["email"].lower() == email.lower())


def _assigned(deps, user_id: int) -> set[int]:
    return {
        p["id"]
        for p in deps.noko.list_projects()
        if user_id in [x["id"] for x in p.get("participants") or []]
    }


def _case(deps, dataset, people):
    """A team and a member whose entries the coworker reads only in part."""
    start, end = _period(dataset)
    me = _noko_id(deps, people.coworker.email)
    mine = _assigned(deps, me)
    for team in deps.noko.list_teams():
        for member in deps.noko.get_single_team(team["id"]).get("users") or []:
            if member["id"] == me:
                continue
            entries = deps.noko.list_entries(user_ids=[member["id"]], from_=start, to=end)
            seen = [e for e in entries if e.get("project") and e["project"]["id"] in mine]
            if seen and len(seen) < len(entries):
                return team["id"], member["id"], entries, mine
    raise AssertionError("the sandbox has no member a coworker reads only in part")


def _value(team_id: int, user_id: int, start: dt.date, end: dt.date) -> str:
    return json.dumps({"t": team_id, "u": user_id, "s": str(start), "e": str(end), "k": "range"})


def _click(slack, fake, user, value: str) -> str:
    """Choose a member in a Details menu; the modal's final text (it opens at once, then shows
    what Noko said)."""
    choice = {"text": {"type": "plain_text", "text": "A member"}, "value": value}
    action = {"action_id": ActionId.MEMBER_DETAIL, "type": "static_select"}
    slack.action(user, {**action, "selected_option": choice})
    opened = fake.wait_for("views.open")[-1]
    view_id = opened.args.get("view_id")
    update = fake.wait_for("views.update")[-1]
    assert view_id is None and update.args["view"]["blocks"]
    return json.dumps(update.args["view"], ensure_ascii=False)


def _project_name(entry) -> str:
    return entry["project"]["name"] if entry.get("project") else "No project"


def test_supervisor_sees_every_project_and_description_of_the_member(
    slack, fake, deps, dataset, people
):
    team_id, user_id, entries, _ = _case(deps, dataset, people)
    start, end = _period(dataset)
    text = _click(slack, fake, people.supervisor, _value(team_id, user_id, start, end))
    assert "Hours by project" in text
    for entry in entries:
        assert json.dumps(_project_name(entry), ensure_ascii=False)[1:-1] in text
    described = [e["description"] for e in entries if e.get("description")]
    assert described and any(d[:40].replace("&", "&amp;") in text for d in described)
    assert "not shown" not in text


def test_coworker_sees_only_the_projects_their_level_shows(slack, fake, deps, dataset, people):
    team_id, user_id, entries, mine = _case(deps, dataset, people)
    start, end = _period(dataset)
    text = _click(slack, fake, people.coworker, _value(team_id, user_id, start, end))
    shown = {_project_name(e) for e in entries if e.get("project") and e["project"]["id"] in mine}
    hidden = {_project_name(e) for e in entries} - shown
    assert shown and hidden
    for name in shown:
        assert f"*{name}*" in text
    for name in hidden:
        assert f"*{name}*" not in text
    count = sum(1 for e in entries if not (e.get("project") and e["project"]["id"] in mine))
    assert f"You see what Noko shows a coworker: {count} entr" in text


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("not json", "not one I made"),
        ("", "not one I made"),
        (json.dumps({"t": 1, "u": 1, "s": "2026-11-01"}), "not one I made"),
        (json.dumps({"t": 1, "u": 1, "s": "2025-01-01", "e": "2026-11-20"}), "not one I made"),
        (json.dumps({"t": 1, "u": 1, "s": "2026-11-01", "e": "2026-11-07", "x": 1}), "not one"),
        (json.dumps({"t": -1, "u": 1, "s": "2026-11-01", "e": "2026-11-07"}), "not one I made"),
    ],
)
def test_forged_details_value_is_refused(slack, fake, people, value, problem):
    text = _click(slack, fake, people.supervisor, value)
    assert problem in text and "Something went wrong" not in text
    assert "Total:" not in text


def test_details_for_someone_outside_the_team_is_refused(slack, fake, deps, dataset, people):
    team_id, _, _, _ = _case(deps, dataset, people)
    members = {u["id"] for u in deps.noko.get_single_team(team_id).get("users") or []}
    outsider = next(u["id"] for u in deps.noko.list_users() if u["id"] not in members)
    start, end = _period(dataset)
    text = _click(slack, fake, people.supervisor, _value(team_id, outsider, start, end))
    assert "no longer in" in text and "Total:" not in text


def test_details_for_someone_who_reads_no_time_shows_none(slack, fake, deps, dataset, people):
    team_id, user_id, _, _ = _case(deps, dataset, people)
    start, end = _period(dataset)
    text = _click(slack, fake, people.stranger, _value(team_id, user_id, start, end))
    assert "I can't show you anyone's time" in text and "Total:" not in text
