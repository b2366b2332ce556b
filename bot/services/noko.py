"""Making the Noko client: the one place that decides its timeout, retries and limiter."""

from __future__ import annotations

from bot.settings import Settings
from noko_core import Limiter, NokoClient, RateLimiter
from noko_core.shared_limit import shared_limiter

# Slack waits for nobody: a Noko call that hangs longer than this becomes "Noko didn't answer".
NOKO_TIMEOUT_SECONDS = 10.0
NOKO_MAX_RETRIES = 2


class NokoTokenMissingError(ValueError):
    """NOKO_ACCESS_TOKEN is not set."""


def make_limiter(settings: Settings) -> Limiter:
    """The Noko pace of this process: shared by the whole deployment unless NOKO_LIMITER=process.

    Shared: Redis when REDIS_URL is set (a state file while Redis is unreachable), else the
    state file NOKO_LIMITER_FILE (default: one per Noko URL in the temp directory).
    """
    rate = settings.noko_requests_per_second
    if settings.noko_limiter == "process":
        return RateLimiter(rate)
    redis_url = settings.redis_url.get_secret_value().strip() if settings.redis_url else None
    return shared_limiter(
        settings.noko_api_url,
        rate,
        redis_url=redis_url,
        state_path=settings.noko_limiter_file,
    )


def make_noko_client(settings: Settings) -> NokoClient:
    """The client every process (web, socket, clock, CLI, demo) talks to Noko with."""
    token = settings.noko_access_token
    if token is None or not token.get_secret_value().strip():
        raise NokoTokenMissingError("NOKO_ACCESS_TOKEN is not set")
    return NokoClient(
        token.get_secret_value().strip(),
        base_url=settings.noko_api_url,
        timeout=NOKO_TIMEOUT_SECONDS,
        max_retries=NOKO_MAX_RETRIES,
        limiter=make_limiter(settings),
    )
