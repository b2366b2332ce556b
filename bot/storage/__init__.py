"""Storage: SQLAlchemy engine, Alembic migrations and the repository (the only SQL in the bot)."""

from __future__ import annotations

from bot.storage.db import (
    DatabaseUnavailableError,
    SchemaState,
    make_engine,
    missing_sqlite_file,
    safe_url,
    schema_state,
    upgrade,
    upgrade_engine,
)
from bot.storage.records import AuditRecord, Holiday, Run, Schedule, Subscription, UndoOffer
from bot.storage.repository import Clock, Repository
from bot.storage.validation import SubscriptionError

__all__ = [
    "AuditRecord",
    "Clock",
    "DatabaseUnavailableError",
    "Holiday",
    "Repository",
    "Run",
    "Schedule",
    "SchemaState",
    "Subscription",
    "SubscriptionError",
    "UndoOffer",
    "missing_sqlite_file",
    "open_repository",
    "safe_url",
    "schema_state",
    "upgrade",
]


def open_repository(
    database_url: str, *, migrate: bool = True, clock: Clock | None = None
) -> Repository:
    """Connect (``postgres://`` accepted) and, unless told not to, migrate to the latest schema."""
    engine = make_engine(database_url)
    if migrate:
        upgrade_engine(engine)
    return Repository(engine, clock=clock) if clock else Repository(engine)
