"""Users, entries, projects, tags, account and the raw escape hatch: exact requests, sent once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import requests
from client_helpers import TOKEN, assert_headers, only_request, settled_requests

from noko_core import NokoAuthError, NokoClient
from noko_core.sandbox import Sandbox

Call = Callable[[NokoClient], object]

# (call, path, wire query without per_page); per_page=1000 is expected on every listing.
LISTINGS: list[tuple[str, Call, str, dict[str, str]]] = [
    ("users", lambda c: c.list_users(), "/v2/users", {}),
    (
        "users filtered",
        lambda c: c.list_users(name="a", email="b", role="supervisor", state="pending"),
        "/v2/users",
        {"name": "a", "email": "b", "role": "supervisor", "state": "pending"},
    ),
    (
        "entries filtered",
        lambda c: c.list_entries(user_ids=[1], from_=date(2024, 5, 1), billable="true"),
        "/v2/entries",
        {"user_ids": "1", "from": "2024-05-01", "billable": "true"},
    ),
    ("projects", lambda c: c.list_projects(), "/v2/projects", {}),
    (
        "projects filtered",
        lambda c: c.list_projects(
            name="Web",
            project_group_ids="1,2",
            billing_increment="15",
            enabled=True,
            billable=False,
        ),
        "/v2/projects",
        {
            "name": "Web",
            "project_group_ids": "1,2",
            "billing_increment": "15",
            "enabled": "true",
            "billable": "false",
        },
    ),
    ("tags", lambda c: c.list_tags(), "/v2/tags", {}),
    (
        "tags filtered",
        lambda c: c.list_tags(name="x", billable=False),
        "/v2/tags",
        {"name": "x", "billable": "false"},
    ),
]


@pytest.mark.parametrize(
    ("label", "call", "path", "wire"), LISTINGS, ids=[row[0] for row in LISTINGS]
)
def test_listing_sends_filters_in_query(
    sb: Sandbox, client: NokoClient, label: str, call: Call, path: str, wire: dict[str, str]
) -> None:
    result = call(client)

    request = only_request(sb)
    assert (request.method, request.path) == ("GET", path)
    assert request.query == {key: [value] for key, value in {"per_page": "1000", **wire}.items()}
    assert_headers(request, has_body=False)
    assert isinstance(result, list)


ITERATORS: list[tuple[str, Callable[[NokoClient], Any], str]] = [
    ("iter_teams", lambda c: c.iter_teams(), "/v2/teams"),
    ("iter_users", lambda c: c.iter_users(), "/v2/users"),
    ("iter_entries", lambda c: c.iter_entries(), "/v2/entries"),
    ("iter_projects", lambda c: c.iter_projects(), "/v2/projects"),
    ("iter_tags", lambda c: c.iter_tags(), "/v2/tags"),
    ("iter_users_in_team", lambda c: c.iter_users_in_team(1), "/v2/teams/1/users"),
    (
        "iter_entries_for_users_in_team",
        lambda c: c.iter_entries_for_users_in_team(1),
        "/v2/teams/1/entries",
    ),
]


@pytest.mark.parametrize(("label", "make", "path"), ITERATORS, ids=[row[0] for row in ITERATORS])
def test_iter_twin_is_lazy_and_asks_for_1000(
    sb: Sandbox, client: NokoClient, label: str, make: Callable[[NokoClient], Any], path: str
) -> None:
    items = make(client)
    assert settled_requests(sb) == []

    first = next(items)

    request = only_request(sb)
    assert (request.method, request.path, request.query) == ("GET", path, {"per_page": ["1000"]})
    assert isinstance(first, dict) and "id" in first


SINGLES: list[tuple[str, Call, str]] = [
    ("user", lambda c: c.get_single_user("1"), "/v2/users/1"),
    ("entry", lambda c: c.get_single_entry(1), "/v2/entries/1"),
    ("project", lambda c: c.get_single_project(" 1"), "/v2/projects/1"),
    ("tag", lambda c: c.get_single_tag(1), "/v2/tags/1"),
    ("current user", lambda c: c.get_current_user(), "/v2/current_user"),
    ("account", lambda c: c.get_account(), "/v2/account"),
]


@pytest.mark.parametrize(("label", "call", "path"), SINGLES, ids=[row[0] for row in SINGLES])
def test_single_object_get(
    sb: Sandbox, client: NokoClient, label: str, call: Call, path: str
) -> None:
    result = call(client)

    request = only_request(sb)
    assert (request.method, request.path, request.query) == ("GET", path, {})
    assert_headers(request, has_body=False)
    assert isinstance(result, dict) and "id" in result


def test_raw_request_get_encodes_params_like_the_wrapped_methods(
    sb: Sandbox, client: NokoClient
) -> None:
    result = client.request(
        "GET", "/teams", params={"user_ids": [1, 2], "per_page": 2, "name": None}
    )

    request = only_request(sb)
    assert (request.method, request.path, request.raw_query) == (
        "GET",
        "/v2/teams",
        "user_ids=1,2&per_page=2",
    )
    assert_headers(request, has_body=False)
    assert isinstance(result, list)


def test_raw_request_put_sends_json_body(sb: Sandbox, client: NokoClient) -> None:
    name = sb.store.teams[2].name

    result = client.request("put", "teams/2", json={"name": name})

    request = only_request(sb)
    assert (request.method, request.path, request.json) == ("PUT", "/v2/teams/2", {"name": name})
    assert_headers(request, has_body=True)
    assert result["id"] == 2


def test_user_agent_can_be_overridden(sb: Sandbox) -> None:
    custom = NokoClient("tok", base_url=sb.base_url, user_agent="MyBot/9.1")
    with custom, pytest.raises(NokoAuthError):
        custom.get_account()

    assert only_request(sb).headers["user-agent"] == "MyBot/9.1"


def test_callers_session_is_used_but_not_changed_or_closed(sb: Sandbox) -> None:
    session = requests.Session()
    session.headers["X-Trace"] = "abc"
    before = (dict(session.headers), dict(session.adapters))

    with NokoClient(TOKEN, base_url=sb.base_url, session=session) as custom:
        custom.get_account()

    assert only_request(sb).headers["x-trace"] == "abc"
    assert (dict(session.headers), dict(session.adapters)) == before
    assert "x-nokotoken" not in {name.lower() for name in session.headers}
    assert session.get(f"{sb.base_url}/account", timeout=5).status_code == 401  # still open
