"""Occurrences, DST handling and period keys."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.services.schedule import (
    covered_period,
    occurrences_between,
    period_key,
    resolve_local,
)
from bot.storage import Subscription

UTC = dt.UTC
EPOCH = dt.datetime(2020, 1, 1, tzinfo=UTC)


def _sub(cadence="daily", *, at="09:00", tz="Europe/Berlin", weekday=None, day=None):
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
    found = occurrences_between(sub, after, until)
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
        seen += occurrences_between(sub, after, after + dt.timedelta(minutes=10))
    assert [o.key for o in seen] == ["daily:2026-10-31"]


def test_weekly_and_monthly_occurrences() -> None:
    weekly = _sub("weekly", weekday=0, tz="UTC")
    found = occurrences_between(weekly, _utc("2026-11-01T00:00:00"), _utc("2026-11-30T00:00:00"))
    assert [o.local_date.isoformat() for o in found] == [
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
    ]
    monthly = _sub("monthly", day=31, tz="UTC")
    found = occurrences_between(monthly, _utc("2026-01-01T00:00:00"), _utc("2026-05-01T00:00:00"))
    assert [o.local_date.isoformat() for o in found] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
    ]


def test_occurrence_window_is_half_open() -> None:
    sub = _sub(tz="UTC")
    due = _utc("2026-11-09T09:00:00")
    assert occurrences_between(sub, due, due + dt.timedelta(hours=1)) == []
    assert len(occurrences_between(sub, due - dt.timedelta(seconds=1), due)) == 1


@pytest.mark.parametrize(
    ("cadence", "day", "key", "start", "end"),
    [
        ("daily", "2026-11-09", "daily:2026-11-08", "2026-11-08", "2026-11-08"),
        ("weekly", "2026-11-16", "weekly:2026-W46", "2026-11-09", "2026-11-15"),
        ("weekly", "2026-11-20", "weekly:2026-W46", "2026-11-09", "2026-11-15"),
        ("monthly", "2026-11-01", "monthly:2026-10", "2026-10-01", "2026-10-31"),
        ("monthly", "2027-01-15", "monthly:2026-12", "2026-12-01", "2026-12-31"),
    ],
)
def test_period_key_and_covered_period(cadence, day, key, start, end) -> None:
    local = dt.date.fromisoformat(day)
    assert period_key(cadence, local) == key
    period = covered_period(cadence, local, week_start=0)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


def test_weekly_covered_period_follows_sunday_week_start() -> None:
    period = covered_period("weekly", dt.date(2026, 11, 16), week_start=6)
    assert (period.start, period.end) == (dt.date(2026, 11, 8), dt.date(2026, 11, 14))
    assert period_key("weekly", dt.date(2026, 11, 16)) == "weekly:2026-W46"
