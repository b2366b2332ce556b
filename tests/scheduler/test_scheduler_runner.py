"""The scheduler tick against real databases, the Noko sandbox and FakeSlack."""

from __future__ import annotations

import datetime as dt

from sched_helpers import at, daily, posts, tick_together

from bot.storage import open_repository


def test_tick_posts_a_due_digest_once(repo, clock, slack, make_runner) -> None:
    sub = daily(repo)
    runner = make_runner()
    clock.set(at("2026-11-09T08:00:20"))  # 09:00:20 in Berlin
    report = runner.tick()
    runner.tick()
    assert report.posted == [sub.id]
    [call] = posts(slack)
    assert call.args["channel"] == "C1"
    assert "Engineering · Sunday 8 Nov 2026" in call.args["text"]
    assert call.args["metadata"]["event_payload"]["period_key"] == "daily:2026-11-08"
    [run] = repo.runs_for(sub.id)
    assert (run.state, run.late, run.period_key) == ("posted", False, "daily:2026-11-08")
    assert run.slack_ts


def test_tick_before_due_time_posts_nothing(repo, clock, slack, make_runner) -> None:
    daily(repo)
    clock.set(at("2026-11-09T07:59:59"))
    make_runner().tick()
    assert posts(slack) == []


def test_weekly_digest_covers_previous_week_from_noko_week_start(
    repo, clock, slack, make_runner, sandbox
) -> None:
    daily(repo, cadence="weekly", weekday=0)
    clock.set(at("2026-11-09T08:01:00"))
    make_runner().tick()
    [call] = posts(slack)
    assert "Week of 2 Nov 2026" in call.args["text"]
    assert any(r.path == "/v2/current_user" for r in sandbox.requests)


def test_paused_subscription_is_skipped_until_resumed(repo, clock, slack, make_runner) -> None:
    sub = daily(repo)
    repo.set_paused(sub.id, True)
    runner = make_runner()
    clock.set(at("2026-11-09T08:00:30"))
    runner.tick()
    assert posts(slack) == []
    repo.set_paused(sub.id, False)
    runner.tick()
    assert len(posts(slack)) == 1


def test_new_subscription_does_not_backfill(repo, clock, slack, make_runner) -> None:
    clock.set(at("2026-11-09T08:30:00"))  # created 30 minutes after today's 09:00 (Berlin)
    sub = daily(repo)
    make_runner().tick()
    assert posts(slack) == [] and repo.runs_for(sub.id) == []


def test_edit_takes_effect_at_next_due_time_without_restart(
    repo, clock, slack, make_runner
) -> None:
    sub = daily(repo)
    runner = make_runner()
    clock.set(at("2026-11-09T08:00:30"))
    runner.tick()
    repo.update_subscription(sub.id, local_time="07:00", channel_id="C2")
    clock.set(at("2026-11-10T06:00:30"))  # 07:00:30 Berlin, the edited time
    runner.tick()
    assert [c.args["channel"] for c in posts(slack)] == ["C1", "C2"]
    assert repo.runs_for(sub.id)[0].period_key == "daily:2026-11-09"


def test_restart_after_three_missed_periods_posts_newest_late(
    repo, clock, slack, make_runner
) -> None:
    clock.set(at("2026-11-05T12:00:00"))
    sub = daily(repo)
    clock.set(at("2026-11-09T10:00:00"))  # down since the 5th; 09:00 Berlin was 2 h ago
    report = make_runner(catch_up_hours=6).tick()
    [call] = posts(slack)
    assert "(late)" in call.args["text"]
    states = {r.period_key: (r.state, r.late) for r in repo.runs_for(sub.id)}
    assert states == {
        "daily:2026-11-05": ("missed", False),
        "daily:2026-11-06": ("missed", False),
        "daily:2026-11-07": ("missed", False),
        "daily:2026-11-08": ("posted", True),
    }
    assert report.missed == [sub.id] * 3


def test_restart_outside_catch_up_window_posts_nothing(repo, clock, slack, make_runner) -> None:
    clock.set(at("2026-11-05T12:00:00"))
    sub = daily(repo)
    clock.set(at("2026-11-09T15:00:01"))  # 7 h after 09:00 Berlin, window is 6 h
    make_runner(catch_up_hours=6).tick()
    assert posts(slack) == []
    assert {r.state for r in repo.runs_for(sub.id)} == {"missed"}
    assert len(repo.runs_for(sub.id)) == 4


def test_claim_race_between_runners_posts_once(
    database_url, repo, clock, slack, make_runner
) -> None:
    daily(repo)
    clock.set(at("2026-11-09T08:00:30"))
    repos = [open_repository(database_url, migrate=False, clock=clock.now) for _ in range(6)]
    # The advisory lock would let one runner through; switch it off so the row must decide.
    runners = [make_runner(repository=r, single_active=False) for r in repos]
    tick_together(runners)
    for r in repos:
        r.close()
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_slack_429_then_200_posts_once_after_the_wait(
    repo, clock, slack, make_runner, poster_sleeps
) -> None:
    sub = daily(repo)
    slack.inject("chat.postMessage", status=429, retry_after=1)
    clock.set(at("2026-11-09T08:00:30"))
    make_runner().tick()
    first, second = slack.calls_to("chat.postMessage")
    assert (first.status, second.status) == (429, 200)
    assert poster_sleeps == [1.0]  # Slack's Retry-After, waited before the second post
    assert repo.runs_for(sub.id)[0].state == "posted"


def test_slack_500_is_never_retried(repo, clock, slack, make_runner) -> None:
    sub = daily(repo)
    slack.inject("chat.postMessage", status=500)
    runner = make_runner()
    clock.set(at("2026-11-09T08:00:30"))
    runner.tick()
    clock.advance(minutes=5)
    runner.tick()
    assert len(slack.calls_to("chat.postMessage")) == 1
    [run] = repo.runs_for(sub.id)
    assert run.state == "unknown" and "500" in (run.error or "")


def test_slack_timeout_is_never_retried(repo, clock, slack, make_runner) -> None:
    sub = daily(repo)
    slack.inject("chat.postMessage", stall=1.5)  # longer than the client's timeout
    runner = make_runner(timeout=1)
    clock.set(at("2026-11-09T08:00:30"))
    runner.tick()
    [run] = repo.runs_for(sub.id)
    assert run.state == "unknown"
    slack.wait_for("chat.postMessage", 1)  # the stalled post did go through
    clock.advance(minutes=5)
    runner.tick()  # not posted again: found in the channel's history instead
    [run] = repo.runs_for(sub.id)
    assert run.state == "posted"
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_slack_refusal_is_recorded_failed(repo, clock, slack, make_runner) -> None:
    sub = daily(repo)
    slack.inject("chat.postMessage", error="not_in_channel")
    clock.set(at("2026-11-09T08:00:30"))
    make_runner().tick()
    [run] = repo.runs_for(sub.id)
    assert run.state == "failed" and "not_in_channel" in (run.error or "")


def test_unknown_team_fails_only_its_subscription(repo, clock, slack, make_runner) -> None:
    gone = daily(repo, team_id=999, team_name="Gone")
    fine = daily(repo, channel_id="C2")
    clock.set(at("2026-11-09T08:00:30"))
    report = make_runner().tick()
    assert report.failed == [gone.id] and report.posted == [fine.id]
    assert repo.runs_for(gone.id)[0].state == "failed"


def test_stale_claim_becomes_unknown_and_is_never_posted(repo, clock, slack, make_runner) -> None:
    sub = daily(repo)
    clock.set(at("2026-11-09T08:00:30"))
    crashed = repo.claim_run(sub.id, "daily:2026-11-08", late=False)
    runner = make_runner()
    runner.tick()
    assert repo.get_run(crashed.id).state == "claimed"  # young: maybe still posting elsewhere
    clock.advance(minutes=11)
    report = runner.tick()
    assert report.stale == [crashed.id]
    assert repo.get_run(crashed.id).state == "unknown"
    assert posts(slack) == []


def test_stop_event_prevents_new_claims(repo, clock, slack, make_runner) -> None:
    daily(repo)
    runner = make_runner()
    runner.stop.set()
    clock.set(at("2026-11-09T08:00:30"))
    runner.tick()
    assert posts(slack) == []


def test_shared_fetch_for_ten_subscriptions(repo, clock, slack, make_runner, sandbox) -> None:
    for i in range(10):
        daily(repo, team_id=1 + i % 6, channel_id=f"C{i}", cadence="weekly", weekday=0)
    clock.set(at("2026-11-09T08:00:30"))
    sandbox.clear_requests()
    report = make_runner().tick()
    assert len(report.posted) == 10
    paths = [r.path for r in sandbox.requests]
    assert paths.count("/v2/entries") == 1
    assert paths.count("/v2/current_user") == 1
    assert paths.count("/v2/users") == 1  # the owner's Noko level, read once for all ten
    # week start, the users (owner's level), each distinct team once, one entries query
    assert len(paths) == 1 + 1 + 6 + 1


def test_team_too_large_for_one_message_continues_in_thread(
    database_url, clock, slack, make_runner
) -> None:
    from noko_core import NokoClient
    from noko_core.sandbox import Sandbox
    from noko_core.sandbox.demo import build_dataset

    repo = open_repository(database_url, clock=clock.now)
    # 400 members, one entry a day for two weeks: more lines than one message holds.
    dataset = build_dataset(
        today=dt.date(2026, 11, 9), big_team_size=400, entries_per_member_day=1, weeks=2
    )
    with Sandbox(rate_limit=False, dataset=dataset) as sb:
        noko = NokoClient(sb.token, base_url=sb.base_url, requests_per_second=None)
        daily(repo, cadence="weekly", weekday=0)
        clock.set(at("2026-11-09T08:00:30"))
        make_runner(repository=repo, noko=noko).tick()
    calls = posts(slack)
    repo.close()
    assert len(calls) >= 2
    main, replies = calls[0], calls[1:]
    assert "thread_ts" not in main.args or not main.args["thread_ts"]
    assert {c.args["thread_ts"] for c in replies} and all(c.args.get("thread_ts") for c in replies)


def test_noko_failure_holds_back_only_the_digests_that_need_it(
    repo, clock, slack, make_runner, sandbox
) -> None:
    """Without Noko's week start a weekly period (and its key) can't be told: the weekly digest
    waits, unclaimed, and goes out at the next tick once Noko answers; the daily one posts."""
    weekly = daily(repo, cadence="weekly", weekday=0)
    every_day = daily(repo, channel_id="C2")
    sandbox.inject("status", status=403, path="/current_user")
    clock.set(at("2026-11-09T08:00:30"))
    runner = make_runner()
    try:
        report = runner.tick()
    finally:
        sandbox.clear_faults()
    assert report.failed == [] and report.posted == [every_day.id]
    assert repo.runs_for(weekly.id) == []
    clock.set(at("2026-11-09T08:01:30"))
    assert runner.tick().posted == [weekly.id]
