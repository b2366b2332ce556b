"""Transport rules: auth, User-Agent, 404s, verbs, HEAD, content types, recording."""

from __future__ import annotations

import http.client
import json

import requests
from sandbox_helpers import UA, Api

from noko_core.sandbox import Sandbox

JSON = "application/json; charset=utf-8"


def test_missing_token_is_401_with_json_message(sandbox: Sandbox) -> None:
    response = requests.get(f"{sandbox.base_url}/teams", headers={"User-Agent": UA}, timeout=10)

    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}


def test_wrong_token_is_401(sandbox: Sandbox) -> None:
    headers = {"User-Agent": UA, "X-NokoToken": "nope"}
    response = requests.get(f"{sandbox.base_url}/teams", headers=headers, timeout=10)

    assert response.status_code == 401


def test_token_in_query_string_is_accepted(sandbox: Sandbox) -> None:
    url = f"{sandbox.base_url}/account"
    response = requests.get(url, params={"noko_token": sandbox.token}, headers={"User-Agent": UA})

    assert response.status_code == 200
    assert response.json()["id"] == 1


def test_missing_user_agent_is_400_before_auth(sandbox: Sandbox) -> None:
    # http.client, unlike requests/urllib3, sends no User-Agent of its own.
    connection = http.client.HTTPConnection("127.0.0.1", sandbox.port, timeout=10)
    connection.request("GET", "/v2/teams")
    response = connection.getresponse()

    assert response.status == 400
    assert json.loads(response.read()) == {"message": "User-Agent header is required"}
    assert "user-agent" not in sandbox.requests[0].headers
    connection.close()


def test_blank_user_agent_is_400(sandbox: Sandbox) -> None:
    headers = {"User-Agent": "", "X-NokoToken": sandbox.token}
    response = requests.get(f"{sandbox.base_url}/teams", headers=headers, timeout=10)

    assert response.status_code == 400


def test_unknown_id_is_404_with_one_space_html_body(api: Api) -> None:
    response = api.get("/users/9999")

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.content == b" "


def test_unknown_route_is_404_with_one_space_html_body(api: Api) -> None:
    response = api.get("/invalid_url")

    assert response.status_code == 404
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.content == b" "


def test_non_numeric_id_is_404(api: Api) -> None:
    assert api.get("/teams/abc").status_code == 404


def test_wrong_verb_on_known_path_is_404(api: Api) -> None:
    assert api.request("DELETE", "/users/1").status_code == 404
    assert api.request("GET", "/teams/1/add_users").status_code == 404
    assert api.request("PUT", "/teams/1/add_users", json={"user_ids": [2]}).status_code == 404


def test_trailing_slash_is_accepted(api: Api) -> None:
    response = api.get("/teams/1/users/")

    assert response.status_code == 200
    assert [u["id"] for u in response.json()] == [u["id"] for u in api.get("/teams/1/users").json()]


def test_json_responses_carry_utf8_json_content_type(api: Api) -> None:
    for path in ("/teams", "/teams/1", "/users/1", "/entries/1", "/current_user", "/account"):
        assert api.get(path).headers["Content-Type"] == JSON, path


def test_head_answers_like_get_without_body(api: Api) -> None:
    get = api.get("/teams/1")
    head = api.request("HEAD", "/teams/1")

    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Length"] == str(len(get.content))


def test_requests_are_recorded_with_parsed_details(sandbox: Sandbox, api: Api) -> None:
    api.get("/entries", user_ids="1,2", description="")
    api.request("POST", "/teams", json={"name": "Recorded", "user_ids": [1]})
    requests.get(f"{sandbox.base_url}/teams", headers={"User-Agent": UA}, timeout=10)

    first, second, third = sandbox.requests

    assert (first.method, first.path, first.status) == ("GET", "/v2/entries", 200)
    assert first.query == {"user_ids": ["1,2"], "description": [""]}
    assert first.raw_query == "user_ids=1%2C2&description="
    assert first.headers["x-nokotoken"] == sandbox.token
    assert first.json is None and first.body == b""
    assert second.json == {"name": "Recorded", "user_ids": [1]} and second.status == 201
    assert third.status == 401
    assert first.received_at <= first.answered_at <= second.received_at


def test_clear_requests_empties_the_record(sandbox: Sandbox, api: Api) -> None:
    api.get("/account")
    sandbox.clear_requests()

    assert sandbox.requests == []


def test_get_body_is_ignored_for_filters(api: Api) -> None:
    unfiltered = api.get("/users").json()
    response = api.request("GET", "/users", json={"role": "contractor"})

    assert response.json() == unfiltered


def test_stop_closes_the_port() -> None:
    sb = Sandbox(rate_limit=False).start()
    url = f"{sb.base_url}/account"
    sb.stop()

    try:
        requests.get(url, headers={"User-Agent": UA}, timeout=5)
    except requests.ConnectionError:
        return
    raise AssertionError("the sandbox still answered after stop()")
