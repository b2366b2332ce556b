"""Typed records of the sandbox's Noko account: what `build_dataset` makes and the store serves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ROLES = ("supervisor", "leader", "coworker", "contractor")
STATES = ("active", "pending", "disabled", "suspended")
BILLING_INCREMENTS = (1, 5, 6, 10, 15, 20, 30, 60)


@dataclass
class User:
    id: int
    email: str
    first_name: str
    last_name: str
    role: str
    state: str
    has_avatar: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Team:
    id: int
    name: str
    user_ids: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class ProjectGroup:
    id: int
    name: str


@dataclass
class Project:
    id: int
    name: str
    billing_increment: int
    enabled: bool
    billable: bool
    color: str
    group_id: int | None
    description: str
    budgeted_minutes: int | None
    participant_ids: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass
class Tag:
    id: int
    name: str
    billable: bool
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class Invoice:
    id: int
    reference: str
    invoice_date: dt.date
    state: str
    total_amount: float


@dataclass
class Entry:
    """One time entry. Never changed in place: the store swaps in a copy on each write."""

    id: int
    date: dt.date
    user_id: int
    minutes: int
    description: str
    project_id: int | None
    tag_ids: tuple[int, ...]
    billable: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    source_url: str | None = None
    approved_at: dt.datetime | None = None
    approved_by_id: int | None = None
    invoiced_at: dt.datetime | None = None
    invoice_id: int | None = None
    import_id: int | None = None


@dataclass
class Webhook:
    """A webhook registration (Noko API docs, "Webhooks"); `state` is enabled|disabled."""

    id: int
    name: str
    payload_uri: str
    events: list[str]
    secret: str
    state: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass
class Account:
    id: int
    name: str
    invoicing_enabled: bool
    owner_id: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass
class CurrentUserSettings:
    """The extra fields of `GET /current_user` for the token owner."""

    time_format: str = "hours_minutes"
    week_start: str = "monday"
    utc_offset: int = 3600
    send_personal_weekly_report_email: bool = True
    send_team_weekly_report_email: bool = True


@dataclass
class Dataset:
    """A whole Noko account. `entries` are in ascending id order (ids grow with the date)."""

    today: dt.date
    users: list[User]
    teams: list[Team]
    project_groups: list[ProjectGroup]
    projects: list[Project]
    tags: list[Tag]
    invoices: list[Invoice]
    entries: list[Entry]
    account: Account
    current_user_id: int
    settings: CurrentUserSettings = field(default_factory=CurrentUserSettings)

    def team_named(self, name: str) -> Team:
        """The team with exactly this name (a convenience for tests)."""
        for team in self.teams:
            if team.name == name:
                return team
        raise KeyError(name)
