"""Redirects are followed by the client, but the token only ever goes to the base URL's origin."""

from __future__ import annotations

import pytest
from client_helpers import TOKEN
from wire import BASE_URL, Reply, Wire, answer

from noko_core import NokoAuthError, NokoClient, NokoTransportError

MOVED = [{"id": 1, "name": "Moved team"}]


def _to(location: str, status: int = 301) -> Reply:
    return answer(status, headers={"Location": location})


def test_same_origin_redirect_is_followed_with_the_token(wire: Wire, wired: NokoClient) -> None:
    wire.then(_to("/v2/new?page=1"), answer(json=MOVED))

    result = wired.request("GET", "old")

    assert result == MOVED
    assert [s.url for s in wire.sent] == [f"{BASE_URL}/old", f"{BASE_URL}/new?page=1"]
    assert [s.headers["x-nokotoken"] for s in wire.sent] == [TOKEN, TOKEN]


def test_token_is_not_forwarded_to_another_origin(wire: Wire, wired: NokoClient) -> None:
    wire.then(_to("https://elsewhere.example/v2/teams", 307), answer(401))

    with pytest.raises(NokoAuthError):
        wired.request("GET", "moved")

    first, followed = wire.sent
    assert first.headers["x-nokotoken"] == TOKEN
    assert (followed.method, followed.url) == ("GET", "https://elsewhere.example/v2/teams")
    assert "x-nokotoken" not in followed.headers


def test_plain_http_on_the_same_host_is_another_origin(wire: Wire, wired: NokoClient) -> None:
    wire.then(_to("http://api.nokotime.com/v2/teams", 302), answer(json=[]))

    wired.list_teams()

    assert "x-nokotoken" not in wire.sent[1].headers


@pytest.mark.parametrize(
    ("status", "method", "resent"),
    [(303, "PUT", ("GET", None)), (301, "POST", ("GET", None)), (307, "POST", ("POST", [1]))],
)
def test_redirected_write_keeps_or_drops_its_body_like_browsers(
    wire: Wire, wired: NokoClient, status: int, method: str, resent: tuple[str, object]
) -> None:
    wire.then(_to("/v2/teams/9", status), answer(json={"id": 9}))

    wired.request(method, "teams/8", json=[1])

    followed = wire.sent[1]
    assert (followed.method, followed.json) == resent
    assert followed.path == "/v2/teams/9"


def test_redirect_loop_stops_after_five_hops(wire: Wire, wired: NokoClient) -> None:
    wire.then(*[_to("/v2/again") for _ in range(6)])

    with pytest.raises(NokoTransportError) as caught:
        wired.request("GET", "again")

    assert str(caught.value) == "GET /v2/again: TooManyRedirects"
    assert len(wire.sent) == 6
