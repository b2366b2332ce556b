"""Shared fetches against the Noko sandbox: one dataset read per period, split by team."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.services.cache import NokoCache
from bot.services.fetch import TeamRequest, fetch_teams
from bot.services.live_reads import LiveReads
from bot.services.periods import previous_period, week_period
from bot.services.summary import summarize
from noko_core import NokoNotFoundError

WEEK = week_period(dt.date(2026, 11, 2), 0)
MONTH_START = dt.date(2026, 10, 1)


@pytest.fixture
def reads(noko) -> LiveReads:
    return LiveReads(noko, NokoCache(noko))


def _per_user(groups) -> dict[int, tuple[int, int]]:
    """Minutes and entry count per user, from EntryGroups."""
    found: dict[int, tuple[int, int]] = {}
    for g in groups:
        minutes, count = found.get(g.user["id"], (0, 0))
        found[g.user["id"]] = (minutes + g.minutes, count + g.entries)
    return found


def _per_user_entries(entries) -> dict[int, tuple[int, int]]:
    found: dict[int, tuple[int, int]] = {}
    for e in entries:
        minutes, count = found.get(e["user"]["id"], (0, 0))
        found[e["user"]["id"]] = (minutes + e["minutes"], count + 1)
    return found


def test_fetch_teams_reads_entries_once_per_period(reads, sandbox) -> None:
    requests = [TeamRequest(team_id, WEEK) for team_id in (1, 2, 3, 4, 5, 6)]
    results = fetch_teams(reads, requests)
    paths = [r.path for r in sandbox.requests]
    assert paths.count("/v2/entries") == 1
    assert sorted(p for p in paths if p.startswith("/v2/teams/")) == [
        f"/v2/teams/{i}" for i in range(1, 7)
    ]
    assert all(not isinstance(results[r], Exception) for r in requests)


def test_fetch_teams_split_matches_per_team_queries(reads, noko) -> None:
    results = fetch_teams(reads, [TeamRequest(1, WEEK), TeamRequest(3, WEEK)])
    for team_id in (1, 3):
        data = results[TeamRequest(team_id, WEEK)]
        expected = noko.get_entries_for_users_in_team(team_id, from_=WEEK.start, to=WEEK.end)
        assert _per_user(data.groups) == _per_user_entries(expected) != {}
        before = previous_period(WEEK)
        expected_before = noko.get_entries_for_users_in_team(
            team_id, from_=before.start, to=before.end
        )
        assert _per_user(data.previous_groups) == _per_user_entries(expected_before)
        assert data.previous == before


def test_fetch_teams_counts_shared_members_in_each_team(reads, noko) -> None:
    teams = {t["id"]: {u["id"] for u in t["users"]} for t in noko.list_teams()}
    a, b = next((x, y) for x in teams for y in teams if x < y and teams[x] & teams[y])
    results = fetch_teams(reads, [TeamRequest(a, WEEK), TeamRequest(b, WEEK)])
    shared = teams[a] & teams[b]
    for team_id in (a, b):
        users = {g.user["id"] for g in results[TeamRequest(team_id, WEEK)].groups}
        assert shared & users  # shared members' time shows up in both teams


def test_fetch_teams_groups_distinct_periods(reads, sandbox) -> None:
    other = TeamRequest(1, week_period(MONTH_START, 0), with_previous=False)
    fetch_teams(reads, [TeamRequest(1, WEEK), TeamRequest(2, WEEK), other])
    entries = [r for r in sandbox.requests if r.path == "/v2/entries"]
    assert len(entries) == 2
    assert [r.query["from"] for r in entries] == [["2026-10-26"], ["2026-09-28"]]


def test_fetch_teams_missing_team_spoils_only_its_request(reads) -> None:
    results = fetch_teams(reads, [TeamRequest(999, WEEK), TeamRequest(2, WEEK)])
    assert isinstance(results[TeamRequest(999, WEEK)], NokoNotFoundError)
    data = results[TeamRequest(2, WEEK)]
    count = sum(g.entries for g in data.groups)
    assert summarize(data.groups, data.members, WEEK).entry_count == count > 0
