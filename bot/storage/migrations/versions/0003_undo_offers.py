"""Undo offers: the change an Undo button makes, stored under an opaque id with its expiry.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "undo_offers",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
        sa.Column("slack_user_id", sa.String(32), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("team_id", sa.Integer, nullable=False),
        sa.Column("team_name", sa.Text, nullable=False),
        sa.Column("old_name", sa.Text),
        sa.Column("noko_user_ids", sa.JSON, nullable=False),
        sa.Column("used_at", sa.DateTime),
        sa.Column("used_by", sa.String(32)),
    )


def downgrade() -> None:
    op.drop_table("undo_offers")
