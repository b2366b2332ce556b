"""The "no time logged" list names only people the period expects to work: not on days off
(weekends, holidays) and not people away, through the digest's one build path."""

from __future__ import annotations

import datetime as dt
import json

from bot.blocks.digest import digest_messages
from bot.services.cache import NokoCache
from bot.services.calendar import attendance_for
from bot.services.live_reads import LiveReads
from bot.services.periods import day_period, range_period, week_period
from bot.services.team_digest import DigestJob, build_team_digest

SATURDAY = day_period(dt.date(2026, 11, 7))
EVERY_DAY = {"workdays": list(range(7))}


def _reads(noko) -> LiveReads:
    return LiveReads(noko, NokoCache(noko))


def _idle(noko, period, attendance=None) -> list[str]:
    digest = build_team_digest(_reads(noko), DigestJob(1, period, attendance=attendance))
    return [line.name for line in digest.idle]


def test_nobody_is_idle_on_a_day_off(noko, repo) -> None:
    assert _idle(noko, SATURDAY), "the sandbox has people without time on Saturday"
    assert _idle(noko, SATURDAY, attendance_for(repo, {}, SATURDAY)) == []


def test_nobody_is_idle_on_a_holiday(noko, repo) -> None:
    repo.add_holiday(SATURDAY.start, "Open day", created_by="UADMIN")
    assert _idle(noko, SATURDAY, attendance_for(repo, EVERY_DAY, SATURDAY)) == []


def test_people_away_are_left_out_for_periods_overlapping_their_absence(noko, repo) -> None:
    digest = build_team_digest(_reads(noko), DigestJob(1, SATURDAY))
    away, *others = digest.summary.members_without_time
    assert others and away.email
    repo.set_away("UAWAY", away.email.upper(), dt.date(2026, 11, 7), dt.date(2026, 11, 20))
    listed = _idle(noko, SATURDAY, attendance_for(repo, EVERY_DAY, SATURDAY))
    assert away.name not in listed and {m.name for m in others} <= set(listed)
    # A period before the absence still lists them.
    before = range_period(dt.date(2026, 10, 31), dt.date(2026, 10, 31))
    earlier = _idle(noko, before, attendance_for(repo, EVERY_DAY, before))
    plain = _idle(noko, before)
    assert earlier == plain


def test_back_ends_the_absence_from_today(repo) -> None:
    repo.set_away("UAWAY", "a@example.com", dt.date(2026, 11, 2), dt.date(2026, 11, 20))
    assert repo.end_away("UAWAY", dt.date(2026, 11, 10))
    assert repo.absences_between(dt.date(2026, 11, 10), dt.date(2026, 11, 30)) == []
    [(_, _, start, until)] = repo.absences_between(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert (start, until) == (dt.date(2026, 11, 2), dt.date(2026, 11, 9))
    assert not repo.end_away("UAWAY", dt.date(2026, 11, 10))


def test_a_week_of_holidays_says_it_expected_no_work_instead_of_a_raw_drop(noko, repo) -> None:
    week = week_period(dt.date(2026, 11, 2), 0)
    for offset in range(5):
        repo.add_holiday(week.start + dt.timedelta(days=offset), None, created_by="UADMIN")
    job = DigestJob(1, week, attendance=attendance_for(repo, {}, week))
    digest = build_team_digest(_reads(noko), job)
    [change] = [
        b for b in digest_messages(digest)[0].blocks if b.get("block_id") == "noko_digest_change"
    ]
    text = change["elements"][0]["text"]
    assert text.startswith("No working days expected in this period"), text
    assert "%" not in text, f"no percentage against a period that expected work: {text}"


def test_a_member_away_part_of_the_week_has_a_bar_against_their_own_expected_hours(
    noko, repo
) -> None:
    week = week_period(dt.date(2026, 11, 2), 0)  # Mon 2 - Sun 8 Nov: five workdays, 40h
    plain = build_team_digest(_reads(noko), DigestJob(1, week))
    away, other = plain.summary.per_member[0], plain.summary.per_member[1]
    repo.set_away("UAWAY", str(away.email), dt.date(2026, 11, 2), dt.date(2026, 11, 4))
    digest = build_team_digest(
        _reads(noko), DigestJob(1, week, attendance=attendance_for(repo, {}, week))
    )
    text = json.dumps(digest_messages(digest)[0].blocks, ensure_ascii=False)

    assert f"{away.name} — " in text
    line = next(row for row in text.split("\\n") if row.startswith(f"• {away.name} — "))
    assert line.split(" (")[0].endswith(" / 16h"), f"away 3 of 5 days: 2 days expected: {line}"
    line = next(row for row in text.split("\\n") if row.startswith(f"• {other.name} — "))
    assert line.split(" (")[0].endswith(" / 40h"), f"the others keep the week's 40h: {line}"
