"""Finding teams by what users type, and the read-only team queries (list, show, members)."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar, get_args

from bot.errors import AmbiguousReadingError, AmbiguousTeamError, BotError, TeamNotFoundError
from bot.services.command_text import Quoted
from bot.services.inputs import clean_team_query
from bot.services.lagging import teams_again
from bot.services.numbers import parse_id
from bot.services.reads import Freshness, NokoReads
from noko_core import NokoNotFoundError, SimpleUser, Team

A = TypeVar("A")

Role = Literal["supervisor", "leader", "coworker", "contractor"]
State = Literal["active", "pending", "disabled", "suspended"]
ROLES: tuple[Role, ...] = get_args(Role)
STATES: tuple[State, ...] = get_args(State)


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
    members: Sequence[SimpleUser] = field(default_factory=list)
    filters: tuple[str, ...] = ()
    freshness: Freshness = field(default_factory=Freshness)


def team_row(team: Team) -> TeamRow:
    return TeamRow(team["id"], team["name"], len(team.get("users") or []))


def resolve_team(query: str, teams: Sequence[Team]) -> Team:
    """The team a person meant, tried in this order: its id; its name (any case); the one name
    starting with what was typed; the one name containing it. Several matches at the first
    step that has any are ambiguous (AmbiguousTeamError lists them); none at all is
    TeamNotFoundError with the closest names."""
    wanted = query.strip()
    team_id = parse_id(wanted)
    if team_id is not None:
        found = [t for t in teams if t["id"] == team_id]
        if found:
            return found[0]
    lowered = wanted.casefold()
    for matches in (
        lambda name: name == lowered,
        lambda name: name.startswith(lowered),
        lambda name: lowered in name,
    ):
        hits = [t for t in teams if matches(t["name"].casefold())]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise AmbiguousTeamError(wanted, sorted(t["name"] for t in hits)[:10])
    raise TeamNotFoundError(wanted, _closest(wanted, teams))


def _closest(query: str, teams: Sequence[Team]) -> list[str]:
    names = {t["name"].casefold(): t["name"] for t in teams}
    close = difflib.get_close_matches(query.casefold(), list(names), n=3, cutoff=0.5)
    return [names[c] for c in close]


def find_team(reads: NokoReads, query: str) -> Team:
    """The one way a team is found from what a person typed (Slack commands, modals, the
    CLI): resolved against the reads' teams, reloaded once on a miss when they may lag Noko.
    What was typed is bounded and cleaned first (InputError says what was wrong)."""
    query = clean_team_query(query)
    try:
        return resolve_team(query, reads.teams())
    except TeamNotFoundError:
        again = teams_again(reads)
        if again is None:
            raise
        return resolve_team(query, again)


@dataclass(frozen=True)
class Reading(Generic[A]):
    """One way to split a command's words: the words naming the team (none: no team given),
    the words after them as typed, what the command makes of that split (``args``), and
    whether those words read without problems."""

    team_words: tuple[str, ...]
    rest: tuple[str, ...]
    args: A
    clean: bool = True

    @property
    def team(self) -> str | None:
        return " ".join(self.team_words) or None


def choose_reading(reads: NokoReads, command: str, readings: Sequence[Reading[A]]) -> A:
    """The one rule for splitting a command's words into a team and the rest.

    ``readings`` are the splits the command's grammar allows, the usual one first. A quoted
    phrase is a whole name, so a split that cuts or extends one is never a reading. A reading
    fits when its words read cleanly and its team words name exactly one team (as
    ``resolve_team`` finds them), or it names no team and needs none. The one fitting reading
    is taken; several raise AmbiguousReadingError listing them, since a team name of several
    words is never guessed; none leaves the usual reading, whose own error says what is wrong.
    """
    usual, *others = readings
    others = [r for r in others if _keeps_quotes_whole(r.team_words)]
    if not others:
        return usual.args
    teams = reads.teams()
    fitting: list[tuple[Reading[A], str | None]] = []
    for reading in (usual, *others):
        fits, name = _fit(reading, teams)
        if fits:
            fitting.append((reading, name))
    if len(fitting) == 1:
        return fitting[0][0].args
    if not fitting:
        return usual.args
    raise AmbiguousReadingError(command, [(name, r.rest) for r, name in fitting])


def _keeps_quotes_whole(team_words: Sequence[str]) -> bool:
    quoted = [w for w in team_words if isinstance(w, Quoted)]
    return not quoted or len(team_words) == 1


def _fit(reading: Reading[A], teams: Sequence[Team]) -> tuple[bool, str | None]:
    """Whether the reading fits, and the name of the one team it names (None: no team)."""
    if not reading.clean:
        return False, None
    if reading.team is None:
        return True, None
    try:
        return True, resolve_team(clean_team_query(reading.team), teams)["name"]
    except BotError:
        return False, None


def team_by_id(reads: NokoReads, team_id: int) -> Team:
    """The team with this id (a button's, never typed text: no name matching), read on its own
    on a miss; TeamNotFoundError when Noko has no such team any more."""
    found = next((t for t in reads.teams() if t["id"] == team_id), None)
    if found is not None:
        return found
    try:
        return reads.team(team_id)
    except NokoNotFoundError:
        raise TeamNotFoundError(str(team_id)) from None


def list_teams(reads: NokoReads, text: str = "") -> list[TeamRow]:
    """Teams whose name contains ``text`` (case-insensitive), sorted by name."""
    wanted = text.strip().casefold()
    rows = [team_row(t) for t in reads.teams() if wanted in t["name"].casefold()]
    return sorted(rows, key=lambda r: r.name.casefold())


def team_detail(team: Team) -> TeamDetail:
    """A team as listed (its members are Noko's short user records)."""
    return TeamDetail(team["id"], team["name"], team["users"])


def show_team(reads: NokoReads, query: str) -> TeamDetail:
    return members_of(reads, find_team(reads, query))


def team_members(reads: NokoReads, query: str, role: str | None, state: str | None) -> TeamDetail:
    return members_of(reads, find_team(reads, query), role, state)


def members_of(
    reads: NokoReads, team: Team, role: str | None = None, state: str | None = None
) -> TeamDetail:
    """The team's members as it has them now (full Noko users, with role and state), filtered
    by role and state as Noko's filters would: only what was asked. A member the account's
    users don't list yet (they may lag the team) shows as the team lists them, and matches no
    filter. TeamNotFoundError when the team is gone."""
    filters = {k: v for k, v in (("role", role), ("state", state)) if v}
    try:
        team = reads.team(team["id"])  # its members now, not as a list of teams had them
    except NokoNotFoundError:
        raise TeamNotFoundError(team["name"]) from None
    users = {u["id"]: u for u in reads.users()}
    members: list[SimpleUser] = []
    for member in team.get("users") or ():
        full = users.get(member["id"])
        if full is None:
            if not filters:
                members.append(member)
        elif all(full.get(key) == wanted for key, wanted in filters.items()):
            members.append(full)
    return TeamDetail(
        team["id"], team["name"], _sorted(members), tuple(filters.values()), reads.freshness()
    )


def _sorted(users: Sequence[SimpleUser]) -> list[SimpleUser]:
    return sorted(users, key=lambda u: (u.get("first_name") or "", u.get("last_name") or ""))
