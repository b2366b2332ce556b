"""Pure pieces: command words, team resolution, the cache's TTL and invalidation."""

from __future__ import annotations

import threading

import pytest

from bot.errors import AmbiguousTeamError, TeamNotFoundError, UsageError
from bot.services.cache import NokoCache
from bot.services.command_text import parse_command_text, tokenize
from bot.services.teams import resolve_team

TEAMS = [
    {"id": 1, "name": "Engineering", "users": []},
    {"id": 2, "name": "Engineering Ops", "users": []},
    {"id": 3, "name": "Design", "users": []},
]


def test_tokenize_quotes_smart_quotes_and_slack_escapes():
    words = tokenize('add “Engineering Ops” "R&amp;D" <@U1|bob smith> x')
    assert words == ["add", "Engineering Ops", "R&D", "<@U1|bob smith>", "x"]


def test_tokenize_unclosed_quote_is_a_usage_error():
    with pytest.raises(UsageError, match="quote"):
        tokenize('show "Design')


def test_tokenize_lone_angle_bracket_terminates():
    assert tokenize("a < b") == ["a", "<", "b"]


def test_share_flag_is_removed_and_remembered():
    parsed = parse_command_text("LIST eng --share")
    assert (parsed.name, parsed.words, parsed.share) == ("list", ("eng",), True)


@pytest.mark.parametrize(
    ("query", "team_id"), [("engineering", 1), ("engineering o", 2), ("3", 3), ("DES", 3)]
)
def test_resolve_team(query, team_id):
    assert resolve_team(query, TEAMS)["id"] == team_id


def test_resolve_team_ambiguous_and_unknown():
    with pytest.raises(AmbiguousTeamError) as ambiguous:
        resolve_team("eng", TEAMS)
    assert ambiguous.value.candidates == ["Engineering", "Engineering Ops"]
    with pytest.raises(TeamNotFoundError) as unknown:
        resolve_team("Desing", TEAMS)
    assert unknown.value.suggestions == ["Design"]


class CountingNoko:
    def __init__(self) -> None:
        self.calls = 0
        self.gate = threading.Event()
        self.gate.set()

    def list_teams(self):
        self.gate.wait(5)
        self.calls += 1
        return [{"id": self.calls, "name": f"T{self.calls}", "users": []}]

    def list_users(self):
        return []

    def list_projects(self):
        return []


def _wait_for(condition, seconds: float = 2.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        threading.Event().wait(0.01)


def test_cache_after_its_ttl_answers_stale_at_once_and_refreshes_once_in_background():
    now = [0.0]
    noko = CountingNoko()
    cache = NokoCache(noko, ttl=60, clock=lambda: now[0])
    assert cache.teams() == cache.teams() and noko.calls == 1
    now[0] = 61
    noko.gate.clear()  # Noko now hangs: nobody may wait on it
    assert [cache.teams()[0]["id"] for _ in range(5)] == [1] * 5
    noko.gate.set()
    _wait_for(lambda: noko.calls == 2)
    assert cache.teams()[0]["id"] == 2
    assert noko.calls == 2  # five stale reads, one refresh


def test_a_change_the_bot_made_is_seen_at_once_and_survives_an_older_refresh():
    now = [0.0]
    noko = CountingNoko()
    cache = NokoCache(noko, ttl=60, clock=lambda: now[0])
    cache.teams()
    now[0] = 61
    noko.gate.clear()
    cache.teams()  # starts a refresh that hangs: it read Noko before the change below
    cache.team_changed({"id": 7, "name": "New", "users": []})
    assert sorted(t["id"] for t in cache.teams()) == [1, 7]
    cache.team_deleted(1)
    assert [t["name"] for t in cache.teams()] == ["New"]
    noko.gate.set()
    _wait_for(lambda: noko.calls == 2)
    threading.Event().wait(0.05)
    assert [t["name"] for t in cache.teams()] == ["New"]  # the older refresh was not kept


def test_cache_invalidation_forces_a_reload():
    noko = CountingNoko()
    cache = NokoCache(noko, clock=lambda: 0.0)
    cache.teams()
    cache.invalidate_teams()
    assert cache.teams()[0]["id"] == 2


def test_peek_returns_stale_value_without_waiting_and_refreshes_in_background():
    now = [0.0]
    noko = CountingNoko()
    cache = NokoCache(noko, ttl=60, clock=lambda: now[0])
    cache.teams()
    now[0] = 100
    noko.gate.clear()  # Noko now hangs
    assert cache.peek_teams(wait=5)[0]["id"] == 1  # answered from memory at once
    noko.gate.set()
    for _ in range(200):
        if noko.calls == 2:
            break
        threading.Event().wait(0.01)
    assert cache.peek_teams(wait=0)[0]["id"] == 2


def test_cache_week_start_asks_noko_once_within_its_ttl(sandbox) -> None:
    from bot.services.cache import NokoCache
    from noko_core import NokoClient

    noko = NokoClient(sandbox.token, base_url=sandbox.base_url, requests_per_second=None)
    cache = NokoCache(noko)
    sandbox.clear_requests()

    assert [cache.week_start(), cache.week_start()] == [0, 0]  # the sandbox's week starts Monday
    assert [r.path for r in sandbox.requests] == ["/v2/current_user"]
