"""The sandbox's live state: one Noko account in memory, guarded by one lock.

Teams, users and projects are copied from the dataset; entries and tags are shared with it but
never changed in place: an entry write swaps in a new `Entry` (copy on write), so a reset is
back to the dataset as built. Entry writes keep the derived indexes (`entries` sorted by date
then id, newest first, `entries_by_id`, the per-user/tag/project counters) in step. Webhook
registrations live here too. Hold `lock` while reading several things that must agree.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
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
    Webhook,
)

T = TypeVar("T")
# Noko turns "#word" in a description into a tag (letters, digits, "_" and "-").
HASHTAG = re.compile(r"(?<![\w#])#([\w-]+)")
NEW_PROJECT_COLOR = "#ff9898"


@dataclass(frozen=True)
class ProjectTotals:
    minutes: int = 0
    billable_minutes: int = 0
    invoiced_minutes: int = 0
    entries: int = 0


def wall_clock() -> dt.datetime:
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
        self._next_entry_id = max(self.entries_by_id, default=0) + 1
        self.webhooks: dict[int, Webhook] = {}
        self._next_webhook_id = 1
        self.user_entry_counts: Counter[int] = Counter(e.user_id for e in self.entries)
        self.tag_entry_counts: Counter[int] = Counter(t for e in self.entries for t in e.tag_ids)
        self.project_totals: dict[int, ProjectTotals] = _project_totals(self.entries)
        stamps = [e.updated_at for e in self.entries] + [t.updated_at for t in self.teams.values()]
        # Writes come after everything in the dataset, even when it is stamped ahead of the wall.
        self._last_stamp = max(stamps, default=wall_clock()) + dt.timedelta(seconds=1)

    def now(self) -> dt.datetime:
        """The stamp of a write: UTC, whole seconds, and never behind the data.

        Demo data built for today is stamped up to 20:00 UTC today, possibly later than the
        wall clock; a write stamped earlier would hide from `updated_from` readers that keep
        the newest `updated_at` they saw. Real Noko never stamps in the future, so writes here
        take the later of the wall clock and just after the newest stamp so far.
        """
        with self.lock:
            self._last_stamp = max(wall_clock(), self._last_stamp)
            return self._last_stamp

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
            stamp = self.now()
            team = Team(self._next_team_id, name, _unique(user_ids), stamp, stamp)
            self.teams[team.id] = team
            self._next_team_id += 1
            return team

    def rename_team(self, team: Team, name: str) -> None:
        with self.lock:
            if name != team.name:
                team.name = name
                team.updated_at = self.now()

    def add_users(self, team: Team, user_ids: list[int]) -> None:
        with self.lock:
            new = [i for i in _unique(user_ids) if i not in team.user_ids]
            if new:
                team.user_ids.extend(new)
                team.updated_at = self.now()

    def remove_users(self, team: Team, user_ids: Iterable[int]) -> None:
        with self.lock:
            gone = set(user_ids)
            kept = [i for i in team.user_ids if i not in gone]
            if len(kept) != len(team.user_ids):
                team.user_ids = kept
                team.updated_at = self.now()

    def delete_team(self, team: Team) -> None:
        with self.lock:
            del self.teams[team.id]

    # -- entry writes --------------------------------------------------------------------------

    def add_entry(self, entry: Entry) -> Entry:
        """Store a new entry under the next id (the given id is ignored); returns it."""
        with self.lock:
            entry = replace(entry, id=self._next_entry_id)
            self._next_entry_id += 1
            self._index(entry)
            return entry

    def replace_entry(self, old: Entry, new: Entry) -> None:
        """Swap `old` for `new` (same id): entries are never changed in place."""
        with self.lock:
            self._unindex(old)
            self._index(new)

    def remove_entry(self, entry: Entry) -> None:
        with self.lock:
            self._unindex(entry)

    def _index(self, entry: Entry) -> None:
        bisect.insort(self.entries, entry, key=_newest_first)
        self.entries_by_id[entry.id] = entry
        self._count(entry, +1)

    def _unindex(self, entry: Entry) -> None:
        at = bisect.bisect_left(self.entries, _newest_first(entry), key=_newest_first)
        assert self.entries[at].id == entry.id, "entries index out of step"
        del self.entries[at]
        del self.entries_by_id[entry.id]
        self._count(entry, -1)

    def _count(self, entry: Entry, sign: int) -> None:
        self.user_entry_counts[entry.user_id] += sign
        for tag_id in entry.tag_ids:
            self.tag_entry_counts[tag_id] += sign
        if entry.project_id is None:
            return
        old = self.project_totals.get(entry.project_id, ProjectTotals())
        self.project_totals[entry.project_id] = ProjectTotals(
            minutes=old.minutes + sign * entry.minutes,
            billable_minutes=old.billable_minutes + sign * entry.minutes * entry.billable,
            invoiced_minutes=old.invoiced_minutes
            + sign * entry.minutes * (entry.invoice_id is not None),
            entries=old.entries + sign,
        )

    def hashtag_ids(self, description: str) -> tuple[int, ...]:
        """The tags named by `#words` in `description` (matched case-insensitively); tags that
        do not exist yet are created, as Noko does."""
        with self.lock:
            by_name = {t.name.casefold(): t.id for t in self.tags.values()}
            found: set[int] = set()
            for word in HASHTAG.findall(description):
                tag_id = by_name.get(word.casefold())
                if tag_id is None:
                    stamp = self.now()
                    tag_id = max(self.tags, default=0) + 1
                    self.tags[tag_id] = Tag(tag_id, word, True, stamp, stamp)
                    by_name[word.casefold()] = tag_id
                found.add(tag_id)
            return tuple(sorted(found))

    def project_named(self, name: str) -> Project:
        """The project with this name (case-insensitive), created when missing, as Noko does."""
        with self.lock:
            folded = name.strip().casefold()
            for project in self.projects.values():
                if project.name.casefold() == folded:
                    return project
            stamp = self.now()
            pid = max(self.projects, default=0) + 1
            project = Project(
                pid, name.strip(), 1, True, True, NEW_PROJECT_COLOR, None, "", None, [],
                stamp, stamp,
            )  # fmt: skip
            self.projects[pid] = project
            return project

    # -- webhooks --------------------------------------------------------------------------------

    def add_webhook(self, webhook: Webhook) -> Webhook:
        with self.lock:
            webhook = replace(webhook, id=self._next_webhook_id)
            self._next_webhook_id += 1
            self.webhooks[webhook.id] = webhook
            return webhook


def _newest_first(entry: Entry) -> tuple[int, int]:
    return (-entry.date.toordinal(), -entry.id)


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
