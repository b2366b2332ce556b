"""Digest runs can be tried again: a run that posted nothing waits for ``retry_at``.

A run whose digest could not be built (Noko failing at the due time) or that is re-queued when
the bot joins its channel is in state ``retry`` until the clock claims it again.

Revision ID: 0006_silent
Revises: 0005_scale
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_silent"
down_revision = "0005_scale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digest_runs") as batch:
        batch.add_column(sa.Column("retry_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_digest_runs_retry_at", ["retry_at"])


def downgrade() -> None:
    with op.batch_alter_table("digest_runs") as batch:
        batch.drop_index("ix_digest_runs_retry_at")
        batch.drop_column("attempts")
        batch.drop_column("retry_at")
