"""Reads of the mirror as Noko-shaped objects, and time summed in SQL (GROUP BY), so memory does
not grow with the number of entries."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bot.mirror.storage.models import (
    MirrorEntryRow,
    MirrorParticipantRow,
    MirrorProjectRow,
    MirrorTeamMemberRow,
    MirrorTeamRow,
    MirrorUserRow,
)
from bot.mirror.storage.rows import simple_project, simple_user, stamp
from bot.mirror.storage.state import ID_CHUNK
from noko_core import Entry, Project, SimpleProject, SimpleUser, Team, User

ENTRY_BATCH = 1000  # rows fetched at a time when streaming entries


@dataclass(frozen=True)
class GroupRow:
    user: SimpleUser
    project: SimpleProject | None
    billable: bool
    approved: bool
    minutes: int
    entries: int


def _members(
    session: Session, link: type[MirrorTeamMemberRow] | type[MirrorParticipantRow]
) -> dict[int, list[SimpleUser]]:
    owner = link.team_id if link is MirrorTeamMemberRow else link.project_id  # type: ignore[union-attr]
    found: dict[int, list[SimpleUser]] = defaultdict(list)
    query = (
        select(owner, MirrorUserRow)
        .join(MirrorUserRow, MirrorUserRow.id == link.user_id)
        .order_by(owner, MirrorUserRow.id)
    )
    for owner_id, user in session.execute(query):
        found[owner_id].append(simple_user(user))
    return found


def teams(session: Session, team_id: int | None = None) -> list[Team]:
    members = _members(session, MirrorTeamMemberRow)
    query = select(MirrorTeamRow).order_by(MirrorTeamRow.id)
    if team_id is not None:
        query = query.where(MirrorTeamRow.id == team_id)
    result: list[Team] = []
    for row in session.scalars(query):
        team: Team = {"id": row.id, "name": row.name, "users": members.get(row.id, [])}
        if row.updated_at is not None:
            team["updated_at"] = stamp(row.updated_at) or ""
        result.append(team)
    return result


def users(session: Session) -> list[User]:
    query = (
        select(MirrorUserRow)
        .where(MirrorUserRow.deleted.is_(False), MirrorUserRow.state.is_not(None))
        .order_by(MirrorUserRow.id)
    )
    team_names = {t.id: t.name for t in session.scalars(select(MirrorTeamRow))}
    teams_of: dict[int, list[int]] = defaultdict(list)
    for link in session.scalars(select(MirrorTeamMemberRow).order_by(MirrorTeamMemberRow.team_id)):
        teams_of[link.user_id].append(link.team_id)
    result: list[User] = []
    for row in session.scalars(query):
        user = cast(User, dict(simple_user(row)))
        user["state"] = row.state or ""
        user["role"] = row.role or ""
        user["teams"] = [{"id": t, "name": team_names[t]} for t in teams_of.get(row.id, [])]
        result.append(user)
    return result


def projects(session: Session) -> list[Project]:
    participants = _members(session, MirrorParticipantRow)
    query = select(MirrorProjectRow).where(MirrorProjectRow.deleted.is_(False))
    result: list[Project] = []
    for row in session.scalars(query.order_by(MirrorProjectRow.id)):
        project = cast(Project, dict(simple_project(row)))
        project["participants"] = participants.get(row.id, [])
        result.append(project)
    return result


def entry_groups(
    session: Session,
    user_ids: Collection[int],
    start: dt.date,
    end: dt.date,
    people: Mapping[int, SimpleUser] | None = None,
    places: Mapping[int, SimpleProject] | None = None,
) -> list[GroupRow]:
    """One row per (user, project, billable, approved) of these users' entries in the span;
    users and projects come from ``people``/``places`` when known there, else are read."""
    entry = MirrorEntryRow
    ids = sorted(set(user_ids))
    found: list[GroupRow] = []
    for begin in range(0, len(ids), ID_CHUNK):
        chunk = ids[begin : begin + ID_CHUNK]
        query = (
            select(
                entry.user_id,
                entry.project_id,
                entry.billable,
                entry.approved,
                func.sum(entry.minutes),
                func.count(),
            )
            .where(entry.user_id.in_(chunk), entry.date >= start, entry.date <= end)
            .group_by(entry.user_id, entry.project_id, entry.billable, entry.approved)
            .order_by(entry.user_id, entry.project_id, entry.billable, entry.approved)
        )
        grouped = session.execute(query).all()
        users = dict(people or {})
        projects = dict(places or {})
        missing_users = {g[0] for g in grouped} - users.keys()
        missing_projects = {g[1] for g in grouped if g[1] is not None} - projects.keys()
        for row in _by_id(session, MirrorUserRow, missing_users).values():
            users[row.id] = simple_user(row)
        for row in _by_id(session, MirrorProjectRow, missing_projects).values():
            projects[row.id] = simple_project(row)
        for user_id, project_id, billable, approved, minutes, count in grouped:
            found.append(
                GroupRow(
                    user=users[user_id],
                    project=None if project_id is None else projects[project_id],
                    billable=bool(billable),
                    approved=bool(approved),
                    minutes=int(minutes or 0),
                    entries=int(count),
                )
            )
    return found


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    ordered = sorted(ids)
    for begin in range(0, len(ordered), ID_CHUNK):
        chunk = ordered[begin : begin + ID_CHUNK]
        found.update(
            {row.id: row for row in session.scalars(select(model).where(model.id.in_(chunk)))}
        )
    return found


def entries(
    session: Session, user_ids: Collection[int], start: dt.date, end: dt.date
) -> Iterator[Entry]:
    """The entries themselves, most recent date first, streamed in batches."""
    entry = MirrorEntryRow
    ids = sorted(set(user_ids))
    if not ids:
        return
    query = (
        select(entry, MirrorUserRow, MirrorProjectRow)
        .join(MirrorUserRow, MirrorUserRow.id == entry.user_id)
        .outerjoin(MirrorProjectRow, MirrorProjectRow.id == entry.project_id)
        .where(and_(entry.date >= start, entry.date <= end))
        .order_by(entry.date.desc(), entry.id.desc())
        .execution_options(yield_per=ENTRY_BATCH)
    )
    # A long list of ids goes through IN (...) chunks, merged back into one order.
    chunks = [ids[begin : begin + ID_CHUNK] for begin in range(0, len(ids), ID_CHUNK)]
    streams = [session.execute(query.where(entry.user_id.in_(chunk))) for chunk in chunks]
    rows = heapq.merge(*streams, key=lambda r: (r[0].date, r[0].id), reverse=True)
    for row, user, project in rows:
        yield {
            "id": row.id,
            "date": row.date.isoformat(),
            "minutes": row.minutes,
            "billable": row.billable,
            "description": row.description,
            "user": simple_user(user),
            "project": None if project is None else simple_project(project),
            "approved_at": stamp(row.approved_at),
            "updated_at": stamp(row.updated_at) or "",
        }
