"""The App Home tab: teams with member counts (paged), buttons to the modals, more sections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.common import (
    VIEW_BLOCKS,
    Block,
    button,
    context,
    divider,
    header,
    option,
    page_of,
    pager,
    section,
)
from bot.errors import safe
from bot.ids import ActionId, BlockId
from bot.services.paging import HomePage
from bot.services.teams import TeamRow

# Teams per Home page: the channel digests below take at most 42 of the tab's 100 blocks.
HOME_PAGE_TEAMS = 40


def team_menu_value(op: str, team_id: int) -> str:
    return f"{op}:{team_id}"


def home_view(
    rows: Sequence[TeamRow],
    sections: Sequence[Sequence[Block]] = (),
    *,
    can_change: bool = False,
    page: int = 0,
) -> dict[str, Any]:
    """Page ``page`` of the teams (Previous/Next publish another), then ``sections``: extra block
    groups below the teams (e.g. channel digests). The change buttons and team menus are there
    only for someone who ``can_change`` teams."""
    changes = [
        button("Create team", ActionId.OPEN_CREATE, "create", style="primary"),
        button("Add members", ActionId.OPEN_ADD, "add"),
        button("Remove members", ActionId.OPEN_REMOVE, "remove"),
    ]
    actions = {
        "type": "actions",
        "block_id": BlockId.HOME_ACTIONS,
        "elements": [
            *(changes if can_change else []),
            button("Refresh", ActionId.REFRESH_HOME, "refresh"),
        ],
    }
    extra = [block for group in sections for block in [divider(), *group]]
    # Header, actions, the pager's two blocks and the help line; the teams get what is left.
    per_page = max(1, min(HOME_PAGE_TEAMS, VIEW_BLOCKS - 5 - len(extra)))
    shown = page_of([1] * len(rows), page, per_page=per_page)
    blocks: list[Block] = [header("Noko teams"), actions]
    blocks += [_team_block(r, can_change) for r in rows[shown.start : shown.end]]
    blocks += pager(shown, "Teams", HomePage().value)
    if not rows:
        create = " Create one with the button above." if can_change else ""
        blocks.append(section(f"_No teams yet._{create}"))
    blocks.append(context("Use `/noko-team help` for every command."))
    return {"type": "home", "blocks": blocks + extra}


def _team_block(row: TeamRow, can_change: bool) -> Block:
    count = "1 member" if row.member_count == 1 else f"{row.member_count} members"
    text, block_id = f"*{safe(row.name)}*\n{count}", f"{BlockId.HOME_TEAMS}:{row.id}"
    if not can_change:
        return section(text, block_id=block_id)
    menu = {
        "type": "overflow",
        "action_id": ActionId.TEAM_MENU,
        "options": [
            option("Add members", team_menu_value("add", row.id)),
            option("Remove members", team_menu_value("remove", row.id)),
        ],
    }
    return section(text, block_id=block_id, accessory=menu)
