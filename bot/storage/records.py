"""Plain frozen records the repository returns (never ORM objects, so no session leaks), and
the one rule for a digest's schedule, which every entry (command, modal, repository) builds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, cast, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from bot.zones import UnknownZoneError, is_zone

Cadence = Literal["daily", "weekly", "monthly"]
CADENCES: tuple[Cadence, ...] = get_args(Cadence)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SCHEDULE_FIELDS = ("cadence", "weekday", "day_of_month", "local_time", "timezone")
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
    # The creator's Noko read level when subscribing; None: made while reading was open to all.
    read_level: str | None = None

    @property
    def schedule(self) -> Schedule:
        # Not validated again: rows were checked on the way in, and a zone the OS later drops
        # must fail that one subscription in the scheduler, not every listing that reads it.
        return Schedule.model_construct(
            cadence=cast(Cadence, self.cadence),
            weekday=self.weekday,
            day_of_month=self.day_of_month,
            local_time=self.local_time,
            timezone=self.timezone,
        )

    @property
    def time_of_day(self) -> dt.time:
        hours, minutes = self.local_time.split(":")
        return dt.time(int(hours), int(minutes))


@dataclass(frozen=True)
class Run:
    """One claimed (or missed) period of a subscription; unique per (subscription, period key).

    States: ``claimed`` (being posted), ``posted``, ``failed`` (nothing posted), ``unknown`` (may
    have posted), ``missed`` (never tried), ``retry`` (nothing posted; claimed again from
    ``retry_at``, ``attempts`` tries so far)."""

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
    retry_at: dt.datetime | None = None
    attempts: int = 0


@dataclass(frozen=True)
class Holiday:
    """A workspace holiday, ``name`` as an admin typed it (None when not given)."""

    day: dt.date
    name: str | None
    created_by: str


@dataclass(frozen=True)
class UndoOffer:
    """The change an Undo button makes (``action`` on ``team_id``), offered by
    ``slack_user_id``'s change until ``expires_at``; ``used_at`` once someone undid it."""

    id: str
    created_at: dt.datetime
    expires_at: dt.datetime
    slack_user_id: str
    action: str
    team_id: int
    team_name: str
    old_name: str | None
    noko_user_ids: tuple[int, ...]
    used_at: dt.datetime | None = None
    used_by: str | None = None


class Schedule(BaseModel):
    """When a digest is posted: daily; weekly on ``weekday`` (0=Monday); monthly on
    ``day_of_month`` (1-31, clamped to short months by the scheduler). ``local_time`` is HH:MM
    (24 h) in the IANA zone ``timezone``. A cadence carries only the day it uses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cadence: Cadence
    weekday: StrictInt | None = Field(default=None, ge=0, le=6, validate_default=True)
    day_of_month: StrictInt | None = Field(default=None, ge=1, le=31, validate_default=True)
    # [0-9], not \d: Unicode digits ("٣") are not a time; the Rust engine's $ is the text's end.
    local_time: StrictStr = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    timezone: StrictStr

    @field_validator("weekday")
    @classmethod
    def _weekday_fits(cls, value: int | None, info: ValidationInfo) -> int | None:
        return _fits(value, info.data.get("cadence"), "weekly", "weekday")

    @field_validator("day_of_month")
    @classmethod
    def _day_fits(cls, value: int | None, info: ValidationInfo) -> int | None:
        return _fits(value, info.data.get("cadence"), "monthly", "day")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not is_zone(value):
            raise PydanticCustomError("unknown_zone", "not a time zone")
        return value

    def describe(self) -> str:
        """ "weekly on Monday at 09:00 (Europe/Berlin)"."""
        when = {
            "weekly": f"weekly on {WEEKDAYS[self.weekday or 0].title()}",
            "monthly": f"monthly on day {self.day_of_month}",
        }.get(self.cadence, self.cadence)
        return f"{when} at {self.local_time} ({self.timezone})"

    def as_words(self) -> str:
        """ "weekly monday 09:00 Europe/Berlin": what `subscribe` reads back into this schedule."""
        day = {"weekly": f" {WEEKDAYS[self.weekday or 0]}", "monthly": f" {self.day_of_month}"}
        return f"{self.cadence}{day.get(self.cadence, '')} {self.local_time} {self.timezone}"


def _fits(value: int | None, cadence: object, uses_it: str, name: str) -> int | None:
    # An invalid cadence is reported on its own; the day is then neither needed nor unused.
    if cadence == uses_it and value is None:
        raise PydanticCustomError(f"{name}_needed", "the cadence needs it")
    if cadence in CADENCES and cadence != uses_it and value is not None:
        raise PydanticCustomError(f"{name}_unused", "the cadence has none", {"cadence": cadence})
    return value


class Problem(NamedTuple):
    """One reason a schedule was refused: the field to blame and a sentence for people."""

    field: str
    text: str


_NEEDED = {
    "cadence": "Pick how often: daily, weekly or monthly.",
    "local_time": "Pick a time (HH:MM).",
    "timezone": "Pick a time zone (e.g. Europe/Berlin).",
    "weekday_needed": "A weekly digest needs a weekday.",
    "day_needed": "A monthly digest needs a day of the month (1-31).",
}
_INVALID = {
    "cadence": "“{}” is not daily, weekly or monthly.",
    "weekday": "“{}” is not a weekday (0 Monday to 6 Sunday).",
    "day_of_month": "“{}” is not a day of the month (1-31).",
    "local_time": "“{}” is not a time (HH:MM).",
}
_UNUSED = {
    "weekday_unused": "A {} digest has no weekday.",
    "day_unused": "A {} digest has no day of the month.",
}


def schedule_problems(error: ValidationError, within: tuple[str, ...] = ()) -> list[Problem]:
    """The one translation of a refused Schedule into sentences people read (command, modal,
    repository alike), in field order; ``within`` is where a model holding one keeps it."""
    depth = len(within)
    return [
        _problem(item, item["loc"][depth:])
        for item in error.errors()
        if item["loc"][:depth] == within
    ]


def _problem(item: ErrorDetails, loc: tuple[int | str, ...]) -> Problem:
    if not loc:
        return Problem("schedule", "That is not a schedule.")
    name, kind, value = str(loc[0]), item["type"], item.get("input")
    if kind in _NEEDED or ((kind == "missing" or value is None) and name in _NEEDED):
        return Problem(name, _NEEDED.get(kind) or _NEEDED[name])
    if kind == "unknown_zone":
        return Problem(name, str(UnknownZoneError(_shown(value))))
    if kind in _UNUSED:
        return Problem(name, _UNUSED[kind].format((item.get("ctx") or {}).get("cadence")))
    if name in _INVALID:
        return Problem(name, _INVALID[name].format(_shown(value)))
    return Problem(name, f"“{_shown(name)}” is not part of a schedule.")


def _shown(value: object) -> str:
    # What was typed goes back to Slack: bounded, and without control characters.
    text = "".join(c if c.isprintable() else "\ufffd" for c in str(value))
    return text if len(text) <= 40 else text[:40] + "…"
