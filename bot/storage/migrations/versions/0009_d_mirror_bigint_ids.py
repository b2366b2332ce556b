"""The mirror's Noko ids as BIGINT on PostgreSQL, whose INTEGER stops at 2^31-1 (a larger id
stopped every sync); SQLite's INTEGER holds 64 bits already and is left as it is.

Revision ID: 0009_d_mirror_bigint_ids
Revises: 0008_mirror
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_d_mirror_bigint_ids"
down_revision = "0008_mirror"
branch_labels = None
depends_on = None

COLUMNS = (
    ("mirror_teams", "id"),
    ("mirror_team_members", "team_id"),
    ("mirror_team_members", "user_id"),
    ("mirror_users", "id"),
    ("mirror_projects", "id"),
    ("mirror_project_participants", "project_id"),
    ("mirror_project_participants", "user_id"),
    ("mirror_entries", "id"),
    ("mirror_entries", "user_id"),
    ("mirror_entries", "project_id"),
    ("mirror_entry_tombstones", "id"),
)


def _retype(old: type[sa.types.TypeEngine[int]], new: type[sa.types.TypeEngine[int]]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=new(), existing_type=old())


def upgrade() -> None:
    _retype(sa.Integer, sa.BigInteger)


def downgrade() -> None:
    _retype(sa.BigInteger, sa.Integer)
