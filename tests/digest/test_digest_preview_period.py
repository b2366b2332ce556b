"""The App Home preview shows the period the clock will post next, not another one.

It used to read its own table ("last-week" from today) while the clock used
``covered_period`` of the post date: on a Sunday, a weekly Monday digest previewed the week
before last, though the preview said "The channel gets this at the next scheduled time"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.services.fetch import fetch_week_start
from bot.services.schedule import covered_period
from bot.services.subscriptions import subscription_digest
from bot.storage import open_repository


def _repo(tmp_path: Path, created: dt.datetime):
    return open_repository(f"sqlite:///{tmp_path / 'bot.db'}", clock=lambda: created)


def test_weekly_preview_on_sunday_is_the_week_monday_will_post(tmp_path, noko) -> None:
    sunday = dt.datetime(2026, 11, 8, 12, 0, tzinfo=dt.UTC)
    repo = _repo(tmp_path, sunday - dt.timedelta(days=30))
    sub = repo.create_subscription(
        team_id=1, team_name="Engineering", channel_id="C1", cadence="weekly", weekday=0,
        local_time="09:00", timezone="UTC", created_by="U1",
    )  # fmt: skip

    digest = subscription_digest(noko, repo, sub.id, sunday)

    monday = dt.date(2026, 11, 9)  # the next post
    assert digest.period == covered_period("weekly", monday, fetch_week_start(noko))
    assert digest.period.start <= dt.date(2026, 11, 2) <= digest.period.end  # not Oct 26's week
    repo.close()


def test_daily_preview_covers_the_day_before_the_next_post(tmp_path, noko) -> None:
    evening = dt.datetime(2026, 11, 8, 20, 0, tzinfo=dt.UTC)  # after today's 09:00 post
    repo = _repo(tmp_path, evening - dt.timedelta(days=30))
    sub = repo.create_subscription(
        team_id=1, team_name="Engineering", channel_id="C1", cadence="daily",
        local_time="09:00", timezone="UTC", created_by="U1",
    )  # fmt: skip

    digest = subscription_digest(noko, repo, sub.id, evening)

    # The next post is tomorrow, 9 November, and covers 8 November (yesterday's preview said 7).
    assert (digest.period.start, digest.period.end) == (dt.date(2026, 11, 8), dt.date(2026, 11, 8))
    repo.close()
