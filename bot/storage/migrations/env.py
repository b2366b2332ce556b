"""Alembic environment: runs migrations on the engine handed over by bot.storage.db."""

from __future__ import annotations

from alembic import context

from bot.storage.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("run migrations through bot.storage.upgrade(), not the alembic CLI")
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        # Processes migrating together are serialized by bot.storage.lock.migration_lock, held
        # around this by bot.storage.db.upgrade_engine (the one way in).
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
run_migrations_online()
