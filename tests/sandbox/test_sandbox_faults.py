"""Injected faults (status, stall, drop; path/method matching; count) and artificial latency."""

from __future__ import annotations

import time

import pytest
import requests
from sandbox_helpers import Api

from noko_core.sandbox import Sandbox


def test_status_fault_answers_json_message_for_count_requests(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("status", status=503, count=2)

    statuses = [api.get("/account").status_code for _ in range(3)]

    assert statuses == [503, 503, 200]
    assert [r.status for r in sandbox.requests] == [503, 503, 200]


def test_status_fault_5xx_body_is_json_message(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("status", status=500)

    response = api.get("/account")

    assert response.status_code == 500
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert isinstance(response.json()["message"], str)


def test_injected_429_is_empty_with_optional_retry_after(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("status", status=429)
    sandbox.inject("status", status=429, retry_after=3)

    plain, hinted = api.get("/account"), api.get("/account")

    assert (plain.status_code, plain.content) == (429, b"")
    assert "Retry-After" not in plain.headers
    assert (hinted.status_code, hinted.content, hinted.headers["Retry-After"]) == (429, b"", "3")


def test_fault_matches_path_substring(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("status", status=500, path="/entries")

    assert api.get("/account").status_code == 200
    assert api.get("/teams/1/entries").status_code == 500
    assert api.get("/teams/1/entries").status_code == 200


def test_fault_matches_path_regex(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("status", status=502, path=r"^/v2/teams/\d+$", count=5)

    assert api.get("/teams").status_code == 200
    assert api.get("/teams/1/users").status_code == 200
    assert api.get("/teams/1").status_code == 502


def test_fault_matches_method_and_leaves_state_alone(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("status", status=500, method="POST", path="/teams")

    assert api.get("/teams").status_code == 200
    failed = api.request("POST", "/teams", json={"name": "Ghost", "user_ids": [1]})
    created = api.request("POST", "/teams", json={"name": "Real", "user_ids": [1]})

    assert (failed.status_code, created.status_code) == (500, 201)
    assert [t.name for t in sandbox.store.teams.values()].count("Ghost") == 0


def test_drop_closes_connection_without_response(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("drop", path="/account")

    with pytest.raises(requests.ConnectionError):
        api.get("/account")

    assert api.get("/account").status_code == 200
    assert [r.status for r in sandbox.requests] == [0, 200]


def test_stall_times_out_a_client_with_a_shorter_timeout(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("stall", seconds=1.0, method="POST")

    with pytest.raises(requests.ReadTimeout):
        api.request("POST", "/teams", json={"name": "Stalled", "user_ids": [1]}, timeout=0.1)


def test_stall_holds_then_closes_without_processing(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("stall", seconds=0.3, method="POST")
    started = time.monotonic()

    # A patient client sees the end of the stall: the connection closes, nothing answered.
    with pytest.raises(requests.ConnectionError):
        api.request("POST", "/teams", json={"name": "Stalled", "user_ids": [1]}, timeout=30)

    assert time.monotonic() - started >= 0.3 * 0.9
    assert all(t.name != "Stalled" for t in sandbox.store.teams.values())
    assert [(r.method, r.status) for r in sandbox.requests] == [("POST", 0)]


def test_apply_then_drop_makes_the_change_and_answers_nothing(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("apply-then-drop", method="POST", path="/teams")

    with pytest.raises(requests.ConnectionError):
        api.request("POST", "/teams", json={"name": "Applied, dropped", "user_ids": [1]})

    assert [t.name for t in sandbox.store.teams.values()].count("Applied, dropped") == 1
    assert [(r.method, r.status) for r in sandbox.requests] == [("POST", 201)]


def test_apply_then_stall_makes_the_change_and_holds_the_answer(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("apply-then-stall", seconds=1.0, method="DELETE", path="/teams/2")
    started = time.monotonic()

    with pytest.raises(requests.ReadTimeout):
        api.request("DELETE", "/teams/2", timeout=0.3)

    assert time.monotonic() - started < 0.9  # the client gave up; the change was already made
    assert 2 not in sandbox.store.teams
    assert api.get("/teams/2").status_code == 404


def test_apply_then_drop_records_a_refusal_too(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("apply-then-drop", method="PUT")

    with pytest.raises(requests.ConnectionError):
        api.request("PUT", "/teams/999999", json={"name": "Nobody"})

    assert [r.status for r in sandbox.requests] == [404]


def test_clear_faults_removes_pending_faults(sandbox: Sandbox, api: Api) -> None:
    sandbox.inject("status", status=500, count=10)
    sandbox.clear_faults()

    assert api.get("/account").status_code == 200


@pytest.mark.parametrize(
    ("kind", "kwargs"),
    [
        ("boom", {}),
        ("status", {}),
        ("stall", {}),
        ("apply-then-stall", {}),
        ("status", {"status": 500, "count": 0}),
    ],
)
def test_inject_rejects_bad_arguments(sandbox: Sandbox, kind: str, kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        sandbox.inject(kind, **kwargs)


def test_latency_delays_every_request(sandbox: Sandbox, api: Api) -> None:
    sandbox.latency = 0.1
    started = time.monotonic()

    for _ in range(3):
        assert api.get("/account").status_code == 200

    assert time.monotonic() - started >= 3 * 0.1 * 0.9


def test_latency_can_be_set_in_constructor() -> None:
    with Sandbox(rate_limit=False, latency=0.2) as sb:
        started = time.monotonic()
        requests.get(f"{sb.base_url}/account", headers={"User-Agent": "t/1"}, timeout=30)

        assert time.monotonic() - started >= 0.2 * 0.9
        assert sb.latency == 0.2
