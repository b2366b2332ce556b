"""What a Previous/Next button re-reads: the command and its arguments, never the results.

A page button's value is one of these requests as JSON. Slack hands back whatever a client
sends, so the value is validated on the way back (``parse_page_request``) like typed text: a
forged or broken value becomes a BotError saying so, never a crash or another team's data.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from bot.errors import BotError
from bot.services.numbers import MAX_ID
from bot.services.periods import Period, PeriodKind, checked_range, period_of
from bot.services.teams import Role, State

# Far beyond any account (2,000 teams are 41 pages): a bound, not a feature.
MAX_PAGE = 100_000
BROKEN = (
    "I can't use this button: it is not one I made, or it is out of date. Nothing was changed. "
    "Run the command again, e.g. `/noko-team list`."
)


class _Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    page: int = Field(default=0, ge=0, le=MAX_PAGE)

    def value(self, page: int) -> str:
        """This request as the value of a button that shows page ``page``."""
        return self.model_copy(update={"page": page}).model_dump_json(exclude_none=True)


class ListPage(_Request):
    """``list [text]``."""

    cmd: Literal["list"] = "list"
    text: str = Field(default="", max_length=100)

    def command(self) -> str:
        return f"list {self.text}".rstrip()


class MembersPage(_Request):
    """``show <team>`` and ``members <team> [role] [state]``, by team id."""

    cmd: Literal["members"] = "members"
    team: int = Field(gt=0, le=MAX_ID)
    role: Role | None = None
    state: State | None = None

    def command(self) -> str:
        return " ".join(str(w) for w in ("members", self.team, self.role, self.state) if w)


class HoursPage(_Request):
    """``hours <team> [period]``, with the period as the dates it was read as (a button
    pressed next week still shows the week it was made for)."""

    cmd: Literal["hours"] = "hours"
    team: int = Field(gt=0, le=MAX_ID)
    start: dt.date
    end: dt.date
    kind: PeriodKind = "range"

    @model_validator(mode="after")
    def _a_period_people_could_type(self) -> HoursPage:
        checked_range(self.start, self.end)
        return self

    @classmethod
    def of(cls, team_id: int, period: Period) -> HoursPage:
        return cls(team=team_id, start=period.start, end=period.end, kind=period.kind)

    def period(self) -> Period:
        return period_of(self.start, self.end, self.kind)

    def command(self) -> str:
        return f"hours {self.team} {self.start}..{self.end}"


class HomePage(_Request):
    """The App Home's list of teams."""

    cmd: Literal["home"] = "home"

    def command(self) -> str:
        return "list"


PageRequest = ListPage | MembersPage | HoursPage | HomePage
_REQUEST: TypeAdapter[PageRequest] = TypeAdapter(Annotated[PageRequest, Field(discriminator="cmd")])


def parse_page_request(value: object) -> PageRequest:
    """A page button's value, or a BotError saying the button can't be used."""
    try:
        return _REQUEST.validate_json(str(value or ""))
    except ValidationError:
        raise BotError(BROKEN) from None
