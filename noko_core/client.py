"""NokoClient: the seed's flat, seed-named methods over one paced, retrying transport."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Self

import requests

from noko_core._version import __version__
from noko_core.errors import NokoInputError
from noko_core.ratelimit import RateLimiter
from noko_core.resources.account import AccountMixin
from noko_core.resources.entries import EntriesMixin
from noko_core.resources.projects import ProjectsMixin
from noko_core.resources.tags import TagsMixin
from noko_core.resources.teams import TeamsMixin
from noko_core.resources.users import UsersMixin
from noko_core.resources.webhooks import WebhooksMixin
from noko_core.transport import Policy, Transport

DEFAULT_BASE_URL = "https://api.nokotime.com/v2"
DEFAULT_USER_AGENT = f"noko-team-bot/{__version__}"
_TOKEN_PARAMS = frozenset({"noko_token", "access_token", "freckle_token"})


class NokoClient(
    TeamsMixin, UsersMixin, EntriesMixin, ProjectsMixin, TagsMixin, AccountMixin, WebhooksMixin
):
    """Client for the Noko API v2, authenticated with a personal access token.

    Keyword filters are validated before any request (NokoInputError names the parameter).
    Lists return every page; ``iter_*`` twins yield lazily. One client may be shared by
    threads: they share its connection pool and its rate limit (``requests_per_second``,
    None to disable). ``session`` lets a caller supply a ``requests.Session``; the client
    then neither mounts adapters on it nor closes it. ``clock`` and ``sleep`` time the pacing
    and the retry waits; tests pass a fake pair so that no test has to wait.
    """

    def __init__(
        self,
        access_token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        user_agent: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 4,
        requests_per_second: float | None = 2.0,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        _check_settings(access_token, timeout, max_retries, backoff_base, backoff_max)
        self._transport = Transport(
            access_token,
            base_url=base_url,
            user_agent=user_agent or DEFAULT_USER_AGENT,
            policy=Policy(timeout, max_retries, backoff_base, backoff_max),
            limiter=RateLimiter(requests_per_second, clock=clock, sleep=sleep),
            session=session,
            sleep=sleep,
        )

    def __repr__(self) -> str:
        transport = self._transport
        return f"NokoClient(base_url={transport.base_url!r}, user_agent={transport.user_agent!r})"

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, object] | None = None,
        json: Any = None,
    ) -> Any:
        """Raw escape hatch for endpoints not wrapped here; ``path`` is relative to base_url.

        Query values are encoded like the wrapped methods' (lowercase booleans, comma-joined
        lists); ``json`` is sent as the body. Returns the decoded JSON, or None for 204.
        """
        leaked = sorted(_TOKEN_PARAMS.intersection(params or {}))
        if leaked:
            # A token in the URL would reach logs (urllib3 logs request lines at DEBUG).
            message = "the token is sent as the X-NokoToken header; do not put it in the query"
            raise NokoInputError(
                "request", [{"param": name, "message": message} for name in leaked]
            )
        return self._send(method, path, query=params, body=json)

    def close(self) -> None:
        """Release pooled connections."""
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _check_settings(
    token: str, timeout: float, max_retries: int, backoff_base: float, backoff_max: float
) -> None:
    problems: list[dict[str, object]] = []
    if not isinstance(token, str) or not token.strip():
        problems.append({"param": "access_token", "message": "must be a non-empty string"})
    if not timeout > 0:
        problems.append({"param": "timeout", "message": "must be positive", "input": timeout})
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        problems.append({"param": "max_retries", "message": "must be an int >= 0"})
    if backoff_base < 0 or backoff_max < 0:
        problems.append({"param": "backoff_base", "message": "backoffs must be >= 0"})
    if problems:
        raise NokoInputError("NokoClient", problems)
