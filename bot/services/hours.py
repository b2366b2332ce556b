"""The `hours` query: a team's time in a period, summed up by the summary service."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.services.cache import NokoCache
from bot.services.periods import parse_period
from bot.services.summary import TeamSummary, summarize
from bot.services.teams import find_team
from noko_core import NokoClient

PERIOD_WORDS = frozenset(
    {"today", "yesterday", "this-week", "last-week", "this-month", "last-month"}
)
_DATEISH = re.compile(r"^[0-9]{4}-")


@dataclass(frozen=True)
class TeamHours:
    team_id: int
    team_name: str
    summary: TeamSummary


def looks_like_period(word: str) -> bool:
    """Whether the last word of `hours <team> [period]` is meant as a period, not a name."""
    lowered = word.lower().replace("_", "-")
    return lowered in PERIOD_WORDS or ".." in word or bool(_DATEISH.match(word))


def team_hours(
    noko: NokoClient, cache: NokoCache, query: str, period_text: str | None, today: dt.date
) -> TeamHours:
    """Resolve the team, read the period in Noko's week convention, and sum the entries."""
    team = find_team(cache, query)
    week_start = cache.week_start()
    period = parse_period(period_text, today=today, week_start=week_start)
    entries = noko.iter_entries_for_users_in_team(team["id"], from_=period.start, to=period.end)
    members = noko.get_users_in_team(team["id"])
    return TeamHours(team["id"], team["name"], summarize(entries, members, period))
