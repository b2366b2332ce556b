"""Reporting periods (day, week, month, date range): parsing, labels and the period before."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from bot.errors import readable, safe

PeriodKind = Literal["day", "week", "month", "range"]
MAX_RANGE_DAYS = 366
ACCEPTED = (
    "today, yesterday, this week, last week, this month, last month, last 7 days, "
    "since monday, november, 2026-11, Q3 or YYYY-MM-DD..YYYY-MM-DD"
)
DASH = "\u2013"  # en dash, as in "1\u201315 Nov 2026"
# A digest compares with the period before; near date.min there is none (OverflowError).
EARLIEST = dt.date.min + dt.timedelta(days=MAX_RANGE_DAYS + 31)
_RANGE = re.compile(r"^(\S+)\s*\.\.\s*(\S+)$")
_LAST_DAYS = re.compile(r"^(?:last|past)-([0-9]{1,3})-days?$")
_YEAR_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")
_QUARTER = re.compile(r"^(?:q([1-4])(?:-([0-9]{4}))?|([0-9]{4})-q([1-4]))$")
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
# Words that start a period in what people type ("last week", "since monday", "past 7 days").
PERIOD_LEADS = frozenset({"today", "yesterday", "this", "last", "past", "since"})


class PeriodError(ValueError):
    """A period the user typed cannot be understood; the message is fit to show them (mrkdwn,
    what they typed escaped)."""


@dataclass(frozen=True)
class Period:
    """Dates ``start``..``end``, both inclusive, with a label for humans."""

    start: dt.date
    end: dt.date
    label: str
    kind: PeriodKind

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def week_start_from_noko(value: str | None) -> int:
    """Noko's ``week_start`` ("monday"/"Sunday") as 0=Monday … 6=Sunday; Monday if unset."""
    return 6 if (value or "").strip().lower() == "sunday" else 0


def day_period(day: dt.date) -> Period:
    return Period(day, day, f"{day:%A} {day.day} {day:%b %Y}", "day")


def week_period(day: dt.date, week_start: int) -> Period:
    """The week containing ``day``, starting on ``week_start`` (0=Monday … 6=Sunday)."""
    start = day - dt.timedelta(days=(day.weekday() - week_start) % 7)
    return Period(start, start + dt.timedelta(days=6), f"Week of {_day(start)}", "week")


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    first = dt.date(year, month, 1)
    return Period(first, dt.date(year, month, last), f"{first:%B %Y}", "month")


def range_period(start: dt.date, end: dt.date) -> Period:
    return Period(start, end, _range_label(start, end), "range")


def period_of(start: dt.date, end: dt.date, kind: str) -> Period:
    """The period a button remembered by its dates and kind, with the same label as before."""
    if kind == "day" and start == end:
        return day_period(start)
    if kind == "week" and (end - start).days == 6:
        return week_period(start, start.weekday())
    if kind == "month" and start.day == 1 and month_period(start.year, start.month).end == end:
        return month_period(start.year, start.month)
    return range_period(start, end)


def previous_period(period: Period) -> Period:
    """The period of the same kind (and length, for ranges) just before ``period``."""
    if period.kind == "day":
        return day_period(period.start - dt.timedelta(days=1))
    if period.kind == "week":
        return week_period(period.start - dt.timedelta(days=7), period.start.weekday())
    if period.kind == "month":
        before = period.start - dt.timedelta(days=1)
        return month_period(before.year, before.month)
    end = period.start - dt.timedelta(days=1)
    return range_period(end - dt.timedelta(days=period.days - 1), end)


def parse_period(text: str | None, *, today: dt.date, week_start: int) -> Period:
    """Read what a user typed (default ``this-week``); raise PeriodError saying what is wrong."""
    word = (text or "this-week").strip().lower().replace("_", "-").replace(" ", "-")
    word = re.sub(r"-+", "-", word)
    named = _named(word, today, week_start) or _phrase(word, today)
    if named is not None and named.start < EARLIEST:
        raise PeriodError(f"That period starts too early: the earliest date is {EARLIEST}.")
    if named is not None:
        return named
    match = _RANGE.match((text or "").strip())
    if not match:
        shown = safe(readable(" ".join((text or "").split())[:60]))
        raise PeriodError(f"I couldn't read “{shown}” as a period. Use {ACCEPTED}.")
    return checked_range(
        _date(match.group(1)), _date(match.group(2)), shown=f"“{safe(readable(text or ''))}”"
    )


def checked_range(start: dt.date, end: dt.date, *, shown: str | None = None) -> Period:
    """The range ``start``..``end`` if a digest can cover it (and the range before it), else a
    PeriodError. Typed ranges and the dates a button carries both pass through here."""
    shown = shown or f"{start.isoformat()}..{end.isoformat()}"
    if end < start:
        raise PeriodError(f"The range {shown} ends before it starts. Use {ACCEPTED}.")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise PeriodError(f"The range {shown} is longer than {MAX_RANGE_DAYS} days.")
    if start < EARLIEST:
        raise PeriodError(f"The range {shown} starts too early: the earliest date is {EARLIEST}.")
    return range_period(start, end)


def _phrase(word: str, today: dt.date) -> Period | None:
    """Periods in the words people use: last 7 days, since monday, november, 2026-11, Q3."""
    if match := _LAST_DAYS.match(word):
        days = int(match.group(1))
        if not 1 <= days <= MAX_RANGE_DAYS:
            raise PeriodError(f"“{word.replace('-', ' ')}” is not 1 to {MAX_RANGE_DAYS} days.")
        return range_period(today - dt.timedelta(days=days - 1), today)
    if word.startswith("since-") and word[6:] in WEEKDAYS:
        back = (today.weekday() - WEEKDAYS[word[6:]]) % 7
        return range_period(today - dt.timedelta(days=back), today)
    if word in MONTHS:  # the latest such month that has begun
        year = today.year if MONTHS[word] <= today.month else today.year - 1
        return month_period(year, MONTHS[word])
    if (match := _YEAR_MONTH.match(word)) and 1 <= int(match.group(2)) <= 12:
        return month_period(int(match.group(1)), int(match.group(2)))
    if match := _QUARTER.match(word):
        quarter = int(match.group(1) or match.group(4))
        year_text = match.group(2) or match.group(3)
        year = int(year_text) if year_text else today.year
        if not year_text and 3 * quarter - 2 > today.month:
            year -= 1  # "Q4" in May: last year's
        first = dt.date(year, 3 * quarter - 2, 1)
        last = month_period(year, 3 * quarter).end
        return Period(first, last, f"Q{quarter} {year}", "range")
    return None


def _named(word: str, today: dt.date, week_start: int) -> Period | None:
    if word == "today":
        return day_period(today)
    if word == "yesterday":
        return day_period(today - dt.timedelta(days=1))
    if word == "this-week":
        return week_period(today, week_start)
    if word == "last-week":
        return week_period(today - dt.timedelta(days=7), week_start)
    if word == "this-month":
        return month_period(today.year, today.month)
    if word == "last-month":
        return previous_period(month_period(today.year, today.month))
    return None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        shown = safe(readable(text))
        raise PeriodError(f"“{shown}” is not a valid date (YYYY-MM-DD). Use {ACCEPTED}.") from None


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _range_label(start: dt.date, end: dt.date) -> str:
    if start == end:
        return _day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}{DASH}{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} {DASH} {_day(end)}"
    return f"{_day(start)} {DASH} {_day(end)}"
