"""Shared Noko fetches for digests falling due together: each dataset is read once."""

# Teams are read once each; entries once per distinct period, for the union of every team's
# members, from the start of the previous period (for the change figure) to the end of the
# current one, then split by team and by period. A user in several teams counts in each.

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.services.periods import Period, previous_period
from noko_core import Entry, NokoClient, NokoError, SimpleUser, Team


@dataclass(frozen=True)
class TeamRequest:
    """A team's data for ``period`` (and, with ``with_previous``, the period before it)."""

    team_id: int
    period: Period
    with_previous: bool = True


@dataclass(frozen=True)
class TeamData:
    team_id: int
    team_name: str
    members: tuple[SimpleUser, ...]
    period: Period
    entries: list[Entry]
    previous: Period | None
    previous_entries: list[Entry]


FetchResult = dict[TeamRequest, "TeamData | NokoError"]


def fetch_teams(noko: NokoClient, requests: Sequence[TeamRequest]) -> FetchResult:
    """Every request's data or the NokoError that prevented it; one failure spoils no other."""
    results: FetchResult = {}
    teams: dict[int, Team | NokoError] = {}
    for team_id in dict.fromkeys(r.team_id for r in requests):
        try:
            teams[team_id] = noko.get_single_team(team_id)
        except NokoError as exc:
            teams[team_id] = exc
    found = {team_id: team for team_id, team in teams.items() if not isinstance(team, NokoError)}
    by_period: dict[Period, list[TeamRequest]] = {}
    for request in dict.fromkeys(requests):
        team = teams[request.team_id]
        if isinstance(team, NokoError):
            results[request] = team
        else:
            by_period.setdefault(request.period, []).append(request)
    for period, group in by_period.items():
        results.update(_fetch_period(noko, period, group, found))
    return results


def _fetch_period(
    noko: NokoClient,
    period: Period,
    group: list[TeamRequest],
    teams: Mapping[int, Team],
) -> FetchResult:
    previous = previous_period(period) if any(r.with_previous for r in group) else None
    data = {r: _empty(r, teams[r.team_id], previous) for r in group}
    teams_of_user: dict[int, list[TeamRequest]] = {}
    for request in group:
        for member in data[request].members:
            teams_of_user.setdefault(member["id"], []).append(request)
    if not teams_of_user:
        return dict(data)
    start = previous.start if previous else period.start
    try:
        entries = noko.iter_entries(user_ids=sorted(teams_of_user), from_=start, to=period.end)
        _split(entries, period, teams_of_user, data)
    except NokoError as exc:
        return dict.fromkeys(group, exc)
    return dict(data)


def _split(
    entries: Iterable[Entry],
    period: Period,
    teams_of_user: Mapping[int, list[TeamRequest]],
    data: Mapping[TeamRequest, TeamData],
) -> None:
    current_from = period.start.isoformat()
    for entry in entries:
        user_id = entry["user"]["id"]
        is_current = str(entry.get("date", "")) >= current_from
        for request in teams_of_user.get(user_id, ()):
            target = data[request]
            if is_current:
                target.entries.append(entry)
            elif request.with_previous:
                target.previous_entries.append(entry)


def _empty(request: TeamRequest, team: Team, previous: Period | None) -> TeamData:
    return TeamData(
        team_id=request.team_id,
        team_name=team["name"],
        members=tuple(team.get("users") or ()),
        period=request.period,
        entries=[],
        previous=previous if request.with_previous else None,
        previous_entries=[],
    )
