"""Engine creation and schema migrations (Alembic configured in code: no alembic.ini needed)."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from bot.settings import normalise_database_url
from bot.storage.lock import migration_lock

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000
# `noko-bot check` against a host that drops packets must not hang for minutes.
CHECK_CONNECT_TIMEOUT_S = 5


class DatabaseUnavailableError(Exception):
    """The database could not be opened or read; the message says why, without a password."""


@dataclass(frozen=True)
class SchemaState:
    """The migrations a database has applied (``current``) and the code's newest (``heads``)."""

    current: tuple[str, ...]
    heads: tuple[str, ...]

    @property
    def at_head(self) -> bool:
        return set(self.current) == set(self.heads)

    @property
    def current_label(self) -> str:
        return ", ".join(self.current) or "empty"


def make_engine(database_url: str) -> Engine:
    """An engine for SQLite (WAL, busy timeout, FKs on) or PostgreSQL via psycopg 3."""
    url = normalise_database_url(database_url)
    if url.startswith("sqlite"):
        # Scheduler, listeners and tests share the file from several threads and processes.
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    _use_wal(cursor)
    # SQLite ignores ON DELETE CASCADE unless asked on every connection.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL (it stays so). The switch needs the file to itself, and SQLite
    answers "database is locked" at once, without waiting out the busy timeout, while another
    connection holds a write lock (another process creating the tables of a fresh file): try
    again until the busy timeout has passed."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def alembic_config(engine: Engine | None = None) -> Config:
    """A programmatic Alembic config pointing at the migrations shipped in the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    # Four dynos (or `db upgrade` next to a starting web process) must not all create the tables.
    with migration_lock(engine), _quiet_alembic():
        command.upgrade(alembic_config(engine), revision)


@contextlib.contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Alembic logs "Context impl SQLiteImpl." and every step at INFO on each start-up: noise in
    every command's output and Heroku's logs. `db upgrade` says itself what it applied; with
    LOG_LEVEL=DEBUG alembic's lines stay."""
    logger = logging.getLogger("alembic")
    saved = logger.level
    if logger.getEffectiveLevel() > logging.DEBUG:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(saved)


def upgrade(database_url: str) -> tuple[SchemaState, SchemaState]:
    """Apply every pending migration (`noko-bot db upgrade` and start-up); the schema before
    and after."""
    engine = make_engine(database_url)
    try:
        before = _schema_of(engine)
        upgrade_engine(engine)
        return before, _schema_of(engine)
    finally:
        engine.dispose()


def safe_url(database_url: str) -> str:
    """The URL to show a person: its password hidden."""
    try:
        return make_url(normalise_database_url(database_url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable database URL)"


def missing_sqlite_file(database_url: str) -> Path | None:
    """The file a SQLite URL names when it does not exist (opening it would create it); None
    for an existing file, an in-memory database or PostgreSQL."""
    url = make_url(normalise_database_url(database_url))
    name = url.database
    if url.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    if name.startswith("file:"):  # a URI filename (…?uri=true)
        name = name[len("file:") :].split("?", 1)[0]
    path = Path(name)
    return None if path.exists() else path


def schema_state(database_url: str) -> SchemaState:
    """Connect and read which migrations are applied, changing nothing; a SQLite file that
    does not exist is reported, not created. Raises DatabaseUnavailableError."""
    missing = missing_sqlite_file(database_url)
    if missing is not None:
        raise DatabaseUnavailableError(f"the SQLite file {missing} does not exist")
    url = normalise_database_url(database_url)
    args = {"connect_timeout": CHECK_CONNECT_TIMEOUT_S} if url.startswith("postgresql") else {}
    engine = create_engine(url, connect_args=args)
    try:
        return _schema_of(engine)
    except SQLAlchemyError as error:
        raise DatabaseUnavailableError(_reason(error)) from None
    finally:
        engine.dispose()


def _schema_of(engine: Engine) -> SchemaState:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    with engine.connect() as connection, _quiet_alembic():
        current = MigrationContext.configure(connection).get_current_heads()
    return SchemaState(tuple(sorted(current)), tuple(sorted(heads)))


def _reason(error: SQLAlchemyError) -> str:
    """The driver's own first line ("connection refused"), not SQLAlchemy's wrapper text."""
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__
