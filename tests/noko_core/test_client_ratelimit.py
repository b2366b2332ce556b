"""Client-side pacing: one limiter shared by all threads of a client, retries included."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator

import pytest
from client_helpers import TOKEN, make_client, settled_requests

from noko_core import NokoClient
from noko_core.sandbox import RecordedRequest, Sandbox, build_dataset

INTERVAL = 0.5  # 2 requests/s, Noko's documented per-IP limit
# Lower bounds only, with slack for a busy 2-core machine: the time between the limiter's
# release and the request's arrival varies, but a missing limiter would show gaps near zero.
GAP_TOLERANCE = 0.15


@pytest.fixture
def limited_sb() -> Iterator[Sandbox]:
    with Sandbox(token=TOKEN, rate_limit=True, dataset=build_dataset(seed=3)) as sb:
        yield sb


def _gaps(requests: list[RecordedRequest]) -> list[float]:
    times = sorted(r.received_at for r in requests)
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def test_four_threads_together_stay_under_two_per_second(limited_sb: Sandbox) -> None:
    client = make_client(limited_sb, requests_per_second=2.0)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for team_id in (1, 2, 3):
                client.get_single_team(team_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    client.close()

    seen = settled_requests(limited_sb)
    assert errors == []
    assert [r.status for r in seen] == [200] * 12  # the sandbox never had to refuse one
    assert min(_gaps(seen)) >= INTERVAL - GAP_TOLERANCE
    assert seen[-1].received_at - seen[0].received_at >= 11 * INTERVAL - GAP_TOLERANCE


def test_retries_are_paced_too(limited_sb: Sandbox) -> None:
    limited_sb.inject("status", status=503, count=2, path="/v2/account")

    with make_client(limited_sb, requests_per_second=2.0, backoff_base=0.001) as client:
        client.get_account()

    seen = settled_requests(limited_sb)
    assert [r.status for r in seen] == [503, 503, 200]
    assert min(_gaps(seen)) >= INTERVAL - GAP_TOLERANCE


def test_an_unpaced_burst_does_get_429s(limited_sb: Sandbox) -> None:
    """Control for the tests above: without the client's limiter the sandbox does refuse."""
    client = make_client(limited_sb, requests_per_second=None, max_retries=0)
    outcomes: list[str] = []

    def one() -> None:
        try:
            client.get_single_team(1)
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(type(exc).__name__)

    threads = [threading.Thread(target=one) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    client.close()

    assert "NokoRateLimitError" in outcomes
    assert 429 in [r.status for r in settled_requests(limited_sb)]


def test_limiter_can_be_disabled_and_rejects_nonsense(limited_sb: Sandbox) -> None:
    with pytest.raises(ValueError):
        NokoClient(TOKEN, requests_per_second=0)
