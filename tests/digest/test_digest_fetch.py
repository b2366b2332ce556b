"""Shared fetches against the Noko sandbox: one dataset read per period, split by team."""

from __future__ import annotations

import datetime as dt

from bot.services.fetch import TeamRequest, fetch_teams
from bot.services.periods import previous_period, week_period
from bot.services.summary import summarize
from noko_core import NokoNotFoundError

WEEK = week_period(dt.date(2026, 11, 2), 0)
MONTH_START = dt.date(2026, 10, 1)


def _ids(entries) -> set[int]:
    return {int(e["id"]) for e in entries}


def test_fetch_teams_reads_entries_once_per_period(noko, sandbox) -> None:
    requests = [TeamRequest(team_id, WEEK) for team_id in (1, 2, 3, 4, 5, 6)]
    results = fetch_teams(noko, requests)
    paths = [r.path for r in sandbox.requests]
    assert paths.count("/v2/entries") == 1
    assert sorted(p for p in paths if p.startswith("/v2/teams/")) == [
        f"/v2/teams/{i}" for i in range(1, 7)
    ]
    assert all(not isinstance(results[r], Exception) for r in requests)


def test_fetch_teams_split_matches_per_team_queries(noko) -> None:
    results = fetch_teams(noko, [TeamRequest(1, WEEK), TeamRequest(3, WEEK)])
    for team_id in (1, 3):
        data = results[TeamRequest(team_id, WEEK)]
        expected = noko.get_entries_for_users_in_team(team_id, from_=WEEK.start, to=WEEK.end)
        assert _ids(data.entries) == _ids(expected)
        before = previous_period(WEEK)
        expected_before = noko.get_entries_for_users_in_team(
            team_id, from_=before.start, to=before.end
        )
        assert _ids(data.previous_entries) == _ids(expected_before)
        assert data.previous == before


def test_fetch_teams_counts_shared_members_in_each_team(noko) -> None:
    teams = {t["id"]: {u["id"] for u in t["users"]} for t in noko.list_teams()}
    a, b = next((x, y) for x in teams for y in teams if x < y and teams[x] & teams[y])
    results = fetch_teams(noko, [TeamRequest(a, WEEK), TeamRequest(b, WEEK)])
    shared = teams[a] & teams[b]
    for team_id in (a, b):
        users = {e["user"]["id"] for e in results[TeamRequest(team_id, WEEK)].entries}
        assert shared & users  # shared members' time shows up in both teams


def test_fetch_teams_groups_distinct_periods(noko, sandbox) -> None:
    other = TeamRequest(1, week_period(MONTH_START, 0), with_previous=False)
    fetch_teams(noko, [TeamRequest(1, WEEK), TeamRequest(2, WEEK), other])
    entries = [r for r in sandbox.requests if r.path == "/v2/entries"]
    assert len(entries) == 2
    assert [r.query["from"] for r in entries] == [["2026-10-26"], ["2026-09-28"]]


def test_fetch_teams_missing_team_spoils_only_its_request(noko) -> None:
    results = fetch_teams(noko, [TeamRequest(999, WEEK), TeamRequest(2, WEEK)])
    assert isinstance(results[TeamRequest(999, WEEK)], NokoNotFoundError)
    data = results[TeamRequest(2, WEEK)]
    assert summarize(data.entries, data.members, WEEK).entry_count == len(data.entries) > 0
