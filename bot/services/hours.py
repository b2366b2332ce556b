"""The `hours` query: a team's time in a period, summed up by the summary service."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.services.access import Sight
from bot.services.fetch import span_of
from bot.services.people import not_active
from bot.services.periods import PERIOD_LEADS, Period, PeriodError, parse_period
from bot.services.reads import Freshness, NokoReads
from bot.services.summary import TeamSummary, summarize
from bot.services.teams import find_team
from noko_core import Team

# A phrase at the end of `hours <team> [period]` is the period when it reads as one; usually the
# longest that does ("Engineering last 7 days"), unless only a shorter ending (or none) leaves
# words that name a team (teams.choose_reading). The fixed day only checks the form.
_ANY_DAY = dt.date(2000, 6, 15)
_DATEISH = re.compile(r"^[0-9]{4}-")
MAX_PERIOD_WORDS = 4


@dataclass(frozen=True)
class TeamAndPeriod:
    """What `hours`/`digest` were given: the team's words, the period (None: the default),
    and a trailing phrase that starts like a period but doesn't read as one (``unread``)."""

    team: str
    period: str | None
    unread: str | None = None


def period_sizes(words: Sequence[str]) -> list[int]:
    """How many words at the end read as a period, for each way they do, longest first."""
    sizes = []
    for size in range(min(MAX_PERIOD_WORDS, len(words) - 1), 0, -1):
        try:
            parse_period(" ".join(words[-size:]), today=_ANY_DAY, week_start=0)
        except PeriodError:
            continue
        sizes.append(size)
    return sizes


def split_team_and_period(words: Sequence[str]) -> TeamAndPeriod:
    """The usual reading: the longest ending that reads as a period is the period."""
    sizes = period_sizes(words)
    if sizes:
        return TeamAndPeriod(" ".join(words[: -sizes[0]]), " ".join(words[-sizes[0] :]))
    if len(words) > 1 and (".." in words[-1] or _DATEISH.match(words[-1])):
        # Dates that don't make a period ("2024-01-01..2024-02-30"): say what is wrong with them.
        parse_period(words[-1], today=_ANY_DAY, week_start=0)
    lead = next((i for i in range(1, len(words)) if words[i].lower() in PERIOD_LEADS), None)
    unread = " ".join(words[lead:]) if lead is not None else None
    return TeamAndPeriod(" ".join(words), None, unread)


@dataclass(frozen=True)
class TeamHours:
    team_id: int
    team_name: str
    summary: TeamSummary
    freshness: Freshness = field(default_factory=Freshness)


def team_hours(
    reads: NokoReads,
    query: str,
    period_text: str | None,
    today: dt.date,
    sight: Sight,
) -> TeamHours:
    """Resolve the team, read the period in Noko's week convention, and sum the entries that
    ``sight`` may read."""
    sight.require_time()
    team = find_team(reads, query)
    week_start = reads.week_start()
    period = parse_period(period_text, today=today, week_start=week_start)
    return hours_of(reads, team, period, sight)


def hours_of(reads: NokoReads, team: Team, period: Period, sight: Sight) -> TeamHours:
    """Sum the team members' time in ``period`` that ``sight`` may read (a page button re-reads
    it through here too): one read of EntryGroups, the team's members as ``team`` lists them."""
    sight.require_time()
    members = team.get("users") or []
    [groups] = reads.entry_groups([m["id"] for m in members], [span_of(period)])
    summary = summarize(groups, members, period, sight, not_active(reads.users()))
    return TeamHours(team["id"], team["name"], summary, reads.freshness())
