"""Team endpoints: create, edit, delete, membership actions, validation and body errors."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sandbox_helpers import Api

from noko_core.sandbox import Sandbox


def _members(api: Api, team_id: int) -> list[int]:
    return [u["id"] for u in api.get(f"/teams/{team_id}").json()["users"]]


def _errors(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    assert body["message"] == "Validation Failed"
    return [(e["resource"], e["field"], e["code"]) for e in body["errors"]]


def test_create_team_is_201_with_location_and_team(sandbox: Sandbox, api: Api) -> None:
    response = api.request("POST", "/teams", json={"name": "Support", "user_ids": [3, 5]})

    team = response.json()
    assert response.status_code == 201
    assert response.headers["Location"] == f"{sandbox.base_url}/teams/{team['id']}"
    assert team["name"] == "Support"
    assert [u["id"] for u in team["users"]] == [3, 5]
    assert api.get(f"/teams/{team['id']}").json() == team
    assert sandbox.store.teams[team["id"]].user_ids == [3, 5]


def test_create_team_with_empty_user_ids_makes_empty_team(api: Api) -> None:
    response = api.request("POST", "/teams", json={"name": "Empty", "user_ids": []})

    assert response.status_code == 201
    assert response.json()["users"] == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"user_ids": [1]}, [("Team", "name", "missing_field")]),
        ({"name": "  ", "user_ids": [1]}, [("Team", "name", "missing_field")]),
        ({"name": 5, "user_ids": [1]}, [("Team", "name", "invalid")]),
        ({"name": "X"}, [("Team", "user_ids", "missing_field")]),
        ({"name": "X", "users": [1, 2]}, [("Team", "user_ids", "missing_field")]),
        ({"name": "X", "user_ids": "1,2"}, [("Team", "user_ids", "invalid")]),
        ({"name": "X", "user_ids": ["1", "2"]}, [("Team", "user_ids", "invalid")]),
        ({"name": "X", "user_ids": [1, True]}, [("Team", "user_ids", "invalid")]),
        ({"name": "X", "user_ids": [1, 9999]}, [("Team", "user_ids", "missing")]),
        ({"name": "design", "user_ids": [1]}, [("Team", "name", "already_exists")]),
        ({}, [("Team", "name", "missing_field"), ("Team", "user_ids", "missing_field")]),
    ],
)
def test_create_team_validation_errors(
    sandbox: Sandbox, api: Api, body: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    teams_before = dict(sandbox.store.teams)

    response = api.request("POST", "/teams", json=body)

    assert response.status_code == 400
    assert _errors(response.json()) == expected
    assert sandbox.store.teams == teams_before


def test_invalid_json_body_is_json_parsing_error(api: Api) -> None:
    headers = {"Content-Type": "application/json"}
    response = api.request("POST", "/teams", data=b'{"name": ', headers=headers)

    assert response.status_code == 400
    assert response.json() == {"message": "JSON Parsing Error"}


def test_non_object_json_body_is_rejected(api: Api) -> None:
    response = api.request("POST", "/teams", json=[1, 2])

    assert response.status_code == 400
    assert response.json() == {"message": "Body should be JSON Hash"}


def test_body_without_json_content_type_is_400(sandbox: Sandbox, api: Api) -> None:
    response = api.request("POST", "/teams", data={"name": "Form", "user_ids": "1"})

    assert response.status_code == 400
    assert "Content-Type" in response.json()["message"]
    assert all(t.name != "Form" for t in sandbox.store.teams.values())


def test_edit_team_renames_and_bumps_updated_at(api: Api) -> None:
    before = api.get("/teams/2").json()

    response = api.request("PUT", "/teams/2", json={"name": "Product Design"})

    assert response.status_code == 200
    assert response.json()["name"] == "Product Design"
    assert response.json()["updated_at"] > before["updated_at"]
    assert response.json()["users"] == before["users"]


def test_edit_team_with_empty_body_changes_nothing(api: Api) -> None:
    before = api.get("/teams/2").json()

    response = api.request("PUT", "/teams/2")

    assert response.status_code == 200
    assert response.json() == before


def test_edit_team_to_blank_name_is_validation_error(api: Api) -> None:
    response = api.request("PUT", "/teams/2", json={"name": ""})

    assert response.status_code == 400
    assert _errors(response.json()) == [("Team", "name", "missing_field")]


def test_edit_unknown_team_is_404(api: Api) -> None:
    assert api.request("PUT", "/teams/999", json={"name": "X"}).status_code == 404


def test_delete_team_is_204_and_keeps_users(sandbox: Sandbox, api: Api) -> None:
    members = _members(api, 2)

    response = api.request("DELETE", "/teams/2")

    assert response.status_code == 204
    assert response.content == b""
    assert "Content-Type" not in response.headers
    assert api.get("/teams/2").status_code == 404
    assert all(api.get(f"/users/{uid}").status_code == 200 for uid in members)
    assert all(t["id"] != 2 for u in members for t in api.get(f"/users/{u}").json()["teams"])


def test_add_users_returns_all_members_and_ignores_existing(api: Api) -> None:
    before = _members(api, 2)
    new = next(uid for uid in range(1, 41) if uid not in before)

    response = api.request("POST", "/teams/2/add_users", json={"user_ids": [before[0], new]})

    assert response.status_code == 200
    assert [u["id"] for u in response.json()] == sorted([*before, new])
    assert "teams" in response.json()[0] and "role" in response.json()[0]
    assert _members(api, 2) == sorted([*before, new])


def test_add_users_rejects_comma_string(api: Api) -> None:
    response = api.request("POST", "/teams/2/add_users", json={"user_ids": "1,2"})

    assert response.status_code == 400
    assert _errors(response.json()) == [("Team", "user_ids", "invalid")]


def test_add_unknown_user_is_missing(api: Api) -> None:
    response = api.request("POST", "/teams/2/add_users", json={"user_ids": [424242]})

    assert _errors(response.json()) == [("Team", "user_ids", "missing")]


def test_remove_users_is_204_and_ignores_non_members(api: Api) -> None:
    before = _members(api, 2)
    outsider = next(uid for uid in range(1, 41) if uid not in before)

    response = api.request("PUT", "/teams/2/remove_users", json={"user_ids": [before[0], outsider]})

    assert response.status_code == 204
    assert response.content == b""
    assert _members(api, 2) == before[1:]


def test_remove_users_requires_user_ids(api: Api) -> None:
    response = api.request("PUT", "/teams/2/remove_users", json={})

    assert _errors(response.json()) == [("Team", "user_ids", "missing_field")]


def test_remove_all_users_is_204_and_empties_team(api: Api) -> None:
    response = api.request("PUT", "/teams/1/remove_all_users")

    assert response.status_code == 204
    assert _members(api, 1) == []
    assert api.get("/teams/1/entries").json() == []


def test_team_changes_show_in_user_teams(api: Api) -> None:
    api.request("POST", "/teams", json={"name": "Guild", "user_ids": [7]})

    teams = api.get("/users/7").json()["teams"]

    assert "Guild" in [t["name"] for t in teams]


def test_list_teams_filters_by_name_and_user_ids(api: Api) -> None:
    by_name = api.get("/teams", name="engineering").json()
    by_user = api.get("/teams", user_ids="17,999").json()

    assert [t["name"] for t in by_name] == ["Engineering", "Engineering Ops"]
    assert by_user and all(17 in [u["id"] for u in t["users"]] for t in by_user)


def test_team_users_accept_user_filters(api: Api) -> None:
    response = api.get("/teams/1/users", role="leader")

    members = set(_members(api, 1))
    assert response.status_code == 200
    users = response.json()
    assert users and all(u["role"] == "leader" and u["id"] in members for u in users)


def test_concurrent_creates_get_distinct_ids(sandbox: Sandbox) -> None:
    def create(i: int) -> int:
        client = Api(sandbox)
        response = client.request("POST", "/teams", json={"name": f"Squad {i}", "user_ids": [i]})
        assert response.status_code == 201
        return int(response.json()["id"])

    with ThreadPoolExecutor(max_workers=10) as pool:
        ids = list(pool.map(create, range(1, 21)))

    assert len(set(ids)) == 20
    assert {sandbox.store.teams[i].name for i in ids} == {f"Squad {i}" for i in range(1, 21)}
