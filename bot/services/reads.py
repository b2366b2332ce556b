"""Where the bot reads Noko's data from: the one door for teams, users, projects and time.

Two implementations answer the same questions:

- live reads (Noko's API through the short-lived ``NokoCache``), used while the mirror has not
  finished its first sync, or when the mirror is turned off;
- the mirror (``bot.mirror``): the bot's own copy of the account in its database, kept fresh by
  Noko's webhooks and by incremental sync, which answers without a Noko request and sums time in
  SQL, so memory does not grow with the number of entries.

Time is read as ``EntryGroup`` rows, one per (user, project, billable, approved) in a span of
dates, never as a list of every entry: a digest over 100,000 entries holds a few hundred groups.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from noko_core import Entry, Project, SimpleProject, SimpleUser, Team, User


@dataclass(frozen=True)
class Span:
    """Dates from ``start`` to ``end``, both included (a Period's dates)."""

    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class EntryGroup:
    """The entries of one user in one project (None: no project) with the same billable and
    approved flags, within one span: summed minutes and how many entries."""

    user: SimpleUser
    project: SimpleProject | None
    billable: bool
    approved: bool
    minutes: int
    entries: int


@dataclass(frozen=True)
class Freshness:
    """How current the answers are: ``as_of`` None means read live from Noko just now;
    ``read_at`` is when they were read, on the reader's clock (so a reply never mixes the
    bot's clock with the machine's)."""

    as_of: dt.datetime | None = None
    read_at: dt.datetime | None = None

    def note(self, *, stale_after: dt.timedelta) -> str | None:
        """ "as of 3 min ago" when the data is older than ``stale_after``; None when fresh."""
        if self.as_of is None or self.read_at is None:
            return None
        age = self.read_at - self.as_of
        if age <= stale_after:
            return None
        minutes = int(age.total_seconds() // 60)
        if minutes < 60:
            return f"as of {minutes} min ago"
        hours = minutes // 60
        if hours < 48:
            return f"as of {hours} h ago"
        return f"as of {self.as_of:%Y-%m-%d %H:%M} UTC"


class NokoReads(Protocol):
    """Every read of Noko data the bot makes, and the two notices of a change it made."""

    def teams(self) -> list[Team]:
        """Every team, each with its ``users``."""
        ...

    def team(self, team_id: int) -> Team:
        """One team with its ``users``; raises ``NokoNotFoundError`` if missing."""
        ...

    def users(self) -> list[User]:
        """Every user of the account (any state)."""
        ...

    def projects(self) -> list[Project]:
        """Every project with its ``participants``."""
        ...

    def week_start(self) -> int:
        """The account's first weekday, 0=Monday … 6=Sunday."""
        ...

    def entry_groups(
        self, user_ids: Collection[int], spans: Sequence[Span]
    ) -> list[list[EntryGroup]]:
        """For each span, the groups of the given users' entries dated inside it (one Noko read
        covering every span when live)."""
        ...

    def entries(self, user_ids: Collection[int], span: Span) -> Iterator[Entry]:
        """The entries themselves, most recent date first: for one person's details only."""
        ...

    def freshness(self) -> Freshness:
        """How current what this returns is."""
        ...

    def team_changed(self, team: Team) -> None:
        """The bot changed ``team`` in Noko (Noko answered with it): nobody sees the old one."""
        ...

    def team_deleted(self, team_id: int) -> None:
        """The bot deleted a team in Noko."""
        ...
