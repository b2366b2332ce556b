"""End to end against the sandbox: every seed method's effect, pagination, and each error class."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import requests
from client_helpers import TOKEN, make_client, only_request

from noko_core import (
    NokoAuthError,
    NokoClient,
    NokoForbiddenError,
    NokoHTTPError,
    NokoNotFoundError,
    NokoValidationError,
)
from noko_core.sandbox import Sandbox


def test_team_lifecycle_through_every_seed_method(
    fresh_sb: Sandbox, fresh_client: NokoClient
) -> None:
    store, c = fresh_sb.store, fresh_client

    team = c.create_team(name="Platform", user_ids="1, 2")
    assert store.teams[team["id"]].user_ids == [1, 2]
    assert c.get_single_team(team["id"])["name"] == "Platform"

    assert c.edit_team(team["id"], "Platform Core")["name"] == "Platform Core"
    assert store.teams[team["id"]].name == "Platform Core"

    added = c.add_users_to_team(team["id"], [3, "4"])
    assert {u["id"] for u in added} == {1, 2, 3, 4} == set(store.teams[team["id"]].user_ids)
    assert {u["id"] for u in c.get_users_in_team(team["id"])} == {1, 2, 3, 4}

    c.remove_users_from_team(team["id"], 2)
    assert store.teams[team["id"]].user_ids == [1, 3, 4]

    c.remove_all_users_from_team(team["id"])
    assert store.teams[team["id"]].user_ids == []
    assert c.get_users_in_team(team["id"]) == []

    c.delete_team(team["id"])
    assert team["id"] not in store.teams
    assert {1, 2, 3, 4} <= set(store.users)  # deleting a team keeps its users
    with pytest.raises(NokoNotFoundError):
        c.get_single_team(team["id"])


def test_list_teams_filters_by_member(fresh_sb: Sandbox, fresh_client: NokoClient) -> None:
    expected = sorted(t.id for t in fresh_sb.store.teams.values() if 5 in t.user_ids)

    assert [t["id"] for t in fresh_client.list_teams(user_ids="5")] == expected


def test_team_users_role_filter_is_honoured(sb: Sandbox, client: NokoClient) -> None:
    members = [sb.store.users[i] for i in sb.store.teams[1].user_ids]
    expected = sorted(u.id for u in members if u.role == "leader")

    users = client.get_users_in_team(1, role="leader")

    assert sorted(u["id"] for u in users) == expected
    assert all(u["role"] == "leader" for u in users)


def _team_entry_ids(sb: Sandbox, team_id: int, **days: object) -> list[int]:
    members = set(sb.store.teams[team_id].user_ids)
    start, end = days.get("start"), days.get("end")
    return [
        e.id
        for e in sb.store.entries
        if e.user_id in members
        and (start is None or e.date >= start)  # type: ignore[operator]
        and (end is None or e.date <= end)  # type: ignore[operator]
    ]


@pytest.mark.parametrize("per_page", [97, None])
def test_big_team_entries_are_paged_completely(
    sb: Sandbox, client: NokoClient, per_page: int | None
) -> None:
    expected = _team_entry_ids(sb, 1)
    size = per_page or 1000
    assert len(expected) > 2 * size, "the big team must need several pages"

    entries = client.get_entries_for_users_in_team(1, per_page=per_page)

    assert [e["id"] for e in entries] == expected
    assert len(sb.requests) == -(-len(expected) // size)


def test_date_filter_is_honoured_across_pages(sb: Sandbox, client: NokoClient) -> None:
    end = sb.store.today - timedelta(days=7)
    start = end - timedelta(days=27)
    expected = _team_entry_ids(sb, 1, start=start, end=end)

    entries = client.get_entries_for_users_in_team(1, from_=start, to=end.isoformat(), per_page=200)

    assert [e["id"] for e in entries] == expected
    assert all(start.isoformat() <= e["date"] <= end.isoformat() for e in entries)


def test_next_link_is_followed_verbatim(sb: Sandbox, client: NokoClient) -> None:
    first = requests.get(
        f"{sb.base_url}/teams/1/entries",
        params={"per_page": "500", "billable": "true", "user_ids": "1,2,3,4,5,6"},
        headers={"X-NokoToken": TOKEN, "User-Agent": "test/1"},
        timeout=10,
    )
    next_query = urlsplit(first.links["next"]["url"]).query
    sb.clear_requests()

    entries = client.iter_entries_for_users_in_team(
        1, per_page=500, billable=True, user_ids=[1, 2, 3, 4, 5, 6]
    )
    for _ in range(501):
        next(entries)

    second = sb.requests[1]
    assert second.raw_query == next_query
    assert all(len(values) == 1 for values in second.query.values())  # nothing re-appended


def test_wrong_token_is_an_auth_error(sb: Sandbox) -> None:
    with make_client(sb, token="wrong-token") as c, pytest.raises(NokoAuthError) as caught:
        c.list_teams()

    assert caught.value.status == 401
    assert caught.value.path == "/v2/teams"


def test_forbidden_status_maps_to_forbidden_error(sb: Sandbox, client: NokoClient) -> None:
    sb.inject("status", status=403, path="/v2/account")

    with pytest.raises(NokoForbiddenError) as caught:
        client.get_account()

    assert caught.value.status == 403
    assert only_request(sb).status == 403


def test_html_404_gives_a_clear_message(sb: Sandbox, client: NokoClient) -> None:
    with pytest.raises(NokoNotFoundError) as caught:
        client.get_single_team(987654)

    error = caught.value
    assert (error.status, error.method, error.path) == (404, "GET", "/v2/teams/987654")
    assert error.message == "Not found: GET /v2/teams/987654"
    assert error.errors == []


def test_validation_error_parses_message_and_errors(sb: Sandbox, client: NokoClient) -> None:
    taken = sb.store.teams[1].name

    with pytest.raises(NokoValidationError) as caught:
        client.create_team(name=taken.upper(), user_ids=[999999])

    error = caught.value
    assert (error.status, error.message) == (400, "Validation Failed")
    assert {(e["field"], e["code"]) for e in error.errors} == {
        ("user_ids", "missing"),
        ("name", "already_exists"),
    }
    assert all(e["resource"] == "Team" for e in error.errors)
    assert len(sb.requests) == 1  # a 400 is final


def test_other_client_errors_are_http_errors(sb: Sandbox, client: NokoClient) -> None:
    sb.inject("status", status=409, path="/v2/tags")

    with pytest.raises(NokoHTTPError) as caught:
        client.list_tags()

    assert type(caught.value) is NokoHTTPError and caught.value.status == 409
