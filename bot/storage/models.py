"""SQLAlchemy tables of the bot: audit log, digest subscriptions, digest runs, undo offers,
holidays and absences."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores naive UTC and hands back aware UTC: SQLite drops offsets, so never store them."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware UTC datetime")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    pass


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    team_id: Mapped[int | None] = mapped_column(Integer)
    # Text: it holds what people typed (bounded by bot.services.inputs, not by the column).
    team_name: Mapped[str | None] = mapped_column(Text)
    noko_user_ids: Mapped[list[int]] = mapped_column(JSON)
    result: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SubscriptionRow(Base):
    __tablename__ = "digest_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, index=True)
    team_name: Mapped[str] = mapped_column(String(255))
    channel_id: Mapped[str] = mapped_column(String(32), index=True)
    cadence: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int | None] = mapped_column(Integer)
    day_of_month: Mapped[int | None] = mapped_column(Integer)
    local_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(32))
    # The creator's Noko read level when subscribing (bot.services.access.LEVELS); NULL for
    # subscriptions made while reading was open to all.
    read_level: Mapped[str | None] = mapped_column(String(16))
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The earliest instant a tick must plan this subscription (NULL while paused): a tick reads
    # only the rows due by now. Set to "now" on every change; the clock moves it to the next
    # occurrence once the due periods are taken (bot.scheduler.runner).
    next_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)


class RunRow(Base):
    __tablename__ = "digest_runs"
    # The unique pair is the exactly-once guarantee: whoever inserts it first owns the post.
    __table_args__ = (UniqueConstraint("subscription_id", "period_key", name="uq_digest_run"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("digest_subscriptions.id", ondelete="CASCADE"), index=True
    )
    period_key: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), index=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    slack_ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # State "retry": the clock claims the row again from this instant (compare-and-set).
    retry_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class UndoRow(Base):
    """An Undo button's change: kept server-side under an opaque id, so a forged button value
    can name no change; usable once, until ``expires_at``."""

    __tablename__ = "undo_offers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    # The change that undoes the offered one: "add", "remove", "rename" or "delete".
    action: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int] = mapped_column(Integer)
    team_name: Mapped[str] = mapped_column(Text)
    old_name: Mapped[str | None] = mapped_column(Text)  # a rename's name to give back
    noko_user_ids: Mapped[list[int]] = mapped_column(JSON)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    used_by: Mapped[str | None] = mapped_column(String(32))


class HolidayRow(Base):
    """A workspace holiday: no daily digest that day, and nobody is expected to log time."""

    __tablename__ = "holidays"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    name: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AbsenceRow(Base):
    """Someone away from ``start`` to ``until`` (inclusive); ``email`` ties them to Noko."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), index=True)
    email: Mapped[str | None] = mapped_column(Text)
    start: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date] = mapped_column(Date, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
