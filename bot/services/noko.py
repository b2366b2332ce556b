"""Making the Noko client: the one place that decides its timeout and retries."""

from __future__ import annotations

from bot.settings import Settings
from noko_core import NokoClient

# Slack waits for nobody: a Noko call that hangs longer than this becomes "Noko didn't answer".
NOKO_TIMEOUT_SECONDS = 10.0
NOKO_MAX_RETRIES = 2


class NokoTokenMissingError(ValueError):
    """NOKO_ACCESS_TOKEN is not set."""


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
        requests_per_second=settings.noko_requests_per_second,
    )
