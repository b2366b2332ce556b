"""Single-flight GETs: identical concurrent reads share one HTTP request, nothing else does."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from client_helpers import make_client

from noko_core import NokoClient, NokoNotFoundError, background_requests
from noko_core.sandbox import Sandbox

N = 8


def together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls on threads released at the same moment; results (or exceptions) in order."""
    results: list[Any] = [None] * len(calls)
    gate = threading.Barrier(len(calls))

    def run(index: int) -> None:
        gate.wait()
        try:
            results[index] = calls[index]()
        except Exception as exc:
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def slow_sb(sb: Sandbox) -> Sandbox:
    sb.latency = 0.4  # long enough for every thread to join the first one's request
    return sb


def test_identical_concurrent_gets_make_one_request(slow_sb: Sandbox) -> None:
    with make_client(slow_sb) as client:
        results = together([client.get_current_user for _ in range(N)])

    assert len(slow_sb.requests) == 1
    assert all(r == results[0] for r in results)
    assert not any(isinstance(r, Exception) for r in results)


def test_gets_with_different_queries_are_separate_requests(slow_sb: Sandbox) -> None:
    with make_client(slow_sb) as client:
        together(
            [lambda n=n: client.request("GET", "/users", params={"page": n}) for n in range(4)]
        )

    assert sorted(r.raw_query for r in slow_sb.requests) == [f"page={n}" for n in range(4)]


def test_writes_never_coalesce(slow_sb: Sandbox) -> None:
    with make_client(slow_sb) as client:
        together(
            [lambda: client.request("PUT", "/teams/1", json={"name": "Same"}) for _ in range(3)]
        )

    assert [r.method for r in slow_sb.requests] == ["PUT"] * 3


def test_different_tokens_do_not_share_a_request(slow_sb: Sandbox) -> None:
    with make_client(slow_sb) as one, make_client(slow_sb, token="another-token") as other:
        results = together([one.get_current_user, other.get_current_user])

    assert len(slow_sb.requests) == 2
    assert isinstance(results[1], Exception)  # the sandbox refuses the unknown token...
    assert not isinstance(results[0], Exception)  # ...and only that caller hears of it


def test_a_caller_changing_its_result_does_not_change_anothers(slow_sb: Sandbox) -> None:
    with make_client(slow_sb) as client:
        results = together([lambda: client.request("GET", "/teams") for _ in range(3)])
    assert len(slow_sb.requests) == 1
    pristine = [dict(team) for team in results[1]]

    results[0][0]["name"] = "changed by the first caller"
    results[0].clear()

    assert results[1] == pristine
    assert results[2] == pristine
    assert results[1][0]["name"] != "changed by the first caller"


def test_a_shared_failure_reaches_every_caller_as_its_own_error(slow_sb: Sandbox) -> None:
    with make_client(slow_sb) as client:
        results = together([lambda: client.get_single_team(999_999) for _ in range(4)])

    assert len(slow_sb.requests) == 1
    assert all(isinstance(r, NokoNotFoundError) for r in results)
    assert len({id(r) for r in results}) == 4
    assert {str(r) for r in results} == {str(results[0])}


def test_sequential_gets_are_not_cached(sb: Sandbox) -> None:
    with make_client(sb) as client:
        client.get_current_user()
        client.get_current_user()
    assert len(sb.requests) == 2


def test_interactive_and_background_callers_do_not_share(slow_sb: Sandbox) -> None:
    """An interactive read must not wait behind a background one's (yielding) pace."""
    with make_client(slow_sb) as client:

        def background() -> Any:
            with background_requests():
                return client.get_current_user()

        together([background, client.get_current_user])
    assert len(slow_sb.requests) == 2


def test_coalescing_can_be_turned_off(slow_sb: Sandbox) -> None:
    client: NokoClient
    with make_client(slow_sb, coalesce=False) as client:
        together([client.get_current_user for _ in range(3)])
    assert len(slow_sb.requests) == 3
