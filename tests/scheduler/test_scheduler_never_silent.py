"""Never silent on the clock: a passing Noko failure is retried, and a run that may or may not
have posted is resolved from the channel's history (message metadata), posted at most once."""

from __future__ import annotations

import datetime as dt

import pytest
from sched_helpers import at, daily

from bot.devtools.fake_slack import FakeSlack
from bot.services.noko import NOKO_MAX_RETRIES
from bot.storage import open_repository
from noko_core import NokoClient


@pytest.fixture
def prod_noko(sandbox):
    """A client retrying like the bot's own (bot.services.noko), without waiting long."""
    with NokoClient(
        sandbox.token,
        base_url=sandbox.base_url,
        requests_per_second=None,
        max_retries=NOKO_MAX_RETRIES,
        backoff_base=0.0,
    ) as client:
        yield client


def _posted(slack: FakeSlack, channel: str = "C1") -> list[dict]:
    """Messages Slack accepted in ``channel`` (a refused or faulted call posted nothing)."""
    return [m for m in slack.messages if m["channel"] == channel and not m["thread_ts"]]


def test_noko_503_at_the_due_time_posts_once_after_recovery(
    repo, clock, slack, make_runner, sandbox, prod_noko
) -> None:
    sub = daily(repo)
    runner = make_runner(noko=prod_noko)
    clock.set(at("2026-11-08T12:00:00"))
    runner.tick()  # the owner's level and the week start are read before the due time
    sandbox.inject("status", status=503, count=6, path="/v2/entries")
    clock.set(at("2026-11-09T08:00:20"))
    report = runner.tick()
    assert _posted(slack) == [] and report.failed == []
    [run] = repo.runs_for(sub.id)
    assert run.state == "retry" and run.retry_at and run.attempts == 1
    for _ in range(6):  # Noko answers again: the next tick after retry_at posts it, once
        clock.advance(minutes=1)
        runner.tick()
    [message] = _posted(slack)
    assert "Sunday 8 Nov 2026" in message["text"]
    [run] = repo.runs_for(sub.id)
    assert run.state == "posted" and run.slack_ts == message["ts"]
    assert [m for m in slack.messages if m["channel"] == "U1"] == []  # nobody told: it worked


def test_noko_down_past_the_catch_up_window_fails_and_tells_the_subscriber(
    repo, clock, slack, make_runner, sandbox, prod_noko
) -> None:
    sub = daily(repo)
    runner = make_runner(noko=prod_noko, catch_up_hours=0.1, audit_channel="CAUDIT")
    clock.set(at("2026-11-08T12:00:00"))
    runner.tick()
    clock.set(at("2026-11-09T08:00:20"))
    for _ in range(5):
        sandbox.inject("status", status=503, count=3, path="/v2/entries")
        runner.tick()
        clock.advance(minutes=2)
    [run] = repo.runs_for(sub.id)
    assert run.state == "failed" and run.attempts == 2 and "503" in (run.error or "")
    assert _posted(slack) == []
    [dm] = _posted(slack, "U1")
    assert "Noko didn't answer" in dm["text"]
    assert len(_posted(slack, "CAUDIT")) == 1


def test_unknown_run_found_in_history_is_posted_without_a_second_post(
    repo, clock, slack, make_runner
) -> None:
    sub = daily(repo)
    slack.inject("chat.postMessage", stall=2.0)  # delivered, but the answer comes too late
    runner = make_runner(timeout=1)
    clock.set(at("2026-11-09T08:00:20"))
    report = runner.tick()
    assert report.unknown == [sub.id]
    slack.wait_for("chat.postMessage")
    [message] = _posted(slack)
    report = runner.tick()
    [run] = repo.runs_for(sub.id)
    assert report.found == [sub.id]
    assert (run.state, run.slack_ts) == ("posted", message["ts"])
    clock.advance(minutes=30)
    runner.tick()
    assert len(_posted(slack)) == 1
    assert slack.calls_to("conversations.history")[0].args["include_all_metadata"] in ("1", True)


def test_unknown_run_not_in_history_is_posted_once_late_after_the_grace(
    repo, clock, slack, make_runner
) -> None:
    sub = daily(repo)
    slack.inject("chat.postMessage", status=500)  # Slack failed: nothing was posted
    runner = make_runner(unknown_grace=dt.timedelta(minutes=10))
    clock.set(at("2026-11-09T08:00:20"))
    assert runner.tick().unknown == [sub.id]
    clock.advance(minutes=5)
    runner.tick()  # not found yet, but Slack may still show it: wait
    assert _posted(slack) == [] and repo.runs_for(sub.id)[0].state == "unknown"
    clock.advance(minutes=6)
    report = runner.tick()
    assert report.posted == [sub.id]
    for _ in range(3):
        clock.advance(minutes=11)
        runner.tick()
    [message] = _posted(slack)
    [run] = repo.runs_for(sub.id)
    assert (run.state, run.late, run.slack_ts) == ("posted", True, message["ts"])
    assert message["metadata"]["event_payload"]["run_id"] == run.id


def test_a_run_row_is_taken_back_by_one_scheduler_only(database_url, repo, clock) -> None:
    sub = daily(repo)
    clock.set(at("2026-11-09T08:00:20"))
    run = repo.claim_run(sub.id, "daily:2026-11-08", late=False, due_at=clock.now())
    repo.mark_unknown(run.id, "timeout")
    other = open_repository(database_url, clock=clock.now)
    try:
        assert other.reclaim_run(run.id, "unknown", late=True) is not None
        assert repo.reclaim_run(run.id, "unknown", late=True) is None
        repo.mark_failed(run.id, "Slack error: not_in_channel")
        window = dt.timedelta(hours=6)
        assert len(other.requeue_failed("C1", clock.now() - window, clock.now())) == 1
        assert repo.requeue_failed("C1", clock.now() - window, clock.now()) == []
        assert other.reclaim_run(run.id, "retry", late=True) is not None
        assert repo.reclaim_run(run.id, "retry", late=True) is None
    finally:
        other.close()


def test_a_retried_post_moved_over_a_holiday_keeps_the_period_it_was_for(
    repo, clock, slack, make_runner, sandbox, prod_noko
) -> None:
    """Thursdays' weekly digest covers the week before; moved from the holiday to Friday and
    retried, it still does (Friday's own rule would say "this week")."""
    clock.set(at("2026-11-20T07:00:00"))
    sub = daily(repo, cadence="weekly", weekday=3, options={})
    repo.add_holiday(at("2026-11-26T00:00:00").date(), "Thanksgiving", created_by="UADMIN")
    runner = make_runner(noko=prod_noko)
    clock.set(at("2026-11-26T12:00:00"))
    runner.tick()
    sandbox.inject("status", status=503, count=6, path="/v2/entries")
    clock.set(at("2026-11-27T08:00:20"))  # Friday 09:00:20 in Berlin
    runner.tick()
    [run] = repo.runs_for(sub.id)
    assert run.state == "retry" and run.period_key == "weekly:2026-11-16"
    for _ in range(6):
        clock.advance(minutes=1)
        runner.tick()
    [message] = _posted(slack)
    assert "Week of 16 Nov 2026 (late)" in message["text"], message["text"]
