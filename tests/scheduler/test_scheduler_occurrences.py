"""Occurrences, DST handling and period keys."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.services.calendar import Calendar
from bot.services.schedule import (
    covered_period,
    next_post,
    occurrences_between,
    resolve_local,
)
from bot.storage import Subscription

UTC = dt.UTC
EPOCH = dt.datetime(2020, 1, 1, tzinfo=UTC)
MONDAY_START = Calendar()
EVERY_DAY = {"workdays": list(range(7))}


def _sub(
    cadence="daily", *, at="09:00", tz="Europe/Berlin", weekday=None, day=None, options=EVERY_DAY
):
    return Subscription(
        id=1,
        team_id=1,
        team_name="T",
        channel_id="C1",
        cadence=cadence,
        weekday=weekday,
        day_of_month=day,
        local_time=at,
        timezone=tz,
        created_by="U1",
        paused=False,
        created_at=EPOCH,
        updated_at=EPOCH,
        options=dict(options),
    )


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "day", "local", "expected_utc"),
    [
        # Spring gap: 02:30 does not exist; shifted to the end of the gap (03:00 new offset).
        ("America/New_York", "2026-03-08", "02:30", "2026-03-08T07:00:00"),
        ("Europe/Berlin", "2026-03-29", "02:30", "2026-03-29T01:00:00"),
        # Autumn repeat: 01:30 happens twice; the first instant (summer time) is used.
        ("America/New_York", "2026-11-01", "01:30", "2026-11-01T05:30:00"),
        ("Europe/Berlin", "2026-10-25", "02:30", "2026-10-25T00:30:00"),
        # Ordinary days.
        ("America/New_York", "2026-03-09", "02:30", "2026-03-09T06:30:00"),
        ("Europe/Berlin", "2026-10-26", "02:30", "2026-10-26T01:30:00"),
    ],
)
def test_resolve_local_dst_rules(tz, day, local, expected_utc) -> None:
    hours, minutes = map(int, local.split(":"))
    due = resolve_local(dt.date.fromisoformat(day), dt.time(hours, minutes), ZoneInfo(tz))
    assert due == _utc(expected_utc)


@pytest.mark.parametrize(
    ("tz", "at", "start", "end"),
    [
        ("America/New_York", "02:30", "2026-03-05", "2026-03-12"),  # spring gap
        ("America/New_York", "01:30", "2026-10-29", "2026-11-05"),  # autumn repeat
        ("Europe/Berlin", "02:30", "2026-03-26", "2026-04-02"),
        ("Europe/Berlin", "02:30", "2026-10-22", "2026-10-29"),
    ],
)
def test_daily_keys_one_per_local_day_across_dst(tz, at, start, end) -> None:
    sub = _sub(at=at, tz=tz)
    after, until = _utc(f"{start}T00:00:00"), _utc(f"{end}T00:00:00")
    found = occurrences_between(sub, after, until, MONDAY_START)
    days = [o.local_date for o in found]
    assert len(days) == len(set(days)) == 7  # every local day exactly once
    keys = [o.key for o in found]
    assert len(set(keys)) == len(keys)
    dues = [o.due_at for o in found]
    assert dues == sorted(dues)
    assert all(o.due_at.astimezone(ZoneInfo(tz)).date() == o.local_date for o in found)


def test_occurrences_scanned_in_small_steps_are_never_duplicated() -> None:
    """Ticks every 10 minutes through the autumn night yield one occurrence, not two."""
    sub = _sub(at="01:30", tz="America/New_York")
    start = _utc("2026-11-01T03:00:00")
    seen = []
    for step in range(36):
        after = start + dt.timedelta(minutes=10 * step)
        seen += occurrences_between(sub, after, after + dt.timedelta(minutes=10), MONDAY_START)
    assert [o.key for o in seen] == ["daily:2026-10-31"]


def test_weekly_and_monthly_occurrences() -> None:
    weekly = _sub("weekly", weekday=0, tz="UTC")
    found = occurrences_between(
        weekly, _utc("2026-11-01T00:00:00"), _utc("2026-11-30T00:00:00"), MONDAY_START
    )
    assert [o.local_date.isoformat() for o in found] == [
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
    ]
    monthly = _sub("monthly", day=31, tz="UTC")
    found = occurrences_between(
        monthly, _utc("2026-01-01T00:00:00"), _utc("2026-05-01T00:00:00"), MONDAY_START
    )
    assert [o.local_date.isoformat() for o in found] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
    ]


def test_occurrence_window_is_half_open() -> None:
    sub = _sub(tz="UTC")
    due = _utc("2026-11-09T09:00:00")
    assert occurrences_between(sub, due, due + dt.timedelta(hours=1), MONDAY_START) == []
    assert len(occurrences_between(sub, due - dt.timedelta(seconds=1), due, MONDAY_START)) == 1


def _occurrence_on(sub, day: str, calendar: Calendar = MONDAY_START):
    local = dt.date.fromisoformat(day)
    after = dt.datetime.combine(local, dt.time(0), tzinfo=UTC)
    found = occurrences_between(sub, after, after + dt.timedelta(days=1), calendar)
    return next(o for o in found if o.local_date == local)


@pytest.mark.parametrize(
    ("cadence", "day", "key", "start", "end"),
    [
        # Every day a workday: each day covers the day before.
        ("daily", "2026-11-09", "daily:2026-11-08", "2026-11-08", "2026-11-08"),
        # Weekly on Monday: the week before (Monday is before the week's last workday).
        ("weekly", "2026-11-16", "weekly:2026-11-09", "2026-11-09", "2026-11-15"),
        # Weekly on Friday, the week's last workday: that very week.
        ("weekly", "2026-11-20", "weekly:2026-11-16", "2026-11-16", "2026-11-22"),
        ("monthly", "2026-11-01", "monthly:2026-10", "2026-10-01", "2026-10-31"),
        ("monthly", "2027-01-15", "monthly:2026-12", "2026-12-01", "2026-12-31"),
    ],
)
def test_period_key_and_covered_period(cadence, day, key, start, end) -> None:
    local = dt.date.fromisoformat(day)
    sub = _sub(
        cadence,
        tz="UTC",
        weekday=local.weekday() if cadence == "weekly" else None,
        day=local.day if cadence == "monthly" else None,
        options={} if cadence == "weekly" else EVERY_DAY,
    )
    occurrence = _occurrence_on(sub, day)
    assert occurrence.key == key
    period = occurrence.period
    assert period == covered_period(sub, local, MONDAY_START)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


def test_monday_daily_covers_friday_and_no_digest_on_weekends_or_holidays() -> None:
    sub = _sub(tz="UTC", options={})  # Monday to Friday
    holiday = Calendar(holidays=frozenset({dt.date(2026, 11, 11)}))  # Wednesday
    found = occurrences_between(
        sub, _utc("2026-11-06T00:00:00"), _utc("2026-11-14T00:00:00"), holiday
    )
    assert [(o.local_date.isoformat(), o.key) for o in found] == [
        ("2026-11-06", "daily:2026-11-05"),
        ("2026-11-09", "daily:2026-11-06"),  # Monday covers Friday
        ("2026-11-10", "daily:2026-11-09"),
        ("2026-11-12", "daily:2026-11-10"),  # no digest on the holiday; it covers no day
        ("2026-11-13", "daily:2026-11-12"),
    ]


def test_workdays_option_mon_to_sat() -> None:
    sub = _sub(tz="UTC", options={"workdays": [0, 1, 2, 3, 4, 5]})
    assert _occurrence_on(sub, "2026-11-14").key == "daily:2026-11-13"  # Saturday posts
    assert _occurrence_on(sub, "2026-11-16").key == "daily:2026-11-14"  # Monday covers Saturday


def test_weekly_covers_its_week_from_the_last_working_day() -> None:
    friday_holiday = Calendar(holidays=frozenset({dt.date(2026, 11, 20)}))
    thursday = _sub("weekly", weekday=3, tz="UTC", options={})
    # Thursday is before Friday, the week's last workday: the week before.
    assert _occurrence_on(thursday, "2026-11-19").key == "weekly:2026-11-09"
    # With Friday a holiday, Thursday is the week's last working day: that week.
    assert _occurrence_on(thursday, "2026-11-19", friday_holiday).key == "weekly:2026-11-16"


def test_weekly_covered_period_follows_sunday_week_start() -> None:
    sunday_start = Calendar(week_start=6)
    monday = _sub("weekly", weekday=0, tz="UTC", options={})
    occurrence = _occurrence_on(monday, "2026-11-16", sunday_start)
    assert (occurrence.period.start, occurrence.period.end) == (
        dt.date(2026, 11, 8),
        dt.date(2026, 11, 14),
    )
    assert occurrence.key == "weekly:2026-11-08"


def test_one_week_one_key_whatever_the_weekday() -> None:
    """Sunday week start: a Sunday, a Monday and a Wednesday digest after 22-28 Nov 2026 all
    cover that week under one key (the ISO week key told Sunday from Monday)."""
    sunday_start = Calendar(week_start=6)
    keys = {
        _occurrence_on(_sub("weekly", weekday=d, tz="UTC", options={}), day, sunday_start).key
        for d, day in ((6, "2026-11-29"), (0, "2026-11-30"), (2, "2026-12-02"))
    }
    assert keys == {"weekly:2026-11-22"}


def test_next_post_says_the_period_through_the_calendar() -> None:
    """What subscriptions, the App Home and previews show: on Saturday, a Monday-to-Friday
    daily digest next posts on Monday covering Friday; with Monday a holiday, on Tuesday."""
    sub = _sub(tz="UTC", options={})
    saturday = _utc("2026-11-07T12:00:00")
    upcoming = next_post(sub, saturday, MONDAY_START)
    assert upcoming is not None
    assert (upcoming.due_at, upcoming.period.label) == (
        _utc("2026-11-09T09:00:00"),
        "Friday 6 Nov 2026",
    )
    holiday = Calendar(holidays=frozenset({dt.date(2026, 11, 9)}))
    shifted = next_post(sub, saturday, holiday)
    assert shifted is not None
    assert (shifted.due_at, shifted.period.label) == (
        _utc("2026-11-10T09:00:00"),
        "Friday 6 Nov 2026",
    )
