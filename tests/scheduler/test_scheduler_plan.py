"""The catch-up rule, as a pure function of subscriptions, taken keys and now."""

from __future__ import annotations

import datetime as dt

from bot.scheduler.plan import CatchUpPolicy, plan_tick
from bot.services.calendar import Calendar
from bot.storage import Subscription

CREATED = dt.datetime(2026, 11, 1, 0, 0, tzinfo=dt.UTC)
DUE = dt.datetime(2026, 11, 9, 9, 0, tzinfo=dt.UTC)
SUB = Subscription(
    id=1,
    team_id=1,
    team_name="T",
    channel_id="C1",
    cadence="daily",
    weekday=None,
    day_of_month=None,
    local_time="09:00",
    timezone="UTC",
    created_by="U1",
    paused=False,
    created_at=CREATED,
    updated_at=CREATED,
    options={"workdays": list(range(7))},
)
CALENDAR = Calendar()
# Every period before today is done: 31 Oct (posted on 1 Nov) to 7 Nov.
TAKEN = {1: {f"daily:{dt.date(2026, 10, 31) + dt.timedelta(days=d)}" for d in range(8)}}


def test_zero_catch_up_still_posts_on_time() -> None:
    policy = CatchUpPolicy.from_settings(0, 30)
    plan = plan_tick([SUB], DUE + dt.timedelta(seconds=45), TAKEN, policy, CALENDAR)
    assert [(i.occurrence.key, i.late) for i in plan.post] == [("daily:2026-11-08", False)]


def test_zero_catch_up_misses_after_the_grace() -> None:
    policy = CatchUpPolicy.from_settings(0, 30)
    plan = plan_tick([SUB], DUE + policy.grace + dt.timedelta(seconds=1), TAKEN, policy, CALENDAR)
    assert plan.post == []
    assert [i.occurrence.key for i in plan.missed] == ["daily:2026-11-08"]


def test_late_flag_between_grace_and_window() -> None:
    policy = CatchUpPolicy.from_settings(6, 30)
    plan = plan_tick([SUB], DUE + dt.timedelta(hours=5, minutes=59), TAKEN, policy, CALENDAR)
    assert [i.late for i in plan.post] == [True]


def test_taken_keys_are_not_planned_again() -> None:
    policy = CatchUpPolicy.from_settings(6, 30)
    taken = {1: TAKEN[1] | {"daily:2026-11-08"}}
    plan = plan_tick([SUB], DUE + dt.timedelta(minutes=1), taken, policy, CALENDAR)
    assert plan.post == [] and plan.missed == []
