"""Database locks: the advisory lock electing the one active scheduler, and the migration lock."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX; SQLite migrations then run unserialized
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

# Scoped by schema so separate deployments (or test schemas) sharing a server don't contend.
_TRY = "SELECT pg_try_advisory_lock(hashtext('noko-bot-scheduler:' || current_schema()))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtext('noko-bot-scheduler:' || current_schema()))"


class SchedulerLock:
    """Held on one dedicated connection: the server frees it when that connection dies."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None
        self._mutex = threading.Lock()

    def try_acquire(self) -> bool:
        if self._engine.dialect.name != "postgresql":
            return True  # SQLite means a single host; the unique run row still guards it.
        with self._mutex:
            if self._conn is not None and self._alive(self._conn):
                return True
            self._drop()
            conn = self._engine.connect()
            try:
                got = bool(conn.execute(text(_TRY)).scalar())
                conn.commit()
            except SQLAlchemyError:
                conn.close()
                raise
            if got:
                self._conn = conn
            else:
                conn.close()
            return got

    def release(self) -> None:
        with self._mutex:
            if self._conn is not None:
                try:
                    self._conn.execute(text(_UNLOCK))
                    self._conn.commit()
                except SQLAlchemyError:
                    log.debug("advisory unlock failed; closing the connection frees it anyway")
            self._drop()

    def _alive(self, conn: Connection) -> bool:
        try:
            conn.execute(text("SELECT 1"))
            conn.commit()
            return True
        except SQLAlchemyError:
            log.warning("lost the scheduler lock connection; trying to take the lock again")
            return False

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._conn.close()
            self._conn = None


_MIGRATE = "hashtext('noko-bot-migrations:' || current_schema())"


@contextlib.contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Held while Alembic upgrades, so processes starting together migrate one after another:
    the later ones find the schema current. PostgreSQL: a session advisory lock (per schema);
    SQLite: an exclusive flock on a file beside the database (a lock inside the database would
    block the migration's own connection)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text(f"SELECT pg_advisory_lock({_MIGRATE})"))
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text(f"SELECT pg_advisory_unlock({_MIGRATE})"))
                conn.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:") or fcntl is None:
        yield  # no file other processes could share
        return
    with open(Path(database).with_name(Path(database).name + ".migrate-lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
