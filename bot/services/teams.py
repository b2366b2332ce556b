"""Finding teams by what users type, and the read-only team queries (list, show, members)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.errors import AmbiguousTeamError, TeamNotFoundError
from bot.services.cache import NokoCache
from bot.services.inputs import clean_team_query
from bot.services.numbers import parse_id

ROLES = ("supervisor", "leader", "coworker", "contractor")
STATES = ("active", "pending", "disabled", "suspended")


@dataclass(frozen=True)
class TeamRow:
    id: int
    name: str
    member_count: int


@dataclass(frozen=True)
class TeamDetail:
    """A team and its members (full Noko users, with role and state)."""

    id: int
    name: str
    members: list[dict[str, Any]] = field(default_factory=list)
    filters: tuple[str, ...] = ()


def team_row(team: dict[str, Any]) -> TeamRow:
    return TeamRow(int(team["id"]), str(team["name"]), len(team.get("users") or []))


def resolve_team(query: str, teams: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Exact id or name (case-insensitive) first, then a unique prefix; else explain."""
    wanted = query.strip()
    team_id = parse_id(wanted)
    if team_id is not None:
        found = [t for t in teams if int(t["id"]) == team_id]
        if found:
            return found[0]
    lowered = wanted.casefold()
    exact = [t for t in teams if str(t["name"]).casefold() == lowered]
    if len(exact) == 1:
        return exact[0]
    prefixed = exact or [t for t in teams if str(t["name"]).casefold().startswith(lowered)]
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        raise AmbiguousTeamError(wanted, sorted(str(t["name"]) for t in prefixed)[:10])
    raise TeamNotFoundError(wanted, _closest(wanted, teams))


def _closest(query: str, teams: Sequence[dict[str, Any]]) -> list[str]:
    names = {str(t["name"]).casefold(): str(t["name"]) for t in teams}
    close = difflib.get_close_matches(query.casefold(), list(names), n=3, cutoff=0.5)
    return [names[c] for c in close]


def find_team(cache: NokoCache, query: str) -> dict[str, Any]:
    """Resolve against the cache; on a miss reload once (the team may be a minute old).
    What was typed is bounded and cleaned first (InputError says what was wrong)."""
    query = clean_team_query(query)
    try:
        return resolve_team(query, cache.teams())
    except TeamNotFoundError:
        cache.invalidate_teams()
        return resolve_team(query, cache.teams())


def list_teams(cache: NokoCache, text: str = "") -> list[TeamRow]:
    """Teams whose name contains ``text`` (case-insensitive), sorted by name."""
    wanted = text.strip().casefold()
    rows = [team_row(t) for t in cache.teams() if wanted in str(t["name"]).casefold()]
    return sorted(rows, key=lambda r: r.name.casefold())


def show_team(noko: Any, cache: NokoCache, query: str) -> TeamDetail:
    team = find_team(cache, query)
    members = list(noko.get_users_in_team(int(team["id"])))
    return TeamDetail(int(team["id"]), str(team["name"]), _sorted(members))


def team_members(
    noko: Any, cache: NokoCache, query: str, role: str | None, state: str | None
) -> TeamDetail:
    """Members filtered by Noko role and state (Noko filters; we only pass what was asked)."""
    team = find_team(cache, query)
    filters = {k: v for k, v in (("role", role), ("state", state)) if v}
    members = list(noko.get_users_in_team(int(team["id"]), **filters))
    return TeamDetail(int(team["id"]), str(team["name"]), _sorted(members), tuple(filters.values()))


def _sorted(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(users, key=lambda u: (str(u.get("first_name") or ""), str(u.get("last_name"))))
