"""Type-ahead for the modal pickers: filter cached teams and users by what was typed."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.services.people import display_name
from bot.services.teams import TeamRow, team_row
from noko_core import Team, User

MAX_OPTIONS = 100  # Slack's limit per options response


def matching_teams(teams: Sequence[Team], typed: str) -> list[TeamRow]:
    """Teams whose name contains ``typed``; names starting with it first."""
    wanted = typed.strip().casefold()
    rows = [team_row(t) for t in teams if wanted in t["name"].casefold()]
    rows.sort(key=lambda r: (not r.name.casefold().startswith(wanted), r.name.casefold()))
    return rows[:MAX_OPTIONS]


def matching_users(
    users: Sequence[User], typed: str, only_ids: Collection[int] | None = None
) -> list[User]:
    """Users whose name or e-mail contains ``typed``, limited to ``only_ids`` when given."""
    wanted = typed.strip().casefold()
    found = [
        u
        for u in users
        if (only_ids is None or u["id"] in only_ids)
        and (wanted in display_name(u).casefold() or wanted in (u["email"] or "").casefold())
    ]
    found.sort(key=lambda u: display_name(u).casefold())
    return found[:MAX_OPTIONS]


def member_ids(teams: Sequence[Team], team_id: int) -> set[int] | None:
    """Ids of the team's members per the cached team list; None when the team is unknown."""
    team = next((t for t in teams if t["id"] == team_id), None)
    return None if team is None else {u["id"] for u in team["users"]}
