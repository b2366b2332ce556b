"""The working calendar as the clock follows it: workdays, holidays, people away, and one key
per period whatever the weekday (Noko's week start on Sunday included)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sched_helpers import at, daily, posts

from bot.devtools.fake_slack import FakeSlack
from bot.services.cache import NokoCache
from bot.services.live_reads import LiveReads
from bot.services.periods import week_period
from bot.services.team_digest import DigestJob, build_team_digest

MONDAY_TO_FRIDAY: dict[str, object] = {}  # the default


def _headers(slack: FakeSlack) -> list[str]:
    return [c.args["blocks"][0]["text"]["text"] for c in posts(slack) if c.args.get("blocks")]


def _idle_text(slack: FakeSlack) -> str:
    return json.dumps([c.args.get("blocks") for c in posts(slack)])


@pytest.fixture
def sunday_weeks(sandbox):
    sandbox.store.settings.week_start = "sunday"
    yield
    sandbox.store.settings.week_start = "monday"


def test_monday_daily_covers_friday(repo, clock, slack, make_runner) -> None:
    clock.set(at("2026-11-06T07:00:00"))  # Friday
    sub = daily(repo, options=MONDAY_TO_FRIDAY)
    runner = make_runner()
    for moment in ("2026-11-07T08:00:30", "2026-11-08T08:00:30"):  # Saturday, Sunday
        clock.set(at(moment))
        assert runner.tick().posted == []
    clock.set(at("2026-11-09T08:00:30"))  # Monday 09:00:30 in Berlin
    assert runner.tick().posted == [sub.id]
    assert _headers(slack) == ["Engineering · Friday 6 Nov 2026"]
    posted = [r.period_key for r in repo.runs_for(sub.id) if r.state == "posted"]
    assert posted == ["daily:2026-11-06"]


def test_no_digest_on_a_holiday_and_the_next_covers_the_last_working_day(
    repo, clock, slack, make_runner
) -> None:
    clock.set(at("2026-11-06T07:00:00"))
    sub = daily(repo, options=MONDAY_TO_FRIDAY)
    repo.add_holiday(at("2026-11-09T00:00:00").date(), "Founders' day", created_by="UADMIN")
    runner = make_runner()
    clock.set(at("2026-11-09T08:00:30"))  # the holiday
    assert runner.tick().posted == [] and posts(slack) == []
    clock.set(at("2026-11-10T08:00:30"))  # Tuesday: covers Friday, skipping the holiday
    assert runner.tick().posted == [sub.id]
    assert _headers(slack) == ["Engineering · Friday 6 Nov 2026"]


def test_workdays_mon_to_sat_post_on_saturday(repo, clock, slack, make_runner) -> None:
    clock.set(at("2026-11-06T07:00:00"))
    daily(repo, options={"workdays": [0, 1, 2, 3, 4, 5]})
    clock.set(at("2026-11-07T08:00:30"))  # Saturday
    make_runner().tick()
    assert _headers(slack) == ["Engineering · Friday 6 Nov 2026"]


def test_friday_weekly_covers_that_week(repo, clock, slack, make_runner) -> None:
    clock.set(at("2026-11-09T07:00:00"))
    daily(repo, cadence="weekly", weekday=4, options=MONDAY_TO_FRIDAY)
    clock.set(at("2026-11-13T08:00:30"))  # Friday 13 Nov, 09:00:30 in Berlin
    make_runner().tick()
    assert _headers(slack) == ["Engineering · Week of 9 Nov 2026"]


def test_sunday_week_start_weekday_edited_both_ways_no_duplicate_no_gap(
    repo, clock, slack, make_runner, sunday_weeks
) -> None:
    """The bug: Sunday→Monday posted "Week of 22 Nov" twice, and back skipped a week."""
    clock.set(at("2026-11-27T07:00:00"))
    sub = daily(repo, cadence="weekly", weekday=6, options=MONDAY_TO_FRIDAY)
    runner = make_runner()
    clock.set(at("2026-11-29T08:00:30"))  # Sunday 29 Nov
    assert runner.tick().posted == [sub.id]
    repo.update_subscription(sub.id, weekday=0)  # to Monday
    clock.set(at("2026-11-30T08:00:30"))  # Monday 30 Nov: the same week, already posted
    assert runner.tick().posted == []
    repo.update_subscription(sub.id, weekday=6)  # back to Sunday
    clock.set(at("2026-12-06T08:00:30"))  # Sunday 6 Dec: the next week, not skipped
    assert runner.tick().posted == [sub.id]
    repo.update_subscription(sub.id, weekday=0)
    clock.set(at("2026-12-14T08:00:30"))  # Monday 14 Dec
    assert runner.tick().posted == [sub.id]
    assert _headers(slack) == [
        "Engineering · Week of 22 Nov 2026",
        "Engineering · Week of 29 Nov 2026",
        "Engineering · Week of 6 Dec 2026",
    ]
    keys = sorted(r.period_key for r in repo.runs_for(sub.id) if r.state == "posted")
    assert keys == ["weekly:2026-11-22", "weekly:2026-11-29", "weekly:2026-12-06"]


def test_a_week_posted_under_an_old_iso_key_is_not_posted_again(
    repo, clock, slack, make_runner, sunday_weeks
) -> None:
    """Before the upgrade, Sunday 29 Nov posted the week of 22 Nov as weekly:2026-W47 (the ISO
    week of 22 Nov). Moved to Monday after the upgrade, that week is still done."""
    clock.set(at("2026-11-27T07:00:00"))
    sub = daily(repo, cadence="weekly", weekday=6, options=MONDAY_TO_FRIDAY)
    clock.set(at("2026-11-29T08:00:05"))
    old = repo.claim_run(sub.id, "weekly:2026-W47", late=False, due_at=at("2026-11-29T08:00:00"))
    assert old is not None
    repo.mark_posted(old.id, "1.0")
    runner = make_runner()
    clock.set(at("2026-11-29T08:00:30"))  # the same occurrence, seen by the new rule
    assert runner.tick().posted == []
    repo.update_subscription(sub.id, weekday=0)
    clock.set(at("2026-11-30T08:00:30"))
    assert runner.tick().posted == []
    clock.set(at("2026-12-07T08:00:30"))
    assert runner.tick().posted == [sub.id]
    assert _headers(slack) == ["Engineering · Week of 29 Nov 2026"]


def test_a_holiday_taken_back_makes_that_day_a_posting_day_again(
    repo, clock, slack, make_runner, noko
) -> None:
    """Next-due times are computed with the holidays: changing them must wake the clock."""
    from bot.services.cache import NokoCache
    from bot.services.calendar import remove_holiday
    from bot.services.changes import ChangeContext
    from bot.services.live_reads import LiveReads
    from bot.slack.directory import SlackDirectory
    from bot.slack.posting import slack_client

    clock.set(at("2026-11-06T07:00:00"))  # Friday
    sub = daily(repo, options=MONDAY_TO_FRIDAY)
    monday = at("2026-11-09T00:00:00").date()
    repo.add_holiday(monday, "Founders' day", created_by="U1")
    runner = make_runner()
    clock.set(at("2026-11-06T08:00:30"))
    assert runner.tick().posted == [sub.id]  # Friday's post; next due skips the holiday
    directory = SlackDirectory(slack_client("xoxb-test", slack.api_url))
    cache = NokoCache(noko)
    context = ChangeContext(noko, repo, cache, LiveReads(noko, cache), directory, "U1")
    remove_holiday(context, monday)
    clock.set(at("2026-11-09T08:00:30"))  # Monday is a working day again
    assert runner.tick().posted == [sub.id]
    assert _headers(slack)[-1] == "Engineering · Friday 6 Nov 2026"


def test_a_weekly_post_on_a_holiday_goes_out_the_next_working_day_at_the_same_time(
    repo, clock, slack, make_runner
) -> None:
    clock.set(at("2026-11-20T07:00:00"))
    sub = daily(repo, cadence="weekly", weekday=3, options=MONDAY_TO_FRIDAY)  # Thursdays
    repo.add_holiday(at("2026-11-26T00:00:00").date(), "Thanksgiving", created_by="UADMIN")
    runner = make_runner()
    clock.set(at("2026-11-26T08:00:30"))  # Thursday 26 Nov, 09:00:30 in Berlin: the holiday
    assert runner.tick().posted == [], "nothing is posted on the holiday"
    clock.set(at("2026-11-27T07:59:30"))  # Friday, before 09:00 in Berlin
    assert runner.tick().posted == []
    clock.set(at("2026-11-27T08:00:30"))  # Friday 09:00:30: the moved post, on time
    assert runner.tick().posted == [sub.id]
    clock.set(at("2026-12-03T08:00:30"))  # the next Thursday: the next week, none skipped
    assert runner.tick().posted == [sub.id]
    assert _headers(slack) == [
        "Engineering · Week of 16 Nov 2026",
        "Engineering · Week of 23 Nov 2026",
    ], "the moved post covers what Thursday would have, and the next one the week after"
    runs = {r.period_key: r for r in repo.runs_for(sub.id)}
    assert runs["weekly:2026-11-16"].due_at == at("2026-11-27T08:00:00")
    assert not runs["weekly:2026-11-16"].late


def test_a_monthly_post_on_a_holiday_moves_over_the_weekend_too(
    repo, clock, slack, make_runner
) -> None:
    clock.set(at("2026-12-20T07:00:00"))
    sub = daily(repo, cadence="monthly", day_of_month=25, options=MONDAY_TO_FRIDAY)
    repo.add_holiday(at("2026-12-25T00:00:00").date(), "Christmas Day", created_by="UADMIN")
    runner = make_runner()
    for moment in ("2026-12-25T08:00:30", "2026-12-26T08:00:30", "2026-12-27T08:00:30"):
        clock.set(at(moment))  # the holiday, Saturday, Sunday
        assert runner.tick().posted == [], moment
    clock.set(at("2026-12-28T08:00:30"))  # Monday
    assert runner.tick().posted == [sub.id]
    assert _headers(slack) == ["Engineering · November 2026"]


def _change_and_days_off(slack: FakeSlack) -> tuple[str, str]:
    [call] = posts(slack)
    texts = {b.get("block_id"): json.dumps(b, ensure_ascii=False) for b in call.args["blocks"]}
    return texts.get("noko_digest_change", ""), texts.get("noko_digest_calendar", "")


def test_a_week_with_holidays_and_someone_away_says_so_and_compares_per_expected_hour(
    repo, clock, slack, make_runner, noko
) -> None:
    week = week_period(at("2026-11-02T00:00:00").date(), 0)  # Mon 2 - Sun 8 Nov
    plain = build_team_digest(LiveReads(noko, NokoCache(noko)), DigestJob(1, week))
    assert plain.change is not None and plain.change.previous_minutes > 0
    members = len(plain.members) + len(plain.idle)
    away = plain.summary.per_member[0]
    clock.set(at("2026-11-06T07:00:00"))
    daily(repo, cadence="weekly", weekday=0, options=MONDAY_TO_FRIDAY)
    for day in ("2026-11-05", "2026-11-06"):
        repo.add_holiday(at(f"{day}T00:00:00").date(), None, created_by="UADMIN")
    repo.set_away("UAWAY", str(away.email), week.start, week.start + dt.timedelta(days=1))
    clock.set(at("2026-11-09T08:00:30"))  # Monday: the week of 2 Nov
    make_runner().tick()

    change, days_off = _change_and_days_off(slack)
    assert "5\u20136 Nov: holidays" in days_off, days_off
    assert f"{away.name} away (2 working days)" in days_off, days_off
    now_days, before_days = members * 3 - 2, members * 5
    rate = (plain.summary.total_minutes / now_days) / (plain.change.previous_minutes / before_days)
    percent = round((rate - 1) * 100)
    sign = "+" if percent > 0 else ""
    assert f"{sign}{percent}% per expected hour vs the previous period" in change, change
    assert "in 3 working days (2 person-days away), against " in change, change
    raw = f"({plain.change.percent:+.0f}%)"
    assert raw not in change, f"no raw change over unlike periods: {change}"
