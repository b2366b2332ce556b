"""Shared Noko reads for digests falling due together: each dataset is read once."""

# Teams are read once each; time once per distinct period, for the union of every team's
# members, over the current period and the previous one (for the change figure), as EntryGroups
# (never a list of entries), then split by team. A user in several teams counts in each.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.services.people import not_active
from bot.services.periods import Period, previous_period
from bot.services.reads import EntryGroup, Freshness, NokoReads, Span
from noko_core import NokoError, SimpleUser, Team


@dataclass(frozen=True)
class TeamRequest:
    """A team's data for ``period`` (and, with ``with_previous``, the period before it)."""

    team_id: int
    period: Period
    with_previous: bool = True


@dataclass(frozen=True)
class TeamData:
    """A team's time in ``period`` (and ``previous``) as EntryGroups of its members."""

    team_id: int
    team_name: str
    members: tuple[SimpleUser, ...]
    period: Period
    groups: list[EntryGroup]
    previous: Period | None
    previous_groups: list[EntryGroup]
    freshness: Freshness = field(default_factory=Freshness)
    # Members Noko lists as pending, suspended or disabled, with their state (people.not_active).
    inactive: Mapping[int, str] = field(default_factory=dict)


FetchResult = dict[TeamRequest, "TeamData | NokoError"]


def span_of(period: Period) -> Span:
    """The dates of ``period``, as the reads take them."""
    return Span(period.start, period.end)


def fetch_teams(reads: NokoReads, requests: Sequence[TeamRequest]) -> FetchResult:
    """Every request's data or the NokoError that prevented it; one failure spoils no other."""
    results: FetchResult = {}
    teams: dict[int, Team | NokoError] = {}
    for team_id in dict.fromkeys(r.team_id for r in requests):
        try:
            teams[team_id] = reads.team(team_id)
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
        results.update(_fetch_period(reads, period, group, found))
    return results


def _fetch_period(
    reads: NokoReads,
    period: Period,
    group: list[TeamRequest],
    teams: Mapping[int, Team],
) -> FetchResult:
    previous = previous_period(period) if any(r.with_previous for r in group) else None
    members = {r: tuple(teams[r.team_id].get("users") or ()) for r in group}
    user_ids = sorted({m["id"] for request in group for m in members[request]})
    spans = [span_of(period)] + ([span_of(previous)] if previous else [])
    try:
        per_span = reads.entry_groups(user_ids, spans) if user_ids else [[] for _ in spans]
        freshness = reads.freshness()
        inactive = not_active(reads.users()) if user_ids else {}
    except NokoError as exc:
        return dict.fromkeys(group, exc)
    current, before = per_span[0], per_span[1] if previous else []
    results: FetchResult = {}
    for request in group:
        ids = {m["id"] for m in members[request]}
        results[request] = TeamData(
            team_id=request.team_id,
            team_name=teams[request.team_id]["name"],
            members=members[request],
            period=request.period,
            groups=[g for g in current if g.user["id"] in ids],
            previous=previous if request.with_previous else None,
            previous_groups=[g for g in before if g.user["id"] in ids]
            if request.with_previous
            else [],
            freshness=freshness,
            inactive={i: s for i, s in inactive.items() if i in ids},
        )
    return results
