"""Engine creation and schema migrations (Alembic configured in code: no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

from bot.settings import normalise_database_url
from bot.storage.lock import migration_lock

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000


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
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # SQLite ignores ON DELETE CASCADE unless asked on every connection.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(engine: Engine | None = None) -> Config:
    """A programmatic Alembic config pointing at the migrations shipped in the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    # Four dynos (or `db upgrade` next to a starting web process) must not all create the tables.
    with migration_lock(engine):
        command.upgrade(alembic_config(engine), revision)


def upgrade(database_url: str) -> None:
    """Apply every pending migration (`noko-bot db upgrade` and start-up)."""
    engine = make_engine(database_url)
    try:
        upgrade_engine(engine)
    finally:
        engine.dispose()
