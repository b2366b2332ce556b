"""The read endpoints: lists (filtered, sorted, paginated) and single objects."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from noko_core.sandbox import filters
from noko_core.sandbox.context import Call
from noko_core.sandbox.dataset import Entry, Project, Tag, Team, User
from noko_core.sandbox.pagination import paginate
from noko_core.sandbox.responses import ApiError, Response, json_response, not_found

T = TypeVar("T")


def listing(call: Call, items: Sequence[T], shape: Callable[[T], Any]) -> Response:
    page, link = paginate(items, call.request.query, call.url)
    return json_response(200, [shape(item) for item in page], [("Link", link)] if link else [])


def _get(table: dict[int, T], key: int) -> T:
    if key not in table:
        raise ApiError(not_found())
    return table[key]


def _entries(call: Call, scope: Callable[[Entry], bool] | None = None) -> Response:
    preds = filters.entry_predicates(call.request.query)
    if scope is not None:
        preds.insert(0, scope)
    return listing(call, call.store.select(call.store.entries, preds), call.shapes.entry)


def _users(call: Call, users: list[User]) -> Response:
    preds = filters.user_predicates(call.request.query)
    return listing(call, call.store.select(users, preds), call.shapes.user)


def list_teams(call: Call) -> Response:
    teams = call.store.select(
        call.store.teams_sorted(), filters.team_predicates(call.request.query)
    )
    return listing(call, teams, call.shapes.team)


def get_team(call: Call) -> Response:
    return json_response(200, call.shapes.team(team_of(call)))


def team_of(call: Call) -> Team:
    return _get(call.store.teams, call.ids[0])


def team_entries(call: Call) -> Response:
    members = set(team_of(call).user_ids)
    return _entries(call, lambda e: e.user_id in members)


def team_users(call: Call) -> Response:
    return _users(call, call.store.members(team_of(call)))


def list_users(call: Call) -> Response:
    return _users(call, call.store.users_sorted())


def get_user(call: Call) -> Response:
    return json_response(200, call.shapes.user(_get(call.store.users, call.ids[0])))


def user_entries(call: Call) -> Response:
    user_id = _get(call.store.users, call.ids[0]).id
    return _entries(call, lambda e: e.user_id == user_id)


def list_entries(call: Call) -> Response:
    return _entries(call)


def entry_of(call: Call) -> Entry:
    return _get(call.store.entries_by_id, call.ids[0])


def get_entry(call: Call) -> Response:
    return json_response(200, call.shapes.entry(entry_of(call)))


def list_projects(call: Call) -> Response:
    projects: list[Project] = [call.store.projects[i] for i in sorted(call.store.projects)]
    preds = filters.project_predicates(call.request.query)
    return listing(call, call.store.select(projects, preds), call.shapes.project)


def get_project(call: Call) -> Response:
    return json_response(200, call.shapes.project(_get(call.store.projects, call.ids[0])))


def project_entries(call: Call) -> Response:
    project_id = _get(call.store.projects, call.ids[0]).id
    return _entries(call, lambda e: e.project_id == project_id)


def list_tags(call: Call) -> Response:
    tags: list[Tag] = [call.store.tags[i] for i in sorted(call.store.tags)]
    preds = filters.tag_predicates(call.request.query)
    return listing(call, call.store.select(tags, preds), call.shapes.tag)


def get_tag(call: Call) -> Response:
    return json_response(200, call.shapes.tag(_get(call.store.tags, call.ids[0])))


def tag_entries(call: Call) -> Response:
    tag_id = _get(call.store.tags, call.ids[0]).id
    return _entries(call, lambda e: tag_id in e.tag_ids)


def current_user(call: Call) -> Response:
    return json_response(200, call.shapes.current_user())


def current_user_entries(call: Call) -> Response:
    user_id = call.store.current_user_id
    return _entries(call, lambda e: e.user_id == user_id)


def account(call: Call) -> Response:
    return json_response(200, call.shapes.account())
