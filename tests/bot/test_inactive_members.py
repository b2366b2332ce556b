"""People Noko lists as pending (invited, never joined), suspended or disabled can't log time:
`hours` and digests list them apart, never under "no time logged" (issue 17 §2)."""

from __future__ import annotations

import json

from slackkit import reply_text

from bot.ids import BlockId
from tests.blockkit import block_by_id, block_text


def _inactive(dataset, team: str) -> list[tuple[str, str]]:
    """The team's members Noko lists as not active, by name with their state, from the data."""
    ids = set(dataset.team_named(team).user_ids)
    return [(u.full_name, u.state) for u in dataset.users if u.id in ids and u.state != "active"]


def test_hours_list_a_pending_member_apart_from_no_time(slack, people, dataset):
    [(name, state)] = _inactive(dataset, "Design")
    assert state == "pending"  # the data this test is about
    text = reply_text(slack.run("hours Design this week", people.supervisor))

    assert f"Not active in Noko, so they can't log time: {name} (pending)" in text, text
    assert f"{name}: no time" not in text, text


def test_a_digest_lists_a_suspended_member_apart_from_no_time_logged(slack, people, dataset):
    [(name, state)] = _inactive(dataset, "Customer Success")
    assert state == "suspended"
    blocks = slack.run("digest Customer Success last week", people.supervisor).args["blocks"]

    idle = [b for b in blocks if str(b.get("block_id", "")).startswith(BlockId.DIGEST_IDLE)]
    assert name not in json.dumps(idle, ensure_ascii=False), idle
    inactive = block_text(block_by_id(blocks, BlockId.DIGEST_INACTIVE))
    assert f"{name} (suspended)" in inactive, inactive
