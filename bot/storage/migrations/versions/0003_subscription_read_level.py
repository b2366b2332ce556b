"""Digest subscriptions remember their creator's Noko read level.

A channel digest posts what its creator may read in Noko; when the creator's level falls below
the one recorded here, the clock pauses the subscription instead of posting.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digest_subscriptions") as batch:
        batch.add_column(sa.Column("read_level", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("digest_subscriptions") as batch:
        batch.drop_column("read_level")
