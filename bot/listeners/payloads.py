"""Pydantic models of the Slack payload parts the listeners read."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.errors import InputError
from bot.ids import ActionId, BlockId
from bot.services.inputs import clean_team_name
from bot.services.numbers import is_id, parse_id

ModalKind = Literal["add", "remove", "create"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SlashCommand(_Model):
    user_id: str
    channel_id: str = ""
    text: str = ""
    trigger_id: str = ""
    response_url: str = ""


class ModalMetadata(_Model):
    """The modal's private_metadata: which modal, and where it was opened from."""

    kind: ModalKind
    channel_id: str | None = None
    team_id: int | None = None  # the team it was opened for: Slack's state omits initial options

    def dump(self) -> str:
        return self.model_dump_json()


class MembersForm(_Model):
    """An Add/Remove members submission."""

    team_id: int | None = None
    user_ids: list[int] = Field(default_factory=list)


class CreateForm(_Model):
    name: str = ""
    user_ids: list[int] = Field(default_factory=list)


def modal_metadata(view: dict[str, Any], fallback: ModalKind) -> ModalMetadata:
    """The view's private_metadata; a view from an older release may lack it, so fall back."""
    try:
        return ModalMetadata.model_validate_json(view.get("private_metadata") or "")
    except ValueError:
        return ModalMetadata(kind=fallback)


def _selected(values: dict[str, Any], block_id: str, action_id: str) -> dict[str, Any]:
    return (values.get(block_id) or {}).get(action_id) or {}


def selected_value(values: dict[str, Any], block_id: str, action_id: str) -> str | None:
    option = _selected(values, block_id, action_id).get("selected_option") or {}
    return option.get("value")


def selected_values(values: dict[str, Any], block_id: str, action_id: str) -> list[str]:
    options = _selected(values, block_id, action_id).get("selected_options") or []
    return [str(o.get("value")) for o in options if o.get("value")]


def text_value(values: dict[str, Any], block_id: str, action_id: str) -> str:
    return str(_selected(values, block_id, action_id).get("value") or "")


def members_form(view: dict[str, Any]) -> tuple[MembersForm, dict[str, str]]:
    """The submitted team and people, and inline errors keyed by input block_id."""
    values = (view.get("state") or {}).get("values") or {}
    team = selected_value(values, BlockId.TEAM, ActionId.TEAM_SELECT)
    users = selected_values(values, BlockId.USERS, ActionId.USERS_SELECT)
    errors: dict[str, str] = {}
    if parse_id(team or "") is None:
        errors[BlockId.TEAM] = "Pick a team."
    if not users:
        errors[BlockId.USERS] = "Pick at least one person."
    elif not all(is_id(u) for u in users):
        errors[BlockId.USERS] = "Pick people from the list."
    if errors:
        return MembersForm(), errors
    return MembersForm(team_id=int(team or 0), user_ids=[int(u) for u in users]), {}


def create_form(view: dict[str, Any], taken: set[str]) -> tuple[CreateForm, dict[str, str]]:
    """The new team's name and people; ``taken`` are existing names (casefolded)."""
    values = (view.get("state") or {}).get("values") or {}
    raw = text_value(values, BlockId.TEAM_NAME, ActionId.TEAM_NAME)
    users = selected_values(values, BlockId.USERS, ActionId.USERS_SELECT)
    errors: dict[str, str] = {}
    try:
        name = clean_team_name(raw)
    except InputError as error:
        errors[BlockId.TEAM_NAME] = error.user_message
    else:
        if name.casefold() in taken:
            errors[BlockId.TEAM_NAME] = "A team with this name already exists."
    if not all(is_id(u) for u in users):
        errors[BlockId.USERS] = "Pick people from the list."
    if errors:
        return CreateForm(), errors
    return CreateForm(name=name, user_ids=[int(u) for u in users]), {}
