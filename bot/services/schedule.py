"""When a subscription is due, which period each occurrence covers, and its unique period key."""

# Rules (documented for users in the README and the tests):
# - An occurrence is the subscription's local time on a matching local date in its IANA zone:
#   every working day (daily: a workday of the subscription that is no holiday, see
#   bot.services.calendar), its weekday (weekly, 0=Monday) or its day of month (monthly; clamped
#   to the month's last day, so 31 means "last day" in short months).
# - Holidays: a weekly or monthly occurrence whose date is a workspace holiday is posted on the
#   next working day at the same local time, and still covers the period of its own date (so
#   no period is skipped or posted twice). A daily digest is not moved: it skips holidays.
# - Spring gap: a local time that does not exist that day (02:30 while clocks jump 02:00→03:00)
#   is shifted to the first valid instant after the gap (03:00). Never skipped, never doubled.
# - Autumn repeat: a local time that happens twice (01:30) is taken once, at its first instant.
# - Covered period: daily → the previous working day (Monday's covers Friday); weekly → the week
#   of the occurrence (weeks start on Noko's week_start) when it is on or after that week's last
#   working day, else the week before; monthly → the previous month.
# - Period key: derived from the covered period alone: daily:<day>, weekly:<week's first day>,
#   monthly:<YYYY-MM>. One period has one key whatever the weekday or time, so editing a
#   subscription never makes a period due twice nor skips one.
# - Before these keys, weekly keys were weekly:<ISO week of the occurrence date minus 7 days>
#   (daily and monthly keys already named their period). A stored ISO key still counts: its
#   occurrence is done, and so is the week it covered then (``legacy_keys``).

from __future__ import annotations

import calendar as cal_module
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.services.calendar import SEARCH_DAYS, Calendar, workdays_of
from bot.services.periods import Period, day_period, month_period, week_period
from bot.storage import Subscription
from bot.zones import zone_info

ONE_DAY = dt.timedelta(days=1)
_ISO_WEEK = re.compile(r"weekly:[0-9]{4}-W[0-9]{2}")


@dataclass(frozen=True)
class Occurrence:
    """One intended post: its local date (the schedule's, before any holiday move), its UTC
    due instant (on the day it is posted) and its unique key."""

    local_date: dt.date
    due_at: dt.datetime
    period: Period
    key: str
    # The key this occurrence had before keys followed the period (weekly only).
    legacy_key: str | None = None
    # Posted on the next working day because ``local_date`` is a holiday.
    moved: bool = False


def resolve_local(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of wall time ``at`` on ``day`` in ``zone`` (see the module rules)."""
    naive = dt.datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        return first
    return _gap_end(naive, zone)


def _gap_end(naive: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    # Inside a gap fold=1 maps before the transition and fold=0 after it: bisect between them.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
    high = naive.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)
    after = high.astimezone(zone).utcoffset()
    while high - low > dt.timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)


def matches(sub: Subscription, day: dt.date, calendar: Calendar) -> bool:
    if sub.cadence == "daily":
        return calendar.is_working_day(day, workdays_of(sub.options))
    if sub.cadence == "weekly":
        return day.weekday() == sub.weekday
    last = cal_module.monthrange(day.year, day.month)[1]
    return day.day == min(int(sub.day_of_month or 1), last)


def period_key(cadence: str, period: Period) -> str:
    """The one key of a covered period (see the module rules)."""
    if cadence == "monthly":
        return f"monthly:{period.start:%Y-%m}"
    return f"{cadence}:{period.start.isoformat()}"


def iso_week_key(local_date: dt.date) -> str:
    """The weekly key stored before keys followed the covered period (see ``legacy_keys``)."""
    iso = (local_date - dt.timedelta(days=7)).isocalendar()
    return f"weekly:{iso.year}-W{iso.week:02d}"


def covered_period(sub: Subscription, local_date: dt.date, calendar: Calendar) -> Period:
    """The period an occurrence of ``sub`` on ``local_date`` reports on."""
    workdays = workdays_of(sub.options)
    if sub.cadence == "daily":
        return day_period(calendar.previous_working_day(local_date, workdays))
    if sub.cadence == "weekly":
        this_week = week_period(local_date, calendar.week_start)
        working = calendar.working_days(this_week, workdays)
        last = working[-1] if working else this_week.end
        if local_date >= last:
            return this_week
        return week_period(local_date - dt.timedelta(days=7), calendar.week_start)
    before = local_date.replace(day=1) - ONE_DAY
    return month_period(before.year, before.month)


def posting_day(sub: Subscription, local_date: dt.date, calendar: Calendar) -> dt.date:
    """The day an occurrence scheduled for ``local_date`` is posted: the next working day when
    that date is a holiday (weekly and monthly; a daily digest has no holiday occurrences)."""
    if sub.cadence == "daily" or local_date not in calendar.holidays:
        return local_date
    return calendar.next_working_day(local_date, workdays_of(sub.options))


def occurrences_between(
    sub: Subscription, after: dt.datetime, until: dt.datetime, calendar: Calendar
) -> list[Occurrence]:
    """Occurrences due in ``(after, until]``, oldest first."""
    zone = zone_info(sub.timezone)
    found = []
    for day in _local_days(after, until, zone, _moved_reach(sub, after, zone, calendar)):
        if matches(sub, day, calendar):
            posted_on = posting_day(sub, day, calendar)
            due = resolve_local(posted_on, sub.time_of_day, zone)
            if after < due <= until:
                period = covered_period(sub, day, calendar)
                legacy = iso_week_key(day) if sub.cadence == "weekly" else None
                key = period_key(sub.cadence, period)
                found.append(Occurrence(day, due, period, key, legacy, posted_on != day))
    return sorted(found, key=lambda o: o.due_at)


def _moved_reach(sub: Subscription, after: dt.datetime, zone: ZoneInfo, calendar: Calendar) -> int:
    """How many days before ``after`` an occurrence may be scheduled and still be posted after
    it (moved over holidays): the days off just before ``after``'s date."""
    if sub.cadence == "daily" or not calendar.holidays:
        return 0
    workdays, day, reach = workdays_of(sub.options), after.astimezone(zone).date(), 0
    while reach < SEARCH_DAYS and not calendar.is_working_day(
        day - ONE_DAY * (reach + 1), workdays
    ):
        reach += 1
    return reach


def occurrence_due_at(sub: Subscription, due_at: dt.datetime, calendar: Calendar) -> Occurrence:
    """The occurrence due at ``due_at`` (a stored run's due time), read back by the rules
    above; when the calendar changed since, the period of the day it was due."""
    second = dt.timedelta(seconds=1)
    for found in occurrences_between(sub, due_at - second, due_at, calendar):
        if found.due_at == due_at:
            return found
    local_date = due_at.astimezone(zone_info(sub.timezone)).date()
    period = covered_period(sub, local_date, calendar)
    return Occurrence(local_date, due_at, period, period_key(sub.cadence, period))


def legacy_keys(
    sub: Subscription, runs: Iterable[tuple[str, dt.datetime | None]], calendar: Calendar
) -> set[str]:
    """The keys ``runs`` of ``sub`` hold, plus, for each ISO weekly key stored before keys
    followed the period, the key of the week that run covered then (the week before its
    occurrence's): a week posted under an old key is not posted again after an upgrade."""
    keys = set()
    for key, due_at in runs:
        keys.add(key)
        if _ISO_WEEK.fullmatch(key) and due_at is not None and sub.cadence == "weekly":
            local = due_at.astimezone(zone_info(sub.timezone)).date()
            week = week_period(local - dt.timedelta(days=7), calendar.week_start)
            keys.add(period_key("weekly", week))
    return keys


def _local_days(
    after: dt.datetime, until: dt.datetime, zone: ZoneInfo, reach: int = 0
) -> Iterator[dt.date]:
    # One day of margin each side: a gap shift can move an instant across midnight; ``reach``
    # more before for occurrences moved over holidays into the window.
    day = after.astimezone(zone).date() - ONE_DAY * (reach + 1)
    last = until.astimezone(zone).date() + ONE_DAY
    while day <= last:
        yield day
        day += ONE_DAY


@dataclass(frozen=True)
class NextPost:
    """The clock's next post of a subscription: when, and the period it reports on;
    ``moved_from``: the holiday it was scheduled for, when moved to the next working day."""

    due_at: dt.datetime
    period: Period
    moved_from: dt.date | None = None


def _next_occurrence(sub: Subscription, now: dt.datetime, calendar: Calendar) -> Occurrence | None:
    after = max(now, sub.created_at)
    # 32 days hold one occurrence of any cadence (day 31 clamps to the last day), unless
    # holidays fill them: then look on, up to a year.
    for _ in range(12):
        found = occurrences_between(sub, after, after + dt.timedelta(days=32), calendar)
        if found:
            return found[0]
        after += dt.timedelta(days=32)
    return None


def next_post(
    sub: Subscription, now: dt.datetime, calendar: Calendar, *, even_if_paused: bool = False
) -> NextPost | None:
    """The post the clock makes next and the period it covers, by ``covered_period`` as the
    clock itself does; the subscription list, the App Home and previews all show this one.
    None while paused, unless ``even_if_paused`` (a preview of a paused digest)."""
    if sub.paused and not even_if_paused:
        return None
    occurrence = _next_occurrence(sub, now, calendar)
    if occurrence is None:
        return None
    moved_from = occurrence.local_date if occurrence.moved else None
    return NextPost(occurrence.due_at, occurrence.period, moved_from)


def next_due(
    sub: Subscription, now: dt.datetime, calendar: Calendar | None = None
) -> dt.datetime | None:
    """When the scheduler will next post ``sub`` on time; None while it is paused. Only the
    holidays of ``calendar`` move a due time (a daily digest skips them)."""
    if sub.paused:
        return None
    occurrence = _next_occurrence(sub, now, calendar or Calendar())
    return occurrence.due_at if occurrence else None
