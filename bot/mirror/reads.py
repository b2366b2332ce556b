"""``MirrorReads``: the bot's reads answered from the mirror (no Noko request), falling back to
live reads until the first sync has finished, and ``build_reads`` choosing between the two."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from bot.mirror.storage import MirrorStore, queries
from bot.services import lagging
from bot.services.reads import EntryGroup, Freshness, NokoReads, Span
from noko_core import Entry, NokoNotFoundError, Project, SimpleProject, SimpleUser, Team, User

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.storage import Repository


@dataclass(frozen=True)
class _Lists:
    seq: int  # the mirror's write counter they were read at
    teams: list[Team]
    users: list[User]
    projects: list[Project]


def simple_user_of(user: User) -> SimpleUser:
    keys = ("id", "email", "first_name", "last_name", "profile_image_url", "url")
    return cast(SimpleUser, {k: user[k] for k in keys if k in user})  # type: ignore[literal-required]


def simple_project_of(project: Project) -> SimpleProject:
    keys = ("id", "name", "billing_increment", "enabled", "billable", "color", "url")
    return cast(SimpleProject, {k: project[k] for k in keys if k in project})  # type: ignore[literal-required]


class MirrorReads:
    """Implements ``bot.services.reads.NokoReads`` from the mirror's tables.

    ``store`` is the mirror's ``MirrorStore`` (``MirrorStore(repo.engine)``); ``live`` answers
    while the first sync has not finished, and for spans older than the mirror's window.
    """

    def __init__(
        self, store: MirrorStore, live: NokoReads, *, window_days: int | None = None
    ) -> None:
        self.store = store
        self.live = live
        self._window_days = window_days
        self._ready = False
        self._lock = threading.Lock()
        self._lists: _Lists | None = None

    def ready(self) -> bool:
        """True once the first sync has finished (it stays finished)."""
        if not self._ready:
            done = self.store.mark().first_done_at is not None
            with self._lock:
                self._ready = self._ready or done
        return self._ready

    def _current(self) -> _Lists:
        """Teams, users and projects as of the mirror's last write: kept in this process and
        read again only when a write (any process's) has bumped the mirror's write counter, so
        a burst of commands costs one small query each, not three list reads."""
        seq = self.store.mark().write_seq
        with self._lock:
            lists = self._lists
        if lists is not None and lists.seq == seq:
            return lists
        with self.store.read() as session:
            lists = _Lists(
                seq, queries.teams(session), queries.users(session), queries.projects(session)
            )
        with self._lock:  # read after `seq`: at worst newer than its mark, read again next time
            self._lists = lists
        return lists

    def _forget_lists(self) -> None:
        with self._lock:
            self._lists = None

    def _window_start(self) -> dt.date | None:
        if self._window_days is None:
            return None
        return self.store.clock().date() - dt.timedelta(days=self._window_days)

    # -- NokoReads -----------------------------------------------------------------------------
    def teams(self) -> list[Team]:
        if not self.ready():
            return self.live.teams()
        return self._current().teams

    def team(self, team_id: int) -> Team:
        if not self.ready():
            return self.live.team(team_id)
        found = next((t for t in self._current().teams if t["id"] == team_id), None)
        if found is None:
            raise NokoNotFoundError(404, "Not found", method="GET", path=f"teams/{team_id}")
        return found

    def users(self) -> list[User]:
        if not self.ready():
            return self.live.users()
        return self._current().users

    def projects(self) -> list[Project]:
        if not self.ready():
            return self.live.projects()
        return self._current().projects

    def week_start(self) -> int:
        stored = self.store.state().week_start if self.ready() else None
        return stored if stored is not None else self.live.week_start()

    def entry_groups(
        self, user_ids: Collection[int], spans: Sequence[Span]
    ) -> list[list[EntryGroup]]:
        window = self._window_start()
        if not self.ready() or (window is not None and any(s.start < window for s in spans)):
            return self.live.entry_groups(user_ids, spans)
        lists = self._current()
        people = {u["id"]: simple_user_of(u) for u in lists.users}
        places = {p["id"]: simple_project_of(p) for p in lists.projects}
        with self.store.read() as session:
            return [
                [
                    EntryGroup(g.user, g.project, g.billable, g.approved, g.minutes, g.entries)
                    for g in queries.entry_groups(
                        session, user_ids, span.start, span.end, people, places
                    )
                ]
                for span in spans
            ]

    def entries(self, user_ids: Collection[int], span: Span) -> Iterator[Entry]:
        window = self._window_start()
        if not self.ready() or (window is not None and span.start < window):
            yield from self.live.entries(user_ids, span)
            return
        with self.store.read() as session:
            yield from queries.entries(session, user_ids, span.start, span.end)

    def freshness(self) -> Freshness:
        if not self.ready():
            return self.live.freshness()
        mark = self.store.mark()
        stamps = [t for t in (mark.last_success_at, mark.last_webhook_at) if t is not None]
        return Freshness(as_of=max(stamps) if stamps else None, read_at=self.store.clock())

    def team_changed(self, team: Team) -> None:
        """Noko has the change already: the mirror takes it at once, and so does live's cache."""
        with self.store.write() as session:
            self.store.upsert_teams(session, [team])
        self._forget_lists()
        self.live.team_changed(team)

    def team_deleted(self, team_id: int) -> None:
        with self.store.write() as session:
            self.store.delete_team(session, team_id)
        self._forget_lists()
        self.live.team_deleted(team_id)

    # -- LaggingReads: the live cache's lists lag Noko until the first sync; the mirror's don't ---
    def reload_teams(self) -> list[Team]:
        if self.ready():
            return self.teams()
        return lagging.teams_again(self.live) or self.live.teams()

    def peek_teams(self, wait: float) -> list[Team] | None:
        return self.teams() if self.ready() else lagging.peek_teams(self.live, wait)

    def peek_users(self, wait: float) -> list[User] | None:
        return self.users() if self.ready() else lagging.peek_users(self.live, wait)

    def warm_in_background(self) -> None:
        if not self.ready():
            lagging.warm(self.live)


def build_reads(
    settings: Settings,
    repo: Repository,
    live: NokoReads,
    *,
    clock: Callable[[], dt.datetime] | None = None,
) -> NokoReads:
    """The reads the bot uses: the mirror when NOKO_MIRROR=on (the default), else ``live``."""
    if settings.noko_mirror == "off":
        return live
    store = MirrorStore(repo.engine, clock=clock) if clock else MirrorStore(repo.engine)
    return MirrorReads(store, live, window_days=settings.noko_mirror_window_days)
