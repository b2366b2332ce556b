"""The working calendar: the workspace's holidays and the absences people declare.

Revision ID: 0007_calendar
Revises: 0006_silent
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_calendar"
down_revision = "0006_silent"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holidays",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("created_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("slack_user_id", sa.String(32), nullable=False, index=True),
        sa.Column("email", sa.Text),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("until", sa.Date, nullable=False, index=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("absences")
    op.drop_table("holidays")
