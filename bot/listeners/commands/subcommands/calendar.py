"""Calendar subcommands: holidays (admins change them), away and back (anyone, for themselves)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.blocks.calendar import (
    away_reply,
    back_reply,
    holiday_added_reply,
    holiday_removed_reply,
    holidays_reply,
)
from bot.blocks.common import Reply
from bot.errors import UsageError
from bot.listeners.commands.registry import CommandContext, Subcommand
from bot.listeners.context import today_for
from bot.services import calendar

HOLIDAY_VERBS = ("add", "remove")


class HolidaysArgs(BaseModel):
    model_config = ConfigDict(frozen=True)

    action: Literal["list", "add", "remove"] = "list"
    day: dt.date | None = None
    name: str | None = None

    @classmethod
    def from_words(cls, words: Sequence[str]) -> HolidaysArgs:
        if not words:
            return cls()
        verb = words[0].lower()
        if verb not in HOLIDAY_VERBS:
            raise UsageError(
                "Say `add YYYY-MM-DD [name]` or `remove YYYY-MM-DD`, or nothing for the list."
            )
        if len(words) < 2:
            raise UsageError(f"Which day? Give it as YYYY-MM-DD after `{verb}`.")
        day = calendar.parse_day(words[1], "holiday date")
        if verb == "remove" and len(words) > 2:
            raise UsageError("`remove` takes only the date (YYYY-MM-DD).")
        return cls(action=verb, day=day, name=" ".join(words[2:]) or None)


class AwayArgs(BaseModel):
    model_config = ConfigDict(frozen=True)

    until: dt.date

    @classmethod
    def from_words(cls, words: Sequence[str]) -> AwayArgs:
        rest = list(words[1:] if words and words[0].lower() == "until" else words)
        if len(rest) != 1:
            raise UsageError("Say until when, included: `away until YYYY-MM-DD`.")
        return cls(until=calendar.parse_day(rest[0], "date"))


class NoArgs(BaseModel):
    model_config = ConfigDict(frozen=True)

    @classmethod
    def from_words(cls, words: Sequence[str]) -> NoArgs:
        if words:
            raise UsageError("`back` takes no words.")
        return cls()


def run_holidays(ctx: CommandContext, args: HolidaysArgs) -> Reply:
    today = today_for(ctx.deps, ctx.changes)
    if args.action == "list" or args.day is None:
        return holidays_reply(ctx.deps.repo.list_holidays(since=today), today)
    if args.action == "add":
        holiday, new = calendar.add_holiday(ctx.changes, args.day, args.name)
        return ctx.announce(holiday_added_reply(holiday, new))
    return ctx.announce(holiday_removed_reply(calendar.remove_holiday(ctx.changes, args.day)))


def run_away(ctx: CommandContext, args: AwayArgs) -> Reply:
    calendar.set_away(ctx.changes, today_for(ctx.deps, ctx.changes), args.until)
    return away_reply(args.until)


def run_back(ctx: CommandContext, args: NoArgs) -> Reply:
    return back_reply(calendar.end_away(ctx.changes, today_for(ctx.deps, ctx.changes)))


SUBCOMMANDS = (
    Subcommand("holidays", "[add <YYYY-MM-DD> [name] | remove <YYYY-MM-DD>]",
               "Workspace holidays: no daily digest, nobody expected to log time. "
               "Admins add and remove them.",
               HolidaysArgs.from_words, run_holidays, 40),
    Subcommand("away", "until <YYYY-MM-DD>",
               "You're away until that day (included): digests don't list you under no time.",
               AwayArgs.from_words, run_away, 41),
    Subcommand("back", "", "You're back: digests expect your time again.", NoArgs.from_words,
               run_back, 42),
)  # fmt: skip
