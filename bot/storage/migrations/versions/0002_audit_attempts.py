"""Audit attempts: unbounded team names, and when an attempt was completed.

A change is recorded before Noko is asked (result "pending") and completed afterwards, so the
row must accept whatever the inputs allow: a varchar(255) name that overflowed lost the audit of
a change Noko had already made.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite cannot ALTER a column's type in place.
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("team_name", existing_type=sa.String(255), type_=sa.Text)
        batch.add_column(sa.Column("finished_at", sa.DateTime))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("finished_at")
        batch.alter_column("team_name", existing_type=sa.Text, type_=sa.String(255))
