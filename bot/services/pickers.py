"""Type-ahead for the modal pickers: filter cached teams and users by what was typed."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from bot.services.people import display_name
from bot.services.teams import TeamRow, team_row

MAX_OPTIONS = 100  # Slack's limit per options response


def matching_teams(teams: Sequence[dict[str, Any]], typed: str) -> list[TeamRow]:
    """Teams whose name contains ``typed``; names starting with it first."""
    wanted = typed.strip().casefold()
    rows = [team_row(t) for t in teams if wanted in str(t["name"]).casefold()]
    rows.sort(key=lambda r: (not r.name.casefold().startswith(wanted), r.name.casefold()))
    return rows[:MAX_OPTIONS]


def matching_users(
    users: Sequence[dict[str, Any]], typed: str, only_ids: Collection[int] | None = None
) -> list[dict[str, Any]]:
    """Users whose name or e-mail contains ``typed``, limited to ``only_ids`` when given."""
    wanted = typed.strip().casefold()
    found = [
        u
        for u in users
        if (only_ids is None or int(u["id"]) in only_ids)
        and (wanted in display_name(u).casefold() or wanted in str(u.get("email", "")).casefold())
    ]
    found.sort(key=lambda u: display_name(u).casefold())
    return found[:MAX_OPTIONS]


def member_ids(teams: Sequence[dict[str, Any]], team_id: int) -> set[int] | None:
    """Ids of the team's members per the cached team list; None when the team is unknown."""
    team = next((t for t in teams if int(t["id"]) == team_id), None)
    return None if team is None else {int(u["id"]) for u in team.get("users") or []}
