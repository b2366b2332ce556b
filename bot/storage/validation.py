"""Checks on subscription fields, so no row the scheduler cannot interpret is ever stored."""

from __future__ import annotations

import re
from typing import Any

from bot.storage.records import CADENCES
from bot.zones import is_zone

_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
EDITABLE = frozenset(
    {
        "team_id",
        "team_name",
        "channel_id",
        "cadence",
        "weekday",
        "day_of_month",
        "local_time",
        "timezone",
        "options",
        "paused",
    }
)


class SubscriptionError(ValueError):
    """A subscription field is invalid; the message names the field."""


def check_subscription(fields: dict[str, Any]) -> None:
    """Raise SubscriptionError unless the complete field set describes a schedulable digest."""
    cadence = fields["cadence"]
    if cadence not in CADENCES:
        raise SubscriptionError(f"cadence must be one of {', '.join(CADENCES)}, not {cadence!r}")
    weekday, day = fields.get("weekday"), fields.get("day_of_month")
    if cadence == "weekly" and not (isinstance(weekday, int) and 0 <= weekday <= 6):
        raise SubscriptionError("a weekly digest needs weekday 0 (Monday) to 6 (Sunday)")
    if cadence == "monthly" and not (isinstance(day, int) and 1 <= day <= 31):
        raise SubscriptionError("a monthly digest needs day_of_month 1 to 31")
    if not _TIME.match(str(fields["local_time"])):
        raise SubscriptionError(f"local_time must be HH:MM (24 h), not {fields['local_time']!r}")
    if not is_zone(str(fields["timezone"])):
        raise SubscriptionError(f"unknown time zone {fields['timezone']!r}")
    if not isinstance(fields.get("options") or {}, dict):
        raise SubscriptionError("options must be a JSON object")


def check_changes(changes: dict[str, Any]) -> None:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise SubscriptionError(f"cannot change {', '.join(sorted(unknown))}")
