"""Client-side pacing against the sandbox's real 2 requests/s limit: one limiter shared by all
threads of a client, retries included. (The waits themselves are pinned on a fake clock in
test_client_pacing_units.)"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator

import pytest
from client_helpers import TOKEN, make_client

from noko_core import NokoClient
from noko_core.sandbox import Dataset, RecordedRequest, Sandbox

INTERVAL = 0.5  # 2 requests/s, Noko's documented per-IP limit
# Lower bounds only, with slack for a busy 2-core machine: the time between the limiter's
# release and the request's arrival varies, but a missing limiter would show gaps near zero.
GAP_TOLERANCE = 0.15


@pytest.fixture
def limited_sb(fresh_dataset: Dataset) -> Iterator[Sandbox]:
    with Sandbox(token=TOKEN, rate_limit=True, dataset=fresh_dataset) as sb:
        yield sb


def _gaps(requests: list[RecordedRequest]) -> list[float]:
    times = sorted(r.received_at for r in requests)
    return [later - earlier for earlier, later in itertools.pairwise(times)]


def test_three_threads_together_stay_under_two_per_second(limited_sb: Sandbox) -> None:
    # Not coalesced: the threads' identical GETs would share requests (test_shared_limiter_*).
    client = make_client(limited_sb, requests_per_second=2.0, coalesce=False)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for team_id in (1, 2):
                client.get_single_team(team_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    client.close()

    seen = limited_sb.requests
    assert errors == []
    assert [r.status for r in seen] == [200] * 6  # the sandbox never had to refuse one
    # Arrival times (before the sandbox's own limiter): only the client's pacing spaces them.
    assert min(_gaps(seen)) >= INTERVAL - GAP_TOLERANCE
    assert seen[-1].received_at - seen[0].received_at >= 5 * INTERVAL - GAP_TOLERANCE


def test_retries_are_paced_too(limited_sb: Sandbox) -> None:
    limited_sb.inject("status", status=503, count=2, path="/v2/account")

    with make_client(limited_sb, requests_per_second=2.0, backoff_base=0.001) as client:
        client.get_account()

    seen = limited_sb.requests
    assert [r.status for r in seen] == [503, 503, 200]
    assert min(_gaps(seen)) >= INTERVAL - GAP_TOLERANCE


def test_unpaced_requests_arrive_closer_than_the_interval(sb: Sandbox) -> None:
    """Control for the tests above: without the client's limiter the gaps they measure shrink."""
    with make_client(sb, requests_per_second=None) as client:
        for _ in range(4):
            client.get_account()

    assert min(_gaps(sb.requests)) < INTERVAL - GAP_TOLERANCE


def test_limiter_can_be_disabled_and_rejects_nonsense() -> None:
    NokoClient(TOKEN, requests_per_second=None).close()
    with pytest.raises(ValueError):
        NokoClient(TOKEN, requests_per_second=0)
