"""Modals: Loading…, Add/Remove members, Create team, and the result shown after a submission."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from bot.blocks.common import (
    OPTION_CHARS,
    Block,
    clip,
    clip_middle,
    context,
    distinct_options,
    external_select,
    input_block,
    join_within,
    option,
    plain,
    section,
)
from bot.errors import readable, safe
from bot.ids import ActionId, BlockId, CallbackId
from bot.services.people import display_name
from bot.services.teams import TeamDetail, TeamRow

MAX_INITIAL_OPTIONS = 100
_TITLES = {
    "add": "Add members",
    "remove": "Remove members",
    "create": "Create team",
    "detail": "Hours by project",
}
_SUBMITS = {"add": "Add", "remove": "Remove", "create": "Create"}
_CALLBACKS = {
    "add": CallbackId.ADD_MEMBERS,
    "remove": CallbackId.REMOVE_MEMBERS,
    "create": CallbackId.CREATE_TEAM,
}
WORKING = ":hourglass_flowing_sand: Working on it…"


def modal_kind(callback_id: object) -> str:
    """The kind ("add", "remove", "create", "subscribe") of the modal ``callback_id``, or ""."""
    if callback_id == CallbackId.SUBSCRIBE:
        return "subscribe"
    return next((kind for kind, cb in _CALLBACKS.items() if cb == callback_id), "")


def _modal(title: str, blocks: list[Block], **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": plain(title, 24), "blocks": blocks, **extra}


def loading_view(kind: str) -> dict[str, Any]:
    """Opened at once, inside the 3-second trigger window; replaced when Noko has answered."""
    return _modal(
        _TITLES.get(kind, "Noko teams"),
        [section(":hourglass_flowing_sand: Loading from Noko…", block_id=BlockId.STATUS)],
        callback_id=CallbackId.LOADING,
        close=plain("Cancel", 24),
    )


def result_view(kind: str, text: str, blocks: Sequence[Block] = ()) -> dict[str, Any]:
    """The outcome shown in the modal: ``text``, or ``blocks`` (e.g. with a Check button)."""
    return _modal(
        _TITLES.get(kind, "Noko teams"),
        list(blocks) or [section(text, block_id=BlockId.STATUS)],
        callback_id=CallbackId.LOADING,
        close=plain("Done", 24),
    )


def working_view(callback_id: object) -> dict[str, Any]:
    """What a submitted modal shows while its change runs; the result replaces it."""
    return result_view(modal_kind(callback_id), WORKING)


def user_option(
    user: Mapping[str, object], *, in_team: bool = False, with_id: bool = False
) -> dict[str, Any]:
    """ "Name (e-mail)", then what a picker must not hide: a state other than active, or that
    the person is already in the team (and the Noko id, ``with_id``, when two would read the
    same). Within Slack's 75 characters the notes are kept whole, and the name and the e-mail
    share what is left: neither is dropped for the other."""
    notes = [f"id {user['id']}"] if with_id else []
    notes += [str(user["state"])] if user.get("state") not in (None, "", "active") else []
    if in_team:
        notes.append("in the team")
    suffix = "".join(f" · {note}" for note in notes)
    label = _name_and_email(display_name(user), user.get("email"), OPTION_CHARS - len(suffix))
    return option(label + suffix, str(user["id"]))


def _name_and_email(name: str, email: object, room: int) -> str:
    if not email or str(email) == name:
        return clip(name, room)
    address = str(email)
    if len(name) + len(address) + 3 <= room:
        return f"{name} ({address})"
    inner = room - 3  # " (" and ")"
    email_room = min(len(address), max(inner - len(name), inner // 2))
    return f"{clip(name, inner - email_room)} ({clip_middle(address, email_room)})"


def user_options(
    users: Sequence[Mapping[str, object]], in_team: Collection[object] = ()
) -> list[dict[str, Any]]:
    """Picker options for ``users``; two that would read the same name their Noko ids."""
    return distinct_options(
        users, lambda u, with_id: user_option(u, in_team=u["id"] in in_team, with_id=with_id)
    )


def team_option(
    team_id: int, name: str, member_count: int | None = None, *, with_id: bool = False
) -> dict[str, Any]:
    """ "Name (members)", the count kept whole within Slack's 75 characters."""
    suffix = f" · id {team_id}" if with_id else ""
    suffix += "" if member_count is None else f" ({member_count:,})"
    return option(clip(name, OPTION_CHARS - len(suffix)) + suffix, str(team_id))


def team_options(rows: Sequence[TeamRow]) -> list[dict[str, Any]]:
    """Picker options for teams; two that would read the same (long names) name their ids."""
    return distinct_options(
        rows, lambda r, with_id: team_option(r.id, r.name, r.member_count, with_id=with_id)
    )


def team_input(initial: Mapping[str, object] | None) -> Block:
    """The team picker of the members modals and the subscribe modal."""
    element = external_select(ActionId.TEAM_SELECT, "Pick a team")
    if initial:
        element["initial_option"] = initial
    return input_block(BlockId.TEAM, "Team", element)


def _users_input(initial: Sequence[Mapping[str, object]], *, optional: bool) -> Block:
    element = external_select(ActionId.USERS_SELECT, "Type a name or e-mail", multi=True)
    if initial:
        element["initial_options"] = user_options(initial[:MAX_INITIAL_OPTIONS])
    return input_block(BlockId.USERS, "People", element, optional=optional)


def members_modal(
    kind: str,
    *,
    private_metadata: str,
    team: TeamDetail | None = None,
    initial_users: Sequence[Mapping[str, object]] = (),
) -> dict[str, Any]:
    """Add or Remove members; ``team`` pre-selects it and lists its members."""
    initial = None
    blocks: list[Block] = []
    if team is not None:
        initial = team_option(team.id, team.name)
        names = [safe(display_name(u)) for u in team.members]
        blocks.append(context(f"Current members: {join_within(names, 1900) or 'nobody'}"))
    blocks[:0] = [team_input(initial), _users_input(initial_users, optional=False)]
    return _modal(
        _TITLES[kind],
        blocks,
        callback_id=_CALLBACKS[kind],
        private_metadata=private_metadata,
        submit=plain(_SUBMITS[kind], 24),
        close=plain("Cancel", 24),
    )


def create_team_modal(*, private_metadata: str, name: str = "") -> dict[str, Any]:
    element: Block = {
        "type": "plain_text_input",
        "action_id": ActionId.TEAM_NAME,
        "max_length": 100,
    }
    if name:
        element["initial_value"] = readable(name)[:100]
    name_input = input_block(BlockId.TEAM_NAME, "Team name", element)
    return _modal(
        _TITLES["create"],
        [name_input, _users_input((), optional=True)],
        callback_id=CallbackId.CREATE_TEAM,
        private_metadata=private_metadata,
        submit=plain("Create", 24),
        close=plain("Cancel", 24),
    )
