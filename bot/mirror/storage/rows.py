"""Noko's JSON objects turned into mirror rows (plain dicts of column values) and back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from noko_core import SimpleProject, SimpleUser

Row = dict[str, Any]


def timestamp(value: object) -> dt.datetime | None:
    """Noko's ``YYYY-MM-DDTHH:MM:SSZ`` (or any ISO 8601 with a zone) as aware UTC; None if absent
    or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def simple_user_row(user: Mapping[str, Any], seen_at: dt.datetime) -> Row:
    return {
        "id": int(user["id"]),
        "email": str(user.get("email") or ""),
        "first_name": str(user.get("first_name") or ""),
        "last_name": str(user.get("last_name") or ""),
        "profile_image_url": user.get("profile_image_url"),
        "seen_at": seen_at,
    }


def user_row(user: Mapping[str, Any], seen_at: dt.datetime) -> Row:
    return {
        **simple_user_row(user, seen_at),
        "role": user.get("role"),
        "state": user.get("state"),
        "updated_at": timestamp(user.get("updated_at")),
        "deleted": False,
    }


def simple_project_row(project: Mapping[str, Any], seen_at: dt.datetime) -> Row:
    return {
        "id": int(project["id"]),
        "name": str(project.get("name") or ""),
        "billing_increment": project.get("billing_increment"),
        "enabled": project.get("enabled"),
        "billable": project.get("billable"),
        "color": project.get("color"),
        "seen_at": seen_at,
    }


def project_row(project: Mapping[str, Any], seen_at: dt.datetime) -> Row:
    return {
        **simple_project_row(project, seen_at),
        "updated_at": timestamp(project.get("updated_at")),
        "deleted": False,
    }


def team_row(team: Mapping[str, Any], seen_at: dt.datetime) -> Row:
    return {
        "id": int(team["id"]),
        "name": str(team.get("name") or ""),
        "updated_at": timestamp(team.get("updated_at")),
        "seen_at": seen_at,
    }


def entry_row(entry: Mapping[str, Any], seen_at: dt.datetime) -> Row:
    project = entry.get("project")
    approved_at = timestamp(entry.get("approved_at"))
    return {
        "id": int(entry["id"]),
        "user_id": int(entry["user"]["id"]),
        "project_id": int(project["id"]) if project else None,
        "date": dt.date.fromisoformat(str(entry["date"])),
        "minutes": int(entry["minutes"]),
        "billable": bool(entry["billable"]),
        "approved": approved_at is not None,
        "approved_at": approved_at,
        "description": entry.get("description"),
        "updated_at": timestamp(entry.get("updated_at")),
        "seen_at": seen_at,
    }


def stamp(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def simple_user(row: Any) -> SimpleUser:
    user: SimpleUser = {
        "id": row.id,
        "email": row.email,
        "first_name": row.first_name,
        "last_name": row.last_name,
    }
    if row.profile_image_url is not None:
        user["profile_image_url"] = row.profile_image_url
    return user


def simple_project(row: Any) -> SimpleProject:
    project: SimpleProject = {"id": row.id, "name": row.name}
    for key in ("billing_increment", "enabled", "billable", "color"):
        value = getattr(row, key)
        if value is not None:
            project[key] = value  # type: ignore[literal-required,unused-ignore]
    return project
