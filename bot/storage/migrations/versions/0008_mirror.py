"""The mirror of the Noko account: teams, users, projects, entries, sync state and logs.

Revision ID: 0008_mirror
Revises: 0007_calendar
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_mirror"
down_revision = "0007_calendar"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column[object]]:
    return [sa.Column("updated_at", sa.DateTime), sa.Column("seen_at", sa.DateTime, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "mirror_teams",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False),
        *_stamps(),
    )
    op.create_table(
        "mirror_team_members",
        sa.Column(
            "team_id",
            sa.Integer,
            sa.ForeignKey("mirror_teams.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_id", sa.Integer, primary_key=True, index=True),
    )
    op.create_table(
        "mirror_users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("first_name", sa.Text, nullable=False),
        sa.Column("last_name", sa.Text, nullable=False),
        sa.Column("profile_image_url", sa.Text),
        sa.Column("role", sa.String(32)),
        sa.Column("state", sa.String(32)),
        *_stamps(),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "mirror_projects",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("billing_increment", sa.Integer),
        sa.Column("enabled", sa.Boolean),
        sa.Column("billable", sa.Boolean),
        sa.Column("color", sa.String(16)),
        *_stamps(),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "mirror_project_participants",
        sa.Column(
            "project_id",
            sa.Integer,
            sa.ForeignKey("mirror_projects.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_id", sa.Integer, primary_key=True),
    )
    op.create_table(
        "mirror_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("project_id", sa.Integer),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("billable", sa.Boolean, nullable=False),
        sa.Column("approved", sa.Boolean, nullable=False),
        sa.Column("approved_at", sa.DateTime),
        sa.Column("description", sa.Text),
        *_stamps(),
    )
    op.create_index("ix_mirror_entries_user_date", "mirror_entries", ["user_id", "date"])
    op.create_index("ix_mirror_entries_date", "mirror_entries", ["date"])
    op.create_index("ix_mirror_entries_updated_at", "mirror_entries", ["updated_at"])
    op.create_table(
        "mirror_entry_tombstones",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("deleted_at", sa.DateTime, nullable=False),
    )
    state = op.create_table(
        "mirror_sync_state",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("first_started_at", sa.DateTime),
        sa.Column("first_window_from", sa.Date),
        sa.Column("first_pages_done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_done_at", sa.DateTime),
        sa.Column("cursor", sa.DateTime),
        sa.Column("last_success_at", sa.DateTime),
        sa.Column("last_webhook_at", sa.DateTime),
        sa.Column("last_reread_at", sa.DateTime),
        sa.Column("week_start", sa.Integer),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_until", sa.DateTime),
        sa.Column("write_seq", sa.Integer, nullable=False, server_default="0"),
        sa.Column("webhook_id", sa.Integer),
        sa.Column("webhook_secret", sa.Text),
    )
    op.bulk_insert(state, [{"id": 1, "first_pages_done": 0, "write_seq": 0}])
    op.create_table(
        "mirror_sync_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=False, index=True),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("requests", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_upserted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_deleted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "mirror_webhook_deliveries",
        sa.Column("delivery_id", sa.String(64), primary_key=True),
        sa.Column("received_at", sa.DateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    for table in (
        "mirror_webhook_deliveries",
        "mirror_sync_log",
        "mirror_sync_state",
        "mirror_entry_tombstones",
        "mirror_entries",
        "mirror_project_participants",
        "mirror_projects",
        "mirror_users",
        "mirror_team_members",
        "mirror_teams",
    ):
        op.drop_table(table)
