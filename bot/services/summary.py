"""Team time summary: totals, hours per member and per project, members without time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.services.access import EVERYONE, Sight, Withheld, partial_mark, withheld_note
from bot.services.people import display_name
from bot.services.periods import Period
from bot.services.reads import EntryGroup
from noko_core import SimpleUser

NO_PROJECT = "No project"


@dataclass(frozen=True)
class MemberHours:
    user_id: int
    name: str
    email: str | None
    minutes: int
    billable_minutes: int
    state: str = "active"  # Noko's: pending, suspended and disabled people can't log time


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
    # Members without time whom Noko lists as pending, suspended or disabled: not "no time
    # logged", they can't log any (said only to a reader who sees everyone's time, as above).
    inactive_members: tuple[MemberHours, ...] = ()
    # Whose view this is (the reader's Noko level) and what it left out.
    sight: Sight = EVERYONE
    hidden: Withheld = field(default_factory=Withheld, compare=False)

    def withheld(self, viewer: str | None = None) -> str | None:
        """What the reader's level left out, as one sentence for them (``viewer`` None) or for a
        channel reading ``viewer``'s view; None: they see everything."""
        return withheld_note(self.sight, self.hidden, viewer)

    def partial(self, user_id: int, viewer: str | None = None) -> str:
        """The mark after a member's hours when the reader may see only part of them."""
        return partial_mark(self.sight, user_id, viewer)

    @property
    def billable_share(self) -> float:
        """Billable minutes / all minutes, 0..1; 0 when nobody logged time."""
        return self.billable_minutes / self.total_minutes if self.total_minutes else 0.0


def summarize(
    groups: Iterable[EntryGroup],
    members: Sequence[SimpleUser],
    period: Period,
    sight: Sight = EVERYONE,
    inactive: Mapping[int, str] | None = None,
) -> TeamSummary:
    """Sum the period's EntryGroups; only per-user and per-project counters are kept.

    Groups ``sight`` may not read are counted as withheld, never summed; who logged no time is
    only said to a reader who sees everyone's time (others can't tell "none" from "not shown").
    ``inactive`` (see ``people.not_active``): members Noko lists as not active, by id with their
    state; without time they are listed apart, never as "no time logged".
    """
    inactive = inactive or {}
    tally, withheld = _Tally(), Withheld()
    for group in groups:
        if sight.sees(group):
            tally.add(group)
        else:
            withheld.count(group)
    return TeamSummary(
        period=period,
        total_minutes=tally.total,
        billable_minutes=tally.billable,
        entry_count=tally.count,
        unapproved_minutes=tally.unapproved,
        per_member=_members(tally.users, tally.by_user),
        per_project=_projects(tally),
        members_without_time=_idle(members, tally.by_user, inactive, active=True)
        if sight.complete
        else (),
        inactive_members=_idle(members, tally.by_user, inactive, active=False)
        if sight.complete
        else (),
        sight=sight,
        hidden=withheld,
    )


class _Tally:
    """Running counters: per user [minutes, billable minutes], per project a name and minutes."""

    def __init__(self) -> None:
        self.users: dict[int, SimpleUser] = {}
        self.by_user: dict[int, list[int]] = {}
        self.project_names: dict[int | None, str] = {}
        self.by_project: dict[int | None, int] = {}
        self.total = self.billable = self.unapproved = self.count = 0

    def add(self, group: EntryGroup) -> None:
        minutes = group.minutes
        user = group.user
        counters = self.by_user.get(user["id"])
        if counters is None:
            counters = self.by_user[user["id"]] = [0, 0]
            self.users[user["id"]] = user
        counters[0] += minutes
        self.count += group.entries
        self.total += minutes
        if group.billable:
            counters[1] += minutes
            self.billable += minutes
        if not group.approved:
            self.unapproved += minutes
        project = group.project
        project_id = project["id"] if project else None
        if project_id not in self.project_names:
            self.project_names[project_id] = project["name"] if project else NO_PROJECT
        self.by_project[project_id] = self.by_project.get(project_id, 0) + minutes


def _members(
    users: Mapping[int, SimpleUser], by_user: Mapping[int, list[int]]
) -> tuple[MemberHours, ...]:
    rows = [
        MemberHours(uid, display_name(users[uid]), users[uid].get("email"), mins, bill)
        for uid, (mins, bill) in by_user.items()
    ]
    rows.sort(key=lambda m: (-m.minutes, m.name.lower(), m.user_id))
    return tuple(rows)


def _projects(tally: _Tally) -> tuple[ProjectHours, ...]:
    rows = [
        ProjectHours(pid, tally.project_names[pid], mins) for pid, mins in tally.by_project.items()
    ]
    rows.sort(key=lambda p: (-p.minutes, p.name.lower()))
    return tuple(rows)


def _idle(
    members: Sequence[SimpleUser],
    by_user: Mapping[int, list[int]],
    inactive: Mapping[int, str],
    *,
    active: bool,
) -> tuple[MemberHours, ...]:
    """Members without time who are active in Noko (``active``), or those who are not."""
    idle = {
        m["id"]: MemberHours(
            m["id"], display_name(m), m.get("email"), 0, 0, inactive.get(m["id"], "active")
        )
        for m in members
        if not by_user.get(m["id"], (0,))[0] and (m["id"] not in inactive) is active
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
