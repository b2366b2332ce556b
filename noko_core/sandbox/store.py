"""The sandbox's live state: one Noko account in memory, guarded by one lock.

Teams are copied from the dataset (they change); users, projects, tags and entries are shared
with it and treated as read-only (the sandbox has no endpoints that change them). Hold `lock`
while reading several things that must agree with each other.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from noko_core.sandbox.dataset import (
    Account,
    CurrentUserSettings,
    Dataset,
    Entry,
    Invoice,
    Project,
    ProjectGroup,
    Tag,
    Team,
    User,
)

T = TypeVar("T")


@dataclass(frozen=True)
class ProjectTotals:
    minutes: int = 0
    billable_minutes: int = 0
    invoiced_minutes: int = 0
    entries: int = 0


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Store:
    def __init__(self, dataset: Dataset) -> None:
        self.lock = threading.RLock()
        self.today: dt.date = dataset.today
        # Copies of what may change, so that a reset is back to the dataset as built.
        self.users: dict[int, User] = {u.id: replace(u) for u in dataset.users}
        self.teams: dict[int, Team] = {
            t.id: replace(t, user_ids=list(t.user_ids)) for t in dataset.teams
        }
        self.project_groups: dict[int, ProjectGroup] = {g.id: g for g in dataset.project_groups}
        self.projects: dict[int, Project] = {
            p.id: replace(p, participant_ids=list(p.participant_ids)) for p in dataset.projects
        }
        self.tags: dict[int, Tag] = {t.id: t for t in dataset.tags}
        self.invoices: dict[int, Invoice] = {i.id: i for i in dataset.invoices}
        self.entries: list[Entry] = sorted(
            dataset.entries, key=lambda e: (e.date, e.id), reverse=True
        )
        self.entries_by_id: dict[int, Entry] = {e.id: e for e in dataset.entries}
        self.account: Account = dataset.account
        self.current_user_id: int = dataset.current_user_id
        self.settings: CurrentUserSettings = dataset.settings
        self._next_team_id = max(self.teams, default=0) + 1
        self.user_entry_counts: Counter[int] = Counter(e.user_id for e in self.entries)
        self.tag_entry_counts: Counter[int] = Counter(t for e in self.entries for t in e.tag_ids)
        self.project_totals: dict[int, ProjectTotals] = _project_totals(self.entries)

    # -- reading -------------------------------------------------------------------------------

    @staticmethod
    def select(items: Iterable[T], predicates: list[Callable[[Any], bool]]) -> list[T]:
        if not predicates:
            return list(items)
        return [item for item in items if all(pred(item) for pred in predicates)]

    def users_sorted(self) -> list[User]:
        return [self.users[i] for i in sorted(self.users)]

    def teams_sorted(self) -> list[Team]:
        return [self.teams[i] for i in sorted(self.teams)]

    def members(self, team: Team) -> list[User]:
        return [self.users[i] for i in sorted(team.user_ids)]

    def teams_of(self, user_id: int) -> list[Team]:
        return [t for t in self.teams_sorted() if user_id in t.user_ids]

    def unknown_user_ids(self, user_ids: Iterable[int]) -> list[int]:
        return [i for i in user_ids if i not in self.users]

    def name_taken(self, name: str, except_id: int | None = None) -> bool:
        folded = name.strip().casefold()
        return any(
            t.name.strip().casefold() == folded and t.id != except_id for t in self.teams.values()
        )

    # -- team writes ---------------------------------------------------------------------------

    def create_team(self, name: str, user_ids: list[int]) -> Team:
        with self.lock:
            stamp = now()
            team = Team(self._next_team_id, name, _unique(user_ids), stamp, stamp)
            self.teams[team.id] = team
            self._next_team_id += 1
            return team

    def rename_team(self, team: Team, name: str) -> None:
        with self.lock:
            if name != team.name:
                team.name = name
                team.updated_at = now()

    def add_users(self, team: Team, user_ids: list[int]) -> None:
        with self.lock:
            new = [i for i in _unique(user_ids) if i not in team.user_ids]
            if new:
                team.user_ids.extend(new)
                team.updated_at = now()

    def remove_users(self, team: Team, user_ids: Iterable[int]) -> None:
        with self.lock:
            gone = set(user_ids)
            kept = [i for i in team.user_ids if i not in gone]
            if len(kept) != len(team.user_ids):
                team.user_ids = kept
                team.updated_at = now()

    def delete_team(self, team: Team) -> None:
        with self.lock:
            del self.teams[team.id]


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def _project_totals(entries: list[Entry]) -> dict[int, ProjectTotals]:
    sums: dict[int, list[int]] = {}
    for e in entries:
        if e.project_id is None:
            continue
        row = sums.setdefault(e.project_id, [0, 0, 0, 0])
        row[0] += e.minutes
        row[1] += e.minutes if e.billable else 0
        row[2] += e.minutes if e.invoice_id is not None else 0
        row[3] += 1
    return {pid: ProjectTotals(*row) for pid, row in sums.items()}
