"""Team and user type-ahead. The ack *is* the answer, so it waits on nothing but what the reads
have (bot.services.lagging)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack

from bot.blocks.modals import team_options, user_options
from bot.deps import Deps
from bot.ids import ActionId, BlockId, CallbackId
from bot.listeners.payloads import modal_metadata, selected_value
from bot.services.lagging import peek_teams, peek_users
from bot.services.numbers import parse_id
from bot.services.pickers import matching_teams, matching_users, member_ids
from noko_core import Team

# A cold cache may load for this long; Slack gives up after 3 s in all.
COLD_CACHE_WAIT = 2.0


def load_team_options(ack: Ack, payload: dict[str, Any], deps: Deps) -> None:
    teams = peek_teams(deps.reads, wait=COLD_CACHE_WAIT)
    rows = matching_teams(teams, str(payload.get("value") or ""))
    ack(options=team_options(rows))


def load_user_options(ack: Ack, payload: dict[str, Any], body: dict[str, Any], deps: Deps) -> None:
    users = peek_users(deps.reads, wait=COLD_CACHE_WAIT)
    view = body.get("view") or {}
    members = _members_of_selected_team(view, peek_teams(deps.reads, wait=0))
    # "Remove members" offers only the team's members; "Add members" labels them.
    removing = view.get("callback_id") == CallbackId.REMOVE_MEMBERS
    found = matching_users(users, str(payload.get("value") or ""), members if removing else None)
    in_team = members if not removing and members is not None else set()
    ack(options=user_options(found, in_team))


def _members_of_selected_team(view: dict[str, Any], teams: list[Team]) -> set[int] | None:
    """Ids of the members of the team picked above (or the one the modal was opened for)."""
    values = (view.get("state") or {}).get("values") or {}
    team = selected_value(values, BlockId.TEAM, ActionId.TEAM_SELECT)
    team_id = parse_id(team or "")
    if team_id is not None:
        return member_ids(teams, team_id)
    opened_for = modal_metadata(view, "add").team_id
    return member_ids(teams, opened_for) if opened_for is not None else None
