"""Each Teams method sends one request, with the exact verb, path, query, body and headers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from client_helpers import assert_headers
from wire import Wire, answer

from noko_core import NokoClient

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


TEAM = {"id": 2, "name": "Design", "users": []}
MEMBERS = [{"id": 1, "email": "a@example.com", "first_name": "A", "last_name": "B"}]


def test_list_teams_defaults_to_per_page_1000(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(json=[TEAM]))

    teams = wired.list_teams()

    sent = wire.only()
    assert (sent.method, sent.url) == ("GET", "https://api.nokotime.com/v2/teams?per_page=1000")
    assert_headers(sent, has_body=False)
    assert teams == [TEAM]


@pytest.mark.parametrize(("user_ids", "expected"), ID_LIST_FORMS)
def test_list_teams_user_ids_comma_joined_in_query(
    wire: Wire, wired: NokoClient, user_ids: Any, expected: str
) -> None:
    wire.then(answer(json=[]))

    wired.list_teams(user_ids=user_ids, name="Eng")

    sent = wire.only()
    assert sent.query == {"user_ids": [expected], "name": ["Eng"], "per_page": ["1000"]}
    assert f"user_ids={expected}" in sent.raw_query  # literal commas, not %2C
    assert_headers(sent, has_body=False)


@pytest.mark.parametrize(("per_page", "expected"), [(5, "5"), ("7", "7"), (1000, "1000")])
def test_list_teams_per_page(wire: Wire, wired: NokoClient, per_page: Any, expected: str) -> None:
    wire.then(answer(json=[]))

    list(wired.iter_teams(per_page=per_page))

    assert wire.only().query == {"per_page": [expected]}


def test_iter_teams_sends_nothing_until_iterated(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(json=[TEAM]))
    teams = wired.iter_teams(name="x")
    assert wire.sent == []

    assert list(teams) == [TEAM]

    assert wire.only().query == {"name": ["x"], "per_page": ["1000"]}


@pytest.mark.parametrize(("user_ids", "expected"), [*ID_LIST_FORMS, ([], []), (None, [])])
def test_create_team_posts_integer_array(
    wire: Wire, wired: NokoClient, user_ids: Any, expected: Any
) -> None:
    ids = [int(i) for i in expected.split(",")] if isinstance(expected, str) else expected
    wire.then(answer(201, json=TEAM))

    team = wired.create_team(name="New team", user_ids=user_ids)

    sent = wire.only()
    assert (sent.method, sent.path, sent.raw_query) == ("POST", "/v2/teams", "")
    assert sent.json == {"name": "New team", "user_ids": ids}
    assert_headers(sent, has_body=True)
    assert team == TEAM


def test_create_team_body_is_compact_json(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(201, json=TEAM))

    wired.create_team(name="Ünïcode team", user_ids="1, 2")

    assert wire.only().body == b'{"name":"\\u00dcn\\u00efcode team","user_ids":[1,2]}'


@pytest.mark.parametrize("team_id", TEAM_ID_FORMS)
def test_get_single_team_returns_one_object(wire: Wire, wired: NokoClient, team_id: Any) -> None:
    wire.then(answer(json=TEAM))

    team = wired.get_single_team(team_id)

    sent = wire.only()
    assert (sent.method, sent.path, sent.query) == ("GET", "/v2/teams/2", {})
    assert_headers(sent, has_body=False)
    assert team == TEAM


@pytest.mark.parametrize("team_id", TEAM_ID_FORMS)
def test_edit_team_puts_only_the_name(wire: Wire, wired: NokoClient, team_id: Any) -> None:
    wire.then(answer(json=TEAM))

    assert wired.edit_team(team_id, "Design") == TEAM

    sent = wire.only()
    assert (sent.method, sent.path, sent.json) == ("PUT", "/v2/teams/2", {"name": "Design"})
    assert_headers(sent, has_body=True)


def test_delete_team_sends_no_body(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(204))

    result = wired.delete_team("7")

    sent = wire.only()
    assert (sent.method, sent.path, sent.query) == ("DELETE", "/v2/teams/7", {})
    assert_headers(sent, has_body=False)
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


@pytest.mark.parametrize(("filters", "expected"), ENTRY_FILTERS)
def test_team_entries_filters_go_in_the_query(
    wire: Wire, wired: NokoClient, filters: dict[str, Any], expected: dict[str, str]
) -> None:
    wire.then(answer(json=[]))

    wired.get_entries_for_users_in_team(3, **filters)

    sent = wire.only()
    assert (sent.method, sent.path) == ("GET", "/v2/teams/3/entries")
    assert sent.query == {key: [value] for key, value in {"per_page": "1000", **expected}.items()}
    assert_headers(sent, has_body=False)


def test_team_entries_encode_spaces_and_commas_plainly(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(json=[]))

    wired.get_entries_for_users_in_team(3, tag_filter_type="combination of", tag_ids="1,2")

    raw = wire.only().raw_query
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


@pytest.mark.parametrize(("filters", "expected"), USER_FILTERS)
def test_team_users_filters_go_in_the_query(
    wire: Wire, wired: NokoClient, filters: dict[str, Any], expected: dict[str, str]
) -> None:
    wire.then(answer(json=MEMBERS))

    users = wired.get_users_in_team(1, **filters)

    sent = wire.only()
    assert (sent.method, sent.path) == ("GET", "/v2/teams/1/users")
    assert sent.query == {key: [value] for key, value in {"per_page": "1000", **expected}.items()}
    assert_headers(sent, has_body=False)
    assert users == MEMBERS


@pytest.mark.parametrize(("user_ids", "expected"), ID_LIST_FORMS)
def test_add_users_posts_integer_array(
    wire: Wire, wired: NokoClient, user_ids: Any, expected: str
) -> None:
    wire.then(answer(json=MEMBERS))

    users = wired.add_users_to_team(7, user_ids)

    sent = wire.only()
    assert (sent.method, sent.path, sent.raw_query) == ("POST", "/v2/teams/7/add_users", "")
    assert sent.json == {"user_ids": [int(i) for i in expected.split(",")]}
    assert_headers(sent, has_body=True)
    assert users == MEMBERS


@pytest.mark.parametrize(("user_ids", "expected"), ID_LIST_FORMS)
def test_remove_users_puts_integer_array(
    wire: Wire, wired: NokoClient, user_ids: Any, expected: str
) -> None:
    wire.then(answer(204))

    result = wired.remove_users_from_team(7, user_ids)

    sent = wire.only()
    assert (sent.method, sent.path) == ("PUT", "/v2/teams/7/remove_users")
    assert sent.json == {"user_ids": [int(i) for i in expected.split(",")]}
    assert_headers(sent, has_body=True)
    assert result is None


def test_remove_all_users_puts_without_body(wire: Wire, wired: NokoClient) -> None:
    wire.then(answer(204))

    result = wired.remove_all_users_from_team(" 7")

    sent = wire.only()
    assert (sent.method, sent.path) == ("PUT", "/v2/teams/7/remove_all_users")
    assert_headers(sent, has_body=False)
    assert result is None
