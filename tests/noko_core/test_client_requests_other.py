"""Users, entries, projects, tags, account and the raw escape hatch: exact requests, sent once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from client_helpers import assert_headers
from wire import BASE_URL, Wire, answer, wired_client

from noko_core import NokoAuthError, NokoClient

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
    ("label", "call", "path", "expected"), LISTINGS, ids=[row[0] for row in LISTINGS]
)
def test_listing_sends_filters_in_query(
    wire: Wire, wired: NokoClient, label: str, call: Call, path: str, expected: dict[str, str]
) -> None:
    wire.then(answer(json=[{"id": 1}]))

    result = call(wired)

    sent = wire.only()
    assert (sent.method, sent.path) == ("GET", path)
    assert sent.query == {key: [value] for key, value in {"per_page": "1000", **expected}.items()}
    assert_headers(sent, has_body=False)
    assert result == [{"id": 1}]


def test_listing_follows_next_link_verbatim(wire: Wire, wired: NokoClient) -> None:
    next_url = f"{BASE_URL}/users?page=2&per_page=1000&role=leader"
    wire.then(
        answer(json=[{"id": 1}], headers={"Link": f'<{next_url}>; rel="next"'}),
        answer(json=[{"id": 2}]),
    )

    users = wired.list_users(role="leader")

    assert [s.url for s in wire.sent] == [f"{BASE_URL}/users?per_page=1000&role=leader", next_url]
    assert_headers(wire.sent[1], has_body=False)  # same origin: the token goes along
    assert users == [{"id": 1}, {"id": 2}]


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
    wire: Wire, wired: NokoClient, label: str, make: Callable[[NokoClient], Any], path: str
) -> None:
    wire.then(answer(json=[{"id": 1}, {"id": 2}]))
    items = make(wired)
    assert wire.sent == []

    first = next(items)

    sent = wire.only()
    assert (sent.method, sent.path, sent.query) == ("GET", path, {"per_page": ["1000"]})
    assert first == {"id": 1}


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
    wire: Wire, wired: NokoClient, label: str, call: Call, path: str
) -> None:
    wire.then(answer(json={"id": 1}))

    result = call(wired)

    sent = wire.only()
    assert (sent.method, sent.path, sent.query) == ("GET", path, {})
    assert_headers(sent, has_body=False)
    assert result == {"id": 1}


def test_every_request_has_exactly_these_headers_and_options(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(json={"id": 2}), answer(json={"id": 2}))

    wired.get_single_team(2)
    wired.edit_team(2, "Renamed")

    get, put = wire.sent
    common = {"accept", "accept-encoding", "connection", "user-agent", "x-nokotoken"}
    assert set(get.headers) == common
    assert set(put.headers) == common | {"content-type", "content-length"}
    assert put.headers["content-length"] == str(len(put.body))
    # requests must not follow redirects itself (it would forward X-NokoToken to any host).
    assert {(s.timeout, s.allow_redirects) for s in wire.sent} == {(30.0, False)}


def test_raw_request_get_encodes_params_like_the_wrapped_methods(
    wire: Wire, wired: NokoClient
) -> None:
    wire.then(answer(json=[]))

    result = wired.request(
        "GET", "/teams", params={"user_ids": [1, 2], "per_page": 2, "name": None}
    )

    sent = wire.only()
    assert (sent.method, sent.path, sent.raw_query) == (
        "GET",
        "/v2/teams",
        "user_ids=1,2&per_page=2",
    )
    assert_headers(sent, has_body=False)
    assert result == []


def test_raw_request_put_sends_json_body(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(json={"id": 2}))

    result = wired.request("put", "teams/2", json={"name": "Design"})

    sent = wire.only()
    assert (sent.method, sent.path, sent.json) == ("PUT", "/v2/teams/2", {"name": "Design"})
    assert_headers(sent, has_body=True)
    assert result == {"id": 2}


def test_raw_request_returns_none_for_204(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(204))

    assert wired.request("PUT", "teams/2/remove_all_users") is None

    assert wire.only().body == b""


def test_user_agent_can_be_overridden(wire: Wire) -> None:
    wire.then(answer(401, json={"message": "Unauthorized"}))

    with wired_client(wire, user_agent="MyBot/9.1") as custom, pytest.raises(NokoAuthError):
        custom.get_account()

    assert wire.only().headers["user-agent"] == "MyBot/9.1"


def test_callers_session_is_used_but_not_changed_or_closed(wire: Wire) -> None:
    wire.headers["X-Trace"] = "abc"
    before = (dict(wire.headers), dict(wire.adapters))
    wire.then(answer(json={"id": 1}))

    with wired_client(wire) as custom:
        custom.get_account()

    assert wire.only().headers["x-trace"] == "abc"
    assert (dict(wire.headers), dict(wire.adapters)) == before
    assert "x-nokotoken" not in {name.lower() for name in wire.headers}
    assert not wire.closed
