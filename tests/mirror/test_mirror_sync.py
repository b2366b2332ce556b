"""The first sync, its resumption, the incremental sync and the window re-read, against the
sandbox over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator

import pytest
from mirrorkit import (
    add_entry,
    change_entry,
    entry_requests,
    open_mirror,
    remove_entry,
    syncer,
)
from sqlalchemy import func, select

from bot.mirror import MirrorStore
from bot.mirror.storage.models import MirrorEntryRow
from bot.mirror.sync import SyncLeaseLostError
from noko_core import NokoClient, NokoServerError
from noko_core.sandbox import Sandbox


@pytest.fixture
def store(database_url: str) -> Iterator[MirrorStore]:
    repo, mirror = open_mirror(database_url)
    yield mirror
    repo.close()


def _mirror_entries(store: MirrorStore) -> dict[int, tuple[dt.date, int, bool]]:
    with store.read() as session:
        rows = session.execute(
            select(
                MirrorEntryRow.id,
                MirrorEntryRow.date,
                MirrorEntryRow.minutes,
                MirrorEntryRow.billable,
            )
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _noko_entries(sandbox: Sandbox) -> dict[int, tuple[dt.date, int, bool]]:
    with sandbox.store.lock:
        return {e.id: (e.date, e.minutes, e.billable) for e in sandbox.store.entries_by_id.values()}


def test_first_sync_copies_everything_in_ceil_n_over_1000_entry_requests(
    sandbox: Sandbox, store: MirrorStore, noko: NokoClient
) -> None:
    result = syncer(store, noko).sync()

    expected = _noko_entries(sandbox)
    assert result.kind == "first"
    assert _mirror_entries(store) == expected
    assert len(entry_requests(sandbox)) == math.ceil(len(expected) / 1000)
    assert all(r.query["per_page"] == ["1000"] for r in entry_requests(sandbox))
    counts = store.counts()
    assert (counts["teams"], counts["projects"]) == (
        len(sandbox.store.teams),
        len(sandbox.store.projects),
    )
    state = store.state()
    assert state.first_done_at is not None and state.cursor is not None
    assert state.week_start == 0  # the sandbox's current user starts weeks on Monday


class _FaultAfter:
    """A progress display that breaks Noko after ``pages`` pages were stored."""

    def __init__(self, sandbox: Sandbox, pages: int) -> None:
        self.sandbox, self.pages, self.seen = sandbox, pages, 0

    def advance(self, rows: int) -> None:
        self.seen += 1
        if self.seen == self.pages:
            self.sandbox.inject("status", status=500, path="/v2/entries")

    def close(self) -> None:
        pass


def test_first_sync_resumes_after_an_interruption_without_refetching_pages(
    sandbox: Sandbox, store: MirrorStore, noko: NokoClient
) -> None:
    hook = _FaultAfter(sandbox, 3)
    interrupted = syncer(store, noko)
    interrupted._progress = lambda what: hook
    with pytest.raises(NokoServerError):
        interrupted.sync()
    assert store.state().first_pages_done == 3 and store.state().first_done_at is None
    assert store.log()[0].error is not None and store.log()[0].kind == "first"
    sandbox.clear_requests()

    result = syncer(store, noko).sync()

    expected = _noko_entries(sandbox)
    pages = math.ceil(len(expected) / 1000)
    assert result.kind == "first" and result.pages == list(range(4, pages + 1))
    assert [r.query["page"] for r in entry_requests(sandbox)] == [
        [str(p)] for p in range(4, pages + 1)
    ]
    assert _mirror_entries(store) == expected


def test_incremental_sync_catches_changes_a_missed_webhook_would_have_brought(
    sandbox: Sandbox, store: MirrorStore, noko: NokoClient
) -> None:
    syncer(store, noko).sync()
    some = sorted(sandbox.store.entries_by_id)[-5]
    change_entry(sandbox, some, minutes=777)
    new = add_entry(sandbox, user_id=2, day=sandbox.store.today, minutes=45)
    sandbox.clear_requests()

    result = syncer(store, noko).sync()

    assert result.kind == "incremental"
    mirror = _mirror_entries(store)
    assert mirror[some][1] == 777 and mirror[new.id] == (new.date, 45, new.billable)
    assert mirror == _noko_entries(sandbox)
    (listing,) = entry_requests(sandbox)
    assert "updated_from" in listing.query  # only what changed, not every entry again
    assert result.upserted < 100


def test_reread_deletes_entries_noko_no_longer_has_and_logs_them(
    sandbox: Sandbox, store: MirrorStore, noko: NokoClient
) -> None:
    syncer(store, noko).sync()
    recent = [e.id for e in sandbox.store.entries if e.date == sandbox.store.today][:2]
    for entry_id in recent:
        remove_entry(sandbox, entry_id)
    assert syncer(store, noko).sync().deleted == 0  # an incremental sync cannot see deletions

    result = syncer(store, noko, reread_days=60).reread()

    assert result.kind == "reread" and result.deleted == 2
    assert _mirror_entries(store) == _noko_entries(sandbox)
    assert store.log()[0].rows_deleted == 2 and store.state().last_reread_at is not None


def test_reread_keeps_entries_outside_its_window(
    sandbox: Sandbox, store: MirrorStore, noko: NokoClient
) -> None:
    syncer(store, noko).sync()
    oldest = min(sandbox.store.entries_by_id.values(), key=lambda e: e.date)
    remove_entry(sandbox, oldest.id)

    result = syncer(store, noko, reread_days=10).reread()

    assert result.deleted == 0 and oldest.id in _mirror_entries(store)


def test_sync_is_busy_while_another_holds_the_lease(
    sandbox: Sandbox, store: MirrorStore, noko: NokoClient
) -> None:
    assert store.try_lease("other-process", dt.timedelta(minutes=5))

    result = syncer(store, noko).sync()

    assert result.kind == "busy" and sandbox.requests == []
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(MirrorEntryRow)) == 0


def test_an_expired_lease_is_taken_over(
    sandbox: Sandbox, store: MirrorStore, noko: NokoClient
) -> None:
    assert store.try_lease("crashed-process", dt.timedelta(seconds=-1))

    assert syncer(store, noko).sync().kind == "first"


class _Thief:
    """A progress display during which another process takes the lease over."""

    def __init__(self, store: MirrorStore) -> None:
        self.store = store

    def advance(self, rows: int) -> None:
        self.store.update_state(
            lease_owner="thief", lease_until=self.store.clock() + dt.timedelta(minutes=5)
        )

    def close(self) -> None:
        pass


def test_a_sync_that_lost_its_lease_stops_and_leaves_it_to_the_new_owner(
    sandbox: Sandbox, store: MirrorStore, noko: NokoClient
) -> None:
    stalled = syncer(store, noko)
    stalled._progress = lambda what: _Thief(store)

    with pytest.raises(SyncLeaseLostError):
        stalled.sync()

    assert store.state().first_pages_done == 2 and store.state().first_done_at is None
    assert not store.try_lease("someone-else", dt.timedelta(minutes=5))  # the thief's still


def test_an_entry_moved_before_the_window_leaves_it_and_is_pruned(
    sandbox: Sandbox, store: MirrorStore, noko: NokoClient
) -> None:
    syncer(store, noko, window_days=30).sync()
    moved = max(sandbox.store.entries_by_id.values(), key=lambda e: e.date)
    old_day = store.clock().date() - dt.timedelta(days=200)
    change_entry(sandbox, moved.id, date=old_day)

    syncer(store, noko, window_days=30).sync()
    assert _mirror_entries(store)[moved.id][0] == old_day  # not left at its former date
    syncer(store, noko, window_days=30, reread_days=30).reread()

    assert moved.id not in _mirror_entries(store)
