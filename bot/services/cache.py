"""A short-lived, thread-safe cache of Noko teams, users, projects and the current user, so
pickers answer within 3 seconds and a role or assignment change in Noko takes effect within about
its lifetime. Stale-while-revalidate: no command waits on an expired entry, only on a first load."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from bot.services.periods import week_start_from_noko
from noko_core import CurrentUser, NokoClient, Project, Team, User

logger = logging.getLogger(__name__)

DEFAULT_TTL = 60.0
T = TypeVar("T")


class _Slot(Generic[T]):
    """One cached list, stale-while-revalidate: fresh for ``ttl`` seconds; after that callers get
    the stale list at once while one background thread reloads it. Only a first load (or one
    after ``invalidate``) blocks, and concurrent callers share it."""

    def __init__(
        self, name: str, loader: Callable[[], list[T]], clock: Callable[[], float], ttl: float
    ) -> None:
        self._name = name
        self._loader = loader
        self._clock = clock
        self._ttl = ttl
        self._lock = threading.Lock()
        self._value: list[T] | None = None
        self._loaded_at: float | None = None
        self._trusted = False  # False: never loaded, or invalidated (the next get reloads)
        self._generation = 0
        self._loading: threading.Event | None = None

    def _fresh(self) -> bool:
        return self._loaded_at is not None and self._clock() - self._loaded_at < self._ttl

    def get(self) -> list[T]:
        """The cached list (stale ones start a background refresh); loads, blocking, only when
        there is nothing to trust."""
        with self._lock:
            if self._value is not None and self._trusted:
                if not self._fresh():
                    self._start_refresh()
                return self._value
            in_flight, generation = self._loading, self._generation
            if in_flight is None:  # ours: concurrent callers (posting workers) join this load
                self._loading = mine = threading.Event()
        if in_flight is not None:
            # Join the load in flight rather than asking Noko twice for the same list.
            in_flight.wait()
            with self._lock:
                if self._value is not None and self._trusted:
                    return self._value
                generation = self._generation
            return self._load(generation)
        try:
            return self._load(generation)
        finally:
            with self._lock:
                self._loading = None
            mine.set()

    def _load(self, generation: int) -> list[T]:
        """Read the list; ``generation`` is the one it was asked in (a change since wins)."""
        value = list(self._loader())
        with self._lock:
            if generation == self._generation:
                self._value, self._loaded_at, self._trusted = value, self._clock(), True
            elif self._value is not None and self._trusted:
                # The bot changed the list while we read it: what it wrote is newer.
                return self._value
            else:
                # Invalidated while loading: `value` may predate the change; the next get reloads.
                self._value = value
        return value

    def peek(self, wait: float) -> list[T] | None:
        """What is cached (even stale) without waiting on Noko; waits up to ``wait`` if empty."""
        with self._lock:
            value, current = self._value, self._fresh() and self._trusted
            event = None if current else self._start_refresh()
        if value is not None or event is None:
            return value
        event.wait(wait)
        with self._lock:
            return self._value

    def refresh_in_background(self) -> None:
        with self._lock:
            if not (self._fresh() and self._trusted):
                self._start_refresh()

    def invalidate(self) -> None:
        """Nothing cached may be trusted (a change may have half-happened): the next get loads."""
        with self._lock:
            self._generation += 1
            self._loaded_at = None
            self._trusted = False

    def update(self, change: Callable[[list[T]], list[T]]) -> None:
        """Apply a change the bot made (and Noko confirmed) to the cached list, without a read;
        a load in flight, which may have missed it, is not kept."""
        with self._lock:
            self._generation += 1
            if self._value is not None:
                self._value = change(self._value)

    def _start_refresh(self) -> threading.Event:
        # Called with the lock held; at most one refresh thread per slot.
        if self._loading is None:
            self._loading = threading.Event()
            threading.Thread(
                target=self._refresh,
                args=(self._generation,),
                name=f"cache-{self._name}",
                daemon=True,
            ).start()
        return self._loading

    def _refresh(self, generation: int) -> None:
        try:
            self._load(generation)
        except Exception as error:  # a failed refresh must not kill anything; the stale value stays
            logger.warning("refreshing the %s cache failed: %s", self._name, type(error).__name__)
        finally:
            with self._lock:
                event, self._loading = self._loading, None
            if event is not None:
                event.set()


class NokoCache:
    """Teams and users of the Noko account, fresh for ``ttl`` seconds (``clock`` is injectable)."""

    def __init__(
        self,
        noko: NokoClient,
        *,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.noko = noko
        self._teams: _Slot[Team] = _Slot("teams", noko.list_teams, clock, ttl)
        self._users: _Slot[User] = _Slot("users", noko.list_users, clock, ttl)
        self._projects: _Slot[Project] = _Slot("projects", noko.list_projects, clock, ttl)
        self._me: _Slot[CurrentUser] = _Slot(
            "current user", lambda: [noko.get_current_user()], clock, ttl
        )

    def teams(self) -> list[Team]:
        return self._teams.get()

    def users(self) -> list[User]:
        return self._users.get()

    def projects(self) -> list[Project]:
        """Every project with its ``participants``: who a coworker's level lets them read."""
        return self._projects.get()

    def week_start(self) -> int:
        """The account's first weekday (0=Monday … 6=Sunday), from Noko's current user: the one
        door to the week start for commands, previews and the clock alike."""
        return week_start_from_noko(self._me.get()[0].get("week_start"))

    def peek_teams(self, wait: float = 2.0) -> list[Team] | None:
        return self._teams.peek(wait)

    def peek_users(self, wait: float = 2.0) -> list[User] | None:
        return self._users.peek(wait)

    def invalidate_teams(self) -> None:
        """After a change that failed or may have half-happened: reload before trusting it."""
        self._teams.invalidate()

    def team_changed(self, team: Team) -> None:
        """The bot changed ``team`` (as Noko answered): the list shows it now, with no read."""
        self._teams.update(lambda teams: [*(t for t in teams if t["id"] != team["id"]), team])

    def team_deleted(self, team_id: int) -> None:
        """The bot deleted a team: the list drops it now, with no read."""
        self._teams.update(lambda teams: [t for t in teams if t["id"] != team_id])

    def warm_in_background(self) -> None:
        """Start loading both lists without blocking (start-up, App Home, after an ack)."""
        self._teams.refresh_in_background()
        self._users.refresh_in_background()
