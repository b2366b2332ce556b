"""Team summaries from EntryGroups (one per user, project, billable and approved flags)."""

from __future__ import annotations

import datetime as dt

from bot.services.live_reads import group_entries
from bot.services.periods import day_period
from bot.services.reads import EntryGroup, Span
from bot.services.summary import format_hours, summarize

PERIOD = day_period(dt.date(2026, 11, 9))


def _user(uid: int, first: str, last: str = "Doe") -> dict:
    return {
        "id": uid,
        "email": f"{first.lower()}@example.com",
        "first_name": first,
        "last_name": last,
    }


def _raw(user: dict, minutes: int, *, billable=True, approved=True, project=None) -> dict:
    return {
        "date": "2026-11-09",
        "minutes": minutes,
        "billable": billable,
        "approved_at": "2026-11-09T10:00:00Z" if approved else None,
        "user": user,
        "project": project,
    }


def _entry(user: dict, minutes: int, *, billable=True, approved=True, project=None) -> EntryGroup:
    """One entry as the group it makes on its own."""
    return EntryGroup(user, project, billable, approved, minutes, 1)  # type: ignore[arg-type]


ANN, BOB, CEM, DIA = _user(1, "Ann"), _user(2, "Bob"), _user(3, "Cem"), _user(4, "Dia")
WEB = {"id": 10, "name": "Website"}
APP = {"id": 11, "name": "App"}


def test_summarize_totals() -> None:
    entries = [
        _entry(ANN, 120, project=WEB),
        _entry(ANN, 60, billable=False, approved=False, project=APP),
        _entry(BOB, 30, approved=False),
    ]
    summary = summarize(entries, [ANN, BOB], PERIOD)
    assert (summary.total_minutes, summary.billable_minutes) == (210, 150)
    assert summary.entry_count == 3
    assert summary.unapproved_minutes == 90
    assert summary.billable_share == 150 / 210


def test_summarize_members_sorted_by_minutes_then_name() -> None:
    entries = [_entry(BOB, 60), _entry(ANN, 60), _entry(CEM, 90, billable=False)]
    summary = summarize(entries, [ANN, BOB, CEM], PERIOD)
    assert [(m.name, m.minutes, m.billable_minutes) for m in summary.per_member] == [
        ("Cem Doe", 90, 0),
        ("Ann Doe", 60, 60),
        ("Bob Doe", 60, 60),
    ]


def test_summarize_includes_former_members_and_lists_idle_members() -> None:
    summary = summarize([_entry(DIA, 15)], [ANN, BOB], PERIOD)
    assert [m.user_id for m in summary.per_member] == [4]
    assert [m.name for m in summary.members_without_time] == ["Ann Doe", "Bob Doe"]
    assert summary.members_without_time[0].email == "ann@example.com"


def test_summarize_projects_with_no_project_bucket() -> None:
    entries = [_entry(ANN, 30, project=WEB), _entry(ANN, 90), _entry(BOB, 45, project=WEB)]
    summary = summarize(entries, [], PERIOD)
    assert [(p.project_id, p.name, p.minutes) for p in summary.per_project] == [
        (None, "No project", 90),
        (10, "Website", 75),
    ]


def test_summarize_empty_period() -> None:
    summary = summarize(iter([]), [ANN], PERIOD)
    assert (summary.total_minutes, summary.billable_share, summary.entry_count) == (0, 0.0, 0)
    assert [m.user_id for m in summary.members_without_time] == [1]


def test_summarize_consumes_a_generator_once() -> None:
    consumed = []

    def entries():
        for minutes in (10, 20):
            consumed.append(minutes)
            yield _entry(ANN, minutes)

    assert summarize(entries(), [ANN], PERIOD).total_minutes == 30
    assert consumed == [10, 20]


def test_groups_folded_from_entries_sum_like_the_entries() -> None:
    raw = [
        _raw(ANN, 120, project=WEB),
        _raw(ANN, 60, project=WEB),
        _raw(ANN, 60, billable=False, approved=False, project=APP),
        _raw(BOB, 30, approved=False),
        _raw(BOB, 15, approved=False),
        {**_raw(BOB, 999), "date": "2026-11-10"},  # outside the span
        _raw(DIA, 999),  # not asked for
    ]
    groups = group_entries(raw, [1, 2], [Span(PERIOD.start, PERIOD.end)])[0]
    assert len(groups) == 3  # Ann/Website, Ann/App, Bob/no project
    summary = summarize(groups, [ANN, BOB], PERIOD)
    assert (summary.total_minutes, summary.billable_minutes, summary.entry_count) == (285, 225, 5)
    assert summary.unapproved_minutes == 105
    assert [(m.user_id, m.minutes) for m in summary.per_member] == [(1, 240), (2, 45)]


def test_format_hours() -> None:
    assert [format_hours(m) for m in (0, 45, 60, 450, 61 * 60, -90, 100_000 * 60)] == [
        "0h",
        "45m",
        "1h",
        "7h 30m",
        "61h",
        "-1h 30m",
        "100,000h",
    ]
