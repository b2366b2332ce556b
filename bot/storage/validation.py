"""Checks on subscription fields, so no row the scheduler cannot interpret is ever stored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from bot.storage.records import SCHEDULE_FIELDS, Problem, Schedule, schedule_problems

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
        "created_by",
        "read_level",
    }
)


class SubscriptionError(ValueError):
    """Subscription fields are invalid; ``problems`` name each field and say why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.text}" for p in problems))
        self.problems = tuple(problems)


def check_subscription(fields: Mapping[str, Any]) -> Schedule:
    """The schedule of a complete field set, or SubscriptionError if it cannot be scheduled."""
    if not isinstance(fields.get("options") or {}, dict):
        raise SubscriptionError([Problem("options", "options must be a JSON object")])
    try:
        return Schedule.model_validate({k: fields[k] for k in SCHEDULE_FIELDS if k in fields})
    except ValidationError as error:
        raise SubscriptionError(schedule_problems(error)) from None


def check_changes(changes: Mapping[str, Any]) -> None:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise SubscriptionError([Problem("fields", f"cannot change {', '.join(sorted(unknown))}")])
