"""Expected hours: working days (counted by services.calendar) times hours per day (a
subscription option, default 8)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_HOURS_PER_DAY = 8.0
MAX_HOURS_PER_DAY = 24.0


def hours_per_day(options: Mapping[str, Any] | None) -> float:
    """The subscription's ``hours_per_day`` option; the default when missing or out of range."""
    value = (options or {}).get("hours_per_day", DEFAULT_HOURS_PER_DAY)
    try:
        hours = float(value)
    except (TypeError, ValueError):
        return DEFAULT_HOURS_PER_DAY
    return hours if 0 < hours <= MAX_HOURS_PER_DAY else DEFAULT_HOURS_PER_DAY


def expected_minutes(workdays: int, hours_per_day: float = DEFAULT_HOURS_PER_DAY) -> int:
    """The minutes one person is expected to log over ``workdays`` days."""
    return round(max(workdays, 0) * hours_per_day * 60)
