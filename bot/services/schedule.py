"""When a subscription is due, which period each occurrence covers, and its unique period key."""

# Rules (documented for users in the report and the tests):
# - An occurrence is the subscription's local time on a matching local date in its IANA zone:
#   every day (daily), its weekday (weekly, 0=Monday) or its day of month (monthly; clamped to
#   the month's last day, so 31 means "last day" in short months).
# - Spring gap: a local time that does not exist that day (02:30 while clocks jump 02:00→03:00)
#   is shifted to the first valid instant after the gap (03:00). Never skipped, never doubled.
# - Autumn repeat: a local time that happens twice (01:30) is taken once, at its first instant.
# - Covered period: daily → the day before the occurrence; weekly → the last complete week before
#   the week of the occurrence (weeks start on Noko's week_start); monthly → the previous month.
# - Period key: daily:<covered day>, weekly:<ISO week of the occurrence date minus 7 days>,
#   monthly:<covered YYYY-MM>. Keys don't depend on the time of day or on week_start, so
#   editing a subscription's time or weekday never makes a period due twice.

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.services.periods import Period, day_period, month_period, week_period
from bot.storage import Subscription
from bot.zones import zone_info

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Occurrence:
    """One intended post: its local date, its UTC due instant and its unique key."""

    local_date: dt.date
    due_at: dt.datetime
    key: str


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


def matches(sub: Subscription, day: dt.date) -> bool:
    if sub.cadence == "daily":
        return True
    if sub.cadence == "weekly":
        return day.weekday() == sub.weekday
    last = calendar.monthrange(day.year, day.month)[1]
    return day.day == min(int(sub.day_of_month or 1), last)


def period_key(cadence: str, local_date: dt.date) -> str:
    if cadence == "daily":
        return f"daily:{(local_date - ONE_DAY).isoformat()}"
    if cadence == "weekly":
        iso = (local_date - dt.timedelta(days=7)).isocalendar()
        return f"weekly:{iso.year}-W{iso.week:02d}"
    before = local_date.replace(day=1) - ONE_DAY
    return f"monthly:{before:%Y-%m}"


def covered_period(cadence: str, local_date: dt.date, week_start: int) -> Period:
    """The period an occurrence on ``local_date`` reports on."""
    if cadence == "daily":
        return day_period(local_date - ONE_DAY)
    if cadence == "weekly":
        return week_period(local_date - dt.timedelta(days=7), week_start)
    before = local_date.replace(day=1) - ONE_DAY
    return month_period(before.year, before.month)


def occurrences_between(
    sub: Subscription, after: dt.datetime, until: dt.datetime
) -> list[Occurrence]:
    """Occurrences due in ``(after, until]``, oldest first."""
    zone = zone_info(sub.timezone)
    found = []
    for day in _local_days(after, until, zone):
        if matches(sub, day):
            due = resolve_local(day, sub.time_of_day, zone)
            if after < due <= until:
                found.append(Occurrence(day, due, period_key(sub.cadence, day)))
    return found


def _local_days(after: dt.datetime, until: dt.datetime, zone: ZoneInfo) -> Iterator[dt.date]:
    # One day of margin each side: a gap shift can move an instant across midnight.
    day = after.astimezone(zone).date() - ONE_DAY
    last = until.astimezone(zone).date() + ONE_DAY
    while day <= last:
        yield day
        day += ONE_DAY


@dataclass(frozen=True)
class NextPost:
    """The clock's next post of a subscription: when, and the period it reports on."""

    due_at: dt.datetime
    period: Period


def _next_occurrence(sub: Subscription, now: dt.datetime) -> Occurrence | None:
    after = max(now, sub.created_at)
    # 32 days always hold one occurrence, whatever the cadence (day 31 clamps to the last day).
    found = occurrences_between(sub, after, after + dt.timedelta(days=32))
    return found[0] if found else None


def next_post(
    sub: Subscription, now: dt.datetime, week_start: int, *, even_if_paused: bool = False
) -> NextPost | None:
    """The post the clock makes next and the period it covers, by ``covered_period`` as the
    clock itself does; the subscription list, the App Home and previews all show this one.
    None while paused, unless ``even_if_paused`` (a preview of a paused digest)."""
    if sub.paused and not even_if_paused:
        return None
    occurrence = _next_occurrence(sub, now)
    if occurrence is None:
        return None
    period = covered_period(sub.cadence, occurrence.local_date, week_start)
    return NextPost(occurrence.due_at, period)


def next_due(sub: Subscription, now: dt.datetime) -> dt.datetime | None:
    """When the scheduler will next post ``sub`` on time; None while it is paused."""
    if sub.paused:
        return None
    occurrence = _next_occurrence(sub, now)
    return occurrence.due_at if occurrence else None
