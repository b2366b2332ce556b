"""A 300-member team with no time: the scheduled digest pings at most DIGEST_MAX_MENTIONS people
and maps e-mails to Slack ids in one paged users.list pass, reused by the next tick."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Iterator

import pytest
from sched_helpers import at, daily, posts

from bot.devtools.fake_slack import FakeSlack, SlackCall, SlackUser
from bot.scheduler.cli import build_runner
from bot.settings import Settings
from noko_core.sandbox import Sandbox, build_dataset
from noko_core.sandbox.dataset import Dataset

TODAY = dt.date(2026, 11, 9)  # a Monday: a daily digest covers Sunday, when nobody logs time
TEAM_SIZE = 300
MENTION = re.compile(r"<@(U\w+)>")


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build_dataset(
        today=TODAY, seed=0, weeks=1, big_team_size=TEAM_SIZE, entries_per_member_day=1
    )


@pytest.fixture(scope="module")
def big_sandbox_server(dataset: Dataset) -> Iterator[Sandbox]:
    with Sandbox(rate_limit=False, dataset=dataset) as sandbox:
        yield sandbox


@pytest.fixture
def sandbox(big_sandbox_server: Sandbox) -> Sandbox:
    """This module's Noko: "Engineering" (team 1) holds 300 active members."""
    big_sandbox_server.reset()
    return big_sandbox_server


@pytest.fixture
def workspace(slack: FakeSlack, dataset: Dataset) -> FakeSlack:
    """Every Noko user in Slack under their Noko e-mail, with a bot and a deactivated user."""
    for user in dataset.users:
        if user.email != "sofia.ito@example.com":  # U1, the subscriptions' owner, is there
            slack.add_user(SlackUser(f"UN{user.id:04d}", user.first_name, user.email))
    slack.add_user(SlackUser("UBOTX", "Reporter", "reporter@example.com", is_bot=True))
    slack.add_user(SlackUser("UGONE", "Gone", "gone@example.com", deleted=True))
    return slack


def _mentions(calls: list[SlackCall]) -> list[str]:
    """Every user mentioned in the posts: their fallback text and their blocks."""
    posted = "\n".join(f"{c.args.get('text')}\n{c.args.get('blocks')}" for c in calls)
    return MENTION.findall(posted)


def test_a_300_member_digest_pings_ten_and_reads_the_directory_once(
    repo, clock, workspace, make_runner
) -> None:
    first = daily(repo)
    second = daily(repo, channel_id="C2", local_time="09:30")
    runner = make_runner()
    clock.set(at("2026-11-09T08:00:20"))  # 09:00:20 in Berlin

    assert runner.tick().posted == [first.id]
    digest = posts(workspace)
    assert len(_mentions(digest)) == len(set(_mentions(digest))) == 10
    text = "\n".join(str(c.args.get("blocks")) for c in digest)
    assert "No time logged (300)" in text
    assert "10 pinged; …290 more, named without a ping." in text
    assert len(workspace.calls_to("users.list")) == 2  # 305 users, 200 a page
    assert workspace.calls_to("users.lookupByEmail") == []

    workspace.clear()
    clock.set(at("2026-11-09T08:30:20"))  # the next tick within the hour: the same directory
    assert runner.tick().posted == [second.id]
    assert len(_mentions(posts(workspace))) == 10
    assert workspace.calls_to("users.list") == []


def test_digest_max_mentions_reaches_the_clock(repo, clock, workspace, noko) -> None:
    sub = daily(repo)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        slack_bot_token="xoxb-test",
        slack_api_url=workspace.api_url,
        noko_access_token="unused",
        digest_max_mentions=3,
    )
    clock.set(at("2026-11-09T08:00:20"))
    runner = build_runner(settings, repo, clock, noko, threading.Event())

    assert runner.tick().posted == [sub.id]
    assert len(_mentions(posts(workspace))) == 3
    assert "3 pinged; …297 more, named without a ping." in str(posts(workspace))
