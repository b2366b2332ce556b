"""Each Teams method sends one request, with the exact verb, path, query, body and headers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from client_helpers import assert_headers, make_client, only_request, settled_requests

from noko_core import NokoClient
from noko_core.sandbox import Sandbox

# (accepted input form, what must appear on the wire)
ID_LIST_FORMS: list[tuple[Any, str]] = [
    (3, "3"),
    ("3", "3"),
    ("1, 2,3", "1,2,3"),
    (" 1 ,2 ", "1,2"),
    ([1, 2, 3], "1,2,3"),
    (["1", 2, " 3"], "1,2,3"),
    ((4, 5), "4,5"),
]
TEAM_ID_FORMS: list[Any] = [2, "2", " 2 "]


@pytest.fixture
def small_team(sb: Sandbox) -> int:
    """A team whose whole entry history fits on one page of 1000."""
    team = min(sb.store.teams.values(), key=lambda t: len(t.user_ids))
    assert sum(e.user_id in team.user_ids for e in sb.store.entries) <= 1000
    return team.id


@pytest.fixture
def scratch_team(sb: Sandbox) -> Iterator[int]:
    """A team created for one test (the log is cleared after creating it)."""
    with make_client(sb) as setup:
        team = setup.create_team(name=f"Scratch {len(sb.store.teams)}", user_ids=[1, 2])
    settled_requests(sb)
    sb.clear_requests()
    yield team["id"]
    if team["id"] in sb.store.teams:
        with make_client(sb) as cleanup:
            cleanup.delete_team(team["id"])


def test_list_teams_defaults_to_per_page_1000(sb: Sandbox, client: NokoClient) -> None:
    teams = client.list_teams()

    request = only_request(sb)
    assert (request.method, request.path, request.query) == (
        "GET",
        "/v2/teams",
        {"per_page": ["1000"]},
    )
    assert_headers(request, has_body=False)
    assert [t["id"] for t in teams] == sorted(sb.store.teams)


@pytest.mark.parametrize(("user_ids", "wire"), ID_LIST_FORMS)
def test_list_teams_user_ids_comma_joined_in_query(
    sb: Sandbox, client: NokoClient, user_ids: Any, wire: str
) -> None:
    client.list_teams(user_ids=user_ids, name="Eng")

    request = only_request(sb)
    assert request.query == {"user_ids": [wire], "name": ["Eng"], "per_page": ["1000"]}
    assert f"user_ids={wire}" in request.raw_query  # literal commas, not %2C
    assert_headers(request, has_body=False)


@pytest.mark.parametrize(("per_page", "wire"), [(5, "5"), ("7", "7"), (1000, "1000")])
def test_list_teams_per_page(sb: Sandbox, client: NokoClient, per_page: Any, wire: str) -> None:
    list(client.iter_teams(per_page=per_page))

    assert sb.requests[0].query == {"per_page": [wire]}


def test_iter_teams_sends_nothing_until_iterated(sb: Sandbox, client: NokoClient) -> None:
    teams = client.iter_teams(name="x")
    assert sb.requests == []

    list(teams)

    assert only_request(sb).query == {"name": ["x"], "per_page": ["1000"]}


@pytest.mark.parametrize(("user_ids", "wire"), [*ID_LIST_FORMS, ([], []), (None, [])])
def test_create_team_posts_integer_array(
    sb: Sandbox, client: NokoClient, user_ids: Any, wire: Any
) -> None:
    expected = [int(i) for i in wire.split(",")] if isinstance(wire, str) else wire

    team = client.create_team(name=f"New team {len(sb.store.teams)}", user_ids=user_ids)

    request = only_request(sb)
    assert (request.method, request.path, request.raw_query) == ("POST", "/v2/teams", "")
    assert request.json == {"name": team["name"], "user_ids": expected}
    assert_headers(request, has_body=True)
    client.delete_team(team["id"])


@pytest.mark.parametrize("team_id", TEAM_ID_FORMS)
def test_get_single_team_returns_one_object(sb: Sandbox, client: NokoClient, team_id: Any) -> None:
    team = client.get_single_team(team_id)

    request = only_request(sb)
    assert (request.method, request.path, request.query) == ("GET", "/v2/teams/2", {})
    assert_headers(request, has_body=False)
    assert isinstance(team, dict) and team["id"] == 2


@pytest.mark.parametrize("team_id", TEAM_ID_FORMS)
def test_edit_team_puts_only_the_name(sb: Sandbox, client: NokoClient, team_id: Any) -> None:
    name = sb.store.teams[2].name

    client.edit_team(team_id, name)

    request = only_request(sb)
    assert (request.method, request.path, request.json) == ("PUT", "/v2/teams/2", {"name": name})
    assert_headers(request, has_body=True)


def test_delete_team_sends_no_body(sb: Sandbox, client: NokoClient, scratch_team: int) -> None:
    result = client.delete_team(str(scratch_team))

    request = only_request(sb)
    assert (request.method, request.path) == ("DELETE", f"/v2/teams/{scratch_team}")
    assert_headers(request, has_body=False)
    assert result is None


ENTRY_FILTERS: list[tuple[dict[str, Any], dict[str, str]]] = [
    ({}, {}),
    ({"user_ids": "1, 2"}, {"user_ids": "1,2"}),
    ({"description": "stand up"}, {"description": "stand up"}),
    ({"project_ids": [3, "4"]}, {"project_ids": "3,4"}),
    ({"tag_ids": 5, "tag_filter_type": "and"}, {"tag_ids": "5", "tag_filter_type": "and"}),
    ({"tag_filter_type": "combination of"}, {"tag_filter_type": "combination of"}),
    ({"invoice_ids": "7", "import_ids": [8]}, {"invoice_ids": "7", "import_ids": "8"}),
    ({"from_": date(2024, 1, 2)}, {"from": "2024-01-02"}),
    ({"from": "2024-01-02"}, {"from": "2024-01-02"}),
    ({"from_": datetime(2024, 1, 2, 23, 59)}, {"from": "2024-01-02"}),
    ({"to": "2024-02-29"}, {"to": "2024-02-29"}),
    ({"invoiced": True}, {"invoiced": "true"}),
    ({"invoiced": "false"}, {"invoiced": "false"}),
    (
        {"invoiced_at_from": "2024-03-01", "invoiced_at_to": date(2024, 3, 31)},
        {"invoiced_at_from": "2024-03-01", "invoiced_at_to": "2024-03-31"},
    ),
    (
        {"updated_from": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))},
        {"updated_from": "2024-01-02T01:04:05Z"},
    ),
    ({"updated_from": datetime(2024, 1, 2, 3, 4, 5)}, {"updated_from": "2024-01-02T03:04:05Z"}),
    (
        {"updated_to": datetime(2024, 1, 2, 3, 4, 5, 999, tzinfo=UTC)},
        {"updated_to": "2024-01-02T03:04:05Z"},
    ),
    ({"updated_to": "2024-01-02T03:04:05+02:00"}, {"updated_to": "2024-01-02T01:04:05Z"}),
    ({"updated_to": "2024-01-02T03:04:05Z"}, {"updated_to": "2024-01-02T03:04:05Z"}),
    ({"billable": False}, {"billable": "false"}),
    ({"billable": "true"}, {"billable": "true"}),
    (
        {"approved_at_from": "2024-01-01", "approved_at_to": "2024-01-31"},
        {"approved_at_from": "2024-01-01", "approved_at_to": "2024-01-31"},
    ),
    ({"approved_by_ids": [1]}, {"approved_by_ids": "1"}),
    ({"per_page": "999"}, {"per_page": "999"}),
    ({"user_ids": None, "billable": None}, {}),
]


@pytest.mark.parametrize(("filters", "wire"), ENTRY_FILTERS)
def test_team_entries_filters_go_in_the_query(
    sb: Sandbox, client: NokoClient, small_team: int, filters: dict[str, Any], wire: dict[str, str]
) -> None:
    client.get_entries_for_users_in_team(small_team, **filters)

    request = only_request(sb)
    assert (request.method, request.path) == ("GET", f"/v2/teams/{small_team}/entries")
    assert request.query == {key: [value] for key, value in {"per_page": "1000", **wire}.items()}
    assert_headers(request, has_body=False)


def test_team_entries_encode_spaces_and_commas_plainly(
    sb: Sandbox, client: NokoClient, small_team: int
) -> None:
    client.get_entries_for_users_in_team(
        small_team, tag_filter_type="combination of", tag_ids="1,2"
    )

    raw = only_request(sb).raw_query
    assert "tag_filter_type=combination%20of" in raw
    assert "tag_ids=1,2" in raw


USER_FILTERS: list[tuple[dict[str, Any], dict[str, str]]] = [
    ({}, {}),
    ({"name": "Ana"}, {"name": "Ana"}),
    ({"email": "@example.com"}, {"email": "@example.com"}),
    ({"role": "leader"}, {"role": "leader"}),
    ({"state": "active", "role": "coworker"}, {"state": "active", "role": "coworker"}),
    ({"per_page": "999"}, {"per_page": "999"}),
]


@pytest.mark.parametrize(("filters", "wire"), USER_FILTERS)
def test_team_users_filters_go_in_the_query(
    sb: Sandbox, client: NokoClient, filters: dict[str, Any], wire: dict[str, str]
) -> None:
    users = client.get_users_in_team(1, **filters)

    request = only_request(sb)
    assert (request.method, request.path) == ("GET", "/v2/teams/1/users")
    assert request.query == {key: [value] for key, value in {"per_page": "1000", **wire}.items()}
    assert_headers(request, has_body=False)
    assert isinstance(users, list)


@pytest.mark.parametrize(("user_ids", "wire"), ID_LIST_FORMS)
def test_add_users_posts_integer_array(
    sb: Sandbox, client: NokoClient, scratch_team: int, user_ids: Any, wire: str
) -> None:
    users = client.add_users_to_team(scratch_team, user_ids)

    request = only_request(sb)
    assert (request.method, request.path) == ("POST", f"/v2/teams/{scratch_team}/add_users")
    assert request.json == {"user_ids": [int(i) for i in wire.split(",")]}
    assert json.loads(request.body) == request.json
    assert_headers(request, has_body=True)
    assert isinstance(users, list) and {u["id"] for u in users} >= set(request.json["user_ids"])


@pytest.mark.parametrize(("user_ids", "wire"), ID_LIST_FORMS)
def test_remove_users_puts_integer_array(
    sb: Sandbox, client: NokoClient, scratch_team: int, user_ids: Any, wire: str
) -> None:
    result = client.remove_users_from_team(scratch_team, user_ids)

    request = only_request(sb)
    assert (request.method, request.path) == ("PUT", f"/v2/teams/{scratch_team}/remove_users")
    assert request.json == {"user_ids": [int(i) for i in wire.split(",")]}
    assert_headers(request, has_body=True)
    assert result is None


def test_remove_all_users_puts_without_body(
    sb: Sandbox, client: NokoClient, scratch_team: int
) -> None:
    result = client.remove_all_users_from_team(scratch_team)

    request = only_request(sb)
    assert (request.method, request.path) == ("PUT", f"/v2/teams/{scratch_team}/remove_all_users")
    assert_headers(request, has_body=False)
    assert result is None
