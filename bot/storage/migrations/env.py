"""Alembic environment: runs migrations on the engine handed over by bot.storage.db."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from bot.storage.models import Base

# Any constant works; it only has to be the same for every process migrating this database.
MIGRATION_LOCK_KEY = 7_340_001

target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("run migrations through bot.storage.upgrade(), not the alembic CLI")
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Two dynos starting together must not both create the tables.
                connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"))
            context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
