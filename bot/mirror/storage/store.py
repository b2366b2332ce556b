"""The mirror's writes: upserts that never let an older copy replace a newer one, deletions
(remembered for entries), the window re-read's deletions and webhook deliveries applied once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from bot.mirror.storage import rows
from bot.mirror.storage.models import (
    MirrorDeliveryRow,
    MirrorEntryRow,
    MirrorParticipantRow,
    MirrorProjectRow,
    MirrorTeamMemberRow,
    MirrorTeamRow,
    MirrorTombstoneRow,
    MirrorUserRow,
)
from bot.mirror.storage.state import ID_CHUNK, StateStore, dialect_insert, table_of


class MirrorStore(StateStore):
    """The one door to the mirror's tables. Thread-safe: one session per call."""

    # -- upserts -------------------------------------------------------------------------------
    def _upsert(
        self,
        session: Session,
        table: Table,
        values: Sequence[Mapping[str, Any]],
        *,
        strict: bool = False,
    ) -> set[int]:
        """Insert or update by id; returns the ids written. A stored row is replaced only by a
        copy at least as recent (an older page read before a webhook must not undo it); with
        ``strict`` (a webhook delivery, which may be a replay) only by a strictly newer copy,
        and never by one without ``updated_at``."""
        if not values:
            return set()
        stmt = dialect_insert(session, table)
        columns = {k: stmt.excluded[k] for k in values[0] if k != "id"}
        stored, offered = table.c.updated_at, stmt.excluded.updated_at
        if strict:
            where = and_(offered.is_not(None), or_(stored.is_(None), stored < offered))
        else:
            where = or_(stored.is_(None), offered.is_(None), stored <= offered)
        # executemany: one compiled statement, batched by SQLAlchemy's insertmanyvalues; a row
        # the WHERE keeps is not RETURNed.
        written = session.execute(
            stmt.on_conflict_do_update(index_elements=["id"], set_=columns, where=where).returning(
                table.c.id
            ),
            list(values),
        )
        return set(written.scalars())

    def _insert_missing(
        self, session: Session, table: Table, values: Sequence[Mapping[str, Any]]
    ) -> None:
        """Rows for ids not yet stored (a simple user inside a team or an entry)."""
        unique = list({v["id"]: v for v in values}.values())
        if unique:
            stmt = dialect_insert(session, table).on_conflict_do_nothing(index_elements=["id"])
            session.execute(stmt, unique)

    def upsert_entries(
        self, session: Session, entries: Sequence[Mapping[str, Any]], *, strict: bool = False
    ) -> int:
        """Store entries (skipping ones Noko said it deleted); returns how many were stored."""
        built = rows.build_each("entry", entries, self.clock())
        dead = self._tombstoned(session, [entry["id"] for entry, _, _ in built])
        kept = [b for b in built if b[0]["id"] not in dead]
        self._insert_missing(session, table_of(MirrorUserRow), [user for _, user, _ in kept])
        self._insert_missing(
            session, table_of(MirrorProjectRow), [project for _, _, project in kept if project]
        )
        values = [entry for entry, _, _ in kept]
        return len(self._upsert(session, table_of(MirrorEntryRow), values, strict=strict))

    def _tombstoned(self, session: Session, ids: Sequence[int]) -> set[int]:
        found: set[int] = set()
        for start in range(0, len(ids), ID_CHUNK):
            chunk = ids[start : start + ID_CHUNK]
            found.update(
                session.scalars(
                    select(MirrorTombstoneRow.id).where(MirrorTombstoneRow.id.in_(chunk))
                )
            )
        return found

    def delete_entry(self, session: Session, entry_id: int) -> int:
        """Noko deleted the entry: remove it and remember that it is gone."""
        now = self.clock()
        gone = session.execute(delete(MirrorEntryRow).where(MirrorEntryRow.id == entry_id))
        self._insert_missing(
            session,
            table_of(MirrorTombstoneRow),
            [{"id": entry_id, "deleted_at": now}],
        )
        return int(gone.rowcount)  # type: ignore[attr-defined]

    def upsert_teams(
        self, session: Session, teams: Sequence[Mapping[str, Any]], *, strict: bool = False
    ) -> int:
        return self._upsert_with_people(
            session, "team", teams, table_of(MirrorTeamRow), table_of(MirrorTeamMemberRow), strict
        )

    def _upsert_with_people(
        self,
        session: Session,
        kind: str,
        objects: Sequence[Mapping[str, Any]],
        table: Table,
        links: Table,
        strict: bool,
    ) -> int:
        """Teams with their members, projects with their participants: the people are linked
        anew only for the objects whose row was written (an older copy changes nothing)."""
        built = rows.build_each(kind, objects, self.clock())
        people = [person for _, persons in built for person in persons]
        self._insert_missing(session, table_of(MirrorUserRow), people)
        written = self._upsert(session, table, [row for row, _ in built], strict=strict)
        owner = "team_id" if kind == "team" else "project_id"
        self._replace_links(
            session,
            links,
            owner,
            sorted(written),
            [
                {owner: row["id"], "user_id": person["id"]}
                for row, persons in built
                if row["id"] in written
                for person in persons
            ],
        )
        return len(written)

    def delete_team(self, session: Session, team_id: int) -> int:
        session.execute(delete(MirrorTeamMemberRow).where(MirrorTeamMemberRow.team_id == team_id))
        gone = session.execute(delete(MirrorTeamRow).where(MirrorTeamRow.id == team_id))
        return int(gone.rowcount)  # type: ignore[attr-defined]

    def upsert_users(
        self, session: Session, users: Sequence[Mapping[str, Any]], *, strict: bool = False
    ) -> int:
        values = rows.build_each("user", users, self.clock())
        return len(self._upsert(session, table_of(MirrorUserRow), values, strict=strict))

    def user_role(self, user_id: int) -> str | None:
        """The role the mirror holds for a user (None: unknown, or no such user yet)."""
        with self.read() as session:
            return session.scalar(select(MirrorUserRow.role).where(MirrorUserRow.id == user_id))

    def delete_user(self, session: Session, user_id: int) -> int:
        session.execute(delete(MirrorTeamMemberRow).where(MirrorTeamMemberRow.user_id == user_id))
        session.execute(delete(MirrorParticipantRow).where(MirrorParticipantRow.user_id == user_id))
        gone = session.execute(
            update(MirrorUserRow).where(MirrorUserRow.id == user_id).values(deleted=True)
        )
        return int(gone.rowcount)  # type: ignore[attr-defined]

    def upsert_projects(
        self, session: Session, projects: Sequence[Mapping[str, Any]], *, strict: bool = False
    ) -> int:
        return self._upsert_with_people(
            session,
            "project",
            projects,
            table_of(MirrorProjectRow),
            table_of(MirrorParticipantRow),
            strict,
        )

    def delete_project(self, session: Session, project_id: int) -> int:
        session.execute(
            delete(MirrorParticipantRow).where(MirrorParticipantRow.project_id == project_id)
        )
        gone = session.execute(
            update(MirrorProjectRow).where(MirrorProjectRow.id == project_id).values(deleted=True)
        )
        return int(gone.rowcount)  # type: ignore[attr-defined]

    def _replace_links(
        self,
        session: Session,
        table: Table,
        owner: str,
        owner_ids: Sequence[int],
        links: Sequence[Mapping[str, int]],
    ) -> None:
        for start in range(0, len(owner_ids), ID_CHUNK):
            chunk = owner_ids[start : start + ID_CHUNK]
            session.execute(delete(table).where(table.c[owner].in_(chunk)))
        unique = list({(link[owner], link["user_id"]): link for link in links}.values())
        if unique:
            session.execute(insert(table), unique)

    def drop_unseen(
        self, session: Session, kind: str, seen_ids: set[int], before: dt.datetime
    ) -> int:
        """After a full read of ``kind`` begun at ``before``: rows it did not list and nobody
        wrote since are gone from Noko."""
        model: Any = {"teams": MirrorTeamRow, "users": MirrorUserRow, "projects": MirrorProjectRow}[
            kind
        ]
        stale = [
            i
            for i in session.scalars(select(model.id).where(model.seen_at < before))
            if i not in seen_ids
        ]
        dropped = 0
        for item in stale:
            if kind == "teams":
                dropped += self.delete_team(session, item)
            elif kind == "users":
                dropped += self.delete_user(session, item)
            else:
                dropped += self.delete_project(session, item)
        return dropped

    # -- window re-read ------------------------------------------------------------------------
    def delete_entries_missing(
        self,
        session: Session,
        start: dt.date,
        end: dt.date,
        noko_ids: set[int],
        before: dt.datetime,
    ) -> int:
        """Entries dated ``start``..``end`` that Noko no longer lists, written before ``before``
        (the re-read's start: a webhook's newer row stays)."""
        entry = MirrorEntryRow
        mine = session.scalars(
            select(entry.id).where(
                and_(entry.date >= start, entry.date <= end, entry.seen_at < before)
            )
        )
        missing = [i for i in mine if i not in noko_ids]
        for begin in range(0, len(missing), ID_CHUNK):
            chunk = missing[begin : begin + ID_CHUNK]
            session.execute(delete(entry).where(entry.id.in_(chunk)))
        return len(missing)

    def prune_before(self, session: Session, start: dt.date, delivered_before: dt.datetime) -> int:
        """Drop entries older than the window and delivery ids too old to be redelivered."""
        session.execute(
            delete(MirrorDeliveryRow).where(MirrorDeliveryRow.received_at < delivered_before)
        )
        gone = session.execute(delete(MirrorEntryRow).where(MirrorEntryRow.date < start))
        return int(gone.rowcount)  # type: ignore[attr-defined]

    # -- webhook deliveries --------------------------------------------------------------------
    def claim_delivery(self, session: Session, delivery_id: str) -> bool:
        """Record a delivery inside the write that applies it; False if already applied."""
        exists = session.get(MirrorDeliveryRow, delivery_id)
        if exists is not None:
            return False
        session.add(MirrorDeliveryRow(delivery_id=delivery_id, received_at=self.clock()))
        session.flush()
        return True

    def apply_delivery(
        self,
        key: str,
        change: tuple[str, str, Mapping[str, Any]] | None,
        *,
        forget_before: dt.datetime,
    ) -> tuple[bool, int, int]:
        """Apply one webhook delivery at most once: (applied, rows upserted, rows deleted).
        ``change`` is (family, "changed" | "deleted", object); None changes nothing. A change
        is written only over an older copy (a delivery may be a replay); delivery ids received
        before ``forget_before`` are forgotten."""
        upserted = deleted = 0
        with self.write() as session:
            session.execute(
                delete(MirrorDeliveryRow).where(MirrorDeliveryRow.received_at < forget_before)
            )
            if not self.claim_delivery(session, key):
                return False, 0, 0
            if change is not None:
                family, action, obj = change
                if action == "deleted":
                    deleted = self._deleters[family](session, rows.noko_id(obj["id"]))
                else:
                    upserted = self._upserters[family](session, [obj], strict=True)
            self.set_state(session, last_webhook_at=self.clock())
        return True, upserted, deleted

    @property
    def _upserters(self) -> dict[str, Callable[..., int]]:
        return {
            "entry": self.upsert_entries,
            "team": self.upsert_teams,
            "user": self.upsert_users,
            "project": self.upsert_projects,
        }

    @property
    def _deleters(self) -> dict[str, Callable[[Session, int], int]]:
        return {
            "entry": self.delete_entry,
            "team": self.delete_team,
            "user": self.delete_user,
            "project": self.delete_project,
        }
