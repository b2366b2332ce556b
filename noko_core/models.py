"""Shapes of Noko's JSON objects; keys real responses sometimes omit are NotRequired."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class SimpleUser(TypedDict):
    id: int
    email: str
    first_name: str
    last_name: str
    profile_image_url: NotRequired[str | None]
    url: NotRequired[str]


class SimpleTeam(TypedDict):
    id: int
    name: str
    url: NotRequired[str]


class User(SimpleUser):
    state: str
    role: str
    teams: NotRequired[list[SimpleTeam]]
    entries: NotRequired[int]
    entries_url: NotRequired[str]
    expenses: NotRequired[int]
    expenses_url: NotRequired[str]
    created_at: NotRequired[str]
    updated_at: NotRequired[str]


class Team(TypedDict):
    id: int
    name: str
    users: list[SimpleUser]
    url: NotRequired[str]
    entries_url: NotRequired[str]
    users_url: NotRequired[str]
    add_users_url: NotRequired[str]
    remove_users_url: NotRequired[str]
    remove_all_users_url: NotRequired[str]
    created_at: NotRequired[str]
    updated_at: NotRequired[str]


class SimpleProject(TypedDict):
    id: int
    name: str
    billing_increment: NotRequired[int]
    enabled: NotRequired[bool]
    billable: NotRequired[bool]
    color: NotRequired[str]
    url: NotRequired[str]


class Project(SimpleProject):
    group: NotRequired[dict[str, Any] | None]
    minutes: NotRequired[int]
    billable_minutes: NotRequired[int]
    unbillable_minutes: NotRequired[int]
    invoiced_minutes: NotRequired[int]
    remaining_minutes: NotRequired[int | None]
    budgeted_minutes: NotRequired[int | None]
    participants: NotRequired[list[SimpleUser]]
    entries: NotRequired[int]
    entries_url: NotRequired[str]
    created_at: NotRequired[str]
    updated_at: NotRequired[str]


class Tag(TypedDict):
    id: int
    name: str
    billable: bool
    formatted_name: NotRequired[str]
    entries: NotRequired[int]
    entries_url: NotRequired[str]
    url: NotRequired[str]
    created_at: NotRequired[str]
    updated_at: NotRequired[str]


class Entry(TypedDict):
    id: int
    date: str
    minutes: int
    billable: bool
    description: NotRequired[str | None]
    user: SimpleUser
    project: NotRequired[SimpleProject | None]
    tags: NotRequired[list[Tag]]
    source_url: NotRequired[str | None]
    approved_at: NotRequired[str | None]
    approved_by: NotRequired[SimpleUser | None]
    invoiced_at: NotRequired[str | None]
    invoice: NotRequired[dict[str, Any] | None]
    url: NotRequired[str]
    created_at: NotRequired[str]
    updated_at: NotRequired[str]


class CurrentUser(SimpleUser):
    state: str
    role: str
    entries: NotRequired[int]
    entries_url: NotRequired[str]
    time_format: NotRequired[str]
    week_start: NotRequired[str]
    utc_offset: NotRequired[int]
    send_personal_weekly_report_email: NotRequired[bool]
    send_team_weekly_report_email: NotRequired[bool]
    created_at: NotRequired[str]
    updated_at: NotRequired[str]


class Account(TypedDict):
    id: int
    name: str
    invoicing_enabled: NotRequired[bool]
    owner: NotRequired[SimpleUser]
    url: NotRequired[str]
    created_at: NotRequired[str]
    updated_at: NotRequired[str]


class Webhook(TypedDict):
    """A webhook registration; ``secret`` is only in the answer that creates it."""

    id: int
    name: str
    state: str
    events: list[str]
    payload_uri: str
    secret: NotRequired[str]
    url: NotRequired[str]
    add_events_url: NotRequired[str]
    remove_events_url: NotRequired[str]
    reroll_secret_url: NotRequired[str]
    enable_url: NotRequired[str]
    disable_url: NotRequired[str]


class WebhookSecret(TypedDict):
    """The answer to a secret re-roll: the new secret (Noko shows it only this once)."""

    secret: str
