"""The mirror's sessions and sync state: every write serialized on the state row, the
one-sync-at-a-time lease (compare-and-set), the sync log and row counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Engine, Table, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.mirror.storage.models import (
    STATE_ID,
    MirrorDeliveryRow,
    MirrorEntryRow,
    MirrorProjectRow,
    MirrorSyncLogRow,
    MirrorSyncStateRow,
    MirrorTeamRow,
    MirrorUserRow,
)

Clock = Callable[[], dt.datetime]
ID_CHUNK = 500  # ids per IN (...) list: far below SQLite's bound variables limit


def table_of(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def dialect_insert(session: Session, table: Table) -> Any:
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


@dataclass(frozen=True)
class Mark:
    """What readers check on every call, in one small query: the write counter (any mirror
    write bumps it), whether the first sync has finished, and how fresh the mirror is."""

    write_seq: int
    first_done_at: dt.datetime | None
    last_success_at: dt.datetime | None
    last_webhook_at: dt.datetime | None


# Built once: readers ask for it on every call.
_MARK = select(
    MirrorSyncStateRow.write_seq,
    MirrorSyncStateRow.first_done_at,
    MirrorSyncStateRow.last_success_at,
    MirrorSyncStateRow.last_webhook_at,
).where(MirrorSyncStateRow.id == STATE_ID)


class StateStore:
    """Sessions, sync state, lease and log of the mirror. Thread-safe: one session per call."""

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
    def mark(self) -> Mark:
        with self.engine.connect() as connection:  # the columns' types make the stamps aware
            seq, done, success, webhook = connection.execute(_MARK).one()
        return Mark(int(seq or 0), done, success, webhook)

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
