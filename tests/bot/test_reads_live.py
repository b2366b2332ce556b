"""Reads through the one door (bot.services.reads) when they go live: no command waits on an
expired cache, cold loads are shared, a change the bot made is seen at once, and every reply
with time or members says how old its data is when it is not current."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from dataclasses import replace

import pytest
from slackkit import reply_text, subscribe_design

from bot.app import create_app
from bot.deps import Deps
from bot.errors import TeamNotFoundError
from bot.ids import ActionId
from bot.scheduler.cli import build_runner
from bot.scheduler.clock import ManualClock
from bot.services.cache import NokoCache
from bot.services.lagging import LaggingReads, peek_teams, peek_users, teams_again, warm
from bot.services.live_reads import LiveReads
from bot.services.reads import Freshness, Span
from bot.services.schedule import next_due
from bot.services.teams import find_team
from noko_core import NokoClient

# The lists the cache keeps; a background refresh of each is no part of a command's wait.
LISTS = ("/v2/teams", "/v2/users", "/v2/projects", "/v2/current_user")


def _ticker(deps: Deps):
    return deps.cache._teams._clock  # the injected monotonic clock (conftest's Ticker)


def test_after_the_ttl_hours_waits_on_one_noko_request_only(slack, people, deps, sandbox):
    first = reply_text(slack.run("hours Design", people.supervisor))
    assert "Total:" in first
    _ticker(deps).now += 61  # every cached list is now past its minute
    sandbox.clear_requests()
    # Each list's refresh hangs and then fails: a command that waited on one could not answer.
    for path in LISTS:
        sandbox.inject("stall", path=f"^{path}$", seconds=3.0)
    again = reply_text(slack.run("hours Design", people.supervisor))
    assert again == first  # answered from the stale lists
    answered = [r.path for r in sandbox.requests if r.status != 0]
    assert answered == ["/v2/entries"]  # the floor: the time itself
    refreshes = sorted(r.path for r in sandbox.requests if r.status == 0)
    assert refreshes == sorted(["/v2/teams", "/v2/users", "/v2/current_user"])  # one each


def test_after_the_ttl_the_lists_are_refreshed_once_in_the_background(slack, people, deps, sandbox):
    slack.run("hours Design", people.supervisor)
    _ticker(deps).now += 61
    sandbox.clear_requests()
    for _ in range(3):
        slack.run("hours Design", people.supervisor)
    deps.cache.peek_teams(wait=0)  # nothing to wait for: the stale list is there
    paths = [r.path for r in sandbox.requests]
    assert paths.count("/v2/entries") == 3
    assert paths.count("/v2/teams") <= 1 and paths.count("/v2/current_user") <= 1


def test_ten_cold_commands_at_once_make_one_request_per_list(slack, people, sandbox):
    sandbox.latency = 0.3  # long enough for the ten commands to overlap
    # Ten different periods, so that their entries requests differ (identical ones coalesce).
    texts = [f"hours Design 2026-10-01..2026-10-{10 + day}" for day in range(10)]
    keys = [slack.command(text, people.supervisor)[1] for text in texts]
    replies = [reply_text(slack.reply(key)) for key in keys]
    assert all("Total:" in reply for reply in replies)
    paths = [r.path for r in sandbox.requests]
    assert paths.count("/v2/current_user") == 1
    assert paths.count("/v2/teams") == 1 and paths.count("/v2/users") == 1
    assert paths.count("/v2/entries") == 10
    # The commands were in flight together: their entries requests arrived closer together
    # than one answer takes.
    received = sorted(r.received_at for r in sandbox.requests if r.path == "/v2/entries")
    assert any(b - a < sandbox.latency for a, b in itertools.pairwise(received)), "no overlap"


def test_ten_identical_commands_at_once_share_their_entries_request(slack, people, sandbox):
    sandbox.latency = 0.3
    keys = [slack.command("hours Design", people.supervisor)[1] for _ in range(10)]
    replies = [reply_text(slack.reply(key)) for key in keys]
    assert len(set(replies)) == 1 and "Total:" in replies[0]
    # All ten wait on the same cold lists, then ask for the same entries at once: the client
    # sends one request and every command gets its answer (two if one command came late).
    assert [r.path for r in sandbox.requests].count("/v2/entries") <= 2


def test_a_change_the_bot_made_is_seen_at_once_without_reading_the_teams_again(
    slack, people, deps, sandbox
):
    slack.run("list", people.admin)
    sandbox.clear_requests()
    created = reply_text(slack.run(f"create Launchpad <@{people.mate.id}>", people.admin))
    assert "Launchpad" in created
    listed = reply_text(slack.run("list", people.admin))
    shown = reply_text(slack.run("show Launchpad", people.admin))
    assert "Launchpad" in listed and people.mate.name in shown
    added = reply_text(slack.run(f"add Design <@{people.mate.id}>", people.admin))
    assert "Added" in added
    assert people.mate.name in reply_text(slack.run("show Design", people.admin))
    reads = [r.path for r in sandbox.requests if r.method == "GET"]
    assert "/v2/teams" not in reads  # the team list is never read again


def test_one_listing_serves_every_span(deps, sandbox, dataset):
    design = next(t for t in deps.noko.list_teams() if t["name"] == "Design")
    ids = [u["id"] for u in design["users"]]
    end = dataset.today
    spans = [Span(end - dt.timedelta(days=13), end - dt.timedelta(days=7)),
             Span(end - dt.timedelta(days=6), end)]  # fmt: skip
    sandbox.clear_requests()
    per_span = deps.reads.entry_groups(ids, spans)
    assert [r.path for r in sandbox.requests] == ["/v2/entries"]
    for span, groups in zip(spans, per_span, strict=True):
        listed = deps.noko.list_entries(user_ids=ids, from_=span.start, to=span.end)
        assert sum(g.minutes for g in groups) == sum(e["minutes"] for e in listed)
        assert sum(g.entries for g in groups) == len(listed) > 0


# -- freshness: one line, in every reply with time or members -------------------------------


class AgedReads(LiveReads):
    """Live reads that say their data is as old as ``age`` (a mirror behind Noko): only the
    freshness differs; every figure still comes from the sandbox over HTTP."""

    def __init__(self, noko: NokoClient, cache: NokoCache, age: dt.timedelta) -> None:
        super().__init__(noko, cache)
        self.age = age

    def freshness(self) -> Freshness:
        now = dt.datetime.now(dt.UTC)
        return Freshness(as_of=now - self.age, read_at=now)


@pytest.fixture
def aged(settings, deps, driver_for):
    def build(age: dt.timedelta):
        reads = AgedReads(deps.noko, deps.cache, age)
        aged_deps = Deps(deps.noko, deps.repo, deps.cache, reads, deps.clock)
        return aged_deps, driver_for(create_app(settings, aged_deps))

    return build


def _period(dataset) -> str:
    return f"{dataset.today - dt.timedelta(days=6)}..{dataset.today}"


def _replies(slack, people, dataset) -> dict[str, str]:
    user = people.supervisor
    return {
        "hours": reply_text(slack.run(f"hours Design {_period(dataset)}", user)),
        "digest": reply_text(slack.run(f"digest Design {_period(dataset)}", user)),
        "show": reply_text(slack.run("show Design", user)),
        "members": reply_text(slack.run("members Design", user)),
    }


def test_replies_say_how_old_stale_data_is(aged, people, dataset, fake):
    aged_deps, slack = aged(dt.timedelta(minutes=10))
    for name, text in _replies(slack, people, dataset).items():
        assert text.count("Noko data as of 10 min ago.") == 1, name
    sub = subscribe_design(aged_deps, people)
    slack.action(people.admin, {"action_id": ActionId.SUB_PREVIEW, "value": str(sub.id)})
    preview = json.dumps(fake.wait_for("views.update")[0].args["view"], ensure_ascii=False)
    assert "Noko data as of 10 min ago." in preview


@pytest.mark.parametrize("age", [None, dt.timedelta(minutes=1)], ids=["live", "1 min old"])
def test_current_data_says_nothing_about_its_age(aged, slack, people, dataset, age):
    driver = slack if age is None else aged(age)[1]
    for name, text in _replies(driver, people, dataset).items():
        assert "Noko data as of" not in text, name


def test_a_scheduled_digest_says_how_old_its_data_is(settings, deps, people, fake):
    sub = subscribe_design(deps, people)
    clock = ManualClock(next_due(sub, sub.created_at) + dt.timedelta(seconds=30))
    reads = AgedReads(deps.noko, deps.cache, dt.timedelta(hours=3))
    runner = build_runner(
        settings, deps.repo, clock, deps.noko, threading.Event(), deps.cache, reads
    )
    assert runner.tick().posted == [sub.id]
    (post,) = [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "C0DESIGN"][:1]
    assert "Noko data as of 3 h ago." in json.dumps(post.args, ensure_ascii=False)


# -- reads that don't lag Noko (the mirror) need no cache tricks ------------------------------


class DoorOnly:
    """The NokoReads door and nothing more (as the mirror's reads are): no reload, no peek."""

    def __init__(self, reads: LiveReads) -> None:
        self._reads = reads
        for name in ("teams", "team", "users", "projects", "week_start", "entry_groups",
                     "entries", "freshness", "team_changed", "team_deleted"):  # fmt: skip
            setattr(self, name, getattr(reads, name))


def test_reads_that_do_not_lag_are_read_directly(deps, sandbox):
    door = DoorOnly(deps.reads)
    assert not isinstance(door, LaggingReads) and isinstance(deps.reads, LaggingReads)
    teams = peek_teams(door, wait=0)
    assert {t["name"] for t in teams} >= {"Design", "Engineering"}
    assert peek_users(door, wait=0) == deps.cache.users()
    sandbox.clear_requests()
    assert teams_again(door) is None  # nothing to reload: a miss is a miss
    with pytest.raises(TeamNotFoundError):
        find_team(door, "No Such Team")
    warm(door)
    assert sandbox.requests == []


def test_a_typed_name_that_misses_is_read_again_once_when_reads_lag(deps, sandbox):
    deps.reads.teams()
    sandbox.store.teams[99] = replace(sandbox.store.teams[2], id=99, name="Brand New")
    assert find_team(deps.reads, "brand new")["id"] == 99  # created in Noko a moment ago
    sandbox.clear_requests()
    with pytest.raises(TeamNotFoundError):
        find_team(deps.reads, "No Such Team")
    assert [r.path for r in sandbox.requests] == ["/v2/teams"]  # one reload, not more
