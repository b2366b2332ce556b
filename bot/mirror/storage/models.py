"""SQLAlchemy tables of the mirror: one Noko account's teams, users, projects and time entries,
plus the state of syncing them (progress, cursor, lease, webhook) and a log of every sync."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base, UTCDateTime

STATE_ID = 1  # the one row of mirror_sync_state, created by the migration
# Noko's ids: BIGINT on PostgreSQL (an INTEGER there stops at 2^31-1); SQLite's INTEGER is
# 64 bits already.
NokoId = BigInteger().with_variant(Integer(), "sqlite")


class MirrorTeamRow(Base):
    __tablename__ = "mirror_teams"

    id: Mapped[int] = mapped_column(NokoId, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When the mirror last wrote the row (our clock): a refresh that began later and did not
    # see the team deletes it; one that began earlier must not (a webhook may have added it).
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MirrorTeamMemberRow(Base):
    __tablename__ = "mirror_team_members"

    team_id: Mapped[int] = mapped_column(
        NokoId, ForeignKey("mirror_teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(NokoId, primary_key=True, index=True)


class MirrorUserRow(Base):
    __tablename__ = "mirror_users"

    id: Mapped[int] = mapped_column(NokoId, primary_key=True, autoincrement=False)
    email: Mapped[str] = mapped_column(Text)
    first_name: Mapped[str] = mapped_column(Text)
    last_name: Mapped[str] = mapped_column(Text)
    profile_image_url: Mapped[str | None] = mapped_column(Text)
    # NULL until the user itself is read: a row made from a team's or an entry's simple user.
    role: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Kept (entries still name the user) but no longer listed.
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class MirrorProjectRow(Base):
    __tablename__ = "mirror_projects"

    id: Mapped[int] = mapped_column(NokoId, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(Text)
    billing_increment: Mapped[int | None] = mapped_column(Integer)
    enabled: Mapped[bool | None] = mapped_column(Boolean)
    billable: Mapped[bool | None] = mapped_column(Boolean)
    color: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class MirrorParticipantRow(Base):
    __tablename__ = "mirror_project_participants"

    project_id: Mapped[int] = mapped_column(
        NokoId, ForeignKey("mirror_projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(NokoId, primary_key=True)


class MirrorEntryRow(Base):
    __tablename__ = "mirror_entries"
    __table_args__ = (
        Index("ix_mirror_entries_user_date", "user_id", "date"),
        Index("ix_mirror_entries_date", "date"),
        Index("ix_mirror_entries_updated_at", "updated_at"),
    )

    id: Mapped[int] = mapped_column(NokoId, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(NokoId)
    project_id: Mapped[int | None] = mapped_column(NokoId)  # its name: mirror_projects
    date: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    billable: Mapped[bool] = mapped_column(Boolean)
    approved: Mapped[bool] = mapped_column(Boolean)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    description: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MirrorTombstoneRow(Base):
    """An entry Noko told us it deleted: a page read before the deletion must not bring it back
    (Noko never reuses an entry id)."""

    __tablename__ = "mirror_entry_tombstones"

    id: Mapped[int] = mapped_column(NokoId, primary_key=True, autoincrement=False)
    deleted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MirrorSyncStateRow(Base):
    __tablename__ = "mirror_sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # First sync: begun at, the window's first date, entry pages stored so far, finished at.
    first_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    first_window_from: Mapped[dt.date | None] = mapped_column(Date)
    first_pages_done: Mapped[int] = mapped_column(Integer, default=0)
    first_done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Incremental sync asks for entries updated since this instant.
    cursor: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_webhook_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_reread_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    week_start: Mapped[int | None] = mapped_column(Integer)
    # One sync at a time across processes: a lease taken and renewed by compare-and-set.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Bumped first in every mirror write: the row lock (SQLite: the write lock) serializes
    # the writers, so a webhook and a sync page never interleave.
    write_seq: Mapped[int] = mapped_column(Integer, default=0)
    webhook_id: Mapped[int | None] = mapped_column(Integer)
    webhook_secret: Mapped[str | None] = mapped_column(Text)


class MirrorSyncLogRow(Base):
    __tablename__ = "mirror_sync_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # first, incremental, reread, webhook
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    rows_upserted: Mapped[int] = mapped_column(Integer, default=0)
    rows_deleted: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class MirrorDeliveryRow(Base):
    """A webhook delivery (X-Noko-Delivery) already applied: a redelivery is applied once."""

    __tablename__ = "mirror_webhook_deliveries"

    delivery_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
