"""Digest content and Block Kit messages within Slack's limits."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from slack_sdk.models.blocks import Block

from bot.blocks.common import block_text_length
from bot.blocks.digest import digest_messages
from bot.blocks.render import render_messages
from bot.ids import BlockId
from bot.services.digest import build_digest
from bot.services.periods import previous_period, week_period
from bot.services.reads import EntryGroup
from bot.services.summary import summarize
from tests.blockkit import block_by_id, block_ids, block_text, blocks_by_id

PERIOD = week_period(dt.date(2026, 11, 9), 0)


def _users(count: int) -> list[dict]:
    return [
        {
            "id": i,
            "email": f"Person{i}@Example.com",
            "first_name": f"Person{i:03d}",
            "last_name": "Longname-Hyphenated & Co",
        }
        for i in range(1, count + 1)
    ]


def _entries(users: list[dict], minutes: int = 60) -> list[EntryGroup]:
    """One entry per user, as the EntryGroups a read returns."""
    return [
        EntryGroup(
            user=u,  # type: ignore[arg-type]
            project={"id": u["id"] % 30, "name": f"Proj {u['id'] % 30}"},
            billable=u["id"] % 2 == 0,
            approved=False,
            minutes=minutes * (1 + u["id"] % 5),
            entries=1,
        )
        for u in users
    ]


def _digest(users, working, *, previous=None, late=False, slack=None, **more):
    summary = summarize(_entries(working), users, PERIOD)
    before = summarize(previous, users, previous_period(PERIOD)) if previous is not None else None
    return build_digest(
        summary,
        before,
        team_name="R&D",
        period=PERIOD,
        noko_url="https://secure.nokotime.com/",
        slack_ids_by_email=slack or {},
        late=late,
        **more,
        team_id=5,
    )


def _assert_within_limits(messages) -> None:
    for message in messages:
        assert message.text
        assert len(message.blocks) <= 50
        assert sum(block_text_length(b) for b in message.blocks) <= 12_000
        assert len(set(block_ids(message.blocks))) == len(block_ids(message.blocks))
        for raw in message.blocks:
            block = Block.parse(raw)
            assert block is not None
            assert block.to_dict() == raw  # slack_sdk validates the limits in to_dict()
            if raw["type"] == "section" and "text" in raw:
                assert len(raw["text"]["text"]) <= 3000
            if raw["type"] == "header":
                assert len(raw["text"]["text"]) <= 150


def test_digest_small_team_single_message() -> None:
    users = _users(4)
    digest = _digest(users, users[:3], previous=_entries(users[:1]))
    messages = digest_messages(digest)
    assert len(messages) == 1
    text = render_messages(messages)
    assert "R&D · Week of 9 Nov 2026" in text
    assert "Total: 9h" in text  # 3h + 4h + 2h
    assert "Billable: 3h (33%)" in text
    assert "Unapproved: 9h" in text
    assert "▲ +7h (+350%)" in text
    assert "No time logged (1)" in text and "Person004" in text
    assert "https://secure.nokotime.com/" in text
    _assert_within_limits(messages)


def test_digest_members_sorted_by_hours() -> None:
    users = _users(6)
    text = render_messages(digest_messages(_digest(users, users)))
    order = [text.index(f"Person{i:03d}") for i in (4, 3, 2, 1, 6, 5)]
    assert order == sorted(order)


def test_digest_mentions_idle_members_mapped_to_slack() -> None:
    users = _users(3)
    digest = _digest(users, users[:1], slack={"person2@example.com": "U0002"})
    idle = block_text(block_by_id(digest_messages(digest)[0].blocks, BlockId.DIGEST_IDLE))
    assert "No time logged (2)" in idle
    assert "<@U0002>" in idle
    assert "Person003" in idle


def test_digest_late_marker_in_header_and_fallback() -> None:
    users = _users(2)
    message = digest_messages(_digest(users, users, late=True))[0]
    assert block_text(block_by_id(message.blocks, BlockId.DIGEST_HEADER)).endswith("(late)")
    assert "(late)" in message.text


def test_digest_escapes_mrkdwn_control_characters() -> None:
    users = _users(1)
    message = digest_messages(_digest(users, users))[0]
    members = block_text(block_by_id(message.blocks, BlockId.DIGEST_MEMBERS))
    assert "&amp; Co" in members
    header = block_text(block_by_id(message.blocks, BlockId.DIGEST_HEADER))
    assert header.startswith("R&D")  # plain_text: no escaping


def test_digest_without_previous_period_has_no_change_line() -> None:
    users = _users(2)
    assert "previous period" not in render_messages(digest_messages(_digest(users, users)))


def test_digest_previous_period_without_time() -> None:
    users = _users(2)
    text = render_messages(digest_messages(_digest(users, users, previous=[])))
    assert "No time in the previous period" in text


def test_digest_empty_period() -> None:
    users = _users(2)
    text = render_messages(digest_messages(_digest(users, [])))
    assert "Nobody logged time" in text and "Total: 0h" in text


def test_digest_200_member_team_splits_into_thread_within_limits() -> None:
    users = _users(200)
    slack = {u["email"]: f"U{u['id']:05d}" for u in users[180:]}
    digest = _digest(users, users[:180], previous=_entries(users[:100]), slack=slack)
    messages = digest_messages(digest)
    assert len(messages) >= 2
    _assert_within_limits(messages)
    everything = "\n".join(str(m.blocks) for m in messages)
    for user in users[:180]:
        assert f"Person{user['id']:03d} " in everything
    for user in users[180:190]:  # the first ten idle members: DIGEST_MAX_MENTIONS' default
        assert f"<@U{user['id']:05d}>" in everything
    for user in users[190:]:
        assert f"<@U{user['id']:05d}>" not in everything
        assert f"Person{user['id']:03d} " in everything
    assert block_by_id(messages[0].blocks, BlockId.DIGEST_HEADER)["type"] == "header"
    members = [b for m in messages for b in blocks_by_id(m.blocks, BlockId.DIGEST_MEMBERS)]
    assert len(members) > 1  # one run of sections, continued across messages
    assert all("Hours per member" in block_text(b) for b in members)
    menus = [o for b in members for o in b["accessory"]["options"]]  # each section's Details menu
    assert len(menus) == 180 and all(len(b["accessory"]["options"]) <= 100 for b in members)
    assert all("continued" in m.text for m in messages[1:])


@pytest.mark.parametrize("max_blocks", [6, 8])
def test_digest_block_budget_is_respected(max_blocks: int) -> None:
    users = _users(200)
    messages = digest_messages(_digest(users, users), max_blocks=max_blocks)
    assert all(len(m.blocks) <= max_blocks for m in messages)
    assert len(messages) > 1


MENTION = re.compile(r"<@U\w+>")


def _mentions(messages) -> list[str]:
    """Every mention in the messages, fallback text and blocks alike."""
    return MENTION.findall("\n".join(f"{m.text}\n{m.blocks}" for m in messages))


def test_digest_pings_at_most_ten_idle_members_and_names_the_others() -> None:
    users = _users(40)
    slack = {u["email"]: f"U{u['id']:05d}" for u in users}
    messages = digest_messages(_digest(users, users[:8], slack=slack))
    text = render_messages(messages)

    assert _mentions(messages) == [f"<@U{n:05d}>" for n in range(9, 19)]  # the first 10, in order
    for n in range(19, 41):
        assert f"Person{n:03d} Longname" in text  # named, not pinged
    assert "No time logged (32)" in text
    assert "10 pinged; …22 more, named without a ping." in text


def test_digest_mention_cap_goes_to_idle_people_slack_knows_in_list_order() -> None:
    users = _users(6)
    slack = {u["email"]: f"U{u['id']:05d}" for u in users if u["id"] != 2}
    digest = _digest(users, [], slack=slack, max_mentions=3)
    messages = digest_messages(digest)

    assert _mentions(messages) == ["<@U00001>", "<@U00003>", "<@U00004>"]
    assert next(m.name for m in digest.idle if m.mention is None).startswith("Person002")
    assert digest.unpinged == 2  # Person005 and Person006; Person002 has no Slack account
    assert "3 pinged; …2 more, named without a ping." in render_messages(messages)


def test_digest_mention_cap_of_zero_pings_nobody() -> None:
    users = _users(3)
    slack = {u["email"]: f"U{u['id']:05d}" for u in users}
    messages = digest_messages(_digest(users, [], slack=slack, max_mentions=0))

    assert _mentions(messages) == []
    assert "0 pinged; …3 more, named without a ping." in render_messages(messages)


def test_digest_under_the_cap_says_nothing_about_pings() -> None:
    users = _users(5)
    slack = {u["email"]: f"U{u['id']:05d}" for u in users}
    messages = digest_messages(_digest(users, [], slack=slack))

    assert len(_mentions(messages)) == 5
    assert "without a ping" not in render_messages(messages)


def test_digest_never_pings_members_who_logged_time() -> None:
    users = _users(3)
    slack = {u["email"]: f"U{u['id']:05d}" for u in users}
    messages = digest_messages(_digest(users, users[:2], slack=slack))

    assert _mentions(messages) == ["<@U00003>"]


def _one_member_digest(minutes: int, attendance=None, **options: object):
    users = _users(1)
    summary = summarize(_entries(users, minutes // 2), users, PERIOD)  # user 1 logs 2 x minutes/2
    return build_digest(
        summary,
        None,
        team_name="R&D",
        period=PERIOD,
        slack_ids_by_email={},
        options=options,
        team_id=77,
        attendance=attendance,
    )


def test_expected_hours_follow_the_subscriptions_workdays_and_holidays() -> None:
    from bot.services.calendar import Attendance, Calendar

    holiday = Calendar(holidays=frozenset({PERIOD.start}))  # the week's Monday
    mon_to_sat = frozenset(range(6))
    digest = _one_member_digest(31 * 60, Attendance(holiday, mon_to_sat))
    line = block_text(block_by_id(digest_messages(digest)[0].blocks, BlockId.DIGEST_MEMBERS))
    assert "31h / 40h" in line  # Tuesday to Saturday: 5 days of 8 hours
    digest = _one_member_digest(31 * 60, Attendance(holiday, frozenset(range(5))))
    line = block_text(block_by_id(digest_messages(digest)[0].blocks, BlockId.DIGEST_MEMBERS))
    assert "31h / 32h" in line  # Tuesday to Friday


def test_member_line_has_a_bar_against_expected_hours_of_the_week() -> None:
    digest = _one_member_digest(31 * 60)  # a Monday-to-Friday week at 8 h a day: 40 h
    line = block_text(block_by_id(digest_messages(digest)[0].blocks, BlockId.DIGEST_MEMBERS))
    assert "\n• Person001 Longname-Hyphenated &amp; Co — ▇▇▇▇▇▇░░ 31h / 40h (0h billable)" in line


def test_hours_per_day_option_changes_the_expected_hours() -> None:
    digest = _one_member_digest(31 * 60, hours_per_day=6)
    line = block_text(block_by_id(digest_messages(digest)[0].blocks, BlockId.DIGEST_MEMBERS))
    assert "31h / 30h" in line and "▇▇▇▇▇▇▇▇ 31h" in line


def test_member_details_menu_names_only_team_member_and_period() -> None:
    digest = _one_member_digest(60)
    block = block_by_id(digest_messages(digest)[0].blocks, BlockId.DIGEST_MEMBERS)
    assert block["accessory"]["action_id"] == "noko_member_detail"
    (choice,) = block["accessory"]["options"]
    assert choice["text"]["text"] == "Person001 Longname-Hyphenated & Co"  # plain_text
    value = json.loads(choice["value"])
    assert value == {"t": 77, "u": 1, "s": "2026-11-09", "e": "2026-11-15", "k": "week"}


def test_expected_hours_count_monday_to_friday_of_the_period() -> None:
    from bot.services.calendar import DEFAULT_WORKDAYS, Calendar
    from bot.services.expected import expected_minutes, hours_per_day
    from bot.services.periods import Period, day_period, month_period

    def workdays_in(period: Period) -> int:
        return len(Calendar().working_days(period, DEFAULT_WORKDAYS))

    assert workdays_in(month_period(2026, 11)) == 21
    assert workdays_in(day_period(dt.date(2026, 11, 14))) == 0  # a Saturday: no bar
    assert expected_minutes(workdays_in(PERIOD), hours_per_day({})) == 40 * 60
    assert hours_per_day({"hours_per_day": "nonsense"}) == hours_per_day({"hours_per_day": 99}) == 8
