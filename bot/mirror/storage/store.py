"""The mirror's writes and its sync state: every write serialized on the state row, upserts that
never let an older copy replace a newer one, and the one-sync-at-a-time lease."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Engine, Table, and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.mirror.storage import rows
from bot.mirror.storage.models import (
    STATE_ID,
    MirrorDeliveryRow,
    MirrorEntryRow,
    MirrorParticipantRow,
    MirrorProjectRow,
    MirrorSyncLogRow,
    MirrorSyncStateRow,
    MirrorTeamMemberRow,
    MirrorTeamRow,
    MirrorTombstoneRow,
    MirrorUserRow,
)

Clock = Callable[[], dt.datetime]
ID_CHUNK = 500  # ids per IN (...) list: far below SQLite's bound variables limit


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def _dialect_insert(session: Session, table: Table) -> Any:
    """INSERT … ON CONFLICT in the session's dialect (both spell it the same way)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class SyncState:
    first_started_at: dt.datetime | None
    first_window_from: dt.date | None
    first_pages_done: int
    first_done_at: dt.datetime | None
    cursor: dt.datetime | None
    last_success_at: dt.datetime | None
    last_webhook_at: dt.datetime | None
    last_reread_at: dt.datetime | None
    week_start: int | None
    webhook_id: int | None
    has_secret: bool


@dataclass(frozen=True)
class SyncLogEntry:
    kind: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    requests: int
    rows_upserted: int
    rows_deleted: int
    error: str | None


class MirrorStore:
    """The one door to the mirror's tables. Thread-safe: one session per call."""

    def __init__(self, engine: Engine, *, clock: Clock = _utcnow) -> None:
        self.engine = engine
        self.clock = clock
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    # -- sessions ------------------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that first bumps the state row: on PostgreSQL its row lock, on SQLite
        the database write lock, is held to the commit, so mirror writers run one at a time and
        each sees what the previous one committed."""
        with self._sessions.begin() as session:
            session.execute(
                update(MirrorSyncStateRow)
                .where(MirrorSyncStateRow.id == STATE_ID)
                .values(write_seq=MirrorSyncStateRow.write_seq + 1)
            )
            yield session

    # -- state ---------------------------------------------------------------------------------
    def state(self) -> SyncState:
        with self.read() as session:
            row = session.get_one(MirrorSyncStateRow, STATE_ID)
            return SyncState(
                first_started_at=row.first_started_at,
                first_window_from=row.first_window_from,
                first_pages_done=row.first_pages_done,
                first_done_at=row.first_done_at,
                cursor=row.cursor,
                last_success_at=row.last_success_at,
                last_webhook_at=row.last_webhook_at,
                last_reread_at=row.last_reread_at,
                week_start=row.week_start,
                webhook_id=row.webhook_id,
                has_secret=bool(row.webhook_secret),
            )

    def set_state(self, session: Session, **values: Any) -> None:
        session.execute(
            update(MirrorSyncStateRow).where(MirrorSyncStateRow.id == STATE_ID).values(**values)
        )

    def update_state(self, **values: Any) -> None:
        with self.write() as session:
            self.set_state(session, **values)

    def webhook_secret(self) -> str | None:
        with self.read() as session:
            return session.get_one(MirrorSyncStateRow, STATE_ID).webhook_secret

    # -- lease ---------------------------------------------------------------------------------
    def try_lease(self, owner: str, ttl: dt.timedelta) -> bool:
        """Take (or renew) the sync lease by compare-and-set: free, expired or already ours."""
        now = self.clock()
        state = MirrorSyncStateRow
        with self._sessions.begin() as session:
            result = session.execute(
                update(state)
                .where(
                    state.id == STATE_ID,
                    or_(
                        state.lease_owner.is_(None),
                        state.lease_until < now,
                        state.lease_owner == owner,
                    ),
                )
                .values(lease_owner=owner, lease_until=now + ttl)
            )
            return bool(result.rowcount)  # type: ignore[attr-defined]

    def release_lease(self, owner: str) -> None:
        state = MirrorSyncStateRow
        with self._sessions.begin() as session:
            session.execute(
                update(state)
                .where(state.id == STATE_ID, state.lease_owner == owner)
                .values(lease_owner=None, lease_until=None)
            )

    # -- log -----------------------------------------------------------------------------------
    def log_start(self, kind: str) -> int:
        with self._sessions.begin() as session:
            row = MirrorSyncLogRow(kind=kind, started_at=self.clock())
            session.add(row)
            session.flush()
            return row.id

    def log_finish(
        self, log_id: int, *, requests: int, upserted: int, deleted: int, error: str | None
    ) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(MirrorSyncLogRow)
                .where(MirrorSyncLogRow.id == log_id)
                .values(
                    finished_at=self.clock(),
                    requests=requests,
                    rows_upserted=upserted,
                    rows_deleted=deleted,
                    error=error,
                )
            )

    def log(self, limit: int = 20) -> list[SyncLogEntry]:
        with self.read() as session:
            found = session.scalars(
                select(MirrorSyncLogRow).order_by(MirrorSyncLogRow.id.desc()).limit(limit)
            )
            return [
                SyncLogEntry(
                    r.kind,
                    r.started_at,
                    r.finished_at,
                    r.requests,
                    r.rows_upserted,
                    r.rows_deleted,
                    r.error,
                )
                for r in found
            ]

    def counts(self) -> dict[str, int]:
        tables = {
            "teams": MirrorTeamRow,
            "users": MirrorUserRow,
            "projects": MirrorProjectRow,
            "entries": MirrorEntryRow,
            "deliveries": MirrorDeliveryRow,
        }
        with self.read() as session:
            return {
                name: int(session.scalar(select(func.count()).select_from(model)) or 0)
                for name, model in tables.items()
            }

    # -- upserts -------------------------------------------------------------------------------
    def _upsert(
        self,
        session: Session,
        table: Table,
        values: Sequence[Mapping[str, Any]],
        *,
        newer_only: bool = True,
    ) -> int:
        """Insert or update by id; with ``newer_only`` a row is replaced only by a copy at least
        as recent (an older page read before a webhook must not undo it)."""
        if not values:
            return 0
        stmt = _dialect_insert(session, table)
        columns = {k: stmt.excluded[k] for k in values[0] if k != "id"}
        where = None
        if newer_only:
            where = or_(
                table.c.updated_at.is_(None),
                stmt.excluded.updated_at.is_(None),
                table.c.updated_at <= stmt.excluded.updated_at,
            )
        # executemany: one compiled statement, batched by SQLAlchemy's insertmanyvalues.
        session.execute(
            stmt.on_conflict_do_update(index_elements=["id"], set_=columns, where=where),
            list(values),
        )
        return len(values)

    def _insert_missing(
        self, session: Session, table: Table, values: Sequence[Mapping[str, Any]]
    ) -> None:
        """Rows for ids not yet stored (a simple user inside a team or an entry)."""
        unique = list({v["id"]: v for v in values}.values())
        if unique:
            stmt = _dialect_insert(session, table).on_conflict_do_nothing(index_elements=["id"])
            session.execute(stmt, unique)

    def upsert_entries(self, session: Session, entries: Sequence[Mapping[str, Any]]) -> int:
        """Store entries (skipping ones Noko said it deleted); returns how many were stored."""
        now = self.clock()
        ids = [int(e["id"]) for e in entries]
        dead = self._tombstoned(session, ids)
        kept = [e for e in entries if int(e["id"]) not in dead]
        users = [rows.simple_user_row(e["user"], now) for e in kept]
        projects = [rows.simple_project_row(e["project"], now) for e in kept if e.get("project")]
        self._insert_missing(session, _table(MirrorUserRow), users)
        self._insert_missing(session, _table(MirrorProjectRow), projects)
        values = [rows.entry_row(e, now) for e in kept]
        return self._upsert(session, _table(MirrorEntryRow), values)

    def _tombstoned(self, session: Session, ids: Sequence[int]) -> set[int]:
        found: set[int] = set()
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            found.update(
                session.scalars(
                    select(MirrorTombstoneRow.id).where(MirrorTombstoneRow.id.in_(chunk))
                )
            )
        return found

    def delete_entry(self, session: Session, entry_id: int) -> int:
        """Noko deleted the entry: remove it and remember that it is gone."""
        now = self.clock()
        gone = session.execute(delete(MirrorEntryRow).where(MirrorEntryRow.id == entry_id))
        self._insert_missing(
            session,
            _table(MirrorTombstoneRow),
            [{"id": entry_id, "deleted_at": now}],
        )
        return int(gone.rowcount)  # type: ignore[attr-defined]

    def upsert_teams(self, session: Session, teams: Sequence[Mapping[str, Any]]) -> int:
        now = self.clock()
        members = [u for t in teams for u in t.get("users") or []]
        self._insert_missing(
            session,
            _table(MirrorUserRow),
            [rows.simple_user_row(u, now) for u in members],
        )
        count = self._upsert(
            session,
            _table(MirrorTeamRow),
            [rows.team_row(t, now) for t in teams],
        )
        ids = [int(t["id"]) for t in teams]
        self._replace_links(
            session,
            _table(MirrorTeamMemberRow),
            "team_id",
            ids,
            [
                {"team_id": int(t["id"]), "user_id": int(u["id"])}
                for t in teams
                for u in t.get("users") or []
            ],
        )
        return count

    def delete_team(self, session: Session, team_id: int) -> int:
        session.execute(delete(MirrorTeamMemberRow).where(MirrorTeamMemberRow.team_id == team_id))
        gone = session.execute(delete(MirrorTeamRow).where(MirrorTeamRow.id == team_id))
        return int(gone.rowcount)  # type: ignore[attr-defined]

    def upsert_users(self, session: Session, users: Sequence[Mapping[str, Any]]) -> int:
        now = self.clock()
        values = [rows.user_row(u, now) for u in users]
        return self._upsert(session, _table(MirrorUserRow), values)

    def delete_user(self, session: Session, user_id: int) -> int:
        session.execute(delete(MirrorTeamMemberRow).where(MirrorTeamMemberRow.user_id == user_id))
        session.execute(delete(MirrorParticipantRow).where(MirrorParticipantRow.user_id == user_id))
        gone = session.execute(
            update(MirrorUserRow).where(MirrorUserRow.id == user_id).values(deleted=True)
        )
        return int(gone.rowcount)  # type: ignore[attr-defined]

    def upsert_projects(self, session: Session, projects: Sequence[Mapping[str, Any]]) -> int:
        now = self.clock()
        people = [u for p in projects for u in p.get("participants") or []]
        self._insert_missing(
            session,
            _table(MirrorUserRow),
            [rows.simple_user_row(u, now) for u in people],
        )
        values = [rows.project_row(p, now) for p in projects]
        count = self._upsert(session, _table(MirrorProjectRow), values)
        links = [
            {"project_id": int(p["id"]), "user_id": int(u["id"])}
            for p in projects
            for u in p.get("participants") or []
        ]
        ids = [int(p["id"]) for p in projects]
        self._replace_links(session, _table(MirrorParticipantRow), "project_id", ids, links)
        return count

    def delete_project(self, session: Session, project_id: int) -> int:
        session.execute(
            delete(MirrorParticipantRow).where(MirrorParticipantRow.project_id == project_id)
        )
        gone = session.execute(
            update(MirrorProjectRow).where(MirrorProjectRow.id == project_id).values(deleted=True)
        )
        return int(gone.rowcount)  # type: ignore[attr-defined]

    def _replace_links(
        self,
        session: Session,
        table: Table,
        owner: str,
        owner_ids: Sequence[int],
        links: Sequence[Mapping[str, int]],
    ) -> None:
        for start in range(0, len(owner_ids), ID_CHUNK):
            chunk = owner_ids[start : start + ID_CHUNK]
            session.execute(delete(table).where(table.c[owner].in_(chunk)))
        unique = list({(link[owner], link["user_id"]): link for link in links}.values())
        if unique:
            session.execute(insert(table), unique)

    def drop_unseen(
        self, session: Session, kind: str, seen_ids: set[int], before: dt.datetime
    ) -> int:
        """After a full read of ``kind`` begun at ``before``: rows it did not list and nobody
        wrote since are gone from Noko."""
        model: Any = {"teams": MirrorTeamRow, "users": MirrorUserRow, "projects": MirrorProjectRow}[
            kind
        ]
        stale = [
            i
            for i in session.scalars(select(model.id).where(model.seen_at < before))
            if i not in seen_ids
        ]
        dropped = 0
        for item in stale:
            if kind == "teams":
                dropped += self.delete_team(session, item)
            elif kind == "users":
                dropped += self.delete_user(session, item)
            else:
                dropped += self.delete_project(session, item)
        return dropped

    # -- window re-read ------------------------------------------------------------------------
    def delete_entries_missing(
        self,
        session: Session,
        start: dt.date,
        end: dt.date,
        noko_ids: set[int],
        before: dt.datetime,
    ) -> int:
        """Entries dated ``start``..``end`` that Noko no longer lists, written before ``before``
        (the re-read's start: a webhook's newer row stays)."""
        entry = MirrorEntryRow
        mine = session.scalars(
            select(entry.id).where(
                and_(entry.date >= start, entry.date <= end, entry.seen_at < before)
            )
        )
        missing = [i for i in mine if i not in noko_ids]
        for begin in range(0, len(missing), ID_CHUNK):
            chunk = missing[begin : begin + ID_CHUNK]
            session.execute(delete(entry).where(entry.id.in_(chunk)))
        return len(missing)

    def prune_before(self, session: Session, start: dt.date, delivered_before: dt.datetime) -> int:
        """Drop entries older than the window and delivery ids too old to be redelivered."""
        session.execute(
            delete(MirrorDeliveryRow).where(MirrorDeliveryRow.received_at < delivered_before)
        )
        gone = session.execute(delete(MirrorEntryRow).where(MirrorEntryRow.date < start))
        return int(gone.rowcount)  # type: ignore[attr-defined]

    # -- webhook deliveries --------------------------------------------------------------------
    def claim_delivery(self, session: Session, delivery_id: str) -> bool:
        """Record a delivery inside the write that applies it; False if already applied."""
        exists = session.get(MirrorDeliveryRow, delivery_id)
        if exists is not None:
            return False
        session.add(MirrorDeliveryRow(delivery_id=delivery_id, received_at=self.clock()))
        session.flush()
        return True

    def apply_delivery(
        self, key: str, change: tuple[str, str, Mapping[str, Any]] | None
    ) -> tuple[bool, int, int]:
        """Apply one webhook delivery at most once: (applied, rows upserted, rows deleted).
        ``change`` is (family, "changed" | "deleted", object); None changes nothing."""
        upserted = deleted = 0
        with self.write() as session:
            if not self.claim_delivery(session, key):
                return False, 0, 0
            if change is not None:
                family, action, obj = change
                if action == "deleted":
                    deleted = self._deleters[family](session, int(obj["id"]))
                else:
                    upserted = self._upserters[family](session, [obj])
            self.set_state(session, last_webhook_at=self.clock())
        return True, upserted, deleted

    @property
    def _upserters(self) -> dict[str, Callable[[Session, Sequence[Mapping[str, Any]]], int]]:
        return {
            "entry": self.upsert_entries,
            "team": self.upsert_teams,
            "user": self.upsert_users,
            "project": self.upsert_projects,
        }

    @property
    def _deleters(self) -> dict[str, Callable[[Session, int], int]]:
        return {
            "entry": self.delete_entry,
            "team": self.delete_team,
            "user": self.delete_user,
            "project": self.delete_project,
        }
