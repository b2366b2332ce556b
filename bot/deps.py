"""The bot's collaborators (Noko client, repository, cache, clock), built once from Settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.services.cache import NokoCache
from bot.settings import Settings

# Slack waits for nobody: a Noko call that hangs longer than this becomes "Noko didn't answer".
NOKO_TIMEOUT_SECONDS = 10.0
NOKO_MAX_RETRIES = 2


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Deps:
    """Everything listeners hand to services; tests build their own."""

    noko: Any
    repo: Any
    cache: NokoCache
    clock: Callable[[], dt.datetime] = utc_now


def build_deps(settings: Settings) -> Deps:
    """Connect to Noko and the database (migrating it). Raises ValueError without a Noko token."""
    from bot.storage import open_repository  # imported here: SQLAlchemy only when really needed
    from noko_core import NokoClient

    if settings.noko_access_token is None:
        raise ValueError("NOKO_ACCESS_TOKEN is not set")
    noko = NokoClient(
        settings.noko_access_token.get_secret_value(),
        base_url=settings.noko_api_url,
        timeout=NOKO_TIMEOUT_SECONDS,
        max_retries=NOKO_MAX_RETRIES,
    )
    repo = open_repository(settings.database_url, migrate=True)
    return Deps(noko=noko, repo=repo, cache=NokoCache(noko))
