"""Keeping the mirror in step with Noko: the first sync (resumable, ceil(N/1000) entry requests),
the incremental sync (entries updated since the cursor) and the window re-read (deletions).

One sync at a time per database (a lease taken by compare-and-set); a sync that finds the lease
taken returns ``busy`` and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.mirror.storage import MirrorStore
from bot.mirror.storage.rows import listed_ids
from bot.mirror.webhooks import DELIVERY_MEMORY
from bot.services.periods import week_start_from_noko
from noko_core import Entry, NokoClient

log = logging.getLogger(__name__)

PER_PAGE = 1000  # Noko's largest page


class SyncLeaseLostError(RuntimeError):
    """Another process took the sync over (this one stalled past the lease's life)."""


class Progress(Protocol):
    """A progress display (a terminal bar in the CLI); rows as they are stored."""

    def advance(self, rows: int) -> None: ...

    def close(self) -> None: ...


ProgressFactory = Callable[[str], Progress]


@dataclass(frozen=True)
class SyncOptions:
    window_days: int = 400
    reread_days: int = 35
    # Each incremental sync asks again for what changed shortly before the last one began:
    # clock skew between us and Noko, and changes committed while that sync was reading.
    overlap: dt.timedelta = dt.timedelta(minutes=2)
    lease_ttl: dt.timedelta = dt.timedelta(minutes=5)


@dataclass
class SyncResult:
    kind: str  # first, incremental, reread, or busy (another process is syncing)
    requests: int = 0
    upserted: int = 0
    deleted: int = 0
    pages: list[int] = field(default_factory=list)


class Syncer:
    """Runs syncs of one mirror against one Noko client (whose limiter paces every request)."""

    def __init__(
        self,
        store: MirrorStore,
        noko: NokoClient,
        *,
        options: SyncOptions | None = None,
        progress: ProgressFactory | None = None,
        owner: str | None = None,
    ) -> None:
        self.store = store
        self.noko = noko
        self.options = options or SyncOptions()
        self._progress = progress
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def _today(self) -> dt.date:
        return self.store.clock().date()

    # -- entry points --------------------------------------------------------------------------
    def sync(self) -> SyncResult:
        """The first sync until it has finished, then an incremental one."""
        if self.store.state().first_done_at is None:
            return self.first_sync()
        return self.incremental()

    def first_sync(self) -> SyncResult:
        return self._leased("first", self._first)

    def incremental(self) -> SyncResult:
        return self._leased("incremental", self._incremental)

    def reread(self) -> SyncResult:
        return self._leased("reread", self._reread)

    def _leased(self, kind: str, work: Callable[[SyncResult], None]) -> SyncResult:
        if not self.store.try_lease(self.owner, self.options.lease_ttl):
            log.info("mirror %s sync skipped: another process is syncing", kind)
            return SyncResult("busy")
        result = SyncResult(kind)
        log_id = self.store.log_start(kind)
        error: str | None = None
        try:
            work(result)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            raise
        finally:
            self.store.log_finish(
                log_id,
                requests=result.requests,
                upserted=result.upserted,
                deleted=result.deleted,
                error=error,
            )
            self.store.release_lease(self.owner)
        return result

    # -- the three syncs -----------------------------------------------------------------------
    def _first(self, result: SyncResult) -> None:
        state = self.store.state()
        started = state.first_started_at or self.store.clock()
        window_from = state.first_window_from or (
            self._today() - dt.timedelta(days=self.options.window_days)
        )
        if state.first_started_at is None:
            self.store.update_state(
                first_started_at=started, first_window_from=window_from, first_pages_done=0
            )
        self._refresh_directory(result, self.store.clock())
        self._read_week_start(result)
        bar = self._progress("entries") if self._progress else None
        try:
            pages = self._entry_pages({"from": window_from}, state.first_pages_done + 1)
            for page, entries in pages:
                result.requests += 1
                with self.store.write() as session:
                    result.upserted += self.store.upsert_entries(session, entries)
                    self.store.set_state(session, first_pages_done=page)
                result.pages.append(page)
                self._renew_lease()
                if bar is not None:
                    bar.advance(len(entries))
        finally:
            if bar is not None:
                bar.close()
        self.store.update_state(
            first_done_at=self.store.clock(),
            cursor=started - self.options.overlap,
            last_success_at=started,
        )

    def _incremental(self, result: SyncResult) -> None:
        started = self.store.clock()
        state = self.store.state()
        self._refresh_directory(result, started)
        # No date filter with a cursor: an entry moved from inside the window to a date before it
        # must be seen to move (the nightly re-read prunes what lies before the window).
        query: dict[str, Any] = {"updated_from": state.cursor}
        if state.cursor is None:
            query = {"from": self._today() - dt.timedelta(days=self.options.window_days)}
        for _, entries in self._entry_pages(query, 1):
            result.requests += 1
            with self.store.write() as session:
                result.upserted += self.store.upsert_entries(session, entries)
            self._renew_lease()
        self.store.update_state(cursor=started - self.options.overlap, last_success_at=started)

    def _reread(self, result: SyncResult) -> None:
        """Entries of the recent window that Noko no longer lists are deleted; entries it lists
        are stored again (repairing any a missed webhook or a shifted page left out)."""
        started = self.store.clock()
        start = self._today() - dt.timedelta(days=self.options.reread_days)
        seen: set[int] = set()
        for _, entries in self._entry_pages({"from": start}, 1):
            result.requests += 1
            seen.update(listed_ids(entries))
            with self.store.write() as session:
                result.upserted += self.store.upsert_entries(session, entries)
            self._renew_lease()
        self._read_week_start(result)
        window_from = self._today() - dt.timedelta(days=self.options.window_days)
        with self.store.write() as session:
            result.deleted += self.store.delete_entries_missing(
                session, start, dt.date.max, seen, started
            )
            self.store.prune_before(session, window_from, started - DELIVERY_MEMORY)
            self.store.set_state(session, last_reread_at=started)

    def _renew_lease(self) -> None:
        # Lost only when this sync stalled past the lease's life and another took over: stop,
        # the other one carries on from the stored progress.
        if not self.store.try_lease(self.owner, self.options.lease_ttl):
            raise SyncLeaseLostError("another process took over the mirror sync")

    # -- Noko reads ----------------------------------------------------------------------------
    def _refresh_directory(self, result: SyncResult, started: dt.datetime) -> None:
        """Teams, users and projects, each read whole: upserted, and the unlisted dropped."""
        teams = self.noko.list_teams()
        users = self.noko.list_users()
        projects = self.noko.list_projects()
        result.requests += sum(_pages_of(len(items)) for items in (teams, users, projects))
        with self.store.write() as session:
            result.upserted += self.store.upsert_users(session, users)
            result.upserted += self.store.upsert_projects(session, projects)
            result.upserted += self.store.upsert_teams(session, teams)
            for kind, items in (("teams", teams), ("users", users), ("projects", projects)):
                ids = listed_ids(items)
                result.deleted += self.store.drop_unseen(session, kind, ids, started)

    def _read_week_start(self, result: SyncResult) -> None:
        me = self.noko.get_current_user()
        result.requests += 1
        self.store.update_state(week_start=week_start_from_noko(me.get("week_start")))

    def _entry_pages(
        self, query: Mapping[str, Any], start_page: int
    ) -> Iterator[tuple[int, list[Entry]]]:
        """Entries page by page (1,000 a page, one request each). From page 1 the client follows
        Noko's Link header, so a last full page costs no extra request; a resumed sync asks for
        its next page by number and stops at the first short page."""
        if start_page == 1:
            page, batch = 1, []
            for entry in self.noko.iter_entries(per_page=PER_PAGE, **query):
                batch.append(entry)
                if len(batch) == PER_PAGE:
                    yield page, batch
                    page, batch = page + 1, []
            if batch or page == 1:
                yield page, batch
            return
        page = start_page
        while True:
            params = {**query, "per_page": PER_PAGE, "page": page}
            batch = list(self.noko.request("GET", "entries", params=params) or [])
            yield page, batch
            if len(batch) < PER_PAGE:
                return
            page += 1


def _pages_of(count: int) -> int:
    return max(1, -(-count // PER_PAGE))
