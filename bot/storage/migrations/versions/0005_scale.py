"""Digest subscriptions carry an indexed next-due time, so a tick reads only the due ones.

Back-fill: every active subscription is due at its creation time, so the first tick after the
upgrade plans each of them once (exactly as before) and moves it to its next occurrence.
Paused subscriptions stay NULL: a tick never reads them.

Revision ID: 0005_scale
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_scale"
down_revision = "0004"
branch_labels = None
depends_on = None

INDEX = "ix_digest_subscriptions_next_due_at"


def upgrade() -> None:
    with op.batch_alter_table("digest_subscriptions") as batch:
        batch.add_column(sa.Column("next_due_at", sa.DateTime(), nullable=True))
        batch.create_index(INDEX, ["next_due_at"])
    subscriptions = sa.table(
        "digest_subscriptions",
        sa.column("paused", sa.Boolean()),
        sa.column("created_at", sa.DateTime()),
        sa.column("next_due_at", sa.DateTime()),
    )
    op.execute(
        subscriptions.update()
        .where(subscriptions.c.paused == sa.false())
        .values(next_due_at=subscriptions.c.created_at)
    )


def downgrade() -> None:
    with op.batch_alter_table("digest_subscriptions") as batch:
        batch.drop_index(INDEX)
        batch.drop_column("next_due_at")
