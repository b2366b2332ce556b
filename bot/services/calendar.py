"""The working calendar: a subscription's workdays, the workspace's holidays, people away.

Rules (one place; the scheduler, previews and digests all ask here):
- A subscription's workdays are weekdays (0=Monday); default Monday to Friday, kept in its
  options as ``workdays``. A working day is a workday that is not a workspace holiday.
- Someone expected to work in a period: the period holds a working day, and no absence of
  theirs overlaps it. Only they can be listed under "no time logged".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.errors import BotError, UsageError, safe
from bot.services.changes import AuditTarget, ChangeContext, guarded
from bot.services.inputs import clean_holiday_name
from bot.services.periods import Period, previous_period
from bot.storage import Holiday, Repository

ONE_DAY = dt.timedelta(days=1)
DEFAULT_WORKDAYS = frozenset(range(5))
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_WORDS = {name: i for i, name in enumerate(DAY_NAMES)}
_DAY_WORDS |= {
    full: i
    for i, full in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}
_SPAN = re.compile(r"^([a-z]+)-([a-z]+)$")
WORKDAYS_HELP = "Write workdays like mon-fri, mon-sat or mon,tue,thu."
# How far back a working day is looked for (a year of holidays is not a calendar).
SEARCH_DAYS = 366


@dataclass(frozen=True)
class Absence:
    """Someone away from ``start`` to ``until``, both inclusive."""

    slack_user_id: str
    email: str | None
    start: dt.date
    until: dt.date

    def overlaps(self, period: Period) -> bool:
        return self.start <= period.end and period.start <= self.until


@dataclass(frozen=True)
class Calendar:
    """The workspace's facts a schedule needs: Noko's week start and the holidays."""

    week_start: int = 0
    holidays: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date, workdays: frozenset[int]) -> bool:
        return day.weekday() in workdays and day not in self.holidays

    def working_days(self, period: Period, workdays: frozenset[int]) -> list[dt.date]:
        days = (period.start + ONE_DAY * i for i in range(period.days))
        return [day for day in days if self.is_working_day(day, workdays)]

    def previous_working_day(self, day: dt.date, workdays: frozenset[int]) -> dt.date:
        """The last working day before ``day``; the day before when none is found."""
        for back in range(1, SEARCH_DAYS + 1):
            earlier = day - ONE_DAY * back
            if self.is_working_day(earlier, workdays):
                return earlier
        return day - ONE_DAY

    def next_working_day(self, day: dt.date, workdays: frozenset[int]) -> dt.date:
        """The first working day after ``day``; the day after when none is found."""
        for ahead in range(1, SEARCH_DAYS + 1):
            later = day + ONE_DAY * ahead
            if self.is_working_day(later, workdays):
                return later
        return day + ONE_DAY


def workdays_of(options: Mapping[str, Any] | None) -> frozenset[int]:
    """A subscription's workdays (its options' ``workdays``), Monday to Friday by default."""
    value = (options or {}).get("workdays")
    if not isinstance(value, list):
        return DEFAULT_WORKDAYS
    days = frozenset(d for d in value if isinstance(d, int) and 0 <= d <= 6)
    return days or DEFAULT_WORKDAYS


def parse_workdays(text: str) -> frozenset[int]:
    """ "mon-fri", "mon-sat", "sun-thu", "mon,tue,thu" as weekdays; UsageError saying why not."""
    days: set[int] = set()
    for part in text.strip().lower().split(","):
        if part in _DAY_WORDS:
            days.add(_DAY_WORDS[part])
        elif (span := _SPAN.match(part)) and {span[1], span[2]} <= _DAY_WORDS.keys():
            first, last = _DAY_WORDS[span[1]], _DAY_WORDS[span[2]]
            days.update((first + i) % 7 for i in range((last - first) % 7 + 1))
        else:
            raise UsageError(f"“{safe(part[:40])}” is not a weekday. {WORKDAYS_HELP}")
    return frozenset(days)


def describe_workdays(days: Iterable[int]) -> str:
    """ "Mon-Fri" (en dash) for a run of days, else "Mon, Wed, Fri"."""
    ordered = sorted(set(days))
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_NAMES[ordered[0]].title()}\u2013{DAY_NAMES[ordered[-1]].title()}"
    return ", ".join(DAY_NAMES[d].title() for d in ordered)


def parse_day(text: str, what: str = "date") -> dt.date:
    """A YYYY-MM-DD date someone typed; UsageError naming it otherwise."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"“{safe(text.strip()[:40])}” is not a {what}: write it as YYYY-MM-DD "
            "(e.g. 2026-12-24)."
        ) from None


@dataclass(frozen=True)
class Attendance:
    """Who a digest's period expects to work: its working days and the absences around it."""

    calendar: Calendar
    workdays: frozenset[int]
    absences: Sequence[Absence] = ()

    def expected(self, email: str | None, period: Period) -> bool:
        """Whether ``email``'s owner should have logged time in ``period`` (module rules)."""
        if not self.calendar.working_days(period, self.workdays):
            return False
        wanted = (email or "").lower()
        return not any(
            a.email and a.email.lower() == wanted and a.overlaps(period) for a in self.absences
        )

    def holidays_in(self, period: Period) -> list[dt.date]:
        """The holidays that take a workday out of ``period``."""
        days = (period.start + ONE_DAY * i for i in range(period.days))
        return [d for d in days if d in self.calendar.holidays and d.weekday() in self.workdays]

    def away_in(self, email: str | None, period: Period) -> list[dt.date]:
        """The working days of ``period`` on which ``email``'s owner is away."""
        wanted = (email or "").lower()
        mine = [a for a in self.absences if a.email and a.email.lower() == wanted]
        working = self.calendar.working_days(period, self.workdays)
        return [d for d in working if any(a.start <= d <= a.until for a in mine)]

    def person_days(self, emails: Sequence[str | None], period: Period) -> int:
        """The working days ``period`` expects of these people together, days away left out;
        the working days alone when there is nobody (a rate per working day)."""
        working = len(self.calendar.working_days(period, self.workdays))
        if not emails:
            return working
        return sum(working - len(self.away_in(email, period)) for email in emails)


# -- the stored calendar ---------------------------------------------------------------------
def load_calendar(repo: Repository, week_start: int) -> Calendar:
    """The workspace's calendar: Noko's week start and the stored holidays."""
    return Calendar(week_start, frozenset(h.day for h in repo.list_holidays()))


def attendance_for(
    repo: Repository,
    options: Mapping[str, Any] | None,
    period: Period,
    calendar: Calendar | None = None,
) -> Attendance:
    """Who a digest of ``period`` with these subscription ``options`` (an on-demand digest:
    none) expects to work; ``calendar`` when already loaded (only its holidays matter). The
    absences of the period before are loaded too: a digest compares with it."""
    calendar = calendar or load_calendar(repo, 0)
    since = previous_period(period).start
    absences = [Absence(*row) for row in repo.absences_between(since, period.end)]
    return Attendance(calendar, workdays_of(options), tuple(absences))


# -- changes from Slack ----------------------------------------------------------------------
def add_holiday(ctx: ChangeContext, day: dt.date, name: str | None) -> tuple[Holiday, bool]:
    """Add ``day`` as a workspace holiday (admins only, audited); the holiday, and whether it
    is new (else only its name changed)."""
    name = clean_holiday_name(name)
    target = AuditTarget(f"holiday {day.isoformat()}", detail=name)

    def work() -> bool:
        added = ctx.repo.add_holiday(day, name, created_by=ctx.actor_id)
        ctx.repo.wake_subscriptions()  # next-due times were computed with the old holidays
        return added

    new = guarded(ctx, "holidays", target, work)
    return Holiday(day, name, ctx.actor_id), new


def remove_holiday(ctx: ChangeContext, day: dt.date) -> Holiday:
    """Remove the holiday on ``day`` (admins only, audited); BotError when there is none."""

    def work() -> Holiday:
        removed = ctx.repo.remove_holiday(day)
        if removed is None:
            raise BotError(f"{day.isoformat()} is not a holiday. See `/noko-team holidays`.")
        ctx.repo.wake_subscriptions()  # next-due times were computed with the old holidays
        return removed

    return guarded(ctx, "holidays", AuditTarget(f"holiday {day.isoformat()}"), work)


def set_away(ctx: ChangeContext, today: dt.date, until: dt.date) -> None:
    """Mark the actor away from ``today`` to ``until``; the date must not be past."""
    if until < today:
        raise UsageError(
            f"{until.isoformat()} is already past (today is {today.isoformat()}): "
            "give the last day you are away."
        )
    if (until - today).days > SEARCH_DAYS:
        raise UsageError("That is more than a year away: give a date within a year.")
    profile = ctx.directory.profile(ctx.actor_id)
    if profile is None or not profile.email:
        raise BotError(
            "I can't see your e-mail address in Slack, so I can't tell digests which Noko user "
            "you are. Ask an admin to check that the bot may read e-mail addresses."
        )
    ctx.repo.set_away(ctx.actor_id, profile.email, today, until)


def end_away(ctx: ChangeContext, today: dt.date) -> bool:
    """The actor is back today; False when they were not marked away."""
    return ctx.repo.end_away(ctx.actor_id, today)
