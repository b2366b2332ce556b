"""Period parsing, labels and previous periods."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services.periods import (
    PeriodError,
    parse_period,
    previous_period,
    week_start_from_noko,
)

D = "\u2013"  # en dash
TODAY = dt.date(2026, 11, 11)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("today", "2026-11-11", "2026-11-11", "Wednesday 11 Nov 2026"),
        ("yesterday", "2026-11-10", "2026-11-10", "Tuesday 10 Nov 2026"),
        (None, "2026-11-09", "2026-11-15", "Week of 9 Nov 2026"),
        ("this-week", "2026-11-09", "2026-11-15", "Week of 9 Nov 2026"),
        ("last-week", "2026-11-02", "2026-11-08", "Week of 2 Nov 2026"),
        ("this-month", "2026-11-01", "2026-11-30", "November 2026"),
        ("last-month", "2026-10-01", "2026-10-31", "October 2026"),
        ("2026-11-01..2026-11-15", "2026-11-01", "2026-11-15", f"1{D}15 Nov 2026"),
        ("2026-10-28..2026-11-03", "2026-10-28", "2026-11-03", f"28 Oct {D} 3 Nov 2026"),
        ("2025-12-28..2026-01-03", "2025-12-28", "2026-01-03", f"28 Dec 2025 {D} 3 Jan 2026"),
    ],
)
def test_parse_period_accepts_documented_forms(text, start, end, label) -> None:
    period = parse_period(text, today=TODAY, week_start=0)
    assert (period.start.isoformat(), period.end.isoformat(), period.label) == (start, end, label)


def test_parse_period_sunday_weeks() -> None:
    period = parse_period("this-week", today=TODAY, week_start=6)
    assert (period.start, period.end) == (dt.date(2026, 11, 8), dt.date(2026, 11, 14))


def test_parse_period_last_month_in_january() -> None:
    period = parse_period("last-month", today=dt.date(2027, 1, 5), week_start=0)
    assert (period.start, period.end) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2026-11-15..2026-11-01", "ends before it starts"),
        ("2026-02-30..2026-03-01", "not a valid date"),
        ("2025-01-01..2026-01-02", "longer than 366 days"),
        ("fortnight", "couldn't read “fortnight” as a period"),
        ("last wek", "couldn't read “last wek” as a period"),
        ("last 400 days", "not 1 to 366 days"),
        ("2026-13", "couldn't read “2026-13”"),
        ("0001-01", "starts too early"),
    ],
)
def test_parse_period_errors_name_the_problem(text, fragment) -> None:
    with pytest.raises(PeriodError, match=fragment) as info:
        parse_period(text, today=TODAY, week_start=0)
    assert "\n" not in str(info.value)
    assert any(hint in str(info.value) for hint in ("last week", "366", "earliest"))


def test_parse_period_accepts_exactly_366_days() -> None:
    period = parse_period("2024-01-01..2024-12-31", today=TODAY, week_start=0)
    assert period.days == 366


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("today", "2026-11-10", "2026-11-10"),
        ("this-week", "2026-11-02", "2026-11-08"),
        ("this-month", "2026-10-01", "2026-10-31"),
        ("2026-11-01..2026-11-15", "2026-10-17", "2026-10-31"),
    ],
)
def test_previous_period_same_kind_and_length(text, start, end) -> None:
    current = parse_period(text, today=TODAY, week_start=0)
    before = previous_period(current)
    assert (before.start.isoformat(), before.end.isoformat()) == (start, end)
    assert before.kind == current.kind


def test_previous_period_of_sunday_week_keeps_sunday_start() -> None:
    week = parse_period("this-week", today=TODAY, week_start=6)
    assert previous_period(week).start == dt.date(2026, 11, 1)


@pytest.mark.parametrize(("value", "expected"), [("monday", 0), ("Sunday", 6), ("", 0), (None, 0)])
def test_week_start_from_noko(value, expected) -> None:
    assert week_start_from_noko(value) == expected


# Sunday 29 November 2026; weeks start on Monday.
PHRASES = [
    ("last week", "2026-11-16", "2026-11-22"),
    ("Last  Week", "2026-11-16", "2026-11-22"),
    ("this month", "2026-11-01", "2026-11-30"),
    ("last 7 days", "2026-11-23", "2026-11-29"),
    ("past 1 day", "2026-11-29", "2026-11-29"),
    ("since monday", "2026-11-23", "2026-11-29"),
    ("since sunday", "2026-11-29", "2026-11-29"),
    ("november", "2026-11-01", "2026-11-30"),
    ("dec", "2025-12-01", "2025-12-31"),  # the latest December that has begun
    ("2026-11", "2026-11-01", "2026-11-30"),
    ("Q3", "2026-07-01", "2026-09-30"),
    ("q4 2025", "2025-10-01", "2025-12-31"),
    ("2026-Q1", "2026-01-01", "2026-03-31"),
]


@pytest.mark.parametrize(("text", "start", "end"), PHRASES)
def test_parse_period_reads_the_words_people_use(text: str, start: str, end: str) -> None:
    period = parse_period(text, today=dt.date(2026, 11, 29), week_start=0)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)
