"""Builders stay inside Slack's limits however big the account is."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from slackkit import check_blocks, check_view

from bot.blocks.common import (
    block_text_length,
    line_sections,
    pack_lines,
    pages,
    section,
    titled_sections,
)
from bot.blocks.help import help_reply
from bot.blocks.home import home_view
from bot.blocks.hours import hours_reply
from bot.blocks.modals import members_modal, user_option
from bot.blocks.render import unescape
from bot.blocks.teams import change_reply, team_detail_reply, team_list_reply
from bot.errors import safe
from bot.ids import ActionId, BlockId
from bot.services.hours import TeamHours
from bot.services.periods import DASH, range_period
from bot.services.summary import MemberHours, ProjectHours, TeamSummary
from bot.services.team_changes import ChangeOutcome
from bot.services.teams import TeamDetail, TeamRow
from tests.blockkit import block_text, element_by_action

MESSAGE_TEXT_BUDGET = 13_000


def _user(i: int) -> dict:
    return {
        "id": i,
        "first_name": f"Person{i}",
        "last_name": "X" * 30,
        "email": f"p{i}@ex.com",
        "role": "coworker",
        "state": "active",
    }


def _message_ok(reply) -> None:
    check_blocks(reply.blocks, 50)
    assert len(json.dumps(reply.blocks, ensure_ascii=False)) < MESSAGE_TEXT_BUDGET * 2
    text = sum(len(json.dumps(b.get("text", ""), ensure_ascii=False)) for b in reply.blocks)
    assert text < MESSAGE_TEXT_BUDGET
    assert reply.text


def test_huge_team_list_fits_and_pages():
    rows = [TeamRow(i, f"Team <{i}> & co " + "n" * 60, i) for i in range(600)]
    reply = team_list_reply(rows)
    _message_ok(reply)
    assert f"Teams 1{DASH}50 of 600 (page 1 of 12)." in json.dumps(reply.blocks, ensure_ascii=False)
    assert element_by_action(reply.blocks, ActionId.PAGE_NEXT)
    assert "&lt;1&gt; &amp; co" in json.dumps(reply.blocks)  # names are escaped in mrkdwn


def test_pages_of_very_long_names_hold_fewer_lines_and_still_fit():
    rows = [TeamRow(i, "&" * 300, i) for i in range(400)]
    for page in range(0, 400):
        reply = team_list_reply(rows, page=page)
        _message_ok(reply)
        if not any(e["action_id"] == ActionId.PAGE_NEXT for e in _pager_buttons(reply.blocks)):
            break
    assert page > 8  # more pages than 400 / 50: each holds what fits


def _pager_buttons(blocks):
    return [e for b in blocks if b.get("block_id") == BlockId.PAGER for e in b["elements"]]


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
    assert sum(block_text(b) == "digests" for b in view["blocks"]) == 3


def test_members_modal_with_big_team_is_valid():
    team = TeamDetail(1, "Big", [_user(i) for i in range(500)])
    check_view(members_modal("remove", private_metadata="{}", team=team))


def test_help_reply_is_valid():
    _message_ok(help_reply([("/noko-team x", "does x")] * 60, problem="Unknown"))


def test_unknown_change_reply_fits_and_its_check_value_round_trips():
    from bot.services.change_check import MAX_CHECKED_USERS, CheckTarget

    users = [_user(10_000_000 + i) for i in range(800)]
    reply = change_reply(ChangeOutcome("add", 1, "Ä" * 250, users, result="unknown"))

    _message_ok(reply)
    button = element_by_action(reply.blocks, ActionId.CHECK_CHANGE)
    assert len(button["value"]) <= 2000
    target = CheckTarget.parse(button["value"])
    assert (target.action, target.team_id, len(target.user_ids)) == ("add", 1, MAX_CHECKED_USERS)


# -- the shared pieces in bot.blocks.common ----------------------------------------------------
def test_pack_lines_keeps_every_line_in_order_under_a_continued_title():
    lines = [f"• person {i} " + "x" * 90 for i in range(300)]
    chunks, kept = pack_lines(lines, title="Hours per member")
    assert kept == 300 and len(chunks) > 1
    assert chunks[0].startswith("*Hours per member*\n")
    assert all(c.startswith("*Hours per member (continued)*\n") for c in chunks[1:])
    assert all(len(c) <= 2900 for c in chunks)
    assert [line for c in chunks for line in c.splitlines()[1:]] == lines


def test_pack_lines_clips_a_line_longer_than_a_section():
    chunks, kept = pack_lines(["<" * 10_000, "short"], title="T")
    assert kept == 2 and all(len(c) <= 2900 for c in chunks)
    assert chunks[0].splitlines()[1].endswith("<…") and chunks[-1].endswith("\nshort")


def test_line_sections_stop_within_their_budget_and_say_what_is_missing():
    blocks = line_sections(["y" * 1000] * 40, max_blocks=5, max_chars=6000)
    assert len(blocks) <= 5
    assert "more not shown" in blocks[-1]["elements"][0]["text"]
    shown = sum(b["text"]["text"].count("y" * 1000) for b in blocks if b["type"] == "section")
    assert f"…and {40 - shown} more not shown." == blocks[-1]["elements"][0]["text"]


def test_titled_sections_number_their_block_ids_and_skip_empty_lists():
    blocks = titled_sections("Top", ["z" * 2000] * 3, block_id="noko_x")
    assert [b["block_id"] for b in blocks] == ["noko_x", "noko_x:2", "noko_x:3"]
    assert titled_sections("Top", [], block_id="noko_x") == []


def test_pages_fit_the_budgets_and_never_leave_a_page_empty():
    body = [section("w" * 100) for _ in range(7)]
    paged = pages([section("head")], body, max_blocks=3, max_chars=250)
    assert all(paged) and sum(len(p) for p in paged) == 8
    assert all(len(p) <= 3 and sum(block_text_length(b) for b in p) <= 250 for p in paged)
    assert len(pages([], body, max_chars=50)) == 7  # a block over budget gets a page of its own


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("&<>;amplgt #@!|x\n"), max_size=40) | st.text())
def test_unescape_is_the_exact_inverse_of_safe(text):
    escaped = safe(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescape(escaped) == text


def test_user_option_keeps_its_notes_within_75_characters():
    user = {
        "id": 7,
        "first_name": "A" * 60,
        "last_name": "B",
        "email": "x" * 50 + "@example.com",
        "state": "suspended",
    }
    label = user_option(user, in_team=True)["text"]["text"]
    assert len(label) <= 75 and label.endswith(" · suspended · in the team")
    assert label.startswith("AAAA")
