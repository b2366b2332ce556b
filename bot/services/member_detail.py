"""One member's hours per project, with entry descriptions, for a digest's period.

A digest's Details button names a team, a member and a period, nothing else: what it shows is
read again from Noko and cut to what the clicker may read (their Sight), never the digest's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.errors import BotError
from bot.services.access import Sight
from bot.services.fetch import span_of
from bot.services.numbers import MAX_ID
from bot.services.people import display_name
from bot.services.periods import Period, checked_range, period_of
from bot.services.reads import NokoReads
from bot.services.summary import NO_PROJECT
from noko_core import Entry

NOT_MADE = "I can't show those hours: this button is not one I made. Open a newer digest."


class MemberButton(BaseModel):
    """A Details button's value: team, member, period (short: Slack allows 2,000 chars)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    t: int = Field(gt=0, le=MAX_ID, description="Noko team id")
    u: int = Field(gt=0, le=MAX_ID, description="Noko user id")
    s: dt.date = Field(description="period start")
    e: dt.date = Field(description="period end")
    k: Literal["day", "week", "month", "range"] = "range"

    @model_validator(mode="after")
    def _a_period_users_could_type(self) -> MemberButton:
        # Slack returns whatever value a client sends: the dates get the typed ranges' checks.
        checked_range(self.s, self.e)
        return self

    @classmethod
    def parse(cls, value: object) -> MemberButton:
        """The button's value, or a BotError saying it can't be used."""
        try:
            return cls.model_validate_json(str(value or ""))
        except ValidationError:
            raise BotError(NOT_MADE) from None

    @classmethod
    def value(cls, team_id: int, user_id: int, period: Period) -> str:
        return cls(
            t=team_id, u=user_id, s=period.start, e=period.end, k=period.kind
        ).model_dump_json()

    @property
    def period(self) -> Period:
        return period_of(self.s, self.e, self.k)


@dataclass(frozen=True)
class EntryLine:
    date: dt.date
    minutes: int
    description: str


@dataclass(frozen=True)
class ProjectLines:
    name: str
    minutes: int
    entries: tuple[EntryLine, ...]


@dataclass(frozen=True)
class MemberDetail:
    """What the clicker may read of one member's period; ``hidden`` counts entries left out."""

    name: str
    team_name: str
    period: Period
    minutes: int
    projects: tuple[ProjectLines, ...]
    hidden: int
    sight: Sight


def member_detail(reads: NokoReads, button: MemberButton, sight: Sight) -> MemberDetail:
    """The member's entries in the period as ``sight`` may read them, grouped by project."""
    sight.require_time()
    team = reads.team(button.t)
    member = next((u for u in team.get("users") or () if u["id"] == button.u), None)
    if member is None:
        raise BotError(f"That person is no longer in {team['name']}: I can't show their hours.")
    period = button.period
    entries = reads.entries([button.u], span_of(period))
    shown, hidden = [], 0
    for entry in entries:
        if entry["user"]["id"] != button.u or dt.date.fromisoformat(entry["date"]) not in period:
            continue
        if sight.sees_entry(entry):
            shown.append(entry)
        else:
            hidden += 1
    projects = _by_project(shown)
    return MemberDetail(
        name=display_name(member),
        team_name=str(team["name"]),
        period=period,
        minutes=sum(p.minutes for p in projects),
        projects=projects,
        hidden=hidden,
        sight=sight,
    )


def _by_project(entries: list[Entry]) -> tuple[ProjectLines, ...]:
    groups: dict[str, list[EntryLine]] = {}
    for entry in entries:
        project = entry.get("project")
        name = project["name"] if project else NO_PROJECT
        line = EntryLine(
            dt.date.fromisoformat(entry["date"]),
            entry["minutes"] or 0,
            (entry.get("description") or "").strip(),
        )
        groups.setdefault(name, []).append(line)
    rows = [
        ProjectLines(name, sum(e.minutes for e in lines), tuple(sorted(lines, key=_by_date)))
        for name, lines in groups.items()
    ]
    rows.sort(key=lambda p: (-p.minutes, p.name.lower()))
    return tuple(rows)


def _by_date(line: EntryLine) -> tuple[dt.date, int]:
    return line.date, -line.minutes
