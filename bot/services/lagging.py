"""What reads through a cache add to the NokoReads door: their lists may lag Noko.

Live reads (``LiveReads``) keep teams and users in a short-lived cache, so a typed team name that
misses is read again once, type-ahead takes what is cached rather than wait past Slack's 3 s, and
the lists are warmed before the pickers need them. Reads that don't lag (the mirror, kept current
by webhooks) need none of this: each helper then reads the door directly or does nothing.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.services.reads import NokoReads
from noko_core import Team, User


@runtime_checkable
class LaggingReads(Protocol):
    def reload_teams(self) -> list[Team]:
        """The team list read again now."""
        ...

    def peek_teams(self, wait: float) -> list[Team] | None:
        """What is cached, waiting up to ``wait`` seconds when nothing is."""
        ...

    def peek_users(self, wait: float) -> list[User] | None: ...

    def warm_in_background(self) -> None:
        """Start loading the lists without blocking."""
        ...


def teams_again(reads: NokoReads) -> list[Team] | None:
    """The team list read again now when the reads may lag Noko (None: they don't)."""
    return reads.reload_teams() if isinstance(reads, LaggingReads) else None


def peek_teams(reads: NokoReads, wait: float) -> list[Team]:
    """The teams without waiting past ``wait`` on Noko (type-ahead, a modal's ack)."""
    if isinstance(reads, LaggingReads):
        return reads.peek_teams(wait) or []
    return reads.teams()


def peek_users(reads: NokoReads, wait: float) -> list[User]:
    if isinstance(reads, LaggingReads):
        return reads.peek_users(wait) or []
    return reads.users()


def warm(reads: NokoReads) -> None:
    """Load the teams and users ahead of the pickers, when they come from a cache."""
    if isinstance(reads, LaggingReads):
        reads.warm_in_background()
