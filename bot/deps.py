"""The bot's collaborators (Noko client, repository, cache, reads, clock), built once from
Settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.mirror.reads import build_reads
from bot.services.cache import NokoCache
from bot.services.live_reads import LiveReads
from bot.services.noko import make_noko_client
from bot.services.reads import NokoReads
from bot.settings import Settings
from bot.storage import Repository, open_repository
from noko_core import NokoClient


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Deps:
    """Everything listeners hand to services; tests build their own. ``noko`` is for writes:
    every read of Noko data goes through ``reads``."""

    noko: NokoClient
    repo: Repository
    cache: NokoCache
    reads: NokoReads
    clock: Callable[[], dt.datetime] = utc_now


def build_deps(settings: Settings, *, clock: Callable[[], dt.datetime] = utc_now) -> Deps:
    """Connect to Noko and the database (migrating it). Raises ValueError without a Noko token.

    ``clock`` is the one "now" of the repository, the mirror and the services (the demo hands
    it the moment it plays at; everything else runs on the system clock)."""
    noko = make_noko_client(settings)
    repo = open_repository(settings.database_url, migrate=True, clock=clock)
    cache = NokoCache(noko)
    reads = build_reads(settings, repo, LiveReads(noko, cache), clock=clock)
    return Deps(noko=noko, repo=repo, cache=cache, reads=reads, clock=clock)
