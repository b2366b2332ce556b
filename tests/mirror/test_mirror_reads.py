"""MirrorReads: answers from the mirror without a Noko request, equal to what Noko's own data
sums to; live reads until the first sync has finished; the bot's changes seen at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from mirrorkit import LiveReads, as_dict, expected_groups, open_mirror, syncer

from bot.blocks.freshness import freshness_blocks
from bot.mirror import MirrorReads, MirrorStore, build_reads
from bot.scheduler.clock import ManualClock
from bot.services.reads import Span
from bot.settings import Settings
from bot.storage import Repository
from noko_core import NokoClient, NokoNotFoundError
from noko_core.sandbox import Sandbox

WEEK = Span(dt.date(2026, 11, 2), dt.date(2026, 11, 8))
LAST_WEEK = Span(dt.date(2026, 10, 26), dt.date(2026, 11, 1))


@pytest.fixture
def opened(database_url: str) -> Iterator[tuple[Repository, MirrorStore]]:
    repo, store = open_mirror(database_url)
    yield repo, store
    repo.close()


@pytest.fixture
def store(opened: tuple[Repository, MirrorStore]) -> MirrorStore:
    return opened[1]


@pytest.fixture
def live(noko: NokoClient) -> LiveReads:
    return LiveReads(noko)


@pytest.fixture
def synced(store: MirrorStore, noko: NokoClient, sandbox: Sandbox, live: LiveReads) -> MirrorReads:
    syncer(store, noko).sync()
    sandbox.clear_requests()
    return MirrorReads(store, live, window_days=400)


def test_mirror_reads_make_no_noko_request(synced: MirrorReads, sandbox: Sandbox) -> None:
    team = synced.team(1)
    ids = [u["id"] for u in team["users"]]
    synced.teams(), synced.users(), synced.projects(), synced.week_start()
    synced.entry_groups(ids, [WEEK, LAST_WEEK])
    list(synced.entries(ids[:1], WEEK))
    synced.freshness()

    assert sandbox.requests == []


def test_mirror_entry_groups_equal_what_noko_data_sums_to(
    synced: MirrorReads, sandbox: Sandbox
) -> None:
    ids = list(sandbox.store.teams[1].user_ids)

    this, last = synced.entry_groups(ids, [WEEK, LAST_WEEK])

    assert as_dict(this) == expected_groups(sandbox, ids, WEEK) != {}
    assert as_dict(last) == expected_groups(sandbox, ids, LAST_WEEK) != {}
    assert {g.approved for g in last} == {True, False}  # both kinds are present in the data


def test_mirror_entry_groups_name_users_and_projects_as_noko_does(
    synced: MirrorReads, sandbox: Sandbox, live: LiveReads
) -> None:
    ids = list(sandbox.store.teams[1].user_ids)
    key = lambda g: (g.user["id"], g.project["id"] if g.project else 0, g.billable, g.approved)  # noqa: E731

    mine = sorted(synced.entry_groups(ids, [WEEK])[0], key=key)
    theirs = sorted(live.entry_groups(ids, [WEEK])[0], key=key)

    assert [(g.user["first_name"], g.project and g.project["name"]) for g in mine] == [
        (g.user["first_name"], g.project and g.project["name"]) for g in theirs
    ]


def test_mirror_entries_most_recent_first_as_noko_lists_them(
    synced: MirrorReads, live: LiveReads, sandbox: Sandbox
) -> None:
    ids = list(sandbox.store.teams[1].user_ids)[:3]

    mine = [(e["id"], e["date"], e["minutes"]) for e in synced.entries(ids, WEEK)]
    theirs = [(e["id"], e["date"], e["minutes"]) for e in live.entries(ids, WEEK)]

    assert mine == theirs and mine


def test_mirror_teams_users_projects_match_noko(
    synced: MirrorReads, noko: NokoClient, sandbox: Sandbox
) -> None:
    mine = {t["id"]: (t["name"], [u["id"] for u in t["users"]]) for t in synced.teams()}
    theirs = {t["id"]: (t["name"], [u["id"] for u in t["users"]]) for t in noko.list_teams()}
    assert mine == theirs
    assert [(u["id"], u["role"], u["state"]) for u in synced.users()] == [
        (u["id"], u["role"], u["state"]) for u in noko.list_users()
    ]
    assert [
        (p["id"], p["name"], [u["id"] for u in p.get("participants", [])])
        for p in synced.projects()
    ] == [
        (p["id"], p["name"], [u["id"] for u in p.get("participants", [])])
        for p in noko.list_projects()
    ]


def test_mirror_team_missing_is_not_found(synced: MirrorReads) -> None:
    with pytest.raises(NokoNotFoundError):
        synced.team(99_999)


def test_mirror_reads_fall_back_to_live_before_the_first_sync(
    store: MirrorStore, live: LiveReads, sandbox: Sandbox
) -> None:
    reads = MirrorReads(store, live, window_days=400)
    ids = list(sandbox.store.teams[1].user_ids)

    groups = reads.entry_groups(ids, [WEEK])[0]

    assert as_dict(groups) == expected_groups(sandbox, ids, WEEK)
    assert [t["id"] for t in reads.teams()] == sorted(sandbox.store.teams)
    assert reads.freshness().as_of is None
    assert any(r.path == "/v2/entries" for r in sandbox.requests)


def test_mirror_reads_go_live_for_a_span_older_than_the_window(
    synced: MirrorReads, sandbox: Sandbox
) -> None:
    synced._window_days = 30
    old = Span(dt.date(2026, 9, 1), dt.date(2026, 9, 7))
    ids = list(sandbox.store.teams[1].user_ids)

    groups = synced.entry_groups(ids, [old])[0]

    assert as_dict(groups) == expected_groups(sandbox, ids, old) != {}
    assert any(r.path == "/v2/entries" for r in sandbox.requests)


def test_mirror_sees_a_change_through_the_bot_at_once(
    synced: MirrorReads, noko: NokoClient, live: LiveReads, sandbox: Sandbox
) -> None:
    renamed = noko.edit_team(2, "Renamed by the bot")  # Noko first, then the mirror
    added = noko.create_team(name="New team", user_ids=[1, 2])
    sandbox.clear_requests()

    synced.team_changed(renamed)
    synced.team_changed(added)

    assert synced.team(2)["name"] == "Renamed by the bot"
    assert [u["id"] for u in synced.team(added["id"])["users"]] == [1, 2]
    noko.delete_team(added["id"])
    synced.team_deleted(added["id"])
    with pytest.raises(NokoNotFoundError):
        synced.team(added["id"])
    assert live.changed == [2, added["id"]] and live.deleted == [added["id"]]
    assert [r for r in sandbox.requests if r.method == "GET"] == []


def test_mirror_freshness_is_the_last_sync(synced: MirrorReads, store: MirrorStore) -> None:
    as_of = synced.freshness().as_of
    assert as_of is not None and as_of == store.state().last_success_at


def test_build_reads_honours_noko_mirror(
    opened: tuple[Repository, MirrorStore], live: LiveReads
) -> None:
    repo, _ = opened
    on = Settings(_env_file=None, noko_mirror="on")
    off = Settings(_env_file=None, noko_mirror="off")

    assert isinstance(build_reads(on, repo, live), MirrorReads)
    assert build_reads(off, repo, live) is live


def test_mirror_freshness_is_aged_on_the_mirrors_clock_not_the_machines(
    opened: tuple[Repository, MirrorStore], noko: NokoClient, live: LiveReads
) -> None:
    """A mirror on a clock of its own (the demo's, a test's) says its age on that clock."""
    repo, _ = opened
    clock = ManualClock(dt.datetime(2031, 5, 6, 7, 0, tzinfo=dt.UTC))  # far from any machine
    store = MirrorStore(repo.engine, clock=clock.now)
    syncer(store, noko).sync()
    reads = MirrorReads(store, live, window_days=400)

    assert freshness_blocks(reads.freshness()) == []  # just synced
    clock.advance(minutes=10)
    assert "as of 10 min ago" in str(freshness_blocks(reads.freshness()))
