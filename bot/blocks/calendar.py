"""Replies of the calendar commands: holidays, away and back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.blocks.common import Reply
from bot.errors import safe
from bot.storage.records import Holiday

NO_DIGEST = "no daily digest that day, and nobody is expected to log time"


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.isoformat()}"


def _named(holiday: Holiday) -> str:
    return f"{_day(holiday.day)}" + (f" ({safe(holiday.name)})" if holiday.name else "")


def holidays_reply(holidays: Sequence[Holiday], today: dt.date) -> Reply:
    if not holidays:
        return Reply(
            f"No holidays from {today.isoformat()} on. "
            "An admin adds one with `/noko-team holidays add YYYY-MM-DD [name]`."
        )
    lines = "\n".join(f"• {_named(h)}" for h in holidays)
    return Reply(f"Holidays from {today.isoformat()} on ({NO_DIGEST}):\n{lines}")


def holiday_added_reply(holiday: Holiday, new: bool) -> Reply:
    if not new:
        return Reply(f"{_named(holiday)} was already a holiday; its name is updated.")
    return Reply(f"Added the holiday {_named(holiday)}: {NO_DIGEST}.")


def holiday_removed_reply(holiday: Holiday) -> Reply:
    return Reply(f"{_named(holiday)} is no longer a holiday.")


def away_reply(until: dt.date) -> Reply:
    return Reply(
        f"You're away until {_day(until)}, included: digests leave you out of "
        "“no time logged” for those days. Back early? `/noko-team back`."
    )


def back_reply(was_away: bool) -> Reply:
    if not was_away:
        return Reply("You weren't marked away. Welcome anyway!")
    return Reply("Welcome back: digests expect your time again from today.")
