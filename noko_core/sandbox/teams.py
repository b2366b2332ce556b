"""The team write endpoints (Noko API docs, "Teams") with strict body validation.

Choices where the docs are silent (UNCONFIRMED on the real API):
- `user_ids` must be a JSON array of integers; a comma string like "1,2" is `invalid`. The stale
  doc key `users` is not an alias: without `user_ids` a create fails with `missing_field`.
- Create requires the `user_ids` key but an empty array is allowed (an empty team).
- Team names are unique, compared trimmed and case-insensitively: a clash is `already_exists`.
- add_users answers with every member of the team after the add (full Users, by id).
- Webhooks hear `team.created`, `team.deleted` (the team as it was) and `team.updated` for a
  rename or a membership change (`changes` holds `name` and/or `users`); a write that changes
  nothing sends nothing. Members' `user.updated` (their `teams` key) is not sent.
"""

from __future__ import annotations

from typing import Any

from noko_core.sandbox.context import Call
from noko_core.sandbox.dataset import Team
from noko_core.sandbox.endpoints import team_of
from noko_core.sandbox.events import Json, changes
from noko_core.sandbox.responses import (
    ApiError,
    Response,
    json_response,
    no_content,
    validation_failed,
)

Errors = list[tuple[str, str]]


def name_field(body: dict[str, Any], errors: Errors, *, required: bool) -> str | None:
    raw = body.get("name")
    if raw is None:
        if required:
            errors.append(("name", "missing_field"))
        return None
    if not isinstance(raw, str):
        errors.append(("name", "invalid"))
    elif not raw.strip():
        errors.append(("name", "missing_field"))
    else:
        return raw.strip()
    return None


def _user_ids(call: Call, errors: Errors) -> list[int]:
    raw = call.body.get("user_ids")
    if raw is None:
        errors.append(("user_ids", "missing_field"))
        return []
    if not isinstance(raw, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in raw
    ):
        errors.append(("user_ids", "invalid"))
        return []
    if call.store.unknown_user_ids(raw):
        errors.append(("user_ids", "missing"))
    return raw


def _check(errors: Errors) -> None:
    if errors:
        raise ApiError(validation_failed("Team", errors))


def _updated(call: Call, team: Team, before: Json) -> None:
    after = call.shapes.team(team)
    if after != before:
        call.events.publish("team.updated", after, changes(before, after))


def create_team(call: Call) -> Response:
    errors: Errors = []
    name = name_field(call.body, errors, required=True)
    user_ids = _user_ids(call, errors)
    if name is not None and call.store.name_taken(name):
        errors.append(("name", "already_exists"))
    _check(errors)
    assert name is not None
    team = call.store.create_team(name, user_ids)
    shaped = call.shapes.team(team)
    call.events.publish("team.created", shaped, {})
    location = f"{call.base_url}/teams/{team.id}"
    return json_response(201, shaped, [("Location", location)])


def edit_team(call: Call) -> Response:
    team = team_of(call)
    errors: Errors = []
    name = name_field(call.body, errors, required=False)
    if name is not None and call.store.name_taken(name, except_id=team.id):
        errors.append(("name", "already_exists"))
    _check(errors)
    before = call.shapes.team(team)
    if name is not None:
        call.store.rename_team(team, name)
    _updated(call, team, before)
    return json_response(200, call.shapes.team(team))


def delete_team(call: Call) -> Response:
    team = team_of(call)
    shaped = call.shapes.team(team)
    call.store.delete_team(team)
    call.events.publish("team.deleted", shaped, {})
    return no_content()


def add_users(call: Call) -> Response:
    team = team_of(call)
    errors: Errors = []
    user_ids = _user_ids(call, errors)
    _check(errors)
    before = call.shapes.team(team)
    call.store.add_users(team, user_ids)
    _updated(call, team, before)
    return json_response(200, [call.shapes.user(u) for u in call.store.members(team)])


def remove_users(call: Call) -> Response:
    team = team_of(call)
    errors: Errors = []
    user_ids = _user_ids(call, errors)
    _check(errors)
    before = call.shapes.team(team)
    call.store.remove_users(team, user_ids)
    _updated(call, team, before)
    return no_content()


def remove_all_users(call: Call) -> Response:
    team = team_of(call)
    before = call.shapes.team(team)
    call.store.remove_users(team, list(team.user_ids))
    _updated(call, team, before)
    return no_content()
