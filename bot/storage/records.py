"""Plain frozen records the repository returns (never ORM objects, so no session leaks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

CADENCES = ("daily", "weekly", "monthly")
# "pending": recorded before Noko is asked; the others complete it.
AUDIT_RESULTS = ("pending", "ok", "failed", "denied", "unknown")


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: dt.datetime
    slack_user_id: str
    action: str
    team_id: int | None
    team_name: str | None
    noko_user_ids: tuple[int, ...]
    result: str
    detail: str | None
    finished_at: dt.datetime | None = None


@dataclass(frozen=True)
class Subscription:
    """A channel's digest of one Noko team. ``weekday`` 0=Monday; ``day_of_month`` 1-31."""

    id: int
    team_id: int
    team_name: str
    channel_id: str
    cadence: str
    weekday: int | None
    day_of_month: int | None
    local_time: str
    timezone: str
    created_by: str
    paused: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    @property
    def time_of_day(self) -> dt.time:
        hours, minutes = self.local_time.split(":")
        return dt.time(int(hours), int(minutes))


@dataclass(frozen=True)
class Run:
    """One claimed (or missed) period of a subscription; unique per (subscription, period key)."""

    id: int
    subscription_id: int
    period_key: str
    state: str
    late: bool
    due_at: dt.datetime | None
    slack_ts: str | None
    error: str | None
    claimed_at: dt.datetime
    finished_at: dt.datetime | None
