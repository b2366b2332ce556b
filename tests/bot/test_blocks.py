"""Builders stay inside Slack's limits however big the account is."""

from __future__ import annotations

import datetime as dt
import json

from slackkit import check_blocks, check_view

from bot.blocks.help import help_reply
from bot.blocks.home import home_view
from bot.blocks.hours import hours_reply
from bot.blocks.modals import members_modal
from bot.blocks.teams import change_reply, team_detail_reply, team_list_reply
from bot.services.hours import TeamHours
from bot.services.periods import range_period
from bot.services.summary import MemberHours, ProjectHours, TeamSummary
from bot.services.team_changes import ChangeOutcome
from bot.services.teams import TeamDetail, TeamRow

MESSAGE_TEXT_BUDGET = 13_000


def _user(i: int) -> dict:
    return {"id": i, "first_name": f"Person{i}", "last_name": "X" * 30, "email": f"p{i}@ex.com",
            "role": "coworker", "state": "active"}  # fmt: skip


def _message_ok(reply) -> None:
    check_blocks(reply.blocks, 50)
    assert len(json.dumps(reply.blocks, ensure_ascii=False)) < MESSAGE_TEXT_BUDGET * 2
    text = sum(len(json.dumps(b.get("text", ""), ensure_ascii=False)) for b in reply.blocks)
    assert text < MESSAGE_TEXT_BUDGET
    assert reply.text


def test_huge_team_list_fits_and_says_more():
    rows = [TeamRow(i, f"Team <{i}> & co " + "n" * 60, i) for i in range(600)]
    reply = team_list_reply(rows)
    _message_ok(reply)
    assert "more not shown" in json.dumps(reply.blocks)
    assert "&lt;1&gt; &amp; co" in json.dumps(reply.blocks)  # names are escaped in mrkdwn


def test_huge_team_detail_fits():
    _message_ok(team_detail_reply(TeamDetail(1, "Big", [_user(i) for i in range(1500)])))


def test_huge_hours_fit():
    members = tuple(MemberHours(i, f"M{i}" * 10, None, 60 * i, 30 * i) for i in range(400))
    projects = tuple(ProjectHours(i, f"P{i}" * 20, 15 * i) for i in range(300))
    period = range_period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    summary = TeamSummary(period, 10**6, 5 * 10**5, 9999, 0, members, projects, members[:50])
    _message_ok(hours_reply(TeamHours(1, "Big", summary)))


def test_change_reply_with_many_people_fits():
    users = [_user(i) for i in range(800)]
    _message_ok(change_reply(ChangeOutcome("add", 1, "Big", users, users)))


def test_home_view_with_many_teams_and_extra_sections_fits():
    rows = [TeamRow(i, f"T{i}", i) for i in range(250)]
    extra = [[{"type": "section", "text": {"type": "mrkdwn", "text": "digests"}}]] * 3
    view = home_view(rows, extra)
    check_view(view)
    assert view["blocks"][-1]["text"]["text"] == "digests"


def test_members_modal_with_big_team_is_valid():
    team = TeamDetail(1, "Big", [_user(i) for i in range(500)])
    check_view(members_modal("remove", private_metadata="{}", team=team))


def test_help_reply_is_valid():
    _message_ok(help_reply([("/noko-team x", "does x")] * 60, problem="Unknown"))


def test_unknown_change_reply_fits_and_its_check_value_round_trips():
    from bot.ids import ActionId
    from bot.services.change_check import MAX_CHECKED_USERS, CheckTarget

    users = [_user(10_000_000 + i) for i in range(800)]
    reply = change_reply(ChangeOutcome("add", 1, "Ä" * 250, users, result="unknown"))

    _message_ok(reply)
    button = reply.blocks[-1]["elements"][0]
    assert button["action_id"] == ActionId.CHECK_CHANGE and len(button["value"]) <= 2000
    target = CheckTarget.parse(button["value"])
    assert (target.action, target.team_id, len(target.user_ids)) == ("add", 1, MAX_CHECKED_USERS)
