"""A PostgreSQL session-level advisory lock electing the one active scheduler."""

from __future__ import annotations

import contextlib
import logging
import threading

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

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
