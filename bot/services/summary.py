"""Team time summary: totals, hours per member and per project, members without time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.services.people import display_name
from bot.services.periods import Period

NO_PROJECT = "No project"


@dataclass(frozen=True)
class MemberHours:
    user_id: int
    name: str
    email: str | None
    minutes: int
    billable_minutes: int


@dataclass(frozen=True)
class ProjectHours:
    project_id: int | None
    name: str
    minutes: int


@dataclass(frozen=True)
class TeamSummary:
    period: Period
    total_minutes: int
    billable_minutes: int
    entry_count: int
    unapproved_minutes: int
    per_member: tuple[MemberHours, ...]
    per_project: tuple[ProjectHours, ...]
    members_without_time: tuple[MemberHours, ...]

    @property
    def billable_share(self) -> float:
        """Billable minutes / all minutes, 0..1; 0 when nobody logged time."""
        return self.billable_minutes / self.total_minutes if self.total_minutes else 0.0


def summarize(
    entries: Iterable[Mapping[str, Any]], members: Sequence[Mapping[str, Any]], period: Period
) -> TeamSummary:
    """One pass over Noko Entry dicts; only per-user and per-project counters are kept."""
    tally = _Tally()
    for entry in entries:
        tally.add(entry)
    return TeamSummary(
        period=period,
        total_minutes=tally.total,
        billable_minutes=tally.billable,
        entry_count=tally.count,
        unapproved_minutes=tally.unapproved,
        per_member=_members(tally.users, tally.by_user),
        per_project=_projects(tally.by_project),
        members_without_time=_idle(members, tally.by_user),
    )


class _Tally:
    """Running counters; per user [minutes, billable minutes], per project [name, minutes]."""

    def __init__(self) -> None:
        self.users: dict[int, Mapping[str, Any]] = {}
        self.by_user: dict[int, list[int]] = {}
        self.by_project: dict[int | None, list[Any]] = {}
        self.total = self.billable = self.unapproved = self.count = 0

    def add(self, entry: Mapping[str, Any]) -> None:
        minutes = int(entry.get("minutes") or 0)
        user = entry.get("user") or {}
        user_id = int(user.get("id", 0))
        counters = self.by_user.get(user_id)
        if counters is None:
            counters = self.by_user[user_id] = [0, 0]
            self.users[user_id] = user
        counters[0] += minutes
        self.count += 1
        self.total += minutes
        if entry.get("billable"):
            counters[1] += minutes
            self.billable += minutes
        if not entry.get("approved_at"):
            self.unapproved += minutes
        _add_project(self.by_project, entry.get("project"), minutes)


def _add_project(
    by_project: dict[int | None, list[Any]], project: Mapping[str, Any] | None, minutes: int
) -> None:
    project_id = int(project["id"]) if project and project.get("id") is not None else None
    slot = by_project.get(project_id)
    if slot is None:
        name = str(project.get("name") or NO_PROJECT) if project else NO_PROJECT
        slot = by_project[project_id] = [name, 0]
    slot[1] += minutes


def _members(
    users: Mapping[int, Mapping[str, Any]], by_user: Mapping[int, list[int]]
) -> tuple[MemberHours, ...]:
    rows = [
        MemberHours(uid, display_name(users[uid]), users[uid].get("email"), mins, bill)
        for uid, (mins, bill) in by_user.items()
    ]
    rows.sort(key=lambda m: (-m.minutes, m.name.lower(), m.user_id))
    return tuple(rows)


def _projects(by_project: Mapping[int | None, list[Any]]) -> tuple[ProjectHours, ...]:
    rows = [ProjectHours(pid, name, mins) for pid, (name, mins) in by_project.items()]
    rows.sort(key=lambda p: (-p.minutes, p.name.lower()))
    return tuple(rows)


def _idle(
    members: Sequence[Mapping[str, Any]], by_user: Mapping[int, list[int]]
) -> tuple[MemberHours, ...]:
    idle = {
        int(m["id"]): MemberHours(int(m["id"]), display_name(m), m.get("email"), 0, 0)
        for m in members
        if not by_user.get(int(m["id"]), (0,))[0]
    }
    return tuple(sorted(idle.values(), key=lambda m: (m.name.lower(), m.user_id)))


def format_hours(minutes: int) -> str:
    """Hours and minutes the way people read them: "7h 30m", "8h", "45m", "0h"."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(int(minutes)), 60)
    if hours and rest:
        return f"{sign}{hours:,}h {rest:02d}m"
    if rest:
        return f"{sign}{rest}m"
    return f"{sign}{hours:,}h"
