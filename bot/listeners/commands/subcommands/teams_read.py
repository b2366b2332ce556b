"""Read-only subcommands: list (open to everyone), show and members (Noko users and those who
may change teams), hours (what the caller's Noko level shows; see bot.services.access)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from bot.blocks.common import Reply
from bot.blocks.hours import hours_reply
from bot.blocks.teams import team_detail_reply, team_list_reply
from bot.errors import BotError, TeamNotFoundError, UsageError, readable, safe
from bot.listeners.commands.readings import Readings, readings_at
from bot.listeners.commands.registry import CommandContext, Subcommand
from bot.listeners.context import today_for
from bot.services.changes import require_membership_reading
from bot.services.hours import period_sizes, split_team_and_period, team_hours
from bot.services.periods import ACCEPTED, PeriodError
from bot.services.teams import (
    ROLES,
    STATES,
    Role,
    State,
    choose_reading,
    list_teams,
    show_team,
    team_members,
)


class _Args(BaseModel):
    model_config = ConfigDict(frozen=True)


class ListArgs(_Args):
    query: str = Field(default="", max_length=100)

    @classmethod
    def from_words(cls, words: Sequence[str]) -> ListArgs:
        return cls(query=" ".join(words))


def require_team(words: Sequence[str]) -> str:
    team = " ".join(words).strip()
    if not team:
        raise UsageError("Which team? Give its name or its Noko id.")
    return team


class TeamArgs(_Args):
    team: str = Field(min_length=1, max_length=200)

    @classmethod
    def from_words(cls, words: Sequence[str]) -> TeamArgs:
        return cls(team=require_team(words))


class MembersArgs(TeamArgs):
    role: Role | None = None
    state: State | None = None

    @classmethod
    def readings(cls, words: Sequence[str]) -> Readings[MembersArgs]:
        """Trailing role/state words are filters, anything before them the team name; or
        fewer of them are filters, when the others may end the team's name."""
        cut = len(words)
        while cut > 1 and words[cut - 1].lower() in (*ROLES, *STATES):
            cut -= 1
        return readings_at(words, range(cut, len(words) + 1), cls._cut)

    @classmethod
    def _cut(cls, team: Sequence[str], filters: Sequence[str]) -> MembersArgs:
        found: dict[str, str] = {}
        for word in (w.lower() for w in filters):
            key = "role" if word in ROLES else "state"
            if key in found:
                raise UsageError(f"Give at most one {key}.")
            found[key] = word
        return cls(team=require_team(team), **found)


class HoursArgs(TeamArgs):
    period: str | None = None
    unread_period: str | None = None  # trailing words that start like a period but aren't one

    @classmethod
    def from_words(cls, words: Sequence[str]) -> Self:
        try:
            split = split_team_and_period(words)
        except PeriodError as error:
            raise UsageError(str(error)) from None
        return cls(team=require_team([split.team]), period=split.period,
                   unread_period=split.unread)  # fmt: skip

    @classmethod
    def readings(cls, words: Sequence[str]) -> Readings[Self]:
        """The usual reading, and each other ending that reads as a period, or none."""
        usual = cls.from_words(words)
        cuts = [len(words) - size for size in period_sizes(words)]
        if not cuts:
            return readings_at(words, [len(words)], lambda _team, _rest: usual)
        return readings_at(words, [*cuts, len(words)], cls._cut)

    @classmethod
    def _cut(cls, team: Sequence[str], period: Sequence[str]) -> Self:
        return cls(team=require_team(team), period=" ".join(period) or None)

    def explain(self, error: TeamNotFoundError) -> BotError:
        """No team matched: when the words ended like a period, that part is what was unread
        ("hours Engineering last wek" is about the period, not a team)."""
        if self.unread_period is None:
            return error
        shown = safe(readable(self.unread_period[:60]))
        return UsageError(f"I couldn't read “{shown}” as a period. Use {ACCEPTED}.")


# Each reply is the first page; its Next button re-reads through bot/listeners/actions/paging.py.
def run_list(ctx: CommandContext, args: ListArgs) -> Reply:
    rows = list_teams(ctx.deps.reads, args.query)
    return team_list_reply(rows, args.query, shared=ctx.shared)


def run_show(ctx: CommandContext, args: TeamArgs) -> Reply:
    require_membership_reading(ctx.changes)
    detail = show_team(ctx.deps.reads, args.team)
    return team_detail_reply(detail, shared=ctx.shared)


def run_members(ctx: CommandContext, readings: Readings[MembersArgs]) -> Reply:
    require_membership_reading(ctx.changes)
    args = choose_reading(ctx.deps.reads, "members", readings)
    detail = team_members(ctx.deps.reads, args.team, args.role, args.state)
    return team_detail_reply(detail, shared=ctx.shared)


def run_hours(ctx: CommandContext, readings: Readings[HoursArgs]) -> Reply:
    args = choose_reading(ctx.deps.reads, "hours", readings)
    today = today_for(ctx.deps, ctx.changes)
    try:
        hours = team_hours(ctx.deps.reads, args.team, args.period, today, ctx.sight)
    except PeriodError as error:
        raise UsageError(str(error)) from None
    except TeamNotFoundError as error:
        raise args.explain(error) from None
    return hours_reply(hours, shared_by=ctx.user_id if ctx.shared else None)


SUBCOMMANDS = (
    Subcommand("list", "[text]", "Teams (name containing text) with member counts.",
               ListArgs.from_words, run_list, order=10),
    Subcommand("show", "<team>", "A team and its members.", TeamArgs.from_words, run_show, 11),
    Subcommand("members", "<team> [role] [state]",
               "Members, filtered by Noko role (supervisor, leader, coworker, contractor) "
               "and state (active, pending, disabled, suspended).",
               MembersArgs.readings, run_members, 12),
    Subcommand("hours", "<team> [period]",
               "Total hours, billable share, hours per member and per project. Periods: this week "
               "(default), today, yesterday, last week, this month, last month, last 7 days, "
               "since monday, november, 2026-11, Q3, YYYY-MM-DD..YYYY-MM-DD.",
               HoursArgs.readings, run_hours, 13),
)  # fmt: skip
