"""Checking in Noko whether a change whose answer was lost happened (the "Check" button)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import BotError, safe
from bot.services.changes import ChangeContext, require_membership_reading
from bot.services.reads import NokoReads
from bot.services.team_changes import ChangeOutcome
from noko_core import NokoNotFoundError, SimpleUser, Team

# Someone a change was about: their Noko user, or just the id when Noko no longer knows them.
Person = SimpleUser | dict[str, int]

# A button value holds at most 2,000 characters: enough for the name and this many ids.
MAX_CHECKED_USERS = 100


class CheckTarget(BaseModel):
    """What the Check button asks about: the change that was tried, as its button value."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    action: str = Field(max_length=16)
    team_id: int | None = None
    name: str = Field(default="", max_length=200)  # the team's name after the change
    old_name: str | None = Field(default=None, max_length=200)
    user_ids: list[int] = Field(default_factory=list, max_length=MAX_CHECKED_USERS)

    @classmethod
    def of(cls, outcome: ChangeOutcome) -> CheckTarget:
        return cls(
            action=outcome.action,
            team_id=outcome.team_id,
            name=outcome.team_name[:200],
            old_name=None if outcome.old_name is None else outcome.old_name[:200],
            user_ids=[u["id"] for u in outcome.changed][:MAX_CHECKED_USERS],
        )

    def dump(self) -> str:
        return self.model_dump_json(exclude_defaults=True)

    @classmethod
    def parse(cls, value: str) -> CheckTarget:
        try:
            return cls.model_validate_json(value)
        except ValidationError:
            raise BotError(
                safe("That Check button is broken; use `/noko-team show <team>`.")
            ) from None


@dataclass(frozen=True)
class ChangeCheck:
    """The team as Noko has it now (None: no such team) and whether the change is there."""

    target: CheckTarget
    team: Team | None
    happened: bool
    present: list[Person] = field(default_factory=list)  # asked-about people in the team
    absent: list[Person] = field(default_factory=list)  # and those not in it


def check_change(ctx: ChangeContext, target: CheckTarget) -> ChangeCheck:
    """Read the team again (by id: never a cached list) and say whether ``target`` happened.

    The button's value is whatever the client sends, and the answer says who is in the team:
    only those ``show`` answers may ask (``require_membership_reading``)."""
    require_membership_reading(ctx)
    reads = ctx.reads
    team = _current_team(reads, target)
    members = {u["id"] for u in team["users"]} if team else set()
    known: dict[int, Person] = {u["id"]: u for u in reads.users()} if target.user_ids else {}
    asked = [known.get(i, {"id": i}) for i in target.user_ids]
    present = [u for u in asked if u["id"] in members]
    absent = [u for u in asked if u["id"] not in members]
    return ChangeCheck(target, team, _happened(target, team, present, absent), present, absent)


def _current_team(reads: NokoReads, target: CheckTarget) -> Team | None:
    if target.team_id is not None:
        try:
            return reads.team(target.team_id)
        except NokoNotFoundError:
            return None
    # A create whose answer was lost: the change's failure made live reads reload the list.
    wanted = target.name.casefold()
    matches = [t for t in reads.teams() if t["name"].casefold() == wanted]
    return matches[0] if matches else None


def _happened(
    target: CheckTarget, team: Team | None, present: list[Person], absent: list[Person]
) -> bool:
    if target.action == "delete":
        return team is None
    if team is None:
        return False
    if target.action == "rename":
        return team["name"] == target.name
    if target.action == "clear":
        return not team.get("users")
    if target.action == "add":
        return not absent
    if target.action == "remove":
        return not present
    return True  # create: the team is there
